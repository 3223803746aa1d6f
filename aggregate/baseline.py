"""Two honest comparisons, per nation and in total: the value of pooling and the value of aid.

- :func:`compare`, the **value of pooling**: the joint plan against going alone. Going alone
  removes only the pooling of contracts (each nation its own contract per offer: own volume
  tiers, minimum order, fixed contract and period costs; the producer's capacity is still
  shared). Every aid channel stays on both sides: funds (contributions, payments, investment
  co-financing, refill reimbursements), bilateral purchases (``nations[].buys_for``) and
  donations from stock. A fund with a minimum
  consortium pays for no order going alone: a going-alone contract has one nation, so the
  consortium cannot form.
- :func:`compare_aid`, the **value of aid**: the joint plan with its aid against the joint plan
  of :func:`without_aid` (no funds, no bilateral purchases, no donations).

In both, a value is the plan without the thing minus the plan with it, per nation: cost
(``value_cost``), units short (``value_short``), weighted shortfall
(``value_weighted_shortfall``) and late unit-periods (``value_late``); positive means the
pooling (the aid) is better for that nation. A donor's value of aid is usually negative: it
pays for others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from aggregate.result import Solution
from aggregate.schema import Scenario
from aggregate.solve import solve

MEASURES = ("cost", "weighted_shortfall", "short", "late_unit_periods")
"""Per-nation measures of a plan, each shown in both plans of a comparison."""
VALUES = {
    "cost": "value_cost",
    "weighted_shortfall": "value_weighted_shortfall",
    "short": "value_short",
    "late_unit_periods": "value_late",
}
"""Measure -> the column of its value (without minus with; positive: with is better)."""


@dataclass
class Comparison:
    """The value of pooling: the joint plan, the going-alone plan, and what pooling changes."""

    pooled: Solution
    alone: Solution
    by_nation: pd.DataFrame
    """Per nation: cost, weighted shortfall, units short and late unit-periods in each plan
    (``cost_pooled``, ``cost_alone``, ...) and their values (``value_cost``,
    ``value_weighted_shortfall``, ``value_short``, ``value_late``; positive = pooling is
    better for the nation)."""
    totals: dict[str, Any]
    """``total_cost_pooled``, ``total_cost_alone``, ``value_cost`` (alone minus pooled),
    ``value_cost_share`` (of the going-alone cost), ``weighted_shortfall_pooled`` and
    ``_alone``, ``value_weighted_shortfall``, ``short_pooled`` and ``_alone``,
    ``value_short``, ``fill_rate_pooled`` and ``_alone``."""


@dataclass
class AidComparison:
    """The value of aid: the joint plan with and without aid (funds, bilateral purchases,
    donations)."""

    aid: Solution
    no_aid: Solution
    by_nation: pd.DataFrame
    """As :attr:`Comparison.by_nation`, sides ``aid`` and ``no_aid``; positive values = aid
    is better for the nation."""
    totals: dict[str, Any]
    """As :attr:`Comparison.totals`, sides ``aid`` and ``no_aid``."""


def nation_costs(solution: Solution) -> pd.Series:
    """Each nation's cost: its payments (own orders, purchases for others, contributions,
    sponsored investment), plus a share of fixed contract and period costs pro rata to its
    volume in the contract, plus holding costs of its stocks and repair costs of its worn
    units.

    Two readings differ from the budgets table on purpose: fixed costs are shared by volume
    (what each nation's orders cost the framework, on both sides alike) rather than by the
    offer's budget rule; and a contribution counts in full, including any part its fund leaves
    unspent, so per-nation values need not add up to the totals' ``value_cost``, which
    counts only money spent."""
    t = solution.tables
    budgets = t["budgets"].set_index("nation")
    # the budgets charge fixed costs by the offers' stated rule; this comparison shares them
    # pro rata to volume instead, so they are taken out of what each nation spent
    own = budgets["spent"] - budgets["fixed_costs"]
    orders = t["orders"]
    contracts = t["contracts"].set_index("contract")
    fixed = (contracts.contract_cost + contracts.period_cost).where(contracts.volume > 0, 0.0)
    share = orders.groupby(["contract", "nation"])["quantity"].sum()
    volume = share.groupby(level="contract").transform("sum")
    prorated = share / volume * fixed.reindex(share.index.get_level_values("contract")).values
    fixed_by_nation = prorated.groupby(level="nation").sum()
    holding = t["inventory"].groupby("nation")["holding_cost"].sum()
    # repairs, like holding, are paid outside budgets: charged to the owner of the units
    repairs = t["repairs"] if "repairs" in t else pd.DataFrame(columns=["nation", "repair_cost"])
    repair = repairs.groupby("nation")["repair_cost"].sum()
    nations = own.index.union(fixed_by_nation.index).union(holding.index).union(repair.index)
    return (
        own.reindex(nations, fill_value=0.0)
        + fixed_by_nation.reindex(nations, fill_value=0.0)
        + holding.reindex(nations, fill_value=0.0)
        + repair.reindex(nations, fill_value=0.0)
    ).rename("cost")


def _needs(solution: Solution) -> pd.DataFrame:
    demands = solution.tables["demands"]
    return demands.groupby("nation")[["weighted_shortfall", "short", "late_unit_periods"]].sum()


def _values(
    with_: Solution, without: Solution, sides: tuple[str, str]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Per-nation table and totals of two plans; ``sides`` names (with, without)."""
    a, b = sides
    frame = pd.concat(
        {
            a: pd.concat([nation_costs(with_), _needs(with_)], axis=1),
            b: pd.concat([nation_costs(without), _needs(without)], axis=1),
        },
        axis=1,
    ).fillna(0.0)
    by = pd.DataFrame(index=frame.index)
    by.index.name = "nation"
    for col in MEASURES:
        by[f"{col}_{a}"] = frame[a][col]
        by[f"{col}_{b}"] = frame[b][col]
    for col, value in VALUES.items():
        by[value] = by[f"{col}_{b}"] - by[f"{col}_{a}"]
    kw, kn = with_.key_figures, without.key_figures
    saved = kn["total_cost"] - kw["total_cost"]
    totals = {
        f"total_cost_{a}": kw["total_cost"],
        f"total_cost_{b}": kn["total_cost"],
        "value_cost": saved,
        "value_cost_share": saved / kn["total_cost"] if kn["total_cost"] > 0 else 0.0,
        f"weighted_shortfall_{a}": kw["weighted_shortfall"],
        f"weighted_shortfall_{b}": kn["weighted_shortfall"],
        "value_weighted_shortfall": kn["weighted_shortfall"] - kw["weighted_shortfall"],
        f"short_{a}": kw["short"],
        f"short_{b}": kn["short"],
        "value_short": kn["short"] - kw["short"],
        f"fill_rate_{a}": kw["fill_rate"],
        f"fill_rate_{b}": kn["fill_rate"],
    }
    return by.reset_index(), totals


def _no_plan(with_: Solution, without: Solution, sides: tuple[str, str]) -> dict[str, Any]:
    return {f"{sides[0]}_status": with_.status.value, f"{sides[1]}_status": without.status.value}


def compare(scenario: Scenario, **solve_options: Any) -> Comparison:
    """The value of pooling: solve the joint plan and the going-alone plan and compare them.

    Both plans keep every aid channel (see the module's docstring); ``solve_options`` are
    passed to :func:`aggregate.solve` for both.
    """
    pooled = solve(scenario, **solve_options)
    alone = solve(scenario, baseline=True, **solve_options)
    sides = ("pooled", "alone")
    if not (pooled.status.has_plan and alone.status.has_plan):
        return Comparison(pooled, alone, pd.DataFrame(), _no_plan(pooled, alone, sides))
    by, totals = _values(pooled, alone, sides)
    return Comparison(pooled, alone, by, totals)


def without_aid(scenario: Scenario) -> Scenario:
    """``scenario`` with every aid channel removed: no funds, no bilateral purchases
    (``nations[].buys_for``) and no stockpile donates.

    The one place that says what aid is: a new aid channel is removed here too. Everything
    else, budgets, floors and refill targets included, is unchanged.
    """
    stockpiles = [
        s.model_copy(update={"donor": False, "donation_policy": None}) for s in scenario.stockpiles
    ]
    nations = [n.model_copy(update={"buys_for": []}) for n in scenario.nations]
    return scenario.model_copy(update={"funds": [], "stockpiles": stockpiles, "nations": nations})


def compare_aid(
    scenario: Scenario, *, joint: Solution | None = None, **solve_options: Any
) -> AidComparison:
    """The value of aid: the joint plan of ``scenario`` against that of
    :func:`without_aid` (``solve_options`` as :func:`compare`). ``joint`` is the joint plan
    of ``scenario`` when already solved with the same options (it is not solved again)."""
    aid = joint if joint is not None else solve(scenario, **solve_options)
    no_aid = solve(without_aid(scenario), **solve_options)
    sides = ("aid", "no_aid")
    if not (aid.status.has_plan and no_aid.status.has_plan):
        return AidComparison(aid, no_aid, pd.DataFrame(), _no_plan(aid, no_aid, sides))
    by, totals = _values(aid, no_aid, sides)
    return AidComparison(aid, no_aid, by, totals)
