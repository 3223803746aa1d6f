"""From raw data (parsed YAML/JSON/Excel) to a validated :class:`Scenario`, or one error."""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import ValidationError

from aggregate.errors import Problem, ScenarioError, problems_from_validation
from aggregate.schema import Scenario


def validate(raw: Any, file: str | None = None) -> Scenario:
    """Validate raw data as a scenario: field types first, then the consistency checks.

    Raises :class:`ScenarioError` listing every problem (and naming ``file``) if invalid:
    with type errors, the reference and duplicate problems of the entries that did validate
    are listed too (see :func:`_checks_of_the_rest`), so one pass shows both. Warnings
    (valid but usually a mistake) are :func:`aggregate.warnings`' job, not this one's.
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
        problems = problems_from_validation(exc, raw)
        raise ScenarioError([*problems, *_checks_of_the_rest(raw, exc)], file) from None
    problems = check_scenario(scenario)
    if problems:
        raise ScenarioError(problems, file)
    return scenario


# Top-level fields whose error the consistency checks can work around: each is left out
# (its default taken) for the checks; an error anywhere else (periods, settings' types)
# changes what every check would say, so the checks wait for it to be fixed.
_SKIPPABLE = ("name", "description", "sources", "currency")


def _checks_of_the_rest(raw: dict[str, Any], exc: ValidationError) -> list[Problem]:
    """The reference and duplicate problems of the entries that did validate, so one pass
    reports a file's type errors and its cross-reference problems together.

    Every top-level entry (a nation, a demand, a producer with all its offers) with a type
    error is left out, the rest is validated, and the checks that look at one entry at a
    time run on it: the ``*_references`` checks (a name that is not defined) and the
    ``duplicate_*`` checks. Limits: the other checks (tiers, funds, stocks...) weigh entries
    against each other, and would speak falsely of a scenario missing an entry, so they wait
    for the type errors to be fixed; so do problems inside an entry left out; a reference to
    a left-out entry's id (``'shell-155' is not in items`` when that item had a type error)
    is not reported, as it would be false; and nothing is checked when the error is in
    ``periods``, ``settings`` or a whole section's shape.
    """
    from aggregate.checks import CHECKS

    dropped: dict[str, set[int]] = {}
    rest = dict(raw)
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        if not loc:
            return []
        head = loc[0]
        if isinstance(head, str) and head in _SKIPPABLE:
            rest.pop(head, None)
            continue
        section = raw.get(head) if isinstance(head, str) else None
        if len(loc) < 2 or not isinstance(section, list) or not isinstance(loc[1], int):
            return []
        dropped.setdefault(str(head), set()).add(loc[1])
    rest.setdefault("name", "?")  # the name is required; its own error is already said
    ids: set[str] = set()
    for head, rows in dropped.items():
        ids |= {_id_of(raw[head][i]) for i in rows if i < len(raw[head])} - {""}
        rest[head] = [e for i, e in enumerate(raw[head]) if i not in rows]
    try:
        scenario = Scenario.model_validate(rest)
    except ValidationError:  # e.g. a required section left empty: nothing more to say
        return []
    local = [
        dataclasses.replace(p, check=name)
        for name, fn in CHECKS.items()
        if name.endswith("_references") or name.startswith("duplicate_")
        for p in fn(scenario)
    ]
    return [p for p in local if not any(f"'{i}'" in p.message for i in ids)]


def _id_of(entry: Any) -> str:
    if isinstance(entry, dict):
        for key in ("id", "code"):
            if isinstance(entry.get(key), str | int) and not isinstance(entry.get(key), bool):
                return str(entry[key])
    return ""


def check(scenario: Scenario) -> Scenario:
    """Run the consistency checks on a scenario built in Python; raise if any fails."""
    from aggregate.checks import check_scenario

    problems = check_scenario(scenario)
    if problems:
        raise ScenarioError(problems)
    return scenario
