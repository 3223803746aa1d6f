"""The units of a solution's columns and key figures, as a reader of an export sees them.

:data:`aggregate.tables.SPECS` gives each column a unit kind (``units``, ``currency``,
``currency/unit``, ``capability units``, ``share``, ...). Here a kind becomes what the
exports print: ``currency`` the scenario's code (``EUR``), ``units`` the unit of the row's
item (``rounds``), ``capability units`` that of the row's capability, a component's
quantity its component's unit. A column whose rows name things with different units
(rounds and missiles) is labelled with the generic kind (``item units``) and each row
carries its own unit (:func:`row_units`), so nothing reads as one sum of unlike units.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import pandas as pd

from aggregate.status import SolveStatus
from aggregate.tables import KEY_FIGURES, SPECS, Column


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
    key_figures: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    currency: str
    units: dict[str, dict[str, str]]
    indivisible: list[str]


FIGURE_UNITS: dict[str, str] = {
    **dict.fromkeys(
        (
            "total_cost",
            "purchase_cost",
            "delivery_cost",
            "contract_cost",
            "period_cost",
            "investment_cost",
            "holding_cost",
            "penalty_cost",
            "unspent_fund_balance",
        ),
        "currency",
    ),
    "weighted_shortfall": "weighted capability units",
    "needs_objective": "weighted capability units",
    "short": "capability units",
    "fill_rate": "share",
    "on_time_rate": "share",
    "gap": "share",
    "average_lateness": "periods",
}
"""Key figure -> unit kind (as :attr:`aggregate.tables.Column.unit`); absent: no unit."""

_OWNER = {"units": "item", "units/period": "item", "currency/unit": "item"}
"""Unit kind -> the kind of thing whose unit it is (capability units: the capability)."""

_GENERIC = {"item": "item units", "capability": "capability units", "component": "component units"}


def plural(unit: str) -> str:
    """``round`` -> ``rounds``; abbreviations (``kg``) and plurals stay as they are."""
    if len(unit) <= 2 or not unit[-1].isalpha() or not unit[-1].islower():
        return unit
    if unit.endswith(("s", "x", "z", "ch", "sh")):
        return unit if unit.endswith("s") else unit + "es"
    if unit.endswith("y") and unit[-2:-1] not in ("a", "e", "i", "o", "u"):
        return unit[:-1] + "ies"
    return unit + "s"


def _owner(table: str, column: Column) -> str | None:
    """The kind of thing (``item``, ``capability``, ``component``) whose unit the column
    counts in, named by a column of the same row; None for money totals, shares, counts."""
    if column.unit == "capability units":
        return "capability"
    kind = _OWNER.get(column.unit)
    if kind == "item" and "component" in SPECS[table].names:
        return "component"
    return kind


def row_units(solution: SolutionLike, table: str, column: str, frame: pd.DataFrame) -> list[str]:
    """The unit of each row of ``column`` (``round``, ``missile``), singular, from the row's
    item, capability or component; empty when the column's unit depends on no row."""
    spec = SPECS.get(table)
    col = next((c for c in spec.columns if c.name == column), None) if spec else None
    kind = _owner(table, col) if col else None
    if kind is None or kind not in frame.columns:
        return []
    known = solution.units.get(kind, {})
    return [known.get(v, "") if isinstance(v, str) else "" for v in frame[kind]]


def column_unit(solution: SolutionLike, table: str, column: str, frame: pd.DataFrame) -> str:
    """The unit of a column as a header shows it: ``EUR``, ``rounds``, ``EUR/round``,
    ``rounds/period``, ``share``; ``item units`` where rows differ; '' for labels and counts."""
    spec = SPECS.get(table)
    col = next((c for c in spec.columns if c.name == column), None) if spec else None
    if col is None or col.unit in ("", "count"):
        return ""
    kind = _owner(table, col)
    if kind is None:
        return solution.currency if col.unit == "currency" else col.unit
    # no row to go by: the unit every such thing of the scenario has, if they share one
    units = {u for u in row_units(solution, table, column, frame) if u} or set(
        solution.units.get(kind, {}).values()
    )
    one = units.pop() if len(units) == 1 else None
    if col.unit == "currency/unit":
        return f"{solution.currency}/{one or 'unit'}"
    thing = plural(one) if one else _GENERIC[kind]
    return f"{thing}/period" if col.unit == "units/period" else thing


def mixed(solution: SolutionLike, table: str, column: str, frame: pd.DataFrame) -> bool:
    """Whether the rows of ``column`` count in different units (rounds and missiles)."""
    return len({u for u in row_units(solution, table, column, frame) if u}) > 1


def table_units(solution: SolutionLike, table: str, frame: pd.DataFrame) -> dict[str, str]:
    """Column -> unit (:func:`column_unit`) for every column of ``frame`` that has one."""
    found = {c: column_unit(solution, table, str(c), frame) for c in frame.columns}
    return {c: u for c, u in found.items() if u}


def figure_unit(solution: SolutionLike, figure: str) -> str:
    """The unit of a key figure: the currency, a share, capability units, periods or ''."""
    kind = FIGURE_UNITS.get(figure, "")
    if kind == "currency":
        return solution.currency
    if kind == "capability units":
        capability = set(solution.units.get("capability", {}).values())
        return plural(capability.pop()) if len(capability) == 1 else kind
    return kind


def figure_meaning(figure: str) -> str:
    """What a key figure means (:data:`aggregate.tables.KEY_FIGURES`), '' if undocumented."""
    return KEY_FIGURES.get(figure, "")


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
