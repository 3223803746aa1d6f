"""Reference pages of the documentation, generated from the code so they cannot drift.

* :func:`scenario_reference`: every section of a scenario file, every field with its type,
  default and description (the fields' docstrings, which state units), from the pydantic
  schema (:class:`aggregate.schema.Scenario` and the models it holds);
* :func:`tables_reference`: every plan table and column with its unit and meaning, and every
  key figure, from :data:`aggregate.tables.SPECS` and :data:`aggregate.tables.KEY_FIGURES`;
* :func:`cli_reference`: every command of the ``aggregate`` command line with its arguments
  and options, from the Typer application.

The documentation site's build hook (``docs/hooks.py``) writes them as pages; a field, table
or command added to the code appears in the next build without editing a page.
"""

from __future__ import annotations

import enum
import inspect
import re
import types
import typing
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from aggregate.key_figures import FIGURE_GROUPS, KEY_FIGURES
from aggregate.schema import Scenario
from aggregate.schema import base as _base
from aggregate.tables import SPECS

# The schema's named number and label types (aggregate.schema.base), as a reader knows them.
_KINDS: dict[str, str] = {
    "Id": "an identifier: letters, digits and `_ . : / + -` (spaces allowed inside)",
    "PeriodLabel": "a period label, one of the scenario's `periods` (e.g. `2024Q1`)",
    "NationCode": "an ISO 3166-1 alpha-3 country code in capitals, e.g. `DEU`, `UKR`",
    "NonNeg": "a finite number from 0 up to 1e15",
    "Positive": "a finite number above 0, at most 1e15",
    "Quantity": "units of an item, capability or component, from 0 up to 1e9",
    "PositiveQuantity": "units above 0, at most 1e9",
    "Money": "an amount in the scenario's currency, from 0 up to 1e13",
    "Factor": "a ratio between units, from 1e-6 up to 1e6",
    "Share": "a fraction from 0 to 1",
    "PerPeriod": (
        "one number (the same in every period) or a series `{period: value}`: each value holds"
        " from its period until the next period given, 0 before the first (a new plant's"
        " capacity: `{2025Q3: 6000, 2026Q1: 20000}`)"
    ),
    "PerPeriodQuantity": "a `PerPeriod` number of units (each at most 1e9)",
    "PerPeriodMoney": "a `PerPeriod` amount of money (each at most 1e13)",
}


def _aliases() -> list[tuple[str, Any]]:
    """(name, type) of the named types of :mod:`aggregate.schema.base`, longest first, so a
    union such as ``PerPeriodQuantity`` is named before its parts."""
    return [(n, getattr(_base, n)) for n in _KINDS if hasattr(_base, n)]


def _type_name(tp: Any) -> str:
    """A short readable name of a field's type (``list[Demand]``, ``Money``, ``"a" | "b"``)."""
    for name, alias in _aliases():
        if tp == alias:
            return name
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is Literal:
        return " \\| ".join(f'`"{a}"`' if isinstance(a, str) else f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join(_type_name(a) for a in args)
    if origin in (list, tuple, set, frozenset):
        inner = ", ".join(_type_name(a) for a in args if a is not Ellipsis)
        return f"list[{inner}]"
    if origin is dict:
        return f"mapping[{_type_name(args[0])}, {_type_name(args[1])}]"
    if tp is type(None):
        return "null"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return " \\| ".join(f'`"{m.value}"`' for m in tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"[{tp.__name__}](#{tp.__name__.lower()})"
    return getattr(tp, "__name__", str(tp))


def _models_in(tp: Any) -> list[type[BaseModel]]:
    """The pydantic models a field's type holds (in the order they appear)."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(tp):
        for model in _models_in(arg):
            if model not in found:
                found.append(model)
    return found


_ROLE = re.compile(r":(?:func|class|data|attr|meth|mod):`~?([^`]+)`")


def _markdown(text: str) -> str:
    """A docstring's reStructuredText marks as Markdown: ``code`` and :func:`name` as code."""
    return _ROLE.sub(r"`\1`", text).replace("``", "`")


def _cell(text: str) -> str:
    """``text`` on one line of a Markdown table cell."""
    return " ".join(_markdown(text).split()).replace("|", "\\|")


def _default(field: Any) -> str:
    if field.is_required():
        return "**required**"
    value = field.default_factory() if field.default_factory is not None else field.default
    if value is PydanticUndefined:
        return "**required**"
    if value is None:
        return "absent"
    if isinstance(value, BaseModel):
        return "see its section"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, list | dict) and not value:
        return "empty"
    return f"`{value!r}`" if isinstance(value, str) else f"`{value}`"


def _schema_models() -> list[type[BaseModel]]:
    """The scenario model and every model it holds, each once, in reading order (depth
    first, fields in their order)."""
    order: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in order:
            return
        order.append(model)
        hints = typing.get_type_hints(model, include_extras=True)
        for name in model.model_fields:
            for inner in _models_in(hints.get(name, model.model_fields[name].annotation)):
                visit(inner)

    visit(Scenario)
    return order


def scenario_reference() -> str:
    """The scenario format as Markdown: one section per model, a table of its fields."""
    lines = [
        "# Scenario format reference",
        "",
        "Generated from the schema (`aggregate.schema`) when the site is built: every field",
        "of a scenario file, its type, its default (a field left out takes it) and what it",
        "means, with its unit. A scenario file is YAML (or JSON) whose top level is the",
        "[Scenario](#scenario) section; the same fields are the columns of the Excel",
        "workbook's sheets. `aggregate schema` writes the JSON Schema for editors.",
        "",
        "## Value types",
        "",
        "| type | what it holds |",
        "|---|---|",
        *(f"| `{name}` | {_cell(text)} |" for name, text in _KINDS.items()),
        "",
    ]
    for model in _schema_models():
        hints = typing.get_type_hints(model, include_extras=True)
        doc = inspect.cleandoc(model.__doc__ or "")
        lines += [f"## {model.__name__}", ""]
        if doc:
            lines += [_markdown(doc), ""]
        lines += ["| field | type | default | description |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            key = field.alias or name
            tp = _type_name(hints.get(name, field.annotation))
            described = _cell(field.description or "")
            lines.append(f"| `{key}` | {tp} | {_default(field)} | {described} |")
        lines.append("")
    return "\n".join(lines)


def tables_reference() -> str:
    """The plan's tables and key figures as Markdown, with the unit of every number."""
    lines = [
        "# Plan tables and key figures",
        "",
        "Generated from `aggregate.tables` when the site is built. Units are written as the",
        "declarations write them: `units` are the item's unit (rounds, missiles), `capability",
        "units` the capability's, `currency` the scenario's currency (EUR), `share` a fraction",
        "from 0 to 1, `periods` a number of the scenario's periods. In a solved plan,",
        "`aggregate.tables.units(plan.orders)` gives each column's unit in words.",
        "",
        "## Key figures",
        "",
        "`plan.key_figures[name]`, shown first by `aggregate solve`.",
        "",
    ]
    for group in FIGURE_GROUPS:
        lines += [f"### {group} figures", "", "| key | unit | label | how it is worked out |"]
        lines.append("|---|---|---|---|")
        for key, fig in KEY_FIGURES.items():
            if fig.group == group:
                unit = fig.unit or "-"
                lines.append(f"| `{key}` | {unit} | {_cell(fig.label)} | {_cell(fig.meaning)} |")
        lines.append("")
    lines += ["## Tables", "", "Each table is `plan.<name>`, a tidy pandas DataFrame.", ""]
    for spec in SPECS.values():
        lines += [
            f"### {spec.name}",
            "",
            _cell(spec.description[:1].upper() + spec.description[1:]),
        ]
        if spec.keys:
            lines[-1] += f" One row per {', '.join(f'`{k}`' for k in spec.keys)}."
        lines += ["", "| column | type | unit | meaning |", "|---|---|---|---|"]
        for col in spec.columns:
            unit = col.unit or "-"
            lines.append(f"| `{col.name}` | {col.dtype} | {unit} | {_cell(col.description)} |")
        lines.append("")
    return "\n".join(lines)


def _param_row(param: Any) -> str:
    # Typer ships its own copy of click: read the parameter's attributes, not its class
    option = getattr(param, "param_type_name", "") == "option"
    if option:
        names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
        help_text = param.help or ""
    else:
        names = f"`{(param.name or '').upper()}`"
        help_text = getattr(param, "help", None) or ""
    default = param.default
    if param.required:
        shown = "**required**"
    elif default is None or default == () or callable(default):
        shown = "-"
    elif option and getattr(param, "is_flag", False) and default is False:
        shown = "off"
    else:
        shown = f"`{default}`"
    return f"| {names} | {shown} | {_cell(help_text)} |"


def cli_reference() -> str:
    """Every ``aggregate`` command with its arguments and options, as Markdown."""
    import typer.main

    from aggregate.cli import app

    group: Any = typer.main.get_command(app)
    lines = [
        "# Command line reference",
        "",
        "Generated from the `aggregate` command's own help when the site is built;",
        "`aggregate COMMAND --help` shows the same in a terminal. Exit codes: 0 success,",
        "2 an invalid scenario (every problem listed), 3 no plan (infeasible, or no",
        "solution within the time limit).",
        "",
    ]
    for name in sorted(group.commands):
        command = group.commands[name]
        if command.hidden:
            continue
        lines += [f"## aggregate {name}", ""]
        lines += [_markdown(inspect.cleandoc(command.help or "")), ""]
        params = [p for p in command.params if not getattr(p, "hidden", False)]
        if params:
            lines += ["| argument / option | default | meaning |", "|---|---|---|"]
            lines += [_param_row(p) for p in params]
            lines.append("")
    return "\n".join(lines)
