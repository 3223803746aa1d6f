"""Fast re-solves: reuse the built model and the HiGHS instance for variants of a scenario.

A study solves many variants of one base scenario; most change only numbers (capacities,
demands, prices, budgets, stock levels and floors, fund caps) and leave every sparse index
set of the model as it was. For those, :class:`Resolver` keeps the Pyomo model and the HiGHS
instance built for the base and, per variant,

1. prepares the variant (:func:`aggregate.data.prepare`) and compares its index sets with
   the model's (:func:`aggregate.model.index_sets`);
2. computes the variant's numbers with the same family functions that built the model
   (:func:`aggregate.model.build_numbers`, no Pyomo components), and checks that every row
   and every matrix entry sits where it sat;
3. changes in HiGHS only what differs (``changeRowsBounds``, ``changeColsBounds``,
   ``changeCoeff``; the objective is set per stage anyway) and on the Pyomo side the same
   numbers (variable bounds, rows re-read from the matrix, objective expressions);
4. solves warm: HiGHS starts from its last basis (LP); with ``first_plan: heuristic`` a
   MIP's first stage starts from the previous variant's plan, its integer decisions kept
   and the rest re-solved for the new numbers (:func:`aggregate.model.heuristic.repaired`),
   where the first-plan heuristic's plan (its relaxation warm from the previous variant's
   basis) is not already within the gap and the repaired plan is feasible and better; a
   start within the gap of that relaxation's bound is the answer (no branch and bound).

When the structure differs (an index set or a row set changed, e.g. a nation joins or a
floor becomes zero), the resolver logs why and rebuilds from scratch, so the answer is
always the one :func:`aggregate.solve.solve` gives.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.environ as pyo

from aggregate.data import ModelData, prepare
from aggregate.model import build_model, build_numbers, index_sets, linear
from aggregate.model.highs import HighsModel
from aggregate.model.linear import LinearModel, gc_paused
from aggregate.result import Solution
from aggregate.schema import Scenario
from aggregate.schema.presets import OptionValue
from aggregate.schema.settings import SolveSettings
from aggregate.solve import SolverOptions, solve_model

log = logging.getLogger(__name__)

CACHE_SIZE = 4
"""Resolvers :func:`solve_cached` keeps per process (least recently used dropped first)."""


def structure_key(data: ModelData) -> str:
    """A digest of every index set of the model ``data`` gives: equal keys, equal structure."""
    sets = index_sets(data)
    digest = hashlib.blake2b(digest_size=16)
    for name, members in sets.items():
        digest.update(name.encode())
        digest.update(pickle.dumps(members, protocol=pickle.HIGHEST_PROTOCOL))
    return digest.hexdigest()


def _differences(a: dict[str, list], b: dict[str, list]) -> list[str]:
    return [name for name in a if a[name] != b.get(name)]


def same_structure(a: Scenario, b: Scenario, *, baseline: bool = False) -> bool:
    """True when ``a`` and ``b`` give models with the same index sets (numbers may differ)."""
    pooled = not baseline
    return index_sets(prepare(a, pooled)) == index_sets(prepare(b, pooled))


@dataclass(frozen=True)
class _Options:
    baseline: bool
    objective: str | None
    solver: SolverOptions

    def key(self) -> tuple[Any, ...]:
        """Equal keys, the same solve (a cache key: dicts as sorted items)."""
        o = self.solver
        recorded = {**o.record(), "parallel": o.parallel, "log": o.log}
        return (
            self.baseline,
            self.objective,
            *sorted(
                (k, tuple(sorted(v.items())) if isinstance(v, Mapping) else v)
                for k, v in recorded.items()
            ),
        )


def _options(
    settings: SolveSettings,
    *,
    baseline: bool = False,
    objective: str | None = None,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    parallel: bool = False,
    log_solver: bool = False,
    preset: str | None = None,
    highs_options: Mapping[str, OptionValue] | None = None,
) -> _Options:
    """A resolver's options: :class:`Resolver`'s arguments over the scenario's ``settings``."""
    return _Options(
        baseline=baseline,
        objective=objective,
        solver=SolverOptions.from_settings(
            settings,
            solver="highs",
            time_limit=time_limit,
            mip_gap=mip_gap,
            threads=threads,
            parallel=parallel,
            log=log_solver,
            preset=preset,
            highs_options=highs_options,
            # one HiGHS instance holds the whole model, changed in place: never split
            split_blocks=False,
        ),
    )


class Resolver:
    """A built model and its HiGHS instance, re-solved in place for numbers-only variants.

    >>> r = Resolver(base)          # doctest: +SKIP
    >>> plan = r.solve(variant)     # same plan as aggregate.solve(variant), faster

    Options are those of :func:`aggregate.solve.solve`; solver settings missing here are
    taken from the *base* scenario's settings (a variant's own are not read: its plan
    records the settings it was solved with). The model is never split into blocks.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        baseline: bool = False,
        objective: str | None = None,
        time_limit: float | None = None,
        mip_gap: float | None = None,
        threads: int | None = None,
        parallel: bool = False,
        log_solver: bool = False,
        preset: str | None = None,
        highs_options: Mapping[str, OptionValue] | None = None,
        prepared: ModelData | None = None,
    ) -> None:
        """``prepared``: ``scenario`` already through :func:`aggregate.data.prepare` with
        these options (saves preparing it twice)."""
        self.options = _options(
            scenario.settings,
            baseline=baseline,
            objective=objective,
            time_limit=time_limit,
            mip_gap=mip_gap,
            threads=threads,
            parallel=parallel,
            log_solver=log_solver,
            preset=preset,
            highs_options=highs_options,
        )
        self.rebuilds = 0
        """How many times the model was built (1 after construction)."""
        self.reuses = 0
        """How many variants were solved on the existing model."""
        self.last_reason = ""
        """Why the last :meth:`solve` rebuilt (empty if it re-used the model)."""
        self._solved_once = False
        self.previous: np.ndarray | None = None
        """The last plan on this model's columns (the next variant's start)."""
        self._built_seconds = 0.0
        """Build time not yet reported in a solution's timings."""
        data = prepared if prepared is not None else self._prepare(scenario)
        self._built_seconds = self._build(data)

    # --- building ---------------------------------------------------------------------------
    def _prepare(self, scenario: Scenario) -> ModelData:
        with gc_paused():
            data = prepare(scenario, pooled=not self.options.baseline)
        if self.options.objective is not None:
            data.objective = self.options.objective
        return data

    def _build(self, data: ModelData) -> float:
        t0 = time.perf_counter()
        self.data = data
        self.sets = index_sets(data)
        self.model: pyo.ConcreteModel = build_model(data)
        self.lin: LinearModel = linear(self.model)
        o = self.options.solver
        self.highs = HighsModel(
            self.lin,
            mip_gap=o.mip_gap,
            threads=o.threads,
            parallel=o.parallel,
            log_solver=o.log,
            options=o.highs(),
        )
        self.rebuilds += 1
        return time.perf_counter() - t0

    # --- solving ----------------------------------------------------------------------------
    def solve(self, scenario: Scenario) -> Solution:
        """Solve ``scenario``: in place if only numbers differ from the model's, else rebuilt."""
        started = time.perf_counter()
        data = self._prepare(scenario)
        return self.solve_data(data, started)

    def solve_data(self, data: ModelData, started: float | None = None) -> Solution:
        """:meth:`solve` for already prepared data."""
        started = time.perf_counter() if started is None else started
        timings: dict[str, float] = {}
        with gc_paused():
            if not self._solved_once:
                # the base itself: the model was built for exactly these numbers
                reason = "" if data is self.data else self._update(data)
            else:
                reason = self._update(data)
            self.last_reason = reason
            if reason:
                log.info("rebuilding the model for %s: %s", data.name, reason)
                timings["build"] = self._build(data)
            elif self._built_seconds:
                timings["build"] = self._built_seconds
            else:
                timings["update"] = time.perf_counter() - started
                self.reuses += 1
            self._built_seconds = 0.0
            self._solved_once = True
            if reason:
                self.previous = None  # other columns
            # first_plan "none": HiGHS starts the first MIP stage on its own, as a solve
            # of the variant alone would
            heuristic = self.options.solver.first_plan == "heuristic"
            solution = solve_model(
                self.model,
                self.data,
                self.options.solver,
                highs=self.highs,
                previous=self.previous if heuristic else None,
            )
            if solution.status.has_plan:
                self.previous = self.lin.column_values()
        solution.timings = {**timings, **solution.timings}
        solution.timings["total"] = time.perf_counter() - started
        return solution

    def _update(self, data: ModelData) -> str:
        """Put ``data``'s numbers into the model and HiGHS; return why not possible, or ''."""
        sets = index_sets(data)
        changed = _differences(self.sets, sets)
        if changed:
            return "index sets differ: " + ", ".join(changed)
        new = build_numbers(self.model, data)
        old = self.lin
        moved = [n for n, b in old.rows.items() if new.rows[n].keys != b.keys]
        if moved:
            return "rows differ: " + ", ".join(moved)
        if new.indptr != old.indptr or new.indices != old.indices:
            return "matrix entries moved"
        self._apply(old, new)
        self.data = data
        return ""

    def _apply(self, old: LinearModel, new: LinearModel) -> None:
        """Copy ``new``'s numbers into ``old`` (the model's) and into HiGHS, changes only."""
        h = self.highs
        # matrix coefficients
        if new.values != old.values:
            a_old, a_new = old.matrix(), new.matrix()
            diff = (a_new - a_old).tocoo()
            rows, cols = diff.row, diff.col
            h.change_coeffs(rows, cols, np.asarray(a_new[rows, cols]).ravel())
            v_old, v_new = np.asarray(old.values), np.asarray(new.values)
            entries = np.flatnonzero(v_old != v_new)
            touched = np.searchsorted(np.asarray(old.indptr), entries, side="right") - 1
            old.values = new.values
            old.refresh_rows(np.unique(touched))
        # row bounds
        lo_o, up_o = np.asarray(old.row_lower), np.asarray(old.row_upper)
        lo_n, up_n = np.asarray(new.row_lower), np.asarray(new.row_upper)
        rows = np.flatnonzero((lo_o != lo_n) | (up_o != up_n))
        if len(rows):
            h.change_rows(rows, lo_n[rows], up_n[rows])
            for r in rows.tolist():
                old.row_lower[r], old.row_upper[r] = float(lo_n[r]), float(up_n[r])
            old.refresh_rows(rows)
        # column bounds
        lo_o, up_o = np.asarray(old.col_lower), np.asarray(old.col_upper)
        lo_n, up_n = np.asarray(new.col_lower), np.asarray(new.col_upper)
        cols = np.flatnonzero((lo_o != lo_n) | (up_o != up_n))
        if len(cols):
            h.change_cols(cols, lo_n[cols], up_n[cols])
            for j in cols.tolist():
                old.set_col_bounds(j, float(lo_n[j]), float(up_n[j]))
        # objective vectors (HiGHS gets the stage's vector at each run)
        m = self.model
        assert new.needs is not None and new.shortfall_cost is not None
        cost_changed = any(
            not np.array_equal(new.objective_terms[k], v) for k, v in old.objective_terms.items()
        )
        needs_changed = old.needs is None or not np.array_equal(new.needs, old.needs)
        short_changed = old.shortfall_cost is None or not np.array_equal(
            new.shortfall_cost, old.shortfall_cost
        )
        old.objective_terms, old.needs, old.shortfall_cost = (
            new.objective_terms,
            new.needs,
            new.shortfall_cost,
        )
        if cost_changed:
            m.cost.set_value(old.expression(old.cost))
        if needs_changed:
            m.needs.set_value(old.expression(old.needs))
        if cost_changed or short_changed:
            m.weighted_obj.set_value(m.cost + old.expression(old.shortfall_cost))


_CACHE: OrderedDict[tuple[Any, ...], Resolver] = OrderedDict()


def solve_cached(scenario: Scenario, **options: Any) -> Solution:
    """:func:`aggregate.solve.solve` through a per-process cache of :class:`Resolver` s.

    One resolver per (solver settings, model structure): a scenario whose index sets match one
    already built is solved in place; otherwise a new resolver is built (the least recently
    used of more than :data:`CACHE_SIZE` is dropped). Meant for the workers of a study.
    Options are :class:`Resolver`'s (``baseline``, ``objective``, ``time_limit``,
    ``mip_gap``, ``threads``, ``parallel``, ``log_solver``, ``preset``, ``highs_options``);
    solver settings absent from ``options`` are the scenario's, and a scenario whose
    settings (``preset``, ``highs_options``, ``first_plan``, ``tighten_bounds``, limits)
    differ from a cached resolver's gets its own.
    """
    started = time.perf_counter()
    settings = scenario.settings
    if settings.solver != "highs":
        from aggregate.solve import solve

        return solve(scenario, **options)
    baseline = bool(options.get("baseline", False))
    with gc_paused():
        data = prepare(scenario, pooled=not baseline)
    if options.get("objective") is not None:
        data.objective = options["objective"]
    # every setting that changes the solve, the scenario's where no option overrides it:
    # a resolver keeps those of the scenario it was built for
    key = (_options(settings, **options).key(), data.tighten_bounds, structure_key(data))
    resolver = _CACHE.get(key)
    if resolver is None:
        resolver = Resolver(scenario, **options, prepared=data)
        _CACHE[key] = resolver
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return resolver.solve_data(data, started)


def clear_cache() -> None:
    """Drop every cached resolver (frees their models and HiGHS instances)."""
    _CACHE.clear()
