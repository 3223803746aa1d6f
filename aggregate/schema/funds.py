"""International funds: who pays in by which rule, and what they may pay for."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from aggregate.schema.base import (
    CurrencyCode,
    Id,
    Money,
    NationCode,
    NonNeg,
    PeriodLabel,
    PositiveMoney,
    Share,
    StrictModel,
)


class KeyRule(StrictModel):
    """Contributions follow a burden-sharing key (as the Peace Facility's GNI key)."""

    rule: Literal["key"] = "key"
    """Discriminator: ``key``."""
    basis: Literal["gni", "gdp", "custom"] = "gni"
    """Key basis: members' GNI or GDP share, or the ``shares`` given here."""
    shares: dict[str, NonNeg] = {}
    """Custom key: member -> weight (normalised over members). Only with ``basis: custom``."""
    tolerance: Share = 0.0
    """Relative band around the key: a member's share of the contributions lies within
    ``key * (1 - tolerance)`` and ``key * (1 + tolerance)``."""
    max_share: Share | None = None
    """Largest key share of any one member (NATO common funding caps the largest
    contributor's share), a fraction: every share above it is cut to it and the excess is
    spread over the other members in proportion to their key, repeated until no share is
    above it (:func:`aggregate.schema.facts.capped_shares`). Absent: no cap. With ``m``
    members it must be at least ``1 / m``."""


class Pledge(StrictModel):
    """A member's voluntary pledge range."""

    min: Money = 0.0
    """Least the member pays in, currency units (at most 1e13)."""
    max: Money | None = None
    """Most the member pays in, currency units (at most 1e13). Absent: no upper limit."""

    @model_validator(mode="after")
    def _ordered(self) -> Pledge:
        if self.max is not None and self.max < self.min:
            raise ValueError(f"max ({self.max}) is below min ({self.min}); swap them")
        return self


class PledgeRule(StrictModel):
    """Contributions are voluntary pledges (as the International Fund for Ukraine)."""

    rule: Literal["pledge"] = "pledge"
    """Discriminator: ``pledge``."""
    pledges: dict[str, Pledge] = {}
    """Member -> pledge range. A member without an entry pledges between 0 and no limit."""


ContributionRule = Annotated[KeyRule | PledgeRule, Field(discriminator="rule")]

FundUse = Literal["procurement", "investment", "refill"]


class ComponentOrigin(StrictModel):
    """Where the components of what a fund buys may come from (SAFE: at most 35% of the
    component cost from outside the EU, EEA and Ukraine; EDIRPA: most component value from
    the EU or associated countries)."""

    countries: list[NationCode] = Field(min_length=1)
    """ISO alpha-3 countries whose suppliers count as inside (e.g. the EU and EEA states and
    Ukraine)."""
    max_outside_share: Share
    """Largest share of the component value fed to a producer over the horizon that may come
    from suppliers outside ``countries`` (or without a country), a fraction, e.g. 0.35."""


class Fund(StrictModel):
    """A pooled fund: members pay in, the fund pays for eligible orders and investments."""

    id: Id
    """Unique fund id."""
    name: str = ""
    """Readable name, e.g. ``European Peace Facility``."""
    members: list[NationCode] = Field(min_length=1)
    """Contributing nations."""
    contribution: ContributionRule = KeyRule()
    """How contributions are shared among members."""
    cap: Money | None = None
    """Most the fund may collect over the horizon, currency units (at most 1e13). Absent: no
    cap."""
    committed: Money = 0.0
    """Least the members must pay in over the horizon, currency units (a fund's agreed
    size); unspent money stays in the fund."""
    uses: list[FundUse] = Field(default=["procurement"], min_length=1)
    """What the fund may pay for: ``procurement`` (orders for eligible beneficiaries),
    ``investment`` (capacity expansion), ``refill`` (orders that refill donors' stocks)."""
    eligible_producer_countries: list[NationCode] | None = None
    """Producer countries the fund may buy from (origin rule). Absent: any."""
    eligible_beneficiaries: list[NationCode] | None = None
    """Nations whose orders the fund may pay for. Absent: any nation."""
    eligible_items: list[Id] | None = None
    """Items whose orders the fund may pay for. Absent: any item."""
    refill_rate: Share = 1.0
    """Share of a donated unit's replacement value (the stockpile's ``unit_value``) the fund
    reimburses with the ``refill`` use, e.g. 0.5 for half; the payer stage pays it in full
    wherever the donor's refill orders allow."""
    max_cofinancing_share: Share = 1.0
    """Largest share of an investment's cost the fund may pay."""
    max_procurement_share: Share = 1.0
    """Largest share of the value of each contract the fund pays for as ``procurement``
    (EDIRPA pays a part of a common procurement contract), a fraction: the fund's
    procurement payments for a contract are at most this share of the purchase and delivery
    cost of all the contract's orders (pooled: the producer's contract for the item over
    every nation; going alone: each nation's own contract). Default 1: no limit beyond the
    cost of what it pays for."""
    component_origin: ComponentOrigin | None = None
    """Origin rule on components: the fund pays for a producer's orders only if, of the
    component value fed to that producer over the horizon (each supplier's feeds at its
    ``price``), at most ``max_outside_share`` comes from suppliers outside ``countries``.
    Absent: no rule."""
    min_nations_per_contract: int = Field(default=1, ge=1, le=1000)
    """The fund pays for a contract only if at least this many nations order in it
    (EDIRPA: 3, SAFE: 2)."""
    currency: CurrencyCode | None = None
    """ISO 4217 currency of ``cap``, ``committed``, the pledges' ``min`` and ``max``,
    ``package_size`` and ``tranches``. Absent: the scenario's ``currency``. Converted by
    ``Scenario.exchange_rates``: the horizon amounts (cap, committed, pledges, package size)
    at the first period's rate, each tranche at its own period's rate."""
    package_size: PositiveMoney | None = None
    """The fund pays in whole packages of this many currency units (as NATO's PURL packages
    of US weapons): its payments for orders and investments over the horizon add up to a
    whole number of packages. What a package buys follows the demands' priorities (the
    needs-first objective meets the highest-priority shortfalls first). Absent: any amount."""
    kind: Literal["grant", "loan"] = "grant"
    """``grant`` (the default): what the fund pays is a gift to the beneficiary. ``loan`` (as
    the EU's SAFE): the fund pays for eligible orders like a grant fund, but each
    beneficiary owes back what the fund paid for its orders, in ``repayment_periods`` equal
    instalments from ``repayment_start`` (each payment's no earlier than the period after
    it); the instalments falling within the horizon are
    charged to the beneficiary's ``budget``, the rest and the interest are reported (the
    ``loans`` table)."""
    interest_rate: Share = 0.0
    """A loan's interest per period, as a fraction of the principal still owed (0.01: 1% a
    period), from ``repayment_start`` on; reported in the ``loans`` table, not charged to
    budgets. Only with ``kind: loan``."""
    repayment_start: PeriodLabel | None = None
    """A loan's first repayment period. Absent: after the horizon (nothing is repaid within
    it). Only with ``kind: loan``."""
    repayment_periods: int = Field(default=1, ge=1, le=1000)
    """A loan's number of equal repayment instalments of each payment, one a period from
    ``repayment_start``, but from the period after the payment for a payment made in or
    after ``repayment_start`` (a loan is not repaid before it is drawn). Only with
    ``kind: loan``."""
    opens: PeriodLabel | None = None
    """First period in which the fund pays (for orders and investments) and collects, one of
    ``periods``. Absent: the horizon's first period. Without ``tranches`` the members'
    contributions are horizon totals; with them, every tranche falls in an open period."""
    closes: PeriodLabel | None = None
    """Last period in which the fund pays and collects, one of ``periods``. Absent: the
    horizon's last period. Orders paid after it (see ``Nation.pays_at``) are paid by their
    nation."""
    tranches: dict[PeriodLabel, Money] | None = Field(default=None, min_length=1)
    """Instalments: period -> the most the members together pay in within that period,
    currency units (at most 1e13). Periods not listed: nothing comes in. With tranches the
    fund also keeps a cash balance: by the end of each period it has paid out at most what
    it has collected so far. Absent: contributions are horizon totals (no schedule, no cash
    balance)."""
