"""Scenario workbooks: one sheet per table, for analysts who prefer Excel to YAML.

Layout (see :func:`write_template`, whose ``README`` sheet explains every column):

* ``scenario`` and ``settings``: two columns ``field`` and ``value`` (a third ``notes``
  column is ignored). ``periods`` is a comma-separated list of labels and may continue on
  further ``periods`` rows (one year of months per row reads well); ``sources`` takes one
  source per row (repeat the ``sources`` row).
* every other sheet: a header row with the column names, then one row per entry. Blank
  cells mean "absent" (the schema's default applies); blank rows are skipped.
* ``capabilities``: one row per (capability, item, factor); ``offers``: one row per
  (producer, item), their discount tiers on ``tiers`` and, optionally, a capacity that
  varies by period on ``capacity`` (then leave the offer's ``capacity`` cell blank);
  ``funds`` and their members on ``fund_members`` (key shares or pledge ranges).
* lists are comma- (or semicolon-) separated text: ``PzH2000, CAESAR``; mappings and
  series are ``key: number`` pairs: ``UKR: 2.5, POL: 1``, ``2025Q3: 6000, 2026Q1: 20000``.
* sheets whose names start with ``_`` and any ``notes`` column are ignored.

Excel gives every number as a float; whole-number fields get whole numbers back, and
problems name the sheet and row (``offers row 5``) as the analyst sees them.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from pydantic import BaseModel

from aggregate.errors import Problem, ScenarioError, entry_label
from aggregate.io.cells import guard_formula_text
from aggregate.io.files import check_size, file_error, scenario_data, write_bytes_with
from aggregate.schema import (
    Capability,
    Component,
    ComponentSupplier,
    Demand,
    Equivalence,
    Expansion,
    Fund,
    Item,
    KeyRule,
    Nation,
    Offer,
    Pledge,
    Producer,
    Scenario,
    SolveSettings,
    Stockpile,
    Tier,
)
from aggregate.validation import validate

MAX_ROWS = 100_000
"""Most rows read from one sheet."""

MAX_COLUMNS = 200
"""Most columns read from one sheet."""

MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
"""Largest total size of a workbook's unpacked parts (refuses "zip bombs")."""

# ------------------------------------------------------------------------------ the layout

KINDS: dict[str, str] = {
    "text": "text",
    "label": "text: an id, code or period label",
    "number": "number",
    "whole": "whole number",
    "bool": "TRUE or FALSE",
    "list": "list, comma-separated (blank: empty)",
    "optlist": "list, comma-separated (blank: no restriction; `none`: empty list)",
    "series": "number, or a series `period: value, period: value` (step function)",
    "mapping": "pairs `key: number, key: number`",
    "labels": "period labels, comma-separated; may continue on further `periods` rows",
    "lines": "text, one per row (repeat the field on further rows)",
}
"""Cell kinds and how to write them."""


@dataclass(frozen=True)
class Column:
    """One column of a sheet (or one field of a key/value sheet)."""

    name: str
    kind: str
    doc: str
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    key_value: bool = False
    """``field``/``value`` rows instead of a table."""

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _describe(model: type[BaseModel], name: str) -> str:
    text = model.model_fields[name].description or ""
    return " ".join(text.replace("``", "").split())


def _col(
    model: type[BaseModel], name: str, kind: str, column: str | None = None, doc: str = ""
) -> Column:
    """A column documented by the schema field ``model.name``."""
    info = model.model_fields[name]
    return Column(column or name, kind, doc or _describe(model, name), info.is_required())


def _key(name: str, doc: str, kind: str = "label") -> Column:
    """A column linking rows of two sheets (always required)."""
    return Column(name, kind, doc, True)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "scenario",
        "The scenario's name, periods and sources: one field per row.",
        (
            _col(Scenario, "name", "text"),
            _col(Scenario, "description", "text"),
            _col(Scenario, "currency", "text"),
            _col(Scenario, "periods", "labels"),
            _col(Scenario, "sources", "lines"),
        ),
        key_value=True,
    ),
    Sheet(
        "nations",
        "One row per nation.",
        (
            _col(Nation, "code", "label"),
            _col(Nation, "name", "text"),
            _col(Nation, "gni", "number"),
            _col(Nation, "gdp", "number"),
            _col(Nation, "budget", "number"),
            _col(Nation, "budget_per_period", "series"),
            _col(Nation, "memberships", "list"),
            _col(Nation, "systems", "list"),
        ),
    ),
    Sheet(
        "items",
        "One row per item.",
        (
            _col(Item, "id", "label"),
            _col(Item, "name", "text"),
            _col(Item, "unit", "text"),
            _col(Item, "systems", "list"),
            _col(Item, "components", "mapping"),
        ),
    ),
    Sheet(
        "capabilities",
        "One row per (capability, item): the items that meet each capability. Repeat the "
        "capability's id on each of its rows; its name and unit may be given on any one.",
        (
            _key("capability", _describe(Capability, "id")),
            _col(Capability, "name", "text"),
            _col(Capability, "unit", "text"),
            _col(Equivalence, "item", "label"),
            _col(Equivalence, "factor", "number"),
        ),
    ),
    Sheet(
        "demands",
        "One row per demand.",
        tuple(
            _col(Demand, name, kind)
            for name, kind in (
                ("id", "label"),
                ("nation", "label"),
                ("capability", "label"),
                ("period", "label"),
                ("quantity", "number"),
                ("priority", "number"),
                ("max_lateness", "whole"),
                ("shortfall_penalty", "number"),
                ("lateness_penalty", "number"),
            )
        ),
    ),
    Sheet(
        "stockpiles",
        "One row per (nation, item) stock.",
        tuple(
            _col(Stockpile, name, kind)
            for name, kind in (
                ("nation", "label"),
                ("item", "label"),
                ("on_hand", "number"),
                ("floor", "series"),
                ("floor_type", "text"),
                ("floor_penalty", "number"),
                ("donor", "bool"),
                ("refill_target", "number"),
                ("refill_by", "label"),
                ("refill_penalty", "number"),
                ("holding_cost", "series"),
                ("unit_value", "number"),
            )
        ),
    ),
    Sheet(
        "producers",
        "One row per producer; their offers are on the offers sheet.",
        (
            _col(Producer, "id", "label"),
            _col(Producer, "name", "text"),
            _col(Producer, "country", "label"),
        ),
    ),
    Sheet(
        "offers",
        "One row per (producer, item) offer. Discount tiers go on the tiers sheet; a "
        "capacity that varies by period may go on the capacity sheet instead of here.",
        (
            _key("producer", "Producer id (a row of the producers sheet)."),
            *(
                _col(Offer, name, kind)
                for name, kind in (
                    ("item", "label"),
                    ("capacity", "series"),
                    ("price", "number"),
                    ("min_order", "number"),
                    ("lot_size", "number"),
                    ("lead_time", "whole"),
                    ("contract_cost", "number"),
                    ("order_period_cost", "series"),
                    ("delivery_cost", "number"),
                    ("delivery_cost_to", "mapping"),
                )
            ),
        ),
    ),
    Sheet(
        "tiers",
        "One row per volume-discount tier of an offer, in increasing volumes.",
        (
            _key("producer", "Producer id of the offer."),
            _key("item", "Item id of the offer."),
            _col(Tier, "min_volume", "number"),
            _col(Tier, "price", "number"),
        ),
    ),
    Sheet(
        "capacity",
        "Optional: an offer's capacity by period, one row per (producer, item, period); the "
        "value holds until the next period given, and is 0 before the first. Leave the "
        "offer's capacity cell blank when using this sheet.",
        (
            _key("producer", "Producer id of the offer."),
            _key("item", "Item id of the offer."),
            _key("period", "Period from which the capacity holds."),
            _key("capacity", _describe(Offer, "capacity"), kind="number"),
        ),
    ),
    Sheet(
        "expansions",
        "One row per capacity expansion option.",
        tuple(
            _col(Expansion, name, kind)
            for name, kind in (
                ("id", "label"),
                ("producer", "label"),
                ("item", "label"),
                ("added_capacity", "number"),
                ("investment_cost", "number"),
                ("lead_periods", "whole"),
                ("earliest_start", "label"),
                ("latest_start", "label"),
                ("sponsor", "label"),
            )
        ),
    ),
    Sheet(
        "components",
        "One row per component (the bill of materials is the items sheet's components).",
        (
            _col(Component, "id", "label"),
            _col(Component, "name", "text"),
            _col(Component, "unit", "text"),
        ),
    ),
    Sheet(
        "component_suppliers",
        "One row per component supplier.",
        tuple(
            _col(ComponentSupplier, name, kind)
            for name, kind in (
                ("id", "label"),
                ("name", "text"),
                ("country", "label"),
                ("component", "label"),
                ("capacity", "series"),
                ("serves", "list"),
            )
        ),
    ),
    Sheet(
        "funds",
        "One row per fund; members (and their key shares or pledges) are on fund_members.",
        (
            _col(Fund, "id", "label"),
            _col(Fund, "name", "text"),
            Column(
                "rule",
                "text",
                "Contribution rule: key (a burden-sharing key, the default) or pledge "
                "(voluntary pledges, given on fund_members).",
            ),
            _col(KeyRule, "basis", "text", doc="Key rule: " + _describe(KeyRule, "basis")),
            _col(KeyRule, "tolerance", "number", doc=_describe(KeyRule, "tolerance")),
            *(
                _col(Fund, name, kind)
                for name, kind in (
                    ("cap", "number"),
                    ("committed", "number"),
                    ("uses", "list"),
                    ("eligible_producer_countries", "optlist"),
                    ("eligible_beneficiaries", "optlist"),
                    ("max_cofinancing_share", "number"),
                    ("min_nations_per_contract", "whole"),
                )
            ),
        ),
    ),
    Sheet(
        "fund_members",
        "One row per (fund, member nation), in the order of the members.",
        (
            _key("fund", "Fund id (a row of the funds sheet)."),
            _key("nation", "Member nation (ISO alpha-3)."),
            Column(
                "key_share",
                "number",
                "Key rule with basis custom: the member's weight (normalised over members).",
            ),
            _col(Pledge, "min", "number", "pledge_min", "Pledge rule: " + _describe(Pledge, "min")),
            _col(Pledge, "max", "number", "pledge_max", "Pledge rule: " + _describe(Pledge, "max")),
        ),
    ),
    Sheet(
        "settings",
        "Objective and solver settings: one field per row; a blank value keeps the default.",
        tuple(
            _col(SolveSettings, name, kind)
            for name, kind in (
                ("objective", "text"),
                ("needs_tolerance", "number"),
                ("lateness_weight", "number"),
                ("default_shortfall_penalty", "number"),
                ("default_lateness_penalty", "number"),
                ("solver", "text"),
                ("time_limit", "number"),
                ("mip_gap", "number"),
                ("threads", "whole"),
            )
        ),
        key_value=True,
    ),
)
"""Every sheet of a scenario workbook, in the order written."""

SHEET_BY_NAME = {s.name: s for s in SHEETS}
README = "README"
NOTES = "notes"
_KV_HEADER = ("field", "value", NOTES)


# --------------------------------------------------------------------------- cell values


class _CellError(ValueError):
    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.fix = fix


_DATE_FIX = "format the column as Text and type the label again (or start it with ')"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, bool):
        raise _CellError(f"expected text, got {value}", "write text")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        raise _CellError(f"Excel stored this as a date ({value})", _DATE_FIX)
    if isinstance(value, float):
        return _number_text(value)
    return str(value).strip()


def _number(value: Any) -> float:
    if isinstance(value, bool | dt.datetime | dt.date | dt.time):
        raise _CellError(f"expected a number, got {value}", "write a plain number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        try:
            number = float(text)
        except ValueError:
            raise _CellError(
                f"expected a number, got '{_clip(text)}'",
                "write a plain number without units or thousands separators",
            ) from None
    if not math.isfinite(number):
        raise _CellError(f"expected a finite number, got {value}", "write a finite number")
    return number


def _whole(value: Any) -> int:
    number = _number(value)
    if not number.is_integer():
        raise _CellError(f"expected a whole number, got {value}", "write a whole number")
    return int(number)


_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0"}


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise _CellError(f"expected TRUE or FALSE, got '{_clip(str(value))}'", "write TRUE or FALSE")


def _split(value: Any) -> list[str]:
    text = _text(value)
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _optlist(value: Any) -> list[str]:
    if isinstance(value, str) and value.strip().lower() == "none":
        return []
    return _split(value)


def _mapping(value: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in _split(value):
        key, colon, number = part.rpartition(":")
        if not colon or not key.strip():
            raise _CellError(
                f"expected `key: number` pairs, got '{_clip(part)}'",
                "write pairs such as `2025Q3: 6000, 2026Q1: 20000`",
            )
        key = key.strip()
        if key in out:
            raise _CellError(f"'{key}' is given twice", "give each key once")
        out[key] = _number(number)
    return out


def _series(value: Any) -> float | dict[str, float]:
    if isinstance(value, str) and ":" in value:
        return _mapping(value)
    return _number(value)


_READERS: dict[str, Callable[[Any], Any]] = {
    "text": _text,
    "label": _text,
    "number": _number,
    "whole": _whole,
    "bool": _bool,
    "list": _split,
    "optlist": _optlist,
    "series": _series,
    "mapping": _mapping,
    "labels": _split,
    "lines": _text,
}


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


# ------------------------------------------------------------------------------- reading


@dataclass
class _Book:
    """What is read from a workbook, with where each entry came from."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    rows: list[tuple[tuple[str | int, ...], str]] = field(default_factory=list)
    """Path in the raw data -> ``sheet row N``."""
    fields: dict[str, str] = field(default_factory=dict)
    """Key/value field (``periods``, ``settings.solver``) -> ``sheet row N``."""
    sheets: set[str] = field(default_factory=set)

    def problem(self, where: str, column: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(where, column, message, fix))


@dataclass(frozen=True)
class _Row:
    number: int
    """Row number as Excel shows it."""
    values: dict[str, Any]
    """Column -> converted value (blank cells left out)."""
    kv_field: str | None = None
    """Key/value sheets: the row's field (also when its value is blank)."""


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
        raise ScenarioError(_locate(exc.problems, raw, book), exc.file) from None


def _read(path: Path) -> tuple[dict[str, Any], _Book]:
    check_size(path)
    _check_zip(path)
    book = _Book(str(path))
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
            path, f"cannot open the workbook ({type(exc).__name__}: {_clip(str(exc))})", _XLSX_FIX
        ) from None
    for title in listed:
        name = title.strip().lower()
        if name != README.lower() and not name.startswith("_"):
            book.problem(
                f"sheet '{_clip(title)}'",
                "",
                "the workbook lists this sheet but its data is missing (the file is damaged)",
                _DAMAGED_FIX,
            )
    try:
        tables: dict[str, list[_Row]] = {}
        kv: dict[str, list[_Row]] = {}
        for title in workbook.sheetnames:
            name = title.strip().lower()
            if name == README.lower() or name.startswith("_"):
                continue
            sheet = SHEET_BY_NAME.get(name)
            if sheet is None:
                book.problem(
                    f"sheet '{title}'",
                    "",
                    "unknown sheet",
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
                    f"{_clip(str(exc))})",
                    _DAMAGED_FIX,
                )
                continue
            (kv if sheet.key_value else tables)[name] = rows
    finally:
        workbook.close()
    if book.problems:
        raise ScenarioError(book.problems, book.file)
    raw = _assemble(tables, kv, book)
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
                        f"the part '{_clip(info.filename)}' declares a DTD (<!DOCTYPE ...>), "
                        "which Excel never writes and which can hide entity expansions",
                        "open it in Excel and save it again as an .xlsx workbook",
                    )
    except ScenarioError:
        raise
    except (zipfile.BadZipFile, OSError):
        raise file_error(path, "this is not an .xlsx workbook", _XLSX_FIX) from None
    except Exception as exc:  # zlib, a bad checksum, a part cut short: damaged
        raise file_error(
            path,
            f"the workbook is damaged ({type(exc).__name__}: {_clip(str(exc))})",
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


def _sheet_rows(ws: Any, sheet: Sheet, book: _Book) -> list[_Row]:
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
    expected = _KV_HEADER if sheet.key_value else (*(c.name for c in sheet.columns), NOTES)
    columns: list[str | None] = []
    for name in header:
        if name is not None and (name not in expected or name in columns):
            book.problem(
                f"{sheet.name} row 1",
                name,
                "duplicate column" if name in columns else "unknown column",
                f"use the columns {', '.join(expected)}",
            )
            name = None
        columns.append(None if name == NOTES else name)
    if sheet.key_value:
        for name in ("field", "value"):
            if name not in columns:
                book.problem(f"{sheet.name} row 1", name, "missing column", "add it")
    out: list[_Row] = []
    for number, cells in enumerate(rows, start=2):
        if all(_blank(c) for c in cells):
            continue
        if len(out) >= MAX_ROWS:
            book.problem(f"{sheet.name} row {number}", "", f"more than {MAX_ROWS:,} rows")
            break
        values: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            if _blank(cell):
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
            out.append(_Row(number, values, _kv_cells(sheet, number, values, book)))
        else:
            _convert(sheet, number, values, book)
            out.append(_Row(number, values))
    return out


def _header_name(cell: Any) -> str | None:
    if _blank(cell):
        return None
    return "_".join(str(cell).strip().lower().split())


def _convert(sheet: Sheet, number: int, values: dict[str, Any], book: _Book) -> None:
    for name in list(values):
        column = sheet.column(name)
        if column is None:
            continue
        try:
            values[name] = _READERS[column.kind](values[name])
        except _CellError as exc:
            book.problem(f"{sheet.name} row {number}", name, str(exc), exc.fix)
            del values[name]


def _kv_cells(sheet: Sheet, number: int, values: dict[str, Any], book: _Book) -> str | None:
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
            f"unknown field '{_clip(str(raw_name))}'",
            f"use one of {', '.join(c.name for c in sheet.columns)}",
        )
        return None
    if raw_value is not None:
        try:
            values[name] = _READERS[column.kind](raw_value)
        except _CellError as exc:
            book.problem(where, name, str(exc), exc.fix)
    return name


# ---------------------------------------------------------------------------- assembling


def _assemble(
    tables: dict[str, list[_Row]], kv: dict[str, list[_Row]], book: _Book
) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    raw.update(_assemble_kv("scenario", kv.get("scenario", []), book, ""))
    settings = _assemble_kv("settings", kv.get("settings", []), book, "settings.")
    if settings:
        raw["settings"] = settings

    for name in ("nations", "items"):
        _plain(raw, name, tables.get(name), book)
    _capabilities(raw, tables.get("capabilities"), book)
    for name in ("demands", "stockpiles"):
        _plain(raw, name, tables.get(name), book)
    _producers(raw, tables, book)
    for name in ("expansions", "components", "component_suppliers"):
        _plain(raw, name, tables.get(name), book)
    _funds(raw, tables, book)
    # the schema's order of fields, so a dump of the raw data reads like a YAML scenario
    order = list(Scenario.model_fields)
    return {k: raw[k] for k in sorted(raw, key=order.index)}


def _assemble_kv(sheet: str, rows: list[_Row], book: _Book, prefix: str) -> dict[str, Any]:
    spec = SHEET_BY_NAME[sheet]
    out: dict[str, Any] = {}
    for row in rows:
        if row.kv_field is not None:
            book.fields.setdefault(prefix + row.kv_field, f"{sheet} row {row.number}")
        for name, value in row.values.items():
            kind = spec.column(name).kind  # type: ignore[union-attr]
            where = f"{sheet} row {row.number}"
            if kind == "labels":
                out.setdefault(name, []).extend(value)
            elif kind == "lines":
                out.setdefault(name, []).append(value)
            elif name in out:
                book.problem(
                    where,
                    name,
                    f"'{name}' is given twice (first in {book.fields[prefix + name]})",
                    "keep one row",
                )
            else:
                out[name] = value
    return out


def _plain(raw: dict[str, Any], name: str, rows: list[_Row] | None, book: _Book) -> None:
    if rows is None:
        return
    entries = raw.setdefault(name, [])
    for row in rows:
        book.rows.append(((name, len(entries)), f"{name} row {row.number}"))
        entries.append(dict(row.values))


def _required(sheet: str, row: _Row, names: Iterable[str], book: _Book) -> bool:
    missing = [n for n in names if n not in row.values]
    for n in missing:
        book.problem(f"{sheet} row {row.number}", n, "missing value", f"fill in the {n}")
    return not missing


def _capabilities(raw: dict[str, Any], rows: list[_Row] | None, book: _Book) -> None:
    if rows is None:
        return
    caps: list[dict[str, Any]] = raw.setdefault("capabilities", [])
    index: dict[str, int] = {}
    first_row: dict[str, int] = {}
    for row in rows:
        if not _required("capabilities", row, ["capability"], book):
            continue
        values = dict(row.values)
        cap_id = values.pop("capability")
        where = f"capabilities row {row.number}"
        if cap_id not in index:
            index[cap_id] = len(caps)
            first_row[cap_id] = row.number
            caps.append({"id": cap_id, "satisfied_by": []})
            book.rows.append((("capabilities", index[cap_id]), where))
        cap = caps[index[cap_id]]
        for name in ("name", "unit"):
            if name not in values:
                continue
            value = values.pop(name)
            if name in cap and cap[name] != value:
                book.problem(
                    where,
                    name,
                    f"'{_clip(value)}' differs from '{_clip(cap[name])}' given for "
                    f"capability {cap_id} in row {first_row[cap_id]}",
                    "give the same value on every row of the capability, or leave it blank",
                )
            cap[name] = value
        if values:
            path = ("capabilities", index[cap_id], "satisfied_by", len(cap["satisfied_by"]))
            book.rows.append((path, where))
            cap["satisfied_by"].append(values)


def _producers(raw: dict[str, Any], tables: dict[str, list[_Row]], book: _Book) -> None:
    rows = tables.get("producers")
    if rows is None and not any(tables.get(n) for n in ("offers", "tiers", "capacity")):
        return
    producers: list[dict[str, Any]] = raw.setdefault("producers", [])
    by_id: dict[str, int] = {}
    for row in rows or []:
        pid = row.values.get("id")
        if isinstance(pid, str):
            by_id.setdefault(pid, len(producers))
        book.rows.append((("producers", len(producers)), f"producers row {row.number}"))
        producers.append({**row.values, "offers": []})

    offers: dict[tuple[str, str], tuple[dict[str, Any], int]] = {}
    for row in tables.get("offers", []):
        if not _required("offers", row, ["producer"], book):
            continue
        values = dict(row.values)
        pid = values.pop("producer")
        if pid not in by_id:
            book.problem(
                f"offers row {row.number}",
                "producer",
                f"producer '{_clip(pid)}' is not on the producers sheet",
                "add the producer there, or correct the id",
            )
            continue
        p = by_id[pid]
        path = ("producers", p, "offers", len(producers[p]["offers"]))
        book.rows.append((path, f"offers row {row.number}"))
        producers[p]["offers"].append(values)
        if isinstance(values.get("item"), str):
            offers.setdefault((pid, values["item"]), (values, row.number))

    def offer_of(sheet: str, row: _Row) -> dict[str, Any] | None:
        if not _required(sheet, row, ["producer", "item"], book):
            return None
        key = (row.values["producer"], row.values["item"])
        if key not in offers:
            book.problem(
                f"{sheet} row {row.number}",
                "item",
                f"no offer of item '{_clip(key[1])}' by producer '{_clip(key[0])}' on the "
                "offers sheet",
                "add the offer, or correct the ids",
            )
            return None
        return offers[key][0]

    for row in tables.get("tiers", []):
        offer = offer_of("tiers", row)
        if offer is None:
            continue
        tiers = offer.setdefault("tiers", [])
        tier_path = (*_path_of(offer, producers), "tiers", len(tiers))
        book.rows.append((tier_path, f"tiers row {row.number}"))
        tiers.append({k: v for k, v in row.values.items() if k not in ("producer", "item")})

    from_sheet: set[int] = set()
    for row in tables.get("capacity", []):
        offer = offer_of("capacity", row)
        if offer is None or not _required("capacity", row, ["period", "capacity"], book):
            continue
        where = f"capacity row {row.number}"
        if "capacity" in offer and id(offer) not in from_sheet:
            offer_row = offers[(row.values["producer"], row.values["item"])][1]
            book.problem(
                where,
                "capacity",
                f"the offer already has a capacity in offers row {offer_row}",
                "leave the offer's capacity cell blank to give it by period here",
            )
            continue
        from_sheet.add(id(offer))
        series = offer.setdefault("capacity", {})
        period = row.values["period"]
        if period in series:
            book.problem(where, "period", f"period '{_clip(period)}' is given twice", "keep one")
            continue
        series[period] = row.values["capacity"]


def _path_of(offer: dict[str, Any], producers: list[dict[str, Any]]) -> tuple[str | int, ...]:
    for p, producer in enumerate(producers):
        for o, candidate in enumerate(producer["offers"]):
            if candidate is offer:
                return ("producers", p, "offers", o)
    raise AssertionError("offer not found")  # pragma: no cover - offers come from producers


_KEY_COLUMNS = ("basis", "tolerance")


def _funds(raw: dict[str, Any], tables: dict[str, list[_Row]], book: _Book) -> None:
    rows = tables.get("funds")
    if rows is None and not tables.get("fund_members"):
        return
    funds: list[dict[str, Any]] = raw.setdefault("funds", [])
    by_id: dict[str, int] = {}
    rules: list[str | None] = []
    for row in rows or []:
        values = dict(row.values)
        rule = values.pop("rule", None)
        contribution = {k: values.pop(k) for k in _KEY_COLUMNS if k in values}
        if rule is not None or contribution:
            contribution = {"rule": rule or "key", **contribution}
            values["contribution"] = contribution
        values["members"] = []
        fid = values.get("id")
        if isinstance(fid, str):
            by_id.setdefault(fid, len(funds))
        book.rows.append((("funds", len(funds)), f"funds row {row.number}"))
        funds.append(values)
        rules.append(rule or "key")

    for row in tables.get("fund_members", []):
        where = f"fund_members row {row.number}"
        if not _required("fund_members", row, ["fund", "nation"], book):
            continue
        fid, nation = row.values["fund"], row.values["nation"]
        if fid not in by_id:
            book.problem(
                where,
                "fund",
                f"fund '{_clip(fid)}' is not on the funds sheet",
                "add the fund there, or correct the id",
            )
            continue
        f = by_id[fid]
        fund, rule = funds[f], rules[f]
        book.rows.append((("funds", f, "members", len(fund["members"])), where))
        fund["members"].append(nation)
        if "key_share" in row.values:
            if rule != "key":
                book.problem(
                    where,
                    "key_share",
                    f"fund {fid} has the rule '{rule}', not key",
                    "leave key_share blank, or set the fund's rule to key",
                )
            else:
                contribution = fund.setdefault("contribution", {"rule": "key"})
                contribution.setdefault("shares", {})[nation] = row.values["key_share"]
        pledge = {
            bound: row.values[f"pledge_{bound}"]
            for bound in ("min", "max")
            if f"pledge_{bound}" in row.values
        }
        if pledge:
            if rule != "pledge":
                book.problem(
                    where,
                    "pledge_min" if "min" in pledge else "pledge_max",
                    f"fund {fid} has the rule '{rule}', not pledge",
                    "set the fund's rule to pledge on the funds sheet, or leave the pledge blank",
                )
            else:
                fund["contribution"].setdefault("pledges", {})[nation] = pledge


def _locate(problems: list[Problem], raw: dict[str, Any], book: _Book) -> list[Problem]:
    """Add the sheet and row to problems found by validation (``offers row 5 (...)``)."""
    labels: dict[str, str] = {}
    for path, row in book.rows:
        labels.setdefault(entry_label(raw, path), row)
    out = []
    for problem in problems:
        where: str | None = labels.get(problem.entry)
        if where is not None:
            out.append(replace(problem, entry=f"{where} ({problem.entry})"))
            continue
        if problem.entry == "scenario":
            top = problem.field.split(".")[0]
            where = book.fields.get(problem.field) or book.fields.get(top)
            if where is None and top in SHEET_BY_NAME:
                where = f"{top} sheet"
            elif where is None and SHEET_BY_NAME["scenario"].column(top):
                where = "scenario sheet"
        out.append(replace(problem, entry=where) if where else problem)
    return out


# ------------------------------------------------------------------------------- writing


def write_template(path: str | Path) -> Path:
    """Write an empty scenario workbook: every sheet with its headers, and a README sheet
    explaining each column, its unit and how to write it. Returns the path."""
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
    for ws in workbook.worksheets:  # names and labels come from the file's author
        for cells in ws.iter_rows():
            guard_formula_text(cells)
    write_bytes_with(path, workbook.save)
    return path


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
        "Sheets whose names start with _ and columns named notes are ignored.",
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
            ws.append(
                [
                    sheet.name,
                    column.name,
                    KINDS[column.kind],
                    "yes" if column.required else "",
                    column.doc,
                ]
            )
    for letter, width in zip("ABCDE", (20, 28, 40, 9, 100), strict=True):
        ws.column_dimensions[letter].width = width


def _write_sheet(ws: Any, sheet: Sheet, rows: list[list[Any]], template: bool) -> None:
    header = list(_KV_HEADER) if sheet.key_value else [c.name for c in sheet.columns]
    ws.append(header)
    for index, cell in enumerate(ws[1]):
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        if not sheet.key_value:
            column = sheet.columns[index]
            note = f"{column.doc}\n\nWrite: {KINDS[column.kind]}."
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


def _is_text_field(sheet: Sheet, name: str) -> bool:
    column = sheet.column(name)
    return column is not None and column.kind in ("text", "label", "labels", "lines")


def _text_columns(sheet: Sheet) -> list[int]:
    if sheet.key_value:
        return [1]
    return [i for i, c in enumerate(sheet.columns) if c.kind in ("text", "label")]


def _cell(kind: str, value: Any, where: str) -> Any:
    """A value of the raw data as written in a cell of ``kind``."""
    if value is None:
        return None
    if kind in ("list", "optlist", "labels"):
        if kind != "optlist" and not value:
            return None
        if not value:
            return "none"
        for entry in value:
            if any(sep in str(entry) for sep in ",;"):
                raise ValueError(
                    f"{where}: '{entry}' contains a comma or semicolon, which a workbook "
                    "cannot hold in a list; save as YAML or JSON instead"
                )
        return ", ".join(str(v) for v in value)
    if kind in ("series", "mapping") and isinstance(value, dict):
        if not value:
            return 0 if kind == "series" else None
        for key in value:
            if any(sep in str(key) for sep in ",;"):
                raise ValueError(f"{where}: the key '{key}' contains a comma or semicolon")
        return ", ".join(f"{k}: {_number_text(v)}" for k, v in value.items())
    if kind == "text" and value == "":
        return None
    return value


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
                cell = _cell("labels", chunk, f"scenario {column.name}")
                rows.append([column.name, cell, note if start == 0 else None])
        elif column.kind in ("lines", "labels"):
            rows.append([column.name, None, note])
        else:
            rows.append([column.name, _cell(column.kind, value, column.name), note])
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
                _cell(c.kind, record.get(c.name), f"{sheet.name} row {n}, {c.name}")
                for c in sheet.columns
            ]
        )
        unknown = set(record) - set(names)
        if unknown:  # pragma: no cover - guarded by the layout test
            raise AssertionError(f"{sheet.name}: no column for {sorted(unknown)}")
    return out


def _records(name: str, data: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """The rows of sheet ``name`` as dicts column -> raw value."""
    plain = ("nations", "items", "demands", "stockpiles", "expansions", "components")
    if name in (*plain, "component_suppliers"):
        yield from data[name]
    elif name == "capabilities":
        for cap in data["capabilities"]:
            head = {"capability": cap["id"], "name": cap["name"], "unit": cap["unit"]}
            for eq in cap["satisfied_by"]:
                yield {**head, **eq}
    elif name == "producers":
        for p in data["producers"]:
            yield {k: v for k, v in p.items() if k != "offers"}
    elif name in ("offers", "tiers", "capacity"):
        for p in data["producers"]:
            for offer in p["offers"]:
                key = {"producer": p["id"], "item": offer["item"]}
                if name == "offers":
                    series = isinstance(offer["capacity"], dict) and offer["capacity"]
                    yield {
                        "producer": p["id"],
                        **{k: v for k, v in offer.items() if k != "tiers"},
                        "capacity": None if series else offer["capacity"],
                    }
                elif name == "tiers":
                    yield from ({**key, **tier} for tier in offer["tiers"])
                elif isinstance(offer["capacity"], dict):
                    for period, value in offer["capacity"].items():
                        yield {**key, "period": period, "capacity": value}
    elif name == "funds":
        for fund in data["funds"]:
            rule = fund["contribution"]
            row = {k: v for k, v in fund.items() if k not in ("contribution", "members")}
            row["rule"] = rule["rule"]
            if rule["rule"] == "key":
                row.update(basis=rule["basis"], tolerance=rule["tolerance"])
            yield row
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
