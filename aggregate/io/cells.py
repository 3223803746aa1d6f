"""Spreadsheet cells that hold text stay text: no name or label is ever run as a formula.

A scenario's text (a nation's name, a period label, an id) comes from whoever wrote the
file. Text that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) would be stored by openpyxl as a formula when it starts with ``=``, and any of
them may be run by a spreadsheet once a user edits the cell. Every workbook the package
writes passes its cells through :func:`guard_formula_text`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters with which a spreadsheet may read text as a formula."""


def is_formula_like(value: object) -> bool:
    """Whether ``value`` is text that a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def guard_formula_text(cells: Iterable[Any]) -> None:
    """Store every formula-like text among openpyxl ``cells`` as plain text.

    The cell's type becomes a string (openpyxl made ``=...`` a formula) and it gets Excel's
    quote prefix (the hidden leading ``'``), so editing the cell keeps it text too. Reading
    the workbook back gives the text unchanged. Call it on each row after writing it, e.g.
    ``ws.append(row); guard_formula_text(ws[ws.max_row])``.
    """
    for cell in cells:
        if is_formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
