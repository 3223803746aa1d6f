"""The model's matrix, and the Pyomo constraints made from it when something reads them.

Every constraint family writes its rows once, as sparse coefficients on numbered columns
(:class:`LinearModel`). The solve hands the matrix to HiGHS in one call instead of walking
10^5-10^6 Pyomo expressions. The family's Pyomo :class:`~pyomo.environ.Constraint` (same
name, same index) is made from the matrix through Pyomo's public API only when something
asks for it (:class:`AggregateModel`): reading ``m.capacity_upper[...]``, looking it up with
``m.component(...)``, walking the model's components (writers, Pyomo's solver interfaces,
``pprint``) or ``m.write(...)``. A model solved with HiGHS never builds them.

Row ``r`` of the matrix reads :math:`l_r \\le \\sum_j A_{rj} x_j \\le u_r` with
:math:`l_r = -\\infty` or :math:`u_r = +\\infty` for one-sided rows; columns are the
variables in the order :func:`aggregate.model.variables.add_variables` creates them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
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


Decisions = dict[str, dict[Any, float]]
"""A plan's whole-number decisions by model variable and index
(:meth:`LinearModel.decisions`, :attr:`aggregate.result.Solution.decisions`)."""


@dataclass
class Block:
    """One variable or constraint family's slice of columns or rows."""

    name: str
    start: int
    keys: list[Any]
    index: Any = None
    """The Pyomo index a constraint family is declared over (a set or a list of keys)."""
    yes_no: bool = False
    """A column family of yes/no decisions (Pyomo's ``Binary``), as opposed to counts
    (whole lots, packages) that may happen to be bounded by 1."""
    constraint: Any = None
    """The family's Pyomo constraint, once made (:meth:`LinearModel.constraint`)."""

    @property
    def stop(self) -> int:
        return self.start + len(self.keys)

    @cached_property
    def positions(self) -> dict[Any, int]:
        return {k: self.start + j for j, k in enumerate(self.keys)}

    def position(self) -> dict[Any, int]:
        """index -> column (or row) number."""
        return self.positions


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
        integer: bool | Sequence[bool],
        yes_no: bool = False,
    ) -> None:
        """Register the columns of ``var`` (already constructed over ``keys``); ``integer``
        for all of them or per column (a per-column True also makes that variable's domain
        the non-negative integers); ``yes_no`` for a family of binary decisions."""
        block = Block(name, self.ncols, keys, yes_no=yes_no)
        self.columns[name] = block
        lo, up = list(lower), list(upper)
        self.col_lower.extend(lo)
        self.col_upper.extend(up)
        whole = [integer] * len(keys) if isinstance(integer, bool) else list(integer)
        self.integer.extend(whole)
        if var is None:
            return
        datas = list(var.values())
        for v, lb, ub in zip(datas, lo, up, strict=True):
            # domain bounds (0, 1 for binaries, 0 for non-negatives) are already on the var
            if ub != INF:
                v.setub(ub)
            if lb > 0:
                v.setlb(lb)
        if not isinstance(integer, bool):
            for v, is_whole in zip(datas, whole, strict=True):
                if is_whole:
                    v.domain = pyo.NonNegativeIntegers
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

    def decisions(self, x: np.ndarray) -> Decisions:
        """The integer columns of ``x`` (a plan) by variable and index: what another model
        of a related scenario starts from (:meth:`start_from`)."""
        whole = np.asarray(self.integer, dtype=bool)
        out: Decisions = {}
        for name, block in self.columns.items():
            cols = np.flatnonzero(whole[block.start : block.stop])
            if len(cols):
                values = np.round(x[block.start + cols]).tolist()
                out[name] = {block.keys[j]: v for j, v in zip(cols.tolist(), values, strict=True)}
        return out

    def start_from(self, decisions: Mapping[str, Mapping[Any, float]]) -> np.ndarray:
        """A start for this model from another model's :meth:`decisions` (a variant's, a
        smaller coalition's): each integer column takes the value of the same variable
        and index there, 0 (nothing ordered, nothing opened) where it has none; the other
        columns are NaN, left to the linear re-solve that repairs the start
        (:func:`aggregate.model.heuristic.repaired`)."""
        x = np.full(self.ncols, np.nan)
        whole = np.asarray(self.integer, dtype=bool)
        for name, block in self.columns.items():
            given = decisions.get(name, {})
            for j in np.flatnonzero(whole[block.start : block.stop]).tolist():
                x[block.start + j] = given.get(block.keys[j], 0.0)
        return x

    def load_values(self, x: np.ndarray) -> None:
        """Set every Pyomo variable's value from ``x`` (no validation: solver output)."""
        for v, value in zip(self.vardata, x.tolist(), strict=True):
            v.set_value(value, skip_validation=True)

    # --- rows -----------------------------------------------------------------------------
    @property
    def nrows(self) -> int:
        return len(self.row_lower)

    def add_rows(self, m: Any, name: str, index: Any, rows: Iterable[Row]) -> None:
        """Write ``rows`` into the matrix as family ``name``, indexed over ``index`` (a Pyomo
        set or a list of keys). Its Pyomo constraint on the model ``m`` is made when first
        read (:class:`AggregateModel`), not here."""
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
        if isinstance(index, list):
            index = list(index)
        self.rows[name] = Block(name, start, keys, index if self.pyomo else None)

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

    # --- the Pyomo side of the rows -------------------------------------------------------
    def constraint(self, m: pyo.Block, name: str) -> pyo.Constraint:
        """Family ``name``'s Pyomo constraint on ``m``, made from the matrix on first use."""
        block = self.rows[name]
        if block.constraint is None:
            exprs = {k: self.row_expression(r) for r, k in enumerate(block.keys, block.start)}
            con = pyo.Constraint(block.index, rule=exprs)
            m.add_component(name, con)
            block.constraint = con
        return block.constraint

    def constraints(self, m: pyo.Block) -> None:
        """Make every family's Pyomo constraint that is not made yet."""
        for name in self.rows:
            self.constraint(m, name)

    def refresh_rows(self, rows: np.ndarray) -> None:
        """Carry the numbers of ``rows`` (sorted row numbers) to their Pyomo constraints
        where those are made, a family at a time: most families have none, and their rows
        are skipped at once."""
        for block in self.rows.values():
            con = block.constraint
            if con is None:
                continue
            lo, hi = np.searchsorted(rows, [block.start, block.stop])
            for r in rows[lo:hi].tolist():
                con[block.keys[r - block.start]].set_value(self.row_expression(r))

    def active_rows(self) -> np.ndarray:
        """Which rows are active on the Pyomo side (a made constraint can be deactivated)."""
        active = np.ones(self.nrows, dtype=bool)
        for block in self.rows.values():
            con = block.constraint
            if con is None:
                continue
            if not con.active:
                active[block.start : block.stop] = False
                continue
            active[block.start : block.stop] = [con[k].active for k in block.keys]
        return active

    def set_row_bounds(self, r: int, lower: float, upper: float) -> None:
        """Change row ``r``'s bounds here and on its Pyomo constraint (if made)."""
        self.row_lower[r], self.row_upper[r] = lower, upper
        self.refresh_rows(np.array([r]))

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


class AggregateModel(pyo.ConcreteModel):
    """The Pyomo model :func:`aggregate.model.build_model` returns.

    A normal :class:`~pyomo.environ.ConcreteModel` to every reader; its constraint families
    are made from the matrix (:attr:`linear_model`) the first time they are read: by name
    (``m.capacity_upper``, ``m.component("capacity_upper")``) one family; by walking the
    model's constraints (``component_data_objects(Constraint)`` and the like, as Pyomo's
    solver interfaces do), collecting its component types (as Pyomo's writers do) or
    ``write`` all of them. Walking only variables or objectives makes none.
    """

    linear_model: LinearModel

    def __getattr__(self, name: str) -> Any:
        lin = self.__dict__.get("linear_model")
        if lin is not None and name in lin.rows:
            return lin.constraint(self, name)
        return super().__getattr__(name)

    def component(self, name_or_object: Any) -> Any:
        lin = self.__dict__.get("linear_model")
        if lin is not None and isinstance(name_or_object, str) and name_or_object in lin.rows:
            return lin.constraint(self, name_or_object)
        return super().component(name_or_object)

    def all_constraints(self) -> None:
        """Make every constraint family that is not made yet."""
        lin = self.__dict__.get("linear_model")
        if lin is not None:
            lin.constraints(self)

    def component_objects(self, ctype: Any = None, *args: Any, **kwargs: Any) -> Any:
        if _wants_constraints(ctype):
            self.all_constraints()
        return super().component_objects(ctype, *args, **kwargs)

    def component_data_objects(self, ctype: Any = None, *args: Any, **kwargs: Any) -> Any:
        if _wants_constraints(ctype):
            self.all_constraints()
        return super().component_data_objects(ctype, *args, **kwargs)

    def component_map(self, ctype: Any = None, *args: Any, **kwargs: Any) -> Any:
        if _wants_constraints(ctype):
            self.all_constraints()
        return super().component_map(ctype, *args, **kwargs)

    def collect_ctypes(self, *args: Any, **kwargs: Any) -> Any:
        self.all_constraints()
        return super().collect_ctypes(*args, **kwargs)

    def write(self, *args: Any, **kwargs: Any) -> Any:
        self.all_constraints()
        return super().write(*args, **kwargs)

    def made_constraints(self, active: bool | None = None) -> list[pyo.Constraint]:
        """The constraint components on the model now, without making any family."""
        return list(pyo.ConcreteModel.component_map(self, pyo.Constraint, active=active).values())


def _wants_constraints(ctype: Any) -> bool:
    """Whether a walk over the components of type(s) ``ctype`` (None: all) meets
    constraints."""
    if ctype is None:
        return True
    if isinstance(ctype, type):
        return issubclass(ctype, pyo.Constraint)
    return any(isinstance(c, type) and issubclass(c, pyo.Constraint) for c in ctype)


def linear(m: pyo.ConcreteModel) -> LinearModel:
    """The :class:`LinearModel` of a model built by :func:`aggregate.model.build_model`."""
    lin = getattr(m, "linear_model", None)
    if not isinstance(lin, LinearModel):
        raise ValueError("this model was not built by aggregate.model.build_model")
    return lin
