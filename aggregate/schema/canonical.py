"""A scenario in canonical order, so that the order of its lists cannot change the plan.

HiGHS breaks ties between equally good plans (and picks among plans within the MIP gap) by
the order of the matrix's columns and rows, which follows the order of the scenario's lists.
Two files that list the same nations, producers or funds in another order are the same
scenario, so the model is built from this canonical form: every list of entries sorted by
its entries' ids, every list of names sorted, every mapping sorted by key. Lists whose
order means something keep it: ``periods`` (time), ``tiers`` (volumes increase),
``ramp`` (an expansion's shares period by period) and ``sources`` (prose).
"""

from __future__ import annotations

from typing import Any

from aggregate.schema.scenario import Scenario

ORDERED: frozenset[str] = frozenset({"periods", "tiers", "ramp", "sources"})
"""List fields whose order is part of their meaning."""

KEYS: tuple[tuple[str, ...], ...] = (
    ("id",),
    ("code",),
    ("nation", "item"),  # stockpiles
    ("item", "by"),  # sustainment wear and spares
    ("item",),  # offers, satisfied_by
    ("beneficiary",),  # buys_for
    ("nation",),  # an offer's commitments
)
"""The fields that identify an entry of a list, tried in this order."""


def _key(entry: dict[str, Any]) -> tuple[str, ...] | None:
    for fields in KEYS:
        if all(f in entry for f in fields):
            return tuple(str(entry[f]) for f in fields)
    return None


def _sorted(value: Any, field: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k], k) for k in sorted(value, key=str)}
    if not isinstance(value, list):
        return value
    items = [_sorted(v) for v in value]
    if field in ORDERED:
        return items
    if all(isinstance(v, str) for v in items):
        return sorted(items)
    if all(isinstance(v, dict) for v in items):
        keys = [_key(v) for v in items]
        known = [k for k in keys if k is not None]
        if len(known) == len(keys) and len(set(known)) == len(known):
            return [v for _, v in sorted(zip(known, items, strict=True), key=lambda kv: kv[0])]
    return items


def canonical(scenario: Scenario) -> Scenario:
    """``scenario`` with its lists and mappings in canonical order (module docstring)."""
    return Scenario.model_validate(_sorted(scenario.model_dump()))
