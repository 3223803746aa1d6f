"""What every check needs: lookups over a scenario built once per check, the offers with
their labels (:mod:`aggregate.labels`), references to ids that do not exist, and numbers
written for people."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import TypeVar

from aggregate import hints, labels
from aggregate.errors import Problem, shorten
from aggregate.schema import (
    Capability,
    Expansion,
    Item,
    Nation,
    Offer,
    Producer,
    Scenario,
    expand,
)
from aggregate.schema.facts import Build, added_capacity

_T = TypeVar("_T")


class Index:
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
        return first_by(self.s.nations, lambda n: n.code)

    @cached_property
    def items(self) -> dict[str, Item]:
        return first_by(self.s.items, lambda i: i.id)

    @cached_property
    def capabilities(self) -> dict[str, Capability]:
        return first_by(self.s.capabilities, lambda c: c.id)

    @cached_property
    def producers(self) -> dict[str, Producer]:
        return first_by(self.s.producers, lambda p: p.id)

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
        """(producer id, item id) -> expansion options (not component suppliers')."""
        out: dict[tuple[str, str], list[Expansion]] = {}
        for e in self.s.expansions:
            if e.producer is not None and e.item is not None:
                out.setdefault((e.producer, e.item), []).append(e)
        return out

    def series(self, value: float | dict[str, float]) -> list[float]:
        """A per-period value as one number per period."""
        return expand(value, self.s.periods)

    def max_volume(self, producer: Producer, offer: Offer) -> float:
        """Most an offer can deliver over the horizon: its capacity in every period, plus
        every expansion of it started as early as allowed."""
        builds: list[Build] = []
        for e in self.expansions_of.get((producer.id, offer.item), []):
            # an unknown period is reported by check_period_references: start at the first
            start = self.periods.get(e.earliest_start, 0) if e.earliest_start else 0
            builds.append(
                (producer.id, offer.item, e.added_capacity, start + e.lead_periods, e.ramp)
            )
        added = added_capacity(builds, len(self.s.periods))
        return sum(self.series(offer.capacity)) + sum(added.values())


def first_by(entries: Iterable[_T], key: Callable[[_T], str]) -> dict[str, _T]:
    """``entries`` by ``key``; the first entry wins on a duplicate key."""
    out: dict[str, _T] = {}
    for e in entries:
        out.setdefault(key(e), e)
    return out


def labelled_offers(s: Scenario) -> Iterable[tuple[Producer, Offer, str]]:
    """Every (producer, offer, label) of the scenario."""
    for p in s.producers:
        for o in p.offers:
            yield p, o, labels.offer(p.id, o.item)


def num(x: float) -> str:
    """A readable number: ``50,000`` or ``1.5e+09``."""
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:.6g}"


def quoted(values: Iterable[str], limit: int = 8) -> str:
    """``'A', 'B', 'C'``; long lists end in ``and 5 more``."""
    vals = list(values)
    if not vals:
        return "none"
    shown = ", ".join(f"'{shorten(v)}'" for v in vals[:limit])
    return shown if len(vals) <= limit else f"{shown} and {len(vals) - limit} more"


def unknown_ref(
    entry: str,
    field: str,
    missing: list[str],
    section: str,
    valid: Iterable[str],
    noun: str = "an id",
) -> Problem:
    """A reference (or several) to ids that ``section`` does not define."""
    verb = "is" if len(missing) == 1 else "are"
    options = list(valid)
    meant = {m: hints.closest(m, options) for m in missing}
    guesses = [f"'{g}' for '{shorten(m)}'" for m, g in meant.items() if g is not None and g != m]
    if len(missing) == 1 and guesses:
        guesses = [f"'{meant[missing[0]]}'"]
    hint = f"did you mean {', '.join(guesses)}? " if guesses else ""
    fix = f"use {noun} of {section} (check spelling and case), or add the missing one to {section}"
    if len(missing) == 1 and guesses:
        fix = f"write '{meant[missing[0]]}', or add '{shorten(missing[0])}' to {section}"
    return Problem(
        entry,
        field,
        f"{quoted(missing)} {verb} not in {section} ({hint}valid: {quoted(options)})",
        fix,
    )


def series_keys(value: float | dict[str, float] | None) -> list[str]:
    """The period labels a per-period value names (none for a single number)."""
    return list(value) if isinstance(value, dict) else []


def repeated(values: Iterable[str]) -> dict[str, int]:
    """Values given more than once, with how often."""
    return {v: n for v, n in Counter(values).items() if n > 1}
