"""Nations: who demands, pays, holds stock and contributes to funds."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from aggregate.schema.base import (
    CurrencyCode,
    Id,
    Money,
    NationCode,
    NonNeg,
    PerPeriodMoney,
    StrictModel,
)


class BilateralPurchase(StrictModel):
    """The nation pays for another nation's orders directly, without a fund ("Germany buys
    for Ukraine from Rheinmetall"). The payer's payments count against its own budget; the
    beneficiary's orders it pays for cost the beneficiary nothing."""

    beneficiary: NationCode
    """The nation whose orders the payer pays for (not the payer itself)."""
    ceiling: Money | None = None
    """Most the payer spends on the beneficiary's orders over the horizon, currency units
    (at most 1e13). Absent: no ceiling beyond the payer's budget."""
    uses: list[Literal["procurement", "refill"]] = Field(default=["procurement"], min_length=1)
    """What the payer buys: ``procurement`` (any eligible order of the beneficiary),
    ``refill`` (orders that refill a donor stockpile of the beneficiary, up to the value of
    what it donated), as a fund's uses."""
    eligible_producer_countries: list[NationCode] | None = None
    """Producer countries the payer buys from (origin rule, as a fund's). Absent: any."""
    eligible_items: list[Id] | None = None
    """Items the payer buys for the beneficiary. Absent: any item the beneficiary orders."""


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
    """Total the nation may spend over the horizon (own purchases, purchases for other
    nations, fund contributions and sponsored investments), currency units. Absent:
    unlimited."""
    budget_per_period: PerPeriodMoney | None = None
    """Cash limit per period on the nation's own purchases (before fund reimbursement),
    currency units per period: each order counts in the period it is paid (``pays_at``),
    with the nation's share of fixed costs. Absent: no per-period limit. The limit is on the
    cash the nation lays out before any fund or bilateral payer reimburses it, so its
    orders another nation pays for bilaterally count here too, and its purchases for other
    nations do not."""
    pays_at: Literal["delivery", "award"] = "delivery"
    """When the nation's orders are paid: ``delivery`` (the default), in their arrival
    period; ``award``, in their order period (arrival minus the offer's lead time). Sets
    the period in which an order counts against ``budget_per_period`` and in which a fund
    pays for it (a fund pays only while open, within its cash balance)."""
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
    buys_for: list[BilateralPurchase] = []
    """Bilateral purchases: other nations whose orders this nation pays for directly, one
    entry per beneficiary."""
    currency: CurrencyCode | None = None
    """ISO 4217 currency of ``budget``, ``budget_per_period`` and the ``ceiling`` of each
    of ``buys_for``. Absent: the scenario's ``currency``. Converted by
    ``Scenario.exchange_rates``: a horizon amount (budget, ceiling) at the first period's
    rate, ``budget_per_period`` at each period's own rate. ``gni`` and ``gdp`` stay in the
    reporting currency: key shares compare them across nations."""
