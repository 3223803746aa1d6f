"""Checks that every reference names an entry the scenario defines: periods, nations,
items, capabilities, producers, components and fund members."""

from __future__ import annotations

from aggregate import labels
from aggregate.checks.lookups import (
    Index,
    labelled_offers,
    quoted,
    series_keys,
    unknown_ref,
)
from aggregate.errors import Problem
from aggregate.schema import KeyRule, Scenario


def check_period_references(s: Scenario) -> list[Problem]:
    """Every period named anywhere (demand periods, refill dates, expansion windows, funds'
    open windows and tranches, loans' repayment starts and the keys of every per-period
    series) is one of ``periods``."""
    ix = Index(s)
    refs: list[tuple[str, str, list[str]]] = []
    for d in s.demands:
        refs.append((labels.demand(d.id), "period", [d.period]))
    for st in s.stockpiles:
        label = labels.stockpile(st.nation, st.item)
        refs.append((label, "refill_by", [st.refill_by] if st.refill_by is not None else []))
        refs.append((label, "floor", series_keys(st.floor)))
        refs.append((label, "holding_cost", series_keys(st.holding_cost)))
    for n in s.nations:
        refs.append((labels.nation(n.code), "budget_per_period", series_keys(n.budget_per_period)))
    for _, o, label in labelled_offers(s):
        refs.append((label, "capacity", series_keys(o.capacity)))
        refs.append((label, "order_period_cost", series_keys(o.order_period_cost)))
        refs.append((label, "price", series_keys(o.price)))
        for k, t in enumerate(o.tiers, 1):
            refs.append((labels.field(label, "tiers", f"#{k}"), "price", series_keys(t.price)))
    for e in s.expansions:
        for field, value in (
            ("earliest_start", e.earliest_start),
            ("latest_start", e.latest_start),
        ):
            refs.append((labels.expansion(e.id), field, [value] if value is not None else []))
    for c in s.component_suppliers:
        refs.append((labels.supplier(c.id), "capacity", series_keys(c.capacity)))
    for f in s.funds:
        start = [f.repayment_start] if f.repayment_start is not None else []
        refs.append((labels.fund(f.id), "repayment_start", start))
        for field, value in (("opens", f.opens), ("closes", f.closes)):
            refs.append((labels.fund(f.id), field, [value] if value is not None else []))
        refs.append((labels.fund(f.id), "tranches", list(f.tranches or {})))
    out: list[Problem] = []
    for entry, field, named in refs:
        missing = [p for p in named if p not in ix.periods]
        if missing:
            out.append(unknown_ref(entry, field, missing, "periods", s.periods, "a label"))
    return out


def check_demand_references(s: Scenario) -> list[Problem]:
    """A demand's nation and capability exist."""
    ix = Index(s)
    out: list[Problem] = []
    for d in s.demands:
        if d.nation not in ix.nations:
            out.append(
                unknown_ref(labels.demand(d.id), "nation", [d.nation], "nations", ix.nations)
            )
        if d.capability not in ix.capabilities:
            out.append(
                unknown_ref(
                    labels.demand(d.id),
                    "capability",
                    [d.capability],
                    "capabilities",
                    ix.capabilities,
                )
            )
    return out


def check_capability_references(s: Scenario) -> list[Problem]:
    """The items that satisfy a capability exist."""
    ix = Index(s)
    out: list[Problem] = []
    for c in s.capabilities:
        missing = [eq.item for eq in c.satisfied_by if eq.item not in ix.items]
        if missing:
            out.append(
                unknown_ref(labels.capability(c.id), "satisfied_by", missing, "items", ix.items)
            )
    return out


def check_stockpile_references(s: Scenario) -> list[Problem]:
    """A stockpile's nation and item exist."""
    ix = Index(s)
    out: list[Problem] = []
    for st in s.stockpiles:
        label = labels.stockpile(st.nation, st.item)
        if st.nation not in ix.nations:
            out.append(unknown_ref(label, "nation", [st.nation], "nations", ix.nations))
        if st.item not in ix.items:
            out.append(unknown_ref(label, "item", [st.item], "items", ix.items))
    return out


def check_offer_references(s: Scenario) -> list[Problem]:
    """An offer's item exists, its ``delivery_cost_to``, ``fixed_costs_*``, ``buyers`` and
    ``excluded_buyers`` name nations."""
    ix = Index(s)
    out: list[Problem] = []
    for _, o, label in labelled_offers(s):
        if o.item not in ix.items:
            out.append(unknown_ref(label, "item", [o.item], "items", ix.items))
        missing = [n for n in o.delivery_cost_to if n not in ix.nations]
        if missing:
            out.append(unknown_ref(label, "delivery_cost_to", missing, "nations", ix.nations))
        for field, payers in (
            ("fixed_costs_paid_by", [o.fixed_costs_paid_by] if o.fixed_costs_paid_by else []),
            ("fixed_costs_split", list(o.fixed_costs_split)),
            ("buyers", list(o.buyers or [])),
            ("excluded_buyers", list(o.excluded_buyers)),
        ):
            missing = [n for n in payers if n not in ix.nations]
            if missing:
                out.append(unknown_ref(label, field, missing, "nations", ix.nations))
    return out


def check_expansion_references(s: Scenario) -> list[Problem]:
    """An expansion's producer and item exist and the producer offers the item (or its
    component supplier exists), the sponsor is a nation, and the step it comes after
    (``after``) is an expansion."""
    ix = Index(s)
    suppliers = [c.id for c in s.component_suppliers]
    ids = [x.id for x in s.expansions]
    out: list[Problem] = []
    for e in s.expansions:
        label = labels.expansion(e.id)
        if e.sponsor is not None and e.sponsor not in ix.nations:
            out.append(unknown_ref(label, "sponsor", [e.sponsor], "nations", ix.nations))
        if e.after is not None and e.after not in ids:
            out.append(unknown_ref(label, "after", [e.after], "expansions", ids))
        if e.supplier is not None:
            if e.supplier not in suppliers:
                out.append(
                    unknown_ref(label, "supplier", [e.supplier], "component_suppliers", suppliers)
                )
            continue
        if e.producer is None or e.item is None:  # the schema requires both
            continue
        producer = ix.producers.get(e.producer)
        if producer is None:
            out.append(unknown_ref(label, "producer", [e.producer], "producers", ix.producers))
        if e.item not in ix.items:
            out.append(unknown_ref(label, "item", [e.item], "items", ix.items))
        elif producer is not None and e.item not in {o.item for o in producer.offers}:
            out.append(
                Problem(
                    label,
                    "item",
                    f"producer '{e.producer}' has no offer for item '{e.item}' (it offers "
                    f"{quoted(o.item for o in producer.offers)}), so the added capacity "
                    "could not be used",
                    f"add an offer of '{e.item}' to {labels.producer(e.producer)}, or change item",
                )
            )
    return out


def check_component_references(s: Scenario) -> list[Problem]:
    """Items' bills of materials name components; suppliers name a component and producers."""
    ix = Index(s)
    out: list[Problem] = []
    for i in s.items:
        missing = [c for c in i.components if c not in ix.components]
        if missing:
            out.append(
                unknown_ref(
                    labels.item(i.id), "components", missing, "components", sorted(ix.components)
                )
            )
    for c in s.component_suppliers:
        label = labels.supplier(c.id)
        if c.component not in ix.components:
            out.append(
                unknown_ref(label, "component", [c.component], "components", sorted(ix.components))
            )
        missing = [p for p in c.serves if p not in ix.producers]
        if missing:
            out.append(unknown_ref(label, "serves", missing, "producers", ix.producers))
    return out


def check_fund_references(s: Scenario) -> list[Problem]:
    """A fund's members and eligible beneficiaries are nations, its eligible items are
    items; key shares and pledges name members."""
    ix = Index(s)
    out: list[Problem] = []
    for f in s.funds:
        label = labels.fund(f.id)
        missing = [m for m in f.members if m not in ix.nations]
        if missing:
            out.append(unknown_ref(label, "members", missing, "nations", ix.nations))
        missing = [b for b in f.eligible_beneficiaries or [] if b not in ix.nations]
        if missing:
            out.append(unknown_ref(label, "eligible_beneficiaries", missing, "nations", ix.nations))
        missing = [i for i in f.eligible_items or [] if i not in ix.items]
        if missing:
            out.append(unknown_ref(label, "eligible_items", missing, "items", ix.items))
        c = f.contribution
        keys, field = (
            (list(c.shares), "contribution.shares")
            if isinstance(c, KeyRule)
            else (list(c.pledges), "contribution.pledges")
        )
        strangers = [k for k in keys if k not in f.members]
        if strangers:
            out.append(unknown_ref(label, field, strangers, f"the members of {label}", f.members))
    return out
