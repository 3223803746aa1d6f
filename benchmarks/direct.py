"""The reference: the same model's matrices handed straight to highspy.

The Pyomo model ``aggregate`` builds is compiled once to sparse matrices (Pyomo's
``LinearStandardFormCompiler`` in mixed form, so each row keeps its sense), kept as numpy
arrays, and then

* passed to HiGHS with ``Highs.passModel`` from those arrays and solved: the physical
  limit of any Python front end (``pass_s`` + ``run_s``);
* written as an MPS file (``Highs.writeModel``) and solved by HiGHS reading that file, as
  a command-line user of HiGHS would (``mps_read_s`` + ``mps_run_s``).

Compiling the matrices (``compile_s``) is timed apart: it is what a tuned Pyomo route would
pay, not part of the limit.

The model in matrix form is

.. math::  \\min c^T x + c_0 \\quad r^L \\le A x \\le r^U,\\; l \\le x \\le u,\\;
           x_j \\in \\mathbb{Z} \\text{ for } j \\in J
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from aggregate.data import ModelData, prepare
from aggregate.model import build_model
from aggregate.model.highs import run_highs
from aggregate.schema import Scenario

OBJECTIVES = {"weighted": "weighted_obj", "needs": "needs_obj", "cost": "cost_obj"}


@dataclass
class Matrices:
    """One objective of the model as numpy arrays (column-wise sparse ``A``)."""

    cost: np.ndarray
    offset: float
    a: sp.csc_array
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    """True for integer (and binary) columns."""

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.a.shape
        return int(rows), int(cols)

    @property
    def integers(self) -> int:
        return int(self.integer.sum())

    def relaxed(self) -> Matrices:
        """The LP relaxation: the same arrays with every integrality dropped."""
        return Matrices(
            self.cost,
            self.offset,
            self.a,
            self.row_lower,
            self.row_upper,
            self.col_lower,
            self.col_upper,
            np.zeros_like(self.integer),
        )

    def save(self, path: Path) -> None:
        a = self.a
        np.savez(
            path,
            cost=self.cost,
            offset=self.offset,
            indptr=a.indptr,
            indices=a.indices,
            data=a.data,
            shape=np.array(a.shape),
            row_lower=self.row_lower,
            row_upper=self.row_upper,
            col_lower=self.col_lower,
            col_upper=self.col_upper,
            integer=self.integer,
        )

    @classmethod
    def load(cls, path: Path) -> Matrices:
        z = np.load(path)
        a = sp.csc_array((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
        return cls(
            z["cost"],
            float(z["offset"]),
            a,
            z["row_lower"],
            z["row_upper"],
            z["col_lower"],
            z["col_upper"],
            z["integer"],
        )


def build(scenario: Scenario, objective: str = "weighted") -> tuple[pyo.ConcreteModel, ModelData]:
    """The model ``aggregate`` builds for ``scenario``, with one objective active.

    ``objective`` is ``weighted`` (the single-solve objective), ``needs`` or ``cost`` (the
    two stages of ``needs_first``; the cost stage without its needs cap).
    """
    data = prepare(scenario)
    model = build_model(data)
    for name in OBJECTIVES.values():
        getattr(model, name).deactivate()
    getattr(model, OBJECTIVES[objective]).activate()
    return model, data


def compile_matrices(model: pyo.ConcreteModel) -> Matrices:
    """The active objective and constraints of ``model`` as :class:`Matrices`."""
    info = LinearStandardFormCompiler().write(model, mixed_form=True)
    a = sp.csc_array(info.A)
    sense = np.array([r.bound_type for r in info.rows], dtype=np.int8)
    rhs = np.asarray(info.rhs, dtype=float)
    # mixed form: 0 is ``==``, 1 is ``<=``, -1 is ``>=``
    row_lower = np.where(sense <= 0, rhs, -np.inf)
    row_upper = np.where(sense >= 0, rhs, np.inf)
    columns = info.columns
    lower = np.array([-np.inf if v.lb is None else v.lb for v in columns], dtype=float)
    upper = np.array([np.inf if v.ub is None else v.ub for v in columns], dtype=float)
    integer = np.array([v.is_integer() or v.is_binary() for v in columns], dtype=bool)
    cost = (
        np.asarray(info.c.toarray()[0], dtype=float) if info.c.shape[0] else np.zeros(len(columns))
    )
    offset = float(info.c_offset[0]) if len(info.c_offset) else 0.0
    return Matrices(cost, offset, a, row_lower, row_upper, lower, upper, integer)


def highs(
    threads: int | None = None,
    parallel: bool = False,
    time_limit: float | None = None,
    mip_gap: float = 1e-4,
) -> highspy.Highs:
    """A silent HiGHS with the options every route in the suite uses."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", mip_gap)
    if threads is not None:
        h.setOptionValue("threads", threads)
    if parallel:
        h.setOptionValue("parallel", "on")
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    return h


def pass_model(h: highspy.Highs, mat: Matrices) -> None:
    """``Highs.passModel`` straight from the arrays (no Python loop over rows or columns)."""
    rows, cols = mat.shape
    a = mat.a
    integrality = np.where(mat.integer, 1, 0).astype(np.int32)  # kInteger = 1
    status = h.passModel(
        cols,
        rows,
        int(a.nnz),
        1,
        1,
        mat.offset,  # a_format 1 = column-wise, sense 1 = min
        mat.cost,
        mat.col_lower,
        mat.col_upper,
        mat.row_lower,
        mat.row_upper,
        a.indptr.astype(np.int32),
        a.indices.astype(np.int32),
        a.data.astype(float),
        integrality,
    )
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS rejected the matrices (passModel returned an error)")


@dataclass
class HighsRun:
    """One HiGHS solve: status, objective, bound, gap and timings."""

    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    """Wall time of ``run()``."""
    highs_seconds: float
    """HiGHS's own ``getRunTime()``."""
    nodes: int = 0


def run(h: highspy.Highs) -> HighsRun:
    """Run ``h`` and read its status, objective, dual bound and gap."""
    t0 = time.perf_counter()
    run_highs(h)  # the library's guards: thread scheduler and Ctrl-C, as aggregate runs
    seconds = time.perf_counter() - t0
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    has_plan = info.primal_solution_status == 2  # kSolutionStatusFeasible
    objective = float(info.objective_function_value) if has_plan else None
    mip = info.mip_node_count >= 0  # -1 when HiGHS solved it as an LP
    bound = float(info.mip_dual_bound) if mip else objective
    gap = float(info.mip_gap) if mip and has_plan else (0.0 if has_plan else None)
    return HighsRun(
        status,
        objective,
        _finite(bound),
        _finite(gap),
        seconds,
        float(h.getRunTime()),
        int(max(info.mip_node_count, 0)),
    )


def _finite(x: float | None) -> float | None:
    return x if x is not None and np.isfinite(x) else None


def solve_arrays(mat: Matrices, **options: Any) -> tuple[HighsRun, float]:
    """``passModel`` + ``run`` from the arrays; returns the run and the pass time."""
    h = highs(**options)
    t0 = time.perf_counter()
    pass_model(h, mat)
    passed = time.perf_counter() - t0
    return run(h), passed


def write_mps(mat: Matrices, path: Path) -> float:
    """Write ``mat`` as an MPS file with HiGHS; returns the seconds it took."""
    h = highs()
    pass_model(h, mat)
    t0 = time.perf_counter()
    h.writeModel(str(path))
    return time.perf_counter() - t0


def solve_mps(path: Path, **options: Any) -> tuple[HighsRun, float]:
    """HiGHS alone on an MPS file: returns the run and the read time."""
    h = highs(**options)
    t0 = time.perf_counter()
    if h.readModel(str(path)) == highspy.HighsStatus.kError:
        raise RuntimeError(f"HiGHS could not read {path}")
    read = time.perf_counter() - t0
    return run(h), read
