"""Who delivers to whom: an alluvial (Sankey) diagram from producers to nations.

Two columns of stacked bars, producers on the left and receiving nations on the right, each
bar as tall as the units it sends or receives; a band joins a producer to a nation, as wide
as the units delivered between them. Heights are in units on the y axis, so a band of width
``q`` is exactly ``q`` units and the bands of a bar add up to the bar:

.. math:: \\text{height}(p) = \\sum_n q_{p,n}, \\qquad \\text{height}(n) = \\sum_p q_{p,n}.

Bars are stacked largest first with a gap between them; within a bar the bands are ordered
like the bars at their other end, which keeps crossings few.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

from aggregate.plots.common import (
    Names,
    PlanOrFrame,
    colours,
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

_BAR = 0.05
"""Width of a node bar, in axes x units (the diagram spans 0..1)."""


@dataclass(frozen=True)
class Node:
    """One stacked bar: a producer (``source``) or a nation (``target``)."""

    side: str
    key: str
    bottom: float
    size: float


@dataclass(frozen=True)
class Band:
    """The units one source delivers to one target, and where the band meets both bars."""

    source: str
    target: str
    quantity: float
    source_bottom: float
    target_bottom: float


@dataclass(frozen=True)
class FlowLayout:
    sources: list[Node]
    targets: list[Node]
    bands: list[Band]
    total: float
    height: float


def flow_frame(
    source: PlanOrFrame, *, item: str | Sequence[str] | None = None, donations: bool = False
) -> pd.DataFrame:
    """Units delivered per (source, target): producers' orders, and donors' gifts if asked.

    Columns ``source``, ``target``, ``quantity``; donors appear as ``"<code> stock"``.
    """
    orders = table(source, "orders")
    parts = [orders.rename(columns={"producer": "source", "nation": "target"})]
    if donations:
        gifts = table(source, "donations")
        parts.append(
            gifts.assign(source=gifts["donor"] + " stock").rename(columns={"recipient": "target"})
        )
    frame = pd.concat([p[["source", "target", "item", "quantity"]] for p in parts])
    if item is not None:
        wanted = [item] if isinstance(item, str) else list(item)
        frame = frame[frame["item"].isin(wanted)]
    frame = frame[frame["quantity"] > 0]
    grouped = frame.groupby(["source", "target"])["quantity"].sum()
    return grouped.reset_index()


def flow_layout(flows: pd.DataFrame, gap_share: float = 0.3) -> FlowLayout:
    """Place the bars and bands of ``flows`` (columns source, target, quantity), in units.

    The gaps between bars take ``gap_share`` of the total volume, shared by the column with
    more bars; the shorter column is centred.
    """
    total = float(flows["quantity"].sum())
    src_size = flows.groupby("source")["quantity"].sum().sort_values(ascending=False)
    dst_size = flows.groupby("target")["quantity"].sum().sort_values(ascending=False)
    most = max(len(src_size), len(dst_size))
    gap = gap_share * total / max(most - 1, 1)
    height = total + gap * (most - 1)

    def stack(side: str, sizes: pd.Series) -> list[Node]:
        span = float(sizes.sum()) + gap * (len(sizes) - 1)
        top = height - (height - span) / 2  # centre the shorter column
        nodes = []
        for key, size in sizes.items():
            nodes.append(Node(side, str(key), top - float(size), float(size)))
            top -= float(size) + gap
        return nodes

    sources, targets = stack("source", src_size), stack("target", dst_size)
    rank_src = {n.key: r for r, n in enumerate(sources)}
    rank_dst = {n.key: r for r, n in enumerate(targets)}
    # each bar is filled from its top, bands ordered like the bars at the other end
    src_top = {n.key: n.bottom + n.size for n in sources}
    dst_top = {n.key: n.bottom + n.size for n in targets}
    records = [
        (str(s), str(t), float(q))
        for s, t, q in zip(flows["source"], flows["target"], flows["quantity"], strict=True)
    ]
    src_bottom: dict[tuple[str, str], float] = {}
    for s, t, q in sorted(records, key=lambda r: (rank_src[r[0]], rank_dst[r[1]])):
        src_top[s] -= q
        src_bottom[s, t] = src_top[s]
    bands = []
    for s, t, q in sorted(records, key=lambda r: (rank_dst[r[1]], rank_src[r[0]])):
        dst_top[t] -= q
        bands.append(Band(s, t, q, src_bottom[s, t], dst_top[t]))
    return FlowLayout(sources, targets, bands, total, height)


def _band_path(band: Band, x0: float, x1: float) -> Path:
    """A band between two bars: straight ends, S-shaped cubic Bezier edges."""
    xm = (x0 + x1) / 2
    s_bot, t_bot = band.source_bottom, band.target_bottom
    s_top, t_top = s_bot + band.quantity, t_bot + band.quantity
    vertices = [
        (x0, s_top),
        (xm, s_top),
        (xm, t_top),
        (x1, t_top),
        (x1, t_bot),
        (xm, t_bot),
        (xm, s_bot),
        (x0, s_bot),
        (x0, s_top),
    ]
    codes = [Path.MOVETO] + [Path.CURVE4] * 3 + [Path.LINETO] + [Path.CURVE4] * 3
    codes.append(Path.CLOSEPOLY)
    return Path(vertices, codes)


def plot_flows(
    plan_or_frame: PlanOrFrame,
    ax: Axes | None = None,
    *,
    item: str | Sequence[str] | None = None,
    donations: bool = False,
    scenario: Scenario | None = None,
    title: str | None = None,
) -> Axes:
    """Alluvial diagram of the units each producer delivers to each nation.

    ``plan_or_frame``: a plan, or its ``orders`` table (and ``donations`` when
    ``donations=True``: then pass the plan or its tables dict). ``item``: one item id or a
    list (default: all items, summed in their units). ``donations``: also show donors'
    gifts from stock as sources. ``scenario`` gives readable names and units.

    Each band ``producer -> nation`` carries the PathPatch gid ``flow:<producer>-><nation>``
    and each bar ``node:<side>:<id>``, so the drawing can be checked.
    """
    names = Names.of(scenario)
    items = [item] if isinstance(item, str) else list(item or [])
    what = ", ".join(names.item(i) for i in items) if items else "all items"
    heading = title or f"Who delivers to whom: {what}"
    reason = no_plan_reason(plan_or_frame)
    flows = None if reason else flow_frame(plan_or_frame, item=item, donations=donations)
    if flows is None or flows.empty:
        axes = new_axes(ax, (8, 3))
        return nothing_to_show(axes, heading, reason or f"no deliveries of {what} in this plan")

    layout = flow_layout(flows)
    rows = max(len(layout.sources), len(layout.targets))
    axes = new_axes(ax, (10, max(3.5, 0.45 * rows + 1.5)))
    if items:
        unit = names.unit_of_items(items)
    else:
        orders = table(plan_or_frame, "orders")
        unit = names.unit_of_items(orders["item"].unique())
    colour = colours([n.key for n in layout.sources])
    x0, x1 = _BAR, 1.0 - _BAR

    def label(key: str) -> str:
        if key.endswith(" stock"):
            return shorten(f"{names.nation(key.removesuffix(' stock'))} (from stock)")
        return shorten(names.producer(key))

    for band in layout.bands:
        patch = PathPatch(
            _band_path(band, x0, x1),
            facecolor=colour[band.source],
            edgecolor="none",
            alpha=0.45,
            gid=f"flow:{band.source}->{band.target}",
        )
        axes.add_patch(patch)
    for node in layout.sources:
        axes.add_patch(
            Rectangle(
                (0.0, node.bottom),
                _BAR,
                node.size,
                color=colour[node.key],
                gid=f"node:source:{node.key}",
            )
        )
        axes.text(
            -0.015,
            node.bottom + node.size / 2,
            f"{label(node.key)}  {thousands(node.size)}",
            ha="right",
            va="center",
            fontsize=9,
        )
    for node in layout.targets:
        axes.add_patch(
            Rectangle(
                (x1, node.bottom), _BAR, node.size, color="#555555", gid=f"node:target:{node.key}"
            )
        )
        axes.text(
            1.015,
            node.bottom + node.size / 2,
            f"{thousands(node.size)}  {shorten(names.nation(node.key))}",
            ha="left",
            va="center",
            fontsize=9,
        )
    axes.set_xlim(-0.45, 1.45)
    axes.set_ylim(-0.02 * layout.height, 1.08 * layout.height)
    axes.set_axis_off()
    axes.set_title(heading, loc="left", fontweight="bold")
    axes.text(
        0.5,
        0.0,
        f"{thousands(layout.total)} {unit} delivered in all; "
        f"each band is as wide as the {unit} it carries",
        transform=axes.transAxes,
        ha="center",
        va="top",
        fontsize=9,
        color="#555555",
    )
    top = 1.03 * layout.height
    axes.text(_BAR / 2, top, "producers", ha="center", va="bottom", fontsize=9, fontstyle="italic")
    axes.text(
        x1 + _BAR / 2,
        top,
        "receiving nations",
        ha="center",
        va="bottom",
        fontsize=9,
        fontstyle="italic",
    )
    return axes
