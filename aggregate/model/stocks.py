"""Demand side: stock balance, floors, refill targets, donations and demand accounting."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyomo.environ as pyo

from aggregate.data import ModelData


def stock_balance(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Stock carried over time.

    :math:`stock_{n,i,t} = stock_{n,i,t-1} + \sum_{p,k} x_{p,i,n,t,k} + \sum_g give_{g,n,i,t}
    - \sum_r give_{n,r,i,t} - \sum_d use_{d,i,t}`, with :math:`stock_{n,i,-1} = on\_hand`.
    """
    gifts_in: dict[tuple[str, str, int], list] = defaultdict(list)
    gifts_out: dict[tuple[str, str, int], list] = defaultdict(list)
    for g, r, i, t in m.GIFTS:
        gifts_in[r, i, t].append((g, r, i, t))
        gifts_out[g, i, t].append((g, r, i, t))
    uses: dict[tuple[str, str, int], list] = defaultdict(list)
    for d, i, t in data.supply:
        uses[data.demands[d].nation, i, t].append((d, i, t))

    def rule(m: pyo.ConcreteModel, n: str, i: str, t: int) -> Any:
        if t == 0:
            before: Any = data.stocks[n, i].on_hand if (n, i) in data.stocks else 0.0
        else:
            before = m.stock[n, i, t - 1]
        inflow = pyo.quicksum(m.order[o] for o in data.by_arrival.get((n, i, t), []))
        gifts = pyo.quicksum(m.give[g] for g in gifts_in[n, i, t]) - pyo.quicksum(
            m.give[g] for g in gifts_out[n, i, t]
        )
        used = pyo.quicksum(m.use[u] for u in uses[n, i, t])
        return m.stock[n, i, t] == before + inflow + gifts - used

    m.stock_balance = pyo.Constraint(m.STOCK, rule=rule)


def stock_floor_lower(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Stockpile floors: :math:`stock_{n,i,t} \ge floor_t - below_{n,i,t}` (``below`` only if soft).

    The floor binds in every period when the opening stock meets it, otherwise from the
    refill date on.
    """
    keys = [
        (n, i, t)
        for (n, i), s in data.stocks.items()
        if s.floor_from is not None
        for t in range(s.floor_from, len(data.periods))
        if s.floor[t] > 0
    ]

    def rule(m: pyo.ConcreteModel, n: str, i: str, t: int) -> Any:
        slack = m.below[n, i, t] if (n, i, t) in m.BELOW else 0.0
        return m.stock[n, i, t] + slack >= data.stocks[n, i].floor[t]

    m.stock_floor_lower = pyo.Constraint(keys, rule=rule)


def refill_target_lower(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Refill by a date: :math:`stock_{n,i,by} \ge target - missed_{n,i}` (``missed`` if soft)."""
    keys = [
        k for k, s in data.stocks.items() if s.refill_target is not None and s.refill_by is not None
    ]

    def rule(m: pyo.ConcreteModel, n: str, i: str) -> Any:
        s = data.stocks[n, i]
        slack = m.missed[n, i] if (n, i) in m.MISSED else 0.0
        return m.stock[n, i, s.refill_by] + slack >= s.refill_target

    m.refill_target_lower = pyo.Constraint(keys, rule=rule)


def demand_balance(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Every demand is met (on time, late) or short: :math:`\sum_{i,t} f_i use_{d,i,t} + short_d = q_d`."""
    by_demand: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for key in data.supply:
        by_demand[key[0]].append(key)

    def rule(m: pyo.ConcreteModel, d: str) -> Any:
        met = pyo.quicksum(data.supply[k] * m.use[k] for k in by_demand[d])
        return met + m.short[d] == data.demands[d].quantity

    m.demand_balance = pyo.Constraint(m.DEMANDS, rule=rule)


def donation_from_stock_upper(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Donations come from the stock a donor holds at the start, not from new purchases.

    :math:`\sum_{r,t} give_{m,r,i,t} \le on\_hand_{m,i}`. Buying for another nation is an
    order for that nation; without this rule a donor could act as everyone's purchasing
    agent and undo the difference between going alone and pooling.
    """
    given: dict[tuple[str, str], list] = defaultdict(list)
    for g in m.GIFTS:
        given[g[0], g[2]].append(g)
    m.donation_from_stock_upper = pyo.Constraint(
        sorted(given),
        rule=lambda m, n, i: pyo.quicksum(m.give[g] for g in given[n, i])
        <= data.stocks[n, i].on_hand,
    )
