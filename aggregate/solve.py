"""Solving: HiGHS (or another Pyomo solver) on the model, needs first then cost.

:func:`solve` validates nothing itself: it takes a :class:`Scenario` (already valid by
construction or through :func:`aggregate.load`) and returns a :class:`Solution` whose
``status`` says honestly how the solve ended.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

import pyomo.environ as pyo

from aggregate.data import ModelData, prepare
from aggregate.extract import extract
from aggregate.model import build_model
from aggregate.model.highs import (
    HighsModel,
    HighsOutcome,
    active_rows,
    matches_model,
    store_duals,
)
from aggregate.model.linear import LinearModel, gc_paused, linear
from aggregate.result import Solution, SolveStatus
from aggregate.schema import Scenario

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SolverOptions:
    """How to run the solver (each defaults to the scenario's settings)."""

    solver: str = "highs"
    time_limit: float | None = None
    """Seconds for the whole solve (all stages)."""
    mip_gap: float = 1e-6
    threads: int | None = None
    parallel: bool = False
    """HiGHS's parallel search (``parallel=on``)."""
    log: bool = False
    """Show the solver's log."""


@dataclass
class StageResult:
    status: SolveStatus
    objective: float | None
    bound: float | None
    seconds: float
    message: str = ""

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(abs(self.objective), 1e-9)


def solve(
    scenario: Scenario,
    *,
    baseline: bool = False,
    objective: str | None = None,
    solver: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    parallel: bool = False,
    log_solver: bool = False,
) -> Solution:
    """Solve ``scenario`` and return the plan with its status, gap and timings.

    ``baseline=True`` solves the going-alone plan: every nation contracts on its own, no
    pooling of volume or fixed costs, no funds. ``objective`` overrides the scenario's
    (``needs_first`` or ``weighted``); the other arguments override its solver settings.
    """
    settings = scenario.settings
    options = SolverOptions(
        solver=solver or settings.solver,
        time_limit=time_limit if time_limit is not None else settings.time_limit,
        mip_gap=mip_gap if mip_gap is not None else settings.mip_gap,
        threads=threads if threads is not None else settings.threads,
        parallel=parallel,
        log=log_solver,
    )
    started = time.perf_counter()
    with gc_paused():
        data = prepare(scenario, pooled=not baseline)
        if objective is not None:
            data.objective = objective
        model = build_model(data)
        built = time.perf_counter()
        solution = solve_model(model, data, options)
    solution.timings = {"build": built - started, **solution.timings}
    solution.timings["total"] = time.perf_counter() - started
    return solution


def solve_model(
    model: pyo.ConcreteModel,
    data: ModelData,
    options: SolverOptions,
    *,
    highs: HighsModel | None = None,
) -> Solution:
    """Run the objective stages on a built model and extract the plan.

    With HiGHS the model's matrix goes to HiGHS in one call (:mod:`aggregate.model.highs`);
    ``highs`` reuses an instance that already holds it (a re-solve). Other solvers, or a
    model changed since it was built (extra constraints, fixed variables), go through Pyomo.
    """
    lin = linear(model)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    runner: _Runner | _DirectRunner
    if options.solver == "highs" and (highs is not None or matches_model(model, lin)):
        if highs is None:
            highs = HighsModel(
                lin,
                mip_gap=options.mip_gap,
                threads=options.threads,
                parallel=options.parallel,
                log_solver=options.log,
                active=active_rows(model, lin),
            )
        runner = _DirectRunner(lin, highs)
    else:
        runner = _Runner(options)
    timings["handoff"] = time.perf_counter() - t0
    deadline = None if options.time_limit is None else time.perf_counter() + options.time_limit
    stages: list[StageResult] = []
    if "stage1" in model.needs_cap:
        del model.needs_cap["stage1"]  # left from an earlier solve of this model
    if data.objective == "weighted":
        _activate(model, "weighted_obj")
        stages.append(runner.run(model, deadline))
        timings["solve_weighted"] = stages[-1].seconds
    else:
        _activate(model, "needs_obj")
        first = runner.run(model, deadline)
        stages.append(first)
        # kept only to fall back on if the cost stage runs out of time without a plan
        needs_plan = lin.column_values() if first.status.has_plan else None
        timings["solve_needs"] = first.seconds
        if first.status.has_plan and first.objective is not None:
            # a hair of absolute slack keeps the cap feasible within HiGHS's tolerances
            bound = first.objective * (1 + data.needs_tolerance) + 1e-7 * max(
                1.0, abs(first.objective)
            )
            model.needs_cap["stage1"] = model.needs <= bound
            _activate(model, "cost_obj")
            second = runner.run(model, deadline)
            if not second.status.has_plan:
                # the first stage's plan satisfies the cap, so this is a time limit: say so
                log.warning("cost stage ended %s; keeping the needs-stage plan", second.status)
                second.message = second.message or "cost stage found no better plan in time"
                if needs_plan is not None:
                    lin.load_values(needs_plan)
            stages.append(second)
            timings["solve_cost"] = second.seconds
    last = next((s for s in reversed(stages) if s.status.has_plan), stages[-1])
    status = _overall(stages)
    solution = Solution(
        scenario_name=data.name,
        status=status,
        pooled=data.pooled,
        objective=data.objective,
        periods=list(data.periods),
        message="; ".join(s.message for s in stages if s.message),
        gap=last.gap if status.has_plan else None,
        timings=timings,
    )
    if status.has_plan:
        t0 = time.perf_counter()
        solution.tables, solution.key_figures = extract(model, data)
        timings["extract"] = time.perf_counter() - t0
    solution.key_figures.update(
        status=status.value,
        gap=solution.gap,
        needs_objective=stages[0].objective if data.objective != "weighted" else None,
    )
    return solution


def _overall(stages: list[StageResult]) -> SolveStatus:
    if not stages[0].status.has_plan:
        return stages[0].status
    if any(s.status is not SolveStatus.OPTIMAL for s in stages):
        return SolveStatus.TIME_LIMIT
    return SolveStatus.OPTIMAL


def _activate(model: pyo.ConcreteModel, name: str) -> None:
    for obj in ("needs_obj", "cost_obj", "weighted_obj"):
        getattr(model, obj).deactivate()
    getattr(model, name).activate()


class _Runner:
    """Runs one objective stage with HiGHS (persistent, via ``pyomo.contrib.solver``) or
    any other solver Pyomo knows by name."""

    def __init__(self, options: SolverOptions) -> None:
        self.options = options
        self._highs: Any = None
        if options.solver == "highs":
            from pyomo.contrib.solver.solvers.highs import Highs

            self._highs = Highs()
            if not self._highs.available():
                raise RuntimeError("HiGHS is not available: pip install highspy")
        else:
            self._legacy = pyo.SolverFactory(options.solver)
            if not self._legacy.available(exception_flag=False):
                raise RuntimeError(
                    f"solver '{options.solver}' is not installed; use 'highs' or install it"
                )

    def run(self, model: pyo.ConcreteModel, deadline: float | None) -> StageResult:
        left = None if deadline is None else max(deadline - time.perf_counter(), 0.01)
        t0 = time.perf_counter()
        if self._highs is not None:
            result = self._run_highs(model, left)
        else:
            result = self._run_legacy(model, left)
        result.seconds = time.perf_counter() - t0
        return result

    def _run_highs(self, model: pyo.ConcreteModel, left: float | None) -> StageResult:
        from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

        o = self.options
        solver_options: dict[str, Any] = {"mip_rel_gap": o.mip_gap}
        if o.parallel:
            solver_options["parallel"] = "on"
        results = self._highs.solve(
            model,
            tee=o.log,
            load_solutions=False,
            raise_exception_on_nonoptimal_result=False,
            time_limit=left,
            threads=o.threads,
            solver_options=solver_options,
        )
        tc = results.termination_condition
        has_solution = results.solution_status in (SolutionStatus.feasible, SolutionStatus.optimal)
        if has_solution:
            results.solution_loader.load_vars()
        objective = _num(results.incumbent_objective) if has_solution else None
        bound = _num(results.objective_bound)
        if tc == TerminationCondition.convergenceCriteriaSatisfied and has_solution:
            return StageResult(SolveStatus.OPTIMAL, objective, bound, 0.0)
        if tc == TerminationCondition.maxTimeLimit:
            status = SolveStatus.TIME_LIMIT if has_solution else SolveStatus.TIME_LIMIT_NO_PLAN
            return StageResult(status, objective, bound, 0.0, "time limit reached")
        if tc in (
            TerminationCondition.provenInfeasible,
            TerminationCondition.locallyInfeasible,
            TerminationCondition.infeasibleOrUnbounded,
        ):
            # every cost is >= 0 and every variable bounded below, so never unbounded here
            return StageResult(SolveStatus.INFEASIBLE, None, None, 0.0, "the hard rules conflict")
        if tc == TerminationCondition.unbounded:
            return StageResult(SolveStatus.UNBOUNDED, None, None, 0.0, "unbounded")
        return StageResult(SolveStatus.ERROR, objective, bound, 0.0, f"solver ended: {tc.name}")

    def _run_legacy(self, model: pyo.ConcreteModel, left: float | None) -> StageResult:
        from pyomo.opt import SolverStatus, TerminationCondition

        results = self._legacy.solve(model, tee=self.options.log, load_solutions=False)
        tc = results.solver.termination_condition
        if tc in (TerminationCondition.infeasible, TerminationCondition.infeasibleOrUnbounded):
            return StageResult(SolveStatus.INFEASIBLE, None, None, 0.0, "the hard rules conflict")
        if len(results.solution) == 0 or results.solver.status == SolverStatus.error:
            return StageResult(SolveStatus.ERROR, None, None, 0.0, f"solver ended: {tc}")
        model.solutions.load_from(results)
        objective = pyo.value(next(model.component_data_objects(pyo.Objective, active=True)))
        status = (
            SolveStatus.OPTIMAL if tc == TerminationCondition.optimal else SolveStatus.TIME_LIMIT
        )
        return StageResult(status, objective, None, 0.0)


class _DirectRunner:
    """Runs one objective stage on the matrix already in HiGHS."""

    def __init__(self, lin: LinearModel, highs: HighsModel) -> None:
        self.lin = lin
        self.highs = highs

    def run(self, model: pyo.ConcreteModel, deadline: float | None) -> StageResult:
        left = None if deadline is None else max(deadline - time.perf_counter(), 0.01)
        lin, highs = self.lin, self.highs
        t0 = time.perf_counter()
        if model.weighted_obj.active:
            cost = lin.cost + lin.shortfall_cost
        elif model.needs_obj.active:
            cost = lin.needs
        else:
            cost = lin.cost
        assert cost is not None
        highs.set_cost(cost)
        cap = model.needs_cap["stage1"] if "stage1" in model.needs_cap else None  # noqa: SIM401
        bound = None if cap is None or not cap.active else cap.ub
        assert lin.needs is not None
        highs.set_cap(lin.needs, bound)
        # no start plan is passed: HiGHS 1.15 spends longer repairing or checking a given
        # MIP start than it saves on these models (measured); an LP warm-starts from its basis
        out = highs.run(left)
        if out.has_solution and highs.x is not None:
            lin.load_values(highs.x)
            duals = highs.row_duals()
            if duals is not None:
                store_duals(model, lin, duals)
        result = _stage_result(out)
        result.seconds = time.perf_counter() - t0
        return result


def _stage_result(out: HighsOutcome) -> StageResult:
    if out.status == "optimal":
        return StageResult(SolveStatus.OPTIMAL, out.objective, out.bound, 0.0)
    if out.status == "time_limit":
        status = SolveStatus.TIME_LIMIT if out.has_solution else SolveStatus.TIME_LIMIT_NO_PLAN
        return StageResult(status, out.objective, out.bound, 0.0, "time limit reached")
    if out.status == "infeasible":
        # every cost is >= 0 and every variable bounded below, so never unbounded here
        return StageResult(SolveStatus.INFEASIBLE, None, None, 0.0, "the hard rules conflict")
    if out.status == "unbounded":
        return StageResult(SolveStatus.UNBOUNDED, None, None, 0.0, "unbounded")
    return StageResult(
        SolveStatus.ERROR, out.objective, out.bound, 0.0, f"solver ended: {out.status}"
    )


def _num(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
