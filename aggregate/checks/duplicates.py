"""Checks that each id, period, offer, stockpile, fund member and equivalence is given
once, and that periods read in time order."""

from __future__ import annotations

import re
from collections import Counter

from aggregate import labels
from aggregate.checks.lookups import quoted, repeated
from aggregate.errors import Problem
from aggregate.schema import Scenario


def check_duplicate_ids(s: Scenario) -> list[Problem]:
    """Every nation code and every id of items, capabilities, demands, producers, expansions,
    components, component suppliers and funds is unique in its section."""
    sections: list[tuple[str, str, list[str]]] = [
        (labels.NATIONS, "code", [n.code for n in s.nations]),
        (labels.ITEMS, "id", [i.id for i in s.items]),
        (labels.CAPABILITIES, "id", [c.id for c in s.capabilities]),
        (labels.DEMANDS, "id", [d.id for d in s.demands]),
        (labels.PRODUCERS, "id", [p.id for p in s.producers]),
        (labels.EXPANSIONS, "id", [e.id for e in s.expansions]),
        (labels.COMPONENTS, "id", [c.id for c in s.components]),
        (labels.SUPPLIERS, "id", [c.id for c in s.component_suppliers]),
        (labels.FUNDS, "id", [f.id for f in s.funds]),
    ]
    return [
        Problem(
            labels.entry(section, ident),
            key,
            f"{n} entries of {section} share the {key} '{ident}'",
            f"give each entry its own {key}, or merge the {n} entries into one",
        )
        for section, key, ids in sections
        for ident, n in repeated(ids).items()
    ]


def check_duplicate_periods(s: Scenario) -> list[Problem]:
    """Each period label appears once in ``periods``."""
    dups = repeated(s.periods)
    if not dups:
        return []
    return [
        Problem(
            "scenario",
            "periods",
            f"period label(s) {quoted(dups)} appear more than once",
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
    if keys is None or repeated(s.periods):  # a repeated label is reported on its own
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
            labels.producer(p.id),
            "offers",
            f"item '{item}' is offered {n} times",
            "merge them into one offer per item (a second site is its own producer)",
        )
        for p in s.producers
        for item, n in repeated(o.item for o in p.offers).items()
    ]


def check_duplicate_stockpiles(s: Scenario) -> list[Problem]:
    """A nation has at most one stockpile per item."""
    counts = Counter((st.nation, st.item) for st in s.stockpiles)
    return [
        Problem(
            labels.stockpile(nation, item),
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
        dups = repeated(f.members)
        if dups:
            out.append(
                Problem(
                    labels.fund(f.id),
                    "members",
                    f"member(s) {quoted(dups)} are listed more than once",
                    "list each member once",
                )
            )
    return out


def check_duplicate_equivalences(s: Scenario) -> list[Problem]:
    """A capability lists each satisfying item once (one factor per item)."""
    out: list[Problem] = []
    for c in s.capabilities:
        dups = repeated(eq.item for eq in c.satisfied_by)
        if dups:
            out.append(
                Problem(
                    labels.capability(c.id),
                    "satisfied_by",
                    f"item(s) {quoted(dups)} are listed more than once",
                    "list each item once, with a single factor",
                )
            )
    return out
