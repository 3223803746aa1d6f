"""Writing a workbook: a scenario, or the empty template, with a README sheet.

Every sheet of :data:`~aggregate.io.excel.layout.SHEETS` is written with its header (each
header cell's note says what the column means and how to write it); text columns are
formatted as Text so Excel keeps labels such as ``2024-01`` as typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from aggregate.io.cells import guard_formula_text
from aggregate.io.excel.cells import cell_value
from aggregate.io.excel.layout import (
    KINDS,
    KV_HEADER,
    NOTES,
    README,
    SHEET_BY_NAME,
    SHEETS,
    SUSTAINMENT_SHEETS,
    Column,
    Sheet,
)
from aggregate.io.files import scenario_data, write_bytes_with
from aggregate.schema import Scenario, SolveSettings


def write_template(path: str | Path) -> Path:
    """Write an empty scenario workbook: every sheet with its headers and drop-down lists,
    a README sheet explaining each column, its unit and how to write it, and an
    ``_examples`` sheet (ignored when read) with example rows for every sheet. Returns the
    path."""
    return _write(None, Path(path))


def write_excel(scenario: Scenario, path: str | Path) -> Path:
    """Write ``scenario`` as a workbook that :func:`load_excel` reads back equal.

    Limits of the layout (raised as ``ValueError``): list entries containing commas or
    semicolons, and key shares or pledges of nations that are not members of their fund.
    An empty series (``{}``) is written as 0, which means the same.
    """
    return _write(scenario_data(scenario), Path(path))


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TEXT_FORMAT = "@"


def _write(data: dict[str, Any] | None, path: Path) -> Path:
    workbook = openpyxl.Workbook()
    readme = workbook.active
    readme.title = README
    _write_readme(readme)
    for sheet in SHEETS:
        ws = workbook.create_sheet(sheet.name)
        rows = _kv_rows(sheet, data) if sheet.key_value else _table_rows(sheet, data)
        _write_sheet(ws, sheet, rows, template=data is None)
    if data is None:
        _write_examples(workbook.create_sheet(EXAMPLES))
    for ws in workbook.worksheets:  # names and labels come from the file's author
        for cells in ws.iter_rows():
            guard_formula_text(cells)
    write_bytes_with(path, workbook.save)
    return path


EXAMPLES = "_examples"
"""The template's sheet of example rows (its name starts with ``_``: never read)."""


def _write_examples(ws: Any) -> None:
    """Every sheet's columns with the rows of :func:`example_scenario`, one block per sheet,
    written by the same code as a scenario's workbook (so they cannot drift from it)."""
    from aggregate.io.excel.example import example_scenario

    data = scenario_data(example_scenario())
    ws.append(
        [
            "Example rows for every sheet (a made-up scenario). This sheet is never read: copy "
            "rows to the sheet of the same name and change them."
        ]
    )
    ws["A1"].font = Font(bold=True)
    for sheet in SHEETS:
        ws.append([])
        ws.append([f"{sheet.name}: {sheet.doc}"])
        ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
        header = list(KV_HEADER) if sheet.key_value else [c.name for c in sheet.columns]
        ws.append(header)
        for cell in ws[ws.max_row]:
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
        rows = _kv_rows(sheet, data) if sheet.key_value else _table_rows(sheet, data)
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.number_format = _TEXT_FORMAT
    ws.column_dimensions["A"].width = 24


def _write_readme(ws: Any) -> None:
    intro = [
        "aggregate scenario workbook",
        "One sheet per table. Row 1 holds the column names; hover a name for its meaning.",
        "Blank cells mean absent (the default applies); blank rows are skipped.",
        "Lists: comma-separated text (PzH2000, CAESAR). Pairs and series: "
        "key: number, key: number (2025Q3: 6000, 2026Q1: 20000).",
        "Keep ids and period labels as text (the template formats those columns as Text, "
        "so Excel does not turn 2024-01 into a date).",
        "Money is in the scenario's currency; quantities in the item's or capability's unit.",
        "Sheets whose names start with _ and columns named notes are ignored; the "
        f"{EXAMPLES} sheet shows example rows for every sheet.",
        "Cells with a drop-down list take one of its values (fields with fixed choices, and "
        "ids written on another sheet: nation codes, item ids, producers...).",
        "Check a workbook with: aggregate validate FILE.xlsx",
        "",
    ]
    for line in intro:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    header = ["sheet", "column", "how to write it", "required", "meaning"]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for sheet in SHEETS:
        ws.append([sheet.name, "", "", "", sheet.doc])
        ws.cell(ws.max_row, 1).font = _HEADER_FONT
        for column in sheet.columns:
            how = KINDS[column.kind]
            if column.choices:
                how += f"; one of: {', '.join(column.choices)}"
            elif column.refers:
                how += f"; an id of the {column.refers.replace('.', ' sheet, column ')}"
            ws.append(
                [
                    sheet.name,
                    column.name,
                    how,
                    "yes" if column.required else "",
                    column.doc,
                ]
            )
    for letter, width in zip("ABCDE", (20, 28, 40, 9, 100), strict=True):
        ws.column_dimensions[letter].width = width


def _write_sheet(ws: Any, sheet: Sheet, rows: list[list[Any]], template: bool) -> None:
    header = list(KV_HEADER) if sheet.key_value else [c.name for c in sheet.columns]
    ws.append(header)
    for index, cell in enumerate(ws[1]):
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        if not sheet.key_value:
            column = sheet.columns[index]
            note = f"{column.doc}\n\nWrite: {KINDS[column.kind]}."
            if column.choices:
                note += f" Choices: {', '.join(column.choices)}."
            if column.required:
                note += " Required."
            cell.comment = Comment(note, "aggregate", height=160, width=320)
    ws.freeze_panes = "A2"
    text_columns = _text_columns(sheet)
    for row in rows:
        ws.append(row)
        for index in text_columns:
            cell = ws.cell(ws.max_row, index + 1)
            wanted = isinstance(cell.value, str) or (template and sheet.key_value)
            if wanted and (not sheet.key_value or _is_text_field(sheet, row[0])):
                cell.number_format = _TEXT_FORMAT
    if not sheet.key_value:  # new entries typed into the sheet stay text too
        for index in text_columns:
            ws.column_dimensions[get_column_letter(index + 1)].number_format = _TEXT_FORMAT
    for index, name in enumerate(header):
        width = 60 if name in (NOTES, "value") else max(12, len(name) + 4)
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    if sheet.key_value:
        for row_cells in ws.iter_rows(min_row=2):
            row_cells[2].alignment = Alignment(wrap_text=True, vertical="top")
    _add_drop_downs(ws, sheet)


_LAST_ROW = 1_048_576
"""Excel's last row: a drop-down covers the whole column, for rows typed later."""

_SINGLE = ("text", "label", "bool")
"""Cell kinds holding one value: a drop-down list fits them; lists get a prompt instead."""


def _add_drop_downs(ws: Any, sheet: Sheet) -> None:
    """Drop-down lists from the layout's schema metadata: the allowed values of a field
    with fixed choices (a ``Literal`` or a boolean), and the ids of the sheet a column
    refers to (nation codes, item ids, producers...). A list column with fixed choices gets
    a prompt naming them (a drop-down picks one value only)."""
    if sheet.key_value:
        rows = {c.value: c.row for c in ws["A"][1:] if isinstance(c.value, str)}
        for column in sheet.columns:
            row = rows.get(column.name)
            if column.choices and row is not None and column.kind in _SINGLE:
                _validation(ws, column, f"B{row}")
        return
    for index, column in enumerate(sheet.columns):
        letter = get_column_letter(index + 1)
        _validation(ws, column, f"{letter}2:{letter}{_LAST_ROW}", own=f"{sheet.name}.{column.name}")


def _validation(ws: Any, column: Column, cells: str, own: str = "") -> None:
    dv: DataValidation | None = None
    choices = ",".join(column.choices)
    if column.choices and column.kind in _SINGLE and len(choices) <= 250:  # Excel's limit
        dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        dv.error = f"Choose one of: {', '.join(column.choices)}."
        dv.errorTitle = column.name
    elif column.choices:
        dv = DataValidation(allow_blank=True)
        dv.prompt = f"One or more of: {', '.join(column.choices)} (comma-separated)."
        dv.promptTitle = column.name
    elif column.refers and column.refers != own and column.kind == "label":
        target, name = column.refers.split(".")
        refer = SHEET_BY_NAME[target].column(name)
        if refer is None:  # pragma: no cover - guarded by the layout test
            raise AssertionError(column.refers)
        letter = get_column_letter(SHEET_BY_NAME[target].columns.index(refer) + 1)
        dv = DataValidation(
            type="list", formula1=f"{target}!${letter}$2:${letter}${_LAST_ROW}", allow_blank=True
        )
        # a warning, not a stop: the id may be typed before its row on the other sheet
        dv.errorStyle = "warning"
        dv.error = f"Not (yet) an id of the {target} sheet's {name} column."
        dv.errorTitle = column.name
    if dv is None:
        return
    dv.showErrorMessage = dv.type == "list"
    dv.showInputMessage = bool(dv.prompt)
    ws.add_data_validation(dv)
    dv.add(cells)


def _is_text_field(sheet: Sheet, name: str) -> bool:
    column = sheet.column(name)
    return column is not None and column.kind in ("text", "label", "labels", "lines")


def _text_columns(sheet: Sheet) -> list[int]:
    if sheet.key_value:
        return [1]
    return [i for i, c in enumerate(sheet.columns) if c.kind in ("text", "label")]


def _kv_rows(sheet: Sheet, data: dict[str, Any] | None) -> list[list[Any]]:
    values: dict[str, Any] = {}
    if data is not None:
        values = data if sheet.name == "scenario" else data.get(sheet.name, {})
    defaults = Scenario.model_fields if sheet.name == "scenario" else SolveSettings.model_fields
    rows: list[list[Any]] = []
    for column in sheet.columns:
        note = column.doc
        info = defaults[column.name]
        if data is None and not info.is_required() and info.default not in (None, "", []):
            note += f" Default: {info.default}."
        value = values.get(column.name)
        if column.kind == "lines" and value:
            rows.extend([column.name, v, note if i == 0 else None] for i, v in enumerate(value))
        elif column.kind == "labels" and value:
            # a year of months per row reads well; Excel cells also hold at most 32767 chars
            for start in range(0, len(value), 12):
                chunk = value[start : start + 12]
                cell = cell_value("labels", chunk, f"scenario {column.name}")
                rows.append([column.name, cell, note if start == 0 else None])
        elif column.kind in ("lines", "labels"):
            rows.append([column.name, None, note])
        else:
            rows.append([column.name, cell_value(column.kind, value, column.name), note])
    return rows


def _table_rows(sheet: Sheet, data: dict[str, Any] | None) -> list[list[Any]]:
    if data is None:
        return []
    records = list(_records(sheet.name, data))
    names = [c.name for c in sheet.columns]
    out = []
    for n, record in enumerate(records, start=2):
        out.append(
            [
                cell_value(c.kind, record.get(c.name), f"{sheet.name} row {n}, {c.name}")
                for c in sheet.columns
            ]
        )
        unknown = set(record) - set(names)
        if unknown:  # pragma: no cover - guarded by the layout test
            raise AssertionError(f"{sheet.name}: no column for {sorted(unknown)}")
    return out


def _records(name: str, data: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """The rows of sheet ``name`` as dicts column -> raw value."""
    plain = ("items", "demands", "stockpiles", "expansions", "placed_orders", "components")
    if name in (*plain, "component_suppliers"):
        yield from data[name]
    elif name == "nations":
        for n in data["nations"]:
            yield {k: v for k, v in n.items() if k != "buys_for"}
    elif name == "bilateral_purchases":
        for n in data["nations"]:
            yield from ({"nation": n["code"], **b} for b in n.get("buys_for", []))
    elif name == "capabilities":
        for cap in data["capabilities"]:
            head = {"capability": cap["id"], "name": cap["name"], "unit": cap["unit"]}
            for eq in cap["satisfied_by"]:
                yield {**head, **eq}
    elif name == "producers":
        for p in data["producers"]:
            yield {k: v for k, v in p.items() if k != "offers"}
    elif name in ("offers", "tiers", "commitments", "capacity"):
        for p in data["producers"]:
            for offer in p["offers"]:
                key = {"producer": p["id"], "item": offer["item"]}
                if name == "offers":
                    series = isinstance(offer["capacity"], dict) and offer["capacity"]
                    yield {
                        "producer": p["id"],
                        **{k: v for k, v in offer.items() if k not in ("tiers", "commitments")},
                        "capacity": None if series else offer["capacity"],
                    }
                elif name == "tiers":
                    yield from ({**key, **tier} for tier in offer["tiers"])
                elif name == "commitments":
                    yield from ({**key, **c} for c in offer.get("commitments", []))
                elif isinstance(offer["capacity"], dict):
                    for period, value in offer["capacity"].items():
                        yield {**key, "period": period, "capacity": value}
    elif name == "funds":
        for fund in data["funds"]:
            rule = fund["contribution"]
            skip = ("contribution", "members", "component_origin")
            row = {k: v for k, v in fund.items() if k not in skip}
            row["rule"] = rule["rule"]
            if rule["rule"] == "key":
                row.update(
                    basis=rule["basis"], tolerance=rule["tolerance"], max_share=rule["max_share"]
                )
            origin = fund.get("component_origin")
            if origin is not None:
                row.update(
                    origin_countries=origin["countries"],
                    origin_max_outside_share=origin["max_outside_share"],
                )
            yield row
    elif name in SUSTAINMENT_SHEETS:
        yield from (data.get("sustainment") or {}).get(name, [])
    elif name == "fund_members":
        for fund in data["funds"]:
            yield from _member_rows(fund)
    else:  # pragma: no cover - every sheet is handled above
        raise AssertionError(name)


def _member_rows(fund: dict[str, Any]) -> Iterable[dict[str, Any]]:
    rule = fund["contribution"]
    shares = rule.get("shares", {})
    pledges = rule.get("pledges", {})
    outsiders = (set(shares) | set(pledges)) - set(fund["members"])
    if outsiders:
        raise ValueError(
            f"fund {fund['id']}: key shares or pledges for non-members "
            f"{', '.join(sorted(outsiders))} cannot be written to a workbook; "
            "make them members or remove them"
        )
    for nation in fund["members"]:
        row: dict[str, Any] = {"fund": fund["id"], "nation": nation}
        if nation in shares:
            row["key_share"] = shares[nation]
        if nation in pledges:
            row["pledge_min"] = pledges[nation]["min"]
            row["pledge_max"] = pledges[nation]["max"]
        yield row
