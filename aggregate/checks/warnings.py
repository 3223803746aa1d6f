"""Warnings: patterns that are valid but usually a mistake of a first scenario.

A warning never stops a solve (the scenario means what it says); it says what the pattern
means and how to write the other reading. :func:`scenario_warnings` (public as
``aggregate.warnings``) runs every check of :data:`WARNINGS`; ``aggregate validate`` and
``aggregate solve`` print them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from aggregate import labels
from aggregate.checks.lookups import Index, quoted
from aggregate.errors import Problem
from aggregate.schema import Fund, Scenario


def _beneficiaries(s: Scenario, f: Fund) -> list[str]:
    """Nations whose orders the fund may pay for (its list, else every nation)."""
    if f.eligible_beneficiaries is not None:
        return list(f.eligible_beneficiaries)
    return [n.code for n in s.nations]


def _demanders(s: Scenario, items: list[str] | None = None) -> set[str]:
    """Nations with a positive demand (for a capability met by one of ``items``, if given)."""
    ix = Index(s)
    out: set[str] = set()
    for d in s.demands:
        cap = ix.capabilities.get(d.capability)
        if d.quantity <= 0 or cap is None:
            continue
        if items is None or any(eq.item in items for eq in cap.satisfied_by):
            out.add(d.nation)
    return out


def warn_fund_pays_for_nothing(s: Scenario) -> list[Problem]:
    """A fund whose members pay in but that has nothing it may pay for: no eligible
    beneficiary demands an eligible item, no stockpile to refill, no expansion to fund."""
    out: list[Problem] = []
    for f in s.funds:
        demanders = _demanders(s, f.eligible_items) & set(_beneficiaries(s, f))
        has_use = (
            ("procurement" in f.uses and demanders)
            or ("refill" in f.uses and s.stockpiles)
            or ("investment" in f.uses and s.expansions)
        )
        if has_use:
            continue
        out.append(
            Problem(
                labels.fund(f.id),
                "eligible_beneficiaries",
                f"the fund has members ({quoted(f.members)}) but nothing it may pay for: no "
                f"eligible beneficiary demands an eligible item (uses: {quoted(f.uses)}), so "
                "it collects and pays nothing",
                "list in eligible_beneficiaries the nations with demands the fund pays for "
                "(and check eligible_items), or remove the fund",
            )
        )
    return out


def warn_recipient_without_budget(s: Scenario) -> list[Problem]:
    """A nation with demands and no budget, that a fund may pay for while not paying into
    it: an absent budget is unlimited, so the nation pays for its own orders and the fund
    need not pay anything."""
    demanders = _demanders(s)
    out: list[Problem] = []
    for n in s.nations:
        if n.budget is not None or n.budget_per_period is not None or n.code not in demanders:
            continue
        funds = [
            f.id
            for f in s.funds
            if "procurement" in f.uses
            and n.code in _beneficiaries(s, f)
            and n.code not in f.members
        ]
        if not funds:
            continue
        out.append(
            Problem(
                labels.nation(n.code),
                "budget",
                f"{n.code} has no budget, and an absent budget means unlimited: {n.code} can "
                f"pay for all its own orders, so the funds that may pay for it "
                f"({quoted(funds)}) need not pay anything",
                f"write `budget: 0` if {n.code} pays for nothing itself, or its real budget",
            )
        )
    return out


def warn_item_unused(s: Scenario) -> list[Problem]:
    """An item that no demand can use (no demanded capability lists it) and no stockpile
    holds: nothing in the scenario will ever order it."""
    ix = Index(s)
    demanded = {d.capability for d in s.demands if d.quantity > 0}
    used = {eq.item for c in s.capabilities if c.id in demanded for eq in c.satisfied_by} | {
        st.item for st in s.stockpiles
    }
    return [
        Problem(
            labels.item(i),
            "",
            "no demand uses this item (no demanded capability lists it in satisfied_by) and "
            "no stockpile holds it, so it is never ordered",
            "add it to the satisfied_by of the capability it serves, or remove it",
        )
        for i in ix.items
        if i not in used
    ]


Warning = Callable[[Scenario], list[Problem]]
"""A warning check: every valid-but-doubtful pattern it finds in a scenario."""

WARNINGS: dict[str, Warning] = {
    fn.__name__.removeprefix("warn_"): fn
    for fn in (warn_recipient_without_budget, warn_fund_pays_for_nothing, warn_item_unused)
}
"""Every warning check by name, in the order :func:`scenario_warnings` runs them."""


def scenario_warnings(scenario: Scenario) -> list[Problem]:
    """Every warning of :data:`WARNINGS` about a valid scenario, each tagged with its name."""
    return [
        dataclasses.replace(problem, check=name)
        for name, warn in WARNINGS.items()
        for problem in warn(scenario)
    ]
