"""What a solve returns: status, timings, key figures and the plan's tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from aggregate.status import SolveStatus
from aggregate.tables import SPECS


@dataclass
class Solution:
    """A solved (or failed) scenario.

    ``tables`` holds the plan as tidy DataFrames (see :data:`aggregate.tables.TABLES` for
    every column); they are empty when ``status.has_plan`` is false.
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

    if TYPE_CHECKING:
        # each plan table is also an attribute (solution.orders, ...), set below from SPECS
        def __getattr__(self, name: str) -> pd.DataFrame: ...


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
