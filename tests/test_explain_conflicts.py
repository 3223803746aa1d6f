"""Infeasible scenarios built on purpose: the diagnosis names exactly the conflicting rules."""

from __future__ import annotations

import pytest

from aggregate.explain import CONFLICT_COLUMNS, Conflict, diagnose
from aggregate.result import SolveStatus
from aggregate.schema import Scenario
from aggregate.solve import solve
from tests.support import scenario

GERMANY = {"code": "DEU", "name": "Germany"}


def _keys(conflict: Conflict) -> set[tuple[str, str, str, str]]:
    rules = conflict.rules
    return set(zip(rules.rule, rules.entry, rules.field, rules.period, strict=True))


def _infeasible(sc: Scenario) -> None:
    # validation accepted the scenario (scenario() validates); only the solver finds it
    assert solve(sc).status is SolveStatus.INFEASIBLE


def test_hard_floor_above_what_can_be_refilled() -> None:
    # Germany holds 100; its hard floor rises to 200 in P2. The only producer makes 30 a
    # period, so at most 160 can be held by P2: 40 missing.
    sc = scenario(
        periods=["P1", "P2"],
        nations=[GERMANY],
        stockpiles=[
            {"nation": "DEU", "item": "shell", "on_hand": 100, "floor": {"P1": 50, "P2": 200}}
        ],
        producers=[
            {"id": "P", "country": "DEU", "offers": [{"item": "shell", "capacity": 30, "price": 1}]}
        ],
    )
    _infeasible(sc)
    conflict = diagnose(sc)
    assert conflict is not None
    assert list(conflict.rules.columns) == CONFLICT_COLUMNS
    assert _keys(conflict) == {
        ("capacity", "producers[P].offers[shell]", "capacity", "P1"),
        ("capacity", "producers[P].offers[shell]", "capacity", "P2"),
        ("stockpile floor", "stockpiles[DEU/shell]", "floor", "P2"),
    }
    assert conflict.rules.relax_by.tolist() == [pytest.approx(40)] * 3
    floor = conflict.rules.set_index("rule").loc["stockpile floor"]
    assert "lower it by at least 40 unit, to 160" in floor["sentence"]


def test_fund_key_against_a_members_budget() -> None:
    # The fund must collect 1,000 by GNI key (Germany 300, France 100, no tolerance): France
    # owes 250 but may spend only 100.
    sc = scenario(
        nations=[
            {"code": "UKR", "name": "Ukraine"},
            {"code": "DEU", "name": "Germany", "gni": 300},
            {"code": "FRA", "name": "France", "gni": 100, "budget": 100},
        ],
        funds=[{"id": "EPF", "members": ["DEU", "FRA"], "committed": 1000}],
    )
    _infeasible(sc)
    conflict = diagnose(sc)
    assert conflict is not None
    assert _keys(conflict) == {
        ("fund committed size", "funds[EPF]", "committed", ""),
        ("contribution key", "funds[EPF]", "contribution.tolerance", ""),
        ("budget", "nations[FRA]", "budget", ""),
    }
    by_rule = conflict.rules.set_index("rule").relax_by
    assert by_rule["fund committed size"] == pytest.approx(600)  # 100 / 0.25 = 400
    assert by_rule["budget"] == pytest.approx(150)  # 250 - 100


def test_pledge_minimum_against_a_budget() -> None:
    sc = scenario(
        nations=[
            {"code": "UKR", "name": "Ukraine"},
            {"code": "FRA", "name": "France", "budget": 100},
        ],
        funds=[
            {
                "id": "IFU",
                "members": ["FRA"],
                "contribution": {"rule": "pledge", "pledges": {"FRA": {"min": 500}}},
            }
        ],
    )
    _infeasible(sc)
    conflict = diagnose(sc)
    assert conflict is not None
    assert _keys(conflict) == {
        ("pledge minimum", "funds[IFU]", "contribution.pledges.FRA.min", ""),
        ("budget", "nations[FRA]", "budget", ""),
    }


def test_whole_lots_make_a_refill_target_unreachable() -> None:
    # 103 rounds by P1 from a producer making 105 in lots of 10: 100 or 110, never 103 within
    # capacity. The linear relaxation is feasible; only integrality conflicts.
    sc = scenario(
        nations=[GERMANY],
        stockpiles=[{"nation": "DEU", "item": "shell", "refill_target": 103, "refill_by": "P1"}],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 105, "price": 1, "lot_size": 10}],
            }
        ],
    )
    _infeasible(sc)
    conflict = diagnose(sc)
    assert conflict is not None
    assert "MILP" in conflict.method
    assert _keys(conflict) == {
        ("capacity", "producers[P].offers[shell]", "capacity", "P1"),
        ("refill target", "stockpiles[DEU/shell]", "refill_target", "P1"),
        ("lot size", "producers[P].offers[shell]", "lot_size", ""),
    }
    by_rule = conflict.rules.set_index("rule").relax_by
    assert by_rule["refill target"] == pytest.approx(3)  # down to 100
    assert by_rule["capacity"] == pytest.approx(5)  # up to 110
    lines = conflict.sentences()
    assert lines[0].startswith("These 3 rules cannot all hold")
    assert any("a smaller lot size, or none, resolves it" in line for line in lines)


def test_a_feasible_scenario_has_no_conflict() -> None:
    sc = scenario(
        nations=[GERMANY],
        stockpiles=[{"nation": "DEU", "item": "shell", "on_hand": 100, "floor": 50}],
        producers=[
            {"id": "P", "country": "DEU", "offers": [{"item": "shell", "capacity": 30, "price": 1}]}
        ],
    )
    assert diagnose(sc) is None
