"""Shared fixtures of the test suite.

Where the shared test material lives:

- here: fixtures for tests (the tiny scenario, solve-and-verify, the model library);
- ``tests/support.py``: the same builders as plain functions, for the places a fixture
  cannot reach (helper functions, ``parametrize`` tables, Hypothesis examples,
  module-scoped fixtures);
- ``tests/data/``: scenarios as files (``tiny.yaml``);
- ``tests/cases/<name>/``: hand-computed optima as data, each a ``scenario.yaml``, an
  ``expected.yaml`` and a ``README.md`` deriving every expected number, run by
  ``tests/test_cases.py``.

Every path here is inside the repository (``tests/test_hermetic.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aggregate import validate
from aggregate.result import Solution
from aggregate.schema import Scenario
from tests import support

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def tiny_raw() -> dict[str, Any]:
    """``tests/data/tiny.yaml`` as raw data, a fresh dict for each test to break."""
    return support.tiny_raw()


@pytest.fixture
def tiny() -> Scenario:
    """``tests/data/tiny.yaml`` validated."""
    return validate(support.tiny_raw())


@pytest.fixture
def solve_verified() -> Callable[..., Solution]:
    """``solve_verified(scenario, **options)``: solve, assert a plan exists and that the
    independent verifier passes it, return the plan."""
    return support.solved


@pytest.fixture(scope="session")
def models() -> Path:
    """The scenario library, ``models/`` at the repository root."""
    return ROOT / "models"
