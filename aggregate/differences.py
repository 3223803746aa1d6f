"""Plan against plan: what differs per nation, capability and item, and what is solver noise.

:func:`diff` compares two solved plans (typically a scenario and its what-if,
:meth:`aggregate.Scenario.with_changes`) in tidy tables, each number as ``<x>_a``,
``<x>_b`` and ``<x>_diff`` = a - b:

- ``needs``: per (nation, capability): ``met`` (on time or late) and ``short``, in
  capability units, and ``weighted_shortfall`` (the needs objective's measure);
- ``items``: per (nation, item): ``received`` (units delivered by producers plus units
  donated to the nation) and ``cost`` (purchase and delivery cost of its orders, currency);
- ``payments``: per (payer, purpose, item): ``amount`` paid (currency);
- ``summary``: the two objective measures and the headline figures.

**Within the gap.** A solve stops when its plan is proven within the relative gap ``g``
of the best possible (``Solution.gap``): its objective may be up to ``g`` times its size
above the optimum. So a difference smaller than what both gaps allow,
``tolerance = g_a * |m_a| + g_b * |m_b|`` for a measure ``m``, is not a result: another
solve, a variant of no effect, or another solver could show it reversed. The measures are
the two objectives of the needs-first solve: the cost stage's ``cost`` (``total_cost +
penalty_cost``) and the needs stage's ``weighted_shortfall`` (both stages run with the
same requested gap; the plan reports the last stage's; with the ``weighted`` objective one
stage's gap bounds their weighted sum, and the same rule is applied to each). A row is
``within_gap`` when

- the plans are **equally good**: both measures differ by no more than their tolerance
  (then every row difference is one of several equally good plans, not an effect), or
- its own difference is that small: for ``needs``, the weighted shortfall; for ``items``,
  the cost with the units received unchanged; for ``payments``, the amount.

A difference below ``1e-6`` of the values compared counts as none (the extraction's
rounding).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from aggregate.errors import InputError
from aggregate.result import Solution

_ROUNDING = 1e-6
"""Relative size of a difference that is the extraction's rounding, not a difference."""


@dataclass
class PlanDiff:
    """Two plans compared (see :mod:`aggregate.differences`); every ``_diff`` column is a - b."""

    a: str
    """Name of plan a (its scenario's name)."""
    b: str
    """Name of plan b."""
    gaps: tuple[float, float]
    """The relative gaps of the two solves (0 where the solver reported none)."""
    tolerance: dict[str, float]
    """Measure (``cost``, ``weighted_shortfall``) -> the difference the gaps allow."""
    equally_good: bool
    """Both measures differ by no more than their tolerance: the plans are equally good,
    and their differences are a choice among equally good plans, not a result."""
    summary: pd.DataFrame
    needs: pd.DataFrame
    items: pd.DataFrame
    payments: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    """Sentences for a reader: equally good plans, differences within the gap."""

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "summary": self.summary,
            "needs": self.needs,
            "items": self.items,
            "payments": self.payments,
        }

    def changes(self, table: str) -> pd.DataFrame:
        """The rows of ``table`` that differ by more than the gaps allow: the results."""
        frame = self.tables[table]
        return frame[~frame["within_gap"]].reset_index(drop=True)

    def _repr_html_(self) -> str:
        # a notebook shows the notes and the summary; the tables are one attribute away
        notes = "".join(f"<p>{html.escape(note)}</p>" for note in self.notes)
        head = f"<p><b>{html.escape(self.a)}</b> (a) against <b>{html.escape(self.b)}</b> (b)</p>"
        return head + notes + self.summary.to_html(index=False)

    def __repr__(self) -> str:
        lines = [f"PlanDiff(a={self.a!r}, b={self.b!r}, equally_good={self.equally_good})"]
        lines += [f"  {note}" for note in self.notes]
        shown = self.summary.set_index("figure")[["a", "b", "diff", "within_gap"]]
        lines += ["  " + line for line in shown.to_string().splitlines()]
        return "\n".join(lines)


def diff(plan_a: Solution, plan_b: Solution) -> PlanDiff:
    """Compare two solved plans; every ``_diff`` column is ``plan_a`` minus ``plan_b``.

    Raises :class:`~aggregate.errors.InputError` when either has no plan.
    """
    for label, plan in (("plan_a", plan_a), ("plan_b", plan_b)):
        if not plan.status.has_plan:
            raise InputError(
                f"{label} ({plan.scenario_name}) has no plan to compare: its solve ended "
                f"{plan.status.value}; solve it again (a longer time limit, a fixed scenario)"
            )
    gaps = (solver_gap(plan_a.gap), solver_gap(plan_b.gap))
    ma, mb = measures(plan_a.key_figures), measures(plan_b.key_figures)
    pairs = {m: (ma[m], mb[m]) for m in MEASURES}
    tolerance = {m: allowed(a, gaps[0], b, gaps[1]) for m, (a, b) in pairs.items()}
    equally_good = all(abs(a - b) <= tolerance[m] for m, (a, b) in pairs.items())
    needs = _needs(plan_a, plan_b, tolerance["weighted_shortfall"], equally_good)
    items = _items(plan_a, plan_b, tolerance["cost"], equally_good)
    payments = _payments(plan_a, plan_b, tolerance["cost"], equally_good)
    summary = _summary(plan_a, plan_b, pairs, tolerance)
    notes = _notes(summary, equally_good, (needs, items, payments))
    return PlanDiff(
        plan_a.scenario_name,
        plan_b.scenario_name,
        gaps,
        tolerance,
        equally_good,
        summary,
        needs,
        items,
        payments,
        notes,
    )


MEASURES = ("cost", "weighted_shortfall")
"""The two objectives a solve's gap bounds: the cost stage's and the needs stage's."""


def solver_gap(gap: float | None) -> float:
    """A solve's relative gap as a number (0 where unknown: an LP, or none reported)."""
    return float(gap) if gap is not None and gap == gap else 0.0


def measures(key_figures: Mapping[str, Any]) -> dict[str, float]:
    """A plan's two objective measures from its key figures: ``cost`` (total cost plus
    penalties) and ``weighted_shortfall``."""
    return {
        "cost": _number(key_figures, "total_cost") + _number(key_figures, "penalty_cost"),
        "weighted_shortfall": _number(key_figures, "weighted_shortfall"),
    }


def allowed(a: float, gap_a: float, b: float, gap_b: float) -> float:
    """The difference between measures ``a`` and ``b`` that the two solves' gaps allow
    (plus the extraction's rounding): a smaller one is not a result."""
    return gap_a * abs(a) + gap_b * abs(b) + _rounding(a, b)


def _figure(plan: Solution, name: str) -> float:
    return _number(plan.key_figures, name)


def _number(key_figures: Mapping[str, Any], name: str) -> float:
    """A key figure as a number (0 where missing or NaN)."""
    value = key_figures.get(name)
    return float(value) if value is not None and value == value else 0.0


def _rounding(a: float, b: float) -> float:
    return _ROUNDING * max(1.0, abs(a), abs(b))


def _close(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise: a and b differ by no more than the extraction's rounding."""
    size = pd.concat([a.abs(), b.abs()], axis=1).max(axis=1).clip(lower=1.0)
    return (a - b).abs() <= _ROUNDING * size


def _side_by_side(
    a: pd.DataFrame, b: pd.DataFrame, keys: list[str], values: list[str]
) -> pd.DataFrame:
    """One row per key in either frame: ``<v>_a``, ``<v>_b``, ``<v>_diff`` per value (0
    where a plan has no row: it delivers, pays or lacks nothing there)."""
    merged = a.merge(b, on=keys, how="outer", suffixes=("_a", "_b"))
    out = merged[keys].copy()
    for v in values:
        va = merged[f"{v}_a"].fillna(0.0).astype(float)
        vb = merged[f"{v}_b"].fillna(0.0).astype(float)
        out[f"{v}_a"] = va
        out[f"{v}_b"] = vb
        # rounding noise (139996999.999999 against 139997000) is no difference
        out[f"{v}_diff"] = (va - vb).where(~_close(va, vb), 0.0)
    return out.sort_values(keys).reset_index(drop=True)


def _needs(a: Solution, b: Solution, tol: float, equally_good: bool) -> pd.DataFrame:
    keys = ["nation", "capability"]
    values = ["met", "short", "weighted_shortfall"]

    def per(plan: Solution) -> pd.DataFrame:
        d = plan.demands
        d = d.assign(met=d["met_on_time"] + d["met_late"])
        return d.groupby(keys, as_index=False)[values].sum()

    out = _side_by_side(per(a), per(b), keys, values)
    out["within_gap"] = equally_good | (out["weighted_shortfall_diff"].abs() <= tol)
    return out


def _items(a: Solution, b: Solution, tol: float, equally_good: bool) -> pd.DataFrame:
    keys = ["nation", "item"]
    values = ["received", "cost"]

    def per(plan: Solution) -> pd.DataFrame:
        o = plan.orders
        ordered = (
            o.assign(received=o["quantity"], cost=o["purchase_cost"] + o["delivery_cost"])
            .groupby(keys, as_index=False)[values]
            .sum()
        )
        d = plan.donations
        donated = (
            d.rename(columns={"recipient": "nation"})
            .assign(received=d["quantity"], cost=0.0)
            .groupby(keys, as_index=False)[values]
            .sum()
        )
        both = pd.concat([ordered, donated], ignore_index=True)
        return both.groupby(keys, as_index=False)[values].sum()

    out = _side_by_side(per(a), per(b), keys, values)
    same_units = out["received_diff"] == 0
    out["within_gap"] = equally_good | (same_units & (out["cost_diff"].abs() <= tol))
    return out


def _payments(a: Solution, b: Solution, tol: float, equally_good: bool) -> pd.DataFrame:
    keys = ["payer", "purpose", "item"]

    def per(plan: Solution) -> pd.DataFrame:
        return plan.payments.groupby(keys, as_index=False)[["amount"]].sum()

    out = _side_by_side(per(a), per(b), keys, ["amount"])
    out["within_gap"] = equally_good | (out["amount_diff"].abs() <= tol)
    return out


def _summary(
    a: Solution,
    b: Solution,
    pairs: dict[str, tuple[float, float]],
    tolerance: dict[str, float],
) -> pd.DataFrame:
    rows = []
    figures = [
        ("cost", "cost", pairs["cost"]),
        ("total_cost", "cost", (_figure(a, "total_cost"), _figure(b, "total_cost"))),
        ("penalty_cost", "cost", (_figure(a, "penalty_cost"), _figure(b, "penalty_cost"))),
        ("weighted_shortfall", "weighted_shortfall", pairs["weighted_shortfall"]),
        ("short", "weighted_shortfall", (_figure(a, "short"), _figure(b, "short"))),
    ]
    for name, measure, (va, vb) in figures:
        difference = 0.0 if abs(va - vb) <= _rounding(va, vb) else va - vb
        # a figure is within the gap when its measure is: short follows the weighted
        # shortfall the gap bounds, the cost lines follow the cost measure
        ma, mb = pairs[measure]
        rows.append(
            {
                "figure": name,
                "measure": measure,
                "a": va,
                "b": vb,
                "diff": difference,
                "tolerance": tolerance[measure],
                "within_gap": difference == 0 or abs(ma - mb) <= tolerance[measure],
            }
        )
    return pd.DataFrame(rows)


def _notes(
    summary: pd.DataFrame, equally_good: bool, tables: tuple[pd.DataFrame, ...]
) -> list[str]:
    if equally_good:
        differing = sum(int((t.filter(like="_diff") != 0).any(axis=1).sum()) for t in tables)
        if differing:
            return [
                "the plans are equally good within the solvers' gaps: the "
                f"{differing} differing rows show one of several equally good plans, not a "
                "result"
            ]
        return ["the plans are equally good within the solvers' gaps"]
    noisy = summary[(summary["diff"] != 0) & summary["within_gap"]]
    return [
        f"{row.figure} differs by {row.diff:,.6g}, within what the gaps allow "
        f"({row.tolerance:,.6g}): not a result"
        for row in noisy.itertuples()
    ]


__all__ = ["MEASURES", "PlanDiff", "allowed", "diff", "measures", "solver_gap"]
