"""Going alone versus pooling: the value of aggregation, per nation and in total."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from aggregate.result import Solution
from aggregate.schema import Scenario
from aggregate.solve import solve


@dataclass
class Comparison:
    """The joint plan, the going-alone plan, and what pooling changes."""

    pooled: Solution
    alone: Solution
    by_nation: pd.DataFrame
    """Per nation: cost, weighted shortfall, units short and late unit-periods in each plan,
    and the differences (positive = pooling is better)."""
    totals: dict[str, Any]


def nation_costs(solution: Solution) -> pd.Series:
    """Each nation's cost: its own payments (orders, contributions, sponsored investment),
    plus a share of fixed contract and period costs pro rata to its volume in the contract,
    plus holding costs of its stocks."""
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
    nations = own.index.union(fixed_by_nation.index).union(holding.index)
    return (
        own.reindex(nations, fill_value=0.0)
        + fixed_by_nation.reindex(nations, fill_value=0.0)
        + holding.reindex(nations, fill_value=0.0)
    ).rename("cost")


def _needs(solution: Solution) -> pd.DataFrame:
    demands = solution.tables["demands"]
    return demands.groupby("nation")[["weighted_shortfall", "short", "late_unit_periods"]].sum()


def compare(scenario: Scenario, **solve_options: Any) -> Comparison:
    """Solve the joint plan and the going-alone baseline and compare them.

    ``solve_options`` are passed to :func:`aggregate.solve` for both plans.
    """
    pooled = solve(scenario, **solve_options)
    alone = solve(scenario, baseline=True, **solve_options)
    if not (pooled.status.has_plan and alone.status.has_plan):
        empty = pd.DataFrame()
        totals: dict[str, Any] = {
            "pooled_status": pooled.status.value,
            "alone_status": alone.status.value,
        }
        return Comparison(pooled, alone, empty, totals)
    frame = pd.concat(
        {
            "pooled": pd.concat([nation_costs(pooled), _needs(pooled)], axis=1),
            "alone": pd.concat([nation_costs(alone), _needs(alone)], axis=1),
        },
        axis=1,
    ).fillna(0.0)
    by = pd.DataFrame(index=frame.index)
    by.index.name = "nation"
    for col in ("cost", "weighted_shortfall", "short", "late_unit_periods"):
        by[f"{col}_pooled"] = frame["pooled"][col]
        by[f"{col}_alone"] = frame["alone"][col]
    by["cost_saved"] = by.cost_alone - by.cost_pooled
    by["shortfall_avoided"] = by.short_alone - by.short_pooled
    by["late_unit_periods_avoided"] = by.late_unit_periods_alone - by.late_unit_periods_pooled
    kp, ka = pooled.key_figures, alone.key_figures
    totals = {
        "total_cost_pooled": kp["total_cost"],
        "total_cost_alone": ka["total_cost"],
        "cost_saved": ka["total_cost"] - kp["total_cost"],
        "cost_saved_share": (ka["total_cost"] - kp["total_cost"]) / ka["total_cost"]
        if ka["total_cost"] > 0
        else 0.0,
        "weighted_shortfall_pooled": kp["weighted_shortfall"],
        "weighted_shortfall_alone": ka["weighted_shortfall"],
        "shortfall_avoided": ka["short"] - kp["short"],
        "fill_rate_pooled": kp["fill_rate"],
        "fill_rate_alone": ka["fill_rate"],
    }
    return Comparison(pooled, alone, by.reset_index(), totals)
