"""What a solve returns: status, timings, key figures and the plan's tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from aggregate.status import SolveStatus


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
    currency: str = ""
    """The scenario's currency code (``EUR``) every money column is in ('' if unknown)."""
    units: dict[str, dict[str, str]] = field(default_factory=dict)
    """``{"item"|"capability"|"component": {id: unit}}``: what one unit of each is
    (``round``, ``missile``); the tables carry them per column (:func:`aggregate.tables.units`)."""

    def __getattr__(self, name: str) -> pd.DataFrame:
        # solution.orders, solution.contracts, ... for notebooks
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)


__all__ = ["Solution", "SolveStatus"]
