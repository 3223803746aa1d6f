"""Reading a workbook: refuse unsafe or damaged files, read each sheet's rows, validate.

The archive is checked (size once unpacked, DTDs, damage) before openpyxl parses any of
it; then each sheet's rows are read and converted cell by cell, and problems name the
sheet, row and column as the analyst sees them (``offers row 5``).
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path
from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter

from aggregate.errors import ScenarioError
from aggregate.hints import did_you_mean
from aggregate.io.excel.assemble import Book, Row, assemble, locate
from aggregate.io.excel.cells import READERS, CellError, blank, clip
from aggregate.io.excel.layout import KV_HEADER, NOTES, README, SHEET_BY_NAME, Sheet
from aggregate.io.files import check_size, file_error
from aggregate.schema import Scenario
from aggregate.validation import validate

MAX_ROWS = 100_000
"""Most rows read from one sheet."""

MAX_COLUMNS = 200
"""Most columns read from one sheet."""

MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
"""Largest total size of a workbook's unpacked parts (refuses "zip bombs")."""


def read_excel(path: str | Path) -> dict[str, Any]:
    """Read a scenario workbook into raw data (as a YAML file would give), unvalidated.

    Raises :class:`ScenarioError` naming sheet, row and column for cells that cannot be
    read; :func:`load_excel` also validates and names the rows of schema problems.
    """
    raw, _ = _read(Path(path))
    return raw


def load_excel(path: str | Path) -> Scenario:
    """Read and validate a scenario workbook; problems name the sheet and row."""
    path = Path(path)
    raw, book = _read(path)
    try:
        return validate(raw, file=str(path))
    except ScenarioError as exc:
        raise ScenarioError(locate(exc.problems, raw, book), exc.file) from None


def _read(path: Path) -> tuple[dict[str, Any], Book]:
    check_size(path)
    _check_zip(path)
    book = Book(str(path))
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it drops (data validation extensions,
            # conditional formats); they do not matter for reading values
            warnings.simplefilter("ignore", UserWarning)
            # openpyxl.load_workbook, spelt out to see the sheets the workbook lists:
            # openpyxl silently drops a sheet whose part is missing from the archive
            reader = ExcelReader(path, read_only=True, data_only=True)
            try:
                reader.read()
            except BaseException:
                # openpyxl leaves the archive, and a part it was parsing, open on failure;
                # the part shares the archive's file, so that file is closed outright
                handle = reader.archive.fp
                reader.archive.close()
                if handle is not None:
                    handle.close()
                raise
            workbook = reader.wb
            listed = [
                sheet.name
                for sheet, rel in reader.parser.find_sheets()
                if rel.target not in reader.valid_files
            ]
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise file_error(
            path, f"cannot open the workbook ({type(exc).__name__}: {clip(str(exc))})", _XLSX_FIX
        ) from None
    for title in listed:
        name = title.strip().lower()
        if name != README.lower() and not name.startswith("_"):
            book.problem(
                f"sheet '{clip(title)}'",
                "",
                "the workbook lists this sheet but its data is missing (the file is damaged)",
                _DAMAGED_FIX,
            )
    try:
        tables: dict[str, list[Row]] = {}
        kv: dict[str, list[Row]] = {}
        for title in workbook.sheetnames:
            name = title.strip().lower()
            if name == README.lower() or name.startswith("_"):
                continue
            sheet = SHEET_BY_NAME.get(name)
            if sheet is None:
                book.problem(
                    f"sheet '{title}'",
                    "",
                    "unknown sheet" + did_you_mean(name, SHEET_BY_NAME),
                    f"rename it to one of {', '.join(SHEET_BY_NAME)}, or start its name "
                    "with _ to keep it as notes",
                )
                continue
            if name in book.sheets:
                book.problem(f"sheet '{title}'", "", "the sheet is given twice", "merge them")
                continue
            book.sheets.add(name)
            try:
                # openpyxl parses a sheet only while its rows are iterated, which
                # _sheet_rows does to the end: a damaged sheet fails here, never later
                rows = _sheet_rows(workbook[title], sheet, book)
            except Exception as exc:  # the XML parser and openpyxl raise many kinds
                book.problem(
                    f"sheet '{title}'",
                    "",
                    f"the sheet cannot be read, the file is damaged ({type(exc).__name__}: "
                    f"{clip(str(exc))})",
                    _DAMAGED_FIX,
                )
                continue
            (kv if sheet.key_value else tables)[name] = rows
    finally:
        workbook.close()
    if book.problems:
        raise ScenarioError(book.problems, book.file)
    raw = assemble(tables, kv, book)
    if book.problems:
        raise ScenarioError(book.problems, book.file)
    return raw, book


_XLSX_FIX = "save it from Excel as an .xlsx workbook (not .xls, .xlsm or CSV)"
_DAMAGED_FIX = "open it in Excel and save it again, or take a copy saved before the damage"

_XML_PARTS = (".xml", ".rels", ".vml")
# a DTD in any encoding an XML part may use; Excel never writes one
_DTD_MARKS = tuple("<!DOCTYPE".encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be"))


def _check_zip(path: Path) -> None:
    """Refuse what is not a workbook, unpacks too large, is damaged or declares a DTD.

    Every XML part is unpacked and scanned here, before openpyxl parses anything: a DTD's
    entities can expand a few bytes into gigabytes ("billion laughs") or pull in other
    files, and a damaged part (bad checksum, cut short) is found before any sheet is read.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_UNCOMPRESSED_BYTES:
                raise file_error(
                    path,
                    f"the workbook unpacks to {unpacked / 2**20:.0f} MB, above the limit of "
                    f"{MAX_UNCOMPRESSED_BYTES / 2**20:.0f} MB",
                    "remove unused sheets, images and formatting",
                )
            for info in infos:
                if info.filename.lower().endswith(_XML_PARTS) and _declares_dtd(archive, info):
                    raise file_error(
                        path,
                        f"the part '{clip(info.filename)}' declares a DTD (<!DOCTYPE ...>), "
                        "which Excel never writes and which can hide entity expansions",
                        "open it in Excel and save it again as an .xlsx workbook",
                    )
    except ScenarioError:
        raise
    except zipfile.BadZipFile as exc:
        # zipfile says "Bad CRC-32" for a part whose checksum fails: damaged, not foreign
        if "CRC" in str(exc):
            raise file_error(
                path, f"the workbook is damaged ({clip(str(exc))})", _DAMAGED_FIX
            ) from None
        raise file_error(path, "this is not an .xlsx workbook", _XLSX_FIX) from None
    except OSError:
        raise file_error(path, "this is not an .xlsx workbook", _XLSX_FIX) from None
    except Exception as exc:  # zlib, a part cut short: damaged
        raise file_error(
            path,
            f"the workbook is damaged ({type(exc).__name__}: {clip(str(exc))})",
            _DAMAGED_FIX,
        ) from None


def _declares_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    overlap = max(len(mark) for mark in _DTD_MARKS) - 1
    tail = b""
    with archive.open(info) as fh:
        while chunk := fh.read(1 << 20):
            block = tail + chunk
            if any(mark in block for mark in _DTD_MARKS):
                return True
            tail = block[-overlap:]
    return False


def _sheet_rows(ws: Any, sheet: Sheet, book: Book) -> list[Row]:
    """The sheet's non-blank rows, cells converted by column kind (blank cells left out)."""
    if not hasattr(ws, "iter_rows"):  # a chart sheet
        book.problem(f"sheet '{sheet.name}'", "", "this is a chart, not a table")
        return []
    first = ws.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True)
    header = [_header_name(c) for c in next(first, None) or ()]
    while header and header[-1] is None:
        header.pop()
    # a few columns past the header catch stray values; a bound on the width keeps a sheet
    # whose recorded size is the whole grid (16384 columns) from being read cell by cell
    width = min(len(header) + 10, MAX_COLUMNS)
    rows = ws.iter_rows(min_row=2, max_col=width, values_only=True)
    expected = KV_HEADER if sheet.key_value else (*(c.name for c in sheet.columns), NOTES)
    columns: list[str | None] = []
    for name in header:
        if name is not None and (name not in expected or name in columns):
            book.problem(
                f"{sheet.name} row 1",
                name,
                "duplicate column"
                if name in columns
                else "unknown column" + did_you_mean(str(name), expected),
                f"use the columns {', '.join(expected)}",
            )
            name = None
        columns.append(None if name == NOTES else name)
    if sheet.key_value:
        for name in ("field", "value"):
            if name not in columns:
                book.problem(f"{sheet.name} row 1", name, "missing column", "add it")
    out: list[Row] = []
    for number, cells in enumerate(rows, start=2):
        if all(blank(c) for c in cells):
            continue
        if len(out) >= MAX_ROWS:
            book.problem(f"{sheet.name} row {number}", "", f"more than {MAX_ROWS:,} rows")
            break
        values: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            if blank(cell):
                continue
            name = columns[index] if index < len(columns) else None
            if name is None:
                if index >= len(header) or header[index] is None:
                    book.problem(
                        f"{sheet.name} row {number}",
                        get_column_letter(index + 1),
                        "a value in a column without a header",
                        "give the column a name, or move the value",
                    )
                continue
            values[name] = cell
        if not values:  # only notes (or values already reported) in this row
            continue
        if sheet.key_value:
            out.append(Row(number, values, _kv_cells(sheet, number, values, book)))
        else:
            _convert(sheet, number, values, book)
            out.append(Row(number, values))
    return out


def _header_name(cell: Any) -> str | None:
    if blank(cell):
        return None
    return "_".join(str(cell).strip().lower().split())


def _convert(sheet: Sheet, number: int, values: dict[str, Any], book: Book) -> None:
    for name in list(values):
        column = sheet.column(name)
        if column is None:
            continue
        try:
            values[name] = READERS[column.kind](values[name])
        except CellError as exc:
            book.problem(f"{sheet.name} row {number}", name, str(exc), exc.fix)
            del values[name]


def _kv_cells(sheet: Sheet, number: int, values: dict[str, Any], book: Book) -> str | None:
    """Turn a ``field``/``value`` row into ``{field: value}`` (empty when the value is blank).

    Returns the field's name when it is one of the sheet's fields.
    """
    where = f"{sheet.name} row {number}"
    raw_name = values.pop("field", None)
    raw_value = values.pop("value", None)
    if raw_name is None:
        book.problem(where, "field", "a value without a field name", "name the field")
        return None
    name = _header_name(raw_name) or ""
    column = sheet.column(name)
    if column is None:
        book.problem(
            where,
            "field",
            f"unknown field '{clip(str(raw_name))}'"
            + did_you_mean(name, [c.name for c in sheet.columns]),
            f"use one of {', '.join(c.name for c in sheet.columns)}",
        )
        return None
    if raw_value is not None:
        try:
            values[name] = READERS[column.kind](raw_value)
        except CellError as exc:
            book.problem(where, name, str(exc), exc.fix)
    return name
