"""Consistency checks beyond field types (placeholder, being written)."""

from __future__ import annotations

from aggregate.errors import Problem
from aggregate.schema import Scenario


def check_scenario(scenario: Scenario) -> list[Problem]:
    """Run every named check and return all problems found."""
    return []
