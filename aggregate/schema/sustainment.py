"""Sustainment: items worn out by use, repair shops that return them, spares use consumes.

An optional block of the scenario (``Scenario.sustainment``). Without it no item wears out
and nothing is repaired: the plan is the one the rest of the scenario gives.
"""

from __future__ import annotations

from pydantic import Field

from aggregate.schema.base import (
    Factor,
    Id,
    Money,
    NationCode,
    PerPeriodQuantity,
    StrictModel,
)


class Wear(StrictModel):
    """An item worn out by the use of another, e.g. a 155mm barrel by the rounds it fires.

    Worn units leave the nation's serviceable stock of ``item`` and join its pool of worn
    units, where they wait for a repair shop (``repair_shops``) or stay worn: nothing is
    scrapped within the horizon, and the pool left at the end is reported (``inventory``
    table, ``worn_pool``).
    """

    item: Id
    """The item that wears out (a barrel, a launcher). It must be divisible: wear is a rate,
    so a nation may hold part of a unit's life."""
    by: Id
    """The item whose use wears it out: units of ``by`` drawn from the nation's stock to meet
    its demands (the ``supply`` table), e.g. rounds fired."""
    uses_per_unit: Factor
    """Units of ``by`` used per unit of ``item`` worn out (a barrel's life in rounds, e.g.
    2,500; between 1e-6 and 1e6): worn = used / uses_per_unit."""
    nations: list[NationCode] = []
    """Nations whose use wears the item; empty (the default): every nation."""


class Spares(StrictModel):
    """A spare item consumed by the use of another, e.g. one spare kit per 500 rounds fired.

    The spares are drawn from the nation's stock of ``item``, so they must be held or bought
    (a stockpile or an offer): a nation without them cannot use ``by``.
    """

    item: Id
    """The spare item consumed (divisible: consumption is a rate)."""
    by: Id
    """The item whose use consumes spares: units of ``by`` drawn to meet the nation's
    demands."""
    uses_per_unit: Factor
    """Units of ``by`` used per spare consumed (e.g. 500 rounds per kit; between 1e-6 and
    1e6): spares drawn = used / uses_per_unit."""
    nations: list[NationCode] = []
    """Nations whose use consumes spares; empty (the default): every nation."""


class RepairShop(StrictModel):
    """A repair shop (a depot at home, or a forward repair hub near the front)."""

    id: Id
    """Unique shop id."""
    name: str = ""
    """Readable name."""
    country: NationCode
    """Country the shop is in."""
    items: list[Id] = Field(min_length=1)
    """Worn items it repairs (each must wear out under a ``wear`` rule)."""
    capacity: PerPeriodQuantity
    """Worn units it can take in per period, all items and nations together (units per
    period; per period or a series)."""
    repair_time: int = Field(default=0, ge=0, le=1000)
    """Periods from taking a worn unit in to handing it back repaired (0: the same period);
    ``transport_time`` is added."""
    cost: Money = 0.0
    """Cost of repairing one unit, in the scenario's reporting ``currency`` per unit (never
    converted), paid outside nations' budgets and funds (like holding costs) and counted in
    the plan's total cost."""
    serves: list[NationCode] = []
    """Nations whose worn units it repairs; empty (the default): every nation."""
    transport_cost: Money = 0.0
    """Cost of moving one unit to the shop and back, in the scenario's reporting ``currency``
    per unit (never converted), added to ``cost``."""
    transport_time: int = Field(default=0, ge=0, le=1000)
    """Periods in transit to the shop and back, added to ``repair_time``."""


class Sustainment(StrictModel):
    """Wear, repair and spares: the sustainment loop of items in service.

    A repaired unit returns to its owner's serviceable stock ``repair_time +
    transport_time`` periods after the shop takes it in, as good as new; a repair that
    would return after the horizon is not planned. Worn and spare quantities are rates
    (a fraction of a barrel is part of its life), so the items involved are divisible.
    """

    wear: list[Wear] = []
    """Items worn out by use."""
    spares: list[Spares] = []
    """Spare items consumed by use."""
    repair_shops: list[RepairShop] = []
    """Shops repairing worn units."""
