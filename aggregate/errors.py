"""One exception for every input problem, and the conversion of Pydantic's errors into it.

Every problem names the file, the entry (by its id), the field, what is wrong and how to
fix it; all problems of an input are gathered into one :class:`ScenarioError`.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from aggregate import hints

# Field names that identify an entry, in the order they are tried.
_ID_FIELDS = ("id", "code")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input."""

    entry: str
    """Where: ``demands[UKR-2024Q1]``, ``producers[RHM].offers[155-L52]`` or ``scenario``."""
    field: str
    """The field at fault (empty when the whole entry is at fault)."""
    message: str
    """What is wrong."""
    fix: str = ""
    """How to fix it."""
    check: str = ""
    """Name of the consistency check that found it (empty for type errors)."""

    def describe(self, file: str | None = None) -> str:
        where = f"{file}: " if file else ""
        # entry and field echo the input's own keys, which a hostile file may make huge
        field = f", field '{shorten(self.field, 100)}'" if self.field else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{where}{shorten(self.entry, 200)}{field}: {self.message}.{fix}"


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis: a 10,000-character value must
    not flood a message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


class AggregateError(Exception):
    """The root of every error :mod:`aggregate` raises on purpose: ``except AggregateError``
    catches them all and lets programming errors through."""


class InputError(AggregateError, ValueError):
    """Something the user gave (a scenario, a study, an option, a store) is wrong."""


class SolveError(AggregateError, RuntimeError):
    """A model could not be built, solved or explained as asked."""


class PlanError(AggregateError):
    """A plan breaks a rule of its scenario (see :mod:`aggregate.verify`)."""


class ScenarioError(InputError):
    """The input is not a valid scenario; :attr:`problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem], file: str | None = None) -> None:
        self.problems = list(problems)
        self.file = file
        super().__init__(self._text())

    def _text(self) -> str:
        where = f" in {self.file}" if self.file else ""
        head = f"{len(self.problems)} problem(s){where}:"
        return "\n".join([head, *(f"  - {p.describe(self.file)}" for p in self.problems)])


def entry_label(raw: Any, path: Sequence[str | int]) -> str:
    """Name the entry at ``path`` of the raw input by its id where it has one.

    ``("demands", 3)`` becomes ``demands[UKR-155-2024Q1]`` when the fourth demand has that
    id, ``demands[#4]`` when it has none.
    """
    parts: list[str] = []
    node = raw
    for key in path:
        if isinstance(key, int):
            item = node[key] if isinstance(node, list) and 0 <= key < len(node) else None
            ident = _identify(item)
            label = f"[{ident}]" if ident else f"[#{key + 1}]"
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
            node = item
        else:
            parts.append(shorten(str(key)))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "scenario"


def _identify(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    for name in _ID_FIELDS:
        if isinstance(item.get(name), str | int):
            return shorten(str(item[name]))
    # stockpiles are identified by (nation, item); offers by item
    if "nation" in item and "item" in item:
        return shorten(f"{item['nation']}/{item['item']}")
    if "item" in item:
        return shorten(str(item["item"]))
    return None


_FIXES = {
    "missing": "add this field",
    "extra_forbidden": "remove it, or correct its spelling (see `aggregate schema`)",
    "greater_than_equal": "use a number at or above the bound",
    "greater_than": "use a number above the bound",
    "less_than_equal": "use a number at or below the bound",
    "finite_number": "use a finite number (not NaN or infinity)",
    "string_type": "write it as text",
    "float_type": "write it as a plain number (no quotes, no units)",
    "int_type": "write it as a whole number",
    "bool_type": "write true or false",
    "list_type": "write it as a list",
    "dict_type": "write it as a mapping of names to values",
    "string_pattern_mismatch": "follow the format described in `aggregate schema`",
    "literal_error": "use one of the allowed values",
    "too_short": "add at least one entry",
    "union_tag_invalid": "set `rule` to `key` or `pledge`",
    "union_tag_not_found": "set `rule` to `key` or `pledge`",
}


def problems_from_validation(exc: ValidationError, raw: Any) -> list[Problem]:
    """Turn Pydantic's errors into :class:`Problem` s located by entry id."""
    problems: list[Problem] = []
    seen: set[tuple[str, str, str]] = set()
    errors = exc.errors(include_url=False)
    taken = [e for e in errors if _branch_taken(raw, e["loc"])] or errors
    root = _schema_model(exc.title)  # the class validated: a Scenario, a Study...
    for err in taken:
        loc = [k for k in err["loc"] if not _is_union_branch(k)]
        entry_path, field = _split(raw, loc)
        entry = entry_label(raw, entry_path)
        message, fix = _teach(err, root)
        if err["type"] not in ("missing", "extra_forbidden") and "input" in err:
            message += f" (got {_short(err['input'])})"
        key = (entry, field, message)
        if key in seen:  # the same fault reached by two routes is said once
            continue
        seen.add(key)
        problems.append(Problem(entry, field, message, fix))
    return problems


def _teach(err: Any, root: type[BaseModel] | None) -> tuple[str, str]:
    """The message and fix of one Pydantic error, in the scenario's words: the format a
    value must follow, the field or code meant, never an internal class name."""
    kind, loc = err["type"], [k for k in err["loc"] if not _is_union_branch(k)]
    fix = _FIXES.get(kind, "")
    value = err.get("input")
    if kind == "extra_forbidden" and loc:
        return _unknown_field(_models_at(root, err["loc"][:-1]), str(loc[-1]))
    if kind == "string_pattern_mismatch":
        return _pattern(loc, err.get("ctx", {}).get("pattern", ""), value, err["msg"], fix)
    if kind == "literal_error" and isinstance(value, str):
        allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        meant = hints.closest(value, allowed)
        if meant is not None:
            return err["msg"], f"write `{meant}`"
    if kind in ("model_type", "model_attributes_type", "dataclass_type"):
        model = _schema_model(err.get("ctx", {}).get("class_name", ""))
        if model is not None:
            return (
                f"must be a mapping of fields: {_fields_of(model)}",
                f"write it as `{{{_example_of(model)}}}`",
            )
        return "must be a mapping of fields", "write it as `{field: value, ...}`"
    return err["msg"], fix


def _pattern(loc: Sequence[Any], pattern: str, value: Any, msg: str, fix: str) -> tuple[str, str]:
    if pattern == hints.ID_PATTERN:
        return f"must be {hints.ID_FORMAT}", "remove the characters an id may not hold"
    if pattern != hints.CODE_PATTERN:
        return msg, fix
    if loc and loc[-1] == "currency":
        guess = str(value).strip().upper() if isinstance(value, str) else ""
        return f"must be {hints.CURRENCY_FORMAT}", (
            f"write `{guess}`" if len(guess) == 3 and guess.isalpha() else "write e.g. `EUR`"
        )
    code = hints.country_code(value) if isinstance(value, str) else None
    if code is None:
        return f"must be {hints.NATION_FORMAT}", "write the country's three-letter code"
    return f"must be {hints.NATION_FORMAT}", f"write `{code}`"


def _unknown_field(models: list[type[BaseModel]], name: str) -> tuple[str, str]:
    """An unknown field, with the field of the entry's ``models`` most likely meant."""
    fields = sorted({f for m in models for f in m.model_fields})
    meant = next(
        (
            hints.CONFUSED_FIELDS[(m.__name__, name)]
            for m in models
            if (m.__name__, name) in hints.CONFUSED_FIELDS
        ),
        None,
    ) or hints.closest(name, fields)
    if meant is not None and meant != name:
        return (
            f"unknown field '{shorten(name)}' (did you mean '{meant}'?)",
            f"rename it to `{meant}`",
        )
    listed = ", ".join(fields) if fields else "see `aggregate schema`"
    return f"unknown field '{shorten(name)}'", f"remove it; the fields here are: {listed}"


def _models_at(root: type[BaseModel] | None, loc: Sequence[Any]) -> list[type[BaseModel]]:
    """The classes an input location under ``root`` may hold (several for a union)."""
    types_: list[Any] = [root] if root is not None else []
    for key in loc:
        nxt: list[Any] = []
        for tp in _flatten(types_):
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                field = tp.model_fields.get(str(key))
                if field is not None:
                    nxt.append(field.annotation)
                elif "rule" in tp.model_fields and tp.model_fields["rule"].default == key:
                    nxt.append(tp)  # a discriminated union's branch tag (``key``, ``pledge``)
                continue
            origin = typing.get_origin(tp)
            if origin in (list, dict):
                nxt.append(typing.get_args(tp)[-1])
        types_ = nxt
    return [t for t in _flatten(types_) if isinstance(t, type) and issubclass(t, BaseModel)]


def _flatten(tps: Sequence[Any]) -> list[Any]:
    """Union members and Annotated bases, unwrapped."""
    out: list[Any] = []
    for tp in tps:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            out.extend(_flatten([typing.get_args(tp)[0]]))
        elif origin in (typing.Union, types.UnionType):
            out.extend(_flatten(typing.get_args(tp)))
        else:
            out.append(tp)
    return out


def _schema_model(name: str) -> type[BaseModel] | None:
    """The model class of this package named ``name`` (Pydantic's errors give names)."""
    stack: list[type[BaseModel]] = [BaseModel]
    while stack:
        cls = stack.pop()
        if cls.__name__ == name and cls.__module__.startswith("aggregate."):
            return cls
        stack.extend(cls.__subclasses__())
    return None


def _fields_of(model: type[BaseModel]) -> str:
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    optional = [n for n, f in model.model_fields.items() if not f.is_required()]
    parts = [*(f"{n} (required)" for n in required), *optional]
    return ", ".join(parts)


def _example_of(model: type[BaseModel]) -> str:
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    return ", ".join(f"{n}: ..." for n in required or list(model.model_fields)[:1])


def _is_union_branch(key: Any) -> bool:
    # Pydantic adds the branch tried (``float``, ``dict[str,...]``, ``key``) to union locations
    return isinstance(key, str) and (
        key in ("float", "int", "str", "bool", "key", "pledge", "constrained-float")
        or key.startswith(("dict[", "list[", "function-", "constrained-"))
    )


def _child(node: Any, key: Any) -> Any:
    if isinstance(node, list):
        return node[key] if isinstance(key, int) and 0 <= key < len(node) else None
    return node.get(key) if isinstance(node, dict) else None


def _branch_taken(raw: Any, loc: Sequence[Any]) -> bool:
    """Whether an error of a "number or series" union comes from the branch the input took.

    Pydantic reports a failure in both branches (a negative capacity is "not >= 0" and "not
    a mapping"); only the branch matching the input's shape is worth saying: a mapping is a
    series, anything else a number.
    """
    node = raw
    for key in loc:
        if isinstance(key, str) and key.startswith("dict["):
            return isinstance(node, dict)
        if isinstance(key, str) and key.startswith(("function-", "constrained-")):
            return not isinstance(node, dict)
        if not _is_union_branch(key):
            node = _child(node, key)
    return True


def _split(raw: Any, loc: Sequence[str | int]) -> tuple[list[str | int], str]:
    """Split a location into the deepest entry (ending at a list index) and the field.

    An integer is a list index only where the raw input has a list: YAML reads a period key
    ``2025`` of a series as the integer 2025.
    """
    node = raw
    last_index = -1
    for i, key in enumerate(loc):
        if isinstance(node, list) and isinstance(key, int):
            last_index = i
        node = _child(node, key)
    if last_index < 0:
        return [], ".".join(str(k) for k in loc)
    return list(loc[: last_index + 1]), ".".join(str(k) for k in loc[last_index + 1 :])


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int too long to print (Python's 4,300-digit limit)
        return f"an integer of {value.bit_length():,} bits"
    return shorten(text)


class MissingExtraError(AggregateError, ImportError):
    """A feature needs an optional dependency that is not installed.

    The message names the extra that installs it and the exact command, e.g.
    ``pip install "aggregate[studies]"``; :func:`aggregate.extras.require` raises it.
    """

    def __init__(self, feature: str, module: str, extra: str) -> None:
        self.feature = feature
        self.module = module
        self.extra = extra
        self.command = f'pip install "aggregate[{extra}]"'
        super().__init__(
            f"{feature} needs the optional package '{module}', which is not installed. "
            f"Install the '{extra}' extra: {self.command}",
            name=module,
        )
