"""Solving: HiGHS (or another Pyomo solver) on the model, needs first then cost.

:func:`solve` validates nothing itself: it takes a :class:`Scenario` (already valid by
construction or through :func:`aggregate.load`) and returns a :class:`Solution` whose
``status`` says honestly how the solve ended.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyomo.environ as pyo

from aggregate.data import ModelData, prepare
from aggregate.extract import extract
from aggregate.model import build_model, participation
from aggregate.model.blocks import BlockRunner, find_blocks
from aggregate.model.heuristic import BUDGET_SHARE, MIN_BUDGET, stage_start
from aggregate.model.highs import (
    SEARCH_THREADS,
    HighsModel,
    active_rows,
    ctrl_c_stops_highs,
    matches_model,
    objective_of,
    store_duals,
    use_threads,
)
from aggregate.model.linear import AggregateModel, LinearModel, gc_paused, linear
from aggregate.model.objective import RETRY_SLACK, needs_cap_bound
from aggregate.model.payers import settle_payers
from aggregate.result import Solution, SolveStatus
from aggregate.schema import Scenario
from aggregate.schema.presets import OptionValue, check_options, highs_options
from aggregate.schema.settings import SolveSettings, check_solver
from aggregate.status import Outcome, overrun_note, read_legacy, read_pyomo
from aggregate.tables import label_units

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
    preset: str = "default"
    """HiGHS's preset (:data:`aggregate.schema.presets.PRESETS`)."""
    highs_options: Mapping[str, OptionValue] = field(default_factory=dict)
    """Raw HiGHS options on top of the preset (checked)."""
    split_blocks: bool = True
    """Solve independent blocks of the model apart (:mod:`aggregate.model.blocks`)."""
    first_plan: str = "none"
    """The first MIP stage's start: ``heuristic`` (:mod:`aggregate.model.heuristic`) or
    ``none``."""

    @classmethod
    def from_settings(
        cls,
        settings: SolveSettings,
        *,
        solver: str | None = None,
        time_limit: float | None = None,
        mip_gap: float | None = None,
        threads: int | None = None,
        parallel: bool = False,
        log: bool = False,
        preset: str | None = None,
        highs_options: Mapping[str, OptionValue] | None = None,
        split_blocks: bool | None = None,
    ) -> SolverOptions:
        """The scenario's ``settings`` with the caller's overrides (None: the setting's);
        ``highs_options`` go on top of the scenario's (checked). The one place that turns
        settings into options, for :func:`solve`, re-solves and explanations alike."""
        return cls(
            solver=solver or settings.solver,
            time_limit=settings.time_limit if time_limit is None else time_limit,
            mip_gap=settings.mip_gap if mip_gap is None else mip_gap,
            threads=settings.threads if threads is None else threads,
            parallel=parallel,
            log=log,
            preset=preset or settings.preset,
            highs_options={**settings.highs_options, **check_options(highs_options or {})},
            split_blocks=settings.split_blocks if split_blocks is None else split_blocks,
            first_plan=settings.first_plan,
        )

    def highs(self) -> dict[str, OptionValue]:
        """The HiGHS options to set: the preset's, then ``highs_options``."""
        return highs_options(self.preset, self.highs_options)

    def record(self) -> dict[str, Any]:
        """What a solution records of how it was solved (``Solution.solver_settings``; the
        model's own settings, such as ``tighten_bounds``, are added by the solve)."""
        return {
            "solver": self.solver,
            "preset": self.preset,
            "highs_options": self.highs() if self.solver == "highs" else {},
            "mip_gap": self.mip_gap,
            "time_limit": self.time_limit,
            "threads": self.threads,
            "split_blocks": self.split_blocks,
            "first_plan": self.first_plan,
        }


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
    preset: str | None = None,
    highs_options: Mapping[str, OptionValue] | None = None,
    start: Solution | Mapping[str, Mapping[Any, float]] | None = None,
) -> Solution:
    """Solve ``scenario`` and return the plan with its status, gap and timings.

    ``baseline=True`` solves the going-alone plan: every nation contracts on its own, no
    pooling of volume or fixed costs; funds and donations stay (a fund with a minimum
    consortium pays for no order, as no going-alone contract has two nations).
    ``objective`` overrides the scenario's (``needs_first`` or ``weighted``); the other
    arguments override its solver settings (``highs_options`` go on top of the scenario's).
    ``start``: the plan of a related scenario (a variant, a smaller coalition of the same
    nations), or its :attr:`Solution.decisions`: its whole-number decisions are kept where they
    fit this scenario, the rest re-solved as a linear program, and the search starts from
    that plan; where they do not fit, the solve runs as without it. The decisions are
    kept all together or not at all: what the start lacks (a new member's lots) starts at
    none. The answer is then any plan within the gap, which can differ from the one found
    without the start. A start is used with HiGHS only, not under a time limit below 1 s,
    and with ``first_plan: heuristic`` only where the heuristic's own plan is not already
    within the gap; a plan read back from a file has no decisions (a warning says so).
    """
    settings = scenario.settings
    options = SolverOptions.from_settings(
        settings,
        solver=solver,
        time_limit=time_limit,
        mip_gap=mip_gap,
        threads=threads,
        parallel=parallel,
        log=log_solver,
        preset=preset,
        highs_options=highs_options,
    )
    options.highs()  # an unknown preset fails here, before the build
    started = time.perf_counter()
    bounds = None
    if not baseline and settings.participation == "no_worse_than_alone":
        alone = solve(
            scenario,
            baseline=True,
            objective=objective,
            solver=options.solver,
            time_limit=options.time_limit,
            mip_gap=options.mip_gap,
            threads=options.threads,
            parallel=parallel,
            log_solver=log_solver,
            preset=options.preset,
            highs_options=options.highs_options,
        )
        if not alone.status.has_plan:
            return Solution(
                scenario_name=scenario.name,
                status=alone.status,
                objective=objective or settings.objective,
                message="the participation rule needs the going-alone plan, which ended "
                f"{alone.status.value}" + (f": {alone.message}" if alone.message else ""),
                periods=list(scenario.periods),
                timings={"solve_alone": alone.timings.get("total", 0.0)},
                key_figures={"status": alone.status.value, "gap": None},
                currency=alone.currency,
                units=alone.units,
                indivisible=alone.indivisible,
                solver_settings=alone.solver_settings,
            )
        bounds = participation.bounds(alone.tables)
        if options.time_limit is not None:
            left = max(options.time_limit - alone.timings.get("total", 0.0), 1.0)
            options = dataclasses.replace(options, time_limit=left)
    building = time.perf_counter()
    with gc_paused():
        data = prepare(scenario, pooled=not baseline)
        if objective is not None:
            data.objective = objective
        if bounds is not None:
            data.alone_short, data.alone_spent = bounds
        model = build_model(data)
        given = start.decisions if isinstance(start, Solution) else start
        if start is not None and not given:
            log.warning(
                "the start has no decisions (a plan without a solution, or read back from a "
                "file): solving without it"
            )
        previous = linear(model).start_from(given) if given else None
        built = time.perf_counter()
        solution = solve_model(model, data, options, previous=previous)
    if bounds is not None:
        solution.timings["solve_alone"] = building - started
    solution.timings = {"build": built - building, **solution.timings}
    solution.timings["total"] = time.perf_counter() - started
    return solution


def solve_model(
    model: pyo.ConcreteModel,
    data: ModelData,
    options: SolverOptions,
    *,
    highs: HighsModel | None = None,
    previous: Any = None,
) -> Solution:
    """Run the objective stages on a built model and extract the plan.

    With HiGHS the model's matrix goes to HiGHS in one call (:mod:`aggregate.model.highs`);
    ``highs`` reuses an instance that already holds it (a re-solve), and ``previous`` (the
    column values of an earlier variant's plan, its integer columns at least) is the first
    MIP stage's start where it can be repaired
    (:func:`aggregate.model.heuristic.start_plan`), with or without the heuristic. A model
    that falls into independent blocks is solved block by block
    (:mod:`aggregate.model.blocks`, each block from its part of ``previous``) unless
    ``options.split_blocks`` is off or ``highs`` is given. Other solvers, or a model changed
    since it was built (extra constraints, fixed variables), go through Pyomo.

    Ctrl-C in the main thread stops HiGHS and returns the plan reached so far with status
    ``interrupted`` (``interrupted_no_plan`` without one) instead of raising.
    """
    with ctrl_c_stops_highs():
        return _solve_model(model, data, options, highs, previous)


def _solve_model(
    model: pyo.ConcreteModel,
    data: ModelData,
    options: SolverOptions,
    highs: HighsModel | None,
    previous: Any = None,
) -> Solution:
    lin = linear(model)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    runner: _Runner | _DirectRunner | BlockRunner
    if options.solver == "highs" and (highs is not None or matches_model(model, lin)):
        active = active_rows(model, lin)
        # a re-solve's HiGHS instance holds the whole matrix: it is not split
        parts = find_blocks(lin, active) if highs is None and options.split_blocks else None

        def make(part: LinearModel, active: Any = None) -> HighsModel:
            return HighsModel(
                part,
                mip_gap=options.mip_gap,
                threads=options.threads,
                parallel=options.parallel,
                log_solver=options.log,
                active=active,
                options=options.highs(),
            )

        # first_plan "none": HiGHS starts the first MIP stage on its own, whatever is known
        heuristic = options.first_plan == "heuristic"
        if parts is not None:
            runner = BlockRunner(
                lin,
                parts,
                make,
                needs_tolerance=data.needs_tolerance,
                whole=lambda: _DirectRunner(lin, make(lin, active), heuristic, previous),
                workers=options.threads or _cores(),
                heuristic=heuristic,
                previous=previous,
            )
        else:
            runner = _DirectRunner(lin, highs or make(lin, active), heuristic, previous)
    else:
        if isinstance(model, AggregateModel):
            model.all_constraints()  # Pyomo's solver interfaces read the Pyomo constraints
        if previous is not None:
            log.warning("a start plan is used with HiGHS's direct interface only: ignored")
        runner = _Runner(options)
    timings["handoff"] = time.perf_counter() - t0
    deadline = None if options.time_limit is None else time.perf_counter() + options.time_limit
    stages: list[Outcome] = []
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
        # the cost stage starts from it, and falls back on it if it runs out of time
        needs_plan = lin.column_values() if first.status.has_plan else None
        timings["solve_needs"] = first.seconds
        if first.status.has_plan and not first.status.interrupted and first.objective is not None:
            bound = needs_cap_bound(first.objective, data.needs_tolerance)
            model.needs_cap["stage1"] = model.needs <= bound
            _activate(model, "cost_obj")
            # The needs-stage plan meets the cap and starts the search: with whole units or a
            # time preference few other plans do, and HiGHS may find none of them in the time
            # limit on its own (air-defence and ammunition library scenarios: none in 300 s).
            start = needs_plan
            second = runner.run(model, deadline, start)
            if second.status is SolveStatus.INFEASIBLE:
                # the needs-stage plan meets the exact cap within the solver's tolerance, so
                # this is the solver's numerics: retry once with the old hair of slack
                log.warning("cost stage infeasible at the exact needs cap; retrying with slack")
                wider = needs_cap_bound(first.objective, data.needs_tolerance, RETRY_SLACK)
                model.needs_cap["stage1"].set_value(model.needs <= wider)
                second = runner.run(model, deadline, start)
            if not second.status.has_plan:
                # the first stage's plan satisfies the cap, so this is an early stop: say so
                log.warning("cost stage ended %s; keeping the needs-stage plan", second.status)
                second.message = second.message or "cost stage found no better plan in time"
                second.status = second.status.stopped(has_plan=True)
                if needs_plan is not None:
                    lin.load_values(needs_plan)
            stages.append(second)
            timings["solve_cost"] = second.seconds
    first_plan = None if isinstance(runner, _Runner) else runner.first_plan_seconds
    if first_plan is not None:
        timings["first_plan"] = first_plan
    last = next((s for s in reversed(stages) if s.status.has_plan), stages[-1])
    status = _overall(stages)
    notes = [s.message for s in stages if s.message]
    if deadline is not None and options.time_limit is not None:
        # once, against the user's limit: each stage only gets the time left of it
        late = overrun_note(options.time_limit, time.perf_counter() - deadline + options.time_limit)
        if late:
            log.warning("%s", late)
            notes.append(late)
    if (
        status is SolveStatus.TIME_LIMIT_NO_PLAN
        and options.first_plan == "none"
        and not isinstance(runner, _Runner)
        and any(lin.integer)
    ):
        # HiGHS's own heuristics find nothing on the largest models (eda-L: no plan in
        # 400 s); the first-plan heuristic finds one in well under that
        notes.append(
            "no plan within the time limit: allow more time, or set settings.first_plan: "
            "heuristic, which builds a plan from the linear relaxation before HiGHS "
            f"searches (with a limit of at least {MIN_BUDGET / BUDGET_SHARE:g} s; docs/faq.md)"
        )
    if status.has_plan and matches_model(model, lin):
        # a model changed since it was built (extra constraints, fixed variables) keeps the
        # payments its last stage found: the payer stage reads only the matrix
        timings["solve_payers"] = _settle_payers(model, lin, data, options)
    solution = Solution(
        scenario_name=data.name,
        status=status,
        pooled=data.pooled,
        objective=data.objective,
        periods=list(data.periods),
        message="; ".join(notes),
        gap=last.gap if status.has_plan else None,
        timings=timings,
        currency=data.currency,
        units={kind: dict(ids) for kind, ids in data.units.items()},
        indivisible=sorted(data.indivisible),
        solver_settings={**options.record(), "tighten_bounds": data.tighten_bounds},
    )
    if status.has_plan:
        t0 = time.perf_counter()
        x = lin.column_values()
        solution.decisions = lin.decisions(x)
        solution.tables, solution.key_figures = extract(model, data, x)
        label_units(solution.tables, data.currency, data.units)
        timings["extract"] = time.perf_counter() - t0
    blocks = _split(runner)
    solution.key_figures.update(
        status=status.value,
        gap=solution.gap,
        **({"blocks": blocks} if blocks else {}),
        needs_objective=stages[0].objective if data.objective != "weighted" else None,
    )
    return solution


def _settle_payers(
    model: pyo.ConcreteModel, lin: LinearModel, data: ModelData, options: SolverOptions
) -> float:
    """The payer stage (:mod:`aggregate.model.payers`): money columns settled by the stated
    payer rules, the physical plan kept. Returns its seconds."""
    t0 = time.perf_counter()
    settled = settle_payers(
        lin, data, lin.column_values(), active=active_rows(model, lin), threads=options.threads
    )
    if settled is not None:
        lin.load_values(settled)
    return time.perf_counter() - t0


def _split(runner: object) -> int:
    """How many blocks a stage of the solve ran on (0: every stage ran whole)."""
    return len(runner.parts) if isinstance(runner, BlockRunner) and runner.ran_split else 0


def _cores() -> int:
    """The cores this process may run on (blocks run in that many threads at once)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _overall(stages: list[Outcome]) -> SolveStatus:
    """The first stage that was not optimal says why the solve stopped early."""
    if not stages[0].status.has_plan:
        return stages[0].status
    early = next((s.status for s in stages if s.status is not SolveStatus.OPTIMAL), None)
    if early is None:
        return SolveStatus.OPTIMAL
    # a cost stage that failed outright keeps the needs-stage plan, as a stop in time would
    return early if early.has_plan else SolveStatus.TIME_LIMIT


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
            if options.highs():
                log.warning(
                    "preset and highs_options apply to the solver highs only, not %s",
                    options.solver,
                )
            self._legacy = _pyomo_solver(options.solver)
            if not self._legacy.available(exception_flag=False):
                raise RuntimeError(
                    f"solver '{options.solver}' is not installed; use 'highs' or install it"
                )

    def run(self, model: pyo.ConcreteModel, deadline: float | None, start: Any = None) -> Outcome:
        """One stage; ``start`` (a known plan) is used only by the direct HiGHS runner."""
        left = None if deadline is None else max(deadline - time.perf_counter(), 0.01)
        t0 = time.perf_counter()
        if self._highs is not None:
            result = self._run_highs(model, left)
        else:
            result = self._run_legacy(model, left)
        result.seconds = time.perf_counter() - t0
        return result

    def _run_highs(self, model: pyo.ConcreteModel, left: float | None) -> Outcome:
        o = self.options
        solver_options: dict[str, Any] = {**o.highs(), "mip_rel_gap": o.mip_gap}
        if o.parallel:
            solver_options["parallel"] = "on"
        # the model's MIPs run on a fixed thread count, as the direct runner's (highs.py)
        use_threads(SEARCH_THREADS)
        results = self._highs.solve(
            model,
            tee=o.log,
            load_solutions=False,
            raise_exception_on_nonoptimal_result=False,
            time_limit=left,
            threads=SEARCH_THREADS,
            solver_options=solver_options,
        )
        result = read_pyomo(results)
        if result.has_solution:
            results.solution_loader.load_vars()
        return result

    def _run_legacy(self, model: pyo.ConcreteModel, left: float | None) -> Outcome:
        o = self.options
        results = self._legacy.solve(
            model,
            tee=o.log,
            load_solutions=False,
            options=_legacy_options(o.solver, left, o.mip_gap, o.threads),
        )
        result = read_legacy(results)
        if result.status.has_plan:
            model.solutions.load_from(results)
            objective = next(model.component_data_objects(pyo.Objective, active=True))
            result.objective = pyo.value(objective)
        return result


def _pyomo_solver(name: str) -> Any:
    """Pyomo's solver ``name``, once checked against the allowlist: the only place that
    calls ``SolverFactory``, which would also run any executable given by path."""
    return pyo.SolverFactory(check_solver(name))


_LIMIT_OPTIONS: dict[str, tuple[str, str, str | None]] = {
    # Pyomo solver -> its own names for (time limit in seconds, relative MIP gap, threads)
    "cbc": ("sec", "ratio", "threads"),
    "glpk": ("tmlim", "mipgap", None),
    "scip": ("limits/time", "limits/gap", "parallel/maxnthreads"),
    "scip_direct": ("limits/time", "limits/gap", "parallel/maxnthreads"),
    "gurobi": ("TimeLimit", "MIPGap", "Threads"),
    "gurobi_direct": ("TimeLimit", "MIPGap", "Threads"),
    "cplex": ("timelimit", "mipgap", "threads"),
    "cplex_direct": ("timelimit", "mip_tolerances_mipgap", "threads"),
    "xpress": ("timelimit", "miprelstop", "threads"),
    "xpress_direct": ("timelimit", "miprelstop", "threads"),
    "appsi_highs": ("time_limit", "mip_rel_gap", "threads"),
}


def _legacy_options(
    solver: str, seconds: float | None, mip_gap: float, threads: int | None
) -> dict[str, Any]:
    """The time limit, gap and threads in ``solver``'s own option names."""
    names = _LIMIT_OPTIONS.get(solver)
    if names is None:
        return {}
    time_name, gap_name, threads_name = names
    out: dict[str, Any] = {gap_name: mip_gap}
    if seconds is not None:
        # GLPK takes whole seconds; at least one, or 0 would mean no limit
        out[time_name] = max(1, math.ceil(seconds)) if solver == "glpk" else seconds
    if threads is not None and threads_name is not None:
        out[threads_name] = threads
    return out


class _DirectRunner:
    """Runs one objective stage on the matrix already in HiGHS."""

    def __init__(
        self, lin: LinearModel, highs: HighsModel, heuristic: bool = False, previous: Any = None
    ) -> None:
        self.lin = lin
        self.highs = highs
        self.heuristic = heuristic
        self.previous = previous
        self.first_plan_seconds: float | None = None
        """Seconds spent finding starts: the first MIP stage's, and with the heuristic a
        later stage's (None: not tried)."""

    def run(self, model: pyo.ConcreteModel, deadline: float | None, start: Any = None) -> Outcome:
        """One stage; ``start``: a plan (column values) known to be feasible for it."""
        left = None if deadline is None else max(deadline - time.perf_counter(), 0.01)
        lin, highs = self.lin, self.highs
        t0 = time.perf_counter()
        highs.set_cost(objective_of(model, lin))
        cap = model.needs_cap["stage1"] if "stage1" in model.needs_cap else None  # noqa: SIM401
        bound = None if cap is None or not cap.active else cap.ub
        assert lin.needs is not None
        highs.set_cap(lin.needs, bound)
        # an LP warm-starts from its basis; a MIP is given a start plan where one is passed
        # (the cost stage gets the needs-stage plan, see _solve_model), and the first stage
        # the heuristic's or the previous variant's
        plan = stage_start(
            highs,
            left,
            start,
            first=self.first_plan_seconds is None,
            previous=self.previous,
            heuristic=self.heuristic,
        )
        if plan is not None:
            self.first_plan_seconds = (self.first_plan_seconds or 0.0) + plan.seconds
            start = plan.x
            if left is not None:
                left = max(left - plan.seconds, 0.01)
        result = (
            highs.run(left, start=start) if plan is None or plan.answer is None else plan.answer
        )
        if result.has_solution and highs.x is not None:
            lin.load_values(highs.x)
            duals = highs.row_duals()
            if duals is not None:
                store_duals(model, lin, duals)
        result.seconds = time.perf_counter() - t0
        return result
