"""Plots an analyst cannot misread (issue 14): units never added across items, marked
scales, whole-number ticks for whole units, labels that never overlap, close shares told
apart.

Each test reads the drawn numbers back from the matplotlib artists. The ``mixed`` plan
(shells and missiles) is worked out by hand in its docstring; every solved plan passes the
independent verifier (``tests.support.solved``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

import matplotlib

matplotlib.use("Agg")  # no display in tests; set before pyplot is imported anywhere

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import aggregate
from aggregate.plots import (
    plot_capacity,
    plot_capacity_by_producer,
    plot_deliveries,
    plot_deliveries_by_nation,
    plot_flows,
    plot_shortfall,
)
from aggregate.result import Solution
from aggregate.schema import Scenario
from tests.support import scenario, solved
from tests.test_plots import TEACHING, _bands, _note, _says_nothing


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def lateness() -> tuple[Scenario, Solution]:
    sc = aggregate.load(TEACHING / "lead-time-lateness" / "scenario.yaml")
    return sc, solved(sc)


@pytest.fixture(scope="module")
def mixed() -> tuple[Scenario, Solution]:
    """Shells and missiles, hand-checked: Ukraine needs 1,000 rounds in P1 (Germany donates
    all 300 it holds, worth EUR 5,000 each, and 700 are bought at EUR 4,000: EUR 2.8m) and
    16 missiles in P2; Germany 4 missiles in P1; missiles cost EUR 3m each (EUR 48m and
    EUR 12m). No delivery cost, no fund: every order is the receiving nation's own."""
    sc = scenario(
        currency="EUR",
        periods=["P1", "P2"],
        nations=[{"code": "UKR", "name": "Ukraine"}, {"code": "DEU", "name": "Germany"}],
        items=[
            {"id": "shell", "name": "155mm shell", "unit": "round"},
            {"id": "missile", "name": "Interceptor", "unit": "missile", "indivisible": True},
        ],
        capabilities=[
            {"id": "fire", "unit": "round", "satisfied_by": [{"item": "shell"}]},
            {"id": "air", "unit": "missile", "satisfied_by": [{"item": "missile"}]},
        ],
        demands=[
            {
                "id": "UKR-fire",
                "nation": "UKR",
                "capability": "fire",
                "period": "P1",
                "quantity": 1000,
            },
            {"id": "UKR-air", "nation": "UKR", "capability": "air", "period": "P2", "quantity": 16},
            {"id": "DEU-air", "nation": "DEU", "capability": "air", "period": "P1", "quantity": 4},
        ],
        stockpiles=[
            {"nation": "DEU", "item": "shell", "on_hand": 300, "donor": True, "unit_value": 5000}
        ],
        producers=[
            {
                "id": "SHELLS",
                "name": "Shell maker",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 5000, "price": 4000}],
            },
            {
                "id": "MISSILES",
                "name": "Missile maker",
                "country": "DEU",
                "offers": [{"item": "missile", "capacity": 20, "price": 3.0e6}],
            },
        ],
    )
    return sc, solved(sc)


def _overlapping(texts: list) -> list[tuple[str, str]]:
    """Pairs of drawn, non-empty texts whose boxes overlap on the canvas."""
    boxes = [
        (t.get_text(), t.get_window_extent()) for t in texts if t.get_visible() and t.get_text()
    ]
    return [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
        if box_a.overlaps(box_b)
    ]


def test_flows_never_add_missiles_to_rounds(mixed) -> None:
    sc, plan = mixed
    # items in different units: the default weighs by money, so EUR 60m of missiles is not a
    # hairline beside 1,000 rounds
    ax = plot_flows(plan, scenario=sc)
    widths = {k: lt - lb for k, (lb, lt, _, _) in _bands(ax).items()}
    assert widths == pytest.approx(
        {
            ("SHELLS", "UKR"): 700 * 4000,
            ("MISSILES", "UKR"): 16 * 3e6,
            ("MISSILES", "DEU"): 4 * 3e6,
            ("DEU stock", "UKR"): 300 * 5000,  # the stockpile's unit value
        }
    )
    assert _note(ax).startswith("EUR 64.3 m in all")
    assert "own purchase 62.8 m · donation from stock 1.5 m" in _note(ax)
    with pytest.raises(ValueError, match=r"different units \(missile, round\)"):
        plot_flows(plan, weight="units", scenario=sc)
    # one item: units, named in the note
    missiles = plot_flows(plan, item="missile", scenario=sc)
    assert sum(lt - lb for lb, lt, _, _ in _bands(missiles).values()) == pytest.approx(20)
    assert _note(missiles).startswith("20 missiles delivered in all")
    # without the scenario a donation has no money value: left out, and said so
    bare = plot_flows(plan, weight="money")
    assert ("DEU stock", "UKR") not in _bands(bare)
    assert "left out: 300 units donated from stock" in _note(bare)
    # without the scenario the plan's own units still keep missiles apart from rounds
    # (a plan read back from a file): the default weighs by money
    auto = plot_flows(plan)
    assert _bands(auto)[("MISSILES", "UKR")][1] - _bands(auto)[("MISSILES", "UKR")][0] == (
        pytest.approx(16 * 3e6)
    )


def test_flow_labels_of_small_nodes_do_not_overlap() -> None:
    # one producer delivers 1,000,000 units, fifteen others 10 each: their bars are
    # hairlines stacked together, but each label gets a line of its own
    producers = ["BIG"] + [f"P{k:02d}" for k in range(15)]
    quantity = [1e6] + [10.0] * 15
    orders = pd.DataFrame(
        {
            "contract": [f"{p}/shell" for p in producers],
            "producer": producers,
            "item": "shell",
            "nation": ["UKR"] + [("POL", "DEU", "FRA")[k % 3] for k in range(15)],
            "order_period": "P1",
            "arrival_period": "P1",
            "tier": 0,
            "unit_price": 1.0,
            "quantity": quantity,
            "lots": math.nan,
            "purchase_cost": quantity,
            "delivery_cost": 0.0,
            "price_currency": "EUR",
            "stated_unit_price": 1.0,
        }
    )
    ax = plot_flows(orders)
    ax.figure.canvas.draw()
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("label:")]
    assert len(labels) == 16 + 4
    assert _overlapping(labels) == []
    texts = {t.get_gid(): t.get_text() for t in labels}
    assert texts["label:BIG"] == "BIG  1,000,000" and texts["label:P07"] == "P07  10"


def test_deliveries_by_nation_marks_its_scales(mixed) -> None:
    sc, plan = mixed
    # rounds and missiles are never added up: one grid per capability
    assert _says_nothing(plot_deliveries(plan, scenario=sc))
    assert _says_nothing(plot_deliveries_by_nation(plan, scenario=sc).axes[0])
    fig = plot_deliveries_by_nation(plan, capability="air", scenario=sc)
    fig.canvas.draw()
    panels = [a for a in fig.axes if a.get_visible()]
    assert [a.get_title(loc="left") for a in panels] == ["Ukraine", "Germany"]
    assert "each panel has its own y scale" in fig.get_suptitle()
    # one unit label for the grid, none per panel (they were taller than a panel)
    assert [a.get_ylabel() for a in panels] == ["", ""]
    assert fig.get_supylabel() == "missiles (capability units)"
    assert all(a.yaxis.get_tick_params()["labelleft"] for a in panels)
    texts = [fig._suptitle, fig._supylabel]
    for a in panels:
        low, high = a.get_ylim()
        shown = [
            t for t, v in zip(a.get_yticklabels(), a.get_yticks(), strict=True) if low <= v <= high
        ]
        texts += [a.title, a._left_title, *shown, *a.get_xticklabels()]
    assert _overlapping(texts) == []
    # 16 and 4 missiles: whole-number ticks only (never "12.5 missiles")
    for panel in panels:
        ticks = [t for t in panel.get_yticks() if panel.get_ylim()[0] <= t <= panel.get_ylim()[1]]
        assert len(ticks) >= 3
        assert all(float(t).is_integer() for t in ticks), ticks
    heights = [b.get_height() for b in panels[0].containers[1]] + [
        b.get_height() for b in panels[0].containers[0]
    ]
    assert sum(heights) == pytest.approx(16)
    shared = plot_deliveries_by_nation(plan, capability="air", scenario=sc, sharey=True)
    limits = {a.get_ylim() for a in shared.axes if a.get_visible()}
    assert len(limits) == 1
    assert "one y scale for all panels" in shared.get_suptitle()


def test_fractional_deliveries_keep_fractional_ticks() -> None:
    frame = {
        "demands": pd.DataFrame(
            {
                "demand": ["d"],
                "nation": ["N"],
                "capability": ["c"],
                "due_period": ["P1"],
                "priority": [1.0],
                "quantity": [2.5],
                "met_on_time": [2.5],
                "met_late": [0.0],
                "late_unit_periods": [0.0],
                "short": [0.0],
                "weighted_shortfall": [0.0],
            }
        ),
        "supply": pd.DataFrame(
            {
                "demand": ["d"],
                "nation": ["N"],
                "capability": ["c"],
                "item": ["i"],
                "period": ["P1"],
                "quantity": [2.5],
                "equivalent": [2.5],
                "periods_late": [0],
            }
        ),
    }
    ax = plot_deliveries(frame)
    assert any(not float(t).is_integer() for t in ax.get_yticks())  # 2.5 needs 0.5 steps


def test_capacity_axes_name_each_item_unit(mixed) -> None:
    sc, plan = mixed
    # all producers together would add rounds to missiles
    assert _says_nothing(plot_capacity(plan, scenario=sc))
    fig = plot_capacity_by_producer(plan, scenario=sc)
    panels = [a for a in fig.axes if a.get_visible()]
    # busiest first: 700 rounds, then 20 missiles; each panel keeps its own unit
    assert [a.get_ylabel() for a in panels] == ["rounds per period", "missiles per period"]
    assert "each panel has its own y scale" in fig.get_suptitle()
    missiles = plot_capacity(plan, producer="MISSILES", scenario=sc)
    # 20 missiles in all (4 for DEU in P1, 16 for UKR by P2); whether UKR's arrive in P1 or
    # P2 is a tie (no holding cost), so only the total and the capacity are the plan's
    heights = [b.get_height() for b in missiles.containers[0]]
    assert sum(heights) == pytest.approx(20) and max(heights) <= 20
    low, high = missiles.get_ylim()
    assert all(float(t).is_integer() for t in missiles.get_yticks() if low <= t <= high)


def test_shortfall_rows_name_their_unit_when_units_differ(lateness) -> None:
    sc, plan = lateness
    ax = plot_shortfall(plan, scenario=sc)
    assert ax.figure.axes[-1].get_ylabel() == "never met (rounds)"  # the colour bar
    demands = plan.demands.copy()
    demands.loc[demands.index[0], "capability"] = "air"
    mixed_units = sc.model_copy(
        update={
            "capabilities": [
                *sc.capabilities,
                sc.capabilities[0].model_copy(
                    update={"id": "air", "name": "Air defence", "unit": "missile"}
                ),
            ]
        }
    )
    both = plot_shortfall(demands.assign(short=1.0), periods=plan.periods, scenario=mixed_units)
    assert all(t.get_text().endswith(("(rounds)", "(missiles)")) for t in both.get_yticklabels())
    assert both.figure.axes[-1].get_ylabel() == "never met (each row's units)"


def test_plan_plots_draw_capabilities_in_different_units_apart(mixed) -> None:
    sc, plan = mixed
    stems = [
        stem for stem, _ in aggregate.plots.plan_plots(plan, kinds=["deliveries"], scenario=sc)
    ]
    assert stems == [
        "deliveries-air",
        "deliveries-by-nation-air",
        "deliveries-fire",
        "deliveries-by-nation-fire",
    ]


def test_fair_shares_that_differ_a_little_are_told_apart() -> None:
    from aggregate.games.plot import plot_shares

    table = pd.DataFrame(
        {
            "rule": ["proportional", "proportional", "shapley", "shapley"],
            "nation": ["DEU", "FRA", "DEU", "FRA"],
            "share": [0.545, 0.455, 0.557, 0.443],
        }
    )
    ax = plot_shares(table)
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["54.5%", "45.5%", "55.7%", "44.3%"]  # each bar says its share
    heights = [b.get_height() for b in ax.patches]
    assert heights == pytest.approx([0.545, 0.455, 0.557, 0.443])
    # a nation whose rules differ by less than 0.1%: more decimals, not two equal labels
    close = table.assign(share=[0.5451, 0.4549, 0.5454, 0.4546])
    assert [t.get_text() for t in plot_shares(close).texts] == [
        "54.51%",
        "45.49%",
        "54.54%",
        "45.46%",
    ]
    # shares all close together: the axis starts near them, and says so
    one = table[table["nation"] == "DEU"]
    zoomed = plot_shares(one)
    bottom, top = zoomed.get_ylim()
    assert 0.5 < bottom < 0.545 and top > 0.557
    assert "not 0" in zoomed.get_ylabel()
    assert plot_shares(one, zoom=False).get_ylim()[0] == pytest.approx(0.0)
    assert plot_shares(table).get_ylim()[0] == pytest.approx(0.0)  # 44% to 56%: from 0
