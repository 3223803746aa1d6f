"""Checks of funds: key shares and pledges are well formed, amounts and co-financing
rules can be met, consortium and origin rules leave something to buy; bilateral purchases
name another nation of the scenario, once, and items and producers that exist."""

from __future__ import annotations

from aggregate import labels
from aggregate.checks.lookups import Index, num, quoted, repeated, unknown_ref
from aggregate.errors import Problem
from aggregate.schema import Fund, KeyRule, Nation, PledgeRule, Scenario
from aggregate.schema.currency import in_reporting_currency
from aggregate.schema.facts import key_weights, supplier_value


def check_fund_key(s: Scenario) -> list[Problem]:
    """A GNI or GDP key has the figure for every member (not all 0); a custom key has a
    share for every member (not all 0); shares come only with a custom key."""
    ix = Index(s)
    out: list[Problem] = []
    for f in s.funds:
        c = f.contribution
        if not isinstance(c, KeyRule):
            continue
        label = labels.fund(f.id)
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
                f"a custom key needs a share for every member; none for {quoted(missing)}",
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
                f"the key is based on {basis.upper()}, but member(s) {quoted(missing)} "
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


def check_fund_key_cap(s: Scenario) -> list[Problem]:
    """A key's ``max_share`` leaves a key that sums to 1: the members with a positive weight
    (GNI, GDP or custom share), each at most the cap, must be able to carry the whole key
    (``cap * members >= 1``)."""
    ix = Index(s)
    out: list[Problem] = []
    for f in s.funds:
        c = f.contribution
        if not isinstance(c, KeyRule) or c.max_share is None:
            continue
        weights = key_weights(f, ix.nations) or {}
        members = len(weights)
        positive = sorted(m for m, w in weights.items() if w > 0)
        if c.max_share * members < 1 - 1e-12:
            why = (
                f"max_share {c.max_share:g} times the {members} member(s) is "
                f"{num(c.max_share * members)}, below 1: the shares cannot add up to the "
                "whole key"
            )
        elif positive and c.max_share * len(positive) < 1 - 1e-12:
            why = (
                f"only {quoted(positive)} have a positive key weight, and max_share "
                f"{c.max_share:g} times {len(positive)} is below 1: the rest of the key would "
                "fall on members whose weight is 0"
            )
        else:
            continue
        out.append(
            Problem(
                labels.fund(f.id),
                "contribution.max_share",
                why,
                f"raise max_share to at least 1/{len(positive) or members}, or add members "
                "with a key weight",
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
        label = labels.fund(f.id)
        pledges = {m: p for m, p in c.pledges.items() if m in f.members}
        least = sum(p.min for p in pledges.values())
        if f.cap is not None and least > f.cap:
            out.append(
                Problem(
                    label,
                    "contribution.pledges",
                    f"the members' minimum pledges add up to {num(least)}, above the fund's "
                    f"cap ({num(f.cap)}), so no contribution can satisfy both",
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
                        f"committed ({num(f.committed)}) is above the sum of the members' "
                        f"maximum pledges ({num(most)}), so it cannot be raised",
                        "lower committed, or raise the pledges' max",
                    )
                )
    return out


def check_fund_amounts(s: Scenario) -> list[Problem]:
    """A fund's committed size is within its cap."""
    return [
        Problem(
            labels.fund(f.id),
            "committed",
            f"committed ({num(f.committed)}) is above cap ({num(f.cap)}), so the members "
            "must pay in more than the fund may collect",
            "lower committed, or raise cap",
        )
        for f in s.funds
        if f.cap is not None and f.committed > f.cap
    ]


def check_fund_window(s: Scenario) -> list[Problem]:
    """A fund opens no later than it closes; its tranches fall in its open periods and add
    up to at least its committed size, both in the reporting currency (periods not in
    ``periods`` are reported by ``check_period_references``)."""
    at = {p: t for t, p in enumerate(s.periods)}
    out: list[Problem] = []
    # the same funds in the reporting currency, for the money comparison (same order)
    for f, g in zip(s.funds, in_reporting_currency(s).funds, strict=True):
        label = labels.fund(f.id)
        first = at.get(f.opens, -1) if f.opens is not None else 0
        last = at.get(f.closes, -1) if f.closes is not None else len(s.periods) - 1
        if f.opens is not None and f.closes is not None and 0 <= last < first:
            out.append(
                Problem(
                    label,
                    "closes",
                    f"the fund closes in {f.closes}, before it opens in {f.opens}, so it is "
                    "never open",
                    "swap opens and closes, or move one of them",
                )
            )
            continue
        if f.tranches is None:
            continue
        outside = [
            p
            for p in f.tranches
            if p in at and first >= 0 and last >= 0 and not first <= at[p] <= last
        ]
        if outside:
            out.append(
                Problem(
                    label,
                    "tranches",
                    f"tranche(s) in {quoted(outside)} fall outside the fund's open periods "
                    f"({s.periods[first] if first >= 0 else f.opens} to "
                    f"{s.periods[last] if last >= 0 else f.closes}), where it collects nothing",
                    "move the tranches into the open periods, or widen opens/closes",
                )
            )
        # compared in the reporting currency: each tranche is converted at its own
        # period's rate, committed at the first period's (schema/currency.py)
        total = sum((g.tranches or {}).values())
        if total < g.committed:
            out.append(
                Problem(
                    label,
                    "tranches",
                    f"the tranches add up to {num(total)}, below committed "
                    f"({num(g.committed)}){_converted_note(s, f)}, so the members cannot pay "
                    "in the committed size",
                    "raise the tranches, or lower committed",
                )
            )
    return out


def _converted_note(s: Scenario, f: Fund) -> str:
    """Names the two currencies of a fund's amounts compared in the reporting currency
    (empty for a fund in the reporting currency, or one whose currency has no rate)."""
    if f.currency is None or f.currency == s.currency or f.currency not in s.exchange_rates:
        return ""
    return (
        f" ({s.currency}, converted from the fund's {f.currency}: each tranche at its own "
        "period's rate, committed at the first period's)"
    )


def check_fund_cofinancing(s: Scenario) -> list[Problem]:
    """``max_cofinancing_share`` only acts on a fund with the ``investment`` use."""
    return [
        Problem(
            labels.fund(f.id),
            "max_cofinancing_share",
            f"max_cofinancing_share is {f.max_cofinancing_share:g} but 'investment' is not in "
            f"uses ({quoted(f.uses)}), so it has no effect",
            "add 'investment' to uses, or remove max_cofinancing_share",
        )
        for f in s.funds
        if "investment" not in f.uses and f.max_cofinancing_share != 1
    ]


def check_fund_procurement_share(s: Scenario) -> list[Problem]:
    """``max_procurement_share`` only acts on a fund with the ``procurement`` use."""
    return [
        Problem(
            labels.fund(f.id),
            "max_procurement_share",
            f"max_procurement_share is {f.max_procurement_share:g} but 'procurement' is not "
            f"in uses ({quoted(f.uses)}), so it has no effect",
            "add 'procurement' to uses, or remove max_procurement_share",
        )
        for f in s.funds
        if "procurement" not in f.uses and f.max_procurement_share != 1
    ]


def check_fund_component_origin(s: Scenario) -> list[Problem]:
    """Under a fund's ``component_origin`` rule every component supplier has a value (its
    ``price``, or its component's ``value``) and a country: the rule weighs each supplier's
    feeds by value, and a supplier without a country would silently count as outside."""
    ruled = [f.id for f in s.funds if f.component_origin is not None]
    if not ruled:
        return []
    components = {c.id: c for c in s.components}
    out: list[Problem] = []
    for sup in s.component_suppliers:
        label = labels.supplier(sup.id)
        if supplier_value(sup, components.get(sup.component)) is None:
            out.append(
                Problem(
                    label,
                    "price",
                    f"no price, and component {sup.component!r} has no value, but the "
                    f"component_origin rule of {quoted(ruled)} weighs feeds by their value",
                    "give the supplier a price (currency per unit), or the component a value",
                )
            )
        if sup.country is None:
            out.append(
                Problem(
                    label,
                    "country",
                    f"no country, so the component_origin rule of {quoted(ruled)} counts its "
                    "feeds as outside",
                    "give the supplier's country (ISO alpha-3)",
                )
            )
    return out


def check_fund_consortium(s: Scenario) -> list[Problem]:
    """A fund's minimum consortium size is reachable: at most the number of nations, and at
    least one nation can benefit."""
    ix = Index(s)
    out: list[Problem] = []
    for f in s.funds:
        label = labels.fund(f.id)
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
            labels.fund(f.id),
            "eligible_producer_countries",
            f"no producer is located in {quoted(f.eligible_producer_countries)} (producers are "
            f"in {quoted(countries)}), so the fund can buy from no one",
            "add a producer country to the list, or remove the origin rule",
        )
        for f in s.funds
        if f.eligible_producer_countries is not None
        and s.producers
        and not set(f.eligible_producer_countries) & set(countries)
    ]


def check_bilateral_purchases(s: Scenario) -> list[Problem]:
    """A nation's bilateral purchase names another nation of the scenario as beneficiary,
    each beneficiary once, items of the scenario, and producer countries that have a
    producer."""
    ix = Index(s)
    countries = sorted({p.country for p in s.producers})
    out: list[Problem] = []
    for n in s.nations:
        where = labels.nation(n.code)
        for code, times in repeated(p.beneficiary for p in n.buys_for).items():
            out.append(
                Problem(
                    labels.buys_for(n.code, code),
                    "beneficiary",
                    f"{n.code} buys for {code} in {times} entries, so which ceiling and rules "
                    "apply is ambiguous",
                    "merge them into one entry per beneficiary",
                )
            )
        for b in n.buys_for:
            label = labels.buys_for(n.code, b.beneficiary)
            if b.beneficiary == n.code:
                out.append(
                    Problem(
                        label,
                        "beneficiary",
                        f"{n.code} buys for itself; its own orders are paid from its budget",
                        f"name another nation, or remove the entry from {where}.buys_for",
                    )
                )
            elif b.beneficiary not in ix.nations:
                out.append(
                    unknown_ref(label, "beneficiary", [b.beneficiary], "nations", ix.nations)
                )
            unknown = [i for i in b.eligible_items or [] if i not in ix.items]
            if unknown:
                out.append(unknown_ref(label, "eligible_items", unknown, "items", ix.items))
            origin = b.eligible_producer_countries
            if origin is not None and s.producers and not set(origin) & set(countries):
                out.append(
                    Problem(
                        label,
                        "eligible_producer_countries",
                        f"no producer is located in {quoted(origin)} (producers are in "
                        f"{quoted(countries)}), so {n.code} can buy from no one",
                        "add a producer country to the list, or remove the origin rule",
                    )
                )
    return out


def check_fund_packages(s: Scenario) -> list[Problem]:
    """A fund paying in whole packages can pay for at least one: its ``package_size`` is
    within its cap (both in the fund's currency)."""
    return [
        Problem(
            labels.fund(f.id),
            "package_size",
            f"package_size ({num(f.package_size)}) is above cap ({num(f.cap)}), so the fund "
            "cannot pay for a single package",
            "lower package_size, or raise cap",
        )
        for f in s.funds
        if f.package_size is not None and f.cap is not None and f.package_size > f.cap
    ]


def check_fund_loans(s: Scenario) -> list[Problem]:
    """Loan terms only on a loan fund; a loan fund lends for procurement only (who would owe
    an investment or a refill reimbursement back is not modelled)."""
    out: list[Problem] = []
    for f in s.funds:
        label = labels.fund(f.id)
        if f.kind == "grant":
            stated = [
                name
                for name, given in (
                    ("interest_rate", f.interest_rate != 0),
                    ("repayment_start", f.repayment_start is not None),
                    ("repayment_periods", f.repayment_periods != 1),
                )
                if given
            ]
            if stated:
                out.append(
                    Problem(
                        label,
                        stated[0],
                        f"{', '.join(stated)} given but the fund is a grant (kind: grant), so "
                        "nothing is repaid",
                        "set kind: loan, or remove the loan terms",
                    )
                )
        elif other := [u for u in f.uses if u != "procurement"]:
            out.append(
                Problem(
                    label,
                    "uses",
                    f"a loan fund lends for procurement only, but uses has {quoted(other)}",
                    "remove those uses, or make them a separate grant fund",
                )
            )
    return out
