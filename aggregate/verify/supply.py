"""Supply checks: orders, contracts, capacity, investments and components.

Each ``check_*`` function reads the :class:`~aggregate.verify.plan.Plan` and returns the
violations of its rule family (names in :data:`aggregate.verify.rules.RULES`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from aggregate import labels
from aggregate.schema import facts
from aggregate.verify.cells import NAN, blank, num, records, sums, whole
from aggregate.verify.outcome import Violation
from aggregate.verify.plan import Plan

# --- orders and contracts -------------------------------------------------------------


def check_orders(plan: Plan) -> list[Violation]:
    """Each order row: lead time, lots, costs, compatibility, route, tier price, label."""
    ix, found = plan.ix, []
    for r in plan.rows("orders"):
        p, i, n, a = r["producer"], r["item"], r["nation"], r["arrival_period"]
        offer = ix.offers[(p, i)]
        entity = labels.route(p, i, n)

        def add(rule: str, message: str, excess: float, entity: str = entity, a: str = a) -> None:
            found.append(Violation(rule, entity, a, message, excess))

        lead = offer.lead_time
        o_idx, a_idx = ix.t.get(r["order_period"]), ix.t[a]
        if o_idx is None:
            add(
                "order_period_horizon",
                f"order period {r['order_period']!r} is not a period of the scenario "
                f"(an arrival in {a} is ordered {lead} period(s) earlier)",
                max(0, lead - a_idx),
            )
        elif a_idx - o_idx != lead:
            add(
                "order_lead_time",
                f"ordered in {r['order_period']}, arrives {a_idx - o_idx} period(s) later; "
                f"the lead time is {lead}",
                abs(a_idx - o_idx - lead),
            )
        q, lots = r["quantity"], r["lots"]
        if offer.lot_size is None:
            if not blank(lots):
                add("order_lots", f"lots {num(lots)} given but the offer has no lot size", NAN)
        elif not math.isfinite(lots) or plan.gap(lots, round(lots)) is not None:
            add("order_lots", f"lots {lots} is not a whole number", NAN)
        elif (gap := plan.gap(q, lots * offer.lot_size)) is not None:
            add(
                "order_lots",
                f"quantity {num(q)} != {num(lots)} lots * {num(offer.lot_size)}",
                gap,
            )
        price = r["unit_price"]
        if (gap := plan.gap(r["purchase_cost"], price * q)) is not None:
            add(
                "order_purchase_cost",
                f"purchase_cost {num(r['purchase_cost'])} != {num(price)} * {num(q)}",
                gap,
            )
        rate = facts.delivery_rate(offer, n)
        if (gap := plan.gap(r["delivery_cost"], rate * q)) is not None:
            add(
                "order_delivery_cost",
                f"delivery_cost {num(r['delivery_cost'])} != {num(rate)} per unit * {num(q)}",
                gap,
            )
        if not ix.can_use(n, i) and (n, i) not in ix.stockpiles:
            # a nation may restock an item it holds even without operating it (a donor)
            add("order_compatibility", f"{n} operates no system {i} is qualified for", q)
        elif (n, i) not in ix.needed:
            add("order_route", f"{n} has no stockpile of {i} and no demand it meets", q)
        elif not facts.may_buy(offer, n):
            add("order_route", f"{n} may not order from this offer (its buyers)", q)
        # the price of the order (award) period: an escalating offer's price when ordered
        tier_price = ix.tier_price(
            offer, r["tier"], r["order_period"] if o_idx is not None else None
        )
        if tier_price is None:
            add("order_tier_price", f"tier {r['tier']} is not a tier of the offer", NAN)
        elif (gap := plan.gap(price, tier_price)) is not None:
            add(
                "order_tier_price",
                f"unit_price {num(price)} but tier {whole(r['tier'])} costs {num(tier_price)}"
                + (f" when ordered in {r['order_period']}" if facts.escalates(offer) else ""),
                gap,
            )
        code, fx = ix.stated.get(p, (ix.scenario.currency, 1.0))
        if r["price_currency"] != code:
            add(
                "order_stated_price",
                f"price_currency {r['price_currency']!r}, {p} states {code}",
                NAN,
            )
        elif (gap := plan.gap(r["stated_unit_price"] * fx, price)) is not None:
            add(
                "order_stated_price",
                f"stated_unit_price {num(r['stated_unit_price'])} {code} * rate {num(fx)} != "
                f"unit_price {num(price)}",
                gap,
            )
        label = ix.contract_label(p, i, n, plan.pooled)
        if r["contract"] != label:
            mode = "pooled" if plan.pooled else "going alone"
            add("order_contract_label", f"contract {r['contract']!r}, {mode} it is {label!r}", NAN)
    return found


def check_contracts(plan: Plan) -> list[Violation]:
    """Each contract: label, volume, tier, min order, counts, period and fixed costs."""
    ix, found = plan.ix, []
    orders = plan.tables["orders"]
    by_contract = {c: g for c, g in orders.groupby("contract", sort=False)}
    contracts: dict[str, dict[str, Any]] = {}
    for r in plan.rows("contracts"):
        contracts.setdefault(r["contract"], r)
    for c in by_contract:
        if c not in contracts:
            volume = float(by_contract[c]["quantity"].sum())
            message = "orders name this contract but the contracts table lacks it"
            entity = labels.row("contracts", c)
            found.append(Violation("contract_volume", entity, "", message, volume))
    for c, r in contracts.items():
        p, i, n = r["producer"], r["item"], r["nation"]
        offer = ix.offers[(p, i)]
        group = by_contract.get(c, orders.iloc[0:0])
        delivering = group[group["quantity"] > plan.tol]

        entity = labels.row("contracts", c)

        def add(rule: str, message: str, excess: float, entity: str = entity) -> None:
            found.append(Violation(rule, entity, "", message, excess))

        if plan.pooled and n:
            add("contract_label", f"pooled contract names a nation ({n})", NAN)
        if not plan.pooled and not n:
            add("contract_label", "going-alone contract names no nation", NAN)
        if c != ix.contract_label(p, i, n, plan.pooled):
            add("contract_label", f"label does not match {p}/{i}/{n}", NAN)
        volume = float(group["quantity"].sum())
        if (gap := plan.gap(r["volume"], volume)) is not None:
            add("contract_volume", f"volume {num(r['volume'])}, orders sum to {num(volume)}", gap)
        k = whole(r["tier"])
        price = ix.tier_price(offer, r["tier"])
        unpriced = blank(r["tier"]) or blank(r["unit_price"])
        if unpriced and not plan.positive(volume):
            pass  # a contract not placed needs no tier or price
        elif k is None or price is None:
            add("tier_choice", f"tier {r['tier']} is not 0..{len(offer.tiers)}", NAN)
        else:
            if (gap := plan.gap(r["unit_price"], price)) is not None:
                add(
                    "contract_tier_price",
                    f"unit_price {num(r['unit_price'])}, tier {k} costs {num(price)}",
                    gap,
                )
            if k >= 1:
                need = float(offer.tiers[k - 1].min_volume)
                # orders already placed under the offer count (net of cancellations)
                placed = plan.placed_volume(p, i, n if not plan.pooled else None)
                if (over := plan.excess(need, volume + placed)) is not None:
                    add(
                        "tier_volume_lower",
                        f"tier {k} needs volume {num(need)}, the orders total {num(volume)}",
                        over,
                    )
        # an escalating offer's orders pay their own order period's price (order_tier_price)
        same_price = not facts.escalates(offer)
        for o in records(group):
            differs = same_price and plan.gap(o["unit_price"], r["unit_price"]) is not None
            if whole(o["tier"]) != k or differs:
                found.append(
                    Violation(
                        "order_tier_link",
                        entity,
                        o["arrival_period"],
                        f"order to {o['nation']} has tier {o['tier']} at {num(o['unit_price'])}, "
                        f"the contract tier {r['tier']} at {num(r['unit_price'])}",
                        abs(o["unit_price"] - r["unit_price"]),
                    )
                )
        if plan.positive(volume) and (over := plan.excess(offer.min_order, volume)) is not None:
            add(
                "min_order_lower",
                f"volume {num(volume)} below the minimum order {num(offer.min_order)}",
                over,
            )
        nations = set(delivering["nation"])
        if (gap := plan.gap(r["nations"], len(nations))) is not None:
            add("contract_nations", f"nations {num(r['nations'])}, {len(nations)} order", gap)
        if not plan.pooled and nations - {n}:
            add("contract_alone", f"orders for {sorted(nations)} under one contract", NAN)
        active = set(delivering["arrival_period"])
        if (gap := plan.gap(r["order_periods"], len(active))) is not None:
            add(
                "contract_order_periods",
                f"order_periods {num(r['order_periods'])}, deliveries in {len(active)}",
                gap,
            )
        period_cost = sum(ix.period_cost[(p, i)][ix.t[a]] for a in active)
        if (gap := plan.gap(r["period_cost"], period_cost)) is not None:
            add(
                "contract_period_cost",
                f"period_cost {num(r['period_cost'])}, deliveries in {sorted(active)} "
                f"cost {num(period_cost)}",
                gap,
            )
        fixed = float(offer.contract_cost)
        placed = plan.positive(volume)
        if plan.gap(r["contract_cost"], fixed) is not None and (
            placed or plan.gap(r["contract_cost"], 0.0) is not None
        ):
            add(
                "contract_cost",
                f"contract_cost {num(r['contract_cost'])}, the offer's is {num(fixed)}",
                abs(r["contract_cost"] - fixed),
            )
    return found


# --- capacity, investments and components ---------------------------------------------


def check_capacity(plan: Plan) -> list[Violation]:
    """``capacity_upper`` per (producer, item, period) on the units made,
    ``build_ahead_balance``, and the capacity table."""
    ix, found = plan.ix, []
    added = ix.added_capacity(plan.builds)
    for (p, i, a), made in plan.made.items():
        t = ix.t[a]
        base = ix.capacity[(p, i)][t]
        cap = base + added[(p, i, t)]
        if (over := plan.excess(made, cap)) is not None:
            verb = "makes" if ix.offers[p, i].build_ahead else "delivers"
            message = (
                f"{verb} {num(made)}, capacity {num(cap)} "
                f"(base {num(base)} + added {num(added[(p, i, t)])})"
            )
            found.append(Violation("capacity_upper", labels.offer(p, i), a, message, over))
    found += _check_held(plan)
    seen = set()
    for r in plan.rows("capacity"):
        p, i, a = r["producer"], r["item"], r["period"]
        t = ix.t[a]
        seen.add((p, i, a))
        expected = {
            "base": ix.capacity[(p, i)][t],
            "added": added[(p, i, t)],
            "used": plan.delivered.get((p, i, a), 0.0),
        }
        for column, value in expected.items():
            if (gap := plan.gap(r[column], value)) is not None:
                message = f"{column} {num(r[column])}, the plan gives {num(value)}"
                found.append(Violation("capacity_table", labels.offer(p, i), a, message, gap))
    for (p, i, a), used in plan.delivered.items():
        if (p, i, a) not in seen and plan.positive(used):
            message = f"no capacity row for a period delivering {num(used)}"
            found.append(Violation("capacity_table", labels.offer(p, i), a, message, used))
    return found


def _check_held(plan: Plan) -> list[Violation]:
    """``build_ahead_balance``: per offer, in period order, the units held are those the
    table held the period before plus those made less those delivered, and never below 0;
    an offer that does not build ahead makes what it delivers and holds nothing. Each
    period is checked against the table's own previous row, so one wrong period is
    reported once."""
    ix, found = plan.ix, []
    before: dict[tuple[str, str], float] = defaultdict(float)
    for r in sorted(plan.rows("capacity"), key=lambda r: ix.t[r["period"]]):
        p, i, a = r["producer"], r["item"], r["period"]
        used = plan.delivered.get((p, i, a), 0.0)
        entity = labels.offer(p, i)
        if not ix.offers[p, i].build_ahead:
            for column, value in (("made", used), ("held", 0.0)):
                if (gap := plan.gap(r[column], value)) is not None:
                    message = f"{column} {num(r[column])}, it does not build ahead ({num(value)})"
                    found.append(Violation("build_ahead_balance", entity, a, message, gap))
            continue
        prev, made, held = before[p, i], r["made"], r["held"]
        before[p, i] = held
        scale = max(prev, made, used, abs(held))
        if (under := plan.excess(0.0, held, scale=scale)) is not None:
            message = f"held {num(held)}: it delivers more than made by then"
            found.append(Violation("build_ahead_balance", entity, a, message, under))
        elif (gap := plan.gap(held, prev + made - used, scale=scale)) is not None:
            message = (
                f"held {num(held)}, held before + made - delivered is "
                f"{num(prev)} + {num(made)} - {num(used)} = {num(prev + made - used)}"
            )
            found.append(Violation("build_ahead_balance", entity, a, message, gap))
    return found


def check_investments(plan: Plan) -> list[Violation]:
    """Each expansion once, inside its start window, after the step before it, ready on
    time, as in the scenario."""
    ix, found = plan.ix, []
    last = len(ix.periods) - 1
    for e_id, starts in plan.builds.items():
        if len(starts) > 1:
            message = f"started {len(starts)} times"
            entity = labels.expansion(e_id)
            found.append(Violation("expansion_once", entity, "", message, len(starts) - 1))
        after = ix.expansions[e_id].after
        if after is None:
            continue
        before = plan.builds.get(after, [])
        for s in starts:
            if not any(t <= s for t in before):
                message = f"starts in {ix.periods[s]}, but the step before it, {after}, " + (
                    f"starts later ({ix.periods[min(before)]})" if before else "never starts"
                )
                entity = labels.expansion(e_id)
                found.append(Violation("expansion_precedence", entity, ix.periods[s], message, 1))
    for r in plan.rows("investments"):
        e = ix.expansions[r["expansion"]]
        s = ix.t[r["start_period"]]

        def add(rule: str, message: str, excess: float, e_id: str = e.id, s: int = s) -> None:
            found.append(Violation(rule, labels.expansion(e_id), ix.periods[s], message, excess))

        earliest = ix.t.get(e.earliest_start or "", 0)
        latest = ix.t.get(e.latest_start or "", last)
        if not earliest <= s <= latest:
            add(
                "expansion_start_window",
                f"starts in {ix.periods[s]}, allowed {ix.periods[earliest]}..{ix.periods[latest]}",
                max(earliest - s, s - latest),
            )
        ready = s + e.lead_periods
        expected = ix.periods[ready] if ready <= last else ""
        if r["ready_period"] != expected:
            add(
                "investment_ready_period",
                f"ready_period {r['ready_period']!r}, start + {e.lead_periods} gives {expected!r}",
                NAN,
            )
        record = {
            "producer": (r["producer"], e.producer or ""),
            "item": (r["item"], e.item or ""),
            "supplier": (r["supplier"], e.supplier or ""),
            "sponsor": (r["sponsor"], ix.sponsor(e.id) or ""),
        }
        for column, (got, want) in record.items():
            if got != want:
                add("investment_record", f"{column} {got!r}, the scenario's is {want!r}", NAN)
        for column, value in (
            ("added_capacity", e.added_capacity),
            ("investment_cost", e.investment_cost),
        ):
            if (gap := plan.gap(r[column], value)) is not None:
                message = f"{column} {num(r[column])}, the scenario's is {num(value)}"
                add("investment_record", message, gap)
    return found


def check_components(plan: Plan) -> list[Violation]:
    """Suppliers' reach and capacity; components supplied cover the needs of the units
    made (delivered, or made ahead)."""
    ix, found = plan.ix, []
    supplied: dict[tuple[str, str, str], float] = defaultdict(float)
    sent: dict[tuple[str, str], float] = defaultdict(float)
    for r in plan.rows("components"):
        s = ix.suppliers[r["supplier"]]
        q, p, t = r["component"], r["producer"], r["period"]
        sent[(s.id, t)] += r["quantity"]
        if q != s.component or (s.serves and p not in s.serves):
            reason = (
                f"sends {q}, it supplies {s.component}"
                if q != s.component
                else f"supplies {p}, it serves only {', '.join(s.serves)}"
            )
            entity = labels.supplier(s.id)
            found.append(Violation("supplier_serves", entity, t, reason, r["quantity"]))
            continue
        supplied[(p, q, t)] += r["quantity"]
    added = ix.supplier_added(plan.builds)
    for (s_id, t), quantity in sent.items():
        base = ix.supplier_capacity[s_id][ix.t[t]]
        cap = base + added[s_id, ix.t[t]]
        if (over := plan.excess(quantity, cap)) is not None:
            message = f"sends {num(quantity)}, capacity {num(cap)}"
            if added[s_id, ix.t[t]]:
                message += f" (base {num(base)} + added {num(added[s_id, ix.t[t]])})"
            entity = labels.supplier(s_id)
            found.append(Violation("supplier_capacity_upper", entity, t, message, over))
    needed: dict[tuple[str, str, str], float] = defaultdict(float)
    for (p, i, a), units in plan.made.items():
        for q, per_unit in ix.items[i].components.items():
            needed[(p, q, a)] += per_unit * units
    for (p, q, a), need in needed.items():
        have = supplied.get((p, q, a), 0.0)
        if (over := plan.excess(need, have)) is not None:
            message = f"units made need {num(need)} {q}, suppliers send {num(have)}"
            entity = labels.flow(labels.component(q), labels.producer(p))
            found.append(Violation("component_supply", entity, a, message, over))
    return found


# --- commitments ----------------------------------------------------------------------


def check_commitments(plan: Plan) -> list[Violation]:
    """Each nation's commitment to an offer: its ordered volume within the committed
    minimum and maximum, no order placed before the period it joins."""
    ix, found = plan.ix, []
    volume = sums(plan.tables["orders"], ["producer", "item", "nation"], "quantity")
    for (p, i), offer in sorted(ix.offers.items()):
        for c in offer.commitments:
            n = c.nation
            entity = labels.commitment(p, i, n)
            v = volume.get((p, i, n), 0.0)
            if (under := plan.excess(c.min_volume, v)) is not None:
                message = f"{n} orders {num(v)}, below its committed minimum {num(c.min_volume)}"
                found.append(Violation("commitment_lower", entity, "", message, under))
            most = c.max_volume
            if most is not None and (over := plan.excess(v, most)) is not None:
                message = f"{n} orders {num(v)}, above its committed maximum {num(most)}"
                found.append(Violation("commitment_upper", entity, "", message, over))
    for r in plan.rows("orders"):
        offer = ix.offers[(r["producer"], r["item"])]
        joins = next((c.joins_from for c in offer.commitments if c.nation == r["nation"]), None)
        if joins is None or not plan.positive(r["quantity"]):
            continue
        ordered = ix.t.get(r["order_period"])
        if ordered is not None and ordered < ix.t[joins]:
            entity = labels.route(r["producer"], r["item"], r["nation"])
            message = f"ordered in {r['order_period']}, before {r['nation']} joins in {joins}"
            found.append(
                Violation(
                    "commitment_joins_from", entity, r["order_period"], message, r["quantity"]
                )
            )
    return found


# --- orders already placed ------------------------------------------------------------


def check_placed_orders(plan: Plan) -> list[Violation]:
    """The placed_orders table: one row per order and delivery period of the scenario, units
    as ordered, none cancelled of a binding order, no more than ordered of a cancellable one,
    delivered and money as they follow (capacity, stock and budgets count the delivered
    units and the money in their own checks)."""
    found: list[Violation] = []
    rows = {(r["placed_order"], r["period"]): r for r in plan.rows("placed_orders")}
    orders = {o.id: o for o in plan.ix.scenario.placed_orders}
    for key in sorted(set(rows) - {(o, p) for o, x in orders.items() for p in x.deliveries}):
        message = "no such delivery of an order already placed"
        found.append(
            Violation("placed_order_record", labels.placed_order(key[0]), key[1], message, NAN)
        )
    for o, x in sorted(orders.items()):
        entity = labels.placed_order(o)
        for period, units in x.deliveries.items():

            def add(
                rule: str, message: str, excess: float, period: str = period, entity: str = entity
            ) -> None:
                found.append(Violation(rule, entity, period, message, excess))

            r = rows.get((o, period))
            if r is None:
                if units > 0:
                    add("placed_order_record", f"no row for the {num(units)} units due", units)
                continue
            same = {"producer": x.producer, "item": x.item, "nation": x.nation}
            for column, value in same.items():
                if r[column] != value:
                    add(
                        "placed_order_record", f"{column} {r[column]!r}, the order's {value!r}", NAN
                    )
            numbers = {
                "ordered": units,
                "unit_price": x.price,
                "cancellation_fee": x.cancellation_fee,
                "delivered": r["ordered"] - r["cancelled"],
                "cost": x.price * r["delivered"],
                "cancellation_cost": x.cancellation_fee * r["cancelled"],
            }
            for column, value in numbers.items():
                if (gap := plan.gap(r[column], value)) is not None:
                    add(
                        "placed_order_record",
                        f"{column} {num(r[column])}, expected {num(value)}",
                        gap,
                    )
            if not x.cancellable and plan.positive(r["cancelled"]):
                message = f"{num(r['cancelled'])} units cancelled of a binding order"
                add("placed_order_cancel", message, r["cancelled"])
            elif (over := plan.excess(r["cancelled"], units)) is not None:
                message = f"{num(r['cancelled'])} units cancelled of {num(units)} ordered"
                add("placed_order_cancel", message, over)
    return found
