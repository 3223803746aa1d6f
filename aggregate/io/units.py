"""The units of a solution's columns and key figures, as a reader of an export sees them.

What unit a column or key figure is in is worked out once, in :mod:`aggregate.tables`
(:func:`~aggregate.tables.column_unit`, :func:`~aggregate.tables.row_units`,
:func:`~aggregate.tables.figure_unit`), from the solution's currency and its ids' units:
``EUR``, ``round``, ``EUR/round``, ``item units`` where rows count in different units.
Here those units are named as headers and cells print them: a count in the plural
(``quantity (rounds)``, ``base (rounds/period)``), money per unit as it is (``EUR/round``),
labels and counts without one. A column whose rows count in different units (rounds and
missiles) is headed with the generic ``item units`` and each cell shows its own unit
(:func:`row_units`), so nothing reads as one sum of unlike units.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import pandas as pd

from aggregate import tables
from aggregate.key_figures import KEY_FIGURES
from aggregate.status import SolveStatus
from aggregate.tables import SPECS


class SolutionLike(Protocol):
    """What the exports read of a :class:`aggregate.result.Solution` (which has these
    fields): named so that the solution's own ``to_excel`` can call the exports without
    an import cycle."""

    scenario_name: str
    status: SolveStatus
    pooled: bool
    objective: str
    message: str
    periods: list[str]
    gap: float | None
    timings: dict[str, float]
    solver_settings: dict[str, Any]
    key_figures: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    currency: str
    units: dict[str, dict[str, str]]
    indivisible: list[str]


def plural(unit: str) -> str:
    """``round`` -> ``rounds``; abbreviations (``kg``) and plurals stay as they are."""
    if len(unit) <= 2 or not unit[-1].isalpha() or not unit[-1].islower():
        return unit
    if unit.endswith(("s", "x", "z", "ch", "sh")):
        return unit if unit.endswith("s") else unit + "es"
    if unit.endswith("y") and unit[-2:-1] not in ("a", "e", "i", "o", "u"):
        return unit[:-1] + "ies"
    return unit + "s"


def column_unit(solution: SolutionLike, table: str, column: str, frame: pd.DataFrame) -> str:
    """The unit of a column as a header shows it (:func:`aggregate.tables.column_unit`,
    counts in the plural): ``EUR``, ``rounds``, ``EUR/round``, ``rounds/period``,
    ``share``; ``item units`` where rows differ; '' for labels and counts."""
    spec = SPECS.get(table)
    col = next((c for c in spec.columns if c.name == column), None) if spec else None
    if col is None or col.unit in ("", "count"):
        return ""
    return tables.column_unit(table, column, frame, solution.currency, solution.units, plural)


def row_units(solution: SolutionLike, table: str, column: str, frame: pd.DataFrame) -> list[str]:
    """The unit of each row of ``column`` as a cell shows it (``rounds``, ``missiles``,
    ``rounds/period``): :func:`aggregate.tables.row_units`, counts in the plural."""
    shown = tables.row_units(frame, column, solution.currency, solution.units, plural, table)
    return list(shown)


def mixed(solution: SolutionLike, table: str, column: str, frame: pd.DataFrame) -> bool:
    """Whether the rows of ``column`` count in different units (rounds and missiles)."""
    return tables.mixed(table, column, frame, solution.units)


def table_units(solution: SolutionLike, table: str, frame: pd.DataFrame) -> dict[str, str]:
    """Column -> unit (:func:`column_unit`) for every column of ``frame`` that has one."""
    found = {c: column_unit(solution, table, str(c), frame) for c in frame.columns}
    return {c: u for c, u in found.items() if u}


def figure_unit(solution: SolutionLike, figure: str) -> str:
    """The unit of a key figure (:func:`aggregate.tables.figure_unit`, counts in the
    plural): the currency, ``share``, ``rounds`` or ``capability units``, ``periods``, ''."""
    return tables.figure_unit(figure, solution.currency, solution.units, plural)


def figure_meaning(figure: str) -> str:
    """What a key figure means (:data:`aggregate.key_figures.KEY_FIGURES`), '' if undocumented."""
    spec = KEY_FIGURES.get(figure)
    return spec.meaning if spec else ""


def units_metadata(solution: SolutionLike) -> dict[str, Any]:
    """The currency and every thing's unit, as JSON-ready data."""
    return {
        "currency": solution.currency,
        "units": {kind: dict(ids) for kind, ids in solution.units.items()},
        "indivisible": list(solution.indivisible),
    }


def units_of(data: Mapping[str, Any]) -> dict[str, Any]:
    """Solution fields back from :func:`units_metadata` (absent in older files: defaults)."""
    out: dict[str, Any] = {}
    if "currency" in data:
        out["currency"] = data["currency"]
    if "units" in data:
        out["units"] = {kind: dict(ids) for kind, ids in data["units"].items()}
    if "indivisible" in data:
        out["indivisible"] = list(data["indivisible"])
    return out
