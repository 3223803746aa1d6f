"""Whole units of indivisible items, and a cost stage that keeps the needs optimum exactly.

The case ``tests/cases/indivisible-missiles-whole-units`` (README there) is solved as given
by tests/test_cases.py; here the same scenario is also solved with its items divisible,
and the model's integer columns, the verifier's ``whole_units`` check and explain are
checked on it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import aggregate
from aggregate.data import prepare
from aggregate.explain import diagnose, explain
from aggregate.model import build_model
from aggregate.model.linear import linear
from aggregate.model.objective import needs_cap_bound
from aggregate.schema import Scenario
from aggregate.verify import verify
from tests.support import scenario, solved

CASE = Path(__file__).resolve().parent / "cases" / "indivisible-missiles-whole-units"


@pytest.fixture(scope="module")
def whole() -> Scenario:
    return aggregate.load(CASE / "scenario.yaml")


def divisible(sc: Scenario) -> Scenario:
    """The scenario with every item divisible."""
    items = [i.model_copy(update={"indivisible": False}) for i in sc.items]
    return sc.model_copy(update={"items": items})


def test_divisible_optimum_is_fractional(whole: Scenario) -> None:
    # README: 70 / 20 = 3.5 mse, short 10 - 3.5 = 6.5, no gemt (worse price per equivalent)
    sol = solved(divisible(whole))
    orders = sol.tables["orders"]
    assert orders[orders.item == "mse"].quantity.sum() == pytest.approx(3.5)
    assert orders[orders.item == "gemt"].quantity.sum() == pytest.approx(0.0, abs=1e-9)
    assert sol.key_figures["short"] == pytest.approx(6.5)
    assert sol.key_figures["total_cost"] == pytest.approx(70)


def test_indivisible_optimum_is_the_best_whole_mix(whole: Scenario) -> None:
    # README: 2 mse + 2 gemt meet 3.4 for 70; rounding 3.5 mse down would meet only 3
    sol = solved(whole)
    orders = sol.tables["orders"].groupby("item").quantity.sum()
    assert orders.to_dict() == {"gemt": 2.0, "mse": 2.0}  # exact: integers are rounded
    assert sol.key_figures["short"] == pytest.approx(6.6)


def test_only_quantities_of_indivisible_items_are_integer(whole: Scenario) -> None:
    for sc, expected in ((whole, True), (divisible(whole), False)):
        lin = linear(build_model(prepare(sc)))
        for name in ("order", "use"):
            block = lin.columns[name]
            assert block.keys, name
            assert all(lin.integer[block.start : block.stop]) is expected, name
        for name in ("stock", "short"):  # whole by the balances, never integer columns
            block = lin.columns[name]
            assert not any(lin.integer[block.start : block.stop]), name


def test_donations_and_stock_stay_whole() -> None:
    # Germany (no money to restock) donates the 2 of its 3 missiles above its floor of 1;
    # Ukraine buys with a budget of 50 at 20 each: 2 (2.5 if divisible), so 10 - 4 = 6 short
    # (5.5 if divisible), and every stock figure is whole
    sc = scenario(
        periods=["P1", "P2"],
        nations=[
            {"code": "UKR", "name": "Ukraine", "budget": 50},
            {"code": "DEU", "name": "Germany", "budget": 0},
        ],
        items=[{"id": "shell", "unit": "missile", "indivisible": True}],
        stockpiles=[{"nation": "DEU", "item": "shell", "on_hand": 3, "floor": 1, "donor": True}],
        demands=[
            {"id": "u", "nation": "UKR", "capability": "fire", "period": "P2", "quantity": 10}
        ],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 100, "price": 20}],
            }
        ],
    )
    sol = solved(sc)
    assert sol.tables["donations"].quantity.sum() == 2
    assert sol.tables["orders"].quantity.sum() == 2
    assert sol.key_figures["short"] == 6
    for name in ("inventory", "supply", "donations", "orders"):
        values = sol.tables[name].select_dtypes("number").to_numpy(float)
        values = values[~np.isnan(values)]
        assert np.array_equal(values, np.round(values)), name
    assert solved(divisible(sc)).key_figures["short"] == pytest.approx(5.5)


def test_verifier_flags_a_fraction_of_a_missile(whole: Scenario) -> None:
    sol = solved(whole)
    orders = sol.tables["orders"]
    orders.loc[orders.index[0], "quantity"] += 0.25
    rules = set(verify(whole, sol).violations.rule)
    assert "whole_units" in rules
    # the same fraction of a divisible item is no whole-units matter
    soft = divisible(whole)
    assert "whole_units" not in set(verify(soft, sol).violations.rule)


def test_explain_prices_the_indivisible_plan(whole: Scenario) -> None:
    sol = solved(whole)
    report = explain(whole, sol)
    # whole units stay free in explain's LP: the budget keeps its price, one EUR buys 1/20 of
    # an mse (the best equivalent per EUR), and the note says why the LP beats the plan
    assert report.needs == pytest.approx(6.5)
    top = report.bottlenecks.iloc[0]
    assert (top.rule, top.nation) == ("budget", "UKR")
    assert top.shortfall_avoided == pytest.approx(1 / 20)
    assert any("indivisible items are priced as if divisible" in n for n in report.notes)


def test_cost_stage_keeps_the_needs_optimum_exactly() -> None:
    # 2e7 short whatever is bought (capacity 100 for 2e7 + 100 demanded). A relative slack of
    # 1e-7 on the needs optimum let the cost stage buy 98 and leave 2 more short to save 2.
    sc = scenario(
        nations=[{"code": "UKR", "name": "Ukraine"}, {"code": "POL", "name": "Poland"}],
        demands=[
            {"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 2e7},
            {"id": "p", "nation": "POL", "capability": "fire", "period": "P1", "quantity": 100},
        ],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 100, "price": 1}],
            }
        ],
    )
    sol = solved(sc)
    assert sol.tables["orders"].quantity.sum() == 100
    assert sol.key_figures["short"] == 2e7
    assert needs_cap_bound(2e7, 0.0) == 2e7
    assert needs_cap_bound(2e7, 0.1) == pytest.approx(2.2e7)


def test_diagnose_names_the_rules_whole_units_cannot_meet() -> None:
    # 1.5 missiles a period for two periods: 3 if divisible, only 2 whole, short of the
    # hard refill target of 3; the conflict is capacity against the target
    sc = scenario(
        periods=["P1", "P2"],
        items=[{"id": "shell", "unit": "missile", "indivisible": True}],
        stockpiles=[{"nation": "UKR", "item": "shell", "refill_target": 3, "refill_by": "P2"}],
        demands=[{"id": "u", "nation": "UKR", "capability": "fire", "period": "P2", "quantity": 0}],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 1.5, "price": 1}],
            }
        ],
    )
    assert aggregate.solve(sc).status.value == "infeasible"
    assert solved(divisible(sc)).tables["orders"].quantity.sum() == pytest.approx(3)
    conflict = diagnose(sc)
    assert set(conflict.rules.rule) == {"capacity", "refill target"}
