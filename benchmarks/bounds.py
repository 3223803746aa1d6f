"""Formulation quality: the LP-relaxation bound and the root gap of each instance.

The LP relaxation drops every integrality of the *same* matrices the direct reference
solves (:meth:`benchmarks.direct.Matrices.relaxed`), so its optimum :math:`z_{LP}` is the
bound of the formulation before branching or cuts. With :math:`z^*` the best plan's
objective, the root gap is

.. math::  \\mathrm{root\\_gap} = \\frac{z^* - z_{LP}}{\\max(|z^*|, 10^{-9})}

0 for an LP or an integral formulation; a stronger formulation shows as a smaller number.
"""

from __future__ import annotations

from typing import Any

from benchmarks import direct


def lp_bound(mat: direct.Matrices, time_limit: float | None = None) -> dict[str, Any]:
    """Solve the LP relaxation of ``mat``: its objective (``lp_bound``, ``None`` unless
    solved to optimality within ``time_limit``) and seconds."""
    result, passed = direct.solve_arrays(mat.relaxed(), time_limit=time_limit)
    return {
        "lp_bound": result.objective if result.ok else None,
        "lp_status": result.status.value,
        "lp_s": passed + result.seconds,
    }


def root_gap(best: float | None, bound: float | None) -> float | None:
    """Relative gap between the best plan's objective and the LP bound (``None`` if either
    is unknown)."""
    if best is None or bound is None:
        return None
    return (best - bound) / max(abs(best), 1e-9)
