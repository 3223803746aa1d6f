"""Consistency checks beyond field types: references, orderings and rules a solve relies on.

Each ``check_<what>`` function looks at one concern, gathers *every* offending entry and
returns one :class:`~aggregate.errors.Problem` per entry (or per duplicated id), naming the
entry, the field, what is wrong and how to fix it. :data:`CHECKS` lists them in the order
they run; :func:`check_scenario` runs them all and tags each problem with its check's name.

The checks assume only what the schema guarantees: a check that needs a reference to
resolve skips the entry when it does not (the reference checks report it), so one mistake
is reported once.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import TypeVar

from aggregate.errors import Problem, shorten
from aggregate.schema import (
    Capability,
    Expansion,
    Item,
    KeyRule,
    Nation,
    Offer,
    PledgeRule,
    Producer,
    Scenario,
    Stockpile,
    expand,
)

Check = Callable[[Scenario], list[Problem]]
_T = TypeVar("_T")

# ---------------------------------------------------------------------------------------
# helpers: lookups built once per check, labels and number formatting


class _Index:
    """Lookups over a scenario, each built on first use (the first entry wins on a duplicate id)."""

    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario

    @cached_property
    def periods(self) -> dict[str, int]:
        """Period label -> position."""
        pos: dict[str, int] = {}
        for i, p in enumerate(self.s.periods):
            pos.setdefault(p, i)
        return pos

    @cached_property
    def nations(self) -> dict[str, Nation]:
        return _first_by(self.s.nations, lambda n: n.code)

    @cached_property
    def items(self) -> dict[str, Item]:
        return _first_by(self.s.items, lambda i: i.id)

    @cached_property
    def capabilities(self) -> dict[str, Capability]:
        return _first_by(self.s.capabilities, lambda c: c.id)

    @cached_property
    def producers(self) -> dict[str, Producer]:
        return _first_by(self.s.producers, lambda p: p.id)

    @cached_property
    def components(self) -> set[str]:
        return {c.id for c in self.s.components}

    @cached_property
    def producers_of(self) -> dict[str, list[str]]:
        """Item id -> ids of the producers offering it."""
        out: dict[str, list[str]] = {}
        for p in self.s.producers:
            for o in p.offers:
                ids = out.setdefault(o.item, [])
                if p.id not in ids:
                    ids.append(p.id)
        return out

    @cached_property
    def expansions_of(self) -> dict[tuple[str, str], list[Expansion]]:
        """(producer id, item id) -> expansion options."""
        out: dict[tuple[str, str], list[Expansion]] = {}
        for e in self.s.expansions:
            out.setdefault((e.producer, e.item), []).append(e)
        return out

    def series(self, value: float | dict[str, float]) -> list[float]:
        """A per-period value as one number per period."""
        return expand(value, self.s.periods)

    def max_volume(self, producer: Producer, offer: Offer) -> float:
        """Most an offer can deliver over the horizon: its capacity in every period, plus
        every expansion of it started as early as allowed."""
        total = sum(self.series(offer.capacity))
        n = len(self.s.periods)
        for e in self.expansions_of.get((producer.id, offer.item), []):
            start = self.periods.get(e.earliest_start, 0) if e.earliest_start else 0
            total += e.added_capacity * max(0, n - (start + e.lead_periods))
        return total


def _first_by(entries: Iterable[_T], key: Callable[[_T], str]) -> dict[str, _T]:
    out: dict[str, _T] = {}
    for e in entries:
        out.setdefault(key(e), e)
    return out


def _offers(s: Scenario) -> Iterable[tuple[Producer, Offer, str]]:
    """Every (producer, offer, label) of the scenario."""
    for p in s.producers:
        for o in p.offers:
            yield p, o, f"producers[{p.id}].offers[{o.item}]"


def _stock_label(st: Stockpile) -> str:
    return f"stockpiles[{st.nation}/{st.item}]"


def _num(x: float) -> str:
    """A readable number: ``50,000`` or ``1.5e+09``."""
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:.6g}"


def _quote(values: Iterable[str], limit: int = 8) -> str:
    """``'A', 'B', 'C'``; long lists end in ``and 5 more``."""
    vals = list(values)
    if not vals:
        return "none"
    shown = ", ".join(f"'{shorten(v)}'" for v in vals[:limit])
    return shown if len(vals) <= limit else f"{shown} and {len(vals) - limit} more"


def _unknown(
    entry: str,
    field: str,
    missing: list[str],
    section: str,
    valid: Iterable[str],
    noun: str = "an id",
) -> Problem:
    """A reference (or several) to ids that ``section`` does not define."""
    verb = "is" if len(missing) == 1 else "are"
    return Problem(
        entry,
        field,
        f"{_quote(missing)} {verb} not in {section} (valid: {_quote(valid)})",
        f"use {noun} of {section} (check spelling and case), or add the missing one to {section}",
    )


def _series_keys(value: float | dict[str, float] | None) -> list[str]:
    return list(value) if isinstance(value, dict) else []


def _duplicates(values: Iterable[str]) -> dict[str, int]:
    return {v: n for v, n in Counter(values).items() if n > 1}


def _usable(item: Item, nation: Nation) -> bool:
    """Compatibility: an item qualified for named systems needs a nation operating one."""
    return not item.systems or not nation.systems or bool(set(item.systems) & set(nation.systems))


# ---------------------------------------------------------------------------------------
# duplicates


def check_duplicate_ids(s: Scenario) -> list[Problem]:
    """Every nation code and every id of items, capabilities, demands, producers, expansions,
    components, component suppliers and funds is unique in its section."""
    sections: list[tuple[str, str, list[str]]] = [
        ("nations", "code", [n.code for n in s.nations]),
        ("items", "id", [i.id for i in s.items]),
        ("capabilities", "id", [c.id for c in s.capabilities]),
        ("demands", "id", [d.id for d in s.demands]),
        ("producers", "id", [p.id for p in s.producers]),
        ("expansions", "id", [e.id for e in s.expansions]),
        ("components", "id", [c.id for c in s.components]),
        ("component_suppliers", "id", [c.id for c in s.component_suppliers]),
        ("funds", "id", [f.id for f in s.funds]),
    ]
    return [
        Problem(
            f"{section}[{ident}]",
            key,
            f"{n} entries of {section} share the {key} '{ident}'",
            f"give each entry its own {key}, or merge the {n} entries into one",
        )
        for section, key, ids in sections
        for ident, n in _duplicates(ids).items()
    ]


def check_duplicate_periods(s: Scenario) -> list[Problem]:
    """Each period label appears once in ``periods``."""
    dups = _duplicates(s.periods)
    if not dups:
        return []
    return [
        Problem(
            "scenario",
            "periods",
            f"period label(s) {_quote(dups)} appear more than once",
            "list each period once, in time order",
        )
    ]


# Period labels whose time order can be read from the label: (shape, pattern). Labels of
# any other shape (``P1``, ``spring``) are in the order the scenario lists them.
_PERIOD_SHAPES = (
    ("year", re.compile(r"^(\d{4})$")),
    ("half-year", re.compile(r"^(\d{4})-?[Hh]([12])$")),
    ("quarter", re.compile(r"^(\d{4})-?[Qq]([1-4])$")),
    ("month", re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")),
)


def _period_keys(labels: list[str]) -> list[tuple[int, int]] | None:
    """Each label as (year, part) when every label has one recognisable shape, else None."""
    for _, pattern in _PERIOD_SHAPES:
        matches = [pattern.match(label) for label in labels]
        if all(matches):
            return [
                (int(m.group(1)), int(m.group(2)) if m.lastindex == 2 else 0)
                for m in matches
                if m is not None
            ]
    return None


def check_period_order(s: Scenario) -> list[Problem]:
    """Periods with recognisable labels (``2024``, ``2024H1``, ``2024Q1``, ``2024-01``) are
    listed in time order: the list's order is the model's time, so ``2024Q2`` before
    ``2024Q1`` would deliver the second quarter's orders first."""
    keys = _period_keys(s.periods)
    if keys is None or _duplicates(s.periods):  # a repeated label is reported on its own
        return []
    late = [
        f"'{s.periods[i]}' after '{s.periods[i - 1]}'"
        for i in range(1, len(keys))
        if keys[i] < keys[i - 1]
    ]
    if not late:
        return []
    ordered = [label for _, label in sorted(zip(keys, s.periods, strict=True))]
    shown = ", ".join(ordered[:8]) + (f", ... ({len(ordered)} in all)" if len(ordered) > 8 else "")
    return [
        Problem(
            "scenario",
            "periods",
            f"the periods are not in time order: {'; '.join(late[:5])}"
            + (f" and {len(late) - 5} more" if len(late) > 5 else ""),
            f"list them in time order: {shown}",
        )
    ]


def check_duplicate_offers(s: Scenario) -> list[Problem]:
    """A producer has at most one offer per item."""
    return [
        Problem(
            f"producers[{p.id}]",
            "offers",
            f"item '{item}' is offered {n} times",
            "merge them into one offer per item (a second site is its own producer)",
        )
        for p in s.producers
        for item, n in _duplicates(o.item for o in p.offers).items()
    ]


def check_duplicate_stockpiles(s: Scenario) -> list[Problem]:
    """A nation has at most one stockpile per item."""
    counts = Counter((st.nation, st.item) for st in s.stockpiles)
    return [
        Problem(
            f"stockpiles[{nation}/{item}]",
            "",
            f"{n} stockpiles of item '{item}' are held by {nation}",
            "merge them into one stockpile per nation and item (add up on_hand)",
        )
        for (nation, item), n in counts.items()
        if n > 1
    ]


def check_duplicate_fund_members(s: Scenario) -> list[Problem]:
    """A fund lists each member once."""
    out: list[Problem] = []
    for f in s.funds:
        dups = _duplicates(f.members)
        if dups:
            out.append(
                Problem(
                    f"funds[{f.id}]",
                    "members",
                    f"member(s) {_quote(dups)} are listed more than once",
                    "list each member once",
                )
            )
    return out


def check_duplicate_equivalences(s: Scenario) -> list[Problem]:
    """A capability lists each satisfying item once (one factor per item)."""
    out: list[Problem] = []
    for c in s.capabilities:
        dups = _duplicates(eq.item for eq in c.satisfied_by)
        if dups:
            out.append(
                Problem(
                    f"capabilities[{c.id}]",
                    "satisfied_by",
                    f"item(s) {_quote(dups)} are listed more than once",
                    "list each item once, with a single factor",
                )
            )
    return out


# ---------------------------------------------------------------------------------------
# references


def check_period_references(s: Scenario) -> list[Problem]:
    """Every period named anywhere (demand periods, refill dates, expansion windows and the
    keys of every per-period series) is one of ``periods``."""
    ix = _Index(s)
    refs: list[tuple[str, str, list[str]]] = []
    for d in s.demands:
        refs.append((f"demands[{d.id}]", "period", [d.period]))
    for st in s.stockpiles:
        label = _stock_label(st)
        refs.append((label, "refill_by", [st.refill_by] if st.refill_by is not None else []))
        refs.append((label, "floor", _series_keys(st.floor)))
        refs.append((label, "holding_cost", _series_keys(st.holding_cost)))
    for n in s.nations:
        refs.append((f"nations[{n.code}]", "budget_per_period", _series_keys(n.budget_per_period)))
    for _, o, label in _offers(s):
        refs.append((label, "capacity", _series_keys(o.capacity)))
        refs.append((label, "order_period_cost", _series_keys(o.order_period_cost)))
    for e in s.expansions:
        for field, value in (
            ("earliest_start", e.earliest_start),
            ("latest_start", e.latest_start),
        ):
            refs.append((f"expansions[{e.id}]", field, [value] if value is not None else []))
    for c in s.component_suppliers:
        refs.append((f"component_suppliers[{c.id}]", "capacity", _series_keys(c.capacity)))
    out: list[Problem] = []
    for entry, field, labels in refs:
        missing = [p for p in labels if p not in ix.periods]
        if missing:
            out.append(_unknown(entry, field, missing, "periods", s.periods, "a label"))
    return out


def check_demand_references(s: Scenario) -> list[Problem]:
    """A demand's nation and capability exist."""
    ix = _Index(s)
    out: list[Problem] = []
    for d in s.demands:
        if d.nation not in ix.nations:
            out.append(_unknown(f"demands[{d.id}]", "nation", [d.nation], "nations", ix.nations))
        if d.capability not in ix.capabilities:
            out.append(
                _unknown(
                    f"demands[{d.id}]",
                    "capability",
                    [d.capability],
                    "capabilities",
                    ix.capabilities,
                )
            )
    return out


def check_capability_references(s: Scenario) -> list[Problem]:
    """The items that satisfy a capability exist."""
    ix = _Index(s)
    out: list[Problem] = []
    for c in s.capabilities:
        missing = [eq.item for eq in c.satisfied_by if eq.item not in ix.items]
        if missing:
            out.append(
                _unknown(f"capabilities[{c.id}]", "satisfied_by", missing, "items", ix.items)
            )
    return out


def check_stockpile_references(s: Scenario) -> list[Problem]:
    """A stockpile's nation and item exist."""
    ix = _Index(s)
    out: list[Problem] = []
    for st in s.stockpiles:
        if st.nation not in ix.nations:
            out.append(_unknown(_stock_label(st), "nation", [st.nation], "nations", ix.nations))
        if st.item not in ix.items:
            out.append(_unknown(_stock_label(st), "item", [st.item], "items", ix.items))
    return out


def check_offer_references(s: Scenario) -> list[Problem]:
    """An offer's item exists and its ``delivery_cost_to`` names nations."""
    ix = _Index(s)
    out: list[Problem] = []
    for _, o, label in _offers(s):
        if o.item not in ix.items:
            out.append(_unknown(label, "item", [o.item], "items", ix.items))
        missing = [n for n in o.delivery_cost_to if n not in ix.nations]
        if missing:
            out.append(_unknown(label, "delivery_cost_to", missing, "nations", ix.nations))
    return out


def check_expansion_references(s: Scenario) -> list[Problem]:
    """An expansion's producer and item exist, the producer offers the item, and the sponsor
    is a nation."""
    ix = _Index(s)
    out: list[Problem] = []
    for e in s.expansions:
        label = f"expansions[{e.id}]"
        producer = ix.producers.get(e.producer)
        if producer is None:
            out.append(_unknown(label, "producer", [e.producer], "producers", ix.producers))
        if e.item not in ix.items:
            out.append(_unknown(label, "item", [e.item], "items", ix.items))
        elif producer is not None and e.item not in {o.item for o in producer.offers}:
            out.append(
                Problem(
                    label,
                    "item",
                    f"producer '{e.producer}' has no offer for item '{e.item}' (it offers "
                    f"{_quote(o.item for o in producer.offers)}), so the added capacity "
                    "could not be used",
                    f"add an offer of '{e.item}' to producers[{e.producer}], or change item",
                )
            )
        if e.sponsor is not None and e.sponsor not in ix.nations:
            out.append(_unknown(label, "sponsor", [e.sponsor], "nations", ix.nations))
    return out


def check_component_references(s: Scenario) -> list[Problem]:
    """Items' bills of materials name components; suppliers name a component and producers."""
    ix = _Index(s)
    out: list[Problem] = []
    for i in s.items:
        missing = [c for c in i.components if c not in ix.components]
        if missing:
            out.append(
                _unknown(
                    f"items[{i.id}]", "components", missing, "components", sorted(ix.components)
                )
            )
    for c in s.component_suppliers:
        label = f"component_suppliers[{c.id}]"
        if c.component not in ix.components:
            out.append(
                _unknown(label, "component", [c.component], "components", sorted(ix.components))
            )
        missing = [p for p in c.serves if p not in ix.producers]
        if missing:
            out.append(_unknown(label, "serves", missing, "producers", ix.producers))
    return out


def check_fund_references(s: Scenario) -> list[Problem]:
    """A fund's members and eligible beneficiaries are nations; key shares and pledges name
    members."""
    ix = _Index(s)
    out: list[Problem] = []
    for f in s.funds:
        label = f"funds[{f.id}]"
        missing = [m for m in f.members if m not in ix.nations]
        if missing:
            out.append(_unknown(label, "members", missing, "nations", ix.nations))
        missing = [b for b in f.eligible_beneficiaries or [] if b not in ix.nations]
        if missing:
            out.append(_unknown(label, "eligible_beneficiaries", missing, "nations", ix.nations))
        c = f.contribution
        keys, field = (
            (list(c.shares), "contribution.shares")
            if isinstance(c, KeyRule)
            else (list(c.pledges), "contribution.pledges")
        )
        strangers = [k for k in keys if k not in f.members]
        if strangers:
            out.append(
                _unknown(label, field, strangers, f"the members of funds[{f.id}]", f.members)
            )
    return out


# ---------------------------------------------------------------------------------------
# stockpiles


def check_stockpile_floor_start(s: Scenario) -> list[Problem]:
    """A hard floor above the opening stock needs ``refill_by`` (the floor binds from then)."""
    ix = _Index(s)
    out: list[Problem] = []
    for st in s.stockpiles:
        if st.floor_type != "hard" or st.refill_by is not None:
            continue
        start = ix.series(st.floor)[0]
        if start > st.on_hand:
            out.append(
                Problem(
                    _stock_label(st),
                    "floor",
                    f"the hard floor in the first period '{s.periods[0]}' ({_num(start)}) is "
                    f"above the opening stock on_hand ({_num(st.on_hand)}) and there is no "
                    "refill_by, so the floor is broken from the start",
                    "add refill_by (the period by which the stock is back at the floor), "
                    "lower the floor, raise on_hand, or make the floor soft with a floor_penalty",
                )
            )
    return out


def check_refill_plan(s: Scenario) -> list[Problem]:
    """``refill_target`` and ``refill_by`` come together (``refill_by`` alone only with a floor
    above the opening stock); ``refill_penalty`` needs a target."""
    ix = _Index(s)
    out: list[Problem] = []
    for st in s.stockpiles:
        label = _stock_label(st)
        if st.refill_target is not None and st.refill_by is None:
            out.append(
                Problem(
                    label,
                    "refill_by",
                    f"refill_target ({_num(st.refill_target)}) is set without refill_by, so "
                    "the target has no date",
                    "add refill_by (a period of `periods`), or remove refill_target",
                )
            )
        if st.refill_by is not None and st.refill_target is None:
            start = ix.series(st.floor)[0]
            if start <= st.on_hand:
                out.append(
                    Problem(
                        label,
                        "refill_by",
                        f"refill_by ('{st.refill_by}') is set but there is nothing to refill: "
                        f"no refill_target, and the floor at the start ({_num(start)}) is not "
                        f"above on_hand ({_num(st.on_hand)})",
                        "add refill_target (units to hold by refill_by), or remove refill_by",
                    )
                )
        if st.refill_penalty is not None and st.refill_target is None:
            out.append(
                Problem(
                    label,
                    "refill_penalty",
                    "refill_penalty is set without refill_target, so it has no effect",
                    "add refill_target and refill_by, or remove refill_penalty",
                )
            )
    return out


def check_refill_target_floor(s: Scenario) -> list[Problem]:
    """A refill target is not below the floor in force at ``refill_by`` (a likely typo)."""
    ix = _Index(s)
    out: list[Problem] = []
    for st in s.stockpiles:
        if st.refill_target is None or st.refill_by not in ix.periods:
            continue
        floor = ix.series(st.floor)[ix.periods[st.refill_by]]
        if st.refill_target < floor:
            out.append(
                Problem(
                    _stock_label(st),
                    "refill_target",
                    f"refill_target ({_num(st.refill_target)}) is below the floor at refill_by "
                    f"'{st.refill_by}' ({_num(floor)}), so the target asks for less than the "
                    "floor already does",
                    f"raise refill_target to at least the floor ({_num(floor)}), or lower the "
                    "floor",
                )
            )
    return out


def check_floor_penalty(s: Scenario) -> list[Problem]:
    """``floor_penalty`` only acts on a soft floor."""
    return [
        Problem(
            _stock_label(st),
            "floor_penalty",
            "floor_penalty is set but floor_type is 'hard', so it has no effect",
            "set floor_type: soft to allow going below the floor at this penalty, or remove "
            "floor_penalty",
        )
        for st in s.stockpiles
        if st.floor_type == "hard" and st.floor_penalty is not None
    ]


# ---------------------------------------------------------------------------------------
# industry


def check_tiers(s: Scenario) -> list[Problem]:
    """All-units discount tiers: ``min_volume`` strictly increases and the price never rises
    (a tier's price is at most the base price and the previous tier's price)."""
    out: list[Problem] = []
    for _, o, label in _offers(s):
        order: list[str] = []
        rises: list[str] = []
        prev_volume: float | None = None
        prev_price, prev_name = o.price, "the base price"
        for k, t in enumerate(o.tiers, 1):
            if prev_volume is not None and t.min_volume <= prev_volume:
                order.append(
                    f"tier {k} ({_num(t.min_volume)}) is not above tier {k - 1} "
                    f"({_num(prev_volume)})"
                )
            if t.price > prev_price:
                rises.append(
                    f"tier {k} ({_num(t.price)}) is above {prev_name} ({_num(prev_price)})"
                )
            prev_volume, prev_price, prev_name = t.min_volume, t.price, f"tier {k}"
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
    return out


def check_tier_reachable(s: Scenario) -> list[Problem]:
    """A tier's ``min_volume`` is within what the offer can deliver over the horizon."""
    ix = _Index(s)
    out: list[Problem] = []
    for p, o, label in _offers(s):
        most = ix.max_volume(p, o)
        if most <= 0:  # reported by check_offer_capacity
            continue
        unreachable = [
            f"tier {k} (min_volume {_num(t.min_volume)})"
            for k, t in enumerate(o.tiers, 1)
            if t.min_volume > most
        ]
        if unreachable:
            out.append(
                Problem(
                    label,
                    "tiers",
                    f"{'; '.join(unreachable)} can never apply: the offer delivers at most "
                    f"{_num(most)} units over the horizon (capacity of every period plus "
                    "expansions)",
                    "lower min_volume, raise capacity, or remove the tier",
                )
            )
    return out


def check_offer_capacity(s: Scenario) -> list[Problem]:
    """An offer can deliver something within the horizon: some capacity, a minimum order and
    a lot within it, and a lead time shorter than the horizon."""
    ix = _Index(s)
    out: list[Problem] = []
    for p, o, label in _offers(s):
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
                        f"{field} ({_num(value)}) exceeds the most the offer can deliver over "
                        f"the horizon ({_num(most)}), so no contract can be placed",
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
    ix = _Index(s)
    out: list[Problem] = []
    for e in s.expansions:
        label = f"expansions[{e.id}]"
        first = ix.periods.get(e.earliest_start, -1) if e.earliest_start else 0
        last = ix.periods.get(e.latest_start, -1) if e.latest_start else len(s.periods) - 1
        if first < 0 or last < 0:  # unknown period: check_period_references
            continue
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
    ix = _Index(s)
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
                gaps.append(f"'{comp}' for {_quote(lacking)}")
        if gaps:
            out.append(
                Problem(
                    f"items[{i.id}]",
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


# ---------------------------------------------------------------------------------------
# needs


def check_item_usable(s: Scenario) -> list[Problem]:
    """An item qualified for named systems is usable by at least one nation (catches
    misspelt system names)."""
    out: list[Problem] = []
    operated = sorted({sys for n in s.nations for sys in n.systems})
    for i in s.items:
        if i.systems and not any(_usable(i, n) for n in s.nations):
            out.append(
                Problem(
                    f"items[{i.id}]",
                    "systems",
                    f"no nation operates any of its systems {_quote(i.systems)} (nations "
                    f"operate {_quote(operated)}), so no nation can use it",
                    "spell the systems exactly as in the nations' systems, or remove the item",
                )
            )
    return out


def check_demand_usable_items(s: Scenario) -> list[Problem]:
    """Some item of a demand's capability is usable by the demanding nation."""
    ix = _Index(s)
    out: list[Problem] = []
    for d in s.demands:
        nation, cap = ix.nations.get(d.nation), ix.capabilities.get(d.capability)
        if nation is None or cap is None:
            continue
        items = [ix.items[eq.item] for eq in cap.satisfied_by if eq.item in ix.items]
        if items and not any(_usable(i, nation) for i in items):
            needs = "; ".join(
                f"'{i.id}' needs " + " or ".join(f"'{sys}'" for sys in i.systems) for i in items
            )
            out.append(
                Problem(
                    f"demands[{d.id}]",
                    "capability",
                    f"no item of capability '{cap.id}' is usable by {nation.code}, which "
                    f"operates {_quote(nation.systems)} ({needs})",
                    f"add an item qualified for one of {nation.code}'s systems to "
                    f"capabilities[{cap.id}].satisfied_by, add the system to "
                    f"nations[{nation.code}].systems, or remove the demand",
                )
            )
    return out


def check_demand_sources(s: Scenario) -> list[Problem]:
    """A demand with a positive quantity has a source: a producer offering a usable item,
    the nation's own stock of one, or a donor's stock of one."""
    ix = _Index(s)
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
        usable = [
            eq.item
            for eq in cap.satisfied_by
            if eq.item in ix.items and _usable(ix.items[eq.item], nation)
        ]
        if not usable:  # check_demand_usable_items
            continue
        if any(
            i in ix.producers_of or d.nation in held.get(i, set()) or i in donated for i in usable
        ):
            continue
        out.append(
            Problem(
                f"demands[{d.id}]",
                "",
                f"can never be met: no producer offers any item usable by {d.nation} for "
                f"'{cap.id}' ({_quote(usable)}), {d.nation} holds none in stock and no donor "
                "holds any",
                "add an offer of one of these items to a producer, or a stockpile of one "
                f"(held by {d.nation} or by a donor)",
            )
        )
    return out


# ---------------------------------------------------------------------------------------
# funds


def check_fund_key(s: Scenario) -> list[Problem]:
    """A GNI or GDP key has the figure for every member (not all 0); a custom key has a
    share for every member (not all 0); shares come only with a custom key."""
    ix = _Index(s)
    out: list[Problem] = []
    for f in s.funds:
        c = f.contribution
        if not isinstance(c, KeyRule):
            continue
        label = f"funds[{f.id}]"
        if c.basis == "custom":
            out.extend(_custom_key_problems(label, f.members, c))
        else:
            members = [ix.nations[m] for m in f.members if m in ix.nations]
            out.extend(_figure_key_problems(label, members, c))
    return out


def _custom_key_problems(label: str, members: list[str], key: KeyRule) -> list[Problem]:
    missing = [m for m in members if m not in key.shares]
    if missing:
        return [
            Problem(
                label,
                "contribution.shares",
                f"a custom key needs a share for every member; none for {_quote(missing)}",
                "add a share (a weight, normalised over the members) for each member",
            )
        ]
    if sum(key.shares[m] for m in members) <= 0:
        return [
            Problem(
                label,
                "contribution.shares",
                "every member's share is 0, so the key is undefined",
                "give at least one member a positive share",
            )
        ]
    return []


def _figure_key_problems(label: str, members: list[Nation], key: KeyRule) -> list[Problem]:
    basis = key.basis  # "gni" or "gdp": the Nation field of that name
    out: list[Problem] = []
    missing = [n.code for n in members if getattr(n, basis) is None]
    if missing:
        out.append(
            Problem(
                label,
                "contribution.basis",
                f"the key is based on {basis.upper()}, but member(s) {_quote(missing)} "
                f"have no {basis}",
                f"add {basis} to those nations, or use basis: custom with shares",
            )
        )
    elif members and sum(getattr(n, basis) for n in members) <= 0:
        out.append(
            Problem(
                label,
                "contribution.basis",
                f"every member's {basis} is 0, so the key is undefined",
                f"give the members' {basis} figures",
            )
        )
    if key.shares:
        out.append(
            Problem(
                label,
                "contribution.shares",
                f"shares are given but the basis is '{basis}', so they are ignored",
                "set basis: custom to use them, or remove shares",
            )
        )
    return out


def check_fund_pledges(s: Scenario) -> list[Problem]:
    """Voluntary pledges fit the fund: their minimums within the cap, their maximums (when
    every member has one) at least the committed size."""
    out: list[Problem] = []
    for f in s.funds:
        c = f.contribution
        if not isinstance(c, PledgeRule):
            continue
        label = f"funds[{f.id}]"
        pledges = {m: p for m, p in c.pledges.items() if m in f.members}
        least = sum(p.min for p in pledges.values())
        if f.cap is not None and least > f.cap:
            out.append(
                Problem(
                    label,
                    "contribution.pledges",
                    f"the members' minimum pledges add up to {_num(least)}, above the fund's "
                    f"cap ({_num(f.cap)}), so no contribution can satisfy both",
                    "lower the minimum pledges, or raise cap",
                )
            )
        maxima = [pledges[m].max if m in pledges else None for m in dict.fromkeys(f.members)]
        if all(x is not None for x in maxima):
            most = sum(x for x in maxima if x is not None)
            if most < f.committed:
                out.append(
                    Problem(
                        label,
                        "committed",
                        f"committed ({_num(f.committed)}) is above the sum of the members' "
                        f"maximum pledges ({_num(most)}), so it cannot be raised",
                        "lower committed, or raise the pledges' max",
                    )
                )
    return out


def check_fund_amounts(s: Scenario) -> list[Problem]:
    """A fund's committed size is within its cap."""
    return [
        Problem(
            f"funds[{f.id}]",
            "committed",
            f"committed ({_num(f.committed)}) is above cap ({_num(f.cap)}), so the members "
            "must pay in more than the fund may collect",
            "lower committed, or raise cap",
        )
        for f in s.funds
        if f.cap is not None and f.committed > f.cap
    ]


def check_fund_cofinancing(s: Scenario) -> list[Problem]:
    """``max_cofinancing_share`` only acts on a fund with the ``investment`` use."""
    return [
        Problem(
            f"funds[{f.id}]",
            "max_cofinancing_share",
            f"max_cofinancing_share is {f.max_cofinancing_share:g} but 'investment' is not in "
            f"uses ({_quote(f.uses)}), so it has no effect",
            "add 'investment' to uses, or remove max_cofinancing_share",
        )
        for f in s.funds
        if "investment" not in f.uses and f.max_cofinancing_share != 1
    ]


def check_fund_consortium(s: Scenario) -> list[Problem]:
    """A fund's minimum consortium size is reachable: at most the number of nations, and at
    least one nation can benefit."""
    ix = _Index(s)
    out: list[Problem] = []
    for f in s.funds:
        label = f"funds[{f.id}]"
        if f.min_nations_per_contract > len(ix.nations):
            out.append(
                Problem(
                    label,
                    "min_nations_per_contract",
                    f"the fund pays only for contracts with at least {f.min_nations_per_contract}"
                    f" nations, but the scenario has {len(ix.nations)}, so it pays for nothing",
                    "lower min_nations_per_contract, or add the nations",
                )
            )
        if f.eligible_beneficiaries is not None and not any(
            b in ix.nations for b in f.eligible_beneficiaries
        ):
            out.append(
                Problem(
                    label,
                    "eligible_beneficiaries",
                    "no nation of the scenario is an eligible beneficiary, so the fund pays "
                    "for nothing",
                    "list the nations whose orders the fund may pay for, or remove the field "
                    "(any nation)",
                )
            )
    return out


def check_fund_origin(s: Scenario) -> list[Problem]:
    """A fund's origin rule leaves at least one producer to buy from."""
    countries = sorted({p.country for p in s.producers})
    return [
        Problem(
            f"funds[{f.id}]",
            "eligible_producer_countries",
            f"no producer is located in {_quote(f.eligible_producer_countries)} (producers are "
            f"in {_quote(countries)}), so the fund can buy from no one",
            "add a producer country to the list, or remove the origin rule",
        )
        for f in s.funds
        if f.eligible_producer_countries is not None
        and s.producers
        and not set(f.eligible_producer_countries) & set(countries)
    ]


# ---------------------------------------------------------------------------------------
# numbers

QUANTITY_RANGE = 1e9
"""Largest ratio between a scenario's largest and smallest nonzero quantity (units)."""

MONEY_RANGE = 1e10
"""Largest ratio between a scenario's largest and smallest nonzero amount of money.

Wider than :data:`QUANTITY_RANGE`: budgets and fund sizes bound sums of many orders, so
they sit a few orders of magnitude above single prices in real scenarios."""

_Value = tuple[float, str, str]
"""(value, entry, field)."""


def _series_values(value: float | dict[str, float] | None, entry: str, name: str) -> list[_Value]:
    if isinstance(value, dict):
        return [(v, entry, f"{name}.{period}") for period, v in value.items()]
    return [] if value is None else [(value, entry, name)]


def _quantities(s: Scenario) -> list[_Value]:
    out: list[_Value] = [(d.quantity, f"demands[{d.id}]", "quantity") for d in s.demands]
    for _, o, label in _offers(s):
        out += _series_values(o.capacity, label, "capacity")
        out += [(o.min_order, label, "min_order")]
        out += _series_values(o.lot_size, label, "lot_size")
        out += [
            (t.min_volume, f"{label}.tiers[#{i + 1}]", "min_volume") for i, t in enumerate(o.tiers)
        ]
    out += [(e.added_capacity, f"expansions[{e.id}]", "added_capacity") for e in s.expansions]
    for st in s.stockpiles:
        label = _stock_label(st)
        out += [(st.on_hand, label, "on_hand")]
        out += _series_values(st.floor, label, "floor")
        out += _series_values(st.refill_target, label, "refill_target")
    for c in s.component_suppliers:
        out += _series_values(c.capacity, f"component_suppliers[{c.id}]", "capacity")
    return out


def _money(s: Scenario) -> list[_Value]:
    out: list[_Value] = []
    for n in s.nations:
        out += _series_values(n.budget, f"nations[{n.code}]", "budget")
        out += _series_values(n.budget_per_period, f"nations[{n.code}]", "budget_per_period")
    for d in s.demands:
        out += _series_values(d.shortfall_penalty, f"demands[{d.id}]", "shortfall_penalty")
        out += _series_values(d.lateness_penalty, f"demands[{d.id}]", "lateness_penalty")
    for st in s.stockpiles:
        label = _stock_label(st)
        for name in ("floor_penalty", "refill_penalty", "holding_cost", "unit_value"):
            out += _series_values(getattr(st, name), label, name)
    for _, o, label in _offers(s):
        for name in ("price", "contract_cost", "order_period_cost", "delivery_cost"):
            out += _series_values(getattr(o, name), label, name)
        out += _series_values(o.delivery_cost_to, label, "delivery_cost_to")
        out += [(t.price, f"{label}.tiers[#{i + 1}]", "price") for i, t in enumerate(o.tiers)]
    out += [(e.investment_cost, f"expansions[{e.id}]", "investment_cost") for e in s.expansions]
    for f in s.funds:
        out += _series_values(f.cap, f"funds[{f.id}]", "cap")
        out += [(f.committed, f"funds[{f.id}]", "committed")]
        if isinstance(f.contribution, PledgeRule):
            for member, pledge in f.contribution.pledges.items():
                out += _series_values(pledge.min, f"funds[{f.id}]", f"pledges.{member}.min")
                out += _series_values(pledge.max, f"funds[{f.id}]", f"pledges.{member}.max")
    if s.settings.objective == "weighted":  # the defaults enter only that objective
        for name in ("default_shortfall_penalty", "default_lateness_penalty"):
            out += [(getattr(s.settings, name), "settings", name)]
    return out


def _range_problem(values: list[_Value], limit: float, kind: str, unit: str) -> list[Problem]:
    nonzero = [v for v in values if v[0] > 0]
    if not nonzero:
        return []
    small = min(nonzero, key=lambda v: v[0])
    large = max(nonzero, key=lambda v: v[0])
    ratio = large[0] / small[0]
    if ratio <= limit:
        return []
    return [
        Problem(
            small[1],
            small[2],
            f"the {kind} span {ratio:.1e} {unit}: {_num(small[0])} here against "
            f"{_num(large[0])} at {large[1]}, field '{large[2]}'; above a spread of "
            f"{limit:.0e} the solver's tolerances blur the small numbers",
            f"raise this value to at least {_num(large[0] / limit)} or set it to 0, lower "
            "the large one, or count in another unit",
        )
    ]


def check_coefficient_range(s: Scenario) -> list[Problem]:
    """The scenario's nonzero quantities span at most :data:`QUANTITY_RANGE` and its
    amounts of money at most :data:`MONEY_RANGE`: the solver works in double precision
    with tolerances of about 1e-9, so wider spreads make its answer unreliable (a demand
    ignored, a cost rounded away). The problem names the smallest and the largest entry."""
    return _range_problem(_quantities(s), QUANTITY_RANGE, "quantities", "times") + _range_problem(
        _money(s), MONEY_RANGE, "amounts of money", "times"
    )


# ---------------------------------------------------------------------------------------
# settings


def check_lateness_weight(s: Scenario) -> list[Problem]:
    """Needs stage: a unit at its latest (``lateness_weight * max_lateness``) weighs less than
    a unit short, or a shortfall would be as good as a late delivery."""
    w = s.settings.lateness_weight
    late = [d for d in s.demands if w * d.max_lateness >= 1]
    if not late:
        return []
    worst = max(d.max_lateness for d in late)
    return [
        Problem(
            "settings",
            "lateness_weight",
            f"lateness_weight ({w:g}) times max_lateness reaches 1 for demand(s) "
            f"{_quote(f'{d.id} (max_lateness {d.max_lateness})' for d in late)}, so a unit "
            "delivered late would weigh as much as a unit never delivered",
            f"lower lateness_weight below 1/{worst} = {1 / worst:.3g}, or shorten those "
            "demands' max_lateness",
        )
    ]


def check_lateness_penalties(s: Scenario) -> list[Problem]:
    """Weighted objective: a unit at its latest costs less than a unit short
    (``lateness_penalty * max_lateness < shortfall_penalty``, defaults times priority)."""
    cfg = s.settings
    out: list[Problem] = []
    for d in s.demands:
        if d.max_lateness == 0:
            continue
        short, late = cfg.penalties(d)
        if late > 0 and late * d.max_lateness >= short:
            out.append(
                Problem(
                    f"demands[{d.id}]",
                    "lateness_penalty",
                    f"lateness_penalty ({_num(late)}) times max_lateness ({d.max_lateness}) is "
                    f"at least the shortfall_penalty ({_num(short)}), so a unit delivered late "
                    "would cost as much as a unit never delivered",
                    f"lower lateness_penalty below {_num(short / d.max_lateness)}, raise "
                    "shortfall_penalty, or shorten max_lateness",
                )
            )
    return out


# ---------------------------------------------------------------------------------------
# registry

CHECKS: dict[str, Check] = {
    fn.__name__.removeprefix("check_"): fn
    for fn in (
        # ids first: later checks resolve references by id
        check_duplicate_ids,
        check_duplicate_periods,
        check_period_order,
        check_duplicate_offers,
        check_duplicate_stockpiles,
        check_duplicate_fund_members,
        check_duplicate_equivalences,
        # references
        check_period_references,
        check_demand_references,
        check_capability_references,
        check_stockpile_references,
        check_offer_references,
        check_expansion_references,
        check_component_references,
        check_fund_references,
        # stockpiles
        check_stockpile_floor_start,
        check_refill_plan,
        check_refill_target_floor,
        check_floor_penalty,
        # industry
        check_tiers,
        check_tier_reachable,
        check_offer_capacity,
        check_expansion_window,
        check_component_supply,
        # needs
        check_item_usable,
        check_demand_usable_items,
        check_demand_sources,
        # funds
        check_fund_key,
        check_fund_pledges,
        check_fund_amounts,
        check_fund_cofinancing,
        check_fund_consortium,
        check_fund_origin,
        # numbers
        check_coefficient_range,
        # settings
        check_lateness_weight,
        check_lateness_penalties,
    )
}
"""Every consistency check by name, in the order :func:`check_scenario` runs them."""


def check_scenario(scenario: Scenario) -> list[Problem]:
    """Run every check of :data:`CHECKS`; return all problems, each tagged with its check."""
    return [
        dataclasses.replace(problem, check=name)
        for name, check in CHECKS.items()
        for problem in check(scenario)
    ]
