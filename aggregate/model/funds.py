"""Money: fund payments, contribution rules, fund balances and national budgets."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyomo.environ as pyo

from aggregate.data import ModelData


def route_cost(m: pyo.ConcreteModel, data: ModelData, p: str, i: str, n: str) -> Any:
    """Purchase plus delivery cost of nation ``n``'s orders of ``i`` from ``p``."""
    off = data.offers[p, i]
    return pyo.quicksum(
        (off.prices[o[4]] + off.delivery[n]) * m.order[o] for o in data.by_route.get((p, i, n), [])
    )


def fund_payment_upper(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Funds pay at most the cost of what they pay for: :math:`\sum_f pays_{f,p,i,n} \le cost_{p,i,n}`."""
    payers: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for f, p, i, n in data.fund_pays:
        payers[p, i, n].append(f)
    m.fund_payment_upper = pyo.Constraint(
        sorted(payers),
        rule=lambda m, p, i, n: pyo.quicksum(m.fund_pays[f, p, i, n] for f in payers[p, i, n])
        <= route_cost(m, data, p, i, n),
    )


def fund_refill_upper(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Refill reimbursements up to the value given away.

    :math:`\sum_p pays_{f,p,i,n} \le value_{n,i} \sum_{r,t} give_{n,r,i,t}` where the fund's
    only ground for paying ``n``'s orders is ``refill``.
    """
    refill: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for (f, p, i, n), kind in data.fund_pays.items():
        if kind == "refill":
            refill[f, i, n].append(p)
    given: dict[tuple[str, str], list] = defaultdict(list)
    for g in m.GIFTS:
        given[g[0], g[2]].append(g)

    def rule(m: pyo.ConcreteModel, f: str, i: str, n: str) -> Any:
        paid = pyo.quicksum(m.fund_pays[f, p, i, n] for p in refill[f, i, n])
        value = data.stocks[n, i].unit_value
        return paid <= value * pyo.quicksum(m.give[g] for g in given[n, i])

    m.fund_refill_upper = pyo.Constraint(sorted(refill), rule=rule)


def fund_investment_upper(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Co-financing limits.

    :math:`invests_{f,e} \le share_f \, cost_e \sum_s build_{e,s}` and
    :math:`\sum_f invests_{f,e} \le cost_e \sum_s build_{e,s}`.
    """
    by_exp: dict[str, list[str]] = defaultdict(list)
    for f, e in data.fund_invests:
        by_exp[e].append(f)

    def built(m: pyo.ConcreteModel, e: str) -> Any:
        return pyo.quicksum(m.build[e, s] for s in data.expansions[e].starts)

    m.fund_investment_share_upper = pyo.Constraint(
        m.FUND_INVESTS,
        rule=lambda m, f, e: m.fund_invests[f, e]
        <= data.funds[f].cofinancing * data.expansions[e].cost * built(m, e),
    )
    m.fund_investment_upper = pyo.Constraint(
        sorted(by_exp),
        rule=lambda m, e: pyo.quicksum(m.fund_invests[f, e] for f in by_exp[e])
        <= data.expansions[e].cost * built(m, e),
    )


def _paid_in(m: pyo.ConcreteModel, data: ModelData, f: str) -> Any:
    return pyo.quicksum(m.contrib[f, n] for n in data.funds[f].members)


def fund_balance(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Money in equals money out plus what stays unspent.

    :math:`\sum pays_f + \sum invests_f + unspent_f = \sum_m contrib_{f,m}`
    """
    pays: dict[str, list] = defaultdict(list)
    for key in data.fund_pays:
        pays[key[0]].append(key)
    invests: dict[str, list] = defaultdict(list)
    for fi in data.fund_invests:
        invests[fi[0]].append(fi)
    m.fund_balance = pyo.Constraint(
        m.FUNDS,
        rule=lambda m, f: pyo.quicksum(m.fund_pays[k] for k in pays[f])
        + pyo.quicksum(m.fund_invests[k] for k in invests[f])
        + m.unspent[f]
        == _paid_in(m, data, f),
    )


def fund_size_bounds(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""The fund's cap and committed size: :math:`committed_f \le \sum_m contrib_{f,m} \le cap_f`."""
    capped = [f for f, x in data.funds.items() if x.cap is not None]
    committed = [f for f, x in data.funds.items() if x.committed > 0]
    m.fund_cap_upper = pyo.Constraint(
        capped, rule=lambda m, f: _paid_in(m, data, f) <= data.funds[f].cap
    )
    m.fund_committed_lower = pyo.Constraint(
        committed, rule=lambda m, f: _paid_in(m, data, f) >= data.funds[f].committed
    )


def contribution_key(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Key shares within the tolerance band.

    :math:`key_m (1 - tol) \sum_j contrib_{f,j} \le contrib_{f,m} \le key_m (1 + tol) \sum_j contrib_{f,j}`
    """
    keys = [(f, n) for f, x in data.funds.items() if x.key is not None for n in x.members]

    def share(f: str, n: str) -> float:
        key = data.funds[f].key
        assert key is not None
        return key[n]

    m.contribution_key_lower = pyo.Constraint(
        keys,
        rule=lambda m, f, n: m.contrib[f, n]
        >= share(f, n) * (1 - data.funds[f].tolerance) * _paid_in(m, data, f),
    )
    m.contribution_key_upper = pyo.Constraint(
        keys,
        rule=lambda m, f, n: m.contrib[f, n]
        <= share(f, n) * (1 + data.funds[f].tolerance) * _paid_in(m, data, f),
    )


def contribution_pledge(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Pledges within their range: :math:`min_m \le contrib_{f,m} \le max_m`."""
    for f, x in data.funds.items():
        if x.key is not None:
            continue
        for n in x.members:
            var = m.contrib[f, n]
            var.setlb(x.pledge_min[n])
            var.setub(x.pledge_max[n])


def consortium_lower(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""A fund with a minimum consortium pays only for contracts with enough nations.

    :math:`\sum_n pays_{f,p,i,n} \le M \, uses_{f,c}`,
    :math:`\sum_n joins_{c,n} \ge minnations_f \, uses_{f,c}`, :math:`Q_{c,n} \ge unit \, joins_{c,n}`.
    """
    pays: dict[tuple, list] = defaultdict(list)
    for f, p, i, n in data.fund_pays:
        if data.funds[f].min_nations > 1:
            pays[(f, *data.contract_of[p, i, n])].append((f, p, i, n))
    joiners: dict[tuple, list[str]] = defaultdict(list)
    for *c, n in m.JOINS:
        joiners[tuple(c)].append(n)

    def big_m(c: tuple) -> float:
        p, i = data.contracts[c]
        off = data.offers[p, i]
        worst = max(off.prices) + max(off.delivery.values(), default=0.0)
        return worst * sum(off.upper[off.lead :])

    def pays_rule(m: pyo.ConcreteModel, f: str, *c: str) -> Any:
        return pyo.quicksum(m.fund_pays[k] for k in pays[(f, *c)]) <= big_m(c) * m.fund_uses[
            (f, *c)
        ]

    def count_rule(m: pyo.ConcreteModel, f: str, *c: str) -> Any:
        joined = pyo.quicksum(m.joins[(*c, n)] for n in joiners[c])
        return joined >= data.funds[f].min_nations * m.fund_uses[(f, *c)]

    def join_rule(m: pyo.ConcreteModel, *cn: str) -> Any:
        c, n = tuple(cn[:-1]), cn[-1]
        p, i = data.contracts[c]
        unit = data.offers[p, i].lot or 1.0
        volume = pyo.quicksum(m.order[o] for o in data.by_route.get((p, i, n), []))
        return volume >= unit * m.joins[cn]

    m.consortium_pays_link = pyo.Constraint(m.FUND_USES, rule=pays_rule)
    m.consortium_lower = pyo.Constraint(m.FUND_USES, rule=count_rule)
    m.consortium_join_link = pyo.Constraint(m.JOINS, rule=join_rule)


def budget_upper(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Each nation's spending within its budget.

    :math:`\sum_{p,i} cost_{p,i,n} - \sum_f pays_{f,p,i,n} + \sum_f contrib_{f,n}
    + \sum_{e: sponsor=n} (cost_e \sum_s build_{e,s} - \sum_f invests_{f,e}) \le budget_n`
    """
    def rule(m: pyo.ConcreteModel, n: str) -> Any:
        limit = nation_spending(m, data, n) <= data.budgets[n]
        # a nation that can neither buy nor contribute has nothing to limit
        return pyo.Constraint.Skip if isinstance(limit, bool) else limit

    m.budget_upper = pyo.Constraint(sorted(data.budgets), rule=rule)


def nation_spending(m: pyo.ConcreteModel, data: ModelData, n: str) -> Any:
    """What nation ``n`` pays itself: orders net of funds, contributions, sponsored investment."""
    orders = pyo.quicksum(route_cost(m, data, p, i, r) for (p, i, r) in data.routes_of.get(n, []))
    funded = pyo.quicksum(
        m.fund_pays[f, p, i, r]
        for f in data.funds
        for (p, i, r) in data.routes_of.get(n, [])
        if (f, p, i, r) in data.fund_pays
    )
    contributions = pyo.quicksum(m.contrib[f, n] for f, x in data.funds.items() if n in x.members)
    invested = pyo.quicksum(
        data.expansions[e].cost * pyo.quicksum(m.build[e, s] for s in data.expansions[e].starts)
        - pyo.quicksum(m.fund_invests[f, e] for f in data.funds if (f, e) in m.FUND_INVESTS)
        for e, sponsor in data.sponsor_of.items()
        if sponsor == n
    )
    return orders - funded + contributions + invested


def budget_period_upper(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Cash outlay per period on delivery: :math:`\sum_{p,i,k} (price_k + del) x_{p,i,n,a,k} \le B_{n,a}`."""
    keys = [(n, a) for n, limits in data.period_budgets.items() for a in range(len(data.periods))]
    by_nation_period: dict[tuple[str, int], list] = defaultdict(list)
    for o in data.orders:
        by_nation_period[o[2], o[3]].append(o)

    def rule(m: pyo.ConcreteModel, n: str, a: int) -> Any:
        terms = by_nation_period[n, a]
        if not terms:
            return pyo.Constraint.Skip
        outlay = pyo.quicksum(
            (data.offers[o[0], o[1]].prices[o[4]] + data.offers[o[0], o[1]].delivery[n])
            * m.order[o]
            for o in terms
        )
        return outlay <= data.period_budgets[n][a]

    m.budget_period_upper = pyo.Constraint(keys, rule=rule)
