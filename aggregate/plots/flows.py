"""Who delivers to whom: an alluvial (Sankey) diagram from producers and donors to nations.

Two columns of stacked bars, sources on the left (producers and donors' stocks, or who paid)
and receiving nations on the right, each bar as tall as what it sends or receives; a band
joins a source to a nation, as wide as what was delivered between them, in units of the
item or in money (never units of different items added up). Heights are on the y axis, so
a band of width ``q`` is exactly ``q`` and the bands of a bar add up to the bar:

.. math:: \\text{height}(p) = \\sum_n q_{p,n}, \\qquad \\text{height}(n) = \\sum_p q_{p,n}.

Bars are stacked largest first with a gap between them; within a bar the bands are ordered
like the bars at their other end, which keeps crossings few.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

from aggregate.plots.common import (
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
from aggregate.schema.scenario_index import index

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


WEIGHTS = ("auto", "units", "money")
"""How a band's width is measured: ``units`` of the item, ``money`` (the orders' price and
delivery cost, donations at their replacement value), or ``auto``: units when every item
drawn has the same unit and the sources are producers, else money (units of different
items are never added up)."""

BY = ("producer", "payer")
"""What the left column shows: who delivers (producers and donors' stocks) or who pays
(the receiving nation itself, another nation bilaterally, a fund, or a donor's stock)."""

CHANNELS = ("own purchase", "fund", "bilateral purchase", "donation from stock")
"""How a nation receives units, in the order the flow chart lists them."""

_NOISE = 1e-6
"""A payer's part of a route below this share of the largest payer's is rounding, left out."""

_STOCK = " stock"
"""Suffix of a donor's stock as a flow source (``"DEU stock"``)."""


def flow_frame(
    source: PlanOrFrame,
    *,
    item: str | Sequence[str] | None = None,
    donations: bool = True,
    by: str = "producer",
    scenario: Scenario | None = None,
) -> pd.DataFrame:
    """Units and money delivered per (source, target, item, channel).

    Columns ``source``, ``target``, ``item``, ``channel`` (see :data:`CHANNELS`),
    ``quantity`` (units of the item) and ``value`` (money: an order's purchase and delivery
    cost; a donation at its replacement value, which needs ``scenario``, else NaN). Donors
    appear as ``"<code> stock"``. ``by="payer"``: the source is who paid (the nation's own
    code, the paying nation's for a bilateral purchase, or the fund's id); an order paid by
    several payers is split between them in proportion to what each paid, so units are
    shared pro rata to money. Rows with no units are left out.
    """
    if by not in BY:
        raise ValueError(f"unknown by={by!r}; choose one of {list(BY)}")
    orders = table(source, "orders")
    paid = _order_payers(source, orders)
    rows = orders.assign(value=orders["purchase_cost"] + orders["delivery_cost"])
    rows = rows.merge(paid, on=["producer", "item", "nation"], how="left")
    # an order nobody paid for (price 0) is the receiving nation's own
    rows["payer"] = rows["payer"].fillna(rows["nation"])
    rows["channel"] = rows["channel"].fillna("own purchase")
    rows["share"] = rows["share"].fillna(1.0)
    rows["quantity"] = rows["quantity"] * rows["share"]
    rows["value"] = rows["value"] * rows["share"]
    left = "producer" if by == "producer" else "payer"
    parts = [rows.rename(columns={left: "source", "nation": "target"})]
    lone = isinstance(source, pd.DataFrame) or (
        isinstance(source, Mapping) and "donations" not in source
    )
    if donations and not lone:  # a lone orders table has no donations to add
        gifts = table(source, "donations")
        facts = None if scenario is None else index(scenario)
        value = [
            float("nan") if facts is None else q * facts.unit_value(str(d), str(i))
            for d, i, q in zip(gifts["donor"], gifts["item"], gifts["quantity"], strict=True)
        ]
        parts.append(
            gifts.assign(
                source=gifts["donor"].astype(str) + _STOCK,
                channel="donation from stock",
                value=value,
            ).rename(columns={"recipient": "target"})
        )
    columns = ["source", "target", "item", "channel", "quantity", "value"]
    frame = pd.concat([p[columns] for p in parts], ignore_index=True)
    if item is not None:
        wanted = [item] if isinstance(item, str) else list(item)
        frame = frame[frame["item"].isin(wanted)]
    frame = frame[frame["quantity"] > 0]
    grouped = frame.groupby(["source", "target", "item", "channel"], sort=False)
    return grouped[["quantity", "value"]].sum(min_count=1).reset_index()


def _order_payers(source: PlanOrFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Per (producer, item, nation) route: each payer's share of what the orders cost."""
    columns = ["producer", "item", "nation", "payer", "channel", "share"]
    payments = _payments(source)
    if payments is None or payments.empty or orders.empty:
        return pd.DataFrame(columns=columns)
    pays = payments[payments["purpose"] == "order"].rename(columns={"beneficiary": "nation"})
    pays = pays[pays["amount"] > 0]
    kind = [
        "fund" if t == "fund" else ("own purchase" if p == n else "bilateral purchase")
        for t, p, n in zip(pays["payer_type"], pays["payer"], pays["nation"], strict=True)
    ]
    pays = pays.assign(channel=kind)
    by_payer = pays.groupby(["producer", "item", "nation", "payer", "channel"], sort=False)
    amounts = by_payer["amount"].sum().reset_index()
    route = ["producer", "item", "nation"]
    # a payer's cent on a million-euro route is the solver's rounding, not a payer
    largest = amounts.groupby(route)["amount"].transform("max")
    amounts = amounts[amounts["amount"] > _NOISE * largest]
    total = amounts.groupby(route)["amount"].transform("sum")
    return amounts.assign(share=amounts["amount"] / total)[columns]


def _several_payers(source: PlanOrFrame, flows: pd.DataFrame) -> bool:
    """Whether some order drawn was paid by more than one payer (its units are then split
    between the channels pro rata to money)."""
    payers = _order_payers(source, table(source, "orders"))
    drawn = payers[payers["item"].isin(flows["item"].unique())]
    return bool(drawn.duplicated(["producer", "item", "nation"], keep=False).any())


def _payments(source: PlanOrFrame) -> pd.DataFrame | None:
    """The plan's payments table, when it has one (a lone orders table has none)."""
    if isinstance(source, pd.DataFrame):
        return None
    if isinstance(source, Mapping) and "payments" not in source:
        return None
    return table(source, "payments")


def choose_weight(weight: str, flows: pd.DataFrame, names: Names, by: str = "producer") -> str:
    """``units`` or ``money`` for ``weight`` (see :data:`WEIGHTS`) and the ``flows`` drawn.

    ``auto`` by payer is money: what a payer pays for is money, and units shared among
    payers pro rata would show fractions of a missile. Items whose unit is unknown (no
    scenario) count as one unit. Raises ValueError when ``units`` would add up items of
    different units.
    """
    if weight not in WEIGHTS:
        raise ValueError(f"unknown weight={weight!r}; choose one of {list(WEIGHTS)}")
    units = sorted({names.item_units.get(str(i), "unit") for i in flows["item"].unique()})
    if weight == "auto":
        return "units" if len(units) <= 1 and by == "producer" else "money"
    if weight == "units" and len(units) > 1:
        raise ValueError(
            f"the flows hold items in different units ({', '.join(units)}), which cannot be "
            "added up: pass item= to draw one item, or weight='money'"
        )
    return weight


def flow_layout(
    flows: pd.DataFrame, gap_share: float = 0.3, column: str = "quantity"
) -> FlowLayout:
    """Place the bars and bands of ``flows`` (columns source, target and ``column``, the
    width of each flow: units or money), summing rows of the same (source, target).

    The gaps between bars take ``gap_share`` of the total volume, shared by the column with
    more bars; the shorter column is centred.
    """
    flows = flows.groupby(["source", "target"], sort=False)[column].sum().reset_index()
    flows = flows[flows[column] > 0]
    total = float(flows[column].sum())
    src_size = flows.groupby("source")[column].sum().sort_values(ascending=False)
    dst_size = flows.groupby("target")[column].sum().sort_values(ascending=False)
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
        for s, t, q in zip(flows["source"], flows["target"], flows[column], strict=True)
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


def spread(centres: Sequence[float], spacing: float, floor: float) -> list[float]:
    """Label heights as near ``centres`` (top to bottom, descending) as can be with at least
    ``spacing`` between neighbours, none below ``floor`` (pushed up from there if need be)."""
    out: list[float] = []
    for centre in centres:
        out.append(min(centre, out[-1] - spacing) if out else centre)
    overflow = floor + spacing / 2 - out[-1] if out else 0.0
    if overflow > 0:  # pushed below the bottom: move the crowded tail up again
        for k in range(len(out) - 1, -1, -1):
            lifted = out[k] + overflow
            if k < len(out) - 1:
                lifted = max(lifted, out[k + 1] + spacing)
            if lifted <= out[k]:
                break
            out[k] = lifted
    return out


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
    donations: bool = True,
    weight: str = "auto",
    by: str = "producer",
    scenario: Scenario | None = None,
    title: str | None = None,
) -> Axes:
    """Alluvial diagram of what each producer (or donor's stock) delivers to each nation.

    ``plan_or_frame``: a plan, its tables dict, or its ``orders`` table (then without
    donations). ``item``: one item id or a list (default: all items).
    ``donations``: also show donors' gifts from stock (default). ``weight``: ``units``,
    ``money`` or ``auto`` (see :data:`WEIGHTS` and :func:`choose_weight`; items in
    different units are never added up). ``by``: ``producer`` (who delivers) or ``payer``
    (who pays: the nation itself, another nation, a fund, a donor's stock). ``scenario``
    gives readable names, units, the currency and donations' replacement value (needed to
    weigh them by money).

    Each band ``source -> nation`` carries the PathPatch gid ``flow:<source>-><nation>``
    and each bar ``node:<side>:<id>``, so the drawing can be checked. The note under the
    diagram says what a band measures and what each nation received by which channel.
    """
    names = Names.of(scenario, plan_or_frame)
    items = [item] if isinstance(item, str) else list(item or [])
    what = ", ".join(names.item(i) for i in items) if items else "all items"
    verb = "Who delivers to whom" if by == "producer" else "Who pays for whose deliveries"
    heading = title or f"{verb}: {what}"
    reason = no_plan_reason(plan_or_frame)
    flows = (
        None
        if reason
        else flow_frame(plan_or_frame, item=item, donations=donations, by=by, scenario=scenario)
    )
    if flows is None or flows.empty:
        axes = new_axes(ax, (8, 3))
        return nothing_to_show(axes, heading, reason or f"no deliveries of {what} in this plan")

    if title is None and not items and flows["item"].nunique() == 1:
        heading = f"{verb}: {names.item(str(flows['item'].iloc[0]))}"  # the only item
    measure = choose_weight(weight, flows, names, by)
    column = "quantity" if measure == "units" else "value"
    unvalued = flows[flows[column].isna()]
    flows = flows[flows[column].notna()]
    if flows[column].sum() <= 0:
        axes = new_axes(ax, (8, 3))
        return nothing_to_show(
            axes, heading, f"nothing of {what} with a money value (pass scenario=)"
        )
    layout = flow_layout(flows, column=column)
    rows = max(len(layout.sources), len(layout.targets))
    axes = new_axes(ax, (10, max(3.5, 0.45 * rows + 2.0)))
    if measure == "units":
        unit = names.unit_of_items(flows["item"].unique())
        divisor, suffix = 1.0, ""
    else:
        divisor, suffix = money_scale(max(n.size for n in layout.sources))
        unit = f"{names.money()}{suffix}"

    def amount(value: float) -> str:
        return f"{thousands(value / divisor)}{suffix}"

    colour = colours([n.key for n in layout.sources])
    x0, x1 = _BAR, 1.0 - _BAR

    def label(key: str) -> str:
        if key.endswith(_STOCK):
            return shorten(f"{names.nation(key.removesuffix(_STOCK))} (from stock)")
        if key in names.funds:
            return shorten(names.fund(key))
        return shorten(names.producer(key) if by == "producer" else names.nation(key))

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

    for node in layout.targets:
        axes.add_patch(
            Rectangle(
                (x1, node.bottom), _BAR, node.size, color="#555555", gid=f"node:target:{node.key}"
            )
        )

    axes.set_xlim(-0.45, 1.45)
    axes.set_ylim(-0.02 * layout.height, 1.08 * layout.height)
    # a label needs a line of 9 pt whatever its node's size: small nodes' labels are
    # spread apart so they never overlap (each stays beside or just below its node)
    figure = axes.get_figure(root=True)
    assert figure is not None  # the axes drawn here always belong to a figure
    inches = axes.get_position().height * figure.get_figheight()
    spacing = 1.10 * layout.height * (1.05 * 9 / 72) / max(inches, 0.1)
    sides = (
        (layout.sources, -0.015, "right", lambda n: f"{label(n.key)}  {amount(n.size)}"),
        (
            layout.targets,
            1.015,
            "left",
            lambda n: f"{amount(n.size)}  {shorten(names.nation(n.key))}",
        ),
    )
    for nodes, x, align, text in sides:
        centres = spread([n.bottom + n.size / 2 for n in nodes], spacing, -0.02 * layout.height)
        for node, y in zip(nodes, centres, strict=True):
            axes.text(x, y, text(node), ha=align, va="center", fontsize=9, gid=f"label:{node.key}")
    axes.set_axis_off()
    axes.set_title(heading, loc="left", fontweight="bold")
    if measure == "units":
        lines = [
            f"{amount(layout.total)} {unit} delivered in all; "
            f"each band is as wide as the {unit} it carries"
        ]
    else:
        lines = [
            f"{names.money()} {amount(layout.total)} in all; each band is as wide "
            "as its value (orders at price and delivery cost, donations at replacement value)"
        ]
    by_channel = flows.groupby("channel")[column].sum()
    received = [
        f"{c} {amount(float(by_channel[c]))}" for c in CHANNELS if by_channel.get(c, 0.0) > 0
    ]
    shared = flows.duplicated(["source", "target", "item"], keep=False).any() or (
        by == "producer" and _several_payers(plan_or_frame, flows)
    )
    lines.append(
        "received by channel"
        + (" (an order paid by several payers shared pro rata to money)" if shared else "")
        + ": "
        + " · ".join(received)
    )
    if not unvalued.empty:
        lines.append(
            f"left out: {thousands(float(unvalued['quantity'].sum()))} units donated from "
            "stock, without a money value (pass scenario=)"
        )
    axes.text(
        0.5,
        0.0,
        "\n".join(lines),
        transform=axes.transAxes,
        ha="center",
        va="top",
        fontsize=9,
        color="#555555",
        gid="flow-note",
    )
    top = 1.03 * layout.height
    left_head = "producers" if by == "producer" else "payers"
    axes.text(_BAR / 2, top, left_head, ha="center", va="bottom", fontsize=9, fontstyle="italic")
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
