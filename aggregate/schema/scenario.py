"""The scenario: every entity of a joint-procurement study in one validated object."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import Field

from aggregate.schema.base import CurrencyCode, PeriodLabel, PerPeriodRate, StrictModel
from aggregate.schema.funds import Fund
from aggregate.schema.industry import ComponentSupplier, Expansion, Producer
from aggregate.schema.materiel import Capability, Component, Item
from aggregate.schema.nations import Nation
from aggregate.schema.needs import Demand, Stockpile
from aggregate.schema.orders import PlacedOrder
from aggregate.schema.settings import SolveSettings
from aggregate.schema.sustainment import Sustainment

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
    """ISO 4217 code of the reporting currency: every money amount of the scenario is in it,
    except the amounts of a producer, nation or fund that names its own ``currency``; every
    table and report is in it."""
    exchange_rates: dict[CurrencyCode, PerPeriodRate] = {}
    """Currency (ISO 4217) -> units of the reporting ``currency`` one unit of it is worth,
    per period (one number, or a step series from the first period on), e.g.
    ``{USD: 0.92}``. Every ``currency`` named by a producer, nation or fund other than the
    reporting one needs a rate. How each amount is converted:
    :func:`aggregate.schema.currency.in_reporting_currency`."""
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
    placed_orders: list[PlacedOrder] = []
    """Orders placed before the plan starts (fixed deliveries, cancellable where allowed)."""
    components: list[Component] = []
    """Components items consume."""
    component_suppliers: list[ComponentSupplier] = []
    """Suppliers of components."""
    funds: list[Fund] = []
    """International funds."""
    sustainment: Sustainment | None = None
    """Wear, repair shops and spares (None, the default: nothing wears out)."""
    settings: SolveSettings = SolveSettings()
    """Objective and solver settings."""

    def with_changes(self, changes: Mapping[str, Any] | Iterable[Any]) -> Scenario:
        """A new validated scenario: this one with ``changes`` applied in order.

        ``changes`` maps a path, in the path language of study files, to a new value or to
        ``(op, value)``, op one of ``set``, ``scale``, ``add``, ``remove``, ``append``::

            scenario.with_changes({
                "producers[RHM].offers[155-L52].capacity": ("scale", 1.5),
                "nations[DEU].budget": 2e9,
                "demands[nation=UKR].quantity": ("add", 1000),
            })

        Raises one :class:`~aggregate.errors.ScenarioError` naming every path that does not
        exist and every change its target cannot take (with how to fix it), or else every
        problem of the changed scenario. See :func:`aggregate.overrides.with_changes`.
        """
        if what_if is None:  # pragma: no cover - aggregate.overrides loads with aggregate
            raise RuntimeError("import aggregate first: it loads aggregate.overrides")
        return what_if(self, changes)


what_if: Callable[[Scenario, Any], Scenario] | None = None
""":func:`aggregate.overrides.with_changes`, set when that module loads (``import
aggregate`` loads it): the path language reads the schema, so the schema cannot import
it."""
