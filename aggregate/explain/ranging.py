"""Marginal values that a re-solve confirms, with the range over which each holds.

A dual price is the slope of the optimal value at the rule's current limit, from one side
only when the LP is degenerate, and it says nothing about how far the slope lasts. So each
rule with a price is re-solved: the plan's LP (integer decisions fixed, see
:mod:`aggregate.explain.duals`) with the rule relaxed by :math:`\\Delta` (a limit raised, a
requirement lowered, a band widened outward), warm-started from the optimal basis.

For a stage with optimal value :math:`z(\\Delta)` (convex and non-increasing in the
relaxation :math:`\\Delta`), the value per unit is :math:`v = (z(0) - z(\\Delta)) / \\Delta`,
and it holds on the whole of :math:`[0, \\Delta]` when :math:`z` is linear there:

* :math:`\\Delta` first comes from HiGHS' ranging of the rule's row (the relaxation over
  which the optimal basis stays optimal); one re-solve at :math:`\\Delta` must give
  :math:`z(0) - y \\Delta` for the dual :math:`y`;
* otherwise (degenerate duals, ranging of length 0, bands, pledges) a step :math:`s`, then
  :math:`s/4`, :math:`s/16`, ... until :math:`z(s/2) = (z(0) + z(s)) / 2`: a convex function
  that meets its chord at the midpoint is linear on the whole interval.

Needs-first plans: the needs stage's value is the weighted shortfall avoided. A rule that
avoids shortfall has no cost value: a re-solve spends the relaxation on the needs first, so
"saves X" with needs held would not show. Where the needs stay flat over the relaxation,
the cost stage (needs held) gives the cost saved, over a range on which the needs are
checked flat too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

from aggregate.explain.matrix import EQ, GE, LE, MatrixProgram, RowKey, run
from aggregate.status import SolveStatus

INF = highspy.kHighsInf
STEPS = 4
"""Step sizes tried (each a quarter of the last) when ranging does not confirm the dual."""
BIG = 1e15
"""Ranging beyond this is taken as unbounded."""


@dataclass
class Stage:
    """One solved stage LP kept open for warm re-solves."""

    program: MatrixProgram
    highs: highspy.Highs
    objective: float
    row_dual: np.ndarray
    col_dual: np.ndarray
    rows: dict[RowKey, list[int]] = field(default_factory=dict)
    contrib: dict[tuple[str, str], int] = field(default_factory=dict)
    ranging: Any = None

    @classmethod
    def open(cls, program: MatrixProgram, h: highspy.Highs, objective: float) -> Stage:
        sol = h.getSolution()
        stage = cls(program, h, objective, np.array(sol.row_dual), np.array(sol.col_dual))
        for r, (key, _sense) in enumerate(program.rows):
            stage.rows.setdefault(key, []).append(r)
        for j, var in enumerate(program.columns):
            if var.parent_component().local_name == "contrib":
                f, n = var.index()
                stage.contrib[f, n] = j
        status, ranging = h.getRanging()
        stage.ranging = ranging if status == highspy.HighsStatus.kOk else None
        return stage

    def value_at(self, target: Target, delta: float) -> float | None:
        """The stage's optimum with ``target`` relaxed by ``delta``; bounds restored after."""
        lp = self.program.lp
        h = self.highs
        saved: list[tuple[str, int, float, float]] = []
        if target.column is None:
            for r in self.rows.get(target.key, []):
                lo, up = float(lp.row_lower_[r]), float(lp.row_upper_[r])
                saved.append(("row", r, lo, up))
                sense = self.program.rows[r][1]
                new_lo = lo - delta if sense in (GE, EQ) and lo > -INF else lo
                new_up = up + delta if sense in (LE, EQ) and up < INF else up
                h.changeRowBounds(r, new_lo, new_up)
        else:
            j = self.contrib.get(target.column)
            if j is None:
                return None
            lo, up = float(lp.col_lower_[j]), float(lp.col_upper_[j])
            saved.append(("col", j, lo, up))
            if target.side == "min":
                h.changeColBounds(j, lo - delta, up)
            else:
                h.changeColBounds(j, lo, up + delta)
        try:
            result = run(h)
        finally:
            for kind, k, lo, up in saved:
                if kind == "row":
                    h.changeRowBounds(k, lo, up)
                else:
                    h.changeColBounds(k, lo, up)
        if result.status is not SolveStatus.OPTIMAL or result.objective is None:
            return None
        return float(result.objective)

    def ranged_step(self, target: Target) -> float:
        """The relaxation over which the basis stays optimal (0 where unknown)."""
        if self.ranging is None:
            return 0.0
        if target.column is not None:
            j = self.contrib.get(target.column)
            if j is None:
                return 0.0
            lp = self.program.lp
            if target.side == "min":
                return _distance(float(lp.col_lower_[j]), self.ranging.col_bound_dn.value_[j])
            return _distance(float(lp.col_upper_[j]), self.ranging.col_bound_up.value_[j])
        rows = self.rows.get(target.key, [])
        if len(rows) != 1:
            return 0.0
        r = rows[0]
        sense = self.program.rows[r][1]
        lp = self.program.lp
        if sense == LE:
            return _distance(float(lp.row_upper_[r]), self.ranging.row_bound_up.value_[r])
        if sense == GE:
            return _distance(float(lp.row_lower_[r]), self.ranging.row_bound_dn.value_[r])
        return 0.0

    def tolerance(self) -> float:
        """Objective differences below this are the solver's noise."""
        return 1e-9 * max(1.0, abs(self.objective)) + 1e-9


@dataclass(frozen=True)
class Target:
    """What to relax: the rows of a rule (``key``) or a pledge bound (``column``, ``side``)."""

    key: RowKey
    column: tuple[str, str] | None = None
    side: str = ""


@dataclass(frozen=True)
class Slope:
    """A value per unit of relaxation that a re-solve gave, and how far it holds."""

    value: float
    holds_up_to: float
    confirmed_dual: bool
    """True where the re-solve gave the dual price itself."""


def _distance(current: float, ranged: float) -> float:
    d = abs(float(ranged) - current)
    if not math.isfinite(d) or d >= BIG or abs(float(ranged)) >= INF:
        return math.inf
    return d


def slope(stage: Stage, target: Target, dual: float, scale: float) -> Slope | None:
    """The value per unit of relaxing ``target`` in ``stage`` (module docstring), or None
    when no step gives a linear piece (or a re-solve fails)."""
    z0, tol = stage.objective, stage.tolerance()
    step = stage.ranged_step(target)
    if math.isfinite(step) and step > 0:
        z = stage.value_at(target, step)
        if z is not None and abs((z0 - z) - dual * step) <= tol + 1e-7 * abs(dual) * step:
            return Slope(max(dual, 0.0), step, True)
    elif math.isinf(step) and abs(dual) <= 1e-12:
        return Slope(0.0, math.inf, True)
    s = scale
    for _ in range(STEPS):
        half, full = stage.value_at(target, s / 2), stage.value_at(target, s)
        if half is None or full is None:
            return None
        if abs(half - (z0 + full) / 2) <= tol:
            value = (z0 - full) / s
            value = 0.0 if abs(z0 - full) <= tol else max(value, 0.0)
            return Slope(
                value,
                _grow(stage, target, value, s),
                abs(value - dual) <= 1e-7 * max(1.0, abs(dual)),
            )
        s /= 4
    return None


def _grow(stage: Stage, target: Target, value: float, step: float) -> float:
    """The longest of ``step``, 4 ``step``, 16 ``step``, ... over which the value still holds
    (a point on the line through z(0) with slope ``-value`` keeps the convex z linear)."""
    for _ in range(STEPS - 1):
        z = stage.value_at(target, 4 * step)
        if z is None or abs((stage.objective - z) - value * 4 * step) > stage.tolerance():
            break
        step *= 4
    return step


def flat_up_to(stage: Stage, target: Target, delta: float) -> bool:
    """True where relaxing ``target`` by ``delta`` leaves ``stage``'s optimum unchanged."""
    z = stage.value_at(target, delta)
    return z is not None and z >= stage.objective - stage.tolerance()


def step_scale(limit: float, used: float) -> float:
    """A first step for measuring a slope: one unit, or a thousandth of the rule's size."""
    size = max(abs(limit) if math.isfinite(limit) else 0.0, abs(used))
    return max(1.0, 1e-3 * size)
