"""Plain indexed data for the model: sparse index sets and numbers, no Pyomo.

:func:`prepare` turns a validated :class:`~aggregate.schema.Scenario` into
:class:`ModelData`: every index set holds only the tuples that can occur (an order route
exists only where a nation can use and needs an item, an arrival period only after the
lead time, a tier only where the offer has one), so the model never loops a dense product.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from aggregate.records import (
    DemandData,
    ExpansionData,
    FundData,
    OfferData,
    PlacedData,
    ShopData,
    StockData,
)
from aggregate.schema import Fund, Nation, Scenario, currency, expand, facts, scenario_index
from aggregate.schema.canonical import canonical
from aggregate.schema.facts import key_shares, usable_pairs
from aggregate.schema.funds import KeyRule
from aggregate.schema.scenario import DEFAULT_CURRENCY

OfferKey = tuple[str, str]  # (producer, item)
RouteKey = tuple[str, str, str]  # (producer, item, nation)
OrderKey = tuple[str, str, str, int, int]  # (producer, item, nation, arrival period, tier)
LotKey = tuple[str, str, str, int]  # (producer, item, nation, arrival period)
ContractKey = tuple[str, ...]  # (producer, item) pooled, (producer, item, nation) alone
StockKey = tuple[str, str]  # (nation, item)
FundPayKey = tuple[str, str, str, str]  # (fund, producer, item, nation)
FundPayAtKey = tuple[str, str, str, str, int]  # (fund, producer, item, nation, paid period)
FundInvestKey = tuple[str, str, int]  # (fund, expansion, start period)
HORIZON = -1
"""The period part of the payment column of a fund without a schedule (:attr:`FundData.timed`
false): one column for the route's orders over the whole horizon."""


RepairKey = tuple[str, str, str, int]  # (shop, nation, item, period taken in)


@dataclass
class ModelData:
    """Everything the model needs, as plain Python containers."""

    name: str
    pooled: bool
    periods: list[str]
    objective: str
    needs_tolerance: float
    lateness_weight: float
    needs_discount: float
    offers: dict[OfferKey, OfferData]
    routes: list[RouteKey]
    orders: list[OrderKey]
    lots: list[LotKey]
    contract_of: dict[RouteKey, ContractKey]
    contracts: dict[ContractKey, OfferKey]
    stocks: dict[StockKey, StockData]
    demands: dict[str, DemandData]
    supply: dict[tuple[str, str, int], float]
    """(demand, item, period) -> equivalence factor."""
    gifts: list[tuple[str, str, str]]
    """Donation arcs (donor, recipient, item)."""
    donor_needs: dict[StockKey, list[str]]
    """(donor, item) under the ``surplus`` policy, with a donation arc -> the donor's own
    demands the item can serve (which must be met in full and on time if it donates)."""
    expansions: dict[str, ExpansionData]
    bom: dict[str, dict[str, float]]
    """item -> component -> units per item."""
    feeds: list[tuple[str, str]]
    """(supplier, producer) pairs: the supplier can feed the producer its component."""
    supplier_component: dict[str, str]
    supplier_capacity: dict[str, list[float]]
    funds: dict[str, FundData]
    fund_pays: dict[FundPayKey, str]
    """(fund, producer, item, nation) -> 'procurement' or 'refill', for the routes whose
    orders the fund may pay in at least one of its open periods."""
    fund_invests: list[FundInvestKey]
    """(fund, expansion, start): the fund may co-finance the expansion built from ``start``
    (an open period of the fund, when the investment is paid)."""
    budgets: dict[str, float]
    period_budgets: dict[str, list[float]]
    sponsor_of: dict[str, str]
    pays_award: frozenset[str] = frozenset()
    """Nations that pay their orders at award (``Nation.pays_at``), the others at delivery."""
    fund_pay_periods: dict[FundPayKey, list[int]] = field(default_factory=dict)
    """(fund, producer, item, nation) -> the open periods of the fund in which orders of the
    route are paid (:meth:`paid_period`), ascending; ``[HORIZON]`` for a fund that is not
    :attr:`~FundData.timed`."""
    placed: dict[str, PlacedData] = field(default_factory=dict)
    """Orders already placed, by id."""
    cancels: list[tuple[str, int]] = field(default_factory=list)
    """(placed order, period) where a cancellable order delivers: units the plan may cancel."""
    indivisible: frozenset[str] = frozenset()
    """Items ordered, delivered, donated and used in whole units (``Item.indivisible``)."""
    currency: str = DEFAULT_CURRENCY
    """The scenario's currency (the plan's tables carry it; the model does not read it)."""
    units: dict[str, dict[str, str]] = field(default_factory=dict)
    """``{"item"|"capability"|"component": {id: unit}}`` from the scenario (the tables'
    units: :func:`aggregate.tables.label_units`; exports)."""
    fixed_payers: dict[ContractKey, dict[str, float]] = field(default_factory=dict)
    """contract -> nation -> its share of the contract's fixed costs (contract and period
    costs; :func:`aggregate.schema.facts.fixed_cost_shares`, the nation itself going alone)."""
    alone_short: dict[tuple[str, str], float] = field(default_factory=dict)
    """(nation, capability) -> units short in the going-alone plan: the most the pooled plan
    may leave short under the participation rule (empty: no rule)."""
    alone_spent: dict[str, float] = field(default_factory=dict)
    """nation -> its spending in the going-alone plan: what it may spend pooled under the
    participation rule, plus list price for each unit met beyond it (empty: no rule)."""
    list_price: dict[tuple[str, str], float] = field(default_factory=dict)
    """(nation, capability) of a demand -> the dearest list price of a unit
    (:meth:`~aggregate.schema.scenario_index.ScenarioIndex.list_price`), for the
    participation rule."""
    supplier_value: dict[str, float] = field(default_factory=dict)
    """supplier -> value of one unit it feeds (:func:`~aggregate.schema.facts.supplier_value`;
    suppliers without a value left out)."""
    supplier_country: dict[str, str | None] = field(default_factory=dict)
    """supplier -> its country (None: not given)."""
    supplier_upper: dict[str, list[float]] = field(default_factory=dict)
    """supplier -> its base capacity plus the full ``added`` of every expansion of the
    supplier that can start, per period: a valid upper bound on its feeds in every period
    (a ramp share is at most 1), as :attr:`~aggregate.records.OfferData.upper` is for
    offers that do not build ahead."""
    wear: dict[StockKey, dict[str, float]] = field(default_factory=dict)
    """(nation, worn item) -> used item -> units worn out per unit used
    (:func:`~aggregate.schema.facts.consumption`); empty without a sustainment block."""
    spares: dict[StockKey, dict[str, float]] = field(default_factory=dict)
    """(nation, spare item) -> used item -> spares consumed per unit used."""
    shops: dict[str, ShopData] = field(default_factory=dict)
    repairs: list[RepairKey] = field(default_factory=list)
    """Repairs a shop can take in: an item it repairs, worn by a nation it serves, in a
    period with capacity whose return falls within the horizon."""
    tighten_bounds: bool = True
    """The settings' ``tighten_bounds``: the linking rows' big-M is the least of the capacity
    and :attr:`route_upper` (false: the capacity alone)."""
    ready_upper: dict[OfferKey, list[float]] | None = None
    """(producer, item) -> the capacity with the expansions that can be ready by each period
    (:func:`aggregate.model.bounds.ready_upper`, derived when the model is built)."""
    route_upper: dict[RouteKey, list[float]] | None = None
    """(producer, item, nation) -> the most the route can usefully take from each arrival
    period on (:func:`aggregate.model.bounds.route_upper`, derived when the model is built:
    :func:`~aggregate.model.bounds.bounds_of`); a route without an entry keeps the capacity."""
    contract_upper: dict[ContractKey, tuple[float, list[float]]] | None = None
    """contract -> the big-M of its volume over the horizon and per period
    (:func:`aggregate.model.bounds.contract_upper`, derived once for the families that read
    it: :func:`~aggregate.model.bounds.contract_bounds`)."""
    # groupings used by several constraint families
    by_offer_period: dict[tuple[str, str, int], list[OrderKey]] = field(default_factory=dict)
    by_contract_tier: dict[tuple[ContractKey, int], list[OrderKey]] = field(default_factory=dict)
    by_route: dict[RouteKey, list[OrderKey]] = field(default_factory=dict)
    by_arrival: dict[tuple[str, str, int], list[OrderKey]] = field(default_factory=dict)
    """(nation, item, period) -> orders arriving there."""
    by_contract_period: dict[tuple[ContractKey, int], list[OrderKey]] = field(default_factory=dict)
    routes_of: dict[str, list[RouteKey]] = field(default_factory=dict)
    """nation -> its routes."""
    by_route_paid: dict[tuple[str, str, str, int], list[OrderKey]] = field(default_factory=dict)
    """(producer, item, nation, paid period) -> the route's orders paid in that period."""
    placed_flows: dict[str, dict[tuple[str, str, int], tuple[float, list[tuple[str, int]]]]] = (
        field(default_factory=dict)
    )
    """``offer``/``nation`` -> (producer or nation, item, period) -> (units placed orders
    deliver, their cancellable (order, period) pairs): :meth:`placed_at`."""

    def ntiers(self, offer: OfferKey) -> int:
        return len(self.offers[offer].prices)

    def outside(self, fund: str, supplier: str) -> bool:
        """Whether ``supplier`` is outside the countries of ``fund``'s component-origin rule
        (a supplier without a country is outside)."""
        origin = self.funds[fund].origin
        country = self.supplier_country.get(supplier)
        return origin is not None and not facts.origin_inside(origin[0], country)

    def origin_pairs(self) -> list[tuple[str, str]]:
        """(fund, producer) pairs a component-origin rule can bind: the fund has the rule
        (with an outside share below 1), may pay for some of the producer's orders, and an
        outside supplier of some value can feed the producer."""
        producers: dict[str, set[str]] = defaultdict(set)
        for key in self.fund_pays:
            f, p = key[0], key[1]
            origin = self.funds[f].origin
            if origin is not None and origin[1] < 1:
                producers[f].add(p)
        return sorted(
            (f, p)
            for f, ps in producers.items()
            for p in ps
            if any(
                q == p and self.outside(f, s) and self.supplier_value.get(s, 0.0) > 0
                for s, q in self.feeds
            )
        )

    def fund_routes(self) -> dict[tuple[str, RouteKey], str]:
        """(fund, route) -> what the fund may pay for on the route (``procurement`` or
        ``refill``), read from the payment keys' first four parts (fund, producer, item,
        nation), whatever follows them."""
        out: dict[tuple[str, RouteKey], str] = {}
        for key, kind in self.fund_pays.items():
            out.setdefault((key[0], (key[1], key[2], key[3])), kind)
        return out

    def procurement_contracts(self) -> dict[tuple[str, ...], list[RouteKey]]:
        """(fund, *contract) -> the contract's routes, for each fund with a procurement share
        below 1 and each contract with a route it pays for as procurement."""
        routes_of: dict[ContractKey, list[RouteKey]] = defaultdict(list)
        for route, c in self.contract_of.items():
            routes_of[c].append(route)
        keys: set[tuple[str, ...]] = set()
        for (f, route), kind in self.fund_routes().items():
            if kind == "procurement" and self.funds[f].procurement_share < 1:
                keys.add((f, *self.contract_of[route]))
        return {k: sorted(routes_of[k[1:]]) for k in sorted(keys)}

    def consortium_uses(self) -> list[tuple[str, ...]]:
        """(fund, *contract) for each fund with a minimum consortium
        (``min_nations_per_contract > 1``) and each contract with a route it may pay for:
        every nation on such a contract may join it."""
        return sorted(
            {
                (f, *self.contract_of[p, i, n])
                for (f, p, i, n) in self.fund_pays
                if self.funds[f].min_nations > 1
            }
        )

    def paid_period(self, order: OrderKey) -> int:
        """The period an order is paid: its arrival, or its order period (arrival minus the
        lead time) for a nation paying at award."""
        p, i, n, a, _k = order
        return a - self.offers[p, i].lead if n in self.pays_award else a

    def fund_pays_at(self) -> list[FundPayAtKey]:
        """The index of the fund payment columns: (fund, producer, item, nation, period)."""
        return [(*k, t) for k, periods in self.fund_pay_periods.items() for t in periods]

    def placed_at(self, key: tuple[str, str, int], by: str) -> tuple[float, list[tuple[str, int]]]:
        """(units placed orders deliver, their cancellable (order, period) pairs) at ``key``:
        (producer, item, period) for ``by="offer"``, (nation, item, period) for
        ``by="nation"``."""
        units, cancels = self.placed_flows[by].get(key, (0.0, []))
        return units, list(cancels)

    def ahead_periods(self) -> dict[OfferKey, int]:
        """(producer, item) -> the periods it can make units in, ``0 .. last``, for each offer
        that builds ahead (``Offer.build_ahead``) and may deliver: ``last + 1`` with ``last``
        its last period with a possible delivery (an order's arrival or an order already
        placed). Nothing made after it can be delivered."""
        last: dict[OfferKey, int] = {}
        keys = itertools.chain(self.by_offer_period, self.placed_flows.get("offer", {}))
        for p, i, a in keys:
            if self.offers[p, i].ahead:
                last[p, i] = max(last.get((p, i), a), a)
        return {k: a + 1 for k, a in sorted(last.items())}

    def placed_of(self, contract: ContractKey) -> list[str]:
        """The placed orders counting towards ``contract``'s volume: every placed order of
        the offer pooled, the nation's own going alone."""
        return [
            o
            for o, x in self.placed.items()
            if (x.producer, x.item) == contract[:2]
            and (len(contract) == 2 or x.nation == contract[2])
        ]


def prepare(scenario: Scenario, pooled: bool = True) -> ModelData:
    """Build the sparse indexed data of ``scenario``; ``pooled=False`` for going alone.

    The data follow the scenario's canonical order (:mod:`aggregate.schema.canonical`), so
    the order of its lists cannot change the plan."""
    scenario = canonical(scenario)
    stated = {p.id: currency.stated_currency(scenario, p) for p in scenario.producers}
    # every amount in the reporting currency, converted once (the verifier reads the same)
    scenario = currency.in_reporting_currency(scenario)
    periods = list(scenario.periods)
    at = {p: t for t, p in enumerate(periods)}
    horizon = len(periods)
    can_use = usable_pairs(scenario)
    caps = {c.id: c for c in scenario.capabilities}
    item_of = {i.id: i for i in scenario.items}
    settings = scenario.settings

    # --- what each nation needs: items through demands, and items it stocks -----------------
    needs: set[tuple[str, str]] = set()
    demands: dict[str, DemandData] = {}
    supply: dict[tuple[str, str, int], float] = {}
    for d in scenario.demands:
        due = at[d.period]
        demands[d.id] = DemandData(
            nation=d.nation,
            capability=d.capability,
            due=due,
            quantity=d.quantity,
            priority=d.priority,
            shortfall_penalty=settings.penalties(d)[0],
            lateness_penalty=settings.penalties(d)[1],
        )
        for eq in caps[d.capability].satisfied_by:
            if (d.nation, eq.item) not in can_use or not facts.fits_system(
                item_of[eq.item], d.system
            ):
                continue
            needs.add((d.nation, eq.item))
            for t in range(due, min(due + d.max_lateness, horizon - 1) + 1):
                supply[d.id, eq.item, t] = eq.factor

    cheapest = facts.cheapest_prices(scenario.producers)
    nation_of = {n.code: n for n in scenario.nations}

    stocks: dict[StockKey, StockData] = {}
    for s in scenario.stockpiles:
        floor = expand(s.floor, periods)
        refill_by = at[s.refill_by] if s.refill_by is not None else None
        stocks[s.nation, s.item] = StockData(
            on_hand=s.on_hand,
            floor=floor,
            floor_from=facts.floor_start(s, floor, at),
            soft_penalty=s.floor_penalty if s.floor_type == "soft" else None,
            refill_target=s.refill_target,
            refill_by=refill_by,
            refill_penalty=s.refill_penalty,
            holding=expand(s.holding_cost, periods),
            donor=s.donor,
            surplus=s.donor and facts.donation_policy(s, nation_of.get(s.nation)) == "surplus",
            unit_value=facts.unit_value(s, cheapest, s.item),
        )
        needs.add((s.nation, s.item))

    # --- sustainment: what use wears out or consumes is needed (ordered, stocked) ----------
    wear = facts.consumption(scenario, "wear")
    spares = facts.consumption(scenario, "spares")
    needs.update(k for k in sorted(set(wear) | set(spares)) if k in can_use)
    shops, repairs = _repairs(scenario, wear, periods)

    # --- donation arcs: donor stock to nations that can use and need the item ---------------
    demanded = {(demands[d].nation, i) for d, i, _ in supply}
    # a nation whose use wears an item out (or consumes it as a spare) may receive it too
    demanded |= {k for k in set(wear) | set(spares) if k in can_use}
    # gifts flow from donors to nations that do not donate the item themselves: passing a
    # gift on would only inflate what a refill fund may reimburse
    donors = {k for k, st in stocks.items() if st.donor}
    gifts = [
        (m, n, i)
        for (m, i) in sorted(donors)
        for (n, j) in sorted(demanded)
        if j == i and n != m and (n, i) not in donors
    ]
    served: dict[StockKey, set[str]] = defaultdict(set)
    for d_id, i, _ in supply:
        served[demands[d_id].nation, i].add(d_id)
    # a demand whose use wears an item out (or consumes it as a spare) needs it as much
    # (:meth:`~aggregate.schema.scenario_index.ScenarioIndex.served_by`, the verifier's reading)
    for rates in (wear, spares):
        for (n, i), by in rates.items():
            served[n, i].update(d for d, u, _ in supply if u in by and demands[d].nation == n)
    donor_needs = {
        (m, i): sorted(served[m, i])
        for (m, _, i) in gifts
        if stocks[m, i].surplus and served.get((m, i))
    }

    # --- expansions -------------------------------------------------------------------------
    expansions: dict[str, ExpansionData] = {}
    nation_codes = {n.code for n in scenario.nations}
    country = {p.id: p.country for p in scenario.producers}
    supplier_country = {c.id: c.country for c in scenario.component_suppliers}
    for e in scenario.expansions:
        first, last = facts.start_window(e, at, horizon)
        starts = [s for s in range(first, last + 1) if s + e.lead_periods < horizon]
        where = supplier_country[e.supplier] if e.supplier else country[e.producer or ""]
        sponsor = facts.sponsor(e, where, nation_codes)
        expansions[e.id] = ExpansionData(
            e.producer or "",
            e.item or "",
            e.added_capacity,
            e.investment_cost,
            e.lead_periods,
            starts,
            sponsor,
            e.after,
            tuple(e.ramp),
            e.supplier,
            where,
        )

    # a valid upper bound on capacity in every period: base plus every expansion that can
    # start (the capacity ready by a period, facts.added_capacity, is the model's to choose)
    upper_added: dict[OfferKey, float] = defaultdict(float)
    for x in expansions.values():
        if x.starts and x.supplier is None:
            upper_added[x.producer, x.item] += x.added

    # --- offers, routes and orders ----------------------------------------------------------
    offers: dict[OfferKey, OfferData] = {}
    routes: list[RouteKey] = []
    for prod in scenario.producers:
        for off in prod.offers:
            key = (prod.id, off.item)
            base = expand(off.capacity, periods)
            upper = [c + upper_added[key] for c in base]
            if off.build_ahead:  # a period delivers at most what was makeable by then
                upper = list(itertools.accumulate(upper))
            takers = sorted(n for (n, i) in needs if i == off.item and facts.may_buy(off, n))
            by_period = facts.tier_prices(off, periods)
            offers[key] = OfferData(
                producer=prod.id,
                item=off.item,
                country=prod.country,
                lead=off.lead_time,
                capacity=base,
                upper=upper,
                prices=[max(series) for series in by_period],
                price_by_period=by_period,
                tier_min=facts.tier_minimums(off),
                min_order=off.min_order,
                lot=off.lot_size,
                contract_cost=off.contract_cost,
                period_cost=expand(off.order_period_cost, periods),
                delivery={n: facts.delivery_rate(off, n) for n in takers},
                currency=stated[prod.id][0],
                rate=stated[prod.id][1],
                commitments={
                    c.nation: (
                        c.min_volume,
                        c.max_volume,
                        at[c.joins_from] if c.joins_from is not None else 0,
                    )
                    for c in off.commitments
                },
                ahead=off.build_ahead,
            )
            routes.extend((prod.id, off.item, n) for n in takers)

    orders: list[OrderKey] = []
    lots: list[LotKey] = []
    contract_of: dict[RouteKey, ContractKey] = {}
    contracts: dict[ContractKey, OfferKey] = {}
    for p, i, n in routes:
        od = offers[p, i]
        c: ContractKey = (p, i) if pooled else (p, i, n)
        contract_of[p, i, n] = c
        contracts[c] = (p, i)
        # a committed nation orders from its joins_from on: arrival >= joins_from + lead
        joins = od.commitments[n][2] if n in od.commitments else 0
        for a in range(od.lead + joins, horizon):
            if od.upper[a] <= 0:
                continue
            if od.lot is not None:
                lots.append((p, i, n, a))
            orders.extend((p, i, n, a, k) for k in range(len(od.prices)))

    index = scenario_index.index(scenario)
    fixed_payers = {
        c: index.fixed_cost_shares(p, i) if pooled else {c[2]: 1.0}
        for c, (p, i) in contracts.items()
    }

    # --- components -------------------------------------------------------------------------
    bom = {it.id: dict(it.components) for it in scenario.items if it.components}
    makers: dict[str, set[str]] = defaultdict(set)  # component -> producers needing it
    for p, i in offers:
        for q in bom.get(i, {}):
            makers[q].add(p)
    feeds: list[tuple[str, str]] = []
    supplier_component: dict[str, str] = {}
    supplier_capacity: dict[str, list[float]] = {}
    supplier_upper: dict[str, list[float]] = {}
    # as upper_added for offers: a supplier's expansions may all be built (at most in full)
    supplier_added: dict[str, float] = defaultdict(float)
    for x in expansions.values():
        if x.starts and x.supplier is not None:
            supplier_added[x.supplier] += x.added
    supplier_value: dict[str, float] = {}
    components = {c.id: c for c in scenario.components}
    for sup in scenario.component_suppliers:
        supplier_component[sup.id] = sup.component
        supplier_capacity[sup.id] = expand(sup.capacity, periods)
        supplier_upper[sup.id] = [c + supplier_added[sup.id] for c in supplier_capacity[sup.id]]
        value = facts.supplier_value(sup, components.get(sup.component))
        if value is not None:
            supplier_value[sup.id] = value
        for p in sorted(makers[sup.component]):
            if not sup.serves or p in sup.serves:
                feeds.append((sup.id, p))

    # --- funds: in both modes ---------------------------------------------------------------
    # Going alone removes only the pooling of contracts; every aid channel stays. A fund
    # with a minimum consortium (min_nations_per_contract > 1) still exists going alone,
    # but no going-alone contract can have more than one nation, so such a fund pays for
    # no order: the consortium rows (consortium_lower) hold it at zero, no special case.
    nations = {n.code: n for n in scenario.nations}
    funds: dict[str, FundData] = {}
    fund_pays: dict[FundPayKey, str] = {}
    fund_invests: list[FundInvestKey] = []
    for f in scenario.funds:
        funds[f.id] = _fund_data(f, nations, at, horizon, periods)
        fund_pays.update(_fund_pay_keys(f, routes, offers, stocks))
        if "investment" in f.uses:
            for e_id, xd in expansions.items():
                if facts.origin_ok(f, xd.country):
                    # an investment is paid when its build starts, in an open period
                    fund_invests.extend(
                        (f.id, e_id, s) for s in xd.starts if funds[f.id].is_open(s)
                    )
    # bilateral purchases are aid, not pooling: a nation going alone still buys for another
    for channel, f in facts.bilateral_funds(scenario.nations).items():
        funds[channel] = replace(_fund_data(f, nations, at, horizon, periods), channel="bilateral")
        fund_pays.update(_fund_pay_keys(f, routes, offers, stocks))

    placed = {
        o.id: PlacedData(
            o.producer,
            o.item,
            o.nation,
            expand_deliveries(o.deliveries, periods),
            o.price,
            o.cancellation_fee,
            o.cancellable,
        )
        for o in scenario.placed_orders
    }
    data = ModelData(
        name=scenario.name,
        pooled=pooled,
        periods=periods,
        objective=settings.objective,
        needs_tolerance=settings.needs_tolerance,
        lateness_weight=settings.lateness_weight,
        needs_discount=settings.needs_discount,
        tighten_bounds=settings.tighten_bounds,
        offers=offers,
        routes=routes,
        orders=orders,
        lots=lots,
        contract_of=contract_of,
        contracts=contracts,
        stocks=stocks,
        demands=demands,
        supply=supply,
        gifts=gifts,
        donor_needs=donor_needs,
        expansions=expansions,
        bom=bom,
        feeds=feeds,
        supplier_component=supplier_component,
        supplier_capacity=supplier_capacity,
        supplier_upper=supplier_upper,
        supplier_value=supplier_value,
        supplier_country={sup.id: sup.country for sup in scenario.component_suppliers},
        funds=funds,
        fund_pays=fund_pays,
        fund_invests=fund_invests,
        budgets={n.code: n.budget for n in scenario.nations if n.budget is not None},
        period_budgets={
            n.code: expand(n.budget_per_period, periods)
            for n in scenario.nations
            if n.budget_per_period is not None
        },
        sponsor_of={e: x.sponsor for e, x in expansions.items() if x.sponsor is not None},
        pays_award=frozenset(n.code for n in scenario.nations if n.pays_at == "award"),
        placed=placed,
        cancels=[
            (o, t)
            for o, x in placed.items()
            if x.cancellable
            for t in range(horizon)
            if x.deliveries[t] > 0
        ],
        indivisible=frozenset(it.id for it in scenario.items if it.indivisible),
        fixed_payers=fixed_payers,
        wear=wear,
        spares=spares,
        shops=shops,
        repairs=repairs,
        list_price={
            (n, c): index.list_price(n, c)
            for n, c in sorted({(d.nation, d.capability) for d in scenario.demands})
        }
        if pooled and settings.participation == "no_worse_than_alone"
        else {},
        currency=scenario.currency,
        units={
            kind: {x.id: x.unit for x in things}
            for kind, things in (
                ("item", scenario.items),
                ("capability", scenario.capabilities),
                ("component", scenario.components),
            )
        },
    )
    _group(data)
    _fund_pay_periods(data)
    return data


def _fund_pay_periods(data: ModelData) -> None:
    """Keep the fund payment routes with orders paid in an open period of the fund, and
    the periods in which they are (sparse: a fund pays only where an order can be paid)."""
    paid: dict[RouteKey, list[int]] = defaultdict(list)
    for p, i, n, t in data.by_route_paid:
        paid[p, i, n].append(t)
    for periods in paid.values():
        periods.sort()
    keep: dict[FundPayKey, str] = {}
    for key, kind in data.fund_pays.items():
        f, p, i, n = key
        fund = data.funds[f]
        periods = [t for t in paid.get((p, i, n), ()) if fund.is_open(t)]
        if periods:
            keep[key] = kind
            data.fund_pay_periods[key] = periods if data.funds[f].timed else [HORIZON]
    data.fund_pays = keep


def expand_deliveries(deliveries: Mapping[str, float], periods: list[str]) -> list[float]:
    """A placed order's ``{period: units}`` as units per period (0 where none arrive)."""
    return [float(deliveries.get(p, 0.0)) for p in periods]


def _group(data: ModelData) -> None:
    # one pass over every order: bind the dicts' methods once (10^5-10^6 orders)
    by_offer_period = data.by_offer_period.setdefault
    by_contract_tier = data.by_contract_tier.setdefault
    by_route = data.by_route.setdefault
    by_arrival = data.by_arrival.setdefault
    by_contract_period = data.by_contract_period.setdefault
    by_route_paid = data.by_route_paid.setdefault
    contract_of = data.contract_of
    award = data.pays_award
    offers = data.offers
    for key in data.orders:
        p, i, n, a, k = key
        c = contract_of[p, i, n]
        by_route_paid((p, i, n, a - offers[p, i].lead if n in award else a), []).append(key)
        by_offer_period((p, i, a), []).append(key)
        by_contract_tier((c, k), []).append(key)
        by_route((p, i, n), []).append(key)
        by_arrival((n, i, a), []).append(key)
        by_contract_period((c, a), []).append(key)
    for route in data.routes:
        data.routes_of.setdefault(route[2], []).append(route)
    for by in ("offer", "nation"):
        flows: dict[tuple[str, str, int], tuple[float, list[tuple[str, int]]]] = {}
        for o, x in data.placed.items():
            who = x.producer if by == "offer" else x.nation
            for t, units in enumerate(x.deliveries):
                if units <= 0:
                    continue
                before, cancels = flows.get((who, x.item, t), (0.0, []))
                flows[who, x.item, t] = (
                    before + units,
                    [*cancels, (o, t)] if x.cancellable else cancels,
                )
        data.placed_flows[by] = flows


def _repairs(
    scenario: Scenario, wear: dict[StockKey, dict[str, float]], periods: list[str]
) -> tuple[dict[str, ShopData], list[RepairKey]]:
    """The repair shops' data and the repairs each can take in (:attr:`ModelData.repairs`)."""
    shops: dict[str, ShopData] = {}
    repairs: list[RepairKey] = []
    if scenario.sustainment is None:
        return shops, repairs
    for r in scenario.sustainment.repair_shops:
        data = ShopData(
            capacity=expand(r.capacity, periods),
            turnaround=r.repair_time + r.transport_time,
            cost=r.cost + r.transport_cost,
        )
        shops[r.id] = data
        for n, i in wear:
            if i not in r.items or (r.serves and n not in r.serves):
                continue
            for t in range(len(periods) - data.turnaround):
                if data.capacity[t] > 0:
                    repairs.append((r.id, n, i, t))
    return shops, repairs


def _fund_data(
    f: Fund, nations: Mapping[str, Nation], at: Mapping[str, int], horizon: int, periods: list[str]
) -> FundData:
    rule = f.contribution
    # a loan's instalments per period it may be drawn in (its repaid share follows from them)
    instalments = (
        tuple(tuple(facts.loan_instalments(f, at, horizon, t)) for t in range(horizon))
        if f.kind == "loan"
        else ()
    )
    key: dict[str, float] | None = None
    pledge_min: dict[str, float] = {}
    pledge_max: dict[str, float | None] = {}
    tolerance = 0.0
    if isinstance(rule, KeyRule):
        key = key_shares(f, nations)
        tolerance = rule.tolerance
    else:
        for m in f.members:
            pledge = rule.pledges.get(m)
            pledge_min[m] = pledge.min if pledge else 0.0
            pledge_max[m] = pledge.max if pledge else None
    return FundData(
        members=list(f.members),
        key=key,
        tolerance=tolerance,
        pledge_min=pledge_min,
        pledge_max=pledge_max,
        cap=f.cap,
        committed=f.committed,
        uses=frozenset(f.uses),
        min_nations=f.min_nations_per_contract,
        cofinancing=f.max_cofinancing_share,
        refill_rate=f.refill_rate,
        procurement_share=f.max_procurement_share,
        origin=None
        if f.component_origin is None
        else (frozenset(f.component_origin.countries), f.component_origin.max_outside_share),
        package_size=f.package_size,
        loan=f.kind == "loan",
        repaid=tuple(len(x) / f.repayment_periods for x in instalments),
        instalments=instalments,
        repayment_periods=f.repayment_periods if f.kind == "loan" else 1,
        interest=facts.loan_schedule(f, at, horizon)[1],
        opens=facts.open_window(f, at, horizon)[0],
        closes=facts.open_window(f, at, horizon)[1],
        tranches=[f.tranches.get(p, 0.0) for p in periods] if f.tranches is not None else None,
        timed=f.tranches is not None
        or f.kind == "loan"
        or f.opens not in (None, periods[0])
        or f.closes not in (None, periods[-1]),
    )


def _fund_pay_keys(
    f: Fund,
    routes: list[RouteKey],
    offers: dict[OfferKey, OfferData],
    stocks: dict[StockKey, StockData],
) -> dict[FundPayKey, str]:
    out: dict[FundPayKey, str] = {}
    for p, i, n in routes:
        donor = (n, i) in stocks and stocks[n, i].donor
        procurement, refill = facts.fund_order_uses(f, offers[p, i].country, n, i, donor)
        if procurement:
            out[f.id, p, i, n] = "procurement"
        elif refill:
            out[f.id, p, i, n] = "refill"
    return out
