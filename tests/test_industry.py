"""The industrial-base rules without the rule: each hand-computed case of tests/cases/ that
adds one of them is solved here once more with the rule taken out, to show that it binds
(the README of each case states the optimum without it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import aggregate

CASES = Path(__file__).resolve().parent / "cases"


def _solve_without(case: str, change: Callable[[dict[str, Any]], None]) -> dict[str, float]:
    """Key figures of the case's scenario after ``change`` (a verified plan)."""
    raw = yaml.safe_load((CASES / case / "scenario.yaml").read_text())
    change(raw)
    scenario = aggregate.validate(raw)
    plan = aggregate.solve(scenario)
    assert plan.status.has_plan, plan.message
    check = aggregate.verify(scenario, plan)
    assert check.ok, str(check)
    return dict(plan.key_figures)


def test_without_fleets_both_demands_take_the_cheaper_round() -> None:
    def drop_systems(raw: dict[str, Any]) -> None:
        for d in raw["demands"]:
            del d["system"]

    got = _solve_without("demand-tied-to-weapon-system", drop_systems)
    assert got["short"] == pytest.approx(0.0, abs=1e-9)
    assert got["total_cost"] == pytest.approx(200.0)
