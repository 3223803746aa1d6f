"""The reference: the same model's matrices handed straight to highspy.

The matrix of the model ``aggregate`` builds (:class:`aggregate.model.linear.LinearModel`,
the very arrays the solve hands to HiGHS) is read once with the active objective, kept as
numpy arrays, and then

* passed to HiGHS with ``Highs.passModel`` from those arrays and solved: the physical
  limit of any Python front end (``pass_s`` + ``run_s``);
* written as an MPS file (``Highs.writeModel``) and solved by HiGHS reading that file, as
  a command-line user of HiGHS would (``mps_read_s`` + ``mps_run_s``).

Reading the matrices (``compile_s``) is timed apart: it is not part of the limit.

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

from aggregate.data import ModelData, prepare
from aggregate.model import build_model, linear
from aggregate.model.highs import objective_of, run_highs
from aggregate.schema import Scenario
from aggregate.status import Outcome, read_highs

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
    """The active objective and the matrix of ``model`` as :class:`Matrices`."""
    lin = linear(model)
    return Matrices(
        np.asarray(objective_of(model, lin), dtype=float),
        0.0,
        sp.csc_array(lin.matrix()),
        np.asarray(lin.row_lower, dtype=float),
        np.asarray(lin.row_upper, dtype=float),
        np.asarray(lin.col_lower, dtype=float),
        np.asarray(lin.col_upper, dtype=float),
        np.asarray(lin.integer, dtype=bool),
    )


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


def run(h: highspy.Highs) -> Outcome:
    """Run ``h`` and read how it ended (:class:`aggregate.status.Outcome`): status,
    objective, bound, gap, wall ``seconds`` of ``run()``, HiGHS's own ``solver_seconds``
    and ``nodes``."""
    t0 = time.perf_counter()
    run_highs(h)  # the library's guards: thread scheduler and Ctrl-C, as aggregate runs
    return read_highs(h, time.perf_counter() - t0)


def solve_arrays(mat: Matrices, **options: Any) -> tuple[Outcome, float]:
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


def solve_mps(path: Path, **options: Any) -> tuple[Outcome, float]:
    """HiGHS alone on an MPS file: returns the run and the read time."""
    h = highs(**options)
    t0 = time.perf_counter()
    if h.readModel(str(path)) == highspy.HighsStatus.kError:
        raise RuntimeError(f"HiGHS could not read {path}")
    read = time.perf_counter() - t0
    return run(h), read
