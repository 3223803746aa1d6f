"""The model's matrix as a program solved directly with highspy, for explaining.

Working on the matrix (rather than through a Pyomo solver interface) gives what explaining
needs, with a stable map back to the model: the dual price of every row, the reduced cost
of every column, HiGHS's irreducible infeasible subsystem, and cheap bound changes for a
deletion filter. The program is read from the model's own matrix
(:class:`aggregate.model.linear.LinearModel`) with the changes explaining makes on the
Pyomo side: variable bounds and domains (integer decisions fixed), deactivated rows, the
active objective and the rows of ``needs_cap``. Rows are kept in mixed form: each is
``a x <= b``, ``a x >= b`` or ``a x = b`` (a ranged row gives two), with its family and
index beside it; only active rows with entries are kept, and only columns that appear in
the objective or a kept row, in the order they first appear.

Sign convention (HiGHS and Pyomo agree): a row's dual is the change of the optimal
objective per unit increase of its right-hand side, :math:`y = \\partial z^* / \\partial b`;
a column's reduced cost is the change per unit increase of the bound it sits at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp

from aggregate.model import registry as reg
from aggregate.model.highs import objective_of, run_highs
from aggregate.model.linear import LinearModel, linear
from aggregate.status import SolveStatus, read_highs

INF = highspy.kHighsInf

LE, GE, EQ = 1, -1, 0
"""Row senses in mixed form."""

RowKey = tuple[str, tuple[Any, ...]]
"""(constraint family, index tuple) of a row."""


@dataclass
class MatrixProgram:
    """The active constraints and objective of a built model as a HiGHS model."""

    lp: highspy.HighsLp
    rows: list[tuple[RowKey, int]]
    """(family and index, sense) per row."""
    columns: list[Any]
    """Variable data per column."""
    offset: float


@dataclass
class MatrixResult:
    """How one HiGHS run ended, with the primal and dual values when optimal."""

    status: SolveStatus
    """How HiGHS ended (``optimal``, ``infeasible``, ``time_limit``, ...)."""
    objective: float | None
    col_value: np.ndarray
    col_dual: np.ndarray
    row_value: np.ndarray
    row_dual: np.ndarray
    has_solution: bool


def _key(index: Any) -> tuple[Any, ...]:
    if index is None:
        return ()
    return index if isinstance(index, tuple) else (index,)


def _objective(model: pyo.ConcreteModel, lin: LinearModel) -> tuple[np.ndarray, np.ndarray]:
    """The active objective's coefficients, and its columns in the order its expression
    lists them (the weighted objective is cost, then the shortfall penalties)."""
    assert lin.shortfall_cost is not None
    parts = [lin.cost, lin.shortfall_cost] if model.weighted_obj.active else []
    cost = objective_of(model, lin)
    return cost, np.concatenate([np.flatnonzero(p) for p in parts or [cost]])


def compile_program(model: pyo.ConcreteModel, *, integer: bool) -> MatrixProgram:
    """The model's active rows and objective as a :class:`highspy.HighsLp`.

    ``integer=False`` drops integrality (the linear relaxation, or an LP whose integer
    decisions were fixed through their bounds).
    """
    lin = linear(model)
    cost, objective_cols = _objective(model, lin)
    a = lin.matrix()
    lower, upper = np.asarray(lin.row_lower), np.asarray(lin.row_upper)
    keep = lin.active_rows() & (np.diff(a.indptr) > 0) & ((lower > -INF) | (upper < INF))
    rows: list[tuple[RowKey, int]] = []
    picked: list[int] = []
    row_lower: list[float] = []
    row_upper: list[float] = []
    for name, block in lin.rows.items():
        for r in np.flatnonzero(keep[block.start : block.stop]).tolist():
            key = (name, _key(block.keys[r]))
            r += block.start
            lb, ub = float(lower[r]), float(upper[r])
            if lb == ub:
                sides = [(EQ, lb, ub)]
            else:
                sides = [(LE, -INF, ub)] if ub < INF else []
                sides += [(GE, lb, INF)] if lb > -INF else []
            for sense, lo, up in sides:
                rows.append((key, sense))
                picked.append(r)
                row_lower.append(lo)
                row_upper.append(up)
    matrix = a[np.asarray(picked, dtype=np.int64)] if picked else sp.csr_array((0, lin.ncols))
    # the needs cap of explaining's cost stage: needs <= bound
    assert lin.needs is not None
    caps = [
        (index, con)
        for index, con in model.needs_cap.items()
        if con.active and (con.lower is not None or con.upper is not None)
    ]
    if caps:
        needs = sp.csr_array(np.tile(lin.needs, (len(caps), 1)))
        matrix = sp.vstack([matrix, needs], format="csr")
        for index, con in caps:
            lb = -INF if con.lower is None else float(pyo.value(con.lower))
            ub = INF if con.upper is None else float(pyo.value(con.upper))
            sense = EQ if lb == ub else LE if lb == -INF else GE
            rows.append(((reg.NEEDS_CAP, _key(index)), sense))
            row_lower.append(lb)
            row_upper.append(ub)
    # the columns used, variable by variable in the order the variables first appear
    # (objective, then rows), each variable's in its own order: as Pyomo's writers order them
    order = np.concatenate(
        [objective_cols, _entries_in_order(lin, np.asarray(picked, dtype=np.int64))]
        + ([np.flatnonzero(lin.needs)] if caps else [])
    ).astype(np.int64)
    cols = _columns_in_order(lin, order)
    matrix = sp.csc_array(matrix[:, cols])
    columns = [lin.vardata[j] for j in cols.tolist()]
    lp = highspy.HighsLp()
    lp.num_col_ = len(columns)
    lp.num_row_ = len(rows)
    lp.col_cost_ = cost[cols].astype(float)
    lp.col_lower_ = np.array([-INF if v.lb is None else float(v.lb) for v in columns])
    lp.col_upper_ = np.array([INF if v.ub is None else float(v.ub) for v in columns])
    lp.row_lower_ = np.array(row_lower, dtype=float)
    lp.row_upper_ = np.array(row_upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    if integer:
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if v.is_integer() else highspy.HighsVarType.kContinuous
            for v in columns
        ]
    return MatrixProgram(lp, rows, columns, 0.0)


def _entries_in_order(lin: LinearModel, rows: np.ndarray) -> np.ndarray:
    """The columns of ``rows``' non-zero entries, row by row, as the rows list them."""
    indptr = np.asarray(lin.indptr, dtype=np.int64)
    chosen = np.zeros(lin.nrows, dtype=bool)
    chosen[rows] = True
    entry_row = np.repeat(np.arange(lin.nrows), np.diff(indptr))
    mask = chosen[entry_row] & (np.asarray(lin.values, dtype=float) != 0)
    return np.asarray(lin.indices, dtype=np.int64)[mask]


def _columns_in_order(lin: LinearModel, order: np.ndarray) -> np.ndarray:
    """The distinct columns of ``order`` grouped by variable, variables in the order of
    their first column in ``order``, each variable's columns ascending."""
    used = np.zeros(lin.ncols, dtype=bool)
    used[order] = True
    starts = np.array([b.start for b in lin.columns.values()], dtype=np.int64)
    variable = np.searchsorted(starts, order, side="right") - 1
    _, first = np.unique(variable, return_index=True)
    out = []
    for v in variable[np.sort(first)].tolist():
        block = list(lin.columns.values())[v]
        out.append(block.start + np.flatnonzero(used[block.start : block.stop]))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def new_highs(time_limit: float | None = None, threads: int | None = None) -> highspy.Highs:
    """A quiet HiGHS instance."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    return h


def run(h: highspy.Highs, offset: float = 0.0) -> MatrixResult:
    """Run HiGHS on the model it holds and read the result."""
    run_highs(h)
    out = read_highs(h)
    sol = h.getSolution()
    has = out.has_solution
    return MatrixResult(
        status=out.status,
        objective=None if out.objective is None else out.objective + offset,
        col_value=np.array(sol.col_value) if has else np.array([]),
        col_dual=np.array(sol.col_dual) if sol.dual_valid else np.array([]),
        row_value=np.array(sol.row_value) if has else np.array([]),
        row_dual=np.array(sol.row_dual) if sol.dual_valid else np.array([]),
        has_solution=has,
    )


def solve_program(
    program: MatrixProgram, time_limit: float | None = None, threads: int | None = None
) -> MatrixResult:
    """Solve a compiled program once."""
    h = new_highs(time_limit, threads)
    h.passModel(program.lp)
    return run(h, program.offset)
