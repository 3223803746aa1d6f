r"""The tightest valid big-M of the order linking rows: what a route can ever usefully take.

The linking rows (``order_tier_link``, ``tier_volume_upper``, ``delivery_period_link``)
bound orders by a binary's coefficient. The producer's capacity :math:`U_{p,i,a}` (base
plus every expansion; for an offer that builds ahead, summed over the periods up to
:math:`a`, all it can have made by then) is always valid, but weak where one nation needs far less than a
producer can make, and before an expansion can be ready. The rows take
:math:`\bar U_{p,i,a} = cap_{p,i,a} + \sum_e added_e \max_s ramp_{e,a-s-lead_e}` instead:
the capacity with each expansion at the most of its ramp it can reach by period :math:`a`
(``capacity_upper`` allows no more). ``route_upper`` derives, once, the most route :math:`(p,i,n)` can
usefully take from arrival period :math:`a` on, in item units, and each row takes the
least of it (summed over the row's routes) and the capacity (``tighten_bounds``, on by
default; off, the capacity alone):

:math:`R_{p,i,n,a} = \lceil \max(O_{n,i,a} + S_{n,i},\ F_{p,i,n}) \rceil_{p,i}`

:math:`O_{n,i,a}` is what can leave the nation's stock of item :math:`i` from period
:math:`a` on: every demand of the nation the item serves with a supply period :math:`t \ge
a`, in item units (:math:`q_d / f_{d,i}`, the smallest factor), the wear and spares of
:math:`i` that use of those demands' items consumes, and, for a donor stock, its whole start
stock (donations come from it). :math:`S_{n,i}` is the stock room: the highest floor plus
the refill target.

:math:`F_{p,i,n}` is what can force buying beyond use: the offer's highest tier minimum
(all-units discounts), its minimum order, the nation's committed minimum volume, and the
units :math:`C_{p,i,n} = \sum_f committed_f / c^{min}_{p,i,n}` that spend the committed
money of the funds that may pay the route (:math:`c^{min}` its cheapest unit, price plus
delivery). :math:`\lceil \cdot \rceil_{p,i}` rounds up to whole lots (whole units of an
indivisible item), and to at least one lot (unit) on a contract a fund with a minimum
consortium may pay for: every nation on the contract may join it (``consortium_lower``
counts them all), and joining takes an order of one lot (``consortium_join_link``).

Validity (no optimal value is cut): take any optimal plan and a route whose arrivals from
:math:`a` on exceed :math:`R_{p,i,n,a}`. Remove its latest arrivals (whole lots) until they
do not; they stay at least the unrounded bound, and at least one lot where the route may
join a consortium. The nation's stock from :math:`a` on stays at least the arrivals kept
less what can leave, so at least :math:`S_{n,i}`: every floor and refill target still
holds. The route's total stays at least :math:`F`: every tier, minimum order and
commitment still holds (the route alone reaches the pooled minimum), under the same tier
and price, and a nation that joined a consortium still does. A fund's payment on the route
that the kept orders no longer cover is cut to them (to at least its committed money),
which no rule prevents (the exceptions below aside) and leaves each nation paying no more
(budgets, the participation rule). Nothing else
rises (prices, delivery and holding costs are not negative; shortfall and use are
unchanged), so the plan stays optimal, if no rule's limit depends on the route's volume
in another way. Repeating from the latest period back gives an optimal plan within every
bound.

Where a rule could make an optimal plan buy beyond use in ways this does not bound, the
route keeps the capacity (no :math:`R`): a fund with a committed amount paid on a
schedule or up to a share of the contract, a fund paying in whole packages (cutting its
payments could break them), and a route whose cheapest unit is free. So does every route
under a rule whose limit grows with the volume of other routes, where a nation can buy
beyond its own use for another's sake: every route of a contract a fund pays a share of
(``fund_procurement_share_upper``: the share is of the whole contract's value, so any
nation on it can buy more to let the fund pay more of a beneficiary's orders), and every
route of an item with components from a producer a component-origin rule can bind
(``component_origin_upper``: the outside share counts every component fed to the
producer, so buying more of an item with inside components lowers it). The other rules
spanning routes are met by each route alone (pooled tier minimums and minimum orders, in
:math:`F`), charge fixed shares (contracts' fixed costs), count nations (a consortium: one
lot each, above) or only cap (capacities, caps, ceilings, repair shops).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

from aggregate.data import ContractKey, ModelData, OfferKey, OrderKey, RouteKey


def _money(data: ModelData) -> tuple[dict[RouteKey, float], set[RouteKey]]:
    """(route -> :math:`C_{p,i,n}`, routes that keep the capacity bound): the module
    docstring's committed-money units and exceptions."""
    money: dict[RouteKey, float] = defaultdict(float)
    keep: set[RouteKey] = set()
    for f, p, i, n in data.fund_pays:
        fund = data.funds[f]
        route = (p, i, n)
        if fund.package_size is not None:
            keep.add(route)
        elif fund.committed > 0:
            off = data.offers[p, i]
            cheapest = min(min(s) for s in off.price_by_period) + off.delivery[n]
            if fund.timed or fund.procurement_share < 1 or cheapest <= 0:
                keep.add(route)
            else:
                money[route] += fund.committed / cheapest
    # rules whose limit grows with other routes' volume: any route of a contract a fund
    # pays a share of (its value counts every nation's orders), and any route of an item
    # with components from a producer under an origin rule (its feeds count every item's)
    for routes in data.procurement_contracts().values():
        keep.update(routes)
    origin = {p for _f, p in data.origin_pairs()}
    keep.update(r for r in data.routes if r[0] in origin and data.bom.get(r[1]))
    return money, keep


def _joiners(data: ModelData) -> set[RouteKey]:
    """Routes that may join a consortium: every route of a contract a fund with a minimum
    consortium may pay for (each nation on it may join, with an order of one lot)."""
    contracts = {tuple(c[1:]) for c in data.consortium_uses()}
    return {r for r, c in data.contract_of.items() if c in contracts}


def _demand_use(data: ModelData) -> dict[tuple[str, str], list[tuple[int, float]]]:
    """(nation, item) -> [(last supply period, most item units)] of each demand it serves."""
    last: dict[tuple[str, str], int] = {}
    factor: dict[tuple[str, str], float] = {}
    for (d, i, t), f in data.supply.items():
        last[d, i] = max(last.get((d, i), t), t)
        factor[d, i] = min(factor.get((d, i), f), f)
    out: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for (d, i), t in sorted(last.items()):
        f = factor[d, i]
        units = data.demands[d].quantity / f if f > 0 else math.inf
        out[data.demands[d].nation, i].append((t, units))
    return out


def _remaining(uses: list[tuple[int, float]], horizon: int) -> list[float]:
    """Per period :math:`a`, the units of ``uses`` due in :math:`a` or later (one pass from
    the end, shared by every route of the nation and item)."""
    due = [0.0] * (horizon + 1)
    for t, units in uses:
        due[min(t, horizon)] += units
    for a in range(horizon - 1, -1, -1):
        due[a] += due[a + 1]
    return due[:horizon]


def route_upper(data: ModelData) -> dict[RouteKey, list[float]]:
    """(producer, item, nation) -> :math:`R_{p,i,n,a}` per arrival period :math:`a` (module
    docstring); routes without an entry keep the capacity bound."""
    horizon = len(data.periods)
    uses = _demand_use(data)
    money, keep = _money(data)
    consortium = _joiners(data)
    remaining: dict[tuple[str, str], list[float]] = {}

    def left(n: str, i: str) -> list[float]:
        if (n, i) not in remaining:
            remaining[n, i] = _remaining(uses.get((n, i), []), horizon)
        return remaining[n, i]

    out: dict[RouteKey, list[float]] = {}
    for route in data.routes:
        if route in keep:
            continue
        p, i, n = route
        off = data.offers[p, i]
        stock = data.stocks.get((n, i))
        room = 0.0
        if stock is not None:
            room = max(stock.floor, default=0.0) + (stock.refill_target or 0.0)
        forced = max(
            max(off.tier_min, default=0.0),
            off.min_order,
            off.commitments[n][0] if n in off.commitments else 0.0,
            money.get(route, 0.0),
        )
        # orders come in whole lots (whole units of an indivisible item); joining a
        # consortium takes an order of one lot (unit)
        unit = float(off.lot) if off.lot is not None else 1.0
        whole = off.lot is not None or i in data.indivisible
        least = unit if route in consortium else 0.0
        donated = stock.on_hand if stock is not None and stock.donor else 0.0
        rates: dict[str, float] = defaultdict(float)
        for table in (data.wear, data.spares):
            for u, rate in table.get((n, i), {}).items():
                rates[u] += rate
        bounds = []
        for a in range(horizon):
            leave = left(n, i)[a] + donated
            leave += sum(rate * left(n, u)[a] for u, rate in rates.items())
            bound = max(leave + room, forced)
            if whole and math.isfinite(bound):
                bound = unit * math.ceil(bound / unit - 1e-9)
            bounds.append(max(bound, least))
        if all(math.isfinite(b) for b in bounds):
            out[route] = bounds
    return out


def ready_upper(data: ModelData) -> dict[OfferKey, list[float]]:
    r"""(producer, item) -> :math:`\bar U_{p,i,a} = cap_{p,i,a} + \sum_e added_e \max_s
    ramp_{e,a-s-lead_e}`: the capacity with every expansion of the offer that can be ready
    by period :math:`a`, at the most of its ramp then (``capacity_upper`` allows no more);
    at most :math:`U_{p,i,a}`, which adds every expansion in every period. For an offer
    that builds ahead, summed over the periods up to :math:`a` (it can deliver all it
    could make by then)."""
    out: dict[OfferKey, list[float]] = {}
    horizon = range(len(data.periods))
    extra: dict[OfferKey, list[float]] = defaultdict(lambda: [0.0] * len(data.periods))
    for x in data.expansions.values():
        if x.supplier is None and x.starts:
            added = extra[x.producer, x.item]
            for a in horizon:
                added[a] += x.added * max(x.share(s, a) for s in x.starts)
    for key, off in data.offers.items():
        more = extra.get(key)
        made = [c + (more[a] if more else 0.0) for a, c in enumerate(off.capacity)]
        if off.ahead:  # deliveries up to a period are what could be made by then
            made = list(itertools.accumulate(made))
        out[key] = [min(u, r) for u, r in zip(off.upper, made, strict=True)]
    return out


def bounds_of(data: ModelData) -> dict[RouteKey, list[float]]:
    """:attr:`~aggregate.data.ModelData.route_upper`, derived on first use (empty without
    ``tighten_bounds``)."""
    if data.route_upper is None:
        data.route_upper = route_upper(data) if data.tighten_bounds else {}
    return data.route_upper


def capacity_of(data: ModelData) -> dict[OfferKey, list[float]]:
    r""":attr:`~aggregate.data.ModelData.ready_upper`, derived on first use: :math:`\bar
    U` (:func:`ready_upper`), or :math:`U` without ``tighten_bounds``."""
    if data.ready_upper is None:
        data.ready_upper = (
            ready_upper(data)
            if data.tighten_bounds
            else {k: list(o.upper) for k, o in data.offers.items()}
        )
    return data.ready_upper


def order_upper(data: ModelData, order: OrderKey) -> float:
    r"""The big-M of one order: :math:`M_{p,i,n,a} = \min(\bar U_{p,i,a}, R_{p,i,n,a})`."""
    p, i, n, a, _k = order
    cap = capacity_of(data)[p, i][a]
    bound = bounds_of(data).get((p, i, n))
    return cap if bound is None else min(cap, bound[a])


def contract_bounds(data: ModelData) -> dict[ContractKey, tuple[float, list[float]]]:
    """:attr:`~aggregate.data.ModelData.contract_upper`, derived on first use (several
    families read it)."""
    if data.contract_upper is None:
        data.contract_upper = contract_upper(data)
    return data.contract_upper


def contract_upper(data: ModelData) -> dict[ContractKey, tuple[float, list[float]]]:
    r"""contract -> (big-M of its volume over the horizon, big-M of its volume per period):
    :math:`\min(\sum_{a \ge lead} U_{p,i,a}, \sum_n R_{p,i,n,lead})` and
    :math:`\min(U_{p,i,a}, \sum_n R_{p,i,n,a})`, the sums over the contract's routes
    (:math:`R` is largest at the first arrival, the offer's lead time). For an offer that
    builds ahead, :math:`U_{p,i,a}` is summed up to :math:`a`, and the horizon's is its last."""
    routes: dict[ContractKey, list[RouteKey]] = defaultdict(list)
    for route, c in data.contract_of.items():
        routes[c].append(route)
    out: dict[ContractKey, tuple[float, list[float]]] = {}
    for c, (p, i) in data.contracts.items():
        off = data.offers[p, i]
        per = list(capacity_of(data)[p, i])
        # an offer that builds ahead has per[a] summed up to a: its last is the total
        total = per[-1] if off.ahead else sum(per[off.lead :])
        bounds = [bounds_of(data).get(r) for r in routes[c]]
        if all(b is not None for b in bounds):
            summed = [sum(b[a] for b in bounds if b is not None) for a in range(len(per))]
            total = min(total, summed[off.lead] if off.lead < len(per) else 0.0)
            per = [min(u, s) for u, s in zip(per, summed, strict=True)]
        out[c] = (total, per)
    return out
