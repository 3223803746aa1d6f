"""Solver outcomes that are not a hand-computed optimum.

The hand-computed cases (one mechanism each, optimum worked out by hand) are data in
``tests/cases/<name>/``, run by ``tests/test_cases.py``. What stays here asserts something
a list of expected values cannot: a solve stopped by its time limit, whose plan (if any)
depends on how far HiGHS got.
"""

from __future__ import annotations

from pathlib import Path

import aggregate
from aggregate.result import SolveStatus


def test_time_limit_is_reported_not_hidden(models: Path) -> None:
    sc = aggregate.load(models / "ammo-155mm-2023-2025" / "scenario.yaml")
    sol = aggregate.solve(sc, time_limit=0.05)
    assert sol.status in (SolveStatus.TIME_LIMIT, SolveStatus.TIME_LIMIT_NO_PLAN)
    assert sol.key_figures["status"] == sol.status.value
    if sol.status.has_plan:
        assert sol.gap is not None and sol.gap > 0
        assert aggregate.verify(sc, sol).ok
    else:
        assert sol.tables == {}
        # no plan: the message says where one may come from
        assert "settings.first_plan: heuristic" in sol.message


def test_no_plan_in_time_points_to_the_first_plan_heuristic() -> None:
    """A MIP stopped before HiGHS has any plan (1 ms, which the solve raises to its 10 ms
    floor: not even through presolve) says where a plan may come from, unless the
    heuristic was already asked for."""
    from benchmarks.generator import generate

    sc = generate("M", family="mip")
    none = aggregate.solve(sc, time_limit=1e-3)
    assert none.status is SolveStatus.TIME_LIMIT_NO_PLAN
    assert "settings.first_plan: heuristic" in none.message
    assert "allow more time" in none.message
    sc = sc.model_copy(
        update={"settings": sc.settings.model_copy(update={"first_plan": "heuristic"})}
    )
    asked = aggregate.solve(sc, time_limit=1e-3)
    assert asked.status is SolveStatus.TIME_LIMIT_NO_PLAN
    assert "first_plan" not in asked.message
