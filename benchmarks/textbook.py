"""The textbook capacitated warehouse-location model, built straight as highspy arrays.

The comparison for the ``wl`` family (:mod:`benchmarks.warehouse`): HiGHS on the
formulation any textbook gives, on the same numbers as aggregate's scenario. With
``y_i`` binary (warehouse ``i`` open), ``x_ij >= 0`` the units customer ``j`` gets from
``i``, ``c_ij = a_ij / d_j`` the unit cost:

.. math::

    \\min \\sum_i f_i y_i + \\sum_{ij} c_{ij} x_{ij}
    \\quad\\text{s.t.}\\quad
    \\sum_i x_{ij} = d_j \\;\\forall j, \\qquad
    \\sum_j x_{ij} \\le s_i y_i \\;\\forall i, \\qquad
    x_{ij} \\le d_j y_i \\;\\forall i, j

The last family (the strong linking rows) is what makes the LP relaxation tight.
"""

from __future__ import annotations

import time
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp

from benchmarks import direct
from benchmarks.warehouse import Warehouses, generate_warehouses


def textbook_matrices(w: Warehouses) -> direct.Matrices:
    """The textbook model of ``w`` as :class:`benchmarks.direct.Matrices`.

    Columns: ``y_0 .. y_{m-1}``, then ``x_ij`` at ``m + i * n + j``. Rows: ``n`` demand
    rows, ``m`` capacity rows, ``m * n`` linking rows.
    """
    m, n = w.shape
    flows = m * n
    x = m + np.arange(flows)  # column of x_ij, row-major in (i, j)
    i_of = np.repeat(np.arange(m), n)
    j_of = np.tile(np.arange(n), m)
    d = w.demand
    # demand rows: sum_i x_ij = d_j
    rows = [j_of]
    cols = [x]
    vals = [np.ones(flows)]
    # capacity rows: sum_j x_ij - s_i y_i <= 0
    rows += [n + i_of, n + np.arange(m)]
    cols += [x, np.arange(m)]
    vals += [np.ones(flows), -w.capacity]
    # linking rows: x_ij - d_j y_i <= 0
    link = n + m + np.arange(flows)
    rows += [link, link]
    cols += [x, i_of]
    vals += [np.ones(flows), -d[j_of]]
    a = sp.csc_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n + m + flows, m + flows),
    )
    inf = highspy.kHighsInf
    return direct.Matrices(
        cost=np.concatenate([w.fixed, w.unit_cost().ravel()]),
        offset=0.0,
        a=a,
        row_lower=np.concatenate([d, np.full(m + flows, -inf)]),
        row_upper=np.concatenate([d, np.zeros(m + flows)]),
        col_lower=np.zeros(m + flows),
        col_upper=np.concatenate([np.ones(m), np.full(flows, inf)]),
        integer=np.concatenate([np.ones(m, dtype=bool), np.zeros(flows, dtype=bool)]),
    )


def solve_textbook(
    w: Warehouses, time_limit: float | None = None, mip_gap: float = 1e-6
) -> dict[str, Any]:
    """HiGHS (serial, as aggregate runs its MIPs) on the textbook model of ``w``: status,
    objective, bound, gap, seconds (``passModel`` + ``run``, wall) and the build seconds."""
    t0 = time.perf_counter()
    mat = textbook_matrices(w)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    result, _ = direct.solve_arrays(mat, time_limit=time_limit, mip_gap=mip_gap, threads=1)
    return {
        "textbook_status": result.status.value,
        "textbook_objective": result.objective,
        "textbook_bound": result.bound,
        "textbook_gap": result.gap,
        "textbook_s": time.perf_counter() - t0,
        "textbook_build_s": built,
    }


def textbook_task(task: dict[str, Any]) -> dict[str, Any]:
    """The ``textbook`` benchmark task: instance ``wl-<size>`` by name."""
    size = str(task["instance"]).removeprefix("wl-")
    w = generate_warehouses(size, task.get("seed", 0))
    return solve_textbook(w, task.get("time_limit"), task.get("mip_gap", 1e-6))
