"""How a scenario is solved: objective mode, limits and solver options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

from pydantic import Field

from aggregate.schema.base import Money, StrictModel

if TYPE_CHECKING:
    from aggregate.schema.needs import Demand


Solver = Literal[
    "highs",
    "appsi_highs",
    "cbc",
    "glpk",
    "scip",
    "scip_direct",
    "gurobi",
    "gurobi_direct",
    "cplex",
    "cplex_direct",
    "xpress",
    "xpress_direct",
]
"""The solvers a scenario, a study or the command line may name: ``highs`` (HiGHS, direct)
or one of Pyomo's solver interfaces. A fixed list, because Pyomo's ``SolverFactory`` also
runs any executable given by path: input must never be able to run a program."""

SOLVERS: tuple[str, ...] = get_args(Solver)


def check_solver(name: str) -> str:
    """``name`` if it is one of :data:`SOLVERS`; else ``ValueError`` listing them."""
    if name not in SOLVERS:
        raise ValueError(f"unknown solver {name!r}; choose one of: {', '.join(SOLVERS)}")
    return name


class SolveSettings(StrictModel):
    """Objective and solver settings stored with a scenario (overridable at solve time)."""

    objective: Literal["needs_first", "weighted"] = "needs_first"
    """``needs_first``: minimise priority-weighted shortfall and lateness, then cost without
    worsening the first stage. ``weighted``: minimise cost plus shortfall and lateness
    penalties in one objective."""
    needs_tolerance: float = Field(default=0.0, ge=0, le=1)
    """Relative slack allowed on the first stage's optimum when minimising cost."""
    lateness_weight: float = Field(default=0.1, ge=0, le=1)
    """Needs stage: weight of one unit-period late against one unit short."""
    default_shortfall_penalty: Money = 1e5
    """Weighted objective: currency units per unit short and unit of priority, where a
    demand gives no penalty of its own."""
    default_lateness_penalty: Money = 1e3
    """Weighted objective: currency units per unit-period late and unit of priority."""
    solver: Solver = "highs"
    """Solver name: ``highs``, or a Pyomo solver of :data:`SOLVERS` that is installed."""
    time_limit: float | None = Field(default=None, gt=0)
    """Wall-clock limit per solve, seconds. Absent: none."""
    mip_gap: float = Field(default=1e-6, ge=0, le=1)
    """Relative optimality gap at which the solver stops."""
    threads: int | None = Field(default=None, ge=1, le=1024)
    """Solver threads. Absent: the solver's default."""

    def penalties(self, demand: Demand) -> tuple[float, float]:
        """The demand's (shortfall, lateness) penalties in the weighted objective: its own,
        or the defaults times its priority."""
        short = (
            demand.shortfall_penalty
            if demand.shortfall_penalty is not None
            else self.default_shortfall_penalty * demand.priority
        )
        late = (
            demand.lateness_penalty
            if demand.lateness_penalty is not None
            else self.default_lateness_penalty * demand.priority
        )
        return short, late
