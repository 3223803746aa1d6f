"""A validated scenario looked up by id, answering the facts of
:mod:`aggregate.schema.facts` by id (for the verifier, the checks, audit and plots)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cached_property

from aggregate.schema.base import expand
from aggregate.schema.currency import in_reporting_currency, stated_currency
from aggregate.schema.facts import (
    Build,
    added_capacity,
    bilateral_funds,
    capped_shares,
    cheapest_prices,
    consumption,
    delivery_rate,
    donation_policy,
    fits_system,
    fixed_cost_shares,
    floor_start,
    fund_order_uses,
    key_weights,
    loan_instalments,
    loan_schedule,
    may_buy,
    origin_ok,
    price_values,
    sponsor,
    supplier_value,
    sustained_pairs,
    unit_value,
)
from aggregate.schema.funds import Fund, KeyRule
from aggregate.schema.industry import ComponentSupplier, Expansion, Offer, Producer
from aggregate.schema.materiel import Capability, Component, Item
from aggregate.schema.nations import DonationPolicy, Nation
from aggregate.schema.needs import Demand, Stockpile
from aggregate.schema.scenario import Scenario


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

    def loan(self, fund: Fund, drawn: int = -1) -> tuple[float, float]:
        """(share of what a loan fund pays in period index ``drawn`` repaid within the
        horizon, interest per unit of principal); (0, 0) for a grant (:func:`loan_schedule`)."""
        return loan_schedule(fund, self.t, len(self.periods), drawn)

    def loan_instalments(self, fund: Fund, drawn: int) -> list[int]:
        """Period indices within the horizon of the instalments of what a loan fund pays in
        period index ``drawn`` (:func:`loan_instalments`)."""
        return loan_instalments(fund, self.t, len(self.periods), drawn)

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
