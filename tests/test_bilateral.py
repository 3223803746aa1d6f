"""Bilateral purchases (``nations[X].buys_for``): input checks, labels, and the verifier's
re-check of a plan's bilateral payments. The solved, hand-computed case is
``tests/cases/bilateral-purchase-under-ceiling``."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from aggregate import labels
from aggregate.checks import check_scenario
from aggregate.errors import Problem
from aggregate.games.coalitions import restrict
from aggregate.overrides import resolve
from aggregate.result import Solution
from aggregate.schema import facts
from tests.support import make_scenario, pooled_solution
from tests.support import verify_scenario_data as scenario_data
from tests.test_verify import Data, check, nation, set_cell

# --- labels and the fund a purchase acts as --------------------------------------------


def test_channel_ids_and_labels() -> None:
    channel = labels.bilateral("DEU", "UKR")
    assert channel == "bilateral DEU->UKR"
    assert labels.bilateral_parts(channel) == ("DEU", "UKR")
    assert labels.bilateral_parts("EPF") is None
    assert labels.fund(channel) == "nations[DEU].buys_for[UKR]"
    assert labels.fund("EPF") == "funds[EPF]"


def test_a_purchase_is_a_one_member_fund_for_its_beneficiary() -> None:
    data = scenario_data()
    nation(data, "BBB")["buys_for"] = [
        {"beneficiary": "AAA", "ceiling": 70.0, "eligible_items": ["shell"]}
    ]
    funds = facts.bilateral_funds(make_scenario(data).nations)
    f = funds["bilateral BBB->AAA"]
    assert (f.members, f.cap, f.committed) == (["BBB"], 70.0, 0.0)
    assert f.eligible_beneficiaries == ["AAA"]
    # eligible for AAA's shells, not its rockets, not BBB's own orders
    assert facts.fund_order_uses(f, "AAA", "AAA", "shell", False) == (True, False)
    assert facts.fund_order_uses(f, "AAA", "AAA", "rocket", False) == (False, False)
    assert facts.fund_order_uses(f, "AAA", "BBB", "shell", False) == (False, False)


# --- input checks ----------------------------------------------------------------------


def _problems(buys_for: list[dict[str, Any]]) -> list[Problem]:
    data = scenario_data()
    nation(data, "BBB")["buys_for"] = buys_for
    return [p for p in check_scenario(make_scenario(data)) if p.check == "bilateral_purchases"]


def test_a_valid_purchase_has_no_problem() -> None:
    assert _problems([{"beneficiary": "AAA", "ceiling": 70.0}]) == []


@pytest.mark.parametrize(
    ("entry", "field", "words"),
    [
        ({"beneficiary": "ZZZ"}, "beneficiary", "'ZZZ' is not in nations"),
        ({"beneficiary": "BBB"}, "beneficiary", "BBB buys for itself"),
        ({"beneficiary": "AAA", "eligible_items": ["gun"]}, "eligible_items", "'gun'"),
        (
            {"beneficiary": "AAA", "eligible_producer_countries": ["FRA"]},
            "eligible_producer_countries",
            "no producer is located in",
        ),
    ],
    ids=["unknown beneficiary", "itself", "unknown item", "origin"],
)
def test_bad_purchases_are_named_with_their_path(
    entry: dict[str, Any], field: str, words: str
) -> None:
    (problem,) = _problems([entry])
    assert problem.entry == f"nations[BBB].buys_for[{entry['beneficiary']}]"
    assert problem.field == field
    assert words in problem.message
    assert problem.fix


def test_one_entry_per_beneficiary() -> None:
    (problem,) = _problems([{"beneficiary": "AAA"}, {"beneficiary": "AAA", "ceiling": 5.0}])
    assert problem.entry == "nations[BBB].buys_for[AAA]"
    assert "2 entries" in problem.message


# --- the verifier ----------------------------------------------------------------------


def _bbb_pays_60_for_aaa(data: Data, solution: Solution, **purchase: Any) -> None:
    """BBB pays 60 of AAA's 260 for shells through a bilateral purchase; budgets follow."""
    nation(data, "BBB")["buys_for"] = [{"beneficiary": "AAA", **purchase}]
    nation(data, "BBB")["budget"] = 900.0
    # of AAA's own 170 in P2 (its P2 orders cost 270; the fund pays 100), BBB pays 60
    where = {"payer": "AAA", "purpose": "order", "period": "P2"}
    set_cell(solution, "payments", "amount", 110.0, **where)
    df = solution.tables["payments"]
    row = df[(df["payer"] == "AAA") & (df["purpose"] == "order") & (df["period"] == "P2")].copy()
    row[["payer", "amount", "channel"]] = ["BBB", 60.0, "bilateral BBB->AAA"]
    solution.tables["payments"] = pd.concat([df, row], ignore_index=True)
    set_cell(solution, "budgets", "orders", 200.0, nation="AAA")
    set_cell(solution, "budgets", "spent", 560.0, nation="AAA")  # 620 - 60
    set_cell(solution, "budgets", "for_others", 60.0, nation="BBB")
    set_cell(solution, "budgets", "spent", 810.0, nation="BBB")
    set_cell(solution, "budgets", "budget", 900.0, nation="BBB")


def test_a_bilateral_payment_within_its_rules_passes() -> None:
    data, solution = scenario_data(), pooled_solution()
    _bbb_pays_60_for_aaa(data, solution, ceiling=60.0)
    result = check(data, solution)
    assert result.ok, str(result)


@pytest.mark.parametrize(
    ("purchase", "rule", "entity"),
    [
        ({"ceiling": 50.0}, "bilateral_ceiling_upper", "nations[BBB].buys_for[AAA]"),
        (
            {"eligible_items": ["rocket"]},
            "fund_payment_eligible",
            "nations[BBB].buys_for[AAA]: producers[PRD].offers[shell] -> nations[AAA]",
        ),
        (
            {"eligible_producer_countries": ["BBB"]},
            "fund_payment_eligible",
            "nations[BBB].buys_for[AAA]: producers[PRD].offers[shell] -> nations[AAA]",
        ),
    ],
    ids=["ceiling", "item", "origin"],
)
def test_a_broken_bilateral_rule_is_caught_with_its_label(
    purchase: dict[str, Any], rule: str, entity: str
) -> None:
    data, solution = scenario_data(), pooled_solution()
    _bbb_pays_60_for_aaa(data, solution, **purchase)
    result = check(data, solution)
    assert result.rules == {rule}, str(result)
    assert set(result.violations["entity"]) == {entity}


def test_a_payment_for_another_without_a_purchase_is_caught() -> None:
    data, solution = scenario_data(), pooled_solution()
    _bbb_pays_60_for_aaa(data, solution)
    del nation(data, "BBB")["buys_for"]
    assert "payment_record" in check(data, solution).rules


def test_the_budget_counts_purchases_for_others() -> None:
    data, solution = scenario_data(), pooled_solution()
    _bbb_pays_60_for_aaa(data, solution)
    nation(data, "BBB")["budget"] = 800.0
    set_cell(solution, "budgets", "budget", 800.0, nation="BBB")
    result = check(data, solution)
    assert result.rules == {"budget_upper"}, str(result)


# --- coalitions ------------------------------------------------------------------------


def test_a_coalition_keeps_purchases_for_its_members_only() -> None:
    data = scenario_data()
    data["nations"].append({"code": "CCC", "name": "C"})
    nation(data, "BBB")["buys_for"] = [{"beneficiary": "AAA"}, {"beneficiary": "CCC"}]
    sub = restrict(make_scenario(data), ["BBB", "CCC"])
    (bbb,) = [n for n in sub.nations if n.code == "BBB"]
    assert [b.beneficiary for b in bbb.buys_for] == ["CCC"]


def test_a_study_override_reaches_a_ceiling_by_its_label() -> None:
    data = scenario_data()
    nation(data, "BBB")["buys_for"] = [{"beneficiary": "AAA", "ceiling": 70.0}]
    (where,) = resolve(data, "nations[BBB].buys_for[AAA].ceiling")
    assert where.parent[where.key] == 70.0
    assert where.label == "nations[BBB].buys_for[AAA].ceiling"
