"""The participation rule (settings.participation: no_worse_than_alone): the pooled plan
leaves no nation more short of a capability, or spending more, than going alone.

The hand-computed plan with the rule is tests/cases/participation-no-worse-than-alone (its
README derives every number); these tests check the plan without the rule, that the
verifier catches a broken bound, and that a rule that cannot hold is reported as such."""

from __future__ import annotations

from pathlib import Path

import pytest

import aggregate
from aggregate.schema import Scenario

CASE = Path(__file__).resolve().parent / "cases" / "participation-no-worse-than-alone"


def _case(participation: str) -> Scenario:
    scenario = aggregate.load(CASE / "scenario.yaml")
    settings = scenario.settings.model_copy(update={"participation": participation})
    return scenario.model_copy(update={"settings": settings})


def _by_nation(plan: aggregate.Solution, table: str, column: str) -> dict[str, float]:
    return plan.tables[table].groupby("nation")[column].sum().to_dict()


def test_without_the_rule_pooling_leaves_estonia_more_short() -> None:
    # README: one 10-shell contract at 5 each; Latvia's 30 buys 6, Estonia gets the other 4
    plan = aggregate.solve(_case("unconditional"))
    assert aggregate.verify(_case("unconditional"), plan).ok
    assert _by_nation(plan, "orders", "quantity") == pytest.approx({"EST": 4, "LVA": 6})
    assert _by_nation(plan, "demands", "short") == pytest.approx({"EST": 6, "LVA": 4})
    assert plan.key_figures["weighted_shortfall"] == pytest.approx(6 + 2 * 4)
    assert plan.tables["participation"].empty


def test_with_the_rule_no_nation_is_worse_off_than_alone() -> None:
    scenario = _case("no_worse_than_alone")
    pooled = aggregate.solve(scenario)
    alone = aggregate.solve(scenario, baseline=True)
    assert aggregate.verify(scenario, pooled).ok
    assert alone.tables["participation"].empty  # the going-alone plan has no such rule
    for column in ("short",):
        mine, theirs = _by_nation(pooled, "demands", column), _by_nation(alone, "demands", column)
        assert all(mine[n] <= theirs[n] + 1e-9 for n in theirs)
    spent_pooled = _by_nation(pooled, "budgets", "spent")
    spent_alone = _by_nation(alone, "budgets", "spent")
    assert spent_alone == pytest.approx({"EST": 70, "LVA": 30})
    assert all(spent_pooled[n] <= spent_alone[n] + 1e-9 for n in spent_alone)


def test_the_verifier_catches_a_nation_worse_off() -> None:
    scenario = _case("no_worse_than_alone")
    plan = aggregate.solve(scenario)
    table = plan.tables["participation"]
    est = (table["nation"] == "EST") & (table["measure"] == "short")
    table.loc[est, "alone"] = 2.0  # as if Estonia had been 2 short alone: 3 is worse
    found = aggregate.verify(scenario, plan).violations
    assert list(found["rule"]) == ["participation"]
    assert found["entity"].iloc[0] == "nations[EST]"
    plan.tables["participation"] = table.iloc[0:0]
    assert "participation" in set(aggregate.verify(scenario, plan).violations["rule"])


def test_a_rule_that_cannot_hold_is_reported_infeasible() -> None:
    # Only Latvia needs shells. Estonia hosts the producer, so the pooled contract's fixed
    # cost (10) is Estonia's (the default fixed-cost rule), while alone Latvia pays its own
    # contract (10 + 2 shells at 10 = its 30) and Estonia spends 0: any pooled contract makes
    # Estonia spend more than alone, and no contract leaves Latvia short of the 2 shells it
    # bought alone.
    raw = _case("no_worse_than_alone").model_dump()
    raw["demands"] = [d for d in raw["demands"] if d["nation"] == "LVA"]
    raw["producers"][0]["country"] = "EST"
    raw["producers"][0]["offers"][0]["contract_cost"] = 10.0
    scenario = Scenario.model_validate(raw)
    alone = aggregate.solve(scenario, baseline=True)
    assert _by_nation(alone, "budgets", "spent")["EST"] == pytest.approx(0)
    assert _by_nation(alone, "demands", "short")["LVA"] == pytest.approx(8)
    plan = aggregate.solve(scenario)
    assert plan.status is aggregate.SolveStatus.INFEASIBLE
    assert not plan.tables


def test_explain_prices_the_plan_under_the_rule_it_was_solved_with() -> None:
    # explain re-solves the plan's LP; without the rule's rows it would reach the pooled
    # optimum without the rule (weighted 14) and call the plan's 17 a MIP-gap artefact
    from aggregate.explain import explain

    scenario = _case("no_worse_than_alone")
    plan = aggregate.solve(scenario)
    why = explain(scenario, plan, expansions=False)
    assert not any("reaches a weighted shortfall" in note for note in why.notes), why.notes
