"""International funds: who pays in by which rule, and what they may pay for."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from aggregate.schema.base import (
    Id,
    Money,
    NationCode,
    NonNeg,
    PeriodLabel,
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
    min_nations_per_contract: int = Field(default=1, ge=1, le=1000)
    """The fund pays for a contract only if at least this many nations order in it
    (EDIRPA: 3, SAFE: 2)."""
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
