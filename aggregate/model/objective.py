"""The two measures of a plan, needs and cost, and the objectives built from them."""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from aggregate.data import ModelData


def cost_terms(m: pyo.ConcreteModel, data: ModelData) -> dict[str, object]:
    """Each cost family as a linear expression (docs/model.md, "Objective")."""
    off = data.offers
    return {
        "purchase": pyo.quicksum(off[o[0], o[1]].prices[o[4]] * m.order[o] for o in m.ORDERS),
        "delivery": pyo.quicksum(off[o[0], o[1]].delivery[o[2]] * m.order[o] for o in m.ORDERS),
        "contract": pyo.quicksum(off[data.contracts[c]].contract_cost * m.open[c] for c in m.CONTRACTS),
        "period": pyo.quicksum(
            off[data.contracts[tuple(k[:-1])]].period_cost[k[-1]] * m.delivers[k] for k in m.DELIVERS
        ),
        "investment": pyo.quicksum(data.expansions[e].cost * m.build[e, s] for (e, s) in m.BUILDS),
        "holding": pyo.quicksum(
            data.stocks[n, i].holding[t] * m.stock[n, i, t]
            for (n, i, t) in m.STOCK
            if (n, i) in data.stocks and data.stocks[n, i].holding[t] > 0
        ),
        "penalty": pyo.quicksum(
            data.stocks[n, i].soft_penalty * m.below[n, i, t]
            for (n, i, t) in m.BELOW
        )
        + pyo.quicksum(
            data.stocks[n, i].refill_penalty * m.missed[n, i]
            for (n, i) in m.MISSED
        ),
        "unspent": pyo.quicksum(m.unspent[f] for f in m.FUNDS),
    }


def _late(data: ModelData) -> dict[str, list[tuple[tuple[str, str, int], float]]]:
    """demand -> [(supply key, factor * periods late)] for late supply only."""
    out: dict[str, list[tuple[tuple[str, str, int], float]]] = defaultdict(list)
    for (d, i, t), factor in data.supply.items():
        late = t - data.demands[d].due
        if late > 0:
            out[d].append(((d, i, t), factor * late))
    return out


def add_objectives(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Expressions ``cost``, ``needs`` and ``penalised_needs``; objectives ``needs_obj``,
    ``cost_obj`` and ``weighted_obj`` (all but one deactivated by the solve driver)."""
    late = _late(data)
    terms = cost_terms(m, data)
    m.cost = pyo.Expression(expr=pyo.quicksum(terms.values()))
    m.needs = pyo.Expression(
        expr=pyo.quicksum(
            d.priority
            * (
                m.short[k]
                + data.lateness_weight * pyo.quicksum(w * m.use[s] for s, w in late[k])
            )
            for k, d in data.demands.items()
        )
    )
    shortfall_cost = pyo.quicksum(
        d.shortfall_penalty * m.short[k]
        + d.lateness_penalty * pyo.quicksum(w * m.use[s] for s, w in late[k])
        for k, d in data.demands.items()
    )
    m.needs_obj = pyo.Objective(expr=m.needs, sense=pyo.minimize)
    m.cost_obj = pyo.Objective(expr=m.cost, sense=pyo.minimize)
    m.weighted_obj = pyo.Objective(expr=m.cost + shortfall_cost, sense=pyo.minimize)
    m.cost_obj.deactivate()
    m.weighted_obj.deactivate()
    m.needs_cap = pyo.Constraint(pyo.Any)  # filled by the needs-first driver: needs <= bound
