"""What a solve returns: status, timings, key figures and the plan's tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd


class SolveStatus(StrEnum):
    """How a solve ended.

    A solve stopped early (time limit, iteration limit, memory limit, Ctrl-C) keeps the best
    plan found so far: each such reason has two values, one when a feasible plan was reached
    (``has_plan`` true, see ``gap``) and one ``..._no_plan`` when none was. Only
    ``optimal`` and those with a plan carry a plan's tables.
    """

    OPTIMAL = "optimal"
    """Proven optimal within the requested gap."""
    TIME_LIMIT = "time_limit"
    """Stopped by the time limit with a feasible plan; see ``gap``."""
    TIME_LIMIT_NO_PLAN = "time_limit_no_plan"
    """Stopped by the time limit before any feasible plan was found."""
    INTERRUPTED = "interrupted"
    """Stopped by the user (Ctrl-C) with a feasible plan: the best reached; see ``gap``."""
    INTERRUPTED_NO_PLAN = "interrupted_no_plan"
    """Stopped by the user (Ctrl-C) before any feasible plan was found."""
    ITERATION_LIMIT = "iteration_limit"
    """Stopped by a work limit (iterations, nodes, number of solutions) with a plan."""
    ITERATION_LIMIT_NO_PLAN = "iteration_limit_no_plan"
    """Stopped by a work limit (iterations, nodes, number of solutions) without a plan."""
    MEMORY_LIMIT = "memory_limit"
    """The solver ran out of memory after finding a feasible plan."""
    MEMORY_LIMIT_NO_PLAN = "memory_limit_no_plan"
    """The solver ran out of memory before finding a feasible plan."""
    INFEASIBLE = "infeasible"
    """The hard rules conflict: no plan satisfies them."""
    UNBOUNDED = "unbounded"
    """The objective can decrease without limit (a modelling error)."""
    ERROR = "error"
    """The solver failed; see ``message``."""

    @property
    def has_plan(self) -> bool:
        return self is SolveStatus.OPTIMAL or self in _STOPPED_WITH_PLAN

    @property
    def interrupted(self) -> bool:
        """Stopped by the user (with a plan or not)."""
        return self in (SolveStatus.INTERRUPTED, SolveStatus.INTERRUPTED_NO_PLAN)

    def stopped(self, has_plan: bool) -> SolveStatus:
        """This early stop's value with or without a plan (other statuses unchanged)."""
        for with_plan, without in _STOPPED_WITH_PLAN.items():
            if self in (with_plan, without):
                return with_plan if has_plan else without
        return self


_STOPPED_WITH_PLAN = {
    SolveStatus.TIME_LIMIT: SolveStatus.TIME_LIMIT_NO_PLAN,
    SolveStatus.INTERRUPTED: SolveStatus.INTERRUPTED_NO_PLAN,
    SolveStatus.ITERATION_LIMIT: SolveStatus.ITERATION_LIMIT_NO_PLAN,
    SolveStatus.MEMORY_LIMIT: SolveStatus.MEMORY_LIMIT_NO_PLAN,
}
"""Each early stop with a plan -> the same stop without one."""


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

    def __getattr__(self, name: str) -> pd.DataFrame:
        # solution.orders, solution.contracts, ... for notebooks
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)
