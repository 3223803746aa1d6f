"""Readable summaries of a plan (DataFrames for notebooks; the CLI renders them)."""

from __future__ import annotations

import pandas as pd

from aggregate.baseline import nation_costs
from aggregate.result import Solution


def key_figures(solution: Solution) -> pd.DataFrame:
    """Key figures as a two-column table (figure, value)."""
    rows = [{"figure": k, "value": v} for k, v in solution.key_figures.items()]
    rows += [{"figure": f"seconds_{k}", "value": round(v, 3)} for k, v in solution.timings.items()]
    return pd.DataFrame(rows, columns=["figure", "value"])


def plan_by_nation(solution: Solution) -> pd.DataFrame:
    """Per nation: demand met and short, units ordered, donated in and out, own spending
    (``spent``, of which ``for_others`` on other nations' orders through bilateral
    purchases), and cost (spending plus a pro-rata share of fixed contract costs and holding
    costs)."""
    t = solution.tables
    demands = t["demands"].groupby("nation")[["quantity", "met_on_time", "met_late", "short"]].sum()
    ordered = t["orders"].groupby("nation")["quantity"].sum().rename("ordered")
    given = t["donations"].groupby("donor")["quantity"].sum().rename("donated")
    got = t["donations"].groupby("recipient")["quantity"].sum().rename("received")
    spent = t["budgets"].set_index("nation")[["spent", "for_others"]]
    cost = nation_costs(solution)
    frame = pd.concat([demands, ordered, got, given, spent, cost], axis=1).fillna(0.0)
    frame.index.name = "nation"
    return frame.reset_index()


def shortfalls(solution: Solution) -> pd.DataFrame:
    """Demands met late or not at all, the largest weighted shortfall first."""
    d = solution.tables["demands"]
    out = d[(d.short > 1e-9) | (d.met_late > 1e-9)]
    return out.sort_values("weighted_shortfall", ascending=False).reset_index(drop=True)


def orders_by_contract(solution: Solution) -> pd.DataFrame:
    """Orders grouped by contract and nation: units, first and last delivery, cost."""
    o = solution.tables["orders"]
    if o.empty:
        return pd.DataFrame(
            columns=["contract", "nation", "quantity", "first", "last", "unit_price", "cost"]
        )
    # periods are labels: order them as the scenario does, not alphabetically
    arrival = pd.Categorical(o.arrival_period, categories=solution.periods or None, ordered=True)
    g = o.assign(cost=o.purchase_cost + o.delivery_cost, arrival_period=arrival).groupby(
        ["contract", "nation"], observed=True
    )
    return g.agg(
        quantity=("quantity", "sum"),
        first=("arrival_period", "min"),
        last=("arrival_period", "max"),
        unit_price=("unit_price", "first"),
        cost=("cost", "sum"),
    ).reset_index()
