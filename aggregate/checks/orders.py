"""Checks of contracts over time: nations' commitments to an offer and orders already
placed before the plan."""

from __future__ import annotations

from collections import defaultdict

from aggregate import labels
from aggregate.checks.lookups import Index, labelled_offers, num, quoted, repeated, unknown_ref
from aggregate.errors import Problem
from aggregate.schema import Scenario
from aggregate.schema.scenario_index import index


def check_commitments(s: Scenario) -> list[Problem]:
    """A commitment names a nation of the scenario that may order the item (a stockpile of
    it, or a demand it meets that the nation can use), once per offer; its ``joins_from``
    is a period."""
    ix = Index(s)
    takers = index(s).takers
    out: list[Problem] = []
    for prod, o, label in labelled_offers(s):
        for n, times in repeated(c.nation for c in o.commitments).items():
            out.append(
                Problem(
                    label,
                    "commitments",
                    f"{times} commitments of nation {n}",
                    "give one commitment per nation: merge them",
                )
            )
        for c in o.commitments:
            if c.nation not in ix.nations:
                out.append(unknown_ref(label, "commitments", [c.nation], "nations", ix.nations))
                continue
            where = labels.commitment(prod.id, o.item, c.nation)
            if c.joins_from is not None and c.joins_from not in ix.periods:
                out.append(
                    unknown_ref(
                        where, "joins_from", [c.joins_from], "periods", s.periods, "a label"
                    )
                )
            if c.min_volume > 0 and c.nation not in takers.get(o.item, []):
                out.append(
                    Problem(
                        where,
                        "min_volume",
                        f"{c.nation} must order {num(c.min_volume)} units of '{o.item}' but "
                        "may order none: it has no stockpile of the item and no demand the "
                        "item meets that it can use",
                        "add the stockpile or demand the units are for, or set min_volume 0",
                    )
                )
    return out


def check_placed_orders(s: Scenario) -> list[Problem]:
    """A placed order names a producer offering its item, a nation, periods of the scenario,
    whole units of an indivisible item; the binding orders of an offer fit its base capacity
    in every period (summed to date for an offer that builds ahead) and, per producer and
    component, the capacity of the suppliers that serve it with every expansion (they
    arrive whatever the plan does)."""
    ix = Index(s)
    out: list[Problem] = []
    binding: defaultdict[tuple[str, str, str], float] = defaultdict(float)
    # what binding orders cost each nation, in total and per delivery period
    owed: defaultdict[tuple[str, str], float] = defaultdict(float)
    for ident, n in repeated(o.id for o in s.placed_orders).items():
        out.append(
            Problem(
                labels.placed_order(ident),
                "id",
                f"{n} entries of placed_orders share the id '{ident}'",
                f"give each entry its own id, or merge the {n} entries into one",
            )
        )
    for po in s.placed_orders:
        label = labels.placed_order(po.id)
        prod = ix.producers.get(po.producer)
        if prod is None:
            out.append(unknown_ref(label, "producer", [po.producer], "producers", ix.producers))
        elif po.item not in {o.item for o in prod.offers}:
            out.append(
                Problem(
                    label,
                    "item",
                    f"producer '{po.producer}' has no offer for item '{po.item}' (it offers "
                    f"{quoted(o.item for o in prod.offers)}); the order's deliveries take the "
                    "offer's capacity",
                    f"add an offer of '{po.item}' to {labels.producer(po.producer)}, or "
                    "correct producer or item",
                )
            )
        if po.nation not in ix.nations:
            out.append(unknown_ref(label, "nation", [po.nation], "nations", ix.nations))
        missing = [p for p in po.deliveries if p not in ix.periods]
        if missing:
            out.append(unknown_ref(label, "deliveries", missing, "periods", s.periods, "a label"))
        item = ix.items.get(po.item)
        if item is not None and item.indivisible:
            frac = [p for p, q in po.deliveries.items() if q != int(q)]
            if frac:
                out.append(
                    Problem(
                        label,
                        "deliveries",
                        f"'{po.item}' is indivisible but {quoted(frac)} deliver part units",
                        "give whole units",
                    )
                )
        if not po.cancellable:
            for p, q in po.deliveries.items():
                binding[po.producer, po.item, p] += q
                owed[po.nation, p] += q * po.price
    offers = {(p.id, o.item): o for p, o, _ in labelled_offers(s)}
    for (p, i, t), q in sorted(binding.items()):
        off = offers.get((p, i))
        if off is None or t not in ix.periods:
            continue  # reported above
        at = ix.periods[t]
        cap = ix.series(off.capacity)[at]
        if off.build_ahead:
            # made ahead: what binding orders deliver by t within the capacity up to t
            q = sum(
                v
                for (p2, i2, t2), v in binding.items()
                if (p2, i2) == (p, i) and t2 in ix.periods and ix.periods[t2] <= at
            )
            cap = sum(ix.series(off.capacity)[: at + 1])
        if q > cap:
            by = f"by {t}" if off.build_ahead else f"in {t}"
            out.append(
                Problem(
                    labels.offer(p, i),
                    f"capacity[{t}]",
                    f"the binding orders already placed deliver {num(q)} units {by}, above "
                    f"the capacity of {num(cap)}"
                    + (" up to then (the offer builds ahead)" if off.build_ahead else ""),
                    "raise the capacity of that period"
                    + (" or an earlier one" if off.build_ahead else "")
                    + ", or correct the placed orders' deliveries (or make one cancellable)",
                )
            )
    out += _placed_components(s, ix, binding)
    out += _placed_budgets(s, ix, owed)
    return out


def _placed_components(
    s: Scenario, ix: Index, binding: dict[tuple[str, str, str], float]
) -> list[Problem]:
    """Per producer, component and period: the components the binding placed orders need
    (to date for an item the producer builds ahead) within what the suppliers serving the
    producer can send, with every expansion of theirs. Necessary, not sufficient (suppliers
    shared between producers): a solve that still finds no plan says which limit binds."""
    items = {i.id: i for i in s.items}
    ahead = {(p.id, o.item) for p in s.producers for o in p.offers if o.build_ahead}
    added: defaultdict[str, float] = defaultdict(float)
    for e in s.expansions:
        if e.supplier is not None:
            added[e.supplier] += e.added_capacity
    need: defaultdict[tuple[str, str, int], float] = defaultdict(float)
    for (p, i, t), q in binding.items():
        item = items.get(i)
        if item is None or t not in ix.periods:
            continue  # reported above
        at = ix.periods[t]
        # an item made ahead takes its components in some period up to t: count them to date
        for c, per_unit in item.components.items():
            for later in range(at, len(ix.periods)) if (p, i) in ahead else [at]:
                need[p, c, later] += q * per_unit
    labels_of = list(ix.periods)
    out: list[Problem] = []
    for (p, c, at), q in sorted(need.items()):
        serving = [
            sup for sup in s.component_suppliers
            if sup.component == c and (not sup.serves or p in sup.serves)
        ]  # fmt: skip
        to_date = any((p, i) in ahead for (p2, i, _t) in binding if p2 == p)
        upto = range(at + 1) if to_date else [at]
        have = sum(ix.series(sup.capacity)[k] + added[sup.id] for sup in serving for k in upto)
        if q > have + 1e-9 * max(1.0, q):
            t = labels_of[at]
            out.append(
                Problem(
                    labels.producer(p),
                    "placed_orders",
                    f"the binding orders already placed with {p} need {num(q)} {c} "
                    f"{'by' if to_date else 'in'} {t}, above the {num(have)} its suppliers "
                    "can send with every expansion",
                    f"raise a {c} supplier's capacity, let one serve {p}, or correct the "
                    "placed orders' deliveries (or make one cancellable)",
                )
            )
    return out


def _placed_budgets(s: Scenario, ix: Index, owed: dict[tuple[str, str], float]) -> list[Problem]:
    """Binding placed orders within their nation's budget and budget per period (they are
    paid whatever the plan does)."""
    out: list[Problem] = []
    for code, nation in ix.nations.items():
        mine = {p: v for (n, p), v in owed.items() if n == code and p in ix.periods}
        total = sum(mine.values())
        label = labels.nation(code)
        if nation.budget is not None and total > nation.budget:
            out.append(
                Problem(
                    label,
                    "budget",
                    f"the binding orders already placed cost {num(total)}, above the budget "
                    f"of {num(nation.budget)}",
                    "raise the budget, or correct the placed orders (or make one cancellable)",
                )
            )
        if nation.budget_per_period is not None:
            limits = ix.series(nation.budget_per_period)
            over = [
                f"{p} ({num(v)} > {num(limits[ix.periods[p]])})"
                for p, v in sorted(mine.items(), key=lambda pv: ix.periods[pv[0]])
                if v > limits[ix.periods[p]]
            ]
            if over:
                out.append(
                    Problem(
                        label,
                        "budget_per_period",
                        "the binding orders already placed cost more than the period's "
                        f"budget in {', '.join(over)}",
                        "raise the budget of those periods, or correct the placed orders",
                    )
                )
    return out
