"""Property: whatever is wrong with the input, validation ends in a Scenario or a ScenarioError.

Starting from the tiny valid scenario, a few random mutations (a wrong type, None, a negative
or non-finite or huge number, an empty container, a deleted key or entity, an unknown key,
a dangling reference, a duplicated entity) must never surface as a KeyError, TypeError or
any other exception, in Pydantic's stage or in the consistency checks.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregate.errors import ScenarioError
from aggregate.schema import Scenario
from aggregate.validation import validate
from tests.helpers_scenarios import tiny_raw

Path = tuple[str | int, ...]

BAD_VALUES = st.one_of(
    st.sampled_from(
        [
            None,
            -1,
            -1e9,
            0,
            0.5,
            float("nan"),
            float("inf"),
            float("-inf"),
            1e308,
            -1e308,
            10**400,
            2**63,
            True,
            "",
            "lots",
            "2025Q9",
            "XXX",
            [],
            {},
            [None],
            {"x": 1},
            {"2025Q1": -1},
            {2025: 5},
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.text(max_size=5),
)
"""Values of the wrong type, sign, size or shape (and a few right ones)."""

DANGLING = st.sampled_from(["XXX", "NOPE", "2030Q1", "155-XX", "ukr", ""])
"""Ids that nothing defines (and malformed ones)."""


def _paths(node: Any, prefix: Path = ()) -> list[Path]:
    """Every path below ``node`` (dict keys and list indices), depth first."""
    out: list[Path] = []
    if isinstance(node, dict):
        children: list[tuple[str | int, Any]] = list(node.items())
    elif isinstance(node, list):
        children = list(enumerate(node))
    else:
        return out
    for key, child in children:
        out.append((*prefix, key))
        out.extend(_paths(child, (*prefix, key)))
    return out


def _get(raw: Any, path: Path) -> Any:
    for key in path:
        raw = raw[key]
    return raw


def _containers(raw: Any, kind: type) -> list[Path]:
    return [p for p in [(), *_paths(raw)] if isinstance(_get(raw, p), kind)]


def _bad_value(data: st.DataObject) -> Any:
    # a fresh copy: the sampled containers are shared between examples
    return copy.deepcopy(data.draw(BAD_VALUES, label="value"))


def _mutate(raw: dict[str, Any], data: st.DataObject) -> None:
    """Apply one random mutation to ``raw`` in place."""
    kind = data.draw(
        st.sampled_from(["set", "delete", "unknown_key", "dangling", "drop_entity", "duplicate"]),
        label="mutation",
    )
    if kind == "set":
        path = data.draw(st.sampled_from(_paths(raw)), label="path")
        _get(raw, path[:-1])[path[-1]] = _bad_value(data)
    elif kind == "delete":
        path = data.draw(st.sampled_from(_paths(raw)), label="path")
        del _get(raw, path[:-1])[path[-1]]
    elif kind == "unknown_key":
        path = data.draw(st.sampled_from(_containers(raw, dict)), label="mapping")
        key = data.draw(st.sampled_from(["capcity", "extra", "id2", "2026Q1"]), label="key")
        _get(raw, path)[key] = _bad_value(data)
    elif kind == "dangling":
        texts = [p for p in _paths(raw) if isinstance(_get(raw, p), str)]
        path = data.draw(st.sampled_from(texts), label="path")
        _get(raw, path[:-1])[path[-1]] = data.draw(DANGLING, label="id")
    else:
        lists = [p for p in _containers(raw, list) if _get(raw, p)]
        if not lists:
            return
        path = data.draw(st.sampled_from(lists), label="list")
        entries = _get(raw, path)
        index = data.draw(st.integers(0, len(entries) - 1), label="index")
        if kind == "drop_entity":
            del entries[index]
        else:
            entries.append(copy.deepcopy(entries[index]))


@settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data(), count=st.integers(1, 4))
def test_validation_never_crashes(data: st.DataObject, count: int) -> None:
    raw = tiny_raw()
    for _ in range(count):
        if not raw:
            break
        _mutate(raw, data)
    try:
        result = validate(raw)
    except ScenarioError as err:
        assert err.problems
        text = str(err)
        assert all(p.entry and p.message for p in err.problems), text
    else:
        assert isinstance(result, Scenario)


def test_mutations_reach_the_checks() -> None:
    """Guard the property's reach: dangling ids pass Pydantic and are caught by the checks."""
    raw = tiny_raw()
    raw["demands"][0]["capability"] = "155-XX"
    try:
        validate(raw)
    except ScenarioError as err:
        assert [p.check for p in err.problems] == ["demand_references"]
    else:
        raise AssertionError("a dangling capability id passed validation")
