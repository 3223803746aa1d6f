"""The model data's per-entity records: one offer, placed order, stockpile, demand,
expansion, fund or repair shop as the model reads it (numbers per period, ids resolved).
:func:`aggregate.data.prepare` builds them; :class:`aggregate.data.ModelData` holds them."""

from __future__ import annotations

from dataclasses import dataclass, field

from aggregate.schema import facts


@dataclass(frozen=True)
class OfferData:
    producer: str
    item: str
    country: str
    lead: int
    capacity: list[float]
    """Base capacity per period."""
    upper: list[float]
    """Base capacity plus every expansion's addition: a valid upper bound on deliveries per
    period (summed from the first period where the offer builds ahead)."""
    prices: list[float]
    """Highest unit price per tier over the horizon (index 0 the base price): a bound; an
    order's own price is :meth:`price`."""
    tier_min: list[float]
    """Pooled volume from which each tier applies; 0 for the base tier."""
    min_order: float
    lot: float | None
    contract_cost: float
    period_cost: list[float]
    delivery: dict[str, float]
    """Delivery cost per unit to each nation on a route."""
    currency: str = ""
    """Currency the producer states its prices in ('' : the reporting currency)."""
    rate: float = 1.0
    """Reporting-currency units per unit of ``currency`` (the prices above are converted)."""
    price_by_period: list[list[float]] = field(default_factory=list)
    """Unit price per tier and order period (:func:`aggregate.schema.facts.tier_prices`)."""
    commitments: dict[str, tuple[float, float | None, int]] = field(default_factory=dict)
    """nation -> (min_volume, max_volume or None, first order period index) of its
    commitment to the offer (``Offer.commitments``)."""
    ahead: bool = False
    """The producer may make units ahead of delivery (``Offer.build_ahead``)."""

    def price(self, tier: int, arrival: int) -> float:
        """Unit price of an order of tier ``tier`` arriving in period ``arrival``: the tier's
        price in the order period, ``arrival - lead`` (escalation prices the award)."""
        return self.price_by_period[tier][arrival - self.lead]


@dataclass(frozen=True)
class PlacedData:
    """An order placed before the plan (``Scenario.placed_orders``)."""

    producer: str
    item: str
    nation: str
    deliveries: list[float]
    """Units arriving per period (as ordered, before any cancellation)."""
    price: float
    """Currency per unit kept, delivery included."""
    fee: float
    """Currency per unit cancelled."""
    cancellable: bool


@dataclass(frozen=True)
class StockData:
    on_hand: float
    floor: list[float]
    floor_from: int | None
    """First period the floor binds (None: never)."""
    soft_penalty: float | None
    """Currency per unit below the floor per period; None for a hard floor."""
    refill_target: float | None
    refill_by: int | None
    refill_penalty: float | None
    holding: list[float]
    donor: bool
    surplus: bool
    """A donor stock under the ``surplus`` policy
    (:func:`~aggregate.schema.facts.donation_policy`)."""
    unit_value: float


@dataclass(frozen=True)
class DemandData:
    nation: str
    capability: str
    due: int
    quantity: float
    priority: float
    shortfall_penalty: float
    lateness_penalty: float


@dataclass(frozen=True)
class ExpansionData:
    producer: str
    """Producer whose offer of ``item`` grows; empty for a component supplier's."""
    item: str
    added: float
    cost: float
    lead: int
    starts: list[int]
    sponsor: str | None
    after: str | None = None
    """The expansion that must have started first (``Expansion.after``)."""
    ramp: tuple[float, ...] = ()
    """Share of ``added`` available in each of the first periods once ready
    (``Expansion.ramp``); in full after them."""
    supplier: str | None = None
    """Component supplier whose capacity grows (instead of producer and item)."""
    country: str | None = None
    """Country of the producer or supplier (funds' origin rules)."""

    def share(self, start: int, period: int) -> float:
        """Share of ``added`` available in ``period`` when started in ``start``
        (:func:`aggregate.schema.facts.ramp_share`)."""
        return facts.ramp_share(self.ramp, period - start - self.lead)


@dataclass(frozen=True)
class FundData:
    members: list[str]
    key: dict[str, float] | None
    """Normalised key share per member (key rule), None for pledges."""
    tolerance: float
    pledge_min: dict[str, float]
    pledge_max: dict[str, float | None]
    cap: float | None
    committed: float
    uses: frozenset[str]
    min_nations: int
    cofinancing: float
    channel: str = "fund"
    """``fund`` for a scenario fund, ``bilateral`` for a nation's purchases for another
    (:func:`aggregate.schema.facts.bilateral_funds`: its one member pays, exactly what it
    buys)."""
    refill_rate: float = 1.0
    procurement_share: float = 1.0
    """Largest share of a contract's value the fund pays as procurement
    (``Fund.max_procurement_share``)."""
    origin: tuple[frozenset[str], float] | None = None
    """Component-origin rule: (inside countries, largest outside share of the component
    value fed to a producer); None without one (``Fund.component_origin``)."""
    package_size: float | None = None
    """The fund pays in whole packages of this amount (reporting currency); None: any
    amount."""
    repaid: tuple[float, ...] = ()
    """A loan: by the period it pays in, the share of what it pays for a nation's orders that
    the nation repays within the horizon, charged to its budget
    (:func:`aggregate.schema.facts.loan_schedule`); empty for a grant."""
    instalments: tuple[tuple[int, ...], ...] = ()
    """A loan: by the period it pays in, the periods of the instalments within the horizon
    (:func:`aggregate.schema.facts.loan_instalments`), each ``1 / repayment_periods`` of
    what it paid; empty for a grant."""
    repayment_periods: int = 1
    """A loan's number of equal instalments (``Fund.repayment_periods``)."""
    interest: float = 0.0
    """A loan: interest over its schedule per unit of principal (reported only)."""
    loan: bool = False
    """``kind: loan``: the beneficiaries owe back what the fund pays for their orders."""

    opens: int = 0
    """First period the fund pays and collects."""
    closes: int = 0
    """Last period the fund pays and collects."""
    tranches: list[float] | None = None
    """Most the members pay in per period (0 where no tranche), None without a schedule."""
    timed: bool = False
    """The fund has tranches, is open for only part of the horizon or is a loan (whose
    repaid share depends on the period it pays in): its payments are split by period.
    Otherwise when it pays changes nothing (every period open, no cash balance), so it pays
    each route's orders from one column over the horizon (:data:`HORIZON`)."""

    def is_open(self, t: int) -> bool:
        return self.opens <= t <= self.closes


@dataclass(frozen=True)
class ShopData:
    """A repair shop (:class:`~aggregate.schema.sustainment.RepairShop`)."""

    capacity: list[float]
    """Worn units it can take in per period."""
    turnaround: int
    """Periods from taking a unit in to its return: repair time plus transport time."""
    cost: float
    """Repair plus transport cost per unit."""
