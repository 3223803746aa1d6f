"""Reasons for each shortfall, as rows and as sentences."""

from __future__ import annotations

import pytest

from aggregate.explain import REASON_COLUMNS, explain
from aggregate.schema import Scenario
from tests.support import scenario, solved


def _demand(**extra: object) -> dict:
    return {
        "id": "u",
        "nation": "UKR",
        "capability": "fire",
        "period": "P1",
        "quantity": 40,
        **extra,
    }


def _producer(pid: str, item: str, capacity: float, **extra: object) -> dict:
    return {
        "id": pid,
        "country": "DEU",
        "offers": [{"item": item, "capacity": capacity, "price": 10, **extra}],
    }


def test_capacity_is_the_reason_and_the_sentence_names_it() -> None:
    sc = scenario(demands=[_demand()], producers=[_producer("P", "shell", 25)])
    why = explain(sc, solved(sc), expansions=False)
    reasons = why.shortfall_reasons
    assert list(reasons.columns) == REASON_COLUMNS
    assert len(reasons) == 1
    row = reasons.iloc[0]
    assert (row["demand"], row["reason"], row["entry"], row["period"]) == (
        "u",
        "capacity",
        "producers[P].offers[shell]",
        "P1",
    )
    assert row["short"] == pytest.approx(15)
    assert row["shortfall_avoided"] == pytest.approx(1.0)
    assert row["sentence"].startswith("u (UKR, fire, due P1, 15 short): capacity for shell at P")
    assert "fully used (25 of 25)" in row["sentence"]


def test_lead_time_past_the_window_is_a_reason() -> None:
    # The only producer needs 2 periods; the demand is due in P1 and may be 1 period late,
    # so nothing can arrive in time: all 40 short because of the lead time.
    sc = scenario(
        periods=["P1", "P2", "P3"],
        demands=[_demand(max_lateness=1)],
        producers=[_producer("P", "shell", 100, lead_time=2)],
    )
    why = explain(sc, solved(sc), expansions=False)
    reasons = why.shortfall_reasons
    assert reasons.reason.tolist() == ["lead time"]
    assert reasons.entry.tolist() == ["producers[P].offers[shell]"]
    assert reasons.short.tolist() == [pytest.approx(40)]
    assert "after P2, the last period that counts" in reasons.sentence.iloc[0]


def test_lateness_from_lead_time() -> None:
    # Lead time 1: the 40 arrive in P2, one period after the due period P1.
    sc = scenario(
        periods=["P1", "P2"],
        demands=[_demand(max_lateness=1)],
        producers=[_producer("P", "shell", 100, lead_time=1)],
    )
    why = explain(sc, solved(sc), expansions=False)
    row = why.shortfall_reasons.iloc[0]
    assert (row["reason"], row["period"]) == ("lead time", "P2")
    assert row["short"] == pytest.approx(0) and row["late_unit_periods"] == pytest.approx(40)


def test_incompatible_item_is_named() -> None:
    # Krab rounds are plentiful but Ukraine's guns here are PzH 2000 only; the usable round
    # has 10 a period.
    sc = scenario(
        nations=[
            {"code": "UKR", "name": "Ukraine", "systems": ["PzH2000"]},
            {"code": "POL", "name": "Poland", "systems": ["Krab"]},
        ],
        items=[{"id": "l52", "systems": ["PzH2000"]}, {"id": "krab", "systems": ["Krab"]}],
        capabilities=[{"id": "fire", "satisfied_by": [{"item": "l52"}, {"item": "krab"}]}],
        demands=[_demand()],
        producers=[_producer("P", "l52", 10), _producer("K", "krab", 1000)],
    )
    why = explain(sc, solved(sc), expansions=False)
    reasons = why.shortfall_reasons.set_index("reason")
    assert reasons.loc["capacity", "entry"] == "producers[P].offers[l52]"
    assert reasons.loc["compatibility", "entry"] == "items[krab]"
    assert (
        "qualified for Krab, which UKR does not operate" in reasons.loc["compatibility", "sentence"]
    )


def test_budget_and_fund_eligibility() -> None:
    # Ukraine has no money of its own; the only fund pays for Poland's orders only.
    sc = scenario(
        nations=[
            {"code": "UKR", "name": "Ukraine", "budget": 0},
            {"code": "POL", "name": "Poland", "gni": 100},
        ],
        demands=[_demand()],
        producers=[_producer("P", "shell", 100)],
        funds=[{"id": "F", "members": ["POL"], "eligible_beneficiaries": ["POL"]}],
    )
    why = explain(sc, solved(sc), expansions=False)
    reasons = why.shortfall_reasons.set_index("reason")
    assert reasons.loc["budget", "entry"] == "nations[UKR]"
    # one more euro buys a tenth of a shell
    assert reasons.loc["budget", "shortfall_avoided"] == pytest.approx(0.1)
    assert reasons.loc["fund eligibility", "entry"] == "funds[F]"
    assert reasons.loc["fund eligibility", "field"] == "eligible_beneficiaries"
    assert "capacity" not in reasons.index  # the producer had room


def _donor_case(on_hand: float) -> Scenario:
    # Ukraine needs 50 (priority 3); Germany, a donor under the default surplus policy,
    # needs 60 itself (priority 1) and holds ``on_hand``; nobody produces.
    return scenario(
        nations=[{"code": "UKR", "name": "Ukraine"}, {"code": "DEU", "name": "Germany"}],
        demands=[
            _demand(quantity=50, priority=3),
            _demand(id="g", nation="DEU", quantity=60),
        ],
        stockpiles=[{"nation": "DEU", "item": "shell", "on_hand": on_hand, "donor": True}],
    )


def test_surplus_policy_binding_is_a_reason() -> None:
    # 100 held: Germany meets its 60 and gives the other 40; Ukraine is 10 short. One unit
    # of Germany's own demand allowed short would give Ukraine one more: 3 - 1 = 2.
    sc = _donor_case(100)
    why = explain(sc, solved(sc), expansions=False)
    reasons = why.shortfall_reasons
    row = reasons[reasons["reason"] == "surplus donation policy"].iloc[0]
    assert (row["demand"], row["entry"], row["field"]) == (
        "u",
        "stockpiles[DEU/shell]",
        "donation_policy",
    )
    assert row["short"] == pytest.approx(10.0)
    assert row["shortfall_avoided"] == pytest.approx(2.0)


def test_surplus_donor_giving_nothing_is_a_reason() -> None:
    # 50 held: Germany cannot meet its own 60, so it may give nothing; Ukraine is 50 short
    # and Germany 10 (it uses all 50 itself).
    sc = _donor_case(50)
    plan = solved(sc)
    assert plan.donations["quantity"].sum() == pytest.approx(0.0)
    reasons = explain(sc, plan, expansions=False).shortfall_reasons
    row = reasons[(reasons["demand"] == "u") & (reasons["reason"] == "surplus donation policy")]
    assert len(row) == 1
    assert row.iloc[0]["entry"] == "stockpiles[DEU/shell]"
    assert "DEU gives no shell under the surplus donation policy" in row.iloc[0]["sentence"]
    assert "its own demand g is 10 short or late" in row.iloc[0]["sentence"]


def test_no_reasons_when_every_demand_is_met() -> None:
    sc = scenario(demands=[_demand()], producers=[_producer("P", "shell", 100)])
    why = explain(sc, solved(sc), expansions=False)
    assert why.shortfall_reasons.empty
    assert list(why.shortfall_reasons.columns) == REASON_COLUMNS


def test_capacity_counts_the_expansion_built() -> None:
    # P makes 100 a period and expansion E adds 300; Ukraine needs 500, so E is built and
    # all 400 are used: the capacity is fully used at 400 of 400 (not 100 of 100), and one
    # more unit of it avoids one unit short.
    sc = scenario(
        demands=[_demand(quantity=500)],
        producers=[_producer("P", "shell", 100)],
        expansions=[
            {
                "id": "E",
                "producer": "P",
                "item": "shell",
                "added_capacity": 300,
                "investment_cost": 1,
            }
        ],
    )
    plan = solved(sc)
    assert plan.investments.expansion.tolist() == ["E"]
    why = explain(sc, plan, expansions=False)
    row = why.shortfall_reasons.set_index("reason").loc["capacity"]
    assert "fully used (400 of 400)" in row["sentence"]
    assert row["shortfall_avoided"] == pytest.approx(1.0)
    top = why.bottlenecks.iloc[0]
    assert (top["limit"], top["used"]) == (pytest.approx(400), pytest.approx(400))
