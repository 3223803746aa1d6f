"""From raw data (parsed YAML/JSON/Excel) to a validated :class:`Scenario`, or one error."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from aggregate.errors import Problem, ScenarioError, problems_from_validation
from aggregate.schema import Scenario


def validate(raw: Any, file: str | None = None) -> Scenario:
    """Validate raw data as a scenario: field types first, then the consistency checks.

    Raises :class:`ScenarioError` listing every problem (and naming ``file``) if invalid.
    """
    from aggregate.checks import check_scenario  # checks import the schema; keep this light

    if not isinstance(raw, dict):
        raise ScenarioError(
            [
                Problem(
                    "scenario",
                    "",
                    f"the top level must be a mapping of fields, got {type(raw).__name__}",
                    "start the file with fields such as `name:`, `periods:`, `nations:`",
                )
            ],
            file,
        )
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, raw), file) from None
    problems = check_scenario(scenario)
    if problems:
        raise ScenarioError(problems, file)
    return scenario


def check(scenario: Scenario) -> Scenario:
    """Run the consistency checks on a scenario built in Python; raise if any fails."""
    from aggregate.checks import check_scenario

    problems = check_scenario(scenario)
    if problems:
        raise ScenarioError(problems)
    return scenario
