"""Bottlenecks: the rules worth relaxing, ranked, and the expansion options not taken.

A rule is a bottleneck when relaxing it by one unit improves the plan: it avoids weighted
shortfall (needs stage) or saves cost with the needs held (cost stage). The ranking puts
shortfall first, as the needs-first objective does, then cost. Units differ between rules
(a round of capacity, a euro of budget), so the ranking orders the marginal values as the
objective sees them, one unit of each rule's own field.

An expansion option the plan did not take is valued by re-solving the plan with the option
forced in (at its best start, every other decision free): the option is worth taking only
if its investment cost falls below :math:`I - (C_{forced} - C_{plan})`, the *break-even
cost*; it must be :math:`C_{forced} - C_{plan}` cheaper.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pyomo.environ as pyo

from aggregate.explain.duals import Marginals, fresh_model, rows_of
from aggregate.result import Solution
from aggregate.schema import Scenario
from aggregate.solve import SolverOptions, solve_model

BOTTLENECK_COLUMNS = [
    "rank",
    "rule",
    "entry",
    "field",
    "period",
    "relax",
    "unit",
    "limit",
    "used",
    "shortfall_avoided",
    "cost_saved",
    "producer",
    "item",
    "nation",
    "fund",
    "supplier",
    "holds_up_to",
    "change",
    "sentence",
]
"""Columns of :attr:`aggregate.explain.Explanation.bottlenecks` (``holds_up_to``: the
relaxation over which the values hold; ``change``: the scenario field to change, as a
path such as ``nations[DEU].budget``)."""

EXPANSION_COLUMNS = [
    "expansion",
    "producer",
    "item",
    "added_capacity",
    "investment_cost",
    "status",
    "shortfall_avoided",
    "cost_change",
    "break_even_cost",
    "cheaper_by",
    "sentence",
]
"""Columns of :attr:`aggregate.explain.Explanation.expansions`."""

EPS = 1e-9


def short_number(x: float) -> str:
    """A short readable number: ``0.8``, ``5``, ``12,500``, ``1.2e-05``."""
    if x == 0 or math.isnan(x):
        return "0" if x == 0 else "-"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) < 1e-3:
        return f"{x:.2g}"
    return f"{x:.4g}"


def effects(shortfall: float, cost: float, currency: str) -> str:
    """``avoids 0.8 weighted shortfall and saves 5 EUR``."""
    parts = []
    if not math.isnan(shortfall) and shortfall > EPS:
        parts.append(f"avoids {short_number(shortfall)} weighted shortfall")
    if not math.isnan(cost) and cost > EPS:
        parts.append(f"saves {short_number(cost)} {currency}")
    return " and ".join(parts) if parts else "changes nothing"


def per_unit(row: Any, currency: str) -> str:
    """``avoids 0.8 weighted shortfall per round per period over the first 1,000``: the
    value and the relaxation it holds over."""
    value = effects(row.shortfall_avoided, row.cost_saved, currency)
    if value == "changes nothing":
        return value
    unit = str(row.unit)
    span = row.holds_up_to
    if isinstance(span, float) and math.isfinite(span):
        return f"{value} per {unit} over the first {short_number(span)}"
    return f"{value} per {unit}"


def rule_sentence(row: Any, subject: str, currency: str) -> str:
    """One sentence for a priced rule, e.g. "Raising capacity for 155-L52 at RHM in 2024Q1
    avoids 0.8 weighted shortfall per round per period over the first 1,000 (uses 600 of
    600)."
    """
    where = f" in {row.period}" if row.period else ""
    if row.relax == "lower":
        head = f"Lowering {subject}{where}"
    elif row.relax == "widen":
        head = f"Widening {subject}"
    else:
        head = f"Raising {subject}{where}"
    binding = ""
    if not math.isnan(row.limit) and row.relax == "lower":
        what = row.field.split(".")[-1]
        binding = f" (at {short_number(row.used)}, the {what} being {short_number(row.limit)})"
    elif not math.isnan(row.limit) and row.limit == 0:
        binding = " (there is none)"
    elif not math.isnan(row.limit):
        binding = f" (uses {short_number(row.used)} of {short_number(row.limit)})"
    return f"{head} {per_unit(row, currency)}{binding}."


def lever(entry: str, field: str) -> str:
    """The scenario field to change, as a path: ``nations[DEU].budget``."""
    return f"{entry}.{field}" if field else entry


def rank_bottlenecks(marginals: Marginals, top: int | None = None) -> pd.DataFrame:
    """Rules with a positive marginal value, shortfall avoided first, then cost saved."""
    frame = marginals.frame.copy()
    frame["subject"] = [r.subject for r in marginals.rules]
    short = frame.shortfall_avoided.fillna(0.0)
    cost = frame.cost_saved.fillna(0.0)
    frame = frame[(short > EPS) | (cost > EPS)].copy()
    frame["_s"], frame["_c"] = short[frame.index], cost[frame.index]
    frame = frame.sort_values(["_s", "_c", "entry", "period"], ascending=[False, False, True, True])
    if top is not None:
        frame = frame.head(top)
    currency = marginals.namer.currency
    frame["sentence"] = [rule_sentence(row, row.subject, currency) for row in rows_of(frame)]
    frame["change"] = [lever(e, f) for e, f in zip(frame["entry"], frame["field"], strict=True)]
    frame["rank"] = range(1, len(frame) + 1)
    return frame[BOTTLENECK_COLUMNS].reset_index(drop=True)


def expansion_values(
    scenario: Scenario, plan: Solution, marginals: Marginals, options: SolverOptions
) -> pd.DataFrame:
    """Each expansion option the plan did not take, re-solved with the option forced in."""
    taken = set(plan.tables["investments"].expansion)
    data = marginals.data
    currency = marginals.namer.currency
    weighted = marginals.needs is None
    figures = plan.key_figures
    # the cost stage's objective: money left in a fund is not a cost
    base_cost = sum(float(figures.get(k) or 0.0) for k in ("total_cost", "penalty_cost"))
    base_needs = float(figures.get("needs_objective") or marginals.needs or 0.0)
    rows: list[dict[str, Any]] = []
    for e, x in data.expansions.items():
        if e in taken or not x.starts:
            continue
        forced_data, m = fresh_model(scenario, plan)
        m.explain_force = pyo.Constraint(expr=pyo.quicksum(m.build[e, s] for s in x.starts) == 1)
        sol = solve_model(m, forced_data, options)
        row: dict[str, Any] = {
            "expansion": e,
            "producer": x.producer,
            "item": x.item,
            "added_capacity": x.added,
            "investment_cost": x.cost,
            "status": sol.status.value,
            "shortfall_avoided": math.nan,
            "cost_change": math.nan,
            "break_even_cost": math.nan,
            "cheaper_by": math.nan,
        }
        # a component supplier's expansion adds its component at the supplier
        what, where = (
            (data.supplier_component[x.supplier], x.supplier)
            if x.supplier is not None
            else (x.item, x.producer)
        )
        if not sol.status.has_plan:
            row["sentence"] = (
                f"Expansion {e} ({where}, {what}) cannot be taken: with it the rules "
                f"conflict ({sol.status.value})."
            )
            rows.append(row)
            continue
        objective = m.weighted_obj if weighted else m.cost
        # compare like with like: the plan's own figures, both solves within the same gap
        slack = max(options.mip_gap, 1e-6)
        change = _beyond(float(pyo.value(objective)) - base_cost, slack * max(1.0, base_cost))
        row["cost_change"] = change
        if not weighted:
            forced_needs = sol.key_figures.get("needs_objective") or 0.0
            avoided = base_needs - float(forced_needs)
            row["shortfall_avoided"] = _beyond(avoided, slack * max(1.0, base_needs))
        if weighted or row["shortfall_avoided"] == 0.0:
            row["break_even_cost"] = x.cost - change
            if abs(row["break_even_cost"]) <= slack * max(1.0, base_cost):
                row["break_even_cost"] = 0.0
            row["cheaper_by"] = max(change, 0.0)
        row["sentence"] = _expansion_sentence(e, where, what, x.cost, row, currency)
        rows.append(row)
    return pd.DataFrame(rows, columns=EXPANSION_COLUMNS)


def _beyond(x: float, tolerance: float) -> float:
    """``x``, or 0 where it is within the solver's tolerance."""
    return 0.0 if abs(x) <= tolerance else x


def _expansion_sentence(
    e: str, producer: str, item: str, cost: float, row: dict[str, Any], currency: str
) -> str:
    name = f"Expansion {e} ({item} at {producer}, {short_number(cost)} {currency})"
    avoided = row["shortfall_avoided"]
    if not math.isnan(avoided) and avoided > 0:
        return (
            f"{name} would avoid {short_number(avoided)} weighted shortfall; "
            "the plan may not be optimal."
        )
    if not math.isnan(avoided) and avoided < 0:
        return (
            f"{name} would add {short_number(-avoided)} weighted shortfall: paying for it takes "
            "money or capacity from the needs."
        )
    breakeven = row["break_even_cost"]
    if breakeven <= 0:
        return f"{name} is not worth taking even at no cost."
    return (
        f"{name} would pay off at {short_number(breakeven)} {currency} or less "
        f"({short_number(row['cheaper_by'])} {currency} cheaper)."
    )


__all__ = [
    "BOTTLENECK_COLUMNS",
    "EXPANSION_COLUMNS",
    "effects",
    "expansion_values",
    "lever",
    "per_unit",
    "rank_bottlenecks",
    "short_number",
]
