"""Supply side: pooled contracts, price tiers, lots, capacity, expansions and components."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyomo.environ as pyo

from aggregate.data import ModelData


def _tier_volume(m: pyo.ConcreteModel, data: ModelData, c: tuple, k: int) -> pyo.Expression:
    return pyo.quicksum(m.order[o] for o in data.by_contract_tier.get((c, k), []))


def tier_choice(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""One price tier per placed contract: :math:`\sum_k tier_{c,k} = open_c`."""
    ntiers = {c: data.ntiers(o) for c, o in data.contracts.items()}
    m.tier_choice = pyo.Constraint(
        m.CONTRACTS,
        rule=lambda m, *c: pyo.quicksum(m.tier[(*c, k)] for k in range(ntiers[c])) == m.open[c],
    )


def tier_volume_bounds(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""All-units tiers on the pooled volume.

    :math:`minvol_k \, tier_{c,k} \le V_{c,k} \le (\sum_a U_a) \, tier_{c,k}`, with
    :math:`V_{c,k}` the contract's volume priced at tier ``k``.
    """
    total = {o: sum(x.upper[x.lead :]) for o, x in data.offers.items()}

    def lower(m: pyo.ConcreteModel, *ck: Any) -> Any:
        c, k = tuple(ck[:-1]), int(ck[-1])
        threshold = data.offers[data.contracts[c]].tier_min[k]
        if threshold <= 0:
            return pyo.Constraint.Skip
        return _tier_volume(m, data, c, k) >= threshold * m.tier[ck]

    def upper(m: pyo.ConcreteModel, *ck: Any) -> Any:
        c, k = tuple(ck[:-1]), int(ck[-1])
        return _tier_volume(m, data, c, k) <= total[data.contracts[c]] * m.tier[ck]

    m.tier_volume_lower = pyo.Constraint(m.CONTRACT_TIERS, rule=lower)
    m.tier_volume_upper = pyo.Constraint(m.CONTRACT_TIERS, rule=upper)


def min_order_lower(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Minimum order on the pooled volume: :math:`\sum_k V_{c,k} \ge minorder \, open_c`."""
    keys = [c for c, o in data.contracts.items() if data.offers[o].min_order > 0]

    def rule(m: pyo.ConcreteModel, *c: str) -> Any:
        volume = pyo.quicksum(
            _tier_volume(m, data, c, k) for k in range(data.ntiers(data.contracts[c]))
        )
        return volume >= data.offers[data.contracts[c]].min_order * m.open[c]

    m.min_order_lower = pyo.Constraint(keys, rule=rule)


def order_tier_link(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Orders only under the chosen tier (strengthening): :math:`x_{p,i,n,a,k} \le U_{p,i,a} tier_{c,k}`."""

    def rule(m: pyo.ConcreteModel, p: str, i: str, n: str, a: int, k: int) -> Any:
        c = data.contract_of[p, i, n]
        return m.order[p, i, n, a, k] <= data.offers[p, i].upper[a] * m.tier[(*c, k)]

    m.order_tier_link = pyo.Constraint(m.ORDERS, rule=rule)


def order_lots(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Whole lots: :math:`\sum_k x_{p,i,n,a,k} = lot_{p,i} \, lots_{p,i,n,a}`."""

    def rule(m: pyo.ConcreteModel, p: str, i: str, n: str, a: int) -> Any:
        lot = data.offers[p, i].lot
        units = pyo.quicksum(m.order[p, i, n, a, k] for k in range(data.ntiers((p, i))))
        return units == lot * m.lots[p, i, n, a]

    m.order_lots = pyo.Constraint(m.LOTS, rule=rule)


def _delivered(m: pyo.ConcreteModel, data: ModelData, p: str, i: str, a: int) -> Any:
    return pyo.quicksum(m.order[o] for o in data.by_offer_period.get((p, i, a), []))


def delivery_period_link(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""A period with deliveries pays its fixed cost: :math:`\sum_{n,k} x \le U_{p,i,a} delivers_{c,a}`."""

    def rule(m: pyo.ConcreteModel, *ca: Any) -> Any:
        c, a = tuple(ca[:-1]), int(ca[-1])
        p, i = data.contracts[c]
        orders = data.by_contract_period.get((c, a), [])
        return pyo.quicksum(m.order[o] for o in orders) <= data.offers[p, i].upper[a] * m.delivers[ca]

    m.delivery_period_link = pyo.Constraint(m.DELIVERS, rule=rule)


def capacity_upper(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Deliveries within capacity, including expansions ready by then.

    :math:`\sum_{n,k} x_{p,i,n,a,k} \le cap_{p,i,a} + \sum_e added_e \sum_{s + lead_e \le a} build_{e,s}`
    """
    builds: dict[tuple[str, str], list[tuple[str, int, int, float]]] = defaultdict(list)
    for e, x in data.expansions.items():
        for s in x.starts:
            builds[x.producer, x.item].append((e, s, s + x.lead, x.added))
    keys = sorted(data.by_offer_period)

    def rule(m: pyo.ConcreteModel, p: str, i: str, a: int) -> Any:
        added = pyo.quicksum(
            add * m.build[e, s] for (e, s, ready, add) in builds[p, i] if ready <= a
        )
        return _delivered(m, data, p, i, a) <= data.offers[p, i].capacity[a] + added

    m.capacity_upper = pyo.Constraint(keys, rule=rule)


def expansion_once(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Each expansion starts at most once: :math:`\sum_s build_{e,s} \le 1`."""
    keys = [e for e, x in data.expansions.items() if x.starts]
    m.expansion_once = pyo.Constraint(
        keys, rule=lambda m, e: pyo.quicksum(m.build[e, s] for s in data.expansions[e].starts) <= 1
    )


def component_supply(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Components consumed are what suppliers feed the producer.

    :math:`\sum_i bom_{i,q} \sum_{n,k} x_{p,i,n,a,k} = \sum_{s \to q} feed_{s,p,a}`
    """
    feeders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s, p in data.feeds:
        feeders[p, data.supplier_component[s]].append(s)
    needing: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    for p, i in data.offers:
        for q, units in data.bom.get(i, {}).items():
            needing[p, q].append((i, units))
    keys = [
        (p, q, a)
        for (p, q), items in sorted(needing.items())
        for a in range(len(data.periods))
        if any((p, i, a) in data.by_offer_period for i, _ in items)
    ]

    def rule(m: pyo.ConcreteModel, p: str, q: str, a: int) -> Any:
        used = pyo.quicksum(units * _delivered(m, data, p, i, a) for i, units in needing[p, q])
        fed = pyo.quicksum(m.feed[s, p, a] for s in feeders[p, q])
        return used == fed

    m.component_supply = pyo.Constraint(keys, rule=rule)


def supplier_capacity_upper(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Each supplier within its capacity: :math:`\sum_p feed_{s,p,t} \le cap_{s,t}`."""
    served: dict[str, list[str]] = defaultdict(list)
    for s, p in data.feeds:
        served[s].append(p)
    keys = [(s, t) for s in served for t in range(len(data.periods))]
    m.supplier_capacity_upper = pyo.Constraint(
        keys,
        rule=lambda m, s, t: pyo.quicksum(m.feed[s, p, t] for p in served[s])
        <= data.supplier_capacity[s][t],
    )
