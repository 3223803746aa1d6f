"""Checks of needs: each demanded capability can be met by an item its nation can use,
from some source."""

from __future__ import annotations

from aggregate import labels
from aggregate.checks.lookups import Index, quoted
from aggregate.errors import Problem
from aggregate.schema import Offer, Scenario
from aggregate.schema.facts import fits_system, may_buy, usable


def check_item_usable(s: Scenario) -> list[Problem]:
    """An item qualified for named systems is usable by at least one nation (catches
    misspelt system names)."""
    out: list[Problem] = []
    operated = sorted({sys for n in s.nations for sys in n.systems})
    for i in s.items:
        if i.systems and not any(usable(i, n) for n in s.nations):
            out.append(
                Problem(
                    labels.item(i.id),
                    "systems",
                    f"no nation operates any of its systems {quoted(i.systems)} (nations "
                    f"operate {quoted(operated)}), so no nation can use it",
                    "spell the systems exactly as in the nations' systems, or remove the item",
                )
            )
    return out


def check_demand_usable_items(s: Scenario) -> list[Problem]:
    """Some item of a demand's capability is usable by the demanding nation; a demand tied
    to a weapon system names one that some item of its capability is qualified for (items
    with no systems fit any system, so without this a misspelt system would pass silently
    and only shut out the system-specific items)."""
    ix = Index(s)
    out: list[Problem] = []
    for d in s.demands:
        nation, cap = ix.nations.get(d.nation), ix.capabilities.get(d.capability)
        if nation is None or cap is None:
            continue
        items = [
            ix.items[eq.item]
            for eq in cap.satisfied_by
            if eq.item in ix.items and fits_system(ix.items[eq.item], d.system)
        ]
        if not items and d.system is not None:
            out.append(
                Problem(
                    labels.demand(d.id),
                    "system",
                    f"no item of capability '{cap.id}' is qualified for system '{d.system}' "
                    "(none lists it in its systems, and every item lists some), so nothing "
                    "can meet this demand",
                    f"add '{d.system}' to the systems of an item of '{cap.id}', spell the "
                    "system as the items do, or remove system from the demand",
                )
            )
        elif d.system is not None and not any(d.system in i.systems for i in items):
            listed = sorted(
                {
                    sys
                    for eq in cap.satisfied_by
                    if eq.item in ix.items
                    for sys in ix.items[eq.item].systems
                }
            )
            named = f"its items name {quoted(listed)}" if listed else "its items name none"
            out.append(
                Problem(
                    labels.demand(d.id),
                    "system",
                    f"no item of capability '{cap.id}' is qualified for system '{d.system}' "
                    f"({named}); only the items with no systems "
                    f"({quoted([i.id for i in items])}) fit it, so the system ties nothing "
                    "and is likely misspelt",
                    f"spell the system as the items of '{cap.id}' do, add '{d.system}' to the "
                    "systems of one of them, or remove system from the demand",
                )
            )
        if items and not any(usable(i, nation) for i in items):
            needs = "; ".join(
                f"'{i.id}' needs " + " or ".join(f"'{sys}'" for sys in i.systems) for i in items
            )
            out.append(
                Problem(
                    labels.demand(d.id),
                    "capability",
                    f"no item of capability '{cap.id}' is usable by {nation.code}, which "
                    f"operates {quoted(nation.systems)} ({needs})",
                    f"add an item qualified for one of {nation.code}'s systems to "
                    f"{labels.field(labels.capability(cap.id), 'satisfied_by')}, add the system "
                    f"to {labels.field(labels.nation(nation.code), 'systems')}, or remove the "
                    "demand",
                )
            )
    return out


def check_demand_sources(s: Scenario) -> list[Problem]:
    """A demand with a positive quantity has a source: a producer offering a usable item
    that the nation may order (the offer's ``buyers``), the nation's own stock of one, or a
    donor's stock of one."""
    ix = Index(s)
    offers_of: dict[str, list[Offer]] = {}  # item -> its offers
    for p in s.producers:
        for o in p.offers:
            offers_of.setdefault(o.item, []).append(o)
    held: dict[str, set[str]] = {}  # item -> nations holding some of it
    donated: set[str] = set()  # items some donor holds
    for st in s.stockpiles:
        if st.on_hand > 0:
            held.setdefault(st.item, set()).add(st.nation)
            if st.donor:
                donated.add(st.item)
    out: list[Problem] = []
    for d in s.demands:
        nation, cap = ix.nations.get(d.nation), ix.capabilities.get(d.capability)
        if nation is None or cap is None or d.quantity <= 0:
            continue
        fitting = [
            eq.item
            for eq in cap.satisfied_by
            if eq.item in ix.items
            and usable(ix.items[eq.item], nation)
            and fits_system(ix.items[eq.item], d.system)
        ]
        if not fitting:  # check_demand_usable_items
            continue
        if any(
            any(may_buy(o, d.nation) for o in offers_of.get(i, []))
            or d.nation in held.get(i, set())
            or i in donated
            for i in fitting
        ):
            continue
        out.append(
            Problem(
                labels.demand(d.id),
                "",
                f"can never be met: no producer offers {d.nation} any item it can use for "
                f"'{cap.id}' ({quoted(fitting)}), {d.nation} holds none in stock and no donor "
                "holds any",
                "add an offer of one of these items to a producer (open to "
                f"{d.nation}: its buyers and excluded_buyers), or a stockpile of one (held by "
                f"{d.nation} or by a donor)",
            )
        )
    return out


def check_demand_system(s: Scenario) -> list[Problem]:
    """A demand tied to a weapon system (``Demand.system``) names a system its nation
    operates, where the nation lists its systems."""
    ix = Index(s)
    out: list[Problem] = []
    for d in s.demands:
        nation = ix.nations.get(d.nation)
        if d.system is None or nation is None or not nation.systems:
            continue
        if d.system not in nation.systems:
            out.append(
                Problem(
                    labels.demand(d.id),
                    "system",
                    f"system '{d.system}' is not one {nation.code} operates "
                    f"({quoted(nation.systems)})",
                    f"spell the system as in {labels.field(labels.nation(nation.code), 'systems')}"
                    ", add it there, or remove system from the demand",
                )
            )
    return out
