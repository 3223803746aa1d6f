"""Bottlenecks known by design: each ranks first with its hand-computed marginal value."""

from __future__ import annotations

import copy
import math

import pandas as pd
import pytest
from matplotlib.figure import Figure

from aggregate.explain import BOTTLENECK_COLUMNS, ExplainError, explain, plot_bottlenecks
from aggregate.result import Solution, SolveStatus
from tests.support import scenario, solved

UKR_DEMAND = {"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 40}


def _offer(pid: str, capacity: float, price: float, **extra: object) -> dict:
    return {
        "id": pid,
        "country": "DEU",
        "offers": [{"item": "shell", "capacity": capacity, "price": price, **extra}],
    }


def _first(why_bottlenecks: pd.DataFrame) -> pd.Series:
    assert not why_bottlenecks.empty
    return why_bottlenecks.iloc[0]


def test_producer_capacity_ranks_first_with_priority_times_factor() -> None:
    # One shell covers 2 units of fire; 10 shells a period cover 20 of the 40 due, so 20 are
    # short. One more shell covers 2 more units at priority 3: 6 weighted shortfall avoided.
    # UKR's budget (10,000) is far from binding (10 shells at 5 = 50).
    sc = scenario(
        nations=[{"code": "UKR", "name": "Ukraine", "budget": 10_000}],
        capabilities=[{"id": "fire", "satisfied_by": [{"item": "shell", "factor": 2}]}],
        demands=[{**UKR_DEMAND, "priority": 3}],
        producers=[_offer("P", 10, 5)],
    )
    plan = solved(sc)
    why = explain(sc, plan, expansions=False)
    top = _first(why.bottlenecks)
    assert (top["rule"], top["entry"], top["field"], top["period"]) == (
        "capacity",
        "producers[P].offers[shell]",
        "capacity",
        "P1",
    )
    assert top["rank"] == 1
    assert top["shortfall_avoided"] == pytest.approx(6.0)
    assert list(why.bottlenecks.columns) == BOTTLENECK_COLUMNS
    assert "budget" not in set(why.bottlenecks["rule"])
    assert why.needs == pytest.approx(3 * 20)
    assert "capacity for shell at P in P1" in top["sentence"]
    assert "avoids 6 weighted shortfall" in top["sentence"]


def test_component_supplier_ranks_first() -> None:
    # Each shell needs 2 fuzes; 50 fuzes make 25 of the 40 shells. One more fuze makes half
    # a shell: 0.5 weighted shortfall avoided. The producer's capacity (100) has slack.
    sc = scenario(
        items=[{"id": "shell", "components": {"fuze": 2}}],
        components=[{"id": "fuze"}],
        component_suppliers=[{"id": "F", "component": "fuze", "capacity": 50}],
        demands=[UKR_DEMAND],
        producers=[_offer("P", 100, 1)],
    )
    why = explain(sc, solved(sc), expansions=False)
    top = _first(why.bottlenecks)
    assert (top["rule"], top["entry"], top["period"]) == (
        "component supply",
        "component_suppliers[F]",
        "P1",
    )
    assert top["shortfall_avoided"] == pytest.approx(0.5)
    assert "capacity" not in set(why.bottlenecks["rule"])


def test_budget_ranks_first_per_currency_unit() -> None:
    # Budget 300 at 10 a shell buys 30 of 40: each euro more buys 0.1 shell.
    sc = scenario(
        nations=[{"code": "UKR", "name": "Ukraine", "budget": 300}],
        demands=[UKR_DEMAND],
        producers=[_offer("P", 100, 10)],
    )
    why = explain(sc, solved(sc), expansions=False)
    top = _first(why.bottlenecks)
    assert (top["rule"], top["entry"], top["field"]) == ("budget", "nations[UKR]", "budget")
    assert top["shortfall_avoided"] == pytest.approx(0.1)
    assert top["unit"] == "EUR"


def test_stockpile_floor_ranks_first() -> None:
    # Germany holds 100 with a hard floor of 70 and gives 30 of Ukraine's 50: each unit the
    # floor is lowered frees one more unit to give.
    sc = scenario(
        nations=[{"code": "UKR", "name": "Ukraine"}, {"code": "DEU", "name": "Germany"}],
        demands=[{**UKR_DEMAND, "quantity": 50}],
        stockpiles=[{"nation": "DEU", "item": "shell", "on_hand": 100, "floor": 70, "donor": True}],
    )
    why = explain(sc, solved(sc), expansions=False)
    top = _first(why.bottlenecks)
    assert (top["rule"], top["entry"], top["field"], top["period"], top["relax"]) == (
        "stockpile floor",
        "stockpiles[DEU/shell]",
        "floor",
        "P1",
        "lower",
    )
    assert top["shortfall_avoided"] == pytest.approx(1.0)
    assert top["sentence"].startswith("Lowering DEU's floor of shell in P1")


def test_surplus_donation_policy_ranks_first() -> None:
    # Germany holds 100 (no floor) and needs 60 itself (priority 1); Ukraine needs 50
    # (priority 3). Under the default surplus policy Germany gives only the 40 its own
    # demand leaves: Ukraine is 10 short. Letting Germany go one unit short while it
    # donates frees one more unit for Ukraine: 3 - 1 = 2 weighted shortfall avoided.
    sc = scenario(
        nations=[{"code": "UKR", "name": "Ukraine"}, {"code": "DEU", "name": "Germany"}],
        demands=[
            {**UKR_DEMAND, "quantity": 50, "priority": 3},
            {**UKR_DEMAND, "id": "g", "nation": "DEU", "quantity": 60},
        ],
        stockpiles=[{"nation": "DEU", "item": "shell", "on_hand": 100, "donor": True}],
    )
    plan = solved(sc)
    assert plan.donations["quantity"].sum() == pytest.approx(40.0)
    why = explain(sc, plan, expansions=False)
    top = _first(why.bottlenecks)
    assert (top["rule"], top["entry"], top["field"], top["relax"]) == (
        "surplus donation policy",
        "stockpiles[DEU/shell]",
        "donation_policy",
        "widen",
    )
    assert top["shortfall_avoided"] == pytest.approx(2.0)
    assert "DEU's own demand g while it donates shell" in top["sentence"]


def test_cheap_capacity_is_worth_the_price_difference_in_the_cost_stage() -> None:
    # Nothing is short; A (price 10) is full at 25, B (price 15) makes the other 15. One more
    # unit at A replaces one from B: 5 saved. No shortfall to avoid.
    sc = scenario(demands=[UKR_DEMAND], producers=[_offer("A", 25, 10), _offer("B", 100, 15)])
    why = explain(sc, solved(sc), expansions=False)
    top = _first(why.bottlenecks)
    assert (top["entry"], top["period"]) == ("producers[A].offers[shell]", "P1")
    assert top["cost_saved"] == pytest.approx(5.0)
    assert top["shortfall_avoided"] == pytest.approx(0.0)
    assert len(why.bottlenecks) == 1  # B has slack
    assert why.cost == pytest.approx(25 * 10 + 15 * 15, rel=1e-6)


def test_weighted_objective_prices_in_currency() -> None:
    # Weighted: a unit short costs 1,000, a shell 10; one more unit of capacity saves 990.
    sc = scenario(
        demands=[{**UKR_DEMAND, "shortfall_penalty": 1000}],
        producers=[_offer("P", 10, 10)],
        settings={"objective": "weighted"},
    )
    why = explain(sc, solved(sc), expansions=False)
    top = _first(why.bottlenecks)
    assert top["cost_saved"] == pytest.approx(990.0)
    assert math.isnan(top["shortfall_avoided"])
    assert why.needs is None


def test_expansion_not_taken_and_its_break_even_cost() -> None:
    # Demand 40: A (10 a unit) makes 25, B (15) the other 15, cost 475. Expanding A by 10 for
    # 100 would cost 35 * 10 + 5 * 15 + 100 = 525: 50 dearer. It pays off at 50 or less.
    sc = scenario(
        demands=[UKR_DEMAND],
        producers=[_offer("A", 25, 10), _offer("B", 100, 15)],
        expansions=[
            {
                "id": "A2",
                "producer": "A",
                "item": "shell",
                "added_capacity": 10,
                "investment_cost": 100,
            }
        ],
    )
    plan = solved(sc)
    assert plan.investments.empty
    why = explain(sc, plan)
    row = why.expansions.set_index("expansion").loc["A2"]
    assert row["cost_change"] == pytest.approx(50.0, rel=1e-5)
    assert row["break_even_cost"] == pytest.approx(50.0, rel=1e-5)
    assert row["cheaper_by"] == pytest.approx(50.0, rel=1e-5)
    assert row["shortfall_avoided"] == pytest.approx(0.0)
    assert "50 EUR or less" in row["sentence"]


def test_explaining_never_changes_the_plan() -> None:
    sc = scenario(
        nations=[{"code": "UKR", "name": "Ukraine", "budget": 300}, {"code": "DEU", "name": "G"}],
        demands=[UKR_DEMAND],
        stockpiles=[{"nation": "DEU", "item": "shell", "on_hand": 20, "floor": 15, "donor": True}],
        producers=[_offer("P", 100, 10, lot_size=5)],
        expansions=[
            {
                "id": "E",
                "producer": "P",
                "item": "shell",
                "added_capacity": 10,
                "investment_cost": 1000,
            }
        ],
    )
    plan = solved(sc)
    tables = {k: v.copy(deep=True) for k, v in plan.tables.items()}
    figures = copy.deepcopy(plan.key_figures)
    why = explain(sc, plan)
    assert set(plan.tables) == set(tables)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(plan.tables[name], frame, check_exact=True)
    assert plan.key_figures == figures
    assert plan.status is SolveStatus.OPTIMAL
    # Germany gives its 20 and buys 15 back to its floor; Ukraine buys the other 20: 35 * 10
    assert why.cost == pytest.approx(350.0, rel=1e-6)


def test_a_plan_without_solution_cannot_be_explained() -> None:
    sc = scenario(demands=[UKR_DEMAND], producers=[_offer("P", 10, 1)])
    failed = Solution(scenario_name="x", status=SolveStatus.INFEASIBLE)
    with pytest.raises(ExplainError, match="diagnose"):
        explain(sc, failed)


def test_sentences_and_plot() -> None:
    sc = scenario(demands=[UKR_DEMAND], producers=[_offer("P", 10, 5)])
    why = explain(sc, expansions=False)  # solves itself
    lines = why.sentences(top=3)
    # 10 more units of capacity meet the other 30 of fire: the value holds over the first 30
    assert lines[0] == (
        "1. Raising capacity for shell at P in P1 avoids 1 weighted shortfall per unit per "
        "period over the first 30 (uses 10 of 10)."
    )
    assert any(line.startswith("u (UKR, fire, due P1, 30 short)") for line in lines)
    short = why.sentences(top=3, reasons=False)
    assert short[0] == lines[0]
    assert not any(line.startswith("u (UKR") for line in short)
    ax = plot_bottlenecks(why, ax=Figure().subplots())
    assert len(ax.patches) == len(why.bottlenecks) == 1
    assert ax.patches[0].get_width() == pytest.approx(1.0)
    # labelled with the scenario field to change, the bar's end with its value and range
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "producers[P].offers[shell].capacity (P1)"
    ]
    assert [t.get_text() for t in ax.texts] == ["1 per unit per period, first 30"]


def test_expansions_are_re_solved_with_the_plans_solver_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the scenario's start setting and the caller's preset and raw options reach every
    # re-solve, as they reached the plan's solve
    import aggregate.explain.bottlenecks as bottlenecks

    seen: list[Solution] = []
    real = bottlenecks.solve_model

    def recorded(*args: object, **kwargs: object) -> Solution:
        seen.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return seen[-1]

    monkeypatch.setattr(bottlenecks, "solve_model", recorded)
    sc = scenario(
        demands=[UKR_DEMAND],
        producers=[_offer("A", 25, 10), _offer("B", 100, 15)],
        expansions=[
            {
                "id": "A2",
                "producer": "A",
                "item": "shell",
                "added_capacity": 10,
                "investment_cost": 100,
            }
        ],
        settings={"first_plan": "none", "split_blocks": False},
    )
    options = {"preset": "no_presolve", "highs_options": {"random_seed": 3}, "mip_gap": 1e-5}
    plan = solved(sc, **options)
    explain(sc, plan, **options)
    assert len(seen) == 1
    assert seen[0].solver_settings == plan.solver_settings
    assert plan.solver_settings["highs_options"] == {"presolve": "off", "random_seed": 3}
