"""Checks of industry: discount tiers, capacities, lead times, expansion windows and
component supply."""

from __future__ import annotations

from aggregate import labels
from aggregate.checks.lookups import Index, labelled_offers, num, quoted
from aggregate.errors import Problem
from aggregate.schema import Scenario
from aggregate.schema.facts import start_window


def check_tiers(s: Scenario) -> list[Problem]:
    """All-units discount tiers: ``min_volume`` strictly increases and the price never rises
    (a tier's price is at most the base price and the previous tier's price, in every period
    where prices escalate); an escalating price starts at the first period (before its
    first value a series is 0: units would be free)."""
    ix = Index(s)
    out: list[Problem] = []
    for _, o, label in labelled_offers(s):
        order: list[str] = []
        rises: list[str] = []
        prev_volume: float | None = None
        prev_price, prev_name = ix.series(o.price), "the base price"
        for k, t in enumerate(o.tiers, 1):
            if prev_volume is not None and t.min_volume <= prev_volume:
                order.append(
                    f"tier {k} ({num(t.min_volume)}) is not above tier {k - 1} ({num(prev_volume)})"
                )
            price = ix.series(t.price)
            above = [j for j, (a, b) in enumerate(zip(price, prev_price, strict=True)) if a > b]
            if above:
                j = above[0]
                when = (
                    f" in {s.periods[j]}"
                    if isinstance(t.price, dict) or isinstance(o.price, dict)
                    else ""
                )
                rises.append(
                    f"tier {k} ({num(price[j])}) is above {prev_name} ({num(prev_price[j])}){when}"
                )
            prev_volume, prev_price, prev_name = t.min_volume, price, f"tier {k}"
        if order:
            out.append(
                Problem(
                    label,
                    "tiers",
                    "min_volume must increase from tier to tier: " + "; ".join(order),
                    "list the tiers by increasing min_volume, each volume once",
                )
            )
        if rises:
            out.append(
                Problem(
                    label,
                    "tiers",
                    "a discount tier's price must not rise: " + "; ".join(rises),
                    "lower the tier price (it applies to every unit of the contract), or "
                    "correct the base price",
                )
            )
        first = s.periods[0] if s.periods else None
        for where, given in (
            (label, o.price),
            *((labels.field(label, "tiers", f"#{k}"), t.price) for k, t in enumerate(o.tiers, 1)),
        ):
            if isinstance(given, dict) and given and first not in given:
                out.append(
                    Problem(
                        where,
                        "price",
                        f"the price series starts after the first period {first}: orders "
                        "placed before its first value would cost 0",
                        f"give the price from {first} on ({first}: <price>)",
                    )
                )
    return out


def check_tier_reachable(s: Scenario) -> list[Problem]:
    """A tier's ``min_volume`` is within what the offer can deliver over the horizon."""
    ix = Index(s)
    out: list[Problem] = []
    for p, o, label in labelled_offers(s):
        most = ix.max_volume(p, o)
        if most <= 0:  # reported by check_offer_capacity
            continue
        unreachable = [
            f"tier {k} (min_volume {num(t.min_volume)})"
            for k, t in enumerate(o.tiers, 1)
            if t.min_volume > most
        ]
        if unreachable:
            out.append(
                Problem(
                    label,
                    "tiers",
                    f"{'; '.join(unreachable)} can never apply: the offer delivers at most "
                    f"{num(most)} units over the horizon (capacity of every period plus "
                    "expansions)",
                    "lower min_volume, raise capacity, or remove the tier",
                )
            )
    return out


def check_offer_capacity(s: Scenario) -> list[Problem]:
    """An offer can deliver something within the horizon: some capacity, a minimum order and
    a lot within it, and a lead time shorter than the horizon."""
    ix = Index(s)
    out: list[Problem] = []
    for p, o, label in labelled_offers(s):
        most = ix.max_volume(p, o)
        if most <= 0:
            out.append(
                Problem(
                    label,
                    "capacity",
                    "capacity is 0 in every period and no expansion adds any, so nothing can "
                    "be ordered",
                    "set the capacity (a number, or a series {period: units}), add an "
                    "expansion, or remove the offer",
                )
            )
            continue
        for field, value in (("min_order", o.min_order), ("lot_size", o.lot_size)):
            if value is not None and value > most:
                out.append(
                    Problem(
                        label,
                        field,
                        f"{field} ({num(value)}) exceeds the most the offer can deliver over "
                        f"the horizon ({num(most)}), so no contract can be placed",
                        f"lower {field}, or raise capacity",
                    )
                )
        if o.lead_time >= len(s.periods):
            out.append(
                Problem(
                    label,
                    "lead_time",
                    f"lead_time ({o.lead_time}) is not shorter than the horizon "
                    f"({len(s.periods)} periods), so nothing ordered arrives in time",
                    "shorten lead_time, or add periods",
                )
            )
    return out


def check_expansion_window(s: Scenario) -> list[Problem]:
    """An expansion can start (``earliest_start`` not after ``latest_start``) and, started as
    early as allowed, adds capacity before the horizon ends."""
    ix = Index(s)
    out: list[Problem] = []
    for e in s.expansions:
        label = labels.expansion(e.id)
        bounds = (e.earliest_start, e.latest_start)
        if any(p is not None and p not in ix.periods for p in bounds):
            continue  # unknown period: check_period_references
        first, last = start_window(e, ix.periods, len(s.periods))
        if first > last:
            out.append(
                Problem(
                    label,
                    "earliest_start",
                    f"earliest_start '{e.earliest_start}' is after latest_start "
                    f"'{e.latest_start}', so the investment can never start",
                    "swap the two periods, or widen the window",
                )
            )
        elif first + e.lead_periods >= len(s.periods):
            out.append(
                Problem(
                    label,
                    "lead_periods",
                    f"started at the earliest ('{s.periods[first]}'), the capacity is ready "
                    f"{e.lead_periods} periods later, after the last period '{s.periods[-1]}', "
                    "so it never adds capacity",
                    "allow an earlier start, shorten lead_periods, or add periods",
                )
            )
    return out


def check_component_supply(s: Scenario) -> list[Problem]:
    """Every producer of an item has a supplier of each component the item needs (a
    supplier with empty ``serves`` serves every producer)."""
    ix = Index(s)
    serves_all = {c.component for c in s.component_suppliers if not c.serves}
    served: dict[str, set[str]] = {}  # component -> producers some supplier serves
    for c in s.component_suppliers:
        served.setdefault(c.component, set()).update(c.serves)
    out: list[Problem] = []
    for i in s.items:
        producers = ix.producers_of.get(i.id, [])
        gaps: list[str] = []
        for comp in i.components:
            if comp not in ix.components or comp in serves_all:  # unknown: reported elsewhere
                continue
            lacking = [p for p in producers if p not in served.get(comp, set())]
            if lacking:
                gaps.append(f"'{comp}' for {quoted(lacking)}")
        if gaps:
            out.append(
                Problem(
                    labels.item(i.id),
                    "components",
                    "no supplier serves the producer(s) of this item with component "
                    + "; ".join(gaps)
                    + ", so they cannot make it",
                    "add those producers to the `serves` of a supplier of the component (empty "
                    "serves = every producer), add a supplier, or drop the component from the "
                    "item",
                )
            )
    return out


def check_offer_buyers(s: Scenario) -> list[Problem]:
    """An offer restricted to named buyers leaves some nation free to order: ``buyers`` is
    not empty and not wholly in ``excluded_buyers``."""
    out: list[Problem] = []
    for _, o, label in labelled_offers(s):
        both = sorted(set(o.buyers or []) & set(o.excluded_buyers))
        if o.buyers is not None and not o.buyers:
            out.append(
                Problem(
                    label,
                    "buyers",
                    "buyers is an empty list, so no nation may order from this offer",
                    "list the nations that may order, remove buyers (every nation may), or "
                    "remove the offer",
                )
            )
        elif o.buyers is not None and set(o.buyers) <= set(o.excluded_buyers):
            out.append(
                Problem(
                    label,
                    "excluded_buyers",
                    f"every buyer ({quoted(o.buyers)}) is also excluded, so no nation may "
                    "order from this offer",
                    "remove them from excluded_buyers or from buyers",
                )
            )
        elif both:
            out.append(
                Problem(
                    label,
                    "excluded_buyers",
                    f"{quoted(both)} listed both in buyers and in excluded_buyers",
                    "keep each nation in one of the two lists",
                )
            )
    return out


def check_expansion_steps(s: Scenario) -> list[Problem]:
    """Steps of a multi-step ramp-up (``Expansion.after``) form chains, not cycles, and a
    step's latest start is not before the earliest start of the step before it; a ramp
    profile (``Expansion.ramp``) does not fall."""
    ix = Index(s)
    after = {e.id: e.after for e in s.expansions}
    by_id = {e.id: e for e in s.expansions}
    out: list[Problem] = []
    for e in s.expansions:
        label = labels.expansion(e.id)
        chain, step = [e.id], e.after
        while step is not None and step in after and step not in chain:
            chain.append(step)
            step = after[step]
        if step is not None and step in chain:
            loop = [*chain[chain.index(step) :], step]
            out.append(
                Problem(
                    label,
                    "after",
                    f"the steps form a cycle ({' -> '.join(loop)}), so none of them can start",
                    "make the first step of the ramp-up start on its own (remove its after)",
                )
            )
            continue
        prev = by_id.get(e.after) if e.after is not None else None
        bounds = (e.latest_start, prev.earliest_start if prev else None)
        if prev is not None and all(p in ix.periods for p in bounds if p is not None):
            latest = ix.periods[e.latest_start] if e.latest_start else len(s.periods) - 1
            earliest = ix.periods[prev.earliest_start] if prev.earliest_start else 0
            if latest < earliest:
                out.append(
                    Problem(
                        label,
                        "latest_start",
                        f"latest_start '{e.latest_start}' is before the earliest start "
                        f"'{prev.earliest_start}' of the step before it ('{prev.id}'), so it "
                        "can never start",
                        "allow a later start, or an earlier start of the step before it",
                    )
                )
        falls = [k for k in range(1, len(e.ramp)) if e.ramp[k] < e.ramp[k - 1]]
        if falls:
            out.append(
                Problem(
                    label,
                    "ramp",
                    f"the ramp falls at position {falls[0] + 1} ({num(e.ramp[falls[0] - 1])} then "
                    f"{num(e.ramp[falls[0]])}): capacity ramping up does not shrink",
                    "list non-decreasing shares of added_capacity, e.g. [0.25, 0.5, 0.75]",
                )
            )
    return out
