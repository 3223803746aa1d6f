"""A solved plan as a workbook a reader can open cold: a README sheet first, then the key
figures, then one sheet per table.

Every table sheet has its unit in each header (``purchase_cost (EUR)``, ``quantity
(rounds)``), number formats (money with thousands separators and cents, quantities of an
item counted in whole units without decimals, shares as percentages), column widths fitted
to what is shown, a frozen header row and a filter on it. The README sheet says which plan
this is (scenario, status, gap, solve time), the currency and units, and what each sheet
holds, with the reason a sheet is empty. Cells keep their full values: formats only round
what is shown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from aggregate.io.cells import guard_formula_text
from aggregate.io.units import (
    SolutionLike,
    column_unit,
    figure_meaning,
    figure_unit,
    mixed,
    row_units,
)
from aggregate.tables import SPECS, Column, unit_basis

README = "README"
FIGURES = "key_figures"
"""Names of the first two sheets; the tables follow under their own names."""

MONEY = "#,##0.00"
WHOLE = "#,##0"
AMOUNT = "#,##0.00"
SHARE = "0.00%"
GAP = "0.0000%"
SECONDS = "0.0"
"""Number formats: money (cents shown), whole counts, other amounts, shares, the MIP gap."""

_MAX_WIDTH = 60
_FILTER_ROOM = 3  # the filter's drop-down button covers the end of a header
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TITLE_FONT = Font(bold=True, size=14)

EMPTY_REASONS: dict[str, str] = {
    "orders": "no order placed: needs were met from stock and donations, or nothing could be "
    "bought",
    "contracts": "no contract placed",
    "investments": "no capacity expansion started: none offered, or none paid off",
    "capacity": "no producer offers an item",
    "components": "no component delivered: no item has components with suppliers, or none was made",
    "donations": "no donation: no donor stock to give, or none was needed",
    "inventory": "no stockpile in the scenario",
    "supply": "nothing drawn from stock to meet a demand",
    "demands": "the scenario has no demand",
    "refills": "no refill target in the scenario",
    "contributions": "no fund, or no member paid in",
    "payments": "no payment",
    "budgets": "no nation in the plan",
    "funds": "the scenario has no fund (or bilateral purchase)",
    "loans": "no loan fund (kind: loan) paid for an order",
    "placed_orders": "the scenario has no order placed before the plan (placed_orders)",
    "participation": "the scenario does not state the participation rule "
    "(settings.participation: no_worse_than_alone), or this is the going-alone plan",
    "repairs": "no repair shop in the scenario (sustainment), or nothing worn was worth repairing",
}
"""Table -> why it can be empty in a plan, said on the README sheet."""


def write_solution_workbook(solution: SolutionLike, path: str | Path) -> None:
    """Write ``solution`` as a workbook at ``path`` (any name: no suffix is required)."""
    book = openpyxl.Workbook()
    readme = book.active
    assert readme is not None  # a new workbook has its first sheet active
    readme.title = README
    figures = book.create_sheet(FIGURES)
    _write_figures(figures, solution)
    rows: dict[str, int] = {}
    for name, frame in solution.tables.items():
        ws = book.create_sheet(name[:31])
        _write_table(ws, solution, name, frame)
        rows[name] = len(frame)
    _write_readme(readme, solution, rows, figures.max_row - 1)
    for ws in book.worksheets:  # names and labels come from the scenario's author
        for cells in ws.iter_rows():
            guard_formula_text(cells)
    book.save(path)


# ------------------------------------------------------------------------------ tables


def _write_table(ws: Worksheet, solution: SolutionLike, name: str, frame: pd.DataFrame) -> None:
    spec = SPECS.get(name)
    columns = {c.name: c for c in spec.columns} if spec else {}
    headers = []
    for column in frame.columns:
        unit = column_unit(solution, name, str(column), frame)
        if unit == "share":
            unit = "%"
        headers.append(f"{column} ({unit})" if unit else str(column))
    ws.append(headers)
    for values in frame.itertuples(index=False):
        ws.append([_cell(v) for v in values])
    widths = [len(h) + _FILTER_ROOM for h in headers]
    for index, column in enumerate(frame.columns):
        spec_column = columns.get(str(column))
        cells = [row[0] for row in ws.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1)]
        formats = _formats(solution, name, str(column), spec_column, frame)
        for cell, fmt in zip(cells, formats, strict=True):
            if fmt is not None:
                cell.number_format = fmt
            widths[index] = max(widths[index], _shown_width(cell.value, fmt))
        head = ws.cell(1, index + 1)
        head.font, head.fill = _HEADER_FONT, _HEADER_FILL
        if spec_column is not None:
            note = spec_column.description
            if mixed(solution, name, str(column), frame):
                note += "\n\nRows differ in unit: each number shows its own."
            head.comment = Comment(note, "aggregate", height=120, width=300)
    _finish(ws, widths, len(frame))


def _formats(
    solution: SolutionLike, table: str, column: str, spec: Column | None, frame: pd.DataFrame
) -> list[str | None]:
    """The number format of each row's cell of ``column`` (None: leave as is)."""
    count = len(frame)
    if spec is None or not spec.numeric:
        return [None] * count
    if spec.dtype == "int" or spec.unit in ("count", "periods"):
        return [WHOLE] * count
    if spec.unit in ("currency", "currency/unit"):
        return [MONEY] * count
    if spec.unit == "share":
        return [SHARE] * count
    if unit_basis(table, column) is None:
        return [AMOUNT if spec.unit else None] * count
    whole = set(solution.indivisible)
    # whole units are an item's (capability units are items times factors: never whole)
    counted = spec.unit != "capability units" and "item" in frame
    items = frame["item"] if counted else pd.Series("", index=frame.index)
    plain: list[str | None] = [WHOLE if item in whole else AMOUNT for item in items]
    if not mixed(solution, table, column, frame):
        return plain
    # the header says "item units": each cell shows its own ("250.5 rounds", "3 missiles")
    units = row_units(solution, table, column, frame)
    return [f'{fmt} "{_quoted(u)}"' for fmt, u in zip(plain, units, strict=True)]


def _quoted(unit: str) -> str:
    # a number format's literal text sits between double quotes
    return unit.replace('"', "").replace("\\", "")


def _cell(value: Any) -> Any:
    """A DataFrame value as a cell value: numbers as Python numbers, missing as empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _shown_width(value: Any, fmt: str | None) -> int:
    """Characters a cell shows under its format (near enough for a column width)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float):
        return len(str(value))
    if fmt is None or fmt == "General":
        return len(f"{value:.10g}")
    suffix = fmt.split('"')[1] if '"' in fmt else ""
    shown = {
        WHOLE: f"{value:,.0f}",
        SHARE: f"{value * 100:.2f}%",
        GAP: f"{value * 100:.4f}%",
        SECONDS: f"{value:.1f}",
    }.get(fmt.split(" ")[0], f"{value:,.2f}")
    return len(shown) + (len(suffix) + 1 if suffix else 0)


def _finish(ws: Worksheet, widths: Sequence[int], rows: int) -> None:
    """Fit the widths, freeze the header row and put a filter on it."""
    for index, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, _MAX_WIDTH)
    ws.freeze_panes = "A2"
    if widths:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{rows + 1}"


# ------------------------------------------------------------------------- key figures


def _figure_format(unit: str, figure: str, solution: SolutionLike) -> str | None:
    if figure == "gap":
        return GAP
    if unit == solution.currency:
        return MONEY
    if unit == "share":
        return SHARE
    return AMOUNT if unit else None


def _write_figures(ws: Worksheet, solution: SolutionLike) -> None:
    headers = ["figure", "value", "unit", "meaning"]
    ws.append(headers)
    widths = [len(h) + _FILTER_ROOM for h in headers]
    for figure, value in solution.key_figures.items():
        unit = figure_unit(solution, figure)
        shown_unit = "%" if unit == "share" else unit
        ws.append([figure, _cell(value), shown_unit, figure_meaning(figure)])
        cell = ws.cell(ws.max_row, 2)
        fmt = _figure_format(unit, figure, solution) if isinstance(cell.value, float) else None
        if fmt is not None:
            cell.number_format = fmt
        for index, shown in enumerate(
            (len(figure), _shown_width(cell.value, fmt), len(shown_unit))
        ):
            widths[index] = max(widths[index], shown)
    widths[3] = _MAX_WIDTH
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    _finish(ws, widths, ws.max_row - 1)


# ------------------------------------------------------------------------------ README


def _write_readme(
    ws: Worksheet, solution: SolutionLike, rows: dict[str, int], figures: int
) -> None:
    ws.append([f"Plan: {solution.scenario_name}"])
    ws["A1"].font = _TITLE_FONT
    ws.append([])
    for label, value, fmt in _about(solution):
        ws.append([label, value])
        ws.cell(ws.max_row, 1).font = _HEADER_FONT
        if fmt is not None:
            ws.cell(ws.max_row, 2).number_format = fmt
            ws.cell(ws.max_row, 2).alignment = Alignment(horizontal="left")
    ws.append([])
    for n, line in enumerate(_HOW_TO_READ):
        ws.append(["how to read" if n == 0 else None, line])
    ws.cell(ws.max_row - len(_HOW_TO_READ) + 1, 1).font = _HEADER_FONT
    ws.append([])
    ws.append(["sheet", "rows", "what it holds", "units", "note"])
    first_sheet_row = ws.max_row
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    ws.append(
        [
            FIGURES,
            figures,
            "the plan's key figures: costs, needs met and the solve",
            "each figure's unit is in its unit column",
            "",
        ]
    )
    for name, frame in solution.tables.items():
        spec = SPECS.get(name)
        ws.append(
            [
                name[:31],
                rows[name],
                spec.description if spec else "",
                _units_of_table(solution, name, frame),
                "" if rows[name] else f"empty: {_why_empty(solution, name)}",
            ]
        )
    if not solution.tables:
        ws.append(["(tables)", 0, "", "", f"no table: {_why_empty(solution, '')}"])
    labels = [len(str(c.value)) for c in ws["A"][1:] if c.value is not None]
    for letter, width in zip("ABCDE", (max(labels) + 2, 12, 50, 50, 60), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=first_sheet_row):
        for cell in row[2:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


_HOW_TO_READ = (
    "Each header reads column (unit); hover a header for what the column means.",
    "Money has thousands separators and cents; quantities of items counted in whole units "
    "have no decimals; shares are percentages.",
    "Cells hold the full values: the formats only round what is shown.",
    "Where one column mixes units (rounds and missiles), its header says item units and "
    "each number shows its own unit.",
)
"""The README sheet's reading guide, one line per row (each runs on over empty cells)."""


def _about(solution: SolutionLike) -> list[tuple[str, Any, str | None]]:
    """(label, value, number format) rows saying which plan this is and how it was solved."""
    timings = solution.timings
    phases = ", ".join(f"{k} {v:.1f}" for k, v in timings.items() if k != "total")
    units = solution.units
    rows: list[tuple[str, Any, str | None]] = [
        ("scenario", solution.scenario_name, None),
        ("plan", "joint (pooled)" if solution.pooled else "each nation alone (baseline)", None),
        ("objective", solution.objective, None),
        ("status", solution.status.value, None),
        ("MIP gap", solution.gap if solution.gap is not None else "unknown", GAP),
        ("solve time (s)", timings.get("total", "unknown"), SECONDS),
        ("time by phase (s)", phases or "unknown", None),
        ("currency", f"{solution.currency}: every amount of money", None),
        ("item units", _unit_list(units.get("item", {})), None),
        ("capability units", _unit_list(units.get("capability", {})), None),
        ("component units", _unit_list(units.get("component", {})), None),
        ("whole units", ", ".join(solution.indivisible) or "none", None),
        ("periods", _periods(solution.periods), None),
    ]
    # the headline figures, each with its unit (all of them are on the key_figures sheet)
    for figure, label in _HEADLINE.items():
        value = solution.key_figures.get(figure)
        if isinstance(value, int | float) and not isinstance(value, bool):
            unit = figure_unit(solution, figure)
            shown = f"{label} ({'%' if unit == 'share' else unit})"
            rows.append((shown, value, _figure_format(unit, figure, solution)))
    if solution.message:
        rows.insert(4, ("message", solution.message, None))
    return rows


_HEADLINE = {
    "total_cost": "total cost",
    "penalty_cost": "penalties, not in the total",
    "fill_rate": "needs met",
    "short": "needs never met",
}
"""Key figures repeated on the README sheet, with their labels there."""


def _unit_list(ids: dict[str, str]) -> str:
    """``round: 155-L52, 155-L39; missile: PAC-3``: each distinct unit and its ids."""
    by_unit: dict[str, list[str]] = {}
    for thing, unit in ids.items():
        by_unit.setdefault(unit, []).append(thing)
    return "; ".join(f"{unit}: {', '.join(things)}" for unit, things in by_unit.items()) or "none"


def _periods(periods: list[str]) -> str:
    if not periods:
        return "unknown"
    return f"{periods[0]} to {periods[-1]} ({len(periods)} periods)"


def _units_of_table(solution: SolutionLike, name: str, frame: pd.DataFrame) -> str:
    """``EUR: purchase_cost, delivery_cost; rounds: quantity``: the columns by unit."""
    by_unit: dict[str, list[str]] = {}
    for column in frame.columns:
        unit = column_unit(solution, name, str(column), frame)
        if unit:
            by_unit.setdefault("%" if unit == "share" else unit, []).append(str(column))
    return "; ".join(f"{unit}: {', '.join(cols)}" for unit, cols in by_unit.items())


def _why_empty(solution: SolutionLike, name: str) -> str:
    if not solution.status.has_plan:
        return f"the solve found no plan (status {solution.status.value})"
    return EMPTY_REASONS.get(name, "none in this plan")
