"""Domain facts of a scenario, defined once: the rules every layer reads the same way.

The schema says what a scenario holds; these functions say what it *means* where more than
one layer needs the answer: whether a nation can use an item, a fund's key shares, who
sponsors an expansion, what a donated unit is worth, which capacity expansions add, where a
floor starts to bind, what a fund may pay for. The model data (:mod:`aggregate.data`), the
plan tables (:mod:`aggregate.extract`), the verifier (:mod:`aggregate.verify`), the checks
and the explanations read them here, so a rule cannot drift between layers.

The functions are pure (schema objects in, plain values out). :class:`ScenarioIndex` looks
a validated scenario up by id and answers the same facts by id, with the per-period series
expanded once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Mapping
from functools import cached_property

from aggregate import labels
from aggregate.schema.base import expand
from aggregate.schema.funds import Fund, KeyRule, PledgeRule
from aggregate.schema.industry import ComponentSupplier, Expansion, Offer, Producer
from aggregate.schema.materiel import Capability, Item
from aggregate.schema.nations import DonationPolicy, Nation
from aggregate.schema.needs import Demand, Stockpile
from aggregate.schema.scenario import Scenario

Build = tuple[str, str, float, int]
"""An expansion built: (producer, item, units added per period, first period ready)."""


# --- compatibility --------------------------------------------------------------------


def usable(item: Item, nation: Nation) -> bool:
    """Whether ``nation`` can use ``item``: an item qualified for named systems needs a nation
    operating one of them; an item or a nation without systems goes with everything."""
    return not item.systems or not nation.systems or bool(set(item.systems) & set(nation.systems))


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
    producer's ``country`` if that is a nation of the scenario, else none."""
    if expansion.sponsor:
        return expansion.sponsor
    return country if country is not None and country in nations else None


def start_window(expansion: Expansion, at: Mapping[str, int], horizon: int) -> tuple[int, int]:
    """(earliest, latest) start period index of ``expansion`` (both inclusive)."""
    first = at[expansion.earliest_start] if expansion.earliest_start is not None else 0
    last = at[expansion.latest_start] if expansion.latest_start is not None else horizon - 1
    return first, last


def added_capacity(
    builds: Iterable[Build], horizon: int
) -> defaultdict[tuple[str, str, int], float]:
    """(producer, item, period index) -> capacity added by the expansions ready by then
    (0 for any other key).

    An expansion started in period ``s`` with lead ``L`` adds its capacity in every period
    from ``s + L`` to the end of the horizon.
    """
    added: defaultdict[tuple[str, str, int], float] = defaultdict(float)
    for producer, item, units, ready in builds:
        for t in range(max(ready, 0), horizon):
            added[producer, item, t] += float(units)
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
    """Each member's normalised key share (GNI, GDP or custom weights); equal shares when
    every weight is 0 (which :func:`aggregate.check` rejects). A key-rule fund only."""
    weights = key_weights(fund, nations)
    if weights is None:
        raise TypeError(f"fund {fund.id} has pledges, not a key")
    total = sum(weights.values())
    return {m: (w / total if total > 0 else 1.0 / len(weights)) for m, w in weights.items()}


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


# --- the scenario, looked up by id ----------------------------------------------------


class ScenarioIndex:
    """A scenario looked up by id, with the facts above answered by id.

    Lookups of unknown ids answer as the verifier needs (a nation or item that does not
    exist has no systems, a fund member that does not exist weighs 0), so the index may be
    asked about ids read from untrusted tables.
    """

    def __init__(self, scenario: Scenario) -> None:
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
            if item == i
        ]
        return max(prices, default=0.0)

    def can_use(self, nation: str, item: str) -> bool:
        """:func:`usable` by id; an unknown nation or item has no systems."""
        n_systems = set(self.nations[nation].systems) if nation in self.nations else set()
        i_systems = set(self.items[item].systems) if item in self.items else set()
        return not n_systems or not i_systems or bool(n_systems & i_systems)

    @cached_property
    def demanded(self) -> set[tuple[str, str]]:
        """(nation, item) pairs where a demand of the nation names a capability the item
        meets (whether or not the nation can use it)."""
        return {
            (d.nation, item)
            for d in self.demands.values()
            for item, _ in self.satisfied_by(d.capability)
        }

    @cached_property
    def needed(self) -> set[tuple[str, str]]:
        """(nation, item) pairs where the nation needs the item: a stockpile, or a demand."""
        return set(self.stockpiles) | self.demanded

    @cached_property
    def takers(self) -> dict[str, list[str]]:
        """item -> nations that may order it: a stockpile of it, or a demand for a capability
        it meets that the nation can use (the model's routes)."""
        out: dict[str, set[str]] = defaultdict(set)
        for n, i in self.stockpiles:
            out[i].add(n)
        for n, i in self.demanded:
            if self.can_use(n, i):
                out[i].add(n)
        return {i: sorted(ns) for i, ns in out.items()}

    def fixed_cost_shares(self, producer: str, item: str) -> dict[str, float]:
        """Nation -> share of the pooled contract's fixed costs (:func:`fixed_cost_shares`)."""
        return fixed_cost_shares(
            self.offers[producer, item],
            self.country(producer),
            self.nations,
            self.takers.get(item, []),
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
        """The demands of ``nation`` that ``item`` can serve: it meets their capability and
        the nation can use it (what a ``surplus`` donor of the item must meet first)."""
        if not self.can_use(nation, item):
            return []
        return [
            d
            for d in self.demands.values()
            if d.nation == nation and self.factor(d.capability, item) is not None
        ]

    def country(self, producer: str) -> str | None:
        prod = self.producers.get(producer)
        return prod.country if prod is not None else None

    def sponsor(self, expansion: str) -> str | None:
        """Nation paying an expansion's remainder (None: no nation)."""
        e = self.expansions[expansion]
        return sponsor(e, self.country(e.producer), self.nations)

    def key(self, fund: Fund) -> dict[str, float] | None:
        """Members' key shares of a key-rule fund (None: pledges, or every weight 0)."""
        weights = key_weights(fund, self.nations)
        total = sum(weights.values()) if weights is not None else 0.0
        if weights is None or total <= 0:
            return None
        return {m: w / total for m, w in weights.items()}

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
            ready += [(e.producer, e.item, e.added_capacity, s + e.lead_periods) for s in starts]
        return added_capacity(ready, len(self.periods))


def index(scenario: Scenario) -> ScenarioIndex:
    """The :class:`ScenarioIndex` of ``scenario``."""
    return ScenarioIndex(scenario)
