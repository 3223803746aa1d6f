"""How a solver run ended: the one place that reads a solver's own status.

Every path that runs a solver (the solve, its re-solves, explaining, the games, studies,
the benchmarks) turns what the solver says into an :class:`Outcome` here:

* :func:`from_highs` maps HiGHS's model status, :func:`read_highs` reads a finished HiGHS
  run (status, objective, dual bound, timings);
* :func:`from_pyomo` and :func:`from_legacy` map Pyomo's termination conditions, for
  solvers run through ``pyomo.contrib.solver`` or ``SolverFactory``;
  :func:`read_pyomo` and :func:`read_legacy` read their results objects.

:class:`SolveStatus` is re-exported by :mod:`aggregate.result`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


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

CONFLICT = "the hard rules conflict"
"""The message of an infeasible run."""


def is_ok(status: SolveStatus) -> bool:
    """Proven optimal (within the requested gap)."""
    return status is SolveStatus.OPTIMAL


def gap(objective: float | None, bound: float | None) -> float | None:
    """Relative gap between a plan's objective and the solver's bound (None if unknown)."""
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9)


def finite(value: Any) -> float | None:
    """``value`` as a float, or None when it is missing, infinite or NaN."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass
class Outcome:
    """How one solver run ended."""

    status: SolveStatus
    message: str = ""
    """Why it ended so, in words ('' when optimal)."""
    objective: float | None = None
    """Objective of the plan the run holds (None without one)."""
    bound: float | None = None
    """The solver's bound on the optimum (None when unknown)."""
    seconds: float = 0.0
    """Wall time of the run."""
    has_solution: bool = False
    """The solver holds a feasible solution."""
    solver_seconds: float = 0.0
    """The solver's own clock (HiGHS's ``getRunTime``), when read."""
    nodes: int = 0
    """Branch-and-bound nodes (MIP runs of HiGHS)."""

    @property
    def ok(self) -> bool:
        return is_ok(self.status)

    @property
    def gap(self) -> float | None:
        return gap(self.objective, self.bound)


# --- HiGHS ----------------------------------------------------------------------------------


def from_highs(model_status: Any, has_plan: bool) -> tuple[SolveStatus, str]:
    """The :class:`SolveStatus` (and a message) of a HiGHS model status: the one mapping.

    ``has_plan``: HiGHS holds a feasible solution. A solution-count limit is a work limit
    like iterations or nodes (``iteration_limit``); an objective bound or target (never set
    by this library) and HiGHS's failures are ``error`` with HiGHS's own status name. An
    empty model (nothing to decide) is optimal.
    """
    import highspy

    ms = highspy.HighsModelStatus
    if (model_status == ms.kOptimal and has_plan) or model_status == ms.kModelEmpty:
        return SolveStatus.OPTIMAL, ""
    stops = {
        ms.kTimeLimit: (SolveStatus.TIME_LIMIT, "time limit reached"),
        ms.kInterrupt: (SolveStatus.INTERRUPTED, "interrupted"),
        ms.kHighsInterrupt: (SolveStatus.INTERRUPTED, "interrupted"),  # type: ignore[attr-defined]
        ms.kIterationLimit: (SolveStatus.ITERATION_LIMIT, "iteration limit reached"),
        ms.kSolutionLimit: (SolveStatus.ITERATION_LIMIT, "solution limit reached"),
        ms.kMemoryLimit: (SolveStatus.MEMORY_LIMIT, "memory limit reached"),
    }
    if model_status in stops:
        status, message = stops[model_status]
        return status.stopped(has_plan), message
    if model_status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        # every cost is >= 0 and every variable bounded below, so never unbounded here
        return SolveStatus.INFEASIBLE, CONFLICT
    if model_status == ms.kUnbounded:
        return SolveStatus.UNBOUNDED, "unbounded"
    name = getattr(model_status, "name", str(model_status))
    return SolveStatus.ERROR, f"solver ended: {name}"


def read_highs(h: Any, seconds: float = 0.0, mip: bool | None = None) -> Outcome:
    """The outcome of the run ``h`` (a ``highspy.Highs``) just finished.

    ``mip``: the model has integer columns (None: HiGHS ran its MIP solver). A MIP's bound
    is HiGHS's dual bound; an LP's is its objective once optimal. An infeasible or
    unbounded run has neither objective nor bound.
    """
    import highspy

    model_status = h.getModelStatus()
    info = h.getInfo()
    if model_status == highspy.HighsModelStatus.kModelEmpty:
        # nothing to decide (no demand, stock or fund): the empty plan is optimal
        offset = float(h.getLp().offset_)
        return Outcome(SolveStatus.OPTIMAL, "", offset, offset, seconds, True, h.getRunTime())
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    status, message = from_highs(model_status, has_solution)
    if mip is None:
        mip = info.mip_node_count >= 0  # -1 when HiGHS solved an LP
    objective = finite(info.objective_function_value) if has_solution else None
    if status in (SolveStatus.INFEASIBLE, SolveStatus.UNBOUNDED):
        objective = bound = None
    elif mip:
        bound = finite(info.mip_dual_bound)
    else:
        bound = objective if status is SolveStatus.OPTIMAL else None
    nodes = int(max(info.mip_node_count, 0))
    return Outcome(status, message, objective, bound, seconds, has_solution, h.getRunTime(), nodes)


OVERRUN_GRACE = 5.0
"""Seconds (or a tenth of the limit, if more) a run may end after its time limit unremarked."""


def overrun_note(time_limit: float | None, seconds: float) -> str:
    """Words for a solve that ended well after its time limit ('' otherwise).

    ``seconds`` counts from the start of the limit. A solver checks the limit between its
    steps; HiGHS 1.16's analytic centre at the root (its interior-point solver) has no
    limit of its own and runs to the end (measured: ``eda-L`` stopped at 129-146 s under a
    60 s limit, with 1 or 2 threads; at 197-278 s under 60-75 s limits since its makers
    build ahead). The plan and its gap are still what the solve
    reached; the note says the time was not kept."""
    if time_limit is None or not math.isfinite(time_limit):
        return ""
    over = seconds - time_limit
    if over <= max(OVERRUN_GRACE, 0.1 * time_limit):
        return ""
    return (
        f"the solve ran {over:.0f} s past its {time_limit:.0f} s time limit (the solver does not "
        "stop inside some steps, such as HiGHS's analytic centre at the root)"
    )


# --- Pyomo's solver interfaces ----------------------------------------------------------------


def from_pyomo(tc: Any, has_plan: bool) -> tuple[SolveStatus, str]:
    """:class:`SolveStatus` of a ``pyomo.contrib.solver`` termination condition."""
    from pyomo.contrib.solver.common.results import TerminationCondition as T

    if tc == T.convergenceCriteriaSatisfied and has_plan:
        return SolveStatus.OPTIMAL, ""
    stops = {
        T.maxTimeLimit: (SolveStatus.TIME_LIMIT, "time limit reached"),
        T.iterationLimit: (SolveStatus.ITERATION_LIMIT, "iteration limit reached"),
        T.interrupted: (SolveStatus.INTERRUPTED, "interrupted"),
    }
    return _classify(tc, has_plan, stops, infeasible={
        T.provenInfeasible, T.locallyInfeasible, T.infeasibleOrUnbounded,
    }, unbounded={T.unbounded})  # fmt: skip


def from_legacy(tc: Any, has_plan: bool) -> tuple[SolveStatus, str]:
    """:class:`SolveStatus` of a ``pyomo.opt`` (``SolverFactory``) termination condition."""
    from pyomo.opt import TerminationCondition as T

    if tc in (T.optimal, T.globallyOptimal) and has_plan:
        return SolveStatus.OPTIMAL, ""
    stops = {
        T.maxTimeLimit: (SolveStatus.TIME_LIMIT, "time limit reached"),
        T.maxIterations: (SolveStatus.ITERATION_LIMIT, "iteration limit reached"),
        T.maxEvaluations: (SolveStatus.ITERATION_LIMIT, "evaluation limit reached"),
        T.userInterrupt: (SolveStatus.INTERRUPTED, "interrupted"),
        T.resourceInterrupt: (SolveStatus.MEMORY_LIMIT, "stopped by a resource limit"),
    }
    return _classify(tc, has_plan, stops, infeasible={
        T.infeasible, T.infeasibleOrUnbounded,
    }, unbounded={T.unbounded})  # fmt: skip


def _classify(
    tc: Any,
    has_plan: bool,
    stops: dict[Any, tuple[SolveStatus, str]],
    infeasible: set[Any],
    unbounded: set[Any],
) -> tuple[SolveStatus, str]:
    if tc in stops:
        status, message = stops[tc]
        return status.stopped(has_plan), message
    if tc in infeasible:
        # every cost is >= 0 and every variable bounded below, so never unbounded here
        return SolveStatus.INFEASIBLE, CONFLICT
    if tc in unbounded:
        return SolveStatus.UNBOUNDED, "unbounded"
    if has_plan and str(getattr(tc, "name", tc)) in ("feasible", "locallyOptimal", "other"):
        # a plan without a proof of optimality, for a reason the solver did not give
        return SolveStatus.TIME_LIMIT, f"solver ended: {getattr(tc, 'name', tc)}"
    return SolveStatus.ERROR, f"solver ended: {getattr(tc, 'name', tc)}"


def read_pyomo(results: Any, seconds: float = 0.0) -> Outcome:
    """The outcome of a ``pyomo.contrib.solver`` results object (solution not loaded)."""
    from pyomo.contrib.solver.common.results import SolutionStatus

    has_solution = results.solution_status in (SolutionStatus.feasible, SolutionStatus.optimal)
    status, message = from_pyomo(results.termination_condition, has_solution)
    objective = finite(results.incumbent_objective) if has_solution else None
    if not status.has_plan and status is not SolveStatus.ERROR:
        objective = None
    bound = finite(results.objective_bound)
    if status in (SolveStatus.INFEASIBLE, SolveStatus.UNBOUNDED):
        bound = None
    return Outcome(status, message, objective, bound, seconds, has_solution)


def read_legacy(results: Any, seconds: float = 0.0) -> Outcome:
    """The outcome of a ``SolverFactory`` results object; the objective is read from the
    model once its solution is loaded."""
    from pyomo.opt import SolverStatus

    has_solution = len(results.solution) > 0 and results.solver.status != SolverStatus.error
    status, message = from_legacy(results.solver.termination_condition, has_solution)
    return Outcome(status, message, None, None, seconds, has_solution and status.has_plan)
