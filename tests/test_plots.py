"""Plots of plans and studies: each chart draws what the plan's tables say.

Every plan here is solved and checked by the independent verifier (``tests.support.solved``).
The charts are read back from the matplotlib artists (bar heights, band widths, image cells)
and compared with numbers worked out by hand from the teaching scenarios' READMEs or summed
directly from the plan's tables; each plot also has an empty case that must say
'Nothing to show' instead of drawing an empty or broken chart.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display in tests; set before pyplot is imported anywhere

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.patches import PathPatch, Rectangle

import aggregate
from aggregate.plots import (
    KINDS,
    NOTHING_TO_SHOW,
    flow_layout,
    plot_capacity,
    plot_capacity_by_producer,
    plot_contributions,
    plot_deliveries,
    plot_deliveries_by_nation,
    plot_flows,
    plot_shortfall,
    plot_study,
    plot_variants,
    save_plan_plots,
)
from aggregate.result import Solution, SolveStatus
from aggregate.schema import Scenario
from tests.support import solved

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "models" / "teaching"


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _load_and_solve(path: Path) -> tuple[Scenario, Solution]:
    sc = aggregate.load(path)
    return sc, solved(sc)


@pytest.fixture(scope="module")
def barrels() -> tuple[Scenario, Solution]:
    """A real library scenario with orders, donations, shortfall, expansions and two funds."""
    return _load_and_solve(ROOT / "models" / "sustainment-barrels" / "scenario.yaml")


@pytest.fixture(scope="module")
def lateness() -> tuple[Scenario, Solution]:
    return _load_and_solve(TEACHING / "lead-time-lateness" / "scenario.yaml")


@pytest.fixture(scope="module")
def fund_key() -> tuple[Scenario, Solution]:
    return _load_and_solve(TEACHING / "fund-key" / "scenario.yaml")


@pytest.fixture(scope="module")
def no_orders() -> tuple[Scenario, Solution]:
    """Floor blocks donation: nobody produces, so no orders and no capacity."""
    return _load_and_solve(TEACHING / "floor-blocks-donation" / "scenario.yaml")


@pytest.fixture(scope="module")
def no_funds() -> tuple[Scenario, Solution]:
    return _load_and_solve(TEACHING / "component-bottleneck" / "scenario.yaml")


def _note(ax: Axes) -> str:
    (note,) = [t.get_text() for t in ax.texts if t.get_gid() == "flow-note"]
    return note


def _says_nothing(ax: Axes) -> bool:
    return any(t.get_text().startswith(NOTHING_TO_SHOW) for t in ax.texts)


def _period_index(plan: Solution) -> dict[str, int]:
    return {p: k for k, p in enumerate(plan.periods)}


# --- flows ----------------------------------------------------------------------------------


def test_flow_layout_by_hand() -> None:
    # A->X 3, A->Y 1, B->X 2: total 6, gap 0.3 * 6 / (2 - 1) = 1.8, height 7.8.
    flows = pd.DataFrame(
        {"source": ["A", "A", "B"], "target": ["X", "Y", "X"], "quantity": [3.0, 1.0, 2.0]}
    )
    layout = flow_layout(flows, gap_share=0.3)
    assert layout.total == pytest.approx(6.0)
    assert layout.height == pytest.approx(7.8)
    src = {n.key: (n.bottom, n.size) for n in layout.sources}
    dst = {n.key: (n.bottom, n.size) for n in layout.targets}
    assert src == {"A": pytest.approx((3.8, 4.0)), "B": pytest.approx((0.0, 2.0))}
    assert dst == {"X": pytest.approx((2.8, 5.0)), "Y": pytest.approx((0.0, 1.0))}
    bands = {(b.source, b.target): (b.source_bottom, b.target_bottom) for b in layout.bands}
    # A's bands from its top: A->X (to the upper bar) then A->Y; X's from its top: A then B
    assert bands["A", "X"] == pytest.approx((4.8, 4.8))
    assert bands["A", "Y"] == pytest.approx((3.8, 0.0))
    assert bands["B", "X"] == pytest.approx((0.0, 2.8))


def _bands(ax: Axes) -> dict[tuple[str, str], tuple[float, float, float, float]]:
    """Band gid -> (left bottom, left top, right bottom, right top) read from the path."""
    out = {}
    for patch in ax.patches:
        gid = patch.get_gid() or ""
        if isinstance(patch, PathPatch) and gid.startswith("flow:"):
            source, target = gid.removeprefix("flow:").split("->")
            v = patch.get_path().vertices
            # vertices: left top, 3 curve points to right top, right bottom, 3 back to left bottom
            out[source, target] = (v[7][1], v[0][1], v[4][1], v[3][1])
    return out


def test_flow_bands_are_as_wide_as_the_delivered_volume(barrels) -> None:
    sc, plan = barrels
    ax = plot_flows(plan, donations=False, scenario=sc)
    bands = _bands(ax)
    expected = plan.orders.groupby(["producer", "nation"])["quantity"].sum()
    assert set(bands) == set(expected.index)
    for key, (lb, lt, rb, rt) in bands.items():
        assert lt - lb == pytest.approx(expected[key])  # width at the producer's bar
        assert rt - rb == pytest.approx(expected[key])  # and at the nation's bar
    widths = sum(lt - lb for lb, lt, _, _ in bands.values())
    assert widths == pytest.approx(plan.orders["quantity"].sum())
    # each bar is exactly tiled by its bands, without overlap
    nodes = {p.get_gid(): p for p in ax.patches if isinstance(p, Rectangle)}
    for producer, total in plan.orders.groupby("producer")["quantity"].sum().items():
        bar = nodes[f"node:source:{producer}"]
        assert bar.get_height() == pytest.approx(total)
        spans = sorted((lb, lt) for (s, _), (lb, lt, _, _) in bands.items() if s == producer)
        assert spans[0][0] == pytest.approx(bar.get_y())
        assert spans[-1][1] == pytest.approx(bar.get_y() + bar.get_height())
        for (_, top), (bottom, _) in itertools.pairwise(spans):
            assert top == pytest.approx(bottom)
    # labels use the scenario's names, not ids
    names = " ".join(t.get_text() for t in ax.texts)
    assert all(n.name in names for n in sc.nations if n.code in set(plan.orders["nation"]))


def test_flows_of_one_item_and_with_donations(barrels) -> None:
    sc, plan = barrels
    item = plan.orders["item"].iloc[0]
    one = _bands(plot_flows(plan, item=item, donations=False, scenario=sc))
    assert sum(lt - lb for lb, lt, _, _ in one.values()) == pytest.approx(
        plan.orders.loc[plan.orders["item"] == item, "quantity"].sum()
    )
    both = _bands(plot_flows(plan))  # donations are shown by default
    gifts = {k: v for k, v in both.items() if k[0].endswith(" stock")}
    assert gifts, "the barrels plan donates from stock"
    assert sum(lt - lb for lb, lt, _, _ in gifts.values()) == pytest.approx(
        plan.donations["quantity"].sum()
    )


def test_flows_empty(no_funds) -> None:
    nothing = {"orders": no_funds[1].orders.iloc[0:0], "donations": no_funds[1].donations}
    assert _says_nothing(plot_flows(nothing))


def test_flows_show_donations_by_default(no_orders) -> None:
    # README: Poland's floor lets it donate 300 of its 1,000 rounds; nobody produces
    sc, plan = no_orders
    assert plan.orders.empty
    ax = plot_flows(plan, scenario=sc)
    assert not _says_nothing(ax)
    (band,) = _bands(ax).items()
    assert band[0] == ("POL stock", "UKR")
    lb, lt, rb, rt = band[1]
    assert lt - lb == pytest.approx(300) and rt - rb == pytest.approx(300)
    assert "300 rounds delivered in all" in _note(ax)
    assert "donation from stock 300" in _note(ax)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "Poland (from stock)  300" in texts
    assert ax.get_title(loc="left") == "Who delivers to whom: 155mm HE round (NATO standard)"
    assert _says_nothing(plot_flows(plan, donations=False, scenario=sc))  # orders only: none
    assert _says_nothing(plot_flows(plan.orders, scenario=sc))  # a lone orders table: none


def test_flows_of_a_fund_paid_order_by_payer_and_money(fund_key) -> None:
    # README: the fund pays the 1,000 rounds (EUR 5,000 each, EUR 5m) Ukraine receives
    sc, plan = fund_key
    (receiver,) = set(plan.orders["nation"])
    ax = plot_flows(plan, scenario=sc)
    assert "fund 1,000" in _note(ax)  # the channel is named in the default chart
    by_payer = plot_flows(plan, by="payer", weight="units", scenario=sc)
    assert {k: lt - lb for k, (lb, lt, _, _) in _bands(by_payer).items()} == {
        ("EPF", receiver): pytest.approx(1000)
    }
    assert "payers" in [t.get_text() for t in by_payer.texts]
    money = plot_flows(plan, by="payer", scenario=sc)  # who pays: by money unless asked
    assert {k: lt - lb for k, (lb, lt, _, _) in _bands(money).items()} == {
        ("EPF", receiver): pytest.approx(5e6)
    }
    assert _note(money).startswith("EUR 5,000 k in all")
    with pytest.raises(ValueError, match="unknown weight"):
        plot_flows(plan, weight="mass")
    with pytest.raises(ValueError, match="unknown by"):
        plot_flows(plan, by="colour")


# --- deliveries -----------------------------------------------------------------------------


def test_one_period_deliveries_keep_the_due_line(no_orders) -> None:
    # README: 500 due in the only quarter, 300 donated, 200 never met
    sc, plan = no_orders
    ax = plot_deliveries(plan, scenario=sc)
    (due,) = [line for line in ax.lines if line.get_gid() == "due"]
    assert list(due.get_xdata()) == pytest.approx([-0.5, 0.5])  # across the whole slot
    assert list(due.get_ydata()) == pytest.approx([500, 500])
    assert [b.get_height() for b in ax.containers[0]] == pytest.approx([300])


def test_deliveries_by_hand(lateness) -> None:
    # README: nothing arrives in 2025Q1; Ukraine's Q1 need (500) is met late in Q2 with its
    # Q2 need (300) on time; Poland's Q1 need (200) may not be late and stays short.
    sc, plan = lateness
    ax = plot_deliveries(plan, scenario=sc)
    on_time, late = ([bar.get_height() for bar in c] for c in ax.containers[:2])
    assert on_time == pytest.approx([0, 300, 0])
    assert late == pytest.approx([0, 500, 0])
    (due,) = [line for line in ax.lines if line.get_label() == "due this period"]
    # a step over each period's whole slot: edges -0.5 .. 2.5, the last level repeated
    assert list(due.get_xdata()) == pytest.approx([-0.5, 0.5, 1.5, 2.5])
    assert list(due.get_ydata()) == pytest.approx([700, 300, 0, 0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2025Q1", "2025Q2", "2025Q3"]
    caption = " ".join(t.get_text() for t in ax.texts)
    assert "never met: 200" in caption
    poland = plot_deliveries(plan, nation="POL", scenario=sc)
    assert sum(b.get_height() for c in poland.containers for b in c) == 0
    assert "Poland" in poland.get_title(loc="left")


def test_deliveries_match_the_tables(barrels) -> None:
    sc, plan = barrels
    ax = plot_deliveries(plan, scenario=sc)
    at = _period_index(plan)
    on_time, late = np.zeros(len(at)), np.zeros(len(at))
    for row in plan.supply.itertuples():
        (late if row.periods_late > 0 else on_time)[at[row.period]] += row.equivalent
    assert [b.get_height() for b in ax.containers[0]] == pytest.approx(list(on_time))
    assert [b.get_height() for b in ax.containers[1]] == pytest.approx(list(late))
    # all bars together are what the demands table counts as met
    met = plan.demands["met_on_time"].sum() + plan.demands["met_late"].sum()
    assert on_time.sum() + late.sum() == pytest.approx(met)
    fig = plot_deliveries_by_nation(plan, scenario=sc)
    shown = [a for a in fig.axes if a.get_visible()]
    assert len(shown) == plan.demands["nation"].nunique()


def test_deliveries_empty(fund_key) -> None:
    sc, plan = fund_key
    assert "DEU" not in set(plan.demands["nation"])  # Germany only pays into the fund
    assert _says_nothing(plot_deliveries(plan, nation="DEU", scenario=sc))
    no_demands = {"demands": plan.demands.iloc[0:0], "supply": plan.supply.iloc[0:0]}
    assert _says_nothing(plot_deliveries(no_demands))
    assert _says_nothing(plot_deliveries_by_nation(no_demands).axes[0])


# --- shortfall ------------------------------------------------------------------------------


def test_shortfall_heatmap_by_hand(lateness) -> None:
    sc, plan = lateness
    ax = plot_shortfall(plan, scenario=sc)
    cells = np.asarray(ax.images[0].get_array())
    assert cells.shape == (1, 3)
    assert cells[0] == pytest.approx([200.0, 0.0, 0.0])  # only Poland, in 2025Q1
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Poland · 155mm artillery fire"]
    late = plot_shortfall(plan, measure="met_late", scenario=sc)
    late_cells = np.asarray(late.images[0].get_array())
    assert late_cells.shape == (1, 3)
    assert late_cells[0] == pytest.approx([500.0, 0.0, 0.0])  # Ukraine's Q1 need, a period late
    assert [t.get_text() for t in late.get_yticklabels()] == ["Ukraine · 155mm artillery fire"]


def test_shortfall_heatmap_is_the_pivot_of_the_demands_table(barrels) -> None:
    _sc, plan = barrels
    ax = plot_shortfall(plan)
    at = _period_index(plan)
    expected: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(len(at)))
    for row in plan.demands.itertuples():
        expected[row.nation, row.capability][at[row.due_period]] += row.short
    noise = 1e-6 * max(1.0, plan.demands["quantity"].max())  # the documented tolerance
    rows = sorted(k for k, v in expected.items() if np.abs(v).max() > noise)
    cells = np.asarray(ax.images[0].get_array())
    assert cells.shape == (len(rows), len(at))
    assert cells == pytest.approx(np.array([expected[k] for k in rows]))
    assert cells.sum() == pytest.approx(plan.demands["short"].sum())
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"{n} · {c}" for n, c in rows]
    with pytest.raises(ValueError, match="unknown measure"):
        plot_shortfall(plan, measure="shortness")


def test_shortfall_empty(fund_key) -> None:
    sc, plan = fund_key
    assert plan.demands["short"].sum() == 0
    assert _says_nothing(plot_shortfall(plan, scenario=sc))


# --- capacity -------------------------------------------------------------------------------


def test_capacity_by_hand(lateness) -> None:
    # 1,000 rounds a quarter; 800 delivered in 2025Q2 (500 late + 300 on time), none else.
    sc, plan = lateness
    ax = plot_capacity(plan, producer="MAKER", item="155-std", scenario=sc)
    assert [b.get_height() for b in ax.containers[0]] == pytest.approx([0, 800, 0])
    (available,) = [line for line in ax.lines if line.get_label() == "capacity available"]
    # a step over each period's slot, the last level repeated at the right edge
    assert list(available.get_ydata()) == pytest.approx([1000, 1000, 1000, 1000])
    assert "European 155mm producer" in ax.get_title(loc="left")
    assert "26.7%" in " ".join(t.get_text() for t in ax.texts)  # 800 of 3,000


def test_capacity_matches_the_tables(barrels) -> None:
    sc, plan = barrels
    cap = plan.capacity
    at = _period_index(plan)
    fig = plot_capacity_by_producer(plan, scenario=sc)
    offers = cap.groupby(["producer", "item"]).size()
    assert len([a for a in fig.axes if a.get_visible()]) == len(offers)
    for (producer, item), _ in offers.items():
        ax = plot_capacity(plan, producer=producer, item=item)
        used, available = np.zeros(len(at)), np.zeros(len(at))
        mine = cap[(cap["producer"] == producer) & (cap["item"] == item)]
        for row in mine.itertuples():
            used[at[row.period]] += row.used
            available[at[row.period]] += row.base + row.added
        assert [b.get_height() for b in ax.containers[0]] == pytest.approx(list(used))
        (line,) = [x for x in ax.lines if x.get_label() == "capacity available"]
        assert list(line.get_ydata())[:-1] == pytest.approx(list(available))
        # what the capacity table counts as used is what was delivered
        orders = plan.orders
        delivered = orders[(orders["producer"] == producer) & (orders["item"] == item)]
        assert used.sum() == pytest.approx(delivered["quantity"].sum())
        plt.close("all")


def test_one_period_capacity_keeps_its_line(no_funds) -> None:
    # README: the plant could fill 1,000 rounds this quarter; the powder allows 600
    sc, plan = no_funds
    ax = plot_capacity(plan, scenario=sc)
    (line,) = [x for x in ax.lines if x.get_gid() == "available"]
    assert list(line.get_xdata()) == pytest.approx([-0.5, 0.5])  # across the whole slot
    assert list(line.get_ydata()) == pytest.approx([1000, 1000])
    assert [b.get_height() for b in ax.containers[0]] == pytest.approx([600])


def test_capacity_empty(no_orders) -> None:
    sc, plan = no_orders
    assert _says_nothing(plot_capacity(plan, scenario=sc))
    assert _says_nothing(plot_capacity_by_producer(plan, scenario=sc).axes[0])


# --- funds ----------------------------------------------------------------------------------


def test_contributions_by_hand(fund_key) -> None:
    # 1,000 rounds at EUR 5,000: the fund pays EUR 5m; GNI key 4.2 : 2.9 : 2.1 (trillions).
    sc, plan = fund_key
    ax = plot_contributions(plan, scale=1.0, scenario=sc)
    keys = {
        line.get_gid(): line.get_xdata()[0]
        for line in ax.lines
        if (line.get_gid() or "").startswith("key:")
    }
    total, gni = 5e6, {"DEU": 4.2, "FRA": 2.9, "ITA": 2.1}
    for code, weight in gni.items():
        assert keys[f"key:EPF:{code}"] == pytest.approx(total * weight / sum(gni.values()))
    paid = {
        p.get_gid(): p.get_width() for p in ax.patches if (p.get_gid() or "").startswith("paid:")
    }
    assert sum(paid.values()) == pytest.approx(total)
    for row in plan.contributions.itertuples():
        assert paid[f"paid:{row.fund}:{row.nation}"] == pytest.approx(row.amount)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Germany", "France", "Italy"]
    assert ax.get_xlabel() == "amount paid in (EUR)"
    assert ax.get_title(loc="left") == "Fund contributions against key shares"
    # automatic scale: millions of euros read as thousands ('k') on this axis
    assert "EUR k" in plot_contributions(plan, scenario=sc).get_xlabel()


def test_contributions_match_the_table(barrels) -> None:
    sc, plan = barrels
    ax = plot_contributions(plan, scale=1e6, scenario=sc)
    contributions = plan.contributions
    paid_in = contributions.groupby("fund")["amount"].sum()
    paid = {
        p.get_gid(): p.get_width() for p in ax.patches if (p.get_gid() or "").startswith("paid:")
    }
    expected = {
        f"paid:{r.fund}:{r.nation}": r.amount / 1e6
        for r in contributions.itertuples()
        if paid_in[r.fund] > 0
    }
    assert paid == pytest.approx(expected)


def test_contributions_titled_by_rule_and_full_width(barrels) -> None:
    sc, plan = barrels
    rules = {f.id: f.contribution.rule for f in sc.funds}
    assert sorted(rules.values()) == ["key", "pledge"]
    ax = plot_contributions(plan, scenario=sc)
    assert ax.get_title(loc="left") == "Fund contributions: key shares and pledges"
    (pledge_fund,) = [f for f, rule in rules.items() if rule == "pledge"]
    pledges = plot_contributions(plan, fund=pledge_fund, scenario=sc)
    # a pledge fund has no key: the title does not promise one, nor the legend
    assert pledges.get_title(loc="left") == "Fund contributions against pledges"
    assert "exact key share" not in [t.get_text() for t in pledges.get_legend().get_texts()]
    (header,) = [t.get_text() for t in pledges.texts if t.get_gid() == f"fund:{pledge_fund}"]
    assert " · pledges: EUR " in header
    (key_fund,) = [f for f, rule in rules.items() if rule == "key"]
    (keyed,) = [t.get_text() for t in ax.texts if t.get_gid() == f"fund:{key_fund}"]
    assert " key" in keyed.split(" · ")[1]  # e.g. 'GNI key ±5%'
    # the bars get most of the width (the legend beside them took half of it)
    ax.figure.canvas.draw()
    assert ax.get_position().width > 0.6
    # every member's amount is written beside its bar, in the axis' scale
    scale = 1e6 if "EUR m" in ax.get_xlabel() else 1e3
    amounts = {
        t.get_gid(): t.get_text().strip()
        for t in ax.texts
        if (t.get_gid() or "").startswith("amount:")
    }
    paid = plan.contributions[plan.contributions.groupby("fund")["amount"].transform("sum") > 0]
    assert amounts == {
        f"amount:{r.fund}:{r.nation}": f"{r.amount / scale:,.3g}"
        if r.amount / scale < 100
        else f"{r.amount / scale:,.0f}"
        for r in paid.itertuples()
    }


def test_contributions_empty(no_funds) -> None:
    sc, plan = no_funds
    assert plan.contributions.empty
    assert _says_nothing(plot_contributions(plan, scenario=sc))


# --- fair shares ----------------------------------------------------------------------------


# --- study ----------------------------------------------------------------------------------


def _study_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "variant": ["base", "fund a year earlier", "plant slips", "three join", "broken"],
            "cost": [1.0e9, 1.1e9, 0.9e9, 1.3e9, math.nan],
            "shortfall": [1000.0, 500.0, 3000.0, 200.0, math.nan],
            "fill_rate": [0.9, 0.95, 0.7, 0.97, math.nan],
            "status": ["optimal"] * 4 + ["infeasible"],
        }
    )


def test_study_panels_show_each_figure() -> None:
    frame = _study_table()
    ax = plot_variants(frame, column="shortfall", base="base")
    bars = ax.containers[0]
    assert [b.get_width() for b in bars] == pytest.approx([1000, 500, 3000, 200, 0])
    assert [t.get_text() for t in ax.get_yticklabels()] == list(frame["variant"])
    texts = [t.get_text() for t in ax.texts]
    assert "infeasible" in texts  # the failed variant is named, not silently missing
    assert "3,000" in texts
    (base_line,) = [line for line in ax.lines if line.get_label() == "base: base"]
    assert base_line.get_xdata()[0] == pytest.approx(1000)
    assert bars[0].get_facecolor() != bars[1].get_facecolor()  # the base stands out
    rate = plot_variants(frame, column="fill_rate")
    assert [b.get_width() for b in rate.containers[0]][:4] == pytest.approx([90, 95, 70, 97])
    assert rate.get_xlabel() == "fill rate (%)"
    fig = plot_study(
        frame,
        columns=["cost", "shortfall", "fill_rate"],
        base="base",
        labels={"cost": "cost (EUR)"},
    )
    assert [a.get_xlabel() for a in fig.axes] == ["cost (EUR)", "shortfall", "fill rate (%)"]
    # default columns: every numeric one
    assert len(plot_study(frame).axes) == 3


def test_study_with_many_variants_draws_sorted_values() -> None:
    values = np.arange(100, 0, -1, dtype=float)
    frame = pd.DataFrame({"variant": [f"v{k}" for k in range(100)], "cost": values})
    ax = plot_variants(frame, column="cost", base="v0")
    (line,) = [x for x in ax.lines if x.get_label() == "variants, sorted"]
    assert list(line.get_ydata()) == sorted(values)


def test_study_names_missing_columns() -> None:
    with pytest.raises(ValueError, match=r"\['total'\] not in the study table"):
        plot_variants(_study_table(), column="total")
    with pytest.raises(ValueError, match="base variant"):
        plot_variants(_study_table(), column="cost", base="nope")


def test_study_empty() -> None:
    empty = _study_table().iloc[0:0]
    assert _says_nothing(plot_variants(empty, column="cost"))
    assert _says_nothing(plot_study(empty).axes[0])


# --- inputs, failed plans and files ---------------------------------------------------------


def test_a_table_with_wrong_columns_is_named(barrels) -> None:
    _, plan = barrels
    with pytest.raises(ValueError, match=r"'orders' table needs column\(s\) \[.*'producer'"):
        plot_flows(plan.demands)
    # passing the table itself works like passing the plan
    ax = plot_shortfall(plan.demands, periods=plan.periods)
    assert np.asarray(ax.images[0].get_array()).sum() == pytest.approx(plan.demands["short"].sum())


def test_a_plan_without_solution_says_why() -> None:
    failed = Solution(scenario_name="x", status=SolveStatus.INFEASIBLE)
    for draw in (plot_flows, plot_deliveries, plot_shortfall, plot_capacity, plot_contributions):
        ax = draw(failed)
        assert _says_nothing(ax)
        assert any("infeasible" in t.get_text() for t in ax.texts)


def test_save_plan_plots_writes_every_kind(fund_key, tmp_path: Path) -> None:
    sc, plan = fund_key
    written = save_plan_plots(plan, tmp_path / "out", scenario=sc, dpi=30)
    names = [p.name for p in written]
    for kind in KINDS:
        assert f"{kind}.png" in names
    assert "flows-by-payer.png" in names  # the fund pays for the order
    assert all(path.read_bytes()[:4] == b"\x89PNG" for path in written)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(names)  # no temp files
    only = save_plan_plots(plan, tmp_path / "one", ("png", "svg"), kinds=["funds"], dpi=30)
    assert [p.name for p in only] == ["funds.png", "funds.svg"]
    assert b"<svg" in only[1].read_bytes()[:2000]
    with pytest.raises(ValueError, match="unknown plot kind"):
        save_plan_plots(plan, tmp_path, kinds=["pie"])
    with pytest.raises(ValueError, match="unknown image format"):
        save_plan_plots(plan, tmp_path, ("gif",))
