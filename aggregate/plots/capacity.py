"""Capacity use per producer: units made against units available, per period.

From the ``capacity`` table, per period ``t`` and the selected (producer, item) offers:
``made[t]`` (bars; the units delivered unless an offer builds ahead), ``available[t] =
base[t] + added[t]`` (step line), where expansions add capacity the part ``added[t]``
shaded above the base, and, where an offer of the plan holds units for later, ``used[t]``
(the units delivered) as dots.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aggregate.plots.common import (
    ADDED,
    DUE,
    THOUSANDS,
    USED,
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
    percent,
    period_axis,
    period_steps,
    periods_of,
    shorten,
    table,
    tidy,
    whole_ticks,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from aggregate.schema import Scenario


def capacity_frame(
    plan_or_frame: PlanOrFrame,
    *,
    producer: str | None = None,
    item: str | None = None,
    periods: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per period: ``base``, ``added``, ``available``, ``used``, ``made`` and ``held`` for the
    selected offers (``made`` is ``used`` and ``held`` 0 unless an offer builds ahead)."""
    capacity = table(plan_or_frame, "capacity")
    if producer is not None:
        capacity = capacity[capacity["producer"] == producer]
    if item is not None:
        capacity = capacity[capacity["item"] == item]
    order = periods_of(plan_or_frame, capacity["period"], periods=periods)
    capacity = capacity.copy()
    if "made" not in capacity:  # a table saved before offers could build ahead
        capacity["made"], capacity["held"] = capacity["used"], 0.0
    columns = ["base", "added", "used", "made", "held"]
    frame = capacity.groupby("period")[columns].sum().reindex(order)
    frame = frame.fillna(0.0)
    frame["available"] = frame["base"] + frame["added"]
    frame.index.name = "period"
    return frame.reset_index()


def plot_capacity(
    plan_or_frame: PlanOrFrame,
    ax: Axes | None = None,
    *,
    producer: str | None = None,
    item: str | None = None,
    periods: Sequence[str] | None = None,
    scenario: Scenario | None = None,
    title: str | None = None,
) -> Axes:
    """Units made (bars) against available capacity (line) per period for one producer and
    item, or summed over a producer's items or over all producers when not given; where an
    offer of the plan holds units it made for later, the units delivered as dots (they may
    exceed a period's capacity: made before and held).

    ``plan_or_frame``: a plan or its ``capacity`` table.
    """
    names = Names.of(scenario, plan_or_frame)
    who = names.producer(producer) if producer else "all producers"
    what = names.item(item) if item else "all items"
    heading = title or f"Capacity use: {who}, {what}"
    reason = no_plan_reason(plan_or_frame)
    frame = (
        None
        if reason
        else capacity_frame(plan_or_frame, producer=producer, item=item, periods=periods)
    )
    if frame is None or frame[["available", "used"]].to_numpy().sum() <= 0:
        return nothing_to_show(
            new_axes(ax, (8, 3)), heading, reason or f"no production capacity for {what} of {who}"
        )
    capacity = table(plan_or_frame, "capacity")
    chosen = capacity if producer is None else capacity[capacity["producer"] == producer]
    items = [item] if item else [str(i) for i in chosen["item"].unique()]
    units = sorted({names.item_units.get(i, "unit") for i in items})
    if len(units) > 1:  # rounds and missiles are never added up
        return nothing_to_show(
            new_axes(ax, (8, 3)),
            heading,
            f"the items are counted in different units ({', '.join(units)}); pass item=",
        )
    axes = new_axes(ax, (max(7.0, 0.55 * len(frame) + 4), 4))
    x = np.arange(len(frame))
    # capacity limits what is made; where some offer of the plan builds ahead (holds units
    # for later), the bars are what was made and the dots what was delivered, in every
    # panel alike (one legend for a grid)
    ahead = "held" in capacity and bool((capacity["held"] > 0).any())
    axes.bar(x, frame["made"], width=0.7, color=USED, label="made" if ahead else "delivered (used)")
    if ahead:
        shown = frame["used"].where(frame["used"] > 0)  # no dot where nothing is delivered
        label = "delivered (some made earlier and held)"
        axes.plot(x, shown, linestyle="none", marker="o", color=DUE, label=label, zorder=3)
    if (frame["added"] > 0).any():
        edges, base = period_steps(frame["base"])
        axes.fill_between(
            edges,
            base,
            period_steps(frame["available"])[1],
            step="post",
            color=ADDED,
            alpha=0.35,
            label="added by expansions",
            linewidth=0,
        )
        axes.step(
            edges,
            base,
            where="post",
            color=DUE,
            linestyle=":",
            linewidth=1.2,
            label="capacity before expansions",
        )
    # over each period's whole slot, so a one-period plan still shows its capacity
    axes.step(
        *period_steps(frame["available"]),
        where="post",
        color=DUE,
        linewidth=2,
        label="capacity available",
        gid="available",
    )
    period_axis(axes, list(frame["period"]))
    axes.set_ylabel(f"{names.unit_of_items(items)} per period")
    axes.yaxis.set_major_formatter(THOUSANDS)
    whole_ticks(axes.yaxis, frame[["made", "used", "available"]].to_numpy())
    headroom(axes, float(frame[["made", "used", "available"]].to_numpy().max()))
    tidy(axes)
    axes.set_title(heading, loc="left", fontweight="bold")
    available = float(frame["available"].sum())
    use = float(frame["made"].sum()) / available if available > 0 else float("nan")
    caption(axes, [f"capacity used over the horizon: {percent(use)}"])
    legend_outside(axes)
    return axes


def plot_capacity_by_producer(
    plan_or_frame: PlanOrFrame,
    fig: Figure | None = None,
    *,
    periods: Sequence[str] | None = None,
    scenario: Scenario | None = None,
    columns: int = 3,
) -> Figure:
    """One :func:`plot_capacity` panel per (producer, item) offer, busiest first."""
    names = Names.of(scenario, plan_or_frame)
    heading = "Capacity use per producer"
    reason = no_plan_reason(plan_or_frame)
    offers: list[tuple[str, str]] = []
    if reason is None:
        capacity = table(plan_or_frame, "capacity")
        totals = capacity.groupby(["producer", "item"])[["base", "added", "used"]].sum()
        totals = totals[(totals["base"] + totals["added"] + totals["used"]) > 0]
        offers = [(str(p), str(i)) for p, i in totals.sort_values("used", ascending=False).index]
    if not offers:
        figure = new_figure(fig, (8, 3))
        nothing_to_show(figure.add_subplot(), heading, reason or "no producers in this plan")
        return figure
    cols = min(columns, len(offers))
    rows = -(-len(offers) // cols)
    figure = new_figure(fig, (5.5 * cols, 3.2 * rows))
    figure.set_layout_engine("constrained")  # room for the shared legend below the panels
    axes = figure.subplots(rows, cols, squeeze=False)
    for panel, (producer, item) in zip(axes.flat, offers, strict=False):
        plot_capacity(
            plan_or_frame, panel, producer=producer, item=item, periods=periods, scenario=scenario
        )
        use = capacity_frame(plan_or_frame, producer=producer, item=item, periods=periods)
        available = float(use["available"].sum())
        share = float(use["made"].sum()) / available if available > 0 else float("nan")
        panel.set_title(
            f"{shorten(names.producer(producer), 40)}\n"
            f"{shorten(names.item(item), 40)}: {percent(share)} used",
            loc="left",
            fontsize=9,
            fontweight="bold",
        )
    note = "each panel has its own y scale" if len(offers) > 1 else ""
    finish_grid(figure, axes, len(offers), heading, note)
    return figure
