"""Sustainment checks: units worn out and spares drawn by use, the worn pool, repairs.

Each ``check_*`` function reads the :class:`~aggregate.verify.plan.Plan` and returns the
violations of its rules (names in :data:`aggregate.verify.rules.RULES`). The rates come
from the scenario's ``sustainment`` block alone
(:func:`~aggregate.schema.facts.consumption`), the quantities from the tables.
"""

from __future__ import annotations

from collections import defaultdict

from aggregate import labels
from aggregate.schema import expand
from aggregate.schema.facts import consumption
from aggregate.verify.cells import num
from aggregate.verify.outcome import Violation
from aggregate.verify.plan import Plan


def _expected(plan: Plan, kind: str) -> dict[tuple[str, str, str], float]:
    """(nation, item, period) -> units worn out (``wear``) or spares drawn (``spares``):
    the units of each wearing item the supply table draws, over its uses per unit."""
    out: dict[tuple[str, str, str], float] = defaultdict(float)
    for (n, i), by in consumption(plan.ix.scenario, kind).items():
        for u, rate in by.items():
            for period in plan.ix.periods:
                out[n, i, period] += rate * plan.drawn.get((n, u, period), 0.0)
    return out


def check_wear(plan: Plan) -> list[Violation]:
    """``worn_from_use`` and ``spares_from_use``: the inventory's worn and spares_drawn
    columns are the use of the wearing item over its ``uses_per_unit``;
    ``worn_pool_balance``: the pool of worn units grows by units worn out and shrinks by
    units repair shops take in (opening at 0); ``repair_within_pool``: it never falls below
    0 (a shop repairs only units worn so far)."""
    ix, found = plan.ix, []
    taken: dict[tuple[str, str, str], float] = defaultdict(float)
    for r in plan.rows("repairs"):
        taken[r["nation"], r["item"], r["period"]] += r["quantity"]
    worn, spares = _expected(plan, "wear"), _expected(plan, "spares")
    pairs = {(n, i) for n, i, _ in plan.inventory} | {(n, i) for n, i, _ in worn}
    for n, i in sorted(pairs):
        entity = labels.stockpile(n, i)
        pool = 0.0
        for period in ix.periods:
            r = plan.stock(n, i, period)
            key = (n, i, period)
            for rule, column, expected in (
                ("worn_from_use", "worn", worn.get(key, 0.0)),
                ("spares_from_use", "spares_drawn", spares.get(key, 0.0)),
            ):
                if (gap := plan.gap(r[column], expected)) is not None:
                    message = f"{column} {num(r[column])}, use gives {num(expected)}"
                    found.append(Violation(rule, entity, period, message, gap))
            pool += r["worn"] - taken.get(key, 0.0)
            if (gap := plan.gap(r["worn_pool"], pool)) is not None:
                message = (
                    f"worn_pool {num(r['worn_pool'])}, previous + worn - taken in for repair "
                    f"= {num(pool)}"
                )
                found.append(Violation("worn_pool_balance", entity, period, message, gap))
            if pool < -plan.tol:
                message = f"repairs take in {num(-pool)} more units than have worn out"
                found.append(Violation("repair_within_pool", entity, period, message, -pool))
            pool = r["worn_pool"]
    return found


def check_repairs(plan: Plan) -> list[Violation]:
    """``repair_record``: a shop of the scenario repairs an item it lists, worn by a nation
    it serves; ``repair_return``: units return ``repair_time + transport_time`` periods after
    they are taken in, and the inventory's repaired column is what returns;
    ``repair_cost``: (cost + transport_cost) * quantity; ``repair_capacity_upper``: a shop
    takes in at most its capacity per period."""
    ix, found = plan.ix, []
    block = ix.scenario.sustainment
    shops = {s.id: s for s in block.repair_shops} if block is not None else {}
    wear = consumption(ix.scenario, "wear")
    load: dict[tuple[str, str], float] = defaultdict(float)
    back: dict[tuple[str, str, str], float] = defaultdict(float)
    for k, r in enumerate(plan.rows("repairs")):
        entity = labels.row("repairs", k)
        s, n, i, period, q = r["shop"], r["nation"], r["item"], r["period"], r["quantity"]

        def add(
            rule: str, message: str, excess: float, entity: str = entity, period: str = period
        ) -> None:
            found.append(Violation(rule, entity, period, message, excess))

        shop = shops.get(s)
        if shop is None:
            add("repair_record", f"{s} is not a repair shop of the scenario", q)
            continue
        if i not in shop.items or (n, i) not in wear:
            add("repair_record", f"{s} does not repair {i}, or {n}'s use does not wear it", q)
        if shop.serves and n not in shop.serves:
            add("repair_record", f"{s} does not serve {n}", q)
        turnaround = shop.repair_time + shop.transport_time
        t = ix.t[period] + turnaround
        expected = ix.periods[t] if t < len(ix.periods) else ""
        if r["returned"] != expected:
            message = f"returned {r['returned']!r}, {turnaround} periods later is {expected!r}"
            add("repair_return", message, q)
        elif expected:
            back[n, i, expected] += q
        cost = (shop.cost + shop.transport_cost) * q
        if (gap := plan.gap(r["repair_cost"], cost)) is not None:
            message = (
                f"repair_cost {num(r['repair_cost'])}, (cost + transport) * quantity {num(cost)}"
            )
            add("repair_cost", message, gap)
        load[s, period] += q
    for (s, period), q in sorted(load.items()):
        cap = expand(shops[s].capacity, ix.periods)[ix.t[period]]
        if (over := plan.excess(q, cap)) is not None:
            message = f"takes in {num(q)}, capacity {num(cap)}"
            found.append(
                Violation("repair_capacity_upper", labels.repair_shop(s), period, message, over)
            )
    for (n, i, period), r in sorted(plan.inventory.items()):
        expected_back = back.get((n, i, period), 0.0)
        if (gap := plan.gap(r["repaired"], expected_back)) is not None:
            message = f"repaired {num(r['repaired'])}, repairs returning {num(expected_back)}"
            found.append(Violation("repair_return", labels.stockpile(n, i), period, message, gap))
    for (n, i, period), q in sorted(back.items()):
        if (n, i, period) not in plan.inventory:
            message = f"no inventory row for {num(q)} repaired units returning"
            found.append(Violation("repair_return", labels.stockpile(n, i), period, message, q))
    return found
