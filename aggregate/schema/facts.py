"""Domain facts of a scenario, defined once: the rules every layer reads the same way.

The schema says what a scenario holds; these functions say what it *means* where more than
one layer needs the answer: whether a nation can use an item, a fund's key shares, who
sponsors an expansion, what a donated unit is worth, which capacity expansions add, where a
floor starts to bind, what a fund may pay for. The model data (:mod:`aggregate.data`), the
plan tables (:mod:`aggregate.extract`), the verifier (:mod:`aggregate.verify`), the checks
and the explanations read them here, so a rule cannot drift between layers.

The functions are pure (schema objects in, plain values out). :class:`ScenarioIndex` looks
a validated scenario up by id and answers the same facts by id, with the per-period series
expanded once and every amount in the reporting currency (:func:`in_reporting_currency`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from functools import cached_property

from aggregate import labels
from aggregate.schema.base import expand
from aggregate.schema.funds import ComponentOrigin, Fund, KeyRule, PledgeRule
from aggregate.schema.industry import ComponentSupplier, Expansion, Offer, Producer
from aggregate.schema.materiel import Capability, Component, Item
from aggregate.schema.nations import DonationPolicy, Nation
from aggregate.schema.needs import Demand, Stockpile
from aggregate.schema.scenario import Scenario

Build = tuple[str, str, float, int] | tuple[str, str, float, int, Sequence[float]]
"""An expansion built: (producer, item, units added per period, first period ready), with
its ramp as a fifth part where it has one (the shares of the units available in the first
periods once ready, ``Expansion.ramp``)."""


# --- compatibility --------------------------------------------------------------------


def usable(item: Item, nation: Nation) -> bool:
    """Whether ``nation`` can use ``item``: an item qualified for named systems needs a nation
    operating one of them; an item or a nation without systems goes with everything."""
    return not item.systems or not nation.systems or bool(set(item.systems) & set(nation.systems))


def fits_system(item: Item, system: str | None) -> bool:
    """Whether ``item`` may meet a demand tied to weapon ``system`` (``Demand.system``): any
    item when the demand names no system, else an item qualified for it or with no systems."""
    return system is None or not item.systems or system in item.systems


def usable_pairs(scenario: Scenario) -> set[tuple[str, str]]:
    """(nation, item) pairs where the nation can use the item (:func:`usable`)."""
    return {
        (nation.code, item.id)
        for nation in scenario.nations
        for item in scenario.items
        if usable(item, nation)
    }


# --- offers ---------------------------------------------------------------------------


def tier_prices(offer: Offer, periods: list[str]) -> list[list[float]]:
    """Unit price per tier and ORDER period: ``[k][o]`` is what a unit of tier ``k`` (0 the
    base price, k the k-th discount tier) costs when ordered in period ``o`` (arrival minus
    lead time). A constant price is the same in every period; a series (escalation) is a
    step function of the order (award) period, the price agreed when the order is placed.
    The one definition of an order's price: the model's data and the verifier read it."""
    return [expand(offer.price, periods), *(expand(t.price, periods) for t in offer.tiers)]


def price_values(price: float | Mapping[str, float]) -> list[float]:
    """The values a price (a number or a series) takes."""
    return [float(v) for v in price.values()] if isinstance(price, Mapping) else [float(price)]


def escalates(offer: Offer) -> bool:
    """Whether any price of the offer (base or tier) is a series."""
    return any(isinstance(x, Mapping) for x in (offer.price, *(t.price for t in offer.tiers)))


def tier_minimums(offer: Offer) -> list[float]:
    """Pooled volume from which each tier applies; 0 for the base tier."""
    return [0.0, *(float(t.min_volume) for t in offer.tiers)]


def may_buy(offer: Offer, nation: str) -> bool:
    """Whether ``nation`` may order from ``offer``: listed in its ``buyers`` (when given)
    and not in its ``excluded_buyers``."""
    listed = offer.buyers is None or nation in offer.buyers
    return listed and nation not in offer.excluded_buyers


def delivery_rate(offer: Offer, nation: str) -> float:
    """Delivery cost per unit of ``offer`` to ``nation``: the named rate, else the default."""
    return float(offer.delivery_cost_to.get(nation, offer.delivery_cost))


def fixed_cost_shares(
    offer: Offer, country: str | None, nations: Mapping[str, Nation], takers: Iterable[str]
) -> dict[str, float]:
    """Nation -> its share of a pooled contract's fixed costs: the offer's
    ``fixed_costs_paid_by`` pays all, or its ``fixed_costs_split`` weights normalised; neither:
    the producer's ``country`` if it is a nation of the scenario, else an equal split among
    ``takers``, the nations that may order the item, leaving out those with a budget of 0 (an
    aid recipient that pays nothing itself would otherwise keep every other nation from
    opening the contract; all takers share when none has money). Empty: no nation may order,
    so no contract is ever placed."""
    if offer.fixed_costs_paid_by is not None:
        return {offer.fixed_costs_paid_by: 1.0}
    if offer.fixed_costs_split:
        total = sum(offer.fixed_costs_split.values())
        return {n: w / total for n, w in sorted(offer.fixed_costs_split.items()) if w > 0}
    if country is not None and country in nations:
        return {country: 1.0}
    who = sorted(set(takers))
    paying = [n for n in who if n not in nations or nations[n].budget != 0]
    who = paying or who
    return {n: 1.0 / len(who) for n in who}


def cheapest_prices(producers: Iterable[Producer]) -> dict[str, float]:
    """item -> the cheapest base price any producer offers it at (the lowest value of an
    escalating price)."""
    cheapest: dict[str, float] = {}
    for prod in producers:
        for off in prod.offers:
            low = min(price_values(off.price))
            cheapest[off.item] = min(cheapest.get(off.item, low), low)
    return cheapest


# --- stock ----------------------------------------------------------------------------


def unit_value(stockpile: Stockpile | None, cheapest: Mapping[str, float], item: str) -> float:
    """Replacement value of one donated unit of ``item`` (what a refill fund reimburses at
    most): the stockpile's ``unit_value``, else the cheapest base price, else 0."""
    if stockpile is not None and stockpile.unit_value is not None:
        return float(stockpile.unit_value)
    return float(cheapest.get(item, 0.0))


def floor_start(
    stockpile: Stockpile, floor: list[float], at: Mapping[str, int], tol: float = 0.0
) -> int | None:
    """First period index where the floor binds; None when it never does.

    A floor binds from the first period if the stock starts at or above the first period's
    floor (within ``tol`` relative to it); otherwise from ``refill_by`` on, and never
    without ``refill_by``. A floor that is 0 throughout never binds.
    """
    if max(floor, default=0.0) <= 0:
        return None
    if stockpile.on_hand >= floor[0] - tol * max(1.0, floor[0]):
        return 0
    return at[stockpile.refill_by] if stockpile.refill_by is not None else None


def donation_policy(stockpile: Stockpile, nation: Nation | None) -> DonationPolicy:
    """How far a donor stockpile may give: its own ``donation_policy``, else its nation's,
    else ``surplus`` (donate only what the nation's own demands do not need)."""
    if stockpile.donation_policy is not None:
        return stockpile.donation_policy
    return nation.donation_policy if nation is not None else "surplus"


# --- expansions -----------------------------------------------------------------------


def sponsor(expansion: Expansion, country: str | None, nations: Container[str]) -> str | None:
    """Nation paying the part of an expansion no fund pays: its ``sponsor``, else the
    ``country`` of its producer (or component supplier) if that is a nation of the
    scenario, else none."""
    if expansion.sponsor:
        return expansion.sponsor
    return country if country is not None and country in nations else None


def start_window(expansion: Expansion, at: Mapping[str, int], horizon: int) -> tuple[int, int]:
    """(earliest, latest) start period index of ``expansion`` (both inclusive)."""
    first = at[expansion.earliest_start] if expansion.earliest_start is not None else 0
    last = at[expansion.latest_start] if expansion.latest_start is not None else horizon - 1
    return first, last


def ramp_share(ramp: Sequence[float], since_ready: int) -> float:
    """Share of an expansion's added capacity available ``since_ready`` periods after it is
    ready (0 in the period it is ready): 0 before, ``ramp[since_ready]`` while ramping up,
    1 after the ramp."""
    if since_ready < 0:
        return 0.0
    return float(ramp[since_ready]) if since_ready < len(ramp) else 1.0


def added_capacity(
    builds: Iterable[Build], horizon: int
) -> defaultdict[tuple[str, str, int], float]:
    """(producer, item, period index) -> capacity added by the expansions ready by then
    (0 for any other key).

    An expansion started in period ``s`` with lead ``L`` adds its capacity in every period
    from ``s + L`` to the end of the horizon, the share :func:`ramp_share` of it in period
    ``s + L + j`` while it ramps up.
    """
    added: defaultdict[tuple[str, str, int], float] = defaultdict(float)
    for build in builds:
        producer, item, units, ready = build[:4]
        ramp = build[4] if len(build) > 4 else ()
        for t in range(max(ready, 0), horizon):
            added[producer, item, t] += float(units) * ramp_share(ramp, t - ready)
    return added


# --- funds ----------------------------------------------------------------------------


def key_weights(fund: Fund, nations: Mapping[str, Nation]) -> dict[str, float] | None:
    """Members' raw key weights (GNI, GDP or custom shares; 0 where unknown), None for a
    pledge fund."""
    rule = fund.contribution
    if not isinstance(rule, KeyRule):
        return None
    weights: dict[str, float] = {}
    for m in fund.members:
        if rule.basis == "custom":
            weights[m] = float(rule.shares.get(m, 0.0))
        else:
            nation = nations.get(m)
            weights[m] = float(getattr(nation, rule.basis) or 0.0) if nation is not None else 0.0
    return weights


def key_shares(fund: Fund, nations: Mapping[str, Nation]) -> dict[str, float]:
    """Each member's key share: its GNI (GDP, custom weight) over the members' total, cut to
    the rule's ``max_share`` (:func:`capped_shares`); equal shares when every weight is 0
    (which :func:`aggregate.check` rejects). A key-rule fund only."""
    weights = key_weights(fund, nations)
    if weights is None:
        raise TypeError(f"fund {fund.id} has pledges, not a key")
    total = sum(weights.values())
    if total <= 0:
        weights = dict.fromkeys(weights, 1.0)
    assert isinstance(fund.contribution, KeyRule)
    return capped_shares(weights, fund.contribution.max_share)


def capped_shares(weights: Mapping[str, float], cap: float | None) -> dict[str, float]:
    r"""Normalised shares of ``weights`` (positive total), none above ``cap`` (water-filling).

    Start from :math:`s_m = w_m / \sum_j w_j`. While some uncapped share is above the cap,
    fix every such share at the cap and give what is left, :math:`1 - cap \cdot |C|` (C the
    capped members), to the uncapped members in proportion to their weights:
    :math:`s_m = (1 - cap |C|) \, w_m / \sum_{j \notin C} w_j`. Each round caps at least
    one more member, so it ends within one round per member; raising the others' shares
    never lowers a capped one, so the result is the unique key that is proportional to the
    weights below the cap. E.g. weights 60/30/10 with cap 0.4: 0.6 is cut to 0.4 and 0.6 is
    spread 30:10 (0.45, 0.15); 0.45 is above the cap, so it is cut too and the last 0.2 goes
    to the third member: 0.4, 0.4, 0.2.

    Without a cap, or with ``cap * members < 1`` (no key can meet it;
    :func:`aggregate.check` rejects it), the plain normalised shares. Uncapped members whose
    weights are all 0 share what is left equally (their key would otherwise be undefined;
    :func:`aggregate.check` rejects that too)."""
    total = sum(weights.values())
    shares = {m: w / total for m, w in weights.items()}
    if cap is None or cap * len(weights) < 1 - 1e-12:
        return shares
    capped: set[str] = set()
    while True:
        over = [m for m in weights if m not in capped and shares[m] > cap + 1e-12]
        if not over:
            return shares
        capped.update(over)
        left = 1.0 - cap * len(capped)
        free = [m for m in weights if m not in capped]
        free_total = sum(weights[m] for m in free)
        for m in weights:
            if m in capped:
                shares[m] = cap
            elif free_total > 0:
                shares[m] = left * weights[m] / free_total
            else:
                shares[m] = left / len(free)


def origin_ok(fund: Fund, country: str | None) -> bool:
    """Whether ``fund`` may buy from a producer in ``country`` (its origin rule)."""
    allowed = fund.eligible_producer_countries
    return allowed is None or (country is not None and country in allowed)


def fund_order_uses(
    fund: Fund, country: str | None, nation: str, item: str, donor_stock: bool
) -> tuple[bool, bool]:
    """(procurement, refill): whether ``fund`` may pay for ``nation``'s orders of ``item``
    from a producer in ``country`` as procurement, and as a refill of a donor stock
    (``donor_stock``: the nation holds a donor stockpile of the item)."""
    if not origin_ok(fund, country):
        return False, False
    if fund.eligible_items is not None and item not in fund.eligible_items:
        return False, False
    listed = fund.eligible_beneficiaries is None or nation in fund.eligible_beneficiaries
    procurement = "procurement" in fund.uses and listed
    refill = "refill" in fund.uses and listed and donor_stock
    return procurement, refill


def supplier_value(supplier: ComponentSupplier, component: Component | None) -> float | None:
    """Value of one unit a supplier feeds, for component-origin rules: its ``price``, else its
    component's ``value``; None where neither is given."""
    if supplier.price is not None:
        return float(supplier.price)
    if component is not None and component.value is not None:
        return float(component.value)
    return None


def origin_inside(origin: ComponentOrigin, country: str | None) -> bool:
    """Whether a supplier in ``country`` counts as inside a component-origin rule's
    countries (a supplier without a country counts as outside)."""
    return country is not None and country in origin.countries


def loan_schedule(fund: Fund, at: Mapping[str, int], horizon: int) -> tuple[float, float]:
    r"""(repaid, interest): the share of a loan's principal repaid within the horizon, and
    the interest over the whole schedule per unit of principal; (0, 0) for a grant.

    A loan is repaid in :math:`R` = ``repayment_periods`` equal instalments of
    :math:`1/R` of the principal, one a period from :math:`s` = ``repayment_start``
    (after the horizon when absent), so the horizon's :math:`T` periods hold
    :math:`\max(0, \min(R, T - s))` of them: ``repaid`` is that count over :math:`R`.
    Interest at rate :math:`r` a period is paid on the principal still owed in each
    repayment period, :math:`1, (R-1)/R, \dots, 1/R` of it:
    :math:`r \sum_{k=0}^{R-1} (R - k)/R = r (R + 1)/2` per unit of principal (interest
    before ``repayment_start`` is not counted: fund payments carry no period).
    """
    if fund.kind != "loan":
        return 0.0, 0.0
    periods = fund.repayment_periods
    start = at[fund.repayment_start] if fund.repayment_start is not None else horizon
    within = max(0, min(periods, horizon - start))
    return within / periods, float(fund.interest_rate) * (periods + 1) / 2


def bilateral_funds(nations: Iterable[Nation]) -> dict[str, Fund]:
    """Each bilateral purchase as the fund it acts as, by channel id
    (:func:`aggregate.labels.bilateral`): the payer its one member, paying what it buys (a
    pledge from 0 without limit), the ceiling its cap, nothing committed, the beneficiary its
    only eligible beneficiary, uses, origin and items as stated on the purchase. The model,
    the tables and the verifier read a purchase through this one translation."""
    out: dict[str, Fund] = {}
    for n in nations:
        for b in n.buys_for:
            channel = labels.bilateral(n.code, b.beneficiary)
            # built without validation: a channel id holds ``>``, which no fund id may
            out[channel] = Fund.model_construct(
                id=channel,
                name=channel,
                members=[n.code],
                contribution=PledgeRule(),
                cap=b.ceiling,
                committed=0.0,
                uses=list(b.uses),
                eligible_producer_countries=b.eligible_producer_countries,
                eligible_beneficiaries=[b.beneficiary],
                eligible_items=b.eligible_items,
                max_cofinancing_share=0.0,
                min_nations_per_contract=1,
            )
    return out


# --- currencies -----------------------------------------------------------------------


def rates(scenario: Scenario, currency: str | None) -> list[float] | None:
    """Reporting-currency units per unit of ``currency`` in each period: 1 for the reporting
    currency (or None, an entry naming none), the ``exchange_rates`` series otherwise, None
    when the scenario gives no rate for it (:func:`aggregate.check` reports that)."""
    if currency is None or currency == scenario.currency:
        return [1.0] * len(scenario.periods)
    rate = scenario.exchange_rates.get(currency)
    return None if rate is None else expand(rate, list(scenario.periods))


def converted(amount: float, rate: list[float], period: int = 0) -> float:
    """``amount`` of another currency in the reporting currency, at the rate of ``period``
    (a period index; the first period by default): the one conversion every amount goes
    through."""
    return float(amount) * rate[period]


def _converted_series(
    value: float | dict[str, float], rate: list[float], periods: list[str]
) -> float | dict[str, float]:
    """A per-period amount converted period by period, each value at its own period's rate
    (a single number stays one when the rate is one number over the horizon)."""
    if not isinstance(value, dict) and len(set(rate)) <= 1:
        return converted(value, rate)
    return {
        p: converted(v, rate, t)
        for t, (p, v) in enumerate(zip(periods, expand(value, periods), strict=True))
    }


def stated_currency(scenario: Scenario, producer: Producer) -> tuple[str, float]:
    """(currency, rate): the currency ``producer`` states its prices in and the rate they are
    converted at (reporting units per unit; 1 for the reporting currency or a currency
    without a rate, which is left unconverted)."""
    r = rates(scenario, producer.currency)
    code = producer.currency or scenario.currency
    return (code, r[0]) if r is not None else (code, 1.0)


def in_reporting_currency(scenario: Scenario) -> Scenario:
    """``scenario`` with every amount in the reporting currency (``Scenario.currency``).

    Each producer, nation and fund naming another ``currency`` has its amounts multiplied
    by that currency's rate (``exchange_rates``, reporting units per unit) of the period the
    money is paid, through :func:`converted`:

    * a producer's unit prices, tier prices and delivery costs at the rate of the order's
      arrival period, its contract costs at the first period's (contracts are placed at the
      start), each ``order_period_cost`` at its own period's rate, an expansion's
      ``investment_cost`` at its start period's rate, an order already placed's price and
      cancellation fee at the first period's rate. A producer's currency has one rate
      over the horizon (:func:`aggregate.check` requires it while prices are single
      numbers), so all of these are that one rate;
    * a nation's ``budget`` and bilateral ``ceiling`` (horizon totals) at the first period's
      rate, its ``budget_per_period`` at each period's own rate;
    * a fund's ``cap``, ``committed``, pledges and ``package_size`` (horizon totals) at the
      first period's rate, each of its ``tranches`` at its own period's rate.

    Converted entries name no currency, so converting twice changes nothing; an entry whose
    currency has no rate is left as it is (the checks report it). The model's data, the
    plan's tables and the verifier all read the scenario through this one conversion
    (:func:`aggregate.data.prepare`, :class:`ScenarioIndex`).
    """
    periods = list(scenario.periods)
    changes: dict[str, object] = {}

    producers: list[Producer] = []
    producer_rate: dict[str, list[float]] = {}
    for prod in scenario.producers:
        r = rates(scenario, prod.currency)
        if prod.currency is None or r is None:
            producers.append(prod)
            continue
        producer_rate[prod.id] = r
        offers = [
            o.model_copy(
                update={
                    # a price series (escalation) is converted period by period
                    "price": _converted_series(o.price, r, periods),
                    "tiers": [
                        t.model_copy(update={"price": _converted_series(t.price, r, periods)})
                        for t in o.tiers
                    ],
                    "delivery_cost": converted(o.delivery_cost, r),
                    "delivery_cost_to": {n: converted(v, r) for n, v in o.delivery_cost_to.items()},
                    "contract_cost": converted(o.contract_cost, r),
                    "order_period_cost": _converted_series(o.order_period_cost, r, periods),
                }
            )
            for o in prod.offers
        ]
        producers.append(prod.model_copy(update={"offers": offers, "currency": None}))
    if producer_rate:
        changes["producers"] = producers
        changes["expansions"] = [
            e.model_copy(
                update={"investment_cost": converted(e.investment_cost, producer_rate[e.producer])}
            )
            if e.producer in producer_rate
            else e
            for e in scenario.expansions
        ]
        # an order already placed was agreed in its producer's currency, at its first rate
        changes["placed_orders"] = [
            o.model_copy(
                update={
                    "price": converted(o.price, producer_rate[o.producer]),
                    "cancellation_fee": converted(o.cancellation_fee, producer_rate[o.producer]),
                }
            )
            if o.producer in producer_rate
            else o
            for o in scenario.placed_orders
        ]

    nations: list[Nation] = []
    for n in scenario.nations:
        r = rates(scenario, n.currency)
        if n.currency is None or r is None:
            nations.append(n)
            continue
        update: dict[str, object] = {"currency": None}
        if n.budget is not None:
            update["budget"] = converted(n.budget, r)
        if n.budget_per_period is not None:
            update["budget_per_period"] = _converted_series(n.budget_per_period, r, periods)
        update["buys_for"] = [
            b if b.ceiling is None else b.model_copy(update={"ceiling": converted(b.ceiling, r)})
            for b in n.buys_for
        ]
        nations.append(n.model_copy(update=update))
    if any(n.currency is not None for n in scenario.nations):
        changes["nations"] = nations

    funds: list[Fund] = []
    for f in scenario.funds:
        r = rates(scenario, f.currency)
        if f.currency is None or r is None:
            funds.append(f)
            continue
        update = {
            "currency": None,
            "committed": converted(f.committed, r),
            "cap": None if f.cap is None else converted(f.cap, r),
            "package_size": None if f.package_size is None else converted(f.package_size, r),
        }
        if f.tranches is not None:
            at = {p: t for t, p in enumerate(periods)}
            update["tranches"] = {
                p: converted(v, r, at[p]) if p in at else v for p, v in f.tranches.items()
            }
        if isinstance(f.contribution, PledgeRule):
            pledges = {
                m: p.model_copy(
                    update={
                        "min": converted(p.min, r),
                        "max": None if p.max is None else converted(p.max, r),
                    }
                )
                for m, p in f.contribution.pledges.items()
            }
            update["contribution"] = f.contribution.model_copy(update={"pledges": pledges})
        funds.append(f.model_copy(update=update))
    if any(f.currency is not None for f in scenario.funds):
        changes["funds"] = funds
    return scenario.model_copy(update=changes) if changes else scenario


# --- the scenario, looked up by id ----------------------------------------------------


# --- sustainment ---------------------------------------------------------------------


def consumption(scenario: Scenario, kind: str) -> dict[tuple[str, str], dict[str, float]]:
    """(nation, consumed item) -> used item -> units consumed per unit used, for the
    sustainment block's ``wear`` or ``spares`` rules (``kind``).

    A rule applies to a nation (of its ``nations``, or any) with a demand for a capability
    its ``by`` item meets and can use: what that nation draws of ``by`` to meet demands
    wears out ``1 / uses_per_unit`` of ``item`` (or consumes as many spares) per unit.
    Unknown ids (which the checks report) are left out."""
    out: dict[tuple[str, str], dict[str, float]] = {}
    if scenario.sustainment is None:
        return out
    rules = scenario.sustainment.wear if kind == "wear" else scenario.sustainment.spares
    nations = {n.code: n for n in scenario.nations}
    items = {i.id: i for i in scenario.items}
    meets = {c.id: {eq.item for eq in c.satisfied_by} for c in scenario.capabilities}
    for r in rules:
        if r.by not in items or r.item not in items:
            continue
        for d in sorted(scenario.demands, key=lambda d: d.id):
            n = nations.get(d.nation)
            if n is None or r.by not in meets.get(d.capability, ()) or not usable(items[r.by], n):
                continue
            if r.nations and d.nation not in r.nations:
                continue
            rates = out.setdefault((d.nation, r.item), {})
            rates[r.by] = 1.0 / r.uses_per_unit
    return dict(sorted(out.items()))


def sustained_pairs(scenario: Scenario) -> set[tuple[str, str]]:
    """(nation, item) pairs a nation needs because its use wears the item out or consumes
    it as a spare (:func:`consumption`): it may order them."""
    return set(consumption(scenario, "wear")) | set(consumption(scenario, "spares"))


class ScenarioIndex:
    """A scenario looked up by id, with the facts above answered by id.

    Lookups of unknown ids answer as the verifier needs (a nation or item that does not
    exist has no systems, a fund member that does not exist weighs 0), so the index may be
    asked about ids read from untrusted tables.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.stated: dict[str, tuple[str, float]] = {
            p.id: stated_currency(scenario, p) for p in scenario.producers
        }
        """producer -> (currency of its stated prices, rate converting them)."""
        # every amount in the reporting currency, as the model's data (one conversion)
        scenario = in_reporting_currency(scenario)
        self.scenario = scenario
        self.periods = list(scenario.periods)
        self.t = {p: k for k, p in enumerate(self.periods)}
        self.nations: dict[str, Nation] = {n.code: n for n in scenario.nations}
        self.items: dict[str, Item] = {i.id: i for i in scenario.items}
        self.capabilities: dict[str, Capability] = {c.id: c for c in scenario.capabilities}
        self.producers: dict[str, Producer] = {p.id: p for p in scenario.producers}
        self.offers: dict[tuple[str, str], Offer] = {
            (p.id, o.item): o for p in scenario.producers for o in p.offers
        }
        self.expansions: dict[str, Expansion] = {e.id: e for e in scenario.expansions}
        self.suppliers: dict[str, ComponentSupplier] = {
            s.id: s for s in scenario.component_suppliers
        }
        self.components: dict[str, Component] = {c.id: c for c in scenario.components}
        self.stockpiles: dict[tuple[str, str], Stockpile] = {
            (s.nation, s.item): s for s in scenario.stockpiles
        }
        self.demands: dict[str, Demand] = {d.id: d for d in scenario.demands}
        self.funds: dict[str, Fund] = {f.id: f for f in scenario.funds}
        self.channels: dict[str, Fund] = bilateral_funds(scenario.nations)
        """Bilateral purchases by channel id, each as the fund it acts as."""

    def series(self, value: float | dict[str, float]) -> list[float]:
        """A per-period value as one number per period."""
        return expand(value, self.periods)

    # per-period series, expanded once

    @cached_property
    def capacity(self) -> dict[tuple[str, str], list[float]]:
        """(producer, item) -> base capacity per period."""
        return {k: self.series(o.capacity) for k, o in self.offers.items()}

    @cached_property
    def period_cost(self) -> dict[tuple[str, str], list[float]]:
        """(producer, item) -> fixed cost of a period with a delivery."""
        return {k: self.series(o.order_period_cost) for k, o in self.offers.items()}

    @cached_property
    def supplier_capacity(self) -> dict[str, list[float]]:
        return {k: self.series(s.capacity) for k, s in self.suppliers.items()}

    @cached_property
    def floor(self) -> dict[tuple[str, str], list[float]]:
        return {k: self.series(s.floor) for k, s in self.stockpiles.items()}

    @cached_property
    def holding(self) -> dict[tuple[str, str], list[float]]:
        return {k: self.series(s.holding_cost) for k, s in self.stockpiles.items()}

    # facts by id

    def satisfied_by(self, capability: str) -> list[tuple[str, float]]:
        """(item, factor) pairs meeting ``capability`` (none for an unknown id)."""
        cap = self.capabilities.get(capability)
        return [(eq.item, float(eq.factor)) for eq in cap.satisfied_by] if cap else []

    def factor(self, capability: str, item: str) -> float | None:
        """Capability units one unit of ``item`` covers (None: it does not meet it)."""
        return next((f for i, f in self.satisfied_by(capability) if i == item), None)

    def list_price(self, nation: str, capability: str) -> float:
        """The dearest base price plus delivery of one unit of ``capability`` that ``nation``
        can order (an offer of an item it can use, per the item's factor; the highest value
        of an escalating price); 0 where none. The participation rule lets a nation pay at
        most this for each unit it gets beyond its going-alone plan."""
        prices = [
            (max(price_values(offer.price)) + delivery_rate(offer, nation)) / f
            for i, f in self.satisfied_by(capability)
            if f > 0 and self.can_use(nation, i)
            for (_, item), offer in self.offers.items()
            if item == i and may_buy(offer, nation)
        ]
        return max(prices, default=0.0)

    def can_use(self, nation: str, item: str) -> bool:
        """:func:`usable` by id; an unknown nation or item has no systems."""
        n_systems = set(self.nations[nation].systems) if nation in self.nations else set()
        i_systems = set(self.items[item].systems) if item in self.items else set()
        return not n_systems or not i_systems or bool(n_systems & i_systems)

    def fits(self, demand: Demand, item: str) -> bool:
        """:func:`fits_system` by id: ``item`` may meet ``demand`` as to its weapon system
        (an unknown item has no systems)."""
        it = self.items.get(item)
        return demand.system is None or it is None or fits_system(it, demand.system)

    @cached_property
    def demanded(self) -> set[tuple[str, str]]:
        """(nation, item) pairs where a demand of the nation names a capability the item
        meets and the item fits the demand's weapon system (whether or not the nation can
        use it)."""
        return {
            (d.nation, item)
            for d in self.demands.values()
            for item, _ in self.satisfied_by(d.capability)
            if self.fits(d, item)
        }

    @cached_property
    def needed(self) -> set[tuple[str, str]]:
        """(nation, item) pairs where the nation needs the item: a stockpile, a demand, or
        its use of another item wears it out or consumes it (:func:`sustained_pairs`)."""
        return set(self.stockpiles) | self.demanded | self.sustained

    @cached_property
    def sustained(self) -> set[tuple[str, str]]:
        """:func:`sustained_pairs` of the scenario."""
        return sustained_pairs(self.scenario)

    @cached_property
    def takers(self) -> dict[str, list[str]]:
        """item -> nations that may order it: a stockpile of it, or a demand for a capability
        it meets that the nation can use (the model's routes, before each offer's
        :func:`may_buy`)."""
        out: dict[str, set[str]] = defaultdict(set)
        for n, i in self.stockpiles:
            out[i].add(n)
        for n, i in sorted(self.demanded | self.sustained):
            if self.can_use(n, i):
                out[i].add(n)
        return {i: sorted(ns) for i, ns in out.items()}

    def fixed_cost_shares(self, producer: str, item: str) -> dict[str, float]:
        """Nation -> share of the pooled contract's fixed costs (:func:`fixed_cost_shares`)."""
        offer = self.offers[producer, item]
        return fixed_cost_shares(
            offer,
            self.country(producer),
            self.nations,
            [n for n in self.takers.get(item, []) if may_buy(offer, n)],
        )

    @cached_property
    def cheapest(self) -> dict[str, float]:
        """item -> cheapest base price offered."""
        return cheapest_prices(self.scenario.producers)

    def unit_value(self, nation: str, item: str) -> float:
        """Replacement value of a unit donated from (``nation``, ``item``)."""
        return unit_value(self.stockpiles.get((nation, item)), self.cheapest, item)

    def donation_policy(self, nation: str, item: str) -> DonationPolicy | None:
        """:func:`donation_policy` of a donor stockpile (None: no donor stockpile)."""
        sp = self.stockpiles.get((nation, item))
        if sp is None or not sp.donor:
            return None
        return donation_policy(sp, self.nations.get(nation))

    def served_by(self, nation: str, item: str) -> list[Demand]:
        """The demands of ``nation`` that ``item`` can serve (what a ``surplus`` donor of the
        item must meet first): it meets their capability and the nation can use it, or the
        nation's use of an item meeting them wears ``item`` out or consumes it as a spare
        (:func:`consumption`)."""
        by = set(self.worn_by.get((nation, item), ()))
        direct = self.can_use(nation, item)
        return [
            d
            for d in self.demands.values()
            if d.nation == nation
            and (
                (direct and self.factor(d.capability, item) is not None and self.fits(d, item))
                or any(
                    self.factor(d.capability, u) is not None
                    and self.can_use(nation, u)
                    and self.fits(d, u)
                    for u in sorted(by)
                )
            )
        ]

    @cached_property
    def worn_by(self) -> dict[tuple[str, str], set[str]]:
        """(nation, item) -> the items whose use by the nation wears it out or consumes it
        as a spare (:func:`consumption`)."""
        out: dict[tuple[str, str], set[str]] = defaultdict(set)
        for kind in ("wear", "spares"):
            for key, rates in consumption(self.scenario, kind).items():
                out[key].update(rates)
        return dict(out)

    def country(self, producer: str) -> str | None:
        prod = self.producers.get(producer)
        return prod.country if prod is not None else None

    def expansion_country(self, expansion: str) -> str | None:
        """Country of an expansion: its producer's, or its component supplier's (None:
        unknown)."""
        e = self.expansions[expansion]
        if e.supplier is not None:
            sup = self.suppliers.get(e.supplier)
            return sup.country if sup is not None else None
        return self.country(e.producer) if e.producer is not None else None

    def sponsor(self, expansion: str) -> str | None:
        """Nation paying an expansion's remainder (None: no nation)."""
        e = self.expansions[expansion]
        return sponsor(e, self.expansion_country(expansion), self.nations)

    def key(self, fund: Fund) -> dict[str, float] | None:
        """Members' key shares of a key-rule fund, capped (:func:`capped_shares`; None:
        pledges, or every weight 0)."""
        weights = key_weights(fund, self.nations)
        total = sum(weights.values()) if weights is not None else 0.0
        if weights is None or total <= 0:
            return None
        assert isinstance(fund.contribution, KeyRule)
        return capped_shares(weights, fund.contribution.max_share)

    def supplier_value(self, supplier: str) -> float | None:
        """:func:`supplier_value` by id (None: unknown supplier, or no value given)."""
        s = self.suppliers.get(supplier)
        return supplier_value(s, self.components.get(s.component)) if s is not None else None

    def origin_ok(self, fund: Fund, producer: str) -> bool:
        """Whether ``fund`` may buy from ``producer`` (an unknown producer: only without an
        origin rule)."""
        return origin_ok(fund, self.country(producer))

    def fund_order_uses(
        self, fund: Fund, producer: str, item: str, nation: str
    ) -> tuple[bool, bool]:
        """(procurement, refill) eligibility of ``fund`` for ``nation``'s orders of ``item``
        from ``producer`` (:func:`fund_order_uses`)."""
        sp = self.stockpiles.get((nation, item))
        donor = sp is not None and sp.donor
        return fund_order_uses(fund, self.country(producer), nation, item, donor)

    def loan(self, fund: Fund) -> tuple[float, float]:
        """(share of the principal repaid within the horizon, interest per unit of
        principal) of a loan fund; (0, 0) for a grant (:func:`loan_schedule`)."""
        return loan_schedule(fund, self.t, len(self.periods))

    def floor_start(self, nation: str, item: str, tol: float = 0.0) -> int | None:
        """First period index where the stockpile's floor binds (None: never, or no
        stockpile)."""
        sp = self.stockpiles.get((nation, item))
        if sp is None:
            return None
        return floor_start(sp, self.floor[nation, item], self.t, tol)

    def added_capacity(
        self, builds: Mapping[str, Iterable[int]]
    ) -> defaultdict[tuple[str, str, int], float]:
        """(producer, item, period index) -> capacity added by the expansions built
        (``builds``: expansion id -> start period indices)."""
        ready: list[Build] = []
        for e_id, starts in builds.items():
            e = self.expansions[e_id]
            if e.producer is None or e.item is None:
                continue  # a component supplier's: supplier_added
            ready += [
                (e.producer, e.item, e.added_capacity, s + e.lead_periods, e.ramp) for s in starts
            ]
        return added_capacity(ready, len(self.periods))

    def supplier_added(
        self, builds: Mapping[str, Iterable[int]]
    ) -> defaultdict[tuple[str, int], float]:
        """(component supplier, period index) -> component capacity added by the supplier
        expansions built (``builds``: expansion id -> start period indices)."""
        ready: list[Build] = []
        for e_id, starts in builds.items():
            e = self.expansions[e_id]
            if e.supplier is not None:
                ready += [
                    (e.supplier, "", e.added_capacity, s + e.lead_periods, e.ramp) for s in starts
                ]
        out: defaultdict[tuple[str, int], float] = defaultdict(float)
        for (sup, _, t), units in added_capacity(ready, len(self.periods)).items():
            out[sup, t] += units
        return out


def index(scenario: Scenario) -> ScenarioIndex:
    """The :class:`ScenarioIndex` of ``scenario``."""
    return ScenarioIndex(scenario)
