"""Tables that fit the terminal: units in the headers, money scaled, never a cut cell.

A table wider than the console is split into several stacked tables, each repeating the
key columns (``nation``, ``item``, ...), rather than letting rich cut cells to "…"; a text
cell longer than its column wraps (``overflow="fold"``), and so do headers. A table whose
money reaches a million shows its money in millions (``EUR m``), else to the cent; a unit
every numeric column shares goes into the title; quantities are whole where they are whole
(to 1e-6), shares in percent.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from aggregate.tables import MIXED_CAPABILITIES, MIXED_ITEMS

SIGNIFICANT = 10
"""Digits a fractional quantity is shown to (at most 6 after the point)."""
TEXT_WIDTH = 24
"""Least width of a column of text that wraps (names, descriptions)."""
MILLION = 1e6
"""Money columns reaching this are shown in millions."""
_FRAME = 4
"""Characters a table adds to its columns' widths: its two outer borders and a margin."""
_PER_COLUMN = 3
"""Characters each column adds: its padding and the border between columns."""


def is_money(unit: str, currency: str) -> bool:
    return bool(currency) and unit == currency


def money_scale(values: pd.Series) -> float:
    """1e6 for a column whose largest magnitude reaches a million, else 1."""
    finite = pd.to_numeric(values, errors="coerce").abs()
    top = finite.max() if finite.notna().any() else 0.0
    return MILLION if top >= MILLION else 1.0


def format_number(value: object, unit: str = "", currency: str = "", scale: float = 1.0) -> str:
    """A cell: money to the cent (or in millions), shares in percent, other numbers whole
    where they are whole to 1e-6 (else to 1e-6, trailing zeros dropped)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, numbers.Real):
        return "" if value is None else str(value)
    number = float(value)
    if math.isnan(number):
        return "-"
    if is_money(unit, currency):
        if scale != 1.0:
            return f"{number / scale:,.2f}"
        cents = round(number, 2)
        return f"{cents:,.0f}" if cents.is_integer() else f"{cents:,.2f}"
    if unit == "share":
        return f"{number:.1%}" if abs(number) >= 0.001 or number == 0 else f"{number * 100:.2g}%"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    rounded = round(number, 6) + 0.0
    if rounded.is_integer():
        return f"{rounded:,.0f}"
    # ten significant digits at most (the solver's tolerances are coarser), 1e-6 at least
    whole = len(str(int(abs(rounded))))
    decimals = min(6, max(0, SIGNIFICANT - whole))
    return f"{rounded:,.{decimals}f}".rstrip("0").rstrip(".")


_NO_UNIT = ("", "count", "share", MIXED_ITEMS, MIXED_CAPABILITIES, "component units")
"""Units never named in a header: labels, counts, shares (shown as %), and the mixed units
of a column whose rows differ (a ``unit`` column beside it says each row's)."""


def common_unit(frame: pd.DataFrame, units: dict[str, str]) -> str:
    """The one unit of every numeric column that has one (shares and counts aside), or ''."""
    found = {
        units.get(str(c), "")
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c]) and units.get(str(c), "") not in _NO_UNIT
    }
    return found.pop() if len(found) == 1 else ""


def header(column: str, unit: str, common: str) -> str:
    """``cost`` over its unit (two lines); the name alone where the title gives the unit,
    or there is none to give."""
    name = column.replace("_", " ")
    if unit == "share":
        return f"{name}\n%"
    if unit in _NO_UNIT or unit == common:
        return name
    return f"{name}\n{unit}"


def _cells(
    frame: pd.DataFrame, units: dict[str, str], currency: str, scale: float
) -> tuple[list[list[str]], list[bool]]:
    """Formatted cells per column and which columns are numbers."""
    columns: list[list[str]] = []
    numeric: list[bool] = []
    for column in frame.columns:
        unit = units.get(str(column), "")
        values = frame[column]
        is_number = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        columns.append([format_number(v, unit, currency, scale) for v in values])
        numeric.append(is_number)
    return columns, numeric


def _width(head: str, cells: list[str], wraps: bool) -> int:
    """Least width a column needs without cutting: its longest cell (a text cell: its
    longest word, and :data:`TEXT_WIDTH` where it has longer text, which reads poorly
    a word a line) and its header's longest word (headers wrap)."""
    if wraps:
        longest = max((len(w) for c in cells for w in c.split()), default=0)
        longest = max(longest, min(TEXT_WIDTH, max((len(c) for c in cells), default=0)))
    else:
        longest = max((len(c) for c in cells), default=0)
    return max(longest, *(len(word) for word in head.split()), 1)


def tables(
    title: str,
    frame: pd.DataFrame,
    width: int,
    units: dict[str, str] | None = None,
    currency: str = "",
    keys: Sequence[str] = (),
    right: Sequence[str] = (),
) -> list[Table]:
    """``frame`` as rich tables no wider than ``width``: one, or several stacked ones that
    repeat the ``keys`` columns when all columns do not fit side by side. A unit shared by
    every numeric column goes into the title (``(EUR m)``); money is in millions in every
    money column of a table where one reaches a million. ``right``: text columns to
    right-align (numbers always are)."""
    units = units if units is not None else dict(frame.attrs.get("units", {}))
    money = [c for c in frame.columns if is_money(units.get(str(c), ""), currency)]
    scale = max((money_scale(frame[c]) for c in money), default=1.0)
    common = common_unit(frame, units)
    if common:
        title += f" ({common} m)" if is_money(common, currency) and scale != 1.0 else f" ({common})"
    cells, numeric = _cells(frame, units, currency, scale)
    names = [str(c) for c in frame.columns]
    headers = [header(n, units.get(n, ""), common) for n in names]
    for i, n in enumerate(names):
        if is_money(units.get(n, ""), currency) and scale != 1.0 and units.get(n) != common:
            headers[i] = f"{n.replace('_', ' ')}\n{currency} m"
    need = [_width(h, c, wraps=not n) for h, c, n in zip(headers, cells, numeric, strict=True)]
    key_at = [i for i, n in enumerate(names) if n in keys]
    rest = [i for i in range(len(names)) if i not in key_at]
    base = _FRAME + sum(need[i] + _PER_COLUMN for i in key_at)
    chunks: list[list[int]] = []
    used = base
    for i in rest:
        cost = need[i] + _PER_COLUMN
        if chunks and used + cost <= width:
            chunks[-1].append(i)
            used += cost
        else:
            chunks.append([i])
            used = base + cost
    chunks = chunks or [[]]
    natural = [
        max(max((len(c) for c in cs), default=0), *(len(line) for line in h.split("\n")))
        for h, cs in zip(headers, cells, strict=True)
    ]
    out = []
    for k, chunk in enumerate(chunks):
        part = f" ({k + 1}/{len(chunks)})" if len(chunks) > 1 else ""
        table = Table(title=title + part, title_justify="left")
        shown = [*key_at, *chunk]
        widths = _fit(shown, need, natural, width - _FRAME - _PER_COLUMN * len(shown))
        for i in shown:
            table.add_column(
                headers[i],
                justify="right" if numeric[i] or names[i] in right else "left",
                overflow="fold",
                width=widths[i],
            )
        for r in range(len(frame)):
            table.add_row(*(Text(cells[i][r]) for i in [*key_at, *chunk]))
        out.append(table)
    return out


def _fit(shown: list[int], need: list[int], natural: list[int], room: int) -> dict[int, int]:
    """Column widths (fixed, so rich neither cuts nor squeezes an id): each column's least
    width, then the room left given to the columns closest to their natural width first
    (a header on one line rather than two)."""
    widths = {i: need[i] for i in shown}
    left = room - sum(widths.values())
    for i in sorted(shown, key=lambda i: natural[i] - need[i]):
        extra = min(max(left, 0), natural[i] - widths[i])
        widths[i] += extra
        left -= extra
    return widths


def show(
    console: Console,
    title: str,
    frame: pd.DataFrame,
    units: dict[str, str] | None = None,
    currency: str = "",
    keys: Sequence[str] = (),
    right: Sequence[str] = (),
) -> None:
    """Print ``frame`` as :func:`tables` at the console's width."""
    for table in tables(title, frame, console.width, units, currency, keys, right):
        console.print(table)
