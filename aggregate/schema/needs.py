"""Demands and stockpiles: what nations need, what they hold, and what they must keep."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from aggregate.schema.base import (
    Id,
    Money,
    NationCode,
    PeriodLabel,
    PerPeriodMoney,
    PerPeriodQuantity,
    Quantity,
    StrictModel,
)
from aggregate.schema.nations import DonationPolicy


class Demand(StrictModel):
    """A nation's need for a quantity of a capability, due in a period."""

    id: Id
    """Unique demand id (used in shortfall reports)."""
    nation: NationCode
    """Nation whose forces need it."""
    capability: Id
    """Capability id."""
    period: PeriodLabel
    """Period the quantity is due."""
    quantity: Quantity
    """Quantity due, in units of the capability (at most 1e9)."""
    priority: float = Field(default=1.0, ge=1e-3, le=1e3)
    """Weight of one unit short (and of one unit-period late) in the needs stage; higher is
    more urgent. Dimensionless, between 1e-3 and 1e3: a spread of priorities wider than a
    million would weigh the least urgent demands below the solver's tolerances."""
    max_lateness: int = Field(default=0, ge=0, le=1000)
    """Periods the quantity may arrive after its due period and still count (late)."""
    shortfall_penalty: Money | None = None
    """Currency units per unit left short (weighted objective). Absent: the settings'
    ``default_shortfall_penalty`` times the priority."""
    lateness_penalty: Money | None = None
    """Currency units per unit and period late (weighted objective). Absent: the settings'
    ``default_lateness_penalty`` times the priority."""
    system: str | None = None
    """Weapon system (fleet) the quantity is for, e.g. ``Krab``: only items qualified for it
    (its name in the item's ``systems``) or items with no ``systems`` list meet this demand,
    so one capability can carry a nation's demands for several fleets. Absent: any item of
    the capability the nation can use."""


class Stockpile(StrictModel):
    """A nation's stock of an item, its floor and refill target."""

    nation: NationCode
    """Holding nation."""
    item: Id
    """Item held."""
    on_hand: Quantity = 0.0
    """Units in stock at the start of the first period."""
    floor: PerPeriodQuantity = 0.0
    """Units the stock must not fall below (per period). Where the stock starts below the
    floor, the floor binds from ``refill_by`` on."""
    floor_type: Literal["hard", "soft"] = "hard"
    """``hard``: never below the floor. ``soft``: allowed, at ``floor_penalty``."""
    floor_penalty: Money | None = None
    """Currency units per unit below the floor per period (required for a soft floor)."""
    donor: bool = False
    """Whether the nation may donate from this stock to other nations."""
    donation_policy: DonationPolicy | None = None
    """``surplus`` or ``priority`` for this stock (see ``Nation.donation_policy``). Absent:
    the nation's policy. Only for a donor stockpile."""
    refill_target: Quantity | None = None
    """Units the stock must hold by ``refill_by`` (the backfill after donations)."""
    refill_by: PeriodLabel | None = None
    """Period by which the refill target (and a floor above the opening stock) is met."""
    refill_penalty: Money | None = None
    """Currency units per unit the refill target is missed. Absent: the target is hard."""
    holding_cost: PerPeriodMoney = 0.0
    """Currency units per unit held per period."""
    unit_value: Money | None = None
    """Replacement value of one unit, in the scenario's reporting ``currency`` (never
    converted): the most a fund with the ``refill``
    use reimburses per unit donated. Absent: the cheapest base price among producers."""

    @model_validator(mode="after")
    def _soft_needs_penalty(self) -> Stockpile:
        if self.floor_type == "soft" and self.floor_penalty is None:
            raise ValueError(
                "a soft floor needs floor_penalty (currency per unit below the floor per period)"
            )
        return self
