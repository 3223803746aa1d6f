"""The model's matrix, kept beside the Pyomo components it describes.

Every constraint family writes its rows once, as sparse coefficients on numbered columns
(:class:`LinearModel`), and gets a normal Pyomo :class:`~pyomo.environ.Constraint` with the
same name and index whose rows are *lazy*: a row's Pyomo expression is built from the matrix
the first time anything reads it (a writer, a solver interface, ``con.body``). The solve
hands the matrix to HiGHS in one call instead of walking 10^5-10^6 Pyomo expressions.

Row ``r`` of the matrix reads :math:`l_r \\le \\sum_j A_{rj} x_j \\le u_r` with
:math:`l_r = -\\infty` or :math:`u_r = +\\infty` for one-sided rows; columns are the
variables in the order :func:`aggregate.model.variables.add_variables` creates them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from weakref import ref as weakref_ref

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.core.base.constraint import ConstraintData
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import (
    EqualityExpression,
    InequalityExpression,
    RangedExpression,
)

INF = float("inf")

Row = tuple[Any, Sequence[int], Sequence[float], float, float]
"""(index, columns, coefficients, lower, upper) of one row."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk build.

    Building a model allocates millions of small objects and no reference cycles worth
    collecting; the collector's repeated full scans of that growing heap cost more than the
    build itself. The previous state is restored on exit.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@dataclass
class Block:
    """One variable or constraint family's slice of columns or rows."""

    name: str
    start: int
    keys: list[Any]
    _position: dict[Any, int] | None = None

    @property
    def stop(self) -> int:
        return self.start + len(self.keys)

    def position(self) -> dict[Any, int]:
        """index -> column (or row) number."""
        if self._position is None:
            self._position = {k: self.start + j for j, k in enumerate(self.keys)}
        return self._position


@dataclass
class LinearModel:
    """Columns, rows and objective vectors of the model as flat arrays.

    With ``pyomo=False`` it only records numbers: no Pyomo component is created or touched
    (a re-solve computes a variant's numbers this way, see :mod:`aggregate.resolve`).
    """

    pyomo: bool = True
    columns: dict[str, Block] = field(default_factory=dict)
    col_lower: list[float] = field(default_factory=list)
    col_upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    vardata: list[Any] = field(default_factory=list)
    """The Pyomo variable data of each column."""
    rows: dict[str, Block] = field(default_factory=dict)
    indptr: list[int] = field(default_factory=lambda: [0])
    indices: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    row_data: list[Any] = field(default_factory=list)
    """The Pyomo constraint data of each row."""
    objective_terms: dict[str, np.ndarray] = field(default_factory=dict)
    """Cost family -> coefficient per column (docs/model.md, "Objective")."""
    needs: np.ndarray | None = None
    """Coefficients of the weighted shortfall ``needs``."""
    shortfall_cost: np.ndarray | None = None
    """Penalties the weighted objective adds to ``cost``."""

    # --- columns --------------------------------------------------------------------------
    @property
    def ncols(self) -> int:
        return len(self.col_lower)

    def add_columns(
        self,
        name: str,
        var: pyo.Var | None,
        keys: list[Any],
        lower: Iterable[float],
        upper: Iterable[float],
        integer: bool,
    ) -> None:
        """Register the columns of ``var`` (already constructed over ``keys``)."""
        block = Block(name, self.ncols, keys)
        self.columns[name] = block
        lo, up = list(lower), list(upper)
        self.col_lower.extend(lo)
        self.col_upper.extend(up)
        self.integer.extend([integer] * len(keys))
        if var is None:
            return
        datas = list(var.values())
        for v, lb, ub in zip(datas, lo, up, strict=True):
            # domain bounds (0, 1 for binaries, 0 for non-negatives) are already on the var
            if ub != INF:
                v.setub(ub)
            if lb > 0:
                v.setlb(lb)
        self.vardata.extend(datas)

    def col(self, name: str) -> dict[Any, int]:
        """index -> column of variable ``name``."""
        return self.columns[name].position()

    def set_col_bounds(self, j: int, lower: float, upper: float) -> None:
        """Change column ``j``'s bounds here and on its Pyomo variable."""
        self.col_lower[j], self.col_upper[j] = lower, upper
        if not self.pyomo:
            return
        v = self.vardata[j]
        v.setlb(None if lower == -INF else lower)
        v.setub(None if upper == INF else upper)

    def column_values(self) -> np.ndarray:
        """Every column's current value (NaN where unset), read from the Pyomo variables."""
        return np.fromiter(
            (np.nan if v.value is None else v.value for v in self.vardata),
            dtype=float,
            count=len(self.vardata),
        )

    def load_values(self, x: np.ndarray) -> None:
        """Set every Pyomo variable's value from ``x`` (no validation: solver output)."""
        for v, value in zip(self.vardata, x.tolist(), strict=True):
            v.set_value(value, skip_validation=True)

    # --- rows -----------------------------------------------------------------------------
    @property
    def nrows(self) -> int:
        return len(self.row_lower)

    def add_rows(
        self, m: pyo.ConcreteModel, name: str, index: Any, rows: Iterable[Row]
    ) -> pyo.Constraint | None:
        """Write ``rows`` into the matrix and add the Pyomo constraint ``name`` over
        ``index`` (a Pyomo set or a list of keys) holding one lazy row per written row."""
        start = self.nrows
        keys: list[Any] = []
        indices, values, indptr = self.indices, self.values, self.indptr
        lower, upper = self.row_lower, self.row_upper
        for key, cols, coefs, lb, ub in rows:
            keys.append(key)
            indices.extend(cols)
            values.extend(coefs)
            indptr.append(len(indices))
            lower.append(lb)
            upper.append(ub)
        self.rows[name] = Block(name, start, keys)
        if not self.pyomo:
            return None
        con = pyo.Constraint(index if not isinstance(index, list) else list(index))
        setattr(m, name, con)
        con._lazy_matrix = self
        data = con._data
        ref = weakref_ref(con)
        new = LazyRow.__new__
        fresh = []
        for r, key in enumerate(keys, start):
            # ConstraintData.__init__ inlined: this runs once per row of the model
            row = new(LazyRow)
            row._component = ref
            row._active = True
            _EXPR_SLOT.__set__(row, None)
            row._row = r
            row._index = key
            data[key] = row
            fresh.append(row)
        self.row_data.extend(fresh)
        return con

    def row_expression(self, r: int) -> Any:
        """Row ``r`` as a Pyomo relational expression."""
        lo, hi = self.indptr[r], self.indptr[r + 1]
        vd = self.vardata
        body = LinearExpression(
            [MonomialTermExpression((self.values[p], vd[self.indices[p]])) for p in range(lo, hi)]
        )
        lb, ub = self.row_lower[r], self.row_upper[r]
        if lb == ub:
            return EqualityExpression((body, ub))
        if lb == -INF:
            return InequalityExpression((body, ub), False)
        if ub == INF:
            return InequalityExpression((lb, body), False)
        return RangedExpression((lb, body, ub), (False, False))

    def set_row_bounds(self, r: int, lower: float, upper: float) -> None:
        """Change row ``r``'s bounds here and on its Pyomo constraint (if materialised)."""
        self.row_lower[r], self.row_upper[r] = lower, upper
        self.row_data[r].refresh()

    def matrix(self) -> sp.csr_array:
        """The rows as a CSR matrix (duplicates summed, explicit zeros dropped)."""
        a = sp.csr_array(
            (
                np.asarray(self.values, dtype=float),
                np.asarray(self.indices, dtype=np.int32),
                np.asarray(self.indptr, dtype=np.int64),
            ),
            shape=(self.nrows, self.ncols),
        )
        a.sum_duplicates()
        a.eliminate_zeros()
        return a

    # --- objectives -----------------------------------------------------------------------
    def vector(self, terms: Iterable[tuple[str, Any, float]]) -> np.ndarray:
        """A coefficient per column from ``(variable, index, coefficient)`` terms (summed)."""
        out = np.zeros(self.ncols)
        for name, key, coef in terms:
            out[self.columns[name].position()[key]] += coef
        return out

    def expression(self, coefs: np.ndarray) -> LinearExpression:
        """``sum_j coefs_j x_j`` over the non-zero coefficients, as one Pyomo expression."""
        vd = self.vardata
        return LinearExpression(
            [MonomialTermExpression((float(coefs[j]), vd[j])) for j in np.flatnonzero(coefs)]
        )

    @property
    def cost(self) -> np.ndarray:
        return sum(self.objective_terms.values(), np.zeros(self.ncols))


_EXPR_SLOT = ConstraintData._expr  # the slot that holds a constraint's expression


class LazyRow(ConstraintData):
    """A constraint row whose expression is built from the matrix when first read.

    It is a normal :class:`ConstraintData` to every reader (writers, solver interfaces,
    duals, activation); only ``_expr`` is filled on demand.
    """

    __slots__ = ("_row",)

    def __init__(self, component: pyo.Constraint, row: int) -> None:
        super().__init__(None, component)
        self._row = row

    @property
    def _expr(self) -> Any:
        expr = _EXPR_SLOT.__get__(self)
        if expr is None:
            expr = self.parent_component()._lazy_matrix.row_expression(self._row)
            _EXPR_SLOT.__set__(self, expr)
        return expr

    @_expr.setter
    def _expr(self, value: Any) -> None:
        _EXPR_SLOT.__set__(self, value)

    def refresh(self) -> None:
        """Forget the built expression (the matrix row changed)."""
        _EXPR_SLOT.__set__(self, None)


def linear(m: pyo.ConcreteModel) -> LinearModel:
    """The :class:`LinearModel` of a model built by :func:`aggregate.model.build_model`."""
    lin = getattr(m, "_linear", None)
    if not isinstance(lin, LinearModel):
        raise ValueError("this model was not built by aggregate.model.build_model")
    return lin
