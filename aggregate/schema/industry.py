"""Producers, their offers, capacity expansion options and component suppliers."""

from __future__ import annotations

from pydantic import Field, model_validator

from aggregate.schema.base import (
    Id,
    Money,
    NationCode,
    NonNeg,
    PeriodLabel,
    PerPeriodMoney,
    PerPeriodQuantity,
    PositiveQuantity,
    Quantity,
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


class Expansion(StrictModel):
    """An option to add production capacity for an item at a producer."""

    id: Id
    """Unique option id."""
    producer: Id
    """Producer id."""
    item: Id
    """Item whose capacity grows."""
    added_capacity: PositiveQuantity
    """Units per period added once ready (at most 1e9)."""
    investment_cost: Money
    """Cost of the investment, currency units (paid in the period it starts)."""
    lead_periods: int = Field(default=0, ge=0, le=1000)
    """Periods from the start of the investment until the added capacity is available."""
    earliest_start: PeriodLabel | None = None
    """First period the investment may start. Absent: the first period."""
    latest_start: PeriodLabel | None = None
    """Last period the investment may start. Absent: any period."""
    sponsor: NationCode | None = None
    """Nation paying the part of the investment no fund pays. Absent: the producer's country
    if it is a nation of the scenario, else the investment is outside every nation's budget."""


class ComponentSupplier(StrictModel):
    """A supplier of one component, with its own capacity."""

    id: Id
    """Unique supplier id."""
    name: str = ""
    """Readable name."""
    country: NationCode | None = None
    """ISO alpha-3 country (informational)."""
    component: Id
    """Component id supplied."""
    capacity: PerPeriodQuantity
    """Units of the component per period (at most 1e9)."""
    serves: list[Id] = []
    """Producer ids it can supply. Empty: every producer."""
