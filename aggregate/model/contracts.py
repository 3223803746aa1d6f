"""Supply side: pooled contracts, price tiers, lots, capacity, expansions and components.

One function per constraint family: it returns the family's index and its rows, and
:mod:`aggregate.model.registry` writes them into the model's matrix
(:mod:`aggregate.model.linear`) under the family's name, with a Pyomo constraint of that
name over that index. Each docstring gives the family's maths (docs/model.md is generated
from them).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pyomo.environ as pyo

from aggregate.data import ModelData
from aggregate.model.bounds import contract_bounds, order_upper
from aggregate.model.linear import INF, Row, linear

Rows = tuple[Any, Iterator[Row]]
"""A family's index (a Pyomo set or a list of keys) and its rows, in index order."""


def _cols(col: dict, keys: list) -> list[int]:
    return [col[k] for k in keys]


def tier_choice(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""One price tier per placed contract.

    :math:`\sum_k tier_{c,k} = open_c`
    """
    lin = linear(m)
    tier, opened = lin.col("tier"), lin.col("open")

    def rows() -> Iterator[Row]:
        for c, o in data.contracts.items():
            n = data.ntiers(o)
            cols = [tier[(*c, k)] for k in range(n)] + [opened[c]]
            yield c, cols, [1.0] * n + [-1.0], 0.0, 0.0

    return m.CONTRACTS, rows()


def _tier_volume(order: dict, data: ModelData, ck: Any) -> tuple[list[int], Any]:
    """(columns of the volume priced at the tier, offer) of contract tier ``ck``."""
    c, k = tuple(ck[:-1]), int(ck[-1])
    return _cols(order, data.by_contract_tier.get((c, k), [])), data.contracts[c]


def tier_volume_lower(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""All-units tiers on the pooled volume: a tier needs its minimum volume.

    :math:`V_{c,k} \ge minvol_k \, tier_{c,k}`, with :math:`V_{c,k} = \sum_{n,a} x_{p,i,n,a,k}`
    the contract's volume priced at tier :math:`k` (a tier's price applies to every unit once
    the pooled volume reaches it). Only tiers with :math:`minvol_k > 0` write a row.

    Orders already placed under the offer count towards the volume (a framework's discount
    counts what was ordered under it before the plan; pooled every nation's, going alone the
    nation's own), net of the units cancelled, and keep their own price:
    :math:`\sum_{k'} V_{c,k'} + \sum_{o \in placed_c} (D_o - \sum_t cancel_{o,t}) \ge
    minvol_k \, tier_{c,k}`. It sums the volume of every tier, which is the volume at tier
    :math:`k` whenever :math:`tier_{c,k} = 1` (orders only under the chosen tier,
    ``order_tier_link``), and holds trivially otherwise.
    """
    lin = linear(m)
    order, tier = lin.col("order"), lin.col("tier")
    cancel = lin.col("cancel")
    placed = {c: data.placed_of(c) for c in data.contracts}

    def rows() -> Iterator[Row]:
        for ck in m.CONTRACT_TIERS:
            c = tuple(ck[:-1])
            volume, off = _tier_volume(order, data, ck)
            threshold = data.offers[off].tier_min[int(ck[-1])]
            if threshold <= 0:
                continue
            if not placed[c]:
                yield ck, [*volume, tier[ck]], [1.0] * len(volume) + [-threshold], 0.0, INF
                continue
            volume = [
                order[o]
                for k in range(data.ntiers(off))
                for o in data.by_contract_tier.get((c, k), [])
            ]
            kept = sum(sum(data.placed[o].deliveries) for o in placed[c])
            cut = [cancel[o, t] for o, t in data.cancels if o in placed[c]]
            cols = [*volume, *cut, tier[ck]]
            coefs = [1.0] * len(volume) + [-1.0] * len(cut) + [-threshold]
            yield ck, cols, coefs, -kept, INF

    return m.CONTRACT_TIERS, rows()


def tier_volume_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Volume is priced only at the chosen tier.

    :math:`V_{c,k} \le M_c \, tier_{c,k}`, with :math:`M_c = \min(\sum_{a \ge lead}
    U_{p,i,a}, \sum_n R_{p,i,n,lead})`: :math:`U_{p,i,a}` the base capacity plus every
    expansion's addition (an upper bound on deliveries; for an offer that builds ahead the
    first term is the capacity summed over the whole horizon), :math:`R_{p,i,n,a}` the most route
    :math:`(p,i,n)` can usefully take from period :math:`a` on (docs/model.md, "Big-M
    bounds": the nation's reachable demand in item units, stock room, sustainment and
    donations, or a tier minimum, minimum order, commitment or committed fund money that
    forces more, in whole lots), summed over the contract's nations. Capacity alone without
    ``tighten_bounds``.
    """
    lin = linear(m)
    order, tier = lin.col("order"), lin.col("tier")
    big_m = contract_bounds(data)

    def rows() -> Iterator[Row]:
        for ck in m.CONTRACT_TIERS:
            volume, _off = _tier_volume(order, data, ck)
            bound = big_m[tuple(ck[:-1])][0]
            yield ck, [*volume, tier[ck]], [1.0] * len(volume) + [-bound], -INF, 0.0

    return m.CONTRACT_TIERS, rows()


def min_order_lower(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Minimum order on the pooled volume of a placed contract.

    :math:`\sum_k V_{c,k} \ge minorder_{p,i} \, open_c`
    """
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

    return keys, rows()


def order_tier_link(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Orders only under the chosen tier (a strengthening of ``tier_volume_upper``).

    :math:`x_{p,i,n,a,k} \le M_{p,i,n,a} \, tier_{c,k}`, with
    :math:`M_{p,i,n,a} = \min(U_{p,i,a}, R_{p,i,n,a})` (``tier_volume_upper``); :math:`U`
    alone without ``tighten_bounds``.
    """
    lin = linear(m)
    order, tier = lin.col("order"), lin.col("tier")
    contract_of = data.contract_of

    def rows() -> Iterator[Row]:
        for o in data.orders:
            p, i, n, _a, k = o
            c = contract_of[p, i, n]
            yield o, (order[o], tier[(*c, k)]), (1.0, -order_upper(data, o)), -INF, 0.0

    return m.ORDERS, rows()


def order_lots(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Whole lots, where the offer has a lot size.

    :math:`\sum_k x_{p,i,n,a,k} = lot_{p,i} \, lots_{p,i,n,a}`
    """
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

    return m.LOTS, rows()


def delivery_period_link(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A period with deliveries pays its fixed cost (only where ``order_period_cost > 0``).

    :math:`\sum_{n,k} x_{p,i,n,a,k} \le \min(U_{p,i,a}, \sum_n R_{p,i,n,a}) \,
    delivers_{c,a}`, the sum over the contract's nations (``tier_volume_upper``); :math:`U`
    alone without ``tighten_bounds``.
    """
    lin = linear(m)
    order, delivers = lin.col("order"), lin.col("delivers")
    big_m = contract_bounds(data)

    def rows() -> Iterator[Row]:
        for ca in m.DELIVERS:
            c, a = tuple(ca[:-1]), int(ca[-1])
            cols = _cols(order, data.by_contract_period.get((c, a), []))
            yield (
                ca,
                [*cols, delivers[ca]],
                [1.0] * len(cols) + [-big_m[c][1][a]],
                -INF,
                0.0,
            )

    return m.DELIVERS, rows()


def _expansion_builds(data: ModelData) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """(producer, item) -> [(expansion, start)]; a component supplier's expansion under
    (supplier, "")."""
    builds: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for e, x in data.expansions.items():
        key = (x.supplier, "") if x.supplier is not None else (x.producer, x.item)
        for s in x.starts:
            builds[key].append((e, s))
    return builds


def capacity_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Production within capacity, including expansions ready by then.

    :math:`\sum_{n,k} x_{p,i,n,a,k} - \sum_e added_e \sum_{s + lead_e \le a} ramp_{e,a-s-lead_e} \, build_{e,s} \le cap_{p,i,a}`

    Without ``build_ahead``, production counts in the period of delivery.
    :math:`ramp_{e,j}` is the share of the added capacity available :math:`j` periods after
    the expansion is ready (``Expansion.ramp``, 1 after the ramp and without one). Orders already placed take
    their deliveries' share: :math:`placed_{p,i,a} - \sum_o cancel_{o,a}` joins the left
    side (as a constant, moved to the right, and the cancellable units' columns). For an
    offer that builds ahead (``Offer.build_ahead``) the units made, :math:`made_{p,i,a}`,
    take the place of the deliveries (and of the placed orders' units), in every period
    from the first to its last possible delivery (``build_ahead_balance`` delivers them).
    """
    lin = linear(m)
    order, build, cancel = lin.col("order"), lin.col("build"), lin.col("cancel")
    builds = _expansion_builds(data)
    ahead = data.ahead_periods()
    # periods a cancellable placed order delivers in need a row even without new orders
    # (binding ones fit the base capacity: checks/orders.py)
    extra = {k for k, (_, cut) in data.placed_flows.get("offer", {}).items() if cut}
    keys = sorted(
        {k for k in set(data.by_offer_period) | extra if k[:2] not in ahead}
        | {(p, i, a) for (p, i), n in ahead.items() for a in range(n)}
    )
    expansions = data.expansions
    made = lin.col("made") if ahead else {}

    def rows() -> Iterator[Row]:
        for key in keys:
            p, i, a = key
            cut: list[tuple[str, int]] = []
            if (p, i) in ahead:
                cols, coefs, placed = [made[key]], [1.0], 0.0
            else:
                cols = _cols(order, data.by_offer_period.get(key, []))
                coefs = [1.0] * len(cols)
                placed, cut = data.placed_at(key, "offer")
            for e, s in builds.get((p, i), ()):
                x = expansions[e]
                share = x.share(s, a)
                if share > 0:
                    cols.append(build[e, s])
                    coefs.append(-x.added * share)
            cols += [cancel[c] for c in cut]
            coefs += [-1.0] * len(cut)
            yield key, cols, coefs, -INF, data.offers[p, i].capacity[a] - placed

    return keys, rows()


def build_ahead_balance(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""An offer that builds ahead delivers what it made, now or before.

    :math:`\sum_{n,k} x_{p,i,n,a,k} + placed_{p,i,a} - \sum_o cancel_{o,a} + held_{p,i,a} - held_{p,i,a-1} = made_{p,i,a}`

    :math:`held_{p,i,a} \ge 0` are the units made by the end of period :math:`a` and not yet
    delivered (none before the first period, and none after the last possible delivery:
    nothing made then can be delivered). ``capacity_upper`` bounds :math:`made`, so the
    deliveries up to any period are at most the capacity up to it. Only for offers with
    ``build_ahead``.
    """
    lin = linear(m)
    ahead = data.ahead_periods()
    keys = [(p, i, a) for (p, i), n in ahead.items() for a in range(n)]
    order, cancel = lin.col("order"), lin.col("cancel")
    made = lin.col("made") if ahead else {}
    held = lin.col("held") if ahead else {}

    def rows() -> Iterator[Row]:
        for key in keys:
            p, i, a = key
            cols = _cols(order, data.by_offer_period.get(key, []))
            coefs = [1.0] * len(cols)
            placed, cut = data.placed_at(key, "offer")
            cols += [cancel[c] for c in cut]
            coefs += [-1.0] * len(cut)
            if a + 1 < ahead[p, i]:
                cols.append(held[key])
                coefs.append(1.0)
            if a > 0:
                cols.append(held[p, i, a - 1])
                coefs.append(-1.0)
            cols.append(made[key])
            coefs.append(-1.0)
            rhs = -placed if placed else 0.0  # not -0.0
            yield key, cols, coefs, rhs, rhs

    return keys, rows()


def capacity_lots_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Capacity counted in whole lots (a strengthening of ``capacity_upper``).

    :math:`\sum_n lots_{p,i,n,a} - \sum_e \lceil added_e \, ramp_{e,a-s-lead_e} / lot_{p,i}
    \rceil \, build_{e,s} \le \lfloor (cap_{p,i,a} - placed_{p,i,a}) / lot_{p,i} \rfloor`

    For an offer sold in lots: ``capacity_upper`` divided by the lot size, with each
    expansion's share rounded up, and the right side rounded down. Every term on the left
    is whole, so no plan that meets ``capacity_upper`` in whole lots is cut (a
    Chvatal-Gomory rounding). The linear relaxation otherwise fills the capacity with a
    fraction of a lot (256.5 units a period with lots of 10), which no plan can: on the
    generated ``mip-L`` this is the whole gap between the relaxation and the optimum (LP
    bound 3.881e9 to 4.087e9, best plan 4.096e9). Where a period's capacity is whole lots
    the row cuts nothing and only changes the solver's path (the ammunition scenario: 82 s
    with a finite row in every period, 25 s without them), so it is left free (no bound,
    dropped by HiGHS's presolve): every lot period keeps its row, and a re-solve whose
    capacities move between whole and not whole lots changes only bounds
    (:mod:`aggregate.resolve` reuses the model). No row where placed orders can be
    cancelled (cancelled units are not whole lots), and none for an offer that builds ahead
    (what it makes and holds need not be whole lots). Only with ``tighten_bounds``.
    """
    lin = linear(m)
    lots, build = lin.col("lots"), lin.col("build")
    builds = _expansion_builds(data)
    keys = []
    if data.tighten_bounds:
        whole = {(p, i) for p, i, _n, _a in data.lots}
        keys = [
            key
            for key in sorted(data.by_offer_period)
            if key[:2] in whole
            and not data.offers[key[:2]].ahead
            and not data.placed_at(key, "offer")[1]
        ]

    def lots_row(key: tuple[str, str, int]) -> Row:
        p, i, a = key
        offer = data.offers[p, i]
        lot = offer.lot
        assert lot is not None
        placed, _cut = data.placed_at(key, "offer")
        room = (offer.capacity[a] - placed) / lot
        floor = math.floor(room + 1e-9 * max(1.0, abs(room)))
        # whole lots already: the row would be capacity_upper divided by the lot size, its
        # expansions rounded up (weaker), and cut nothing: free
        upper = INF if floor >= room - 1e-9 * max(1.0, abs(room)) else float(floor)
        cols = [lots[o[:4]] for o in data.by_offer_period[key] if o[4] == 0]
        coefs = [1.0] * len(cols)
        for e, s in builds.get((p, i), ()):
            share = data.expansions[e].share(s, a)
            if share > 0:
                cols.append(build[e, s])
                coefs.append(-float(math.ceil(data.expansions[e].added * share / lot - 1e-9)))
        return key, cols, coefs, -INF, upper

    return keys, (lots_row(key) for key in keys)


def expansion_once(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Each expansion starts at most once, between its earliest and latest start.

    :math:`\sum_s build_{e,s} \le 1`
    """
    lin = linear(m)
    build = lin.col("build")
    keys = [e for e, x in data.expansions.items() if x.starts]

    def rows() -> Iterator[Row]:
        for e in keys:
            starts = data.expansions[e].starts
            yield e, [build[e, s] for s in starts], [1.0] * len(starts), -INF, 1.0

    return keys, rows()


def expansion_precedence(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A step of a multi-step ramp-up starts only once the step before it has started.

    :math:`build_{e,s} \le \sum_{s' \le s} build_{after_e,s'}`

    For each expansion :math:`e` with a preceding step :math:`after_e` (``Expansion.after``)
    and each of its start periods :math:`s`.

    The preceding step may start in the same period: each step's own ``lead_periods`` says
    when its capacity comes, so requiring an earlier period would add a delay the scenario
    does not state (a step that needs its predecessor's hall built first says so with a
    longer lead). A step whose predecessor cannot start by then cannot start either.
    """
    lin = linear(m)
    build = lin.col("build")
    keys = [
        (e, s)
        for e, x in data.expansions.items()
        if x.after is not None and x.after in data.expansions
        for s in x.starts
    ]

    def rows() -> Iterator[Row]:
        for e, s in keys:
            after = data.expansions[e].after
            assert after is not None
            before = [build[after, t] for t in data.expansions[after].starts if t <= s]
            yield (e, s), [build[e, s], *before], [1.0] + [-1.0] * len(before), -INF, 0.0

    return keys, rows()


def component_supply(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Components consumed are what suppliers feed the producer.

    :math:`\sum_i bom_{i,q} \sum_{n,k} x_{p,i,n,a,k} - \sum_{s \to q} feed_{s,p,a} = 0`,
    the sum over the suppliers :math:`s` of component :math:`q` that serve :math:`p` (the
    components table shows what is consumed). Orders already placed consume theirs too:
    :math:`bom_{i,q} (placed_{p,i,a} - \sum_o cancel_{o,a})` joins the left side (as
    ``capacity_upper`` counts their units). An item the producer builds ahead consumes its
    components when made: :math:`made_{p,i,a}` takes the place of its deliveries (placed
    ones included).
    """
    lin = linear(m)
    order, feed, cancel = lin.col("order"), lin.col("feed"), lin.col("cancel")
    ahead = data.ahead_periods()
    made = lin.col("made") if ahead else {}
    placed_keys = set(data.placed_flows.get("offer", {}))
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
        if any(
            (p, i, a) in data.by_offer_period
            or (p, i, a) in placed_keys
            or a < ahead.get((p, i), 0)
            for i, _ in items
        )
    ]

    def rows() -> Iterator[Row]:
        for p, q, a in keys:
            cols: list[int] = []
            coefs: list[float] = []
            fixed = 0.0
            for i, units in needing[p, q]:
                if (p, i) in ahead:
                    used = [made[p, i, a]] if a < ahead[p, i] else []
                else:
                    used = _cols(order, data.by_offer_period.get((p, i, a), []))
                    placed, cut = data.placed_at((p, i, a), "offer")
                    fixed += units * placed
                    cols.extend(cancel[c] for c in cut)
                    coefs.extend([-units] * len(cut))
                cols.extend(used)
                coefs.extend([units] * len(used))
            fed = [feed[s, p, a] for s in feeders[p, q]]
            rhs = -fixed if fixed else 0.0
            yield (p, q, a), cols + fed, coefs + [-1.0] * len(fed), rhs, rhs

    return keys, rows()


def supplier_capacity_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Each component supplier within its capacity, including its expansions ready by then.

    :math:`\sum_p feed_{s,p,t} - \sum_e added_e \sum_{s' + lead_e \le t} ramp_{e,t-s'-lead_e} \, build_{e,s'} \le cap_{s,t}`

    The sum over the expansions :math:`e` of supplier :math:`s` (``Expansion.supplier``: a
    powder or explosives line, say), as in ``capacity_upper``.
    """
    lin = linear(m)
    feed, build = lin.col("feed"), lin.col("build")
    served: dict[str, list[str]] = defaultdict(list)
    for s, p in data.feeds:
        served[s].append(p)
    keys = [(s, t) for s in served for t in range(len(data.periods))]
    builds = _expansion_builds(data)
    expansions = data.expansions

    def rows() -> Iterator[Row]:
        for s, t in keys:
            cols = [feed[s, p, t] for p in served[s]]
            coefs = [1.0] * len(cols)
            for e, start in builds.get((s, ""), ()):
                x = expansions[e]
                share = x.share(start, t)
                if share > 0:
                    cols.append(build[e, start])
                    coefs.append(-x.added * share)
            yield (s, t), cols, coefs, -INF, data.supplier_capacity[s][t]

    return keys, rows()


def _commitments(data: ModelData, bound: int) -> list[tuple[str, str, str]]:
    """Routes (producer, item, nation) whose nation's commitment to the offer sets a
    ``bound`` (0: a minimum above 0, 1: a maximum)."""
    keys = []
    for p, i, n in data.routes:
        c = data.offers[p, i].commitments.get(n)
        if c is not None and (c[0] > 0 if bound == 0 else c[1] is not None):
            keys.append((p, i, n))
    return keys


def _commitment_rows(m: pyo.ConcreteModel, data: ModelData, bound: int) -> Rows:
    """The rows of a commitment's minimum (``bound`` 0) or maximum (1): the nation's ordered
    volume under the offer against the committed number."""
    lin = linear(m)
    order = lin.col("order")
    keys = _commitments(data, bound)

    def rows() -> Iterator[Row]:
        for p, i, n in keys:
            cols = _cols(order, data.by_route.get((p, i, n), []))
            limit = data.offers[p, i].commitments[n][bound]
            assert limit is not None
            lower, upper = (limit, INF) if bound == 0 else (-INF, limit)
            yield (p, i, n), cols, [1.0] * len(cols), lower, upper

    return keys, rows()


def commitment_lower(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A nation committed to a framework orders at least its minimum volume under it.

    :math:`\sum_{a,k} x_{p,i,n,a,k} \ge minvol_{p,i,n}` over the nation's orders of the offer
    (pooled or going alone: a commitment is an agreement already made). Orders already
    placed do not count towards it.
    """
    return _commitment_rows(m, data, 0)


def commitment_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A nation committed to a framework orders at most its maximum volume under it.

    :math:`\sum_{a,k} x_{p,i,n,a,k} \le maxvol_{p,i,n}` (only where ``max_volume`` is given).
    """
    return _commitment_rows(m, data, 1)
