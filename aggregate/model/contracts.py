"""Supply side: pooled contracts, price tiers, lots, capacity, expansions and components.

Each family writes its rows into the model's matrix (:mod:`aggregate.model.linear`) and gets
a Pyomo constraint of the same name over the same index; the docstrings give each row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pyomo.environ as pyo

from aggregate.data import ModelData
from aggregate.model.linear import INF, Row, linear


def _cols(col: dict, keys: list) -> list[int]:
    return [col[k] for k in keys]


def tier_choice(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""One price tier per placed contract: :math:`\sum_k tier_{c,k} = open_c`."""
    lin = linear(m)
    tier, opened = lin.col("tier"), lin.col("open")

    def rows() -> Iterator[Row]:
        for c, o in data.contracts.items():
            n = data.ntiers(o)
            cols = [tier[(*c, k)] for k in range(n)] + [opened[c]]
            yield c, cols, [1.0] * n + [-1.0], 0.0, 0.0

    lin.add_rows(m, "tier_choice", m.CONTRACTS, rows())


def tier_volume_bounds(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""All-units tiers on the pooled volume.

    :math:`minvol_k \, tier_{c,k} \le V_{c,k} \le (\sum_a U_a) \, tier_{c,k}`, with
    :math:`V_{c,k}` the contract's volume priced at tier ``k``.
    """
    lin = linear(m)
    order, tier = lin.col("order"), lin.col("tier")
    total = {o: sum(x.upper[x.lead :]) for o, x in data.offers.items()}

    def rows(lower: bool) -> Iterator[Row]:
        for ck in m.CONTRACT_TIERS:
            c, k = tuple(ck[:-1]), int(ck[-1])
            off = data.contracts[c]
            volume = _cols(order, data.by_contract_tier.get((c, k), []))
            ones = [1.0] * len(volume)
            if lower:
                threshold = data.offers[off].tier_min[k]
                if threshold > 0:
                    yield ck, [*volume, tier[ck]], [*ones, -threshold], 0.0, INF
            else:
                yield ck, [*volume, tier[ck]], [*ones, -total[off]], -INF, 0.0

    lin.add_rows(m, "tier_volume_lower", m.CONTRACT_TIERS, rows(True))
    lin.add_rows(m, "tier_volume_upper", m.CONTRACT_TIERS, rows(False))


def min_order_lower(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Minimum order on the pooled volume: :math:`\sum_k V_{c,k} \ge minorder \, open_c`."""
    lin = linear(m)
    order, opened = lin.col("order"), lin.col("open")
    keys = [c for c, o in data.contracts.items() if data.offers[o].min_order > 0]

    def rows() -> Iterator[Row]:
        for c in keys:
            off = data.contracts[c]
            volume = [
                order[o]
                for k in range(data.ntiers(off))
                for o in data.by_contract_tier.get((c, k), [])
            ]
            yield (
                c,
                [*volume, opened[c]],
                [1.0] * len(volume) + [-data.offers[off].min_order],
                0.0,
                INF,
            )

    lin.add_rows(m, "min_order_lower", keys, rows())


def order_tier_link(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Orders only under the chosen tier (strengthening): :math:`x_{p,i,n,a,k} \le U_{p,i,a} tier_{c,k}`."""
    lin = linear(m)
    order, tier = lin.col("order"), lin.col("tier")
    contract_of, offers = data.contract_of, data.offers

    def rows() -> Iterator[Row]:
        for o in data.orders:
            p, i, n, a, k = o
            c = contract_of[p, i, n]
            yield o, (order[o], tier[(*c, k)]), (1.0, -offers[p, i].upper[a]), -INF, 0.0

    lin.add_rows(m, "order_tier_link", m.ORDERS, rows())


def order_lots(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Whole lots: :math:`\sum_k x_{p,i,n,a,k} = lot_{p,i} \, lots_{p,i,n,a}`."""
    lin = linear(m)
    order, lots = lin.col("order"), lin.col("lots")

    def rows() -> Iterator[Row]:
        for key in data.lots:
            p, i, n, a = key
            lot = data.offers[p, i].lot
            assert lot is not None
            tiers = data.ntiers((p, i))
            cols = [order[p, i, n, a, k] for k in range(tiers)] + [lots[key]]
            yield key, cols, [1.0] * tiers + [-lot], 0.0, 0.0

    lin.add_rows(m, "order_lots", m.LOTS, rows())


def delivery_period_link(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""A period with deliveries pays its fixed cost: :math:`\sum_{n,k} x \le U_{p,i,a} delivers_{c,a}`."""
    lin = linear(m)
    order, delivers = lin.col("order"), lin.col("delivers")

    def rows() -> Iterator[Row]:
        for ca in m.DELIVERS:
            c, a = tuple(ca[:-1]), int(ca[-1])
            p, i = data.contracts[c]
            cols = _cols(order, data.by_contract_period.get((c, a), []))
            yield (
                ca,
                [*cols, delivers[ca]],
                [1.0] * len(cols) + [-data.offers[p, i].upper[a]],
                -INF,
                0.0,
            )

    lin.add_rows(m, "delivery_period_link", m.DELIVERS, rows())


def _expansion_builds(data: ModelData) -> dict[tuple[str, str], list[tuple[str, int, int, float]]]:
    """(producer, item) -> [(expansion, start, ready period, added capacity)]."""
    builds: dict[tuple[str, str], list[tuple[str, int, int, float]]] = defaultdict(list)
    for e, x in data.expansions.items():
        for s in x.starts:
            builds[x.producer, x.item].append((e, s, s + x.lead, x.added))
    return builds


def capacity_upper(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Deliveries within capacity, including expansions ready by then.

    :math:`\sum_{n,k} x_{p,i,n,a,k} - \sum_e added_e \sum_{s + lead_e \le a} build_{e,s} \le cap_{p,i,a}`
    """
    lin = linear(m)
    order, build = lin.col("order"), lin.col("build")
    builds = _expansion_builds(data)
    keys = sorted(data.by_offer_period)

    def rows() -> Iterator[Row]:
        for key in keys:
            p, i, a = key
            cols = _cols(order, data.by_offer_period[key])
            coefs = [1.0] * len(cols)
            for e, s, ready, add in builds.get((p, i), ()):
                if ready <= a:
                    cols.append(build[e, s])
                    coefs.append(-add)
            yield key, cols, coefs, -INF, data.offers[p, i].capacity[a]

    lin.add_rows(m, "capacity_upper", keys, rows())


def expansion_once(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Each expansion starts at most once: :math:`\sum_s build_{e,s} \le 1`."""
    lin = linear(m)
    build = lin.col("build")
    keys = [e for e, x in data.expansions.items() if x.starts]

    def rows() -> Iterator[Row]:
        for e in keys:
            starts = data.expansions[e].starts
            yield e, [build[e, s] for s in starts], [1.0] * len(starts), -INF, 1.0

    lin.add_rows(m, "expansion_once", keys, rows())


def component_supply(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Components consumed are what suppliers feed the producer.

    :math:`\sum_i bom_{i,q} \sum_{n,k} x_{p,i,n,a,k} - \sum_{s \to q} feed_{s,p,a} = 0`
    """
    lin = linear(m)
    order, feed = lin.col("order"), lin.col("feed")
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

    def rows() -> Iterator[Row]:
        for p, q, a in keys:
            cols: list[int] = []
            coefs: list[float] = []
            for i, units in needing[p, q]:
                used = _cols(order, data.by_offer_period.get((p, i, a), []))
                cols.extend(used)
                coefs.extend([units] * len(used))
            fed = [feed[s, p, a] for s in feeders[p, q]]
            yield (p, q, a), cols + fed, coefs + [-1.0] * len(fed), 0.0, 0.0

    lin.add_rows(m, "component_supply", keys, rows())


def supplier_capacity_upper(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Each supplier within its capacity: :math:`\sum_p feed_{s,p,t} \le cap_{s,t}`."""
    lin = linear(m)
    feed = lin.col("feed")
    served: dict[str, list[str]] = defaultdict(list)
    for s, p in data.feeds:
        served[s].append(p)
    keys = [(s, t) for s in served for t in range(len(data.periods))]

    def rows() -> Iterator[Row]:
        for s, t in keys:
            cols = [feed[s, p, t] for p in served[s]]
            yield (s, t), cols, [1.0] * len(cols), -INF, data.supplier_capacity[s][t]

    lin.add_rows(m, "supplier_capacity_upper", keys, rows())
