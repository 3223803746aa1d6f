"""What a solve returns: status, timings, key figures and the plan's tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from aggregate.schema.scenario import DEFAULT_CURRENCY
from aggregate.status import SolveStatus
from aggregate.tables import SPECS

if TYPE_CHECKING:
    from aggregate.model.linear import Decisions


@dataclass
class Solution:
    """A solved (or failed) scenario.

    ``tables`` holds the plan as tidy DataFrames (see :data:`aggregate.tables.TABLES` for
    every column); they are empty when ``status.has_plan`` is false. :meth:`to_excel`,
    :meth:`to_parquet` and :meth:`to_json` write them with their units and currency.
    """

    scenario_name: str
    status: SolveStatus
    pooled: bool = True
    """True for the joint plan, False for the going-alone baseline."""
    objective: str = "needs_first"
    message: str = ""
    periods: list[str] = field(default_factory=list)
    """The scenario's periods in order (labels in the tables sort by this, not as text)."""
    gap: float | None = None
    """Relative MIP gap of the last stage (None when unknown)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per phase: ``build``, ``solve_needs``, ``solve_cost``, ``extract``, ``total``."""
    key_figures: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    currency: str = DEFAULT_CURRENCY
    """ISO 4217 code of every money amount in the tables and key figures (the scenario's)."""
    units: dict[str, dict[str, str]] = field(default_factory=dict)
    """What one unit is, by kind (``item``, ``capability``, ``component``) then id:
    ``{"item": {"155-L52": "round"}}`` (the scenario's ``unit`` fields; empty when unknown)."""
    indivisible: list[str] = field(default_factory=list)
    """Items counted in whole units (``Item.indivisible``)."""
    solver_settings: dict[str, Any] = field(default_factory=dict)
    """How the plan was solved: ``solver``, ``preset``, the ``highs_options`` set (the
    preset's and the scenario's or caller's), ``mip_gap``, ``time_limit`` and ``threads``."""
    decisions: Decisions = field(default_factory=dict, repr=False, compare=False)
    """The plan's whole-number decisions (contracts, tiers, delivery periods, lots, ...) by
    model variable and index: what ``aggregate.solve(other, start=solution)`` starts from.
    Not part of the exports; empty without a plan."""

    if TYPE_CHECKING:
        # each plan table is also an attribute (solution.orders, ...), set below from SPECS
        def __getattr__(self, name: str) -> pd.DataFrame: ...

    def to_excel(self, path: str | Path) -> Path:
        """Write the plan as one workbook at ``path`` (``plan.xlsx``): a README sheet (which
        plan, status, gap, solve time, currency, units, what each sheet holds and why one is
        empty), the key figures, then one sheet per table with units in the headers, number
        formats, fitted widths, a frozen header row and filters. Returns ``path``."""
        from aggregate.io.exports import write_workbook

        return write_workbook(self, path)

    def to_parquet(self, directory: str | Path) -> list[Path]:
        """Write one Parquet file per table and ``key_figures.parquet`` into ``directory``
        (created if needed; needs ``pyarrow``). Columns keep their types without rows; each
        file's ``aggregate`` metadata holds the units and currency. Returns the paths."""
        from aggregate.io.exports import write_parquet

        return write_parquet(self, directory)

    def to_json(self, path: str | Path) -> Path:
        """Write the plan, its key figures, units and currency as one JSON file at ``path``
        (:func:`aggregate.export.read_solution_json` reads it back). Returns ``path``."""
        from aggregate.io.exports import write_json

        return write_json(self, path)


def _table_attribute(name: str) -> property:
    spec = SPECS[name]

    def get(self: Solution) -> pd.DataFrame:
        table = self.tables.get(name)
        return spec.frame([]) if table is None else table  # no plan: typed and empty

    columns = "\n".join(f"- ``{c.name}``: {c.description}" for c in spec.columns)
    return property(get, doc=f"The plan's ``{name}`` table: {spec.description}.\n\n{columns}")


# real attributes (not __getattr__), so dir() and tab completion list the tables
for _name in SPECS:
    setattr(Solution, _name, _table_attribute(_name))
del _name


__all__ = ["Solution", "SolveStatus"]
