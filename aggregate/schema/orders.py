"""Orders already placed before the plan starts (e.g. the 2023 EDA and NSPA framework
orders): fixed deliveries the plan builds on, or cancels where the contract allows."""

from __future__ import annotations

from pydantic import Field, model_validator

from aggregate.schema.base import Id, Money, NationCode, PeriodLabel, Quantity, StrictModel


class PlacedOrder(StrictModel):
    """An order placed before the plan: its deliveries arrive in the nation's stock, take the
    producer's capacity in their periods, are paid from the nation's budget (at the order's
    own price: no fund pays them, no tier reprices them) and count towards the volume of the
    offer's contract for its discount tiers. A cancellable order may be cancelled, unit by
    unit in any delivery period, for ``cancellation_fee`` per unit cancelled."""

    id: Id
    """Unique id of the order."""
    producer: Id
    """Producer id; the producer must offer ``item``."""
    item: Id
    """Item id."""
    nation: NationCode
    """The ordering nation (ISO alpha-3): the units arrive in its stock, it pays them."""
    deliveries: dict[PeriodLabel, Quantity] = Field(min_length=1)
    """Units arriving in each period, ``{period: units}`` (periods of the scenario)."""
    price: Money
    """Unit price agreed, delivery included, currency units per unit: the producer's
    ``currency`` if it names one, else the scenario's."""
    cancellable: bool = False
    """Whether the plan may cancel undelivered units (default: binding, every unit arrives)."""
    cancellation_fee: Money = 0.0
    """Currency units paid per unit cancelled, in the producer's currency as ``price`` (only
    for a cancellable order; default 0)."""

    @model_validator(mode="after")
    def _fee_only_if_cancellable(self) -> PlacedOrder:
        if self.cancellation_fee > 0 and not self.cancellable:
            raise ValueError(
                "cancellation_fee given for an order that is not cancellable; set "
                "cancellable: true or remove the fee"
            )
        return self
