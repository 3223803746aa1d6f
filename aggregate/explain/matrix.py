"""A Pyomo model as a matrix program solved directly with highspy.

Working on the matrix (rather than through a Pyomo solver interface) gives what explaining
needs, with a stable map back to the model: the dual price of every row, the reduced cost
of every column, HiGHS's irreducible infeasible subsystem, and cheap bound changes for a
deletion filter. Rows are kept in Pyomo's mixed form: each is ``a x <= b``, ``a x >= b`` or
``a x = b`` with the row's constraint object beside it.

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
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from aggregate.model.highs import run_highs, status_of
from aggregate.result import SolveStatus

INF = highspy.kHighsInf

LE, GE, EQ = 1, -1, 0
"""Row senses as Pyomo's mixed standard form writes them."""


@dataclass
class MatrixProgram:
    """The active constraints and objective of a Pyomo model as a HiGHS model."""

    lp: highspy.HighsLp
    rows: list[tuple[Any, int]]
    """(constraint data, sense) per row."""
    columns: list[Any]
    """Variable data per column."""
    offset: float

    def row_positions(self) -> dict[tuple[str, tuple[Any, ...]], list[int]]:
        """(family, index) -> positions of its rows (a ranged row has two)."""
        out: dict[tuple[str, tuple[Any, ...]], list[int]] = {}
        for r, (con, _sense) in enumerate(self.rows):
            out.setdefault(row_key(con), []).append(r)
        return out


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


def row_key(con: Any) -> tuple[str, tuple[Any, ...]]:
    """(family name, index tuple) of a constraint data object."""
    index = con.index()
    if index is None:
        index = ()
    elif not isinstance(index, tuple):
        index = (index,)
    return (con.parent_component().local_name, index)


def col_key(var: Any) -> tuple[str, tuple[Any, ...]]:
    """(variable name, index tuple) of a variable data object."""
    return row_key(var)


def compile_program(model: pyo.ConcreteModel, *, integer: bool) -> MatrixProgram:
    """The model's active rows and objective as a :class:`highspy.HighsLp`.

    ``integer=False`` drops integrality (the linear relaxation, or an LP whose integer
    decisions were fixed through their bounds).
    """
    info = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)
    a = info.A.tocsc()
    ncols, nrows = len(info.columns), len(info.rows)
    lp = highspy.HighsLp()
    lp.num_col_ = ncols
    lp.num_row_ = nrows
    cost = np.asarray(info.c.toarray()).reshape(-1) if info.c.shape[0] else np.zeros(ncols)
    lp.col_cost_ = cost.astype(float)
    lp.col_lower_ = np.array([-INF if v.lb is None else float(v.lb) for v in info.columns])
    lp.col_upper_ = np.array([INF if v.ub is None else float(v.ub) for v in info.columns])
    rhs = np.asarray(info.rhs, dtype=float)
    senses = np.array([s for _c, s in info.rows])
    lp.row_lower_ = np.where(senses == LE, -INF, rhs)
    lp.row_upper_ = np.where(senses == GE, INF, rhs)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(float)
    if integer:
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if v.is_integer() else highspy.HighsVarType.kContinuous
            for v in info.columns
        ]
    offset = float(info.c_offset[0]) if len(info.c_offset) else 0.0
    return MatrixProgram(lp, list(info.rows), list(info.columns), offset)


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
    sol = h.getSolution()
    has = bool(sol.value_valid)
    name, _message = status_of(h.getModelStatus(), has)
    info = h.getInfo()
    objective = float(info.objective_function_value) + offset if has else None
    return MatrixResult(
        status=name,
        objective=objective,
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
