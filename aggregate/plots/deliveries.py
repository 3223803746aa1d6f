"""Deliveries over time against demand, for one nation or capability or all of them.

Per period ``t``, in capability units (item units times their equivalence factor):

- bars: units drawn to meet demands in ``t``, split into those on time (due in ``t``) and
  those late (due earlier), from the ``supply`` table;
- a step line: the units due in ``t``, from the ``demands`` table.

Where the line stands above the bars, the demand of that period is met late or never.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aggregate.plots.common import (
    DUE,
    MET_LATE,
    MET_ON_TIME,
    THOUSANDS,
    Names,
    PlanOrFrame,
    caption,
    finish_grid,
    headroom,
    legend_outside,
    new_axes,
    new_figure,
    no_plan_reason,
    nothing_to_show,
    period_axis,
    period_steps,
    periods_of,
    shorten,
    table,
    thousands,
    tidy,
    whole_ticks,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from aggregate.schema import Scenario


def _select(frame: pd.DataFrame, column: str, wanted: str | Sequence[str] | None) -> pd.DataFrame:
    if wanted is None:
        return frame
    keys = [wanted] if isinstance(wanted, str) else list(wanted)
    return frame[frame[column].isin(keys)]


def delivery_frame(
    plan_or_frame: PlanOrFrame,
    *,
    nation: str | Sequence[str] | None = None,
    capability: str | Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per period: ``due``, ``met_on_time`` and ``met_late`` in capability units."""
    demands = _select(
        _select(table(plan_or_frame, "demands"), "nation", nation), "capability", capability
    )
    supply = _select(
        _select(table(plan_or_frame, "supply"), "nation", nation), "capability", capability
    )
    order = periods_of(plan_or_frame, demands["due_period"], supply["period"], periods=periods)
    late = supply["periods_late"] > 0
    frame = pd.DataFrame(
        {
            "due": demands.groupby("due_period")["quantity"].sum(),
            "met_on_time": supply[~late].groupby("period")["equivalent"].sum(),
            "met_late": supply[late].groupby("period")["equivalent"].sum(),
        },
        index=pd.Index(order, name="period"),
    )
    return frame.fillna(0.0).reset_index()


def plot_deliveries(
    plan_or_frame: PlanOrFrame,
    ax: Axes | None = None,
    *,
    nation: str | Sequence[str] | None = None,
    capability: str | Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    scenario: Scenario | None = None,
    title: str | None = None,
) -> Axes:
    """Units met per period (on time, late) against the units due, as bars and a step line.

    ``plan_or_frame``: a plan or a dict with its ``demands`` and ``supply`` tables.
    ``nation``/``capability``: one id or a list to show (default: all, summed).
    ``periods``: period order when a dict of tables is passed (the plan knows its own).
    """
    names = Names.of(scenario, plan_or_frame)
    who = _describe(nation, names.nation, "all nations")
    what = _describe(capability, names.capability, "all capabilities")
    heading = title or f"Deliveries against demand: {who}, {what}"
    reason = no_plan_reason(plan_or_frame)
    frame = None
    if reason is None:
        frame = delivery_frame(plan_or_frame, nation=nation, capability=capability, periods=periods)
    if frame is None or frame[["due", "met_on_time", "met_late"]].to_numpy().sum() <= 0:
        return nothing_to_show(
            new_axes(ax, (8, 3)), heading, reason or f"no demand for {what} of {who}"
        )

    demands = _select(table(plan_or_frame, "demands"), "capability", capability)
    units = sorted({names.capability_units.get(str(c), "unit") for c in demands["capability"]})
    if len(units) > 1:
        return nothing_to_show(
            new_axes(ax, (8, 3)),
            heading,
            _mixed(units),
        )
    axes = new_axes(ax, (max(7.0, 0.55 * len(frame) + 4), 4))
    unit = names.unit_of_capabilities(demands["capability"].unique())
    x = np.arange(len(frame))
    axes.bar(x, frame["met_on_time"], width=0.7, color=MET_ON_TIME, label="met on time")
    axes.bar(
        x,
        frame["met_late"],
        width=0.7,
        bottom=frame["met_on_time"],
        color=MET_LATE,
        label="met late (due earlier)",
    )
    # the line spans each period's whole slot, so one period still shows its due level
    axes.step(
        *period_steps(frame["due"]),
        where="post",
        color=DUE,
        linewidth=2,
        label="due this period",
        gid="due",
    )
    period_axis(axes, list(frame["period"]))
    axes.set_ylabel(f"{unit} (capability units)")
    axes.yaxis.set_major_formatter(THOUSANDS)
    whole_ticks(axes.yaxis, frame[["due", "met_on_time", "met_late"]].to_numpy())
    headroom(axes, float(max(frame["due"].max(), (frame["met_on_time"] + frame["met_late"]).max())))
    tidy(axes)
    axes.set_title(heading, loc="left", fontweight="bold")
    short = float(demands.pipe(_select, "nation", nation)["short"].sum())
    caption(
        axes,
        [
            f"due: {thousands(frame['due'].sum())}",
            f"met on time: {thousands(frame['met_on_time'].sum())}",
            f"met late: {thousands(frame['met_late'].sum())}",
            f"never met: {thousands(short)}",
            f"({unit})",
        ],
    )
    legend_outside(axes)
    return axes


def plot_deliveries_by_nation(
    plan_or_frame: PlanOrFrame,
    fig: Figure | None = None,
    *,
    capability: str | Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    scenario: Scenario | None = None,
    columns: int = 3,
    sharey: bool = False,
) -> Figure:
    """One :func:`plot_deliveries` panel per nation with a demand, sharing the period axis.

    ``sharey``: one y scale for every panel (nations compare at a glance, small ones read
    as flat). Default: each panel its own scale, said above the grid and on every panel's
    axis, so a small nation's deliveries stay readable.
    """
    names = Names.of(scenario, plan_or_frame)
    reason = no_plan_reason(plan_or_frame)
    demands = None if reason else _select(table(plan_or_frame, "demands"), "capability", capability)
    nations = (
        []
        if demands is None
        else list(demands.groupby("nation")["quantity"].sum().sort_values(ascending=False).index)
    )
    units = (
        set()
        if demands is None
        else {names.capability_units.get(str(c), "unit") for c in demands["capability"]}
    )
    if not nations or len(units) > 1:
        figure = new_figure(fig, (8, 3))
        nothing_to_show(
            figure.add_subplot(),
            "Deliveries against demand by nation",
            reason or ("no demands in this plan" if not nations else _mixed(units)),
        )
        return figure
    cols = min(columns, len(nations))
    rows = -(-len(nations) // cols)
    figure = new_figure(fig, (5.5 * cols, 3.2 * rows))
    figure.set_layout_engine("constrained")  # room for the shared legend below the panels
    axes = figure.subplots(rows, cols, squeeze=False, sharex=True, sharey=sharey)
    for panel, code in zip(axes.flat, nations, strict=False):
        plot_deliveries(
            plan_or_frame,
            panel,
            nation=code,
            capability=capability,
            periods=periods,
            scenario=scenario,
            title=shorten(names.nation(code), 40),
        )
    if not sharey:
        for panel in axes.flat:  # a tick label on every panel: its own scale is visible
            panel.tick_params(labelleft=True)
    note = "one y scale for all panels" if sharey else "each panel has its own y scale"
    note = note if len(nations) > 1 else ""
    finish_grid(figure, axes, len(nations), "Deliveries against demand by nation", note)
    return figure


def _mixed(units: Iterable[str]) -> str:
    """Why capabilities in different units get no common chart."""
    return (
        f"the capabilities are counted in different units ({', '.join(sorted(units))}); "
        "pass capability= to draw one"
    )


def _describe(
    value: str | Sequence[str] | None, name: Callable[[str], str], everything: str
) -> str:
    if value is None:
        return everything
    keys = [value] if isinstance(value, str) else list(value)
    return ", ".join(name(k) for k in keys)
