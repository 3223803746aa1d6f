"""The model's matrix handed to HiGHS in one call, and kept there for re-solves.

:class:`HighsModel` passes :class:`~aggregate.model.linear.LinearModel`'s arrays to
``highspy.Highs.passModel`` (column-wise), switches objectives with ``changeColsCost``, adds
the needs-first cap as one extra row, and reads the solution back as arrays. Numbers can be
changed in place (row bounds, column bounds, costs, coefficients) for fast re-solves; HiGHS
then starts from its last basis (LP) or from the last plan (MIP).

Every HiGHS run of the library goes through :func:`run_highs` (the process-wide guards
below) and every HiGHS model status is read by :func:`status_of`.
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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo

from aggregate.model.linear import LinearModel
from aggregate.result import SolveStatus

log = logging.getLogger(__name__)

HINF = highspy.kHighsInf


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


def status_of(model_status: Any, has_plan: bool) -> tuple[SolveStatus, str]:
    """The :class:`SolveStatus` (and a message) of a HiGHS model status: the one mapping.

    ``has_plan``: HiGHS holds a feasible solution. A solution-count limit is a work limit
    like iterations or nodes (``iteration_limit``); an objective bound or target (never set
    by this library) and HiGHS's failures are ``error`` with HiGHS's own status name.
    """
    ms = highspy.HighsModelStatus
    if model_status == ms.kOptimal and has_plan:
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
        return SolveStatus.INFEASIBLE, "the hard rules conflict"
    if model_status == ms.kUnbounded:
        return SolveStatus.UNBOUNDED, "unbounded"
    name = getattr(model_status, "name", str(model_status))
    return SolveStatus.ERROR, f"solver ended: {name}"


@dataclass
class HighsOutcome:
    """How one HiGHS run ended."""

    status: SolveStatus
    message: str
    objective: float | None
    bound: float | None
    has_solution: bool
    seconds: float


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _bounds(values: list[float] | np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=float)
    return np.clip(out, -HINF, HINF)


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
    ) -> None:
        self.lin = lin
        self.h = highspy.Highs()
        h = self.h
        h.setOptionValue("output_flag", bool(log_solver))
        h.setOptionValue("mip_rel_gap", float(mip_gap))
        if threads is not None:
            h.setOptionValue("threads", int(threads))
        if parallel:
            h.setOptionValue("parallel", "on")
        self.integer = np.asarray(lin.integer, dtype=bool)
        self.mip = bool(self.integer.any())
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
        self._cap_needs: np.ndarray | None = None
        self.objective: str | None = None
        self.x: np.ndarray | None = None

    # --- changing numbers in place ----------------------------------------------------------
    def set_cost(self, cost: np.ndarray) -> None:
        idx = np.arange(len(cost), dtype=np.int32)
        self.h.changeColsCost(len(cost), idx, np.asarray(cost, dtype=float))

    def set_cap(self, needs: np.ndarray, bound: float | None) -> None:
        """``needs . x <= bound`` as the last row (``None``: free the row)."""
        upper = HINF if bound is None else float(bound)
        if (
            self.cap_row is not None
            and self._cap_needs is not None
            and not np.array_equal(needs, self._cap_needs)
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
            self._cap_needs = np.array(needs, dtype=float)
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
    def run(self, time_limit: float | None = None, start: np.ndarray | None = None) -> HighsOutcome:
        """Solve; ``start`` is a known feasible plan to start a MIP from."""
        h = self.h
        h.setOptionValue("time_limit", float(time_limit) if time_limit is not None else HINF)
        if start is not None and self.mip:
            sol = highspy.HighsSolution()
            sol.col_value = list(start)
            sol.value_valid = True
            h.setSolution(sol)
        t0 = time.perf_counter()
        run_highs(h)
        seconds = time.perf_counter() - t0
        status = h.getModelStatus()
        ms = highspy.HighsModelStatus
        if status == ms.kModelEmpty:
            # nothing to decide (no demand, stock or fund): the empty plan is optimal
            num_col = h.getNumCol()
            self.x = np.zeros(num_col)
            return HighsOutcome(SolveStatus.OPTIMAL, "", 0.0, 0.0, True, seconds)
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        objective = _finite(float(info.objective_function_value)) if has_solution else None
        if self.mip:
            bound = _finite(float(info.mip_dual_bound))
        else:
            bound = objective if status == highspy.HighsModelStatus.kOptimal else None
        self.x = np.asarray(h.getSolution().col_value) if has_solution else None
        name, message = status_of(status, has_solution)
        return HighsOutcome(name, message, objective, bound, has_solution, seconds)

    def row_duals(self) -> np.ndarray | None:
        """Row duals of the last run (LPs only)."""
        if self.mip:
            return None
        sol = self.h.getSolution()
        if not sol.dual_valid:
            return None
        return np.asarray(sol.row_dual)


def active_rows(m: pyo.ConcreteModel, lin: LinearModel) -> np.ndarray | None:
    """Which matrix rows are active on the Pyomo side (None: all of them)."""
    active = np.fromiter((r._active for r in lin.row_data), dtype=bool, count=lin.nrows)
    for name, block in lin.rows.items():
        if not getattr(m, name).active:
            active[block.start : block.stop] = False
    return None if active.all() else active


def matches_model(m: pyo.ConcreteModel, lin: LinearModel) -> bool:
    """True when the Pyomo model has no active constraint the matrix does not hold."""
    known = set(lin.rows) | {"needs_cap"}
    for con in m.component_objects(pyo.Constraint, active=True):
        if con.local_name not in known:
            return False
    # a fixed variable is a change the matrix does not know about
    return not any(v.fixed for v in lin.vardata)


def store_duals(m: pyo.ConcreteModel, lin: LinearModel, duals: np.ndarray) -> None:
    """Fill the model's ``dual`` suffix, if it has one that imports."""
    suffix: Any = m.component("dual")
    if not isinstance(suffix, pyo.Suffix) or not suffix.import_enabled():
        return
    for row, y in zip(lin.row_data, duals[: lin.nrows].tolist(), strict=True):
        suffix[row] = y
