"""The model's matrix handed to HiGHS in one call, and kept there for re-solves.

:class:`HighsModel` passes :class:`~aggregate.model.linear.LinearModel`'s arrays to
``highspy.Highs.passModel`` (column-wise), switches objectives with ``changeColsCost``, adds
the needs-first cap as one extra row, and reads the solution back as arrays. Numbers can be
changed in place (row bounds, column bounds, costs, coefficients) for fast re-solves; HiGHS
then starts from its last basis (LP) or from the last plan (MIP).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo

from aggregate.model.linear import LinearModel

log = logging.getLogger(__name__)

HINF = highspy.kHighsInf


@dataclass
class HighsOutcome:
    """How one HiGHS run ended."""

    status: str
    """``optimal``, ``time_limit``, ``infeasible``, ``unbounded`` or ``error: <HiGHS status>``."""
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
        h.run()
        seconds = time.perf_counter() - t0
        status = h.getModelStatus()
        ms = highspy.HighsModelStatus
        if status == ms.kModelEmpty:
            # nothing to decide (no demand, stock or fund): the empty plan is optimal
            num_col = h.getNumCol()
            self.x = np.zeros(num_col)
            return HighsOutcome("optimal", 0.0, 0.0, True, seconds)
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        objective = _finite(float(info.objective_function_value)) if has_solution else None
        if self.mip:
            bound = _finite(float(info.mip_dual_bound))
        else:
            bound = objective if status == highspy.HighsModelStatus.kOptimal else None
        self.x = np.asarray(h.getSolution().col_value) if has_solution else None
        if status == ms.kOptimal and has_solution:
            name = "optimal"
        elif status in (ms.kTimeLimit, ms.kIterationLimit, ms.kSolutionLimit, ms.kInterrupt):
            name = "time_limit"
        elif status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
            name = "infeasible"
        elif status == ms.kUnbounded:
            name = "unbounded"
        else:
            name = f"error: {h.modelStatusToString(status)}"
        return HighsOutcome(name, objective, bound, has_solution, seconds)

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
