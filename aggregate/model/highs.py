"""The model's matrix handed to HiGHS in one call, and kept there for re-solves.

:class:`HighsModel` passes :class:`~aggregate.model.linear.LinearModel`'s arrays to
``highspy.Highs.passModel`` (column-wise), switches objectives with ``changeColsCost``, adds
the needs-first cap as one extra row, and reads the solution back as arrays. Numbers can be
changed in place (row bounds, column bounds, costs, coefficients) for fast re-solves; HiGHS
then starts from its last basis (LP) or from the last plan (MIP).

Every HiGHS run of the library goes through :func:`run_highs` (the process-wide guards
below); how a run ended is read by :mod:`aggregate.status`.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp

from aggregate.model.linear import AggregateModel, LinearModel
from aggregate.model.registry import NEEDS_CAP
from aggregate.schema.presets import OptionValue
from aggregate.status import Outcome, SolveStatus, read_highs

__all__ = [
    "HighsModel",
    "active_rows",
    "ctrl_c_stops_highs",
    "matches_model",
    "objective_of",
    "run_highs",
    "store_duals",
    "use_threads",
]

log = logging.getLogger(__name__)

HINF = highspy.kHighsInf
SUM_NOISE = 1e-15
"""Rounding allowed in a row's activity summed in double precision when a start is
checked, relative to the sum of the terms' magnitudes (about 4.5 machine epsilons: the
typical error of such a sum, not a worst-case bound; the verifier allows 1e-6)."""


# --- process-wide guards: banner, thread scheduler, Ctrl-C ----------------------------------


def _quiet_first_instance() -> None:
    """Make this process's first HiGHS instance with stdout and stderr sent to /dev/null.

    HiGHS prints its banner once per process, when the first instance is constructed and
    before any option (``output_flag``) can be set; later instances print nothing unless
    asked. Done at import, so no solve (direct, Pyomo's or the games') prints it.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        saved = [os.dup(1), os.dup(2)]
    except OSError:  # no file descriptors to redirect (an embedded interpreter)
        highspy.Highs()
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        highspy.Highs()
        with contextlib.suppress(Exception):
            # the banner may sit in C's stdout buffer: write it out while it goes nowhere
            ctypes.CDLL(None).fflush(None)
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, null):
            os.close(fd)


_quiet_first_instance()

_scheduler_lock = threading.Lock()
SEARCH_THREADS = 1
"""HiGHS's thread count for every MIP, whatever the ``threads`` asked for. HiGHS's branch and
bound takes another path with another thread count (measured: the ammunition library plan at
its 0.5% gap costs 13,608.0m with 1 thread and 13,588.0m with 2, also without symmetry
detection), so a fixed count keeps a plan the same on any machine, thread setting and study
worker. The search is serial in HiGHS apart from symmetry detection, so one thread costs
little; ``threads`` still applies to the linear solves (the payer stage, explain)."""

_scheduler_threads: int | None = None
"""HiGHS's ``threads`` option at this process's last run (None: no run yet)."""


def _reset_scheduler_in_child() -> None:
    # a forked child inherits the parent's scheduler but none of its threads: HiGHS would
    # wait for them forever (TaskGroup::~TaskGroup), so start a fresh one
    global _scheduler_threads
    highspy.Highs.resetGlobalScheduler(True)
    _scheduler_threads = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_scheduler_in_child)


def use_threads(threads: int | None) -> None:
    """Prepare HiGHS's process-wide thread scheduler for a run with ``threads``.

    HiGHS starts one scheduler per process with the first run's thread count; a later run
    asking for another count fails ("Not Set"). A new count therefore resets the scheduler.
    Call right before every run; runs of HiGHS in several Python threads at once should
    use one thread count.
    """
    global _scheduler_threads
    wanted = int(threads or 0)  # 0: HiGHS's default
    with _scheduler_lock:
        if _scheduler_threads is not None and _scheduler_threads != wanted:
            highspy.Highs.resetGlobalScheduler(True)
        _scheduler_threads = wanted


_stop = threading.Event()
"""Set by Ctrl-C while :func:`ctrl_c_stops_highs` watches; HiGHS's callbacks read it."""
_watching = False


@contextlib.contextmanager
def ctrl_c_stops_highs() -> Iterator[threading.Event]:
    """While inside, Ctrl-C (SIGINT) stops the HiGHS run in progress, and any later one at
    once, instead of raising ``KeyboardInterrupt``; the runs end ``interrupted``.

    Only in the main thread (the only one that receives signals), and not where SIGINT is
    ignored (a study's worker: its driver stops it) or already watched (nested solves). A
    second Ctrl-C gets the previous handler's usual behaviour. The previous handler is
    restored on exit. Yields the event that records the interrupt.
    """
    global _watching
    if _watching or threading.current_thread() is not threading.main_thread():
        yield _stop
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous in (signal.SIG_IGN, None):
        yield _stop
        return

    def stop(signum: int, frame: Any) -> None:
        if _stop.is_set() and callable(previous):
            previous(signum, frame)
        _stop.set()

    _stop.clear()
    signal.signal(signal.SIGINT, stop)
    _watching = True
    try:
        yield _stop
    finally:
        _watching = False
        signal.signal(signal.SIGINT, previous)


def _interrupt(event: Any) -> None:
    if _stop.is_set():
        event.interrupt()


_INTERRUPTS = ("cbSimplexInterrupt", "cbIpmInterrupt", "cbMipInterrupt")


def run_highs(h: highspy.Highs) -> None:
    """``h.run()`` behind the process-wide guards: the thread scheduler is ready for
    ``h``'s thread count, and Ctrl-C stops the run inside :func:`ctrl_c_stops_highs`."""
    use_threads(int(h.getOptionValue("threads")[1]))
    if not _watching:
        h.run()
        return
    # the callbacks cost a Python call per check, so only while Ctrl-C is watched
    for name in _INTERRUPTS:
        getattr(h, name).subscribe(_interrupt)
    try:
        if not _stop.is_set():
            h.run()
        else:
            _skip_run(h)
    finally:
        for name in _INTERRUPTS:
            getattr(h, name).unsubscribe(_interrupt)


def _skip_run(h: highspy.Highs) -> None:
    # interrupted before this run started: HiGHS would still presolve, so stop at once
    h.setOptionValue("time_limit", 0.0)
    h.run()


def _bounds(values: list[float] | np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=float)
    return np.clip(out, -HINF, HINF)


def _matrix(lp: highspy.HighsLp) -> sp.csr_array | sp.csc_array:
    """The constraint matrix of HiGHS's copy of a model, in the format HiGHS holds it."""
    m = lp.a_matrix_
    parts = (np.asarray(m.value_), np.asarray(m.index_), np.asarray(m.start_))
    shape = (lp.num_row_, lp.num_col_)
    if m.format_ == highspy.MatrixFormat.kRowwise:
        return sp.csr_array(parts, shape=shape)
    return sp.csc_array(parts, shape=shape)


class HighsModel:
    """One HiGHS instance holding the model's matrix (plus the needs cap once added)."""

    def __init__(
        self,
        lin: LinearModel,
        *,
        mip_gap: float = 1e-6,
        threads: int | None = None,
        parallel: bool = False,
        log_solver: bool = False,
        active: np.ndarray | None = None,
        integer: bool = True,
        options: Mapping[str, OptionValue] | None = None,
    ) -> None:
        """``options``: HiGHS options of a preset and ``highs_options``, checked by
        :mod:`aggregate.schema.presets` (none of them reads or writes a file)."""
        self.lin = lin
        self.h = highspy.Highs()
        h = self.h
        h.setOptionValue("output_flag", bool(log_solver))
        h.setOptionValue("mip_rel_gap", float(mip_gap))
        # integrality within 1e-7, not HiGHS's 1e-6: a tier or contract binary 1e-7 from 0
        # lets big-M links leave order quantities above the tables' noise threshold (seen
        # with the needs stage's discounted, non-round weights in the cost stage's cap row)
        h.setOptionValue("mip_feasibility_tolerance", 1e-7)
        # integer=False: the linear relaxation (every integer column continuous)
        self.integer = np.asarray(lin.integer, dtype=bool) & integer
        self.mip = bool(self.integer.any())
        if self.mip:
            threads = SEARCH_THREADS
        if threads is not None:
            h.setOptionValue("threads", int(threads))
        if parallel:
            h.setOptionValue("parallel", "on")
        for name, value in (options or {}).items():
            if h.setOptionValue(name, value) != highspy.HighsStatus.kOk:
                raise ValueError(f"HiGHS refused option {name}={value!r}")
        a = lin.matrix().tocsc()
        row_lower, row_upper = _bounds(lin.row_lower), _bounds(lin.row_upper)
        if active is not None:
            # deactivated rows stay in the matrix (row numbers keep their meaning), free
            row_lower[~active] = -HINF
            row_upper[~active] = HINF
        status = h.passModel(
            lin.ncols,
            lin.nrows,
            int(a.nnz),
            1,
            1,
            0.0,
            np.zeros(lin.ncols),
            _bounds(lin.col_lower),
            _bounds(lin.col_upper),
            row_lower,
            row_upper,
            a.indptr.astype(np.int32),
            a.indices.astype(np.int32),
            a.data.astype(float),
            self.integer.astype(np.int32),
        )
        if status == highspy.HighsStatus.kError:
            raise RuntimeError("HiGHS rejected the model's matrix (passModel returned an error)")
        self.cap_row: int | None = None
        self.cap_needs: np.ndarray | None = None
        """The needs measure of the cap row (to tell a changed measure)."""
        self.objective: str | None = None
        self.x: np.ndarray | None = None
        self.capped = False
        """The needs cap's row holds (the cost stage; a re-solve's needs stage keeps the
        row, free)."""
        self.relaxation_seconds: dict[tuple[int, bool], float] = {}
        """The same stages -> the longest (cold) time their relaxation took."""
        self.relaxation_bases: dict[tuple[int, bool], highspy.HighsBasis] = {}
        """(rows, :attr:`capped`) -> the basis of the last linear relaxation the
        first-plan heuristic solved for such a stage: a re-solve's warm start
        (:mod:`aggregate.model.heuristic`)."""
        # typed loosely: the heuristic's own class, which imports this module
        self.heuristic_columns: object | None = None
        """The first-plan heuristic's integer columns by role, read once from the model's
        structure (a re-solve changes only numbers)."""
        self.cost = np.zeros(lin.ncols)
        """The stage's objective vector (:meth:`set_cost`)."""

    # --- changing numbers in place ----------------------------------------------------------
    def set_cost(self, cost: np.ndarray) -> None:
        self.cost = np.asarray(cost, dtype=float)
        idx = np.arange(len(cost), dtype=np.int32)
        self.h.changeColsCost(len(cost), idx, self.cost)

    def set_cap(self, needs: np.ndarray, bound: float | None) -> None:
        """``needs . x <= bound`` as the last row (``None``: free the row)."""
        self.capped = bound is not None
        upper = HINF if bound is None else float(bound)
        if (
            self.cap_row is not None
            and self.cap_needs is not None
            and not np.array_equal(needs, self.cap_needs)
        ):
            # the needs measure itself changed (a re-solve): replace the row
            self.h.deleteRows(1, np.array([self.cap_row], dtype=np.int32))
            self.cap_row = None
        if self.cap_row is None:
            if bound is None:
                return
            nz = np.flatnonzero(needs).astype(np.int32)
            self.h.addRow(-HINF, upper, len(nz), nz, np.asarray(needs[nz], dtype=float))
            self.cap_row = self.lin.nrows
            self.cap_needs = np.array(needs, dtype=float)
        else:
            self.h.changeRowBounds(self.cap_row, -HINF, upper)

    def change_rows(self, rows: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        if len(rows):
            self.h.changeRowsBounds(  # type: ignore[attr-defined]
                len(rows), rows.astype(np.int32), _bounds(lower), _bounds(upper)
            )

    def change_cols(self, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        if len(cols):
            self.h.changeColsBounds(
                len(cols), cols.astype(np.int32), _bounds(lower), _bounds(upper)
            )

    def change_coeffs(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray) -> None:
        for r, j, v in zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True):
            self.h.changeCoeff(int(r), int(j), float(v))

    # --- running ------------------------------------------------------------------------------
    def run(self, time_limit: float | None = None, start: np.ndarray | None = None) -> Outcome:
        """Solve; ``start`` is a known feasible plan to start a MIP from (a start already
        proven within the gap needs no run: :meth:`proven`)."""
        h = self.h
        h.setOptionValue("time_limit", float(time_limit) if time_limit is not None else HINF)
        if start is not None and self.mip:
            sol = highspy.HighsSolution()
            sol.col_value = list(start)
            sol.value_valid = True
            h.setSolution(sol)
        t0 = time.perf_counter()
        run_highs(h)
        if start is not None and self.mip and not self._solution_matches_objective():
            # HiGHS 1.x can hand back the start itself as the solution when presolve solves
            # the MIP outright (seen on small models): solve again without it
            h.clearSolver()
            run_highs(h)
        elif start is not None and self.mip and read_highs(h, mip=True).status is SolveStatus.ERROR:
            # HiGHS 1.16 ends in "Solve error" when it stops at the root on a start it then
            # finds infeasible by a hair (2.4e-7 on the ammunition library scenario under a
            # short time limit): solve again without the start, in the time left
            h.clearSolver()
            if time_limit is not None:
                left = max(float(time_limit) - (time.perf_counter() - t0), 0.01)
                h.setOptionValue("time_limit", left)
            run_highs(h)
        out = read_highs(h, time.perf_counter() - t0, mip=self.mip)
        if not out.has_solution:
            self.x = None
        elif h.getNumCol():
            self.x = np.asarray(h.getSolution().col_value)
        else:
            self.x = np.zeros(0)
        return out

    def within_gap(self, objective: float, bound: float) -> bool:
        """``objective`` is within HiGHS's gap of ``bound``: ``objective - bound`` at most
        ``mip_abs_gap`` or ``mip_rel_gap * |objective|`` (HiGHS's relative gap divides by
        the incumbent's objective). False for a bound above the objective by more than
        the numerical noise of two linear solves (the two do not belong together) and for
        non-finite values."""
        if not (math.isfinite(objective) and math.isfinite(bound)):
            return False
        rel = float(self.h.getOptionValue("mip_rel_gap")[1])
        absolute = float(self.h.getOptionValue("mip_abs_gap")[1])
        within = objective - bound
        noise = max(absolute, 1e-9 * abs(objective))
        return -noise <= within <= max(absolute, rel * abs(objective))

    def proven(self, start: np.ndarray, bound: float) -> Outcome | None:
        """``start`` as the stage's answer where it is a plan of the stage and its
        objective is within HiGHS's gap of ``bound`` (:meth:`within_gap`), else None.

        HiGHS stops its branch and bound by the same test against its own bound; given the
        linear relaxation's optimum as ``bound``, the start needs no search (HiGHS would
        presolve the model and solve the relaxation again first: mip-M 0.2 s of a 0.3 s
        solve; its root cuts and heuristics might find a better plan within the gap).
        The start is checked as HiGHS checks a start, against its copy of the stage (the
        needs cap's row included): every integer column whole, every column and row
        within ``mip_feasibility_tolerance`` (absolute, 1e-7 here; a row also within the
        rounding of its float sum, :data:`SUM_NOISE`). It is returned as it is (the tables
        read values within 1e-6 of a whole number as whole)."""
        objective = self._plan_objective(start)
        if objective is None or not self.within_gap(objective, bound):
            return None
        log.info(
            "the start plan (%.10g) is within the gap of the relaxation's bound (%.10g): "
            "no branch and bound",
            objective,
            bound,
        )
        self.x = np.array(start, dtype=float)
        return Outcome(SolveStatus.OPTIMAL, "", objective, bound, 0.0, True)

    def out_of_time(self, start: np.ndarray, bound: float | None, root: float) -> Outcome | None:
        """``start`` as the stage's answer when the time left is less than HiGHS's root is
        expected to take (``root`` seconds; :func:`aggregate.model.heuristic.stage_start`):
        status ``time_limit`` with the relaxation's optimum as the bound (None where it
        ran out of time), so the gap is reported; None where ``start`` is not a plan of
        the stage (checked as :meth:`proven` checks it)."""
        objective = self._plan_objective(start)
        if objective is None:
            return None
        self.x = np.array(start, dtype=float)
        message = (
            "time limit: the best plan at hand (the first-plan heuristic's, or the stage's "
            "start), with no branch and bound (HiGHS's root would take about "
            f"{root:.0f} s, more than the time left)"
        )
        return Outcome(SolveStatus.TIME_LIMIT, message, objective, bound, 0.0, True)

    def _plan_objective(self, start: np.ndarray) -> float | None:
        """The objective of ``start`` where it is a plan of the stage, else None."""
        h = self.h
        lp = h.getLp()
        x = np.array(start, dtype=float)
        if len(x) != lp.num_col_ or not np.all(np.isfinite(x)):
            return None
        tol = float(h.getOptionValue("mip_feasibility_tolerance")[1])
        ints = x[self.integer]
        if np.any(np.abs(ints - np.round(ints)) > tol):
            return None
        lower, upper = np.asarray(lp.col_lower_), np.asarray(lp.col_upper_)
        if np.any(x < lower - tol) or np.any(x > upper + tol):
            return None
        a = _matrix(lp)
        activity = a @ x
        # plus the rounding of a float sum: numpy's is off by 2.4e-7 on eda-L's money rows
        # (terms near 1e9) for a plan HiGHS accepted as a feasible start
        slack = tol + SUM_NOISE * (abs(a) @ np.abs(x))
        if np.any(activity < np.asarray(lp.row_lower_) - slack) or np.any(
            activity > np.asarray(lp.row_upper_) + slack
        ):
            return None
        return float(np.dot(np.asarray(lp.col_cost_), x))

    def _solution_matches_objective(self) -> bool:
        """The solution HiGHS returns has the objective value it reports (or there is none)."""
        h = self.h
        if not h.getNumCol() or not h.getInfo().primal_solution_status:
            return True
        x = np.asarray(h.getSolution().col_value)
        got = float(np.dot(np.asarray(h.getLp().col_cost_), x))
        reported = float(h.getInfo().objective_function_value)
        return abs(got - reported) <= 1e-6 * max(1.0, abs(reported))

    def row_duals(self) -> np.ndarray | None:
        """Row duals of the last run (LPs only)."""
        if self.mip:
            return None
        sol = self.h.getSolution()
        if not sol.dual_valid:
            return None
        return np.asarray(sol.row_dual)


def objective_of(m: pyo.ConcreteModel, lin: LinearModel) -> np.ndarray:
    """The coefficients of the model's active objective (``needs_obj``, ``cost_obj`` or
    ``weighted_obj``) per column."""
    assert lin.needs is not None and lin.shortfall_cost is not None
    if m.weighted_obj.active:
        return lin.cost + lin.shortfall_cost
    if m.needs_obj.active:
        return lin.needs
    return lin.cost


def active_rows(m: pyo.ConcreteModel, lin: LinearModel) -> np.ndarray | None:
    """Which matrix rows are active on the Pyomo side (None: all of them)."""
    active = lin.active_rows()
    return None if active.all() else active


def matches_model(m: pyo.ConcreteModel, lin: LinearModel) -> bool:
    """True when the Pyomo model has no active constraint the matrix does not hold."""
    known = set(lin.rows) | {NEEDS_CAP}
    if isinstance(m, AggregateModel):
        made = m.made_constraints(active=True)  # without making the families
    else:
        made = list(m.component_objects(pyo.Constraint, active=True))
    if any(con.local_name not in known for con in made):
        return False
    # a fixed variable is a change the matrix does not know about
    return not any(v.fixed for v in lin.vardata)


def store_duals(m: pyo.ConcreteModel, lin: LinearModel, duals: np.ndarray) -> None:
    """Fill the model's ``dual`` suffix, if it has one that imports (which makes every
    constraint family's Pyomo constraint, the suffix's keys)."""
    suffix: Any = m.component("dual")
    if not isinstance(suffix, pyo.Suffix) or not suffix.import_enabled():
        return
    y = duals[: lin.nrows].tolist()
    for name, block in lin.rows.items():
        con = lin.constraint(m, name)
        for r, key in enumerate(block.keys, block.start):
            suffix[con[key]] = y[r]
