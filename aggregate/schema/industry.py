"""Producers, their offers, capacity expansion options and component suppliers."""

from __future__ import annotations

from pydantic import Field, model_validator

from aggregate.schema.base import (
    CurrencyCode,
    Id,
    Money,
    NationCode,
    NonNeg,
    PeriodLabel,
    PerPeriodMoney,
    PerPeriodQuantity,
    PositiveQuantity,
    Quantity,
    Share,
    StrictModel,
)


class Tier(StrictModel):
    """An all-units volume-discount tier: from ``min_volume`` on, every unit costs ``price``."""

    min_volume: PositiveQuantity
    """Pooled contract volume (units over the horizon) from which the tier applies (at most
    1e9)."""
    price: PerPeriodMoney
    """Unit price for all units of the contract once the tier is reached, currency units (at
    most 1e13); a series ``{period: price}`` writes escalation: an order pays the price of the
    period it is placed in (arrival minus ``lead_time``)."""


class Commitment(StrictModel):
    """A nation's commitment to a framework (the offer's pooled contract): how much it must
    and may order under it over the horizon, and from when it may order.

    Commitments are agreements already made: they hold going alone too (the nation's own
    contract with the producer), so the value of pooling measures pooling only."""

    nation: NationCode
    """The committed nation (ISO alpha-3); one commitment per nation and offer."""
    min_volume: Quantity = 0.0
    """Units the nation must order under the offer over the horizon (default 0: none); the
    orders already placed (``Scenario.placed_orders``) do not count towards it."""
    max_volume: Quantity | None = None
    """Most units the nation may order under the offer over the horizon, orders already
    placed not counted. Absent: no limit."""
    joins_from: PeriodLabel | None = None
    """First period in which the nation may place an order under the offer: an order's
    period (arrival period minus ``lead_time``) must not be earlier. Absent: from the first
    period."""

    @model_validator(mode="after")
    def _band(self) -> Commitment:
        if self.max_volume is not None and self.max_volume < self.min_volume:
            raise ValueError("max_volume is below min_volume; give max_volume >= min_volume")
        return self


class Offer(StrictModel):
    """What one producer offers for one item: capacity, prices and contract terms."""

    item: Id
    """Item id."""
    capacity: PerPeriodQuantity
    """Units the producer can deliver per period (a series writes a ramp-up); at most 1e9."""
    price: PerPeriodMoney
    """Base unit price, currency units, paid below the first tier (at most 1e13). A series
    ``{period: price}`` writes escalation (it must start at the first period): an order pays
    the price of the period it is placed in, its award (arrival minus ``lead_time``)."""
    tiers: list[Tier] = []
    """All-units discount tiers on the pooled contract volume, increasing volumes."""
    min_order: Quantity = 0.0
    """Minimum pooled contract volume (units over the horizon) if the contract is placed;
    orders already placed (``Scenario.placed_orders``) do not count towards it (they do
    towards the tiers)."""
    lot_size: PositiveQuantity | None = None
    """Orders come in whole lots of this many units. Absent: any quantity."""
    lead_time: int = Field(default=0, ge=0, le=1000)
    """Periods from order to delivery."""
    build_ahead: bool = False
    """The producer may make units in an earlier period and hold them until they are
    delivered: capacity left unused in a period carries to later ones, from the first period
    of the horizon (before the order is placed, as a maker producing to stock), and 600 a
    month can deliver a lot of 1,000 in the second month. Holding costs nothing, so when
    units are made among periods with room is the solver's choice (the capacity table's
    ``made`` and ``held``). False: each period's deliveries are made in that period, within
    its capacity."""
    contract_cost: Money = 0.0
    """Fixed cost of placing the contract, currency units (once per contract)."""
    order_period_cost: PerPeriodMoney = 0.0
    """Fixed cost in each period with at least one delivery, currency units."""
    delivery_cost: Money = 0.0
    """Default delivery cost per unit to any nation, currency units."""
    delivery_cost_to: dict[str, Money] = {}
    """Delivery cost per unit to named nations (ISO alpha-3), overriding the default."""
    fixed_costs_paid_by: NationCode | None = None
    """The one nation paying the pooled contract's fixed costs (``contract_cost`` and
    ``order_period_cost``), e.g. a framework's lead nation. Without it or
    ``fixed_costs_split``: the producer's country if it is a nation of the scenario (the host
    nation runs the framework), else an equal split among the nations that may order the
    item (a stockpile of it, or a demand for a capability it meets that they can use). Going
    alone, each nation pays its own contract's fixed costs."""
    fixed_costs_split: dict[NationCode, NonNeg] = {}
    """Nation -> weight: the pooled contract's fixed costs are split in proportion to the
    weights (instead of ``fixed_costs_paid_by``)."""
    buyers: list[NationCode] | None = None
    """The only nations that may order from this offer (ISO alpha-3), e.g. an export licence
    granted to named states, pooled or going alone. Absent: every nation."""
    excluded_buyers: list[NationCode] = []
    """Nations that may not order from this offer (ISO alpha-3), e.g. an export ban. Empty:
    none excluded."""

    commitments: list[Commitment] = []
    """Per-nation commitments to the offer's contract (minimum and maximum volume, joining
    period); nations without one order freely."""

    @model_validator(mode="after")
    def _one_fixed_cost_rule(self) -> Offer:
        if self.fixed_costs_paid_by is not None and self.fixed_costs_split:
            raise ValueError("give fixed_costs_paid_by or fixed_costs_split, not both")
        if self.fixed_costs_split and sum(self.fixed_costs_split.values()) <= 0:
            raise ValueError("fixed_costs_split weights sum to 0; give a positive weight")
        return self


class Producer(StrictModel):
    """A manufacturer (or a production site) with its offers."""

    id: Id
    """Unique producer id."""
    name: str = ""
    """Readable name, e.g. ``Rheinmetall Unterluess``."""
    country: NationCode
    """ISO alpha-3 country of production (for funds' origin rules); need not be a nation of
    the scenario."""
    offers: list[Offer] = Field(min_length=1)
    """One offer per item the producer makes."""
    currency: CurrencyCode | None = None
    """ISO 4217 currency of every amount of its offers (prices, tiers, delivery, contract
    and period costs) and of its expansions' ``investment_cost``. Absent: the scenario's
    ``currency``. Converted by ``Scenario.exchange_rates``, which for a producer's currency
    must be one rate over the horizon (prices are single numbers, paid when orders arrive)."""


class Expansion(StrictModel):
    """An option to add production capacity: for an item at a producer (``producer`` and
    ``item``), or for a component supplier's component (``supplier``: a powder or explosives
    line, say)."""

    id: Id
    """Unique option id."""
    producer: Id | None = None
    """Producer id (with ``item``; instead of ``supplier``)."""
    item: Id | None = None
    """Item whose capacity grows (with ``producer``)."""
    supplier: Id | None = None
    """Component supplier id whose component capacity grows (instead of ``producer`` and
    ``item``)."""
    added_capacity: PositiveQuantity
    """Units per period added once ready: of the item, or of a supplier's component (at most
    1e9)."""
    investment_cost: Money
    """Cost of the investment, currency units (paid in the period it starts): the
    producer's ``currency`` for a producer's expansion, converted like its prices; the
    scenario's reporting ``currency`` for a component supplier's (never converted)."""
    lead_periods: int = Field(default=0, ge=0, le=1000)
    """Periods from the start of the investment until the added capacity is available."""
    earliest_start: PeriodLabel | None = None
    """First period the investment may start. Absent: the first period."""
    latest_start: PeriodLabel | None = None
    """Last period the investment may start. Absent: any period."""
    sponsor: NationCode | None = None
    """Nation paying the part of the investment no fund pays. Absent: the producer's (or
    supplier's) country if it is a nation of the scenario, else the investment is outside
    every nation's budget."""
    after: Id | None = None
    """Id of the expansion this one is the next step of (a multi-step ramp-up): it may start
    only once that one has started, in the same period or later (each step's own
    ``lead_periods`` says when its capacity comes). Absent: it may start on its own."""
    ramp: list[Share] = Field(default=[], max_length=1000)
    """Fractions of ``added_capacity`` available in the first periods once ready, e.g.
    ``[0.25, 0.5, 0.75]``: a quarter in the period it is ready, half the next, three quarters
    the next, in full from then on. Empty: in full as soon as ready."""

    @model_validator(mode="after")
    def _one_form(self) -> Expansion:
        line = self.producer is not None or self.item is not None
        if line and self.supplier is not None:
            raise ValueError(
                "give producer and item (a production line) or supplier (a component "
                "supplier's line), not both"
            )
        if self.supplier is None and (self.producer is None or self.item is None):
            raise ValueError(
                "give both producer and item (a production line), or supplier (a component "
                "supplier's line)"
            )
        return self


class ComponentSupplier(StrictModel):
    """A supplier of one component, with its own capacity."""

    id: Id
    """Unique supplier id."""
    name: str = ""
    """Readable name."""
    country: NationCode | None = None
    """ISO alpha-3 country of the supplier: the sponsor of its expansions by default (if a
    nation of the scenario), the origin funds' ``eligible_producer_countries`` read for its
    expansions, and what a fund's ``component_origin`` rule counts as inside or outside the
    fund's countries (absent: outside every list)."""
    component: Id
    """Component id supplied."""
    capacity: PerPeriodQuantity
    """Units of the component per period (at most 1e9)."""
    price: Money | None = None
    """Value of one unit of the component from this supplier, in the scenario's reporting
    ``currency`` (never converted; at most 1e13): what a fund's ``component_origin`` rule
    weighs the supplier's feeds by. Not a cost of the plan (the producer's offer price
    already pays for its components). Absent: the component's ``value``."""
    serves: list[Id] = []
    """Producer ids it can supply. Empty: every producer."""
