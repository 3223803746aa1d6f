"""Scenario workbooks: one sheet per table, for analysts who prefer Excel to YAML.

Layout (see :func:`write_template`, whose ``README`` sheet explains every column):

* ``scenario`` and ``settings``: two columns ``field`` and ``value`` (a third ``notes``
  column is ignored). ``periods`` is a comma-separated list of labels and may continue on
  further ``periods`` rows (one year of months per row reads well); ``sources`` takes one
  source per row (repeat the ``sources`` row).
* every other sheet: a header row with the column names, then one row per entry. Blank
  cells mean "absent" (the schema's default applies); blank rows are skipped.
* ``capabilities``: one row per (capability, item, factor); ``offers``: one row per
  (producer, item), their discount tiers on ``tiers``, nations' commitments to it on
  ``commitments`` and, optionally, a capacity that varies by period on ``capacity`` (then
  leave the offer's ``capacity`` cell blank); orders already placed on ``placed_orders``
  (``deliveries`` as ``period: units`` pairs);
  ``funds`` and their members on ``fund_members`` (key shares or pledge ranges).
* lists are comma- (or semicolon-) separated text: ``PzH2000, CAESAR``; mappings and
  series are ``key: number`` pairs: ``UKR: 2.5, POL: 1``, ``2025Q3: 6000, 2026Q1: 20000``.
* sheets whose names start with ``_`` and any ``notes`` column are ignored.

Excel gives every number as a float; whole-number fields get whole numbers back, and
problems name the sheet and row (``offers row 5``) as the analyst sees them.

The modules, in the order data flows: :mod:`~aggregate.io.excel.layout` (the sheets and
columns), :mod:`~aggregate.io.excel.cells` (one cell's value by its kind),
:mod:`~aggregate.io.excel.read` (safe opening and the rows of each sheet),
:mod:`~aggregate.io.excel.assemble` (rows into raw scenario data) and
:mod:`~aggregate.io.excel.write` (a scenario or the template as a workbook). Apart from
scenarios, :mod:`~aggregate.io.excel.solution` writes a solved plan as a workbook to read
(``plan.to_excel``).
"""

from aggregate.io.excel.layout import KINDS, NOTES, README, SHEET_BY_NAME, SHEETS, Column, Sheet
from aggregate.io.excel.read import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    load_excel,
    read_excel,
)
from aggregate.io.excel.write import write_excel, write_template

__all__ = [
    "KINDS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "NOTES",
    "README",
    "SHEETS",
    "SHEET_BY_NAME",
    "Column",
    "Sheet",
    "load_excel",
    "read_excel",
    "write_excel",
    "write_template",
]
