"""Small cases whose optimum is worked out by hand, one mechanism each."""

from __future__ import annotations

import pytest

from aggregate.baseline import compare
from aggregate.result import SolveStatus
from aggregate.solve import solve
from tests.solving import scenario, solved

TWO = [{"code": "EST", "name": "Estonia"}, {"code": "LVA", "name": "Latvia"}]


def test_tiers_make_pooling_pay() -> None:
    # Each nation needs 60 shells. Base price 10; from a pooled volume of 100 every unit
    # costs 8. Pooled: 120 * 8 = 960. Alone: 2 * 60 * 10 = 1200.
    sc = scenario(
        nations=TWO,
        demands=[
            {"id": "e", "nation": "EST", "capability": "fire", "period": "P1", "quantity": 60},
            {"id": "l", "nation": "LVA", "capability": "fire", "period": "P1", "quantity": 60},
        ],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [
                    {
                        "item": "shell",
                        "capacity": 500,
                        "price": 10,
                        "tiers": [{"min_volume": 100, "price": 8}],
                    }
                ],
            }
        ],
    )
    cmp = compare(sc)
    assert cmp.pooled.key_figures["total_cost"] == pytest.approx(960)
    assert cmp.alone.key_figures["total_cost"] == pytest.approx(1200)
    assert cmp.totals["cost_saved"] == pytest.approx(240)
    assert cmp.pooled.contracts.tier.tolist() == [1]
    assert sorted(cmp.alone.contracts.tier.tolist()) == [0, 0]
    saved = cmp.by_nation.set_index("nation").cost_saved
    assert saved["EST"] == pytest.approx(120) and saved["LVA"] == pytest.approx(120)


def test_hard_floor_limits_donation() -> None:
    # Germany holds 100 with a hard floor of 70: it can give 30 of Ukraine's 50; 20 short.
    sc = scenario(
        nations=[{"code": "UKR", "name": "Ukraine"}, {"code": "DEU", "name": "Germany"}],
        demands=[
            {"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 50}
        ],
        stockpiles=[{"nation": "DEU", "item": "shell", "on_hand": 100, "floor": 70, "donor": True}],
    )
    sol = solved(sc)
    assert sol.donations.quantity.sum() == pytest.approx(30)
    assert sol.key_figures["short"] == pytest.approx(20)
    assert sol.key_figures["weighted_shortfall"] == pytest.approx(20)


def test_soft_floor_is_breached_when_needs_come_first() -> None:
    sc = scenario(
        nations=[{"code": "UKR", "name": "Ukraine"}, {"code": "DEU", "name": "Germany"}],
        demands=[
            {"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 50}
        ],
        stockpiles=[
            {
                "nation": "DEU",
                "item": "shell",
                "on_hand": 100,
                "floor": 70,
                "floor_type": "soft",
                "floor_penalty": 3,
                "donor": True,
            }
        ],
    )
    sol = solved(sc)
    assert sol.key_figures["short"] == pytest.approx(0)
    assert sol.inventory.below_floor.sum() == pytest.approx(20)
    assert sol.key_figures["penalty_cost"] == pytest.approx(60)


def test_fund_pays_by_gni_key() -> None:
    # Ukraine has no budget; the fund (Germany GNI 300, France GNI 100, no tolerance) pays
    # 100 shells at 10: contributions 750 and 250.
    sc = scenario(
        nations=[
            {"code": "UKR", "name": "Ukraine", "budget": 0},
            {"code": "DEU", "name": "Germany", "gni": 300},
            {"code": "FRA", "name": "France", "gni": 100},
        ],
        demands=[
            {"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 100}
        ],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 500, "price": 10}],
            }
        ],
        funds=[
            {
                "id": "EPF",
                "members": ["DEU", "FRA"],
                "contribution": {"rule": "key", "basis": "gni"},
            }
        ],
    )
    sol = solved(sc)
    c = sol.contributions.set_index("nation").amount
    assert c["DEU"] == pytest.approx(750) and c["FRA"] == pytest.approx(250)
    assert sol.key_figures["short"] == pytest.approx(0)
    assert sol.key_figures["total_cost"] == pytest.approx(1000)


def test_lead_time_makes_delivery_late() -> None:
    # Lead time 1: an order can only arrive in P2, one period after the P1 due date.
    sc = scenario(
        periods=["P1", "P2", "P3"],
        demands=[
            {
                "id": "u",
                "nation": "UKR",
                "capability": "fire",
                "period": "P1",
                "quantity": 10,
                "max_lateness": 2,
            }
        ],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 100, "price": 1, "lead_time": 1}],
            }
        ],
    )
    sol = solved(sc)
    row = sol.demands.iloc[0]
    assert row.met_late == pytest.approx(10) and row.short == pytest.approx(0)
    assert row.late_unit_periods == pytest.approx(10)
    assert sol.key_figures["weighted_shortfall"] == pytest.approx(0.1 * 10)
    assert sol.orders.order_period.tolist() == ["P1"]
    assert sol.orders.arrival_period.tolist() == ["P2"]


def test_component_supplier_is_the_bottleneck() -> None:
    # Each shell needs 2 fuzes; 50 fuzes a period make at most 25 shells of the 40 needed.
    sc = scenario(
        items=[{"id": "shell", "components": {"fuze": 2}}],
        components=[{"id": "fuze"}],
        component_suppliers=[{"id": "F", "component": "fuze", "capacity": 50}],
        demands=[
            {"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 40}
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
    assert sol.key_figures["short"] == pytest.approx(15)
    assert sol.components.quantity.sum() == pytest.approx(50)


def test_expansion_that_pays_off_is_built_early_enough() -> None:
    # No base capacity; a line adding 10 a period, ready one period after it starts,
    # costs 100. Demand of 10 in P3: build in P1 or P2; cost 100 + 10 * 5.
    sc = scenario(
        periods=["P1", "P2", "P3"],
        demands=[
            {"id": "u", "nation": "UKR", "capability": "fire", "period": "P3", "quantity": 10}
        ],
        producers=[
            {"id": "P", "country": "DEU", "offers": [{"item": "shell", "capacity": 0, "price": 5}]}
        ],
        expansions=[
            {
                "id": "line",
                "producer": "P",
                "item": "shell",
                "added_capacity": 10,
                "investment_cost": 100,
                "lead_periods": 1,
            }
        ],
    )
    sol = solved(sc)
    assert sol.key_figures["short"] == pytest.approx(0)
    assert sol.key_figures["total_cost"] == pytest.approx(150)
    assert len(sol.investments) == 1


def test_lots_round_orders_up() -> None:
    # 25 needed, lots of 10: three lots (30 units), the extra 5 stay in stock.
    sc = scenario(
        demands=[
            {"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 25}
        ],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 100, "price": 2, "lot_size": 10}],
            }
        ],
    )
    sol = solved(sc)
    assert sol.orders.quantity.sum() == pytest.approx(30)
    assert sol.orders.lots.sum() == pytest.approx(3)
    assert sol.key_figures["total_cost"] == pytest.approx(60)


def test_budget_limits_purchases() -> None:
    sc = scenario(
        nations=[{"code": "UKR", "name": "Ukraine", "budget": 70}],
        demands=[
            {"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 10}
        ],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 100, "price": 10}],
            }
        ],
    )
    sol = solved(sc)
    assert sol.key_figures["short"] == pytest.approx(3)


def test_minimum_consortium_blocks_fund_for_a_lone_buyer() -> None:
    # The fund needs two nations in a contract; only Ukraine buys: the fund cannot pay,
    # and Ukraine's budget of 50 buys 5 of 10.
    sc = scenario(
        nations=[
            {"code": "UKR", "name": "Ukraine", "budget": 50},
            {"code": "DEU", "name": "Germany", "gni": 1},
        ],
        demands=[
            {"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 10}
        ],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 100, "price": 10}],
            }
        ],
        funds=[
            {
                "id": "EDIRPA",
                "members": ["DEU"],
                "min_nations_per_contract": 2,
                "contribution": {"rule": "key", "basis": "gni"},
            }
        ],
    )
    sol = solved(sc)
    assert sol.key_figures["short"] == pytest.approx(5)
    assert sol.contributions.amount.sum() == pytest.approx(0)


def test_interchangeable_item_with_factor_and_compatibility() -> None:
    # Ukraine operates CAESAR only: the PzH round is unusable, the CAESAR round counts 0.5.
    sc = scenario(
        nations=[
            {"code": "UKR", "name": "Ukraine", "systems": ["CAESAR"]},
            {"code": "DEU", "name": "Germany", "systems": ["PzH2000"]},
        ],
        items=[{"id": "pzh", "systems": ["PzH2000"]}, {"id": "caesar", "systems": ["CAESAR"]}],
        capabilities=[
            {"id": "fire", "satisfied_by": [{"item": "pzh"}, {"item": "caesar", "factor": 0.5}]}
        ],
        demands=[
            {"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 10}
        ],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [
                    {"item": "pzh", "capacity": 100, "price": 1},
                    {"item": "caesar", "capacity": 100, "price": 3},
                ],
            }
        ],
    )
    sol = solved(sc)
    assert set(sol.orders["item"]) == {"caesar"}
    assert sol.orders.quantity.sum() == pytest.approx(20)
    assert sol.key_figures["total_cost"] == pytest.approx(60)


def test_weighted_objective_trades_cost_against_penalty() -> None:
    # A shell costs 10, a unit short is penalised 4: the weighted plan buys nothing.
    sc = scenario(
        demands=[
            {
                "id": "u",
                "nation": "UKR",
                "capability": "fire",
                "period": "P1",
                "quantity": 10,
                "shortfall_penalty": 4,
            }
        ],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 100, "price": 10}],
            }
        ],
    )
    assert solved(sc, objective="weighted").key_figures["short"] == pytest.approx(10)
    assert solved(sc).key_figures["short"] == pytest.approx(0)


def test_unreachable_hard_refill_is_infeasible() -> None:
    # A hard refill target of 100 with no producer at all cannot be met.
    sc = scenario(
        periods=["P1", "P2"],
        nations=[{"code": "DEU", "name": "Germany"}],
        stockpiles=[
            {
                "nation": "DEU",
                "item": "shell",
                "on_hand": 10,
                "refill_target": 100,
                "refill_by": "P2",
            }
        ],
    )
    sol = solve(sc)
    assert sol.status is SolveStatus.INFEASIBLE
    assert not sol.status.has_plan and sol.tables == {}


def test_time_limit_is_reported_not_hidden() -> None:
    import aggregate
    from aggregate.verify import verify

    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    sc = aggregate.load(root / "models" / "ammo-155mm-2023-2025" / "scenario.yaml")
    sol = solve(sc, time_limit=0.05)
    assert sol.status in (SolveStatus.TIME_LIMIT, SolveStatus.TIME_LIMIT_NO_PLAN)
    assert sol.key_figures["status"] == sol.status.value
    if sol.status.has_plan:
        assert sol.gap is not None and sol.gap > 0
        assert verify(sc, sol).ok
    else:
        assert sol.tables == {}


@pytest.mark.parametrize("objective", ["needs_first", "weighted"])
def test_nothing_to_decide_is_an_empty_optimal_plan(objective: str) -> None:
    """A producer but no demand, stock or fund: HiGHS sees an empty model; the plan is empty."""
    case = scenario(
        producers=[
            {
                "id": "P",
                "country": "UKR",
                "offers": [{"item": "shell", "capacity": 5, "price": 1.0}],
            }
        ]
    )
    plan = solved(case, objective=objective)
    assert plan.status is SolveStatus.OPTIMAL
    assert plan.key_figures["total_cost"] == 0
    assert plan.orders.empty
