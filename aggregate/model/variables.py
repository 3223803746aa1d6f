"""The model's index sets and decision variables (see docs/model.md, "Decisions")."""

from __future__ import annotations

import math

import pyomo.environ as pyo

from aggregate.data import ModelData


def add_sets(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Sparse index sets, each holding only the tuples the data can produce."""
    periods = range(len(data.periods))
    m.ORDERS = pyo.Set(initialize=data.orders, dimen=5, ordered=True)
    m.LOTS = pyo.Set(initialize=data.lots, dimen=4, ordered=True)
    m.CONTRACTS = pyo.Set(initialize=list(data.contracts), dimen=None, ordered=True)
    m.CONTRACT_TIERS = pyo.Set(
        initialize=[(*c, k) for c, o in data.contracts.items() for k in range(data.ntiers(o))],
        dimen=None,
        ordered=True,
    )
    m.DELIVERS = pyo.Set(
        initialize=[
            (*c, a)
            for c, o in data.contracts.items()
            for a in periods
            if data.offers[o].period_cost[a] > 0 and data.offers[o].upper[a] > 0
            and a >= data.offers[o].lead
        ],
        dimen=None,
        ordered=True,
    )
    m.BUILDS = pyo.Set(
        initialize=[(e, s) for e, x in data.expansions.items() for s in x.starts],
        dimen=2,
        ordered=True,
    )
    m.STOCK = pyo.Set(
        initialize=[(n, i, t) for (n, i) in _stock_keys(data) for t in periods],
        dimen=3,
        ordered=True,
    )
    m.GIFTS = pyo.Set(
        initialize=[(g, r, i, t) for (g, r, i) in data.gifts for t in periods],
        dimen=4,
        ordered=True,
    )
    m.SUPPLY = pyo.Set(initialize=list(data.supply), dimen=3, ordered=True)
    m.DEMANDS = pyo.Set(initialize=list(data.demands), ordered=True)
    m.BELOW = pyo.Set(
        initialize=[
            (n, i, t)
            for (n, i), s in data.stocks.items()
            if s.soft_penalty is not None and s.floor_from is not None
            for t in periods
            if t >= s.floor_from and s.floor[t] > 0
        ],
        dimen=3,
        ordered=True,
    )
    m.MISSED = pyo.Set(
        initialize=[
            (n, i)
            for (n, i), s in data.stocks.items()
            if s.refill_penalty is not None and s.refill_target is not None
        ],
        dimen=2,
        ordered=True,
    )
    m.FEEDS = pyo.Set(
        initialize=[(s, p, t) for (s, p) in data.feeds for t in periods], dimen=3, ordered=True
    )
    m.CONTRIB = pyo.Set(
        initialize=[(f, n) for f, x in data.funds.items() for n in x.members],
        dimen=2,
        ordered=True,
    )
    m.FUND_PAYS = pyo.Set(initialize=list(data.fund_pays), dimen=4, ordered=True)
    m.FUND_INVESTS = pyo.Set(initialize=data.fund_invests, dimen=2, ordered=True)
    m.FUNDS = pyo.Set(initialize=list(data.funds), ordered=True)
    consortium = [
        (f, *data.contract_of[p, i, n])
        for (f, p, i, n) in data.fund_pays
        if data.funds[f].min_nations > 1
    ]
    m.FUND_USES = pyo.Set(initialize=sorted(set(consortium)), dimen=None, ordered=True)
    takers: dict[tuple[str, ...], set[str]] = {}
    for (_p, _i, n), c in data.contract_of.items():
        takers.setdefault(c, set()).add(n)
    m.JOINS = pyo.Set(
        initialize=sorted({(*c[1:], n) for c in m.FUND_USES for n in takers[c[1:]]}),
        dimen=None,
        ordered=True,
    )


def _stock_keys(data: ModelData) -> list[tuple[str, str]]:
    keys = set(data.stocks)
    keys.update((n, i) for (_, i, n) in data.routes)
    keys.update((r, i) for (_, r, i) in data.gifts)
    keys.update((data.demands[d].nation, i) for (d, i, _) in data.supply)
    return sorted(keys)


def add_variables(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Decision variables with the tightest bounds the data gives for free."""
    nn = pyo.NonNegativeReals

    def order_bounds(_m: pyo.ConcreteModel, p: str, i: str, n: str, a: int, k: int) -> tuple:
        return (0.0, data.offers[p, i].upper[a])

    def lot_bounds(_m: pyo.ConcreteModel, p: str, i: str, n: str, a: int) -> tuple:
        off = data.offers[p, i]
        assert off.lot is not None
        return (0, math.floor(off.upper[a] / off.lot + 1e-9))

    m.order = pyo.Var(m.ORDERS, within=nn, bounds=order_bounds)
    m.lots = pyo.Var(m.LOTS, within=pyo.NonNegativeIntegers, bounds=lot_bounds)
    m.open = pyo.Var(m.CONTRACTS, within=pyo.Binary)
    m.tier = pyo.Var(m.CONTRACT_TIERS, within=pyo.Binary)
    m.delivers = pyo.Var(m.DELIVERS, within=pyo.Binary)
    m.build = pyo.Var(m.BUILDS, within=pyo.Binary)
    m.stock = pyo.Var(m.STOCK, within=nn)
    m.give = pyo.Var(m.GIFTS, within=nn)
    m.use = pyo.Var(m.SUPPLY, within=nn)
    m.short = pyo.Var(m.DEMANDS, within=nn)
    m.below = pyo.Var(m.BELOW, within=nn)
    m.missed = pyo.Var(m.MISSED, within=nn)
    m.feed = pyo.Var(m.FEEDS, within=nn)
    m.contrib = pyo.Var(m.CONTRIB, within=nn)
    m.fund_pays = pyo.Var(m.FUND_PAYS, within=nn)
    m.fund_invests = pyo.Var(m.FUND_INVESTS, within=nn)
    m.unspent = pyo.Var(m.FUNDS, within=nn)
    m.fund_uses = pyo.Var(m.FUND_USES, within=pyo.Binary)
    m.joins = pyo.Var(m.JOINS, within=pyo.Binary)
