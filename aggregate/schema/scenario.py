"""The scenario: every entity of a joint-procurement study in one validated object."""

from __future__ import annotations

from pydantic import Field

from aggregate.schema.base import PeriodLabel, StrictModel
from aggregate.schema.funds import Fund
from aggregate.schema.industry import ComponentSupplier, Expansion, Producer
from aggregate.schema.materiel import Capability, Component, Item
from aggregate.schema.nations import Nation
from aggregate.schema.needs import Demand, Stockpile
from aggregate.schema.settings import SolveSettings

DEFAULT_CURRENCY = "EUR"
"""The currency of a scenario that names none."""


class Scenario(StrictModel):
    """A joint-procurement scenario: nations, needs, stocks, industry, funds and settings.

    Field types are checked on construction; the cross-references (a demand's nation exists,
    a tier's volumes increase, ...) are checked by :func:`aggregate.checks.check_scenario`,
    which :func:`aggregate.load` and :func:`aggregate.validate` call.
    """

    name: str = Field(min_length=1)
    """Short title of the scenario."""
    description: str = ""
    """What the scenario represents and its main assumptions."""
    sources: list[str] = []
    """Where the figures come from (reports, press, datasets)."""
    currency: str = Field(default=DEFAULT_CURRENCY, pattern=r"^[A-Z]{3}$")
    """ISO 4217 code of every money amount in the scenario."""
    periods: list[PeriodLabel] = Field(min_length=1, max_length=1000)
    """Ordered period labels (e.g. ``2024Q1``, ``2024-01``); the first is the start."""
    nations: list[Nation] = Field(min_length=1)
    """Participating nations."""
    items: list[Item] = Field(min_length=1)
    """Produced and delivered items."""
    capabilities: list[Capability] = Field(min_length=1)
    """Demanded capabilities and the items that meet them."""
    demands: list[Demand] = []
    """Nations' needs."""
    stockpiles: list[Stockpile] = []
    """Nations' stocks, floors and refill targets."""
    producers: list[Producer] = []
    """Manufacturers and their offers."""
    expansions: list[Expansion] = []
    """Capacity expansion options."""
    components: list[Component] = []
    """Components items consume."""
    component_suppliers: list[ComponentSupplier] = []
    """Suppliers of components."""
    funds: list[Fund] = []
    """International funds."""
    settings: SolveSettings = SolveSettings()
    """Objective and solver settings."""
