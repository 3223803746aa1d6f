"""Checks of the sustainment block: wear and spares rules and repair shops.

Every id a rule or a shop names exists, every period of a shop's capacity series is one of
``periods``, worn and spare items are divisible (wear is a rate), each (item, by) pair has
one rule, and a shop repairs only items some rule wears out.
"""

from __future__ import annotations

from aggregate import labels
from aggregate.checks.lookups import Index, quoted, repeated, series_keys, unknown_ref
from aggregate.errors import Problem
from aggregate.schema import Scenario
from aggregate.schema.facts import consumption
from aggregate.schema.sustainment import Spares, Wear


def _rules(s: Scenario) -> list[tuple[str, Wear | Spares]]:
    """(label, rule) of every wear and spares rule: ``sustainment.wear[item]`` (the path
    language selects a rule by its item)."""
    if s.sustainment is None:
        return []
    return [(labels.entry(labels.WEAR, r.item), r) for r in s.sustainment.wear] + [
        (labels.entry(labels.SPARES, r.item), r) for r in s.sustainment.spares
    ]


def check_sustainment_references(s: Scenario) -> list[Problem]:
    """Wear and spares rules name known items and nations; repair shops name known items,
    nations they serve and periods; shop ids are unique."""
    if s.sustainment is None:
        return []
    ix = Index(s)
    out: list[Problem] = []
    for label, r in _rules(s):
        for field in ("item", "by"):
            ident = getattr(r, field)
            if ident not in ix.items:
                out.append(unknown_ref(label, field, [ident], "items", ix.items))
        missing = [n for n in r.nations if n not in ix.nations]
        if missing:
            out.append(unknown_ref(label, "nations", missing, "nations", ix.nations))
    for shop in s.sustainment.repair_shops:
        label = labels.repair_shop(shop.id)
        missing = [i for i in shop.items if i not in ix.items]
        if missing:
            out.append(unknown_ref(label, "items", missing, "items", ix.items))
        missing = [n for n in shop.serves if n not in ix.nations]
        if missing:
            out.append(unknown_ref(label, "serves", missing, "nations", ix.nations))
        missing = [p for p in series_keys(shop.capacity) if p not in ix.periods]
        if missing:
            out.append(unknown_ref(label, "capacity", missing, "periods", s.periods, "a label"))
    for ident, n in repeated([shop.id for shop in s.sustainment.repair_shops]).items():
        out.append(
            Problem(
                labels.repair_shop(ident),
                "id",
                f"{n} entries of {labels.REPAIR_SHOPS} share the id '{ident}'",
                "give each shop its own id, or merge the entries into one",
            )
        )
    return out


def check_sustainment_rules(s: Scenario) -> list[Problem]:
    """A rule's item differs from its ``by`` item; one wear rule and one spares rule per
    (item, by) pair; no item both wears out and is a spare; worn and spare items are
    divisible; a rule's ``by`` item meets some demand it applies to; a shop repairs only
    items a wear rule wears out, and returns them within the horizon."""
    if s.sustainment is None:
        return []
    ix = Index(s)
    out: list[Problem] = []
    for label, r in _rules(s):
        if r.item == r.by:
            out.append(
                Problem(
                    label,
                    "by",
                    f"'{r.item}' is worn or consumed by its own use",
                    "name as `by` the item whose use wears it (e.g. the rounds a barrel "
                    "fires), or remove the rule",
                )
            )
        item = ix.items.get(r.item)
        if item is not None and item.indivisible:
            out.append(
                Problem(
                    label,
                    "item",
                    f"item '{r.item}' is indivisible, but wear and spares are rates: a nation "
                    "holds part of a unit's life, so its stock cannot stay in whole units",
                    f"set `indivisible: false` on items[{r.item}] (count worn life in "
                    "fractions of a unit), or remove the rule",
                )
            )
    for section, rules in (
        (labels.WEAR, s.sustainment.wear),
        (labels.SPARES, s.sustainment.spares),
    ):
        pairs = [f"{r.item}/{r.by}" for r in rules]
        for pair, n in repeated(pairs).items():
            out.append(
                Problem(
                    labels.entry(section, pair.split("/")[0]),
                    "by",
                    f"{n} rules of {section} share the (item/by) pair '{pair}'",
                    "keep one rule per pair (its uses_per_unit the combined rate)",
                )
            )
    out += _idle_rules(s, ix)
    worn = {r.item for r in s.sustainment.wear}
    both = sorted(worn & {r.item for r in s.sustainment.spares})
    if both:
        out.append(
            Problem(
                labels.SPARES,
                "item",
                f"{quoted(both)} both wear out (wear) and are consumed as spares",
                "use one item for the worn units and another for the spares",
            )
        )
    horizon = len(s.periods)
    for shop in s.sustainment.repair_shops:
        turnaround = shop.repair_time + shop.transport_time
        if turnaround >= horizon:
            out.append(
                Problem(
                    labels.repair_shop(shop.id),
                    "repair_time",
                    f"repair_time + transport_time = {shop.repair_time} + "
                    f"{shop.transport_time} = {turnaround} periods, not less than the horizon "
                    f"({horizon} periods), so no unit taken in ever returns within it and the "
                    "shop can repair nothing",
                    f"lower repair_time or transport_time below {horizon} in total, add "
                    "periods, or remove the shop",
                )
            )
        idle = [i for i in shop.items if i in ix.items and i not in worn]
        if idle:
            out.append(
                Problem(
                    labels.repair_shop(shop.id),
                    "items",
                    f"{quoted(idle)} never wear out (no rule of {labels.WEAR} names them), "
                    "so the shop would have nothing of them to repair",
                    f"add a rule to {labels.WEAR} for each, or remove them from items",
                )
            )
    return out


def _idle_rules(s: Scenario, ix: Index) -> list[Problem]:
    """Rules whose ``by`` item meets no demand they apply to
    (:func:`~aggregate.schema.facts.consumption` gives them no rate): a misspelt ``by`` or
    nation would otherwise wear nothing, silently."""
    if s.sustainment is None:
        return []
    out: list[Problem] = []
    for kind, section, rules in (
        ("wear", labels.WEAR, s.sustainment.wear),
        ("spares", labels.SPARES, s.sustainment.spares),
    ):
        applied = {(item, by) for (_n, item), rate in consumption(s, kind).items() for by in rate}
        for r in rules:
            if r.item not in ix.items or r.by not in ix.items or (r.item, r.by) in applied:
                continue  # unknown ids: check_sustainment_references
            whose = f"of {quoted(r.nations)} " if r.nations else ""
            out.append(
                Problem(
                    labels.entry(section, r.item),
                    "by",
                    f"'{r.by}' meets no demand {whose}it can serve (a demand for a capability "
                    "it satisfies, by a nation that can use it, tied to no system or one it is "
                    "qualified for), so the rule never wears or consumes anything",
                    f"name as `by` the item whose use wears '{r.item}', check the rule's "
                    "nations, or remove the rule",
                )
            )
    return out
