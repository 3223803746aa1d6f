"""Fund contributions against each member's key share.

From the ``contributions`` table, per fund ``f`` with total ``F = sum_m amount[f, m]`` and per
member ``m``: a bar of ``amount[f, m]``; a diamond at ``key_share[f, m] * F``, what the member
would pay at exactly its key share (funds with a key rule); and a line from ``lower`` to
``upper``, the range the fund's rule allows at this total (key with tolerance, or pledge
minimum and maximum).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from aggregate.plots.common import (
    THOUSANDS,
    Names,
    PlanOrFrame,
    caption,
    colours,
    legend_outside,
    money_scale,
    new_axes,
    no_plan_reason,
    nothing_to_show,
    shorten,
    table,
    thousands,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from aggregate.schema import Scenario


def plot_contributions(
    plan_or_frame: PlanOrFrame,
    ax: Axes | None = None,
    *,
    fund: str | Sequence[str] | None = None,
    scale: float | None = None,
    scenario: Scenario | None = None,
    title: str | None = None,
) -> Axes:
    """Horizontal bars of what each member paid into each fund, against its key share and
    the range its fund's rule allows.

    ``plan_or_frame``: a plan or its ``contributions`` table. ``fund``: one fund id or a list
    (default: every fund, grouped). ``scale``: divide amounts by this for the axis (default:
    thousands, millions or billions as fits; the axis label says which).
    """
    names = Names.of(scenario)
    heading = title or "Fund contributions against key shares"
    reason = no_plan_reason(plan_or_frame)
    frame = None
    if reason is None:
        frame = table(plan_or_frame, "contributions")
        if fund is not None:
            frame = frame[frame["fund"].isin([fund] if isinstance(fund, str) else list(fund))]
    if frame is None or frame.empty or float(frame["amount"].sum()) <= 0:
        return nothing_to_show(
            new_axes(ax, (8, 3)), heading, reason or "no fund contributions in this plan"
        )

    # tables read back from JSON hold None for NaN
    frame = frame.astype({c: float for c in ("amount", "key_share", "lower", "upper")})
    totals = frame.groupby("fund", sort=False)["amount"].sum()
    funds = [str(f) for f, total in totals.items() if total > 0]
    idle = [str(f) for f, total in totals.items() if total <= 0]
    frame = frame[frame["fund"].isin(funds)]
    # one header row per fund, then its members
    rows = len(funds) + len(frame)
    axes = new_axes(ax, (10, max(3.0, 0.32 * rows + 1.5)))
    largest = float(np.nanmax(frame[["amount", "upper"]].to_numpy(dtype=float)))
    divisor, suffix = (scale, "") if scale is not None else money_scale(largest)
    colour = colours(funds)
    y = 0
    ticks: list[tuple[int, str, bool]] = []
    labelled: set[str] = set()

    def once(label: str) -> str:
        # each legend entry once, however many funds draw it
        if label in labelled:
            return "_nolegend_"
        labelled.add(label)
        return label

    for fid in funds:
        members = frame[frame["fund"] == fid]
        total = float(members["amount"].sum())
        ticks.append(
            (y, f"{shorten(names.fund(fid), 45)}: {thousands(total / divisor)}{suffix}", True)
        )
        y += 1
        for nation, amount, key_share, lower, upper in zip(
            members["nation"].astype(str),
            *(members[c].to_numpy(dtype=float) for c in ("amount", "key_share", "lower", "upper")),
            strict=True,
        ):
            axes.barh(
                y,
                amount / divisor,
                height=0.6,
                color=colour[fid],
                label=once("paid in"),
                gid=f"paid:{fid}:{nation}",
            )
            if np.isfinite(upper):
                axes.plot(
                    [lower / divisor, upper / divisor],
                    [y, y],
                    color="#333333",
                    linewidth=1.5,
                    marker="|",
                    markersize=10,
                    label=once("range the rule allows"),
                )
            else:
                axes.plot(
                    [lower / divisor],
                    [y],
                    color="#333333",
                    marker="|",
                    markersize=10,
                    linestyle="none",
                    label=once("least the rule allows"),
                )
            if np.isfinite(key_share):
                axes.plot(
                    [key_share * total / divisor],
                    [y],
                    marker="D",
                    color="black",
                    markersize=6,
                    linestyle="none",
                    label=once("exact key share"),
                    gid=f"key:{fid}:{nation}",
                )
            ticks.append((y, shorten(names.nation(nation), 30), False))
            y += 1
    axes.set_yticks([t[0] for t in ticks])
    axes.set_yticklabels([t[1] for t in ticks])
    for tick, (_, _, header) in zip(axes.get_yticklabels(), ticks, strict=True):
        if header:
            tick.set_fontweight("bold")
    axes.set_ylim(y - 0.5, -0.7)
    axes.set_xlim(left=0)
    axes.xaxis.set_major_formatter(THOUSANDS)
    axes.set_xlabel(f"amount paid in ({names.money()}{suffix})")
    axes.grid(axis="x", color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(heading, loc="left", fontweight="bold")
    legend_outside(axes)
    if idle:
        caption(axes, ["funds nobody paid into:", *(shorten(names.fund(f), 40) for f in idle)])
    return axes
