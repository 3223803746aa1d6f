"""The path language of scenario changes: what-if in Python and study overrides.

A change names a place in the scenario by a path, a chain of fields separated by dots;
brackets select inside a list or mapping::

    producers[RHM].offers[155-L52-DM].capacity         a field of a list entry, by id
    producers[RHM].offers[0].price                      by position (from 0)
    demands[nation=UKR].quantity                        every entry whose field matches
    demands[*].max_lateness                             every entry
    producers[RHM].offers[155-L52-DM].capacity[2024Q1]  a key of a mapping (a series)
    funds[EPF].members[DEU]                             a member of a list of values

List entries are found by their id (``id``; ``code`` for nations; ``item`` for offers and
equivalences; ``nation/item`` for stockpiles), then by position. A path that does not
exist is an :class:`~aggregate.errors.ScenarioError` naming the part that is missing and
listing what exists there. Overrides work on the raw data (plain dicts and lists, as read
from YAML), so the result is validated as any scenario file is
(:func:`aggregate.validate`).

Two front ends share this module: :meth:`aggregate.Scenario.with_changes` (a mapping of
path to value or ``(op, value)``, see :func:`with_changes`) and study files
(:mod:`aggregate.study`, whose ``overrides`` are :class:`Override` s). It imports neither
Dask nor DuckDB, so ``import aggregate`` stays light.
"""

from __future__ import annotations

import copy
import math
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aggregate import labels
from aggregate.errors import InputError, Problem, ScenarioError, shorten
from aggregate.schema import Scenario
from aggregate.schema import scenario as scenario_module
from aggregate.validation import validate

_MAX_LISTED = 12


class OverrideError(InputError):
    """An override that cannot be applied; turned into a :class:`Problem` by the caller."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


Op = Literal["set", "scale", "add", "remove", "append"]
"""What an override does at its path: ``set`` a value, ``scale`` a number (or every value of
a series) by a factor, ``add`` to a number or series (or add members to a list), ``remove``
the entry at the path (or the given members from a list), ``append`` an entry to a list."""


class Override(BaseModel):
    """One change to the scenario, at a path such as
    ``producers[RHM].offers[155-L52-DM].capacity``."""

    # strict like the scenario schema: a misspelt key is an error, not ignored
    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, use_attribute_docstrings=True
    )

    path: str = Field(min_length=1, max_length=500)
    """Where: fields separated by dots, list entries selected by id in brackets
    (``[RHM]``), by position (``[0]``), by a field (``[nation=UKR]``) or all (``[*]``)."""
    op: Op = "set"
    """What to do there (see :data:`Op`)."""
    value: Any = None
    """The value to set, the factor to scale by, the amount (or members) to add, the entry to
    append, or the members to remove (absent for ``remove``: remove the entry at the path)."""

    @model_validator(mode="after")
    def _value_fits_op(self) -> Override:
        if self.op in ("scale", "add") and self.value is None:
            raise ValueError(f"op '{self.op}' needs a value")
        if self.op == "scale" and not _number(self.value):
            raise ValueError(f"op 'scale' needs a number as value, got {self.value!r}")
        if self.op == "append" and self.value is None:
            raise ValueError("op 'append' needs the entry to append as value")
        return self


@dataclass(frozen=True)
class Step:
    """One part of a path: a field name, or a selector in brackets."""

    text: str
    selector: bool

    def show(self) -> str:
        return f"[{self.text}]" if self.selector else f".{self.text}"


@dataclass
class Location:
    """Where an override acts: ``parent[key]`` (the key may not exist yet)."""

    parent: dict[Any, Any] | list[Any]
    key: Any
    label: str
    """The concrete path, entries named by id (``producers[RHM].offers[155-L52-DM]``)."""
    exists: bool = True


def parse_path(path: str) -> list[Step]:
    """Split a path into steps; a malformed path raises :class:`OverrideError`."""
    steps: list[Step] = []
    i, n = 0, len(path)
    name = ""
    expect_name = True  # at the start or after a dot
    while i < n:
        ch = path[i]
        if ch == "[":
            if name:
                steps.append(Step(name, False))
                name = ""
            end = path.find("]", i)
            if end < 0:
                raise OverrideError(f"'[' at position {i + 1} is never closed", "add the ']'")
            text = path[i + 1 : end].strip()
            if not text:
                raise OverrideError("empty brackets '[]'", "write an id, a position or '*'")
            steps.append(Step(text, True))
            i = end + 1
            expect_name = False
        elif ch == ".":
            if name:
                steps.append(Step(name, False))
                name = ""
            elif expect_name:
                raise OverrideError(f"empty field name at position {i + 1}", "remove the '.'")
            i += 1
            expect_name = True
        elif ch == "]":
            raise OverrideError(f"']' at position {i + 1} without '['", "remove it")
        else:
            name += ch
            i += 1
    if name:
        steps.append(Step(name.strip(), False))
    elif expect_name:
        raise OverrideError("the path ends with a '.'", "name a field after the dot")
    if not steps:
        raise OverrideError("the path is empty", "write e.g. producers[RHM].offers[0].capacity")
    if steps[0].selector:
        raise OverrideError("the path must start with a field", "e.g. demands[UKR-2024Q1]")
    return steps


# ------------------------------------------------------------------ the schema along a path


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The schema classes an annotation allows (through Annotated, unions and Optional)."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if origin is typing.Annotated:
        return _models(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _models(arg)]
    return []


def _inner(annotation: Any) -> Any:
    """The element type of a list (or value type of a mapping) an annotation allows."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _inner(typing.get_args(annotation)[0])
    if origin in (list, tuple):
        return typing.get_args(annotation)[0]
    if origin is dict:
        return typing.get_args(annotation)[1]
    if origin in (Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _inner(arg)
            if found is not None:
                return found
    return None


def _fields(annotation: Any) -> dict[str, Any]:
    """Field name -> annotation of the schema classes an annotation allows."""
    out: dict[str, Any] = {}
    for model in _models(annotation):
        for name, info in model.model_fields.items():
            out.setdefault(name, info.annotation)
    return out


# ------------------------------------------------------------------------- resolving paths


def _identity(entry: Any) -> str | None:
    """How a list entry is named in a path (the same rule as error messages use)."""
    if not isinstance(entry, dict):
        return None if isinstance(entry, dict | list) else str(entry)
    for name in ("id", "code"):
        if isinstance(entry.get(name), str | int):
            return str(entry[name])
    if "nation" in entry and "item" in entry:
        return f"{entry['nation']}/{entry['item']}"
    if "item" in entry:
        return str(entry["item"])
    if "beneficiary" in entry:  # a bilateral purchase: nations[DEU].buys_for[UKR]
        return str(entry["beneficiary"])
    return None


def _listing(values: Iterable[Any]) -> str:
    shown = [str(v) for v in values]
    if not shown:
        return "(none)"
    more = f" ... ({len(shown)} in all)" if len(shown) > _MAX_LISTED else ""
    return ", ".join(shown[:_MAX_LISTED]) + more


def _kind(node: Any) -> str:
    if isinstance(node, dict):
        return "a mapping"
    if isinstance(node, list):
        return "a list"
    if node is None:
        return "not set"
    return f"a value ({node!r})"


def resolve(raw: dict[str, Any], path: str, *, create: bool = False) -> list[Location]:
    """Every location ``path`` names in ``raw`` (several where a selector matches several).

    With ``create``, the last step may name a field or mapping key that is not there yet
    (to set it); it must still be a field of the schema.
    """
    steps = parse_path(path)
    nodes: list[tuple[Any, str, Any]] = [(raw, "", Scenario)]  # node, label, annotation
    found: list[Location] = []
    for pos, step in enumerate(steps):
        last = pos == len(steps) - 1
        nxt: list[tuple[Any, str, Any]] = []
        for node, label, annotation in nodes:
            for loc, ann in _step(node, label, annotation, step, create, last):
                if last:
                    found.append(loc)
                else:
                    nxt.append((loc.parent[loc.key] if loc.exists else None, loc.label, ann))
        nodes = nxt
    return found


def _step(
    node: Any, label: str, annotation: Any, step: Step, create: bool, last: bool
) -> list[tuple[Location, Any]]:
    where = label or "the scenario"
    if not step.selector:
        if isinstance(node, list):
            ids = [_identity(e) or f"#{i}" for i, e in enumerate(node)]
            raise OverrideError(
                f"{where} is a list: select an entry before '.{step.text}'",
                f"write {label}[<id>].{step.text}; the entries are: {_listing(ids)}",
            )
        if not isinstance(node, dict):
            raise OverrideError(
                f"{where} is {_kind(node)}, it has no field '{step.text}'",
                "shorten the path to end at it",
            )
        fields = _fields(annotation)
        child = labels.field(label, step.text) if label else step.text
        if step.text in node:
            return [(Location(node, step.text, child), fields.get(step.text))]
        if create and last and step.text in fields:
            return [(Location(node, step.text, child, exists=False), fields[step.text])]
        if create and step.text in fields and _models(fields[step.text]):
            node[step.text] = {}  # an optional section not written yet (``settings``)
            return [(Location(node, step.text, child), fields[step.text])]
        if fields:
            if step.text in fields:
                return _unset(where, step.text)
            raise OverrideError(
                f"{where} has no field '{step.text}'",
                f"use one of its fields: {_listing(sorted(fields))}",
            )
        raise OverrideError(f"{where} has no key '{step.text}'", f"use one of: {_listing(node)}")
    inner = _inner(annotation)
    if isinstance(node, list):
        return [(loc, inner) for loc in _select(node, label, step.text)]
    if isinstance(node, dict):
        key = _dict_key(node, step.text)
        child = labels.entry(label, step.text)  # a key selects as an id does: label[key]
        if key is not None:
            return [(Location(node, key, child), inner)]
        if create and last:
            return [(Location(node, step.text, child, exists=False), inner)]
        raise OverrideError(f"{where} has no key '{step.text}'", f"use one of: {_listing(node)}")
    raise OverrideError(
        f"{where} is {_kind(node)}: nothing to select with [{step.text}]",
        "shorten the path, or set the whole field",
    )


def _unset(where: str, name: str) -> list[tuple[Location, Any]]:
    raise OverrideError(
        f"{where} has no value for '{name}' (it is not set)",
        f"use op 'set' to give {name} a value first",
    )


def _dict_key(node: dict[Any, Any], text: str) -> Any:
    if text in node:
        return text
    # YAML reads a period key 2025 as the number 2025
    if text.lstrip("-").isdigit() and int(text) in node:
        return int(text)
    return None


def _select(entries: list[Any], label: str, text: str) -> list[Location]:
    where = label or "the scenario"
    if text == "*":
        return [Location(entries, i, _entry_label(label, e, i)) for i, e in enumerate(entries)]
    if "=" in text:
        field, _, wanted = (part.strip() for part in text.partition("="))
        hits = [
            Location(entries, i, _entry_label(label, e, i))
            for i, e in enumerate(entries)
            if isinstance(e, dict) and field in e and str(e[field]) == wanted
        ]
        if not hits:
            have = sorted({str(e[field]) for e in entries if isinstance(e, dict) and field in e})
            raise OverrideError(
                f"no entry of {where} has {field} = '{wanted}'",
                f"use one of the values of {field}: {_listing(have)}"
                if have
                else f"the entries have no field '{field}'",
            )
        return hits
    ids = [_identity(e) for e in entries]
    by_id = [i for i, ident in enumerate(ids) if ident == text]
    if by_id:
        return [Location(entries, i, _entry_label(label, entries[i], i)) for i in by_id]
    if text.isdigit() and int(text) < len(entries):
        i = int(text)
        return [Location(entries, i, _entry_label(label, entries[i], i))]
    named = [ident for ident in ids if ident is not None]
    raise OverrideError(
        f"{where} has no entry '{text}'",
        f"use one of: {_listing(named)}"
        if named
        else f"use a position from 0 to {len(entries) - 1}"
        if entries
        else f"{where} is empty",
    )


def _entry_label(label: str, entry: Any, index: int) -> str:
    ident = _identity(entry)
    return labels.entry(label, ident if ident is not None else str(index))


# ------------------------------------------------------------------------ applying overrides


def apply_overrides(raw: dict[str, Any], overrides: Sequence[Override]) -> dict[str, Any]:
    """A deep copy of ``raw`` with ``overrides`` applied in order (raw stays unchanged).

    Raises :class:`OverrideError` at the first override that cannot be applied; the message
    names the override's path (see :func:`override_problems` for all problems at once).
    """
    out = copy.deepcopy(raw)
    for number, override in enumerate(overrides, start=1):
        _apply_numbered(out, number, override)
    return out


def _apply_numbered(raw: dict[str, Any], number: int, override: Override) -> None:
    """:func:`apply_override`, its error naming the override by number, op and path."""
    try:
        apply_override(raw, override)
    except OverrideError as exc:
        raise OverrideError(
            f"override #{number} ({override.op} at '{override.path}'): {exc.message}",
            exc.fix,
        ) from None


def apply_override(raw: dict[str, Any], override: Override) -> None:
    """Apply one override to ``raw`` in place."""
    create = override.op in ("set", "append")
    locations = resolve(raw, override.path, create=create)
    if override.op == "remove" and override.value is None:
        _remove_entries(locations)
        return
    for loc in locations:
        current = loc.parent[loc.key] if loc.exists else None
        loc.parent[loc.key] = _changed(current, loc, override)


def _changed(current: Any, loc: Location, o: Override) -> Any:
    if o.op == "set":
        return copy.deepcopy(o.value)
    if o.op == "scale":
        return _numeric(current, loc, o, lambda x: x * o.value)
    if o.op == "add":
        if isinstance(current, list):
            add = o.value if isinstance(o.value, list) else [o.value]
            return current + [copy.deepcopy(v) for v in add if v not in current]
        if not _number(o.value):
            raise OverrideError(
                f"'add' needs a number to add to {loc.label}, got {o.value!r}",
                "give a number (or a list of members to add to a list)",
            )
        return _numeric(current, loc, o, lambda x: x + o.value)
    if o.op == "append":
        if current is None and not loc.exists:
            current = []  # an optional list not written yet (``stockpiles``)
        if not isinstance(current, list):
            raise OverrideError(
                f"{loc.label} is {_kind(current)}, not a list: nothing to append to",
                "point the path at a list such as nations or funds[<id>].members",
            )
        return [*current, copy.deepcopy(o.value)]
    # remove given members from a list
    if not isinstance(current, list):
        raise OverrideError(
            f"{loc.label} is {_kind(current)}, not a list: nothing to remove from",
            "point the path at the entry itself and leave out the value",
        )
    gone = o.value if isinstance(o.value, list) else [o.value]
    ids = [_identity(e) for e in current]
    missing = [v for v in gone if v not in current and str(v) not in ids]
    if missing:
        raise OverrideError(
            f"{loc.label} has no {_listing(missing)}",
            f"remove one of: {_listing(i for i in ids if i is not None)}",
        )
    return [e for e, i in zip(current, ids, strict=True) if e not in gone and i not in gone]


def _numeric(current: Any, loc: Location, o: Override, f: Any) -> Any:
    """Apply ``f`` to a number, or to every value of a per-period series."""
    if current is None:
        raise OverrideError(
            f"{loc.label} is not set: nothing to {o.op}",
            "use op 'set' to give it a value",
        )
    if isinstance(current, dict) and current and all(_number(v) for v in current.values()):
        return {k: _keep_int(v, f(v)) for k, v in current.items()}
    if _number(current):
        return _keep_int(current, f(current))
    raise OverrideError(
        f"{loc.label} is {_kind(current)}, not a number or a series: cannot {o.op} it",
        "point the path at a number, or use op 'set'",
    )


def _keep_int(old: Any, new: Any) -> Any:
    # integer fields (lead times, periods late) are strict: 2.0 would be rejected
    if isinstance(old, int) and isinstance(new, float) and math.isfinite(new) and new.is_integer():
        return int(new)
    return new


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _remove_entries(locations: list[Location]) -> None:
    for loc in locations:
        if not loc.exists:
            raise OverrideError(f"{loc.label} does not exist: nothing to remove")
    # delete list entries from the back so the earlier positions stay valid
    ordered = sorted(
        locations, key=lambda loc: loc.key if isinstance(loc.key, int) else -1, reverse=True
    )
    for loc in ordered:
        del loc.parent[loc.key]


def override_problem(where: str, error: OverrideError) -> Problem:
    """A :class:`Problem` for an override that failed, located at ``where``."""
    return Problem(where, "path", error.message, error.fix)


def scenario_problems(where: str, error: ScenarioError) -> list[Problem]:
    """The problems of a variant's scenario, each prefixed with the variant (``where``)."""
    return [
        Problem(f"{where}: {p.entry}", p.field, p.message, p.fix, p.check) for p in error.problems
    ]


# ------------------------------------------------------------------- what-if in one line


def with_changes(scenario: Scenario, changes: Mapping[str, Any] | Iterable[Override]) -> Scenario:
    """``scenario`` with ``changes`` applied in order, validated as a scenario file is.

    ``changes`` maps a path to a plain value (set it) or to ``(op, value)`` with ``op`` one
    of :data:`Op` (``("remove",)`` removes the entry at the path); a tuple always means an
    op: give a list to set a list. A sequence of :class:`Override` s or of ``(path,
    change)`` pairs works too (to change one path twice). The scenario stays unchanged.

    Raises one :class:`ScenarioError` listing every change that cannot be applied (a path
    that does not exist, an op its target cannot take); when every change applies, every
    problem of the changed scenario, at its path in the scenario.
    """
    where = f"scenario {scenario.name!r} with changes"
    overrides, problems = _as_overrides(changes, where)
    raw = scenario.model_dump()
    for override in overrides:
        try:
            apply_override(raw, override)
        except OverrideError as exc:
            problems.append(Problem(override.path, "", exc.message, exc.fix))
    if problems:
        raise ScenarioError(problems, where)
    return validate(raw, file=where)


def _as_overrides(
    changes: Mapping[str, Any] | Iterable[Override], where: str
) -> tuple[list[Override], list[Problem]]:
    """The changes as :class:`Override` s, and a problem for each that is not one."""
    if isinstance(changes, Mapping):
        items: Iterable[Any] = changes.items()
    elif isinstance(changes, str | bytes) or not isinstance(changes, Iterable):
        raise ScenarioError(
            [
                Problem(
                    "changes",
                    "",
                    f"expected a mapping of path to change, got {type(changes).__name__}",
                    'write e.g. {"nations[DEU].budget": ("scale", 1.1)}',
                )
            ],
            where,
        )
    else:
        items = changes
    out: list[Override] = []
    problems: list[Problem] = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, Override):
            out.append(item)
            continue
        path, change = item if isinstance(item, tuple) and len(item) == 2 else (None, item)
        entry = path if isinstance(path, str) else f"change #{number}"
        try:
            if not isinstance(path, str):
                raise TypeError(f"expected a path and its change, got {shorten(repr(item))}")
            out.append(_override(path, change))
        except (ValidationError, TypeError) as exc:
            message = (
                "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
                if isinstance(exc, ValidationError)
                else str(exc)
            )
            op = change[0] if isinstance(change, tuple) and change else None
            fix = _OP_FIXES.get(op, _CHANGE_FORMS) if isinstance(op, str) else _CHANGE_FORMS
            problems.append(Problem(entry, "", message, fix))
    return out, problems


_OP_FIXES = {
    "scale": "give the factor as a number: ('scale', 1.5)",
    "add": "give the amount as a number: ('add', 1000), or a list of members to add",
    "append": "give the entry to append: ('append', {...})",
}
_CHANGE_FORMS = (
    "give a value to set, or (op, value) with op one of set, scale, add, remove, append, "
    "or ('remove',) to remove the entry at the path"
)


def _override(path: str, change: Any) -> Override:
    if not isinstance(change, tuple):
        return Override(path=path, op="set", value=change)
    if not change or change[0] not in typing.get_args(Op):
        got = shorten(repr(change[0])) if change else "nothing"
        raise TypeError(f"the op must be one of {', '.join(typing.get_args(Op))}, got {got}")
    if len(change) == 1:
        return Override(path=path, op=change[0])
    if len(change) == 2:
        return Override(path=path, op=change[0], value=change[1])
    raise TypeError(f"a change is (op, value), got a tuple of {len(change)}")


# the schema cannot import this module (it imports the schema): it calls it through a hook
scenario_module.what_if = with_changes
