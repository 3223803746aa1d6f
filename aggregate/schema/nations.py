"""Nations: who demands, pays, holds stock and contributes to funds."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from aggregate.schema.base import Money, NationCode, NonNeg, PerPeriodMoney, StrictModel

DonationPolicy = Literal["surplus", "priority"]
"""How far a donor may give from its stock (see ``Nation.donation_policy``)."""


class Nation(StrictModel):
    """A state taking part in the scenario (buyer, donor, recipient or fund member)."""

    code: NationCode
    """ISO 3166-1 alpha-3 code, e.g. ``DEU``. Used as the nation's id everywhere."""
    name: str = Field(min_length=1)
    """Readable name, e.g. ``Germany``."""
    gni: NonNeg | None = None
    """Gross national income, currency units per year (at most 1e15); the basis of GNI
    burden-sharing keys."""
    gdp: NonNeg | None = None
    """Gross domestic product, currency units per year (at most 1e15); the basis of GDP
    keys."""
    budget: Money | None = None
    """Total the nation may spend over the horizon (own purchases, fund contributions and
    sponsored investments), currency units. Absent: unlimited."""
    budget_per_period: PerPeriodMoney | None = None
    """Cash limit per period on the nation's own purchases (before fund reimbursement),
    currency units per period. Absent: no per-period limit."""
    memberships: list[str] = []
    """Organisations the nation belongs to, e.g. ``[EU, NATO]`` (informational; fund
    membership is stated on each fund)."""
    systems: list[str] = []
    """Weapon systems the nation operates, e.g. ``[PzH2000, CAESAR]``. An item qualified for
    named systems can only be used by nations operating one of them. Empty: the nation can
    use every item."""
    donation_policy: DonationPolicy = "surplus"
    """How far the nation's donor stockpiles may give (a stockpile's own
    ``donation_policy`` overrides it). ``surplus`` (the default): the nation donates an item
    only while every one of its own demands the item can serve is met in full and on time,
    so it gives only stock above its floor and above what its own demands still need.
    ``priority``: donations are limited only by the opening stock, the floor and the refill
    target, even while the nation's own demand goes short (for studies that put the
    recipient first)."""
