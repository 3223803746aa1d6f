"""Test helpers: build small scenarios from plain dicts, solve them and verify every plan."""

from __future__ import annotations

import copy
from typing import Any

from aggregate import validate
from aggregate.result import Solution
from aggregate.schema import Scenario
from aggregate.solve import solve
from aggregate.verify import verify


def scenario(**fields: Any) -> Scenario:
    """A validated scenario: defaults for a one-item, one-capability world plus ``fields``."""
    raw: dict[str, Any] = {
        "name": "test",
        "periods": ["P1"],
        "nations": [{"code": "UKR", "name": "Ukraine"}],
        "items": [{"id": "shell"}],
        "capabilities": [{"id": "fire", "satisfied_by": [{"item": "shell"}]}],
    }
    raw.update(copy.deepcopy(fields))
    return validate(raw)


def solved(sc: Scenario, **options: Any) -> Solution:
    """Solve and assert the plan passes the independent verifier."""
    sol = solve(sc, **options)
    assert sol.status.has_plan, (sol.status, sol.message)
    check = verify(sc, sol)
    assert check.ok, str(check)
    return sol
