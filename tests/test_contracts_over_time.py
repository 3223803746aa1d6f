"""Contracts over time: the hand-computed cases' rules bind (the same scenario without the
rule gives the other optimum their README states), and their checks catch bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

import aggregate
from aggregate.errors import ScenarioError

CASES = Path(__file__).resolve().parent / "cases"


def _case(name: str) -> aggregate.Scenario:
    return aggregate.load(CASES / name / "scenario.yaml")


def test_without_the_commitment_all_comes_from_the_cheaper_producer() -> None:
    sc = _case("commitment-minimum-orders-more")
    plan = aggregate.solve(sc.with_changes({"producers[B].offers[shell].commitments": []}))
    assert plan.key_figures["total_cost"] == pytest.approx(10)
    assert set(plan.tables["orders"]["producer"]) == {"A"}


def test_without_the_commitment_the_late_joiner_is_on_time() -> None:
    sc = _case("commitment-late-joiner-short")
    plan = aggregate.solve(sc.with_changes({"producers[P].offers[shell].commitments": []}))
    assert plan.key_figures["short"] == pytest.approx(0)
    assert plan.tables["demands"]["met_on_time"].sum() == pytest.approx(10)
    assert plan.key_figures["total_cost"] == pytest.approx(10)


def test_commitment_checks() -> None:
    sc = _case("commitment-late-joiner-short")
    bad = {
        "producers[P].offers[shell].commitments": [
            {"nation": "POL", "min_volume": 1},
            {"nation": "UKR", "joins_from": "P9"},
        ]
    }
    with pytest.raises(ScenarioError) as err:
        sc.with_changes(bad)
    text = str(err.value)
    assert "field 'commitments': 'POL' is not in nations" in text, text
    assert "commitments[nation=UKR], field 'joins_from': 'P9' is not in periods" in text, text


def test_the_verifier_checks_commitments() -> None:
    sc = _case("commitment-late-joiner-short")
    plan = aggregate.solve(sc)
    orders = plan.tables["orders"]
    # 9 units ordered in P1: above the maximum 8 and before UKR joins in P2
    plan.tables["orders"] = orders.assign(quantity=9.0, order_period="P1", arrival_period="P1")
    rules = set(aggregate.verify(sc, plan).violations["rule"])
    assert {"commitment_upper", "commitment_joins_from"} <= rules, rules
    sc = _case("commitment-minimum-orders-more")
    plan = aggregate.solve(sc)
    orders = plan.tables["orders"]
    plan.tables["orders"] = orders[orders["producer"] != "B"]
    rules = set(aggregate.verify(sc, plan).violations["rule"])
    assert "commitment_lower" in rules, rules


# --- orders already placed -------------------------------------------------------------


def test_without_the_placed_order_the_capacity_is_free() -> None:
    sc = _case("placed-order-takes-capacity").with_changes({"placed_orders": []})
    plan = aggregate.solve(sc)
    assert plan.key_figures["total_cost"] == pytest.approx(19)
    assert plan.key_figures["placed_cost"] == 0


@pytest.mark.parametrize(
    "change",
    [
        {"placed_orders[old].cancellation_fee": 6},
        {"placed_orders[old].cancellable": False, "placed_orders[old].cancellation_fee": 0},
    ],
    ids=["fee above price", "binding"],
)
def test_an_order_is_kept_when_cancelling_saves_nothing(change: dict) -> None:
    sc = _case("placed-order-cancelled-when-not-needed").with_changes(change)
    plan = aggregate.solve(sc)
    assert aggregate.verify(sc, plan).ok
    assert plan.key_figures["total_cost"] == pytest.approx(50)
    assert plan.tables["placed_orders"]["cancelled"].sum() == pytest.approx(0)


def test_the_verifier_checks_placed_orders() -> None:
    sc = _case("placed-order-cancelled-when-not-needed")
    plan = aggregate.solve(sc)
    placed = plan.tables["placed_orders"]
    # cancelling more than ordered, and stock and money that ignore the cancellation
    plan.tables["placed_orders"] = placed.assign(cancelled=11.0, delivered=-1.0)
    rules = set(aggregate.verify(sc, plan).violations["rule"])
    assert {"placed_order_cancel", "placed_order_record", "stock_arrivals"} <= rules, rules
    sc = _case("placed-order-takes-capacity")
    plan = aggregate.solve(sc)
    placed = plan.tables["placed_orders"]
    plan.tables["placed_orders"] = placed.assign(cancelled=1.0, delivered=5.0, cost=10.0)
    rules = set(aggregate.verify(sc, plan).violations["rule"])
    assert {"placed_order_cancel", "budget_accounting", "key_figures"} <= rules, rules


def test_binding_placed_orders_must_fit_the_budget() -> None:
    sc = _case("placed-order-takes-capacity")
    with pytest.raises(ScenarioError) as err:
        sc.with_changes({"nations[DEU].budget": 10, "nations[DEU].budget_per_period": 11})
    text = str(err.value)
    assert "nations[DEU], field 'budget': the binding orders already placed cost 12" in text
    assert "field 'budget_per_period'" in text and "P1 (12 > 11)" in text, text


# --- prices per period (escalation) ----------------------------------------------------


def test_without_escalation_the_plan_orders_just_in_time() -> None:
    sc = _case("escalation-orders-before-the-price-rises")
    plan = aggregate.solve(sc.with_changes({"producers[A].offers[shell].price": 2}))
    assert plan.key_figures["total_cost"] == pytest.approx(20)
    assert list(plan.tables["orders"]["order_period"]) == ["P2"]


def test_the_verifier_prices_an_order_at_its_order_period() -> None:
    sc = _case("escalation-orders-before-the-price-rises")
    plan = aggregate.solve(sc)
    orders = plan.tables["orders"]
    # priced at the arrival period's 5 instead of the order period's 2
    plan.tables["orders"] = orders.assign(unit_price=5.0, purchase_cost=50.0)
    rules = set(aggregate.verify(sc, plan).violations["rule"])
    assert "order_tier_price" in rules, rules


def test_price_checks() -> None:
    sc = _case("escalation-orders-before-the-price-rises")
    with pytest.raises(ScenarioError) as err:
        sc.with_changes(
            {
                "producers[A].offers[shell].price": {"P2": 5},
                "producers[A].offers[shell].tiers": [
                    {"min_volume": 5, "price": {"P1": 1, "P3": 6, "P9": 1}}
                ],
            }
        )
    text = str(err.value)
    assert "field 'price': the price series starts after the first period P1" in text, text
    assert "tier 1 (1) is above the base price (0) in P1" in text, text
    assert "tiers[#1], field 'price': 'P9' is not in periods" in text, text


def test_explain_reads_limits_as_the_scenario_states_them() -> None:
    # capacity 10 with 6 placed: the rule reads 10 of 10, not the 4 left of 4
    sc = _case("placed-order-takes-capacity")
    text = " ".join(aggregate.explain.explain(sc).sentences(reasons=False))
    assert "capacity for shell at A in P1" in text and "(uses 10 of 10)" in text, text
    # a budget of 25 spent on the placed order's units kept and fees: 25 of 25
    sc = _case("placed-order-cancelled-when-not-needed").with_changes({"nations[DEU].budget": 25})
    text = " ".join(aggregate.explain.explain(sc).sentences(reasons=False))
    assert "DEU's budget" in text and "(uses 25 of 25)" in text, text


def test_a_coalition_keeps_its_members_placed_orders_and_commitments() -> None:
    from aggregate.games.coalitions import coalition_value, restrict

    sc = _case("placed-order-counts-towards-tier")
    assert [o.id for o in restrict(sc, ["POL"]).placed_orders] == ["old"]
    assert restrict(sc, ["DEU"]).placed_orders == []
    # Poland alone has no demand, only its placed order: it pays 5 * 9
    assert coalition_value(sc, ["POL"]).cost == pytest.approx(45)
    golden = aggregate.load(Path(__file__).parent / "golden" / "scenario.yaml")
    assert restrict(golden, ["AAA", "BBB"]).producers[0].offers[0].commitments == []


def test_an_indivisible_item_is_cancelled_in_whole_units() -> None:
    # a budget of 25.5 keeps k units at 5 and cancels 10 - k at 1: 10 + 4k <= 25.5, k <= 3.875;
    # whole shells: 3 kept (1 short), 7 cancelled, 3 * 5 + 7 * 1 = 22
    sc = _case("placed-order-cancelled-when-not-needed").with_changes(
        {"items[shell].indivisible": True, "nations[DEU].budget": 25.5}
    )
    plan = aggregate.solve(sc)
    assert aggregate.verify(sc, plan).ok
    placed = plan.tables["placed_orders"]
    assert list(placed["delivered"]) == [3] and list(placed["cancelled"]) == [7]
    assert plan.key_figures["placed_cost"] == pytest.approx(22)
    assert plan.key_figures["short"] == pytest.approx(1)
