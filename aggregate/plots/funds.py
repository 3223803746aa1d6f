"""Fund contributions against each member's key share or pledge.

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
    colours,
    money_scale,
    new_axes,
    no_plan_reason,
    nothing_to_show,
    shorten,
    table,
    thousands,
)
from aggregate.schema.funds import KeyRule

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
    names = Names.of(scenario, plan_or_frame)
    reason = no_plan_reason(plan_or_frame)
    frame = None
    if reason is None:
        frame = table(plan_or_frame, "contributions")
        if fund is not None:
            frame = frame[frame["fund"].isin([fund] if isinstance(fund, str) else list(fund))]
    if frame is None or frame.empty or float(frame["amount"].sum()) <= 0:
        return nothing_to_show(
            new_axes(ax, (8, 3)),
            title or "Fund contributions",
            reason or "no fund contributions in this plan",
        )

    # tables read back from JSON hold None for NaN
    frame = frame.astype({c: float for c in ("amount", "key_share", "lower", "upper")})
    keyed = {str(f) for f, k in zip(frame["fund"], frame["key_share"], strict=True) if k == k}
    totals = frame.groupby("fund", sort=False)["amount"].sum()
    funds = [str(f) for f, total in totals.items() if total > 0]
    idle = [str(f) for f, total in totals.items() if total <= 0]
    frame = frame[frame["fund"].isin(funds)]
    heading = title or _heading(funds, keyed)
    # one header row per fund, then its members
    rows = len(funds) + len(frame)
    axes = new_axes(ax, (9, max(3.0, 0.32 * rows + 2.0)))
    largest = float(np.nanmax(frame[["amount", "upper"]].to_numpy(dtype=float)))
    divisor, suffix = (scale, "") if scale is not None else money_scale(largest)
    colour = colours(funds)
    y = 0
    ticks: list[tuple[int, str]] = []
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
        rule = _rule(fid, fid in keyed, scenario)
        # the fund's name across the plot, not as a tick label: long names as tick labels
        # squeezed the bars into a third of the width
        axes.text(
            0.0,
            y,
            f"{shorten(names.fund(fid), 60)} · {rule}: {names.money()} "
            f"{thousands(total / divisor)}{suffix}",
            transform=axes.get_yaxis_transform(),
            ha="left",
            va="center",
            fontweight="bold",
            fontsize=9,
            gid=f"fund:{fid}",
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
            # the amount beside its bar: small members stay readable next to large ones
            ends = [amount, upper, key_share * total]
            axes.text(
                max(e for e in ends if np.isfinite(e)) / divisor,
                y,
                f"  {thousands(amount / divisor)}",
                va="center",
                ha="left",
                fontsize=8,
                color="#333333",
                gid=f"amount:{fid}:{nation}",
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
            ticks.append((y, shorten(names.nation(nation), 30)))
            y += 1
    axes.set_yticks([t[0] for t in ticks])
    axes.set_yticklabels([t[1] for t in ticks])
    axes.set_ylim(y - 0.5, -0.7)
    axes.set_xlim(left=0)
    axes.margins(x=0.1)  # room for the amounts beside the longest bars
    axes.xaxis.set_major_formatter(THOUSANDS)
    axes.set_xlabel(f"amount paid in ({names.money()}{suffix})")
    axes.grid(axis="x", color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(heading, loc="left", fontweight="bold", pad=22)
    # the legend between title and bars: beside them it took half the figure's width
    axes.legend(
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=3,
        frameon=False,
        fontsize=9,
        borderaxespad=0.2,
    )
    if idle:
        axes.text(
            0.0,
            -0.08 - 0.4 / max(rows, 1),
            "funds nobody paid into: " + ", ".join(shorten(names.fund(f), 40) for f in idle),
            transform=axes.transAxes,
            fontsize=9,
            color="#444444",
            va="top",
            gid="caption",
        )
    return axes


def _rule(fid: str, keyed: bool, scenario: Scenario | None) -> str:
    """The fund's rule in a few words: ``GNI key ±5%``, ``custom key``, ``pledges``."""
    fund = None if scenario is None else next((f for f in scenario.funds if f.id == fid), None)
    if fund is None or not isinstance(fund.contribution, KeyRule):
        return "key shares" if keyed else "pledges"
    rule = fund.contribution
    basis = rule.basis.upper() if rule.basis != "custom" else "custom"
    band = f" ±{rule.tolerance:.0%}" if rule.tolerance > 0 else ""
    return f"{basis} key{band}"


def _heading(funds: Sequence[str], keyed: set[str]) -> str:
    """The title that fits the funds' rules: a pledge fund has no key share to compare with."""
    with_key = [f for f in funds if f in keyed]
    if len(with_key) == len(funds):
        return "Fund contributions against key shares"
    if not with_key:
        return "Fund contributions against pledges"
    return "Fund contributions: key shares and pledges"
