"""What is produced (items, components) and what is demanded (capabilities)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from aggregate.schema.base import Factor, Id, Money, StrictModel


class Item(StrictModel):
    """Something a producer makes and a nation receives, e.g. a 155mm L52 round."""

    id: Id
    """Unique item id."""
    name: str = ""
    """Readable name."""
    unit: str = "unit"
    """What one unit is (``round``, ``missile``, ``barrel``)."""
    indivisible: bool = False
    """Ordered, delivered, donated and used only in whole units (missiles, fire units,
    barrels): its quantities are integer decisions. Its stock figures (``on_hand``,
    ``floor``, ``refill_target``) and lot size must then be whole numbers. Leave it off for
    items bought by the thousand (rounds), where a fraction of a unit is below the data's
    precision and integers would only slow the solve."""
    systems: list[str] = []
    """Weapon systems the item is qualified for (e.g. ``[PzH2000]``). Empty: usable by all."""
    components: dict[Id, Factor] = {}
    """Bill of materials: component id -> units of that component in one unit of the item
    (between 1e-6 and 1e6)."""


class Equivalence(StrictModel):
    """One item that satisfies a capability, and how much of it one unit of the item covers."""

    item: Id
    """Item id."""
    factor: Factor = 1.0
    """Units of the capability covered by one unit of the item (1 = like for like; between
    1e-6 and 1e6)."""


def _bare_items(value: Any) -> Any:
    """``satisfied_by: [shell-155]``: a bare item id is that item with factor 1."""
    if not isinstance(value, list):
        return value
    return [
        {"item": str(v)} if isinstance(v, str | int) and not isinstance(v, bool) else v
        for v in value
    ]


class Capability(StrictModel):
    """What nations demand, e.g. ``155mm artillery fire``; met by interchangeable items."""

    id: Id
    """Unique capability id."""
    name: str = ""
    """Readable name."""
    unit: str = "unit"
    """Unit of demand (e.g. ``round-equivalent``)."""
    satisfied_by: Annotated[
        list[Equivalence],
        BeforeValidator(
            _bare_items,
            json_schema_input_type=Annotated[list[Equivalence | Id], Field(min_length=1)],
        ),
    ] = Field(min_length=1)
    """The interchangeable items that meet this capability, each with its factor
    (``{item: shell-155, factor: 1.2}``). A bare item id is short for factor 1:
    ``satisfied_by: [shell-155, shell-155-er]``."""


class Component(StrictModel):
    """A part that items consume and that has its own suppliers (barrels, fuzes, energetics)."""

    id: Id
    """Unique component id."""
    name: str = ""
    """Readable name."""
    unit: str = "unit"
    """What one unit is (``kg``, ``piece``)."""
    value: Money | None = None
    """Value of one unit, in the scenario's reporting ``currency`` (never converted; at most
    1e13): the default ``price`` of its
    suppliers, for funds' ``component_origin`` rules. Absent: no default."""
