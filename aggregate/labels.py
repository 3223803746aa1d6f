"""One label per entity, in the path language of scenario files and study overrides.

A label is the path to the entity in the scenario (:mod:`aggregate.overrides` reads
the same paths): a list entry is selected by its id in brackets (``code`` for nations,
``item`` for offers and equivalences, ``nation/item`` for stockpiles), a field follows a
dot, a period selects inside a per-period series::

    nations[DEU]                                     nation(DEU)
    nations[DEU].budget                              field(nation("DEU"), "budget")
    producers[RHM].offers[155-L52]                   offer("RHM", "155-L52")
    producers[RHM].offers[155-L52].capacity[2024Q1]  field(offer(...), "capacity", "2024Q1")
    stockpiles[POL/155-L52]                          stockpile("POL", "155-L52")
    funds[EPF]                                       fund("EPF")
    nations[DEU].buys_for[UKR]                       buys_for("DEU", "UKR")

What is not a scenario entry is labelled by the entries it joins: a flow from one to another
is ``source -> target`` (``producers[RHM].offers[155-L52] -> nations[DEU]``), a fund's part
in something is ``funds[EPF]: <label of the thing>``. The solution's parts are named as
its attributes: a plan table ``tables.orders``, a row of it ``tables.orders[12]`` (by
position) or ``tables.contracts[RHM/155-L52]`` (by key), a key figure
``key_figures[total_cost]``.

The contract label of the plan tables (``producer/item`` pooled, ``producer/item/nation``
going alone) is a value of the tables, not a path; :func:`contract` is its one definition.
"""

from __future__ import annotations

# the scenario's collections, as named in scenario files
NATIONS = "nations"
ITEMS = "items"
CAPABILITIES = "capabilities"
COMPONENTS = "components"
DEMANDS = "demands"
STOCKPILES = "stockpiles"
PRODUCERS = "producers"
EXPANSIONS = "expansions"
SUPPLIERS = "component_suppliers"
FUNDS = "funds"
REPAIR_SHOPS = "sustainment.repair_shops"
WEAR = "sustainment.wear"
SPARES = "sustainment.spares"
PLACED_ORDERS = "placed_orders"


def entry(collection: str, ident: str) -> str:
    """A list entry by id: ``collection[ident]``."""
    return f"{collection}[{ident}]"


def field(label: str, name: str, key: str | None = None) -> str:
    """A field of an entry, optionally one key of it (a period of a series, a member):
    ``label.name`` or ``label.name[key]``."""
    out = f"{label}.{name}"
    return out if key is None else f"{out}[{key}]"


def nation(code: str) -> str:
    return entry(NATIONS, code)


def item(ident: str) -> str:
    return entry(ITEMS, ident)


def capability(ident: str) -> str:
    return entry(CAPABILITIES, ident)


def component(ident: str) -> str:
    return entry(COMPONENTS, ident)


def demand(ident: str) -> str:
    return entry(DEMANDS, ident)


def stockpile(nation_code: str, item_id: str) -> str:
    """A stockpile, named ``nation/item`` (also the (nation, item) stock of a plan)."""
    return entry(STOCKPILES, f"{nation_code}/{item_id}")


def producer(ident: str) -> str:
    return entry(PRODUCERS, ident)


def offer(producer_id: str, item_id: str) -> str:
    """A producer's offer of an item: ``producers[p].offers[i]``."""
    return field(producer(producer_id), "offers", item_id)


def expansion(ident: str) -> str:
    return entry(EXPANSIONS, ident)


def supplier(ident: str) -> str:
    return entry(SUPPLIERS, ident)


def placed_order(ident: str) -> str:
    return entry(PLACED_ORDERS, ident)


def commitment(producer_id: str, item_id: str, nation_code: str) -> str:
    """A nation's commitment to an offer: ``producers[p].offers[i].commitments[nation=n]``."""
    return field(offer(producer_id, item_id), "commitments", f"nation={nation_code}")


OWN = "own"
"""The payments table's channel of a nation paying its own orders or sponsored investment."""

BILATERAL = "bilateral "
"""Prefix of a bilateral purchase's channel id (``bilateral DEU->UKR``); a fund id cannot
contain ``>``, so a channel id never equals a fund id."""


def repair_shop(ident: str) -> str:
    """A repair shop of the sustainment block: ``sustainment.repair_shops[ident]``."""
    return entry(REPAIR_SHOPS, ident)


def bilateral(payer: str, beneficiary: str) -> str:
    """The channel id of ``payer``'s purchases for ``beneficiary``: ``bilateral DEU->UKR``
    (the payments table's ``channel``, the model's key of the purchase)."""
    return f"{BILATERAL}{payer}->{beneficiary}"


def bilateral_parts(channel: str) -> tuple[str, str] | None:
    """(payer, beneficiary) of a bilateral channel id; None for anything else."""
    if not channel.startswith(BILATERAL):
        return None
    payer, sep, beneficiary = channel.removeprefix(BILATERAL).partition("->")
    return (payer, beneficiary) if sep and payer and beneficiary else None


def buys_for(payer: str, beneficiary: str) -> str:
    """A bilateral purchase: ``nations[DEU].buys_for[UKR]``."""
    return field(nation(payer), "buys_for", beneficiary)


def fund(ident: str) -> str:
    """A fund, ``funds[f]``, or a bilateral purchase by its channel id,
    ``nations[DEU].buys_for[UKR]``."""
    parts = bilateral_parts(ident)
    return buys_for(*parts) if parts is not None else entry(FUNDS, ident)


def flow(source: str, target: str) -> str:
    """Something moving from one entity to another: ``source -> target``."""
    return f"{source} -> {target}"


def route(producer_id: str, item_id: str, nation_code: str) -> str:
    """Orders of an offer delivered to a nation."""
    return flow(offer(producer_id, item_id), nation(nation_code))


def part(fund_id: str, label: str) -> str:
    """A fund's part in an entity (its payments for it): ``funds[f]: label`` (a bilateral
    purchase's: ``nations[DEU].buys_for[UKR]: label``)."""
    return f"{fund(fund_id)}: {label}"


def table(name: str) -> str:
    """A plan table of the solution: ``tables.name`` (apart from the scenario's lists)."""
    return f"tables.{name}"


def row(table_name: str, key: object) -> str:
    """A row of a plan table by key or position: ``tables.name[key]``."""
    return f"{table(table_name)}[{key}]"


def figure(name: str) -> str:
    """A key figure of the solution: ``key_figures[name]``."""
    return f"key_figures[{name}]"


def contract(producer_id: str, item_id: str, nation_code: str | None = None) -> str:
    """The plan tables' contract label: ``producer/item`` pooled, ``producer/item/nation``
    going alone (``nation_code`` given)."""
    parts = [producer_id, item_id] if nation_code is None else [producer_id, item_id, nation_code]
    return "/".join(parts)
