"""Stock checks: inventory balance, floors, refills, donations, supply and demands.

Each ``check_*`` function reads the :class:`~aggregate.verify.plan.Plan` and returns the
violations of its rule family (names in :data:`aggregate.verify.rules.RULES`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from aggregate import labels
from aggregate.verify.cells import NAN, num
from aggregate.verify.outcome import Violation
from aggregate.verify.plan import Plan

# --- stock ----------------------------------------------------------------------------


def _stock_pairs(plan: Plan) -> list[tuple[str, str]]:
    """(nation, item) pairs with a stockpile, an inventory row or any flow."""
    pairs = set(plan.ix.stockpiles)
    pairs |= {(n, i) for n, i, _ in plan.inventory}
    for flows in (plan.arrivals, plan.donated_in, plan.donated_out, plan.drawn):
        pairs |= {(k[0], k[1]) for k in flows}
    return sorted(pairs)


def check_inventory(plan: Plan) -> list[Violation]:
    """Stock balance per (nation, item, period), each term against its source table.

    A missing inventory row reads as all zeros, so a model may leave out empty rows.
    """
    ix, found = plan.ix, []
    for n, i in _stock_pairs(plan):
        sp = ix.stockpiles.get((n, i))
        entity = labels.stockpile(n, i)
        previous = float(sp.on_hand) if sp is not None else 0.0
        for t, period in enumerate(ix.periods):
            r = plan.stock(n, i, period)
            key = (n, i, period)

            def add(
                rule: str, message: str, excess: float, entity: str = entity, period: str = period
            ) -> None:
                found.append(Violation(rule, entity, period, message, excess))

            source = "on_hand" if t == 0 else "previous closing"
            if (gap := plan.gap(r["opening"], previous)) is not None:
                add("stock_opening", f"opening {num(r['opening'])}, {source} {num(previous)}", gap)
            terms = {
                "stock_arrivals": ("arrivals", plan.arrivals),
                "stock_donations": ("donated_in", plan.donated_in),
                "stock_used": ("used", plan.drawn),
            }
            for rule, (column, flows) in terms.items():
                value = flows.get(key, 0.0)
                if (gap := plan.gap(r[column], value)) is not None:
                    add(rule, f"{column} {num(r[column])}, the plan gives {num(value)}", gap)
            out = plan.donated_out.get(key, 0.0)
            if (gap := plan.gap(r["donated_out"], out)) is not None:
                message = f"donated_out {num(r['donated_out'])}, gives {num(out)}"
                add("stock_donations", message, gap)
            # worn, spares_drawn and repaired are checked against use and repairs in
            # verify/sustainment.py
            parts = [r["opening"], r["arrivals"], r["donated_in"], -r["donated_out"], -r["used"]]
            parts += [-r["worn"], -r["spares_drawn"], r["repaired"]]
            balance = sum(parts)
            scale = sum(abs(x) for x in parts)
            if (gap := plan.gap(r["closing"], balance, scale)) is not None:
                add(
                    "stock_balance",
                    f"closing {num(r['closing'])}, opening + in - out = {num(balance)}",
                    gap,
                )
            if r["closing"] < -plan.tol:
                add("stock_nonnegative", f"closing {num(r['closing'])}", -r["closing"])
            hold = ix.holding[(n, i)][t] if sp is not None else 0.0
            if (gap := plan.gap(r["holding_cost"], hold * r["closing"])) is not None:
                add(
                    "stock_holding_cost",
                    f"holding_cost {num(r['holding_cost'])}, {num(hold)} * closing "
                    f"{num(r['closing'])}",
                    gap,
                )
            previous = r["closing"]
    return found


def _binding_floor(plan: Plan, n: str, i: str) -> list[float]:
    """The floor binding in each period (0 where none binds).

    A floor binds in every period if the stock starts at or above the first period's
    floor (within the tolerance); otherwise from ``refill_by`` on (and never without
    ``refill_by``): :func:`aggregate.schema.facts.floor_start`.
    """
    ix = plan.ix
    start = ix.floor_start(n, i, plan.tol)
    if start is None:
        return [0.0] * len(ix.periods)
    return [f if t >= start else 0.0 for t, f in enumerate(ix.floor[(n, i)])]


def check_floors(plan: Plan) -> list[Violation]:
    """``stock_floor_lower`` where the floor binds; the inventory's floor column."""
    ix, found = plan.ix, []
    for n, i in _stock_pairs(plan):
        sp = ix.stockpiles.get((n, i))
        entity = labels.stockpile(n, i)
        soft = sp is not None and sp.floor_type == "soft"
        binding = _binding_floor(plan, n, i)
        for t, period in enumerate(ix.periods):
            r = plan.stock(n, i, period)
            floor, below, closing = binding[t], r["below_floor"], r["closing"]

            def add(
                rule: str, message: str, excess: float, entity: str = entity, period: str = period
            ) -> None:
                found.append(Violation(rule, entity, period, message, excess))

            if (gap := plan.gap(r["floor"], floor)) is not None:
                add("stock_floor_table", f"floor {num(r['floor'])}, binding {num(floor)}", gap)
            if not soft and plan.positive(below):
                add("stock_floor_lower", f"below_floor {num(below)} on a hard floor", below)
            slack = below if soft else 0.0
            if plan.positive(floor) and (over := plan.excess(floor - slack, closing)) is not None:
                message = f"closing {num(closing)}, floor {num(floor)}"
                if soft:
                    message += f" - below_floor {num(below)}"
                add("stock_floor_lower", message, over)
    return found


def check_refills(plan: Plan) -> list[Violation]:
    """``refill_target_lower`` at ``refill_by``; the refills table.

    A refill target without ``refill_by`` is not checked (the model has no period for it).
    """
    ix, found = plan.ix, []
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in plan.rows("refills"):
        rows.setdefault((r["nation"], r["item"]), r)
    targets = {
        k: sp
        for k, sp in ix.stockpiles.items()
        if sp.refill_target is not None and sp.refill_by is not None
    }
    for (n, i), r in rows.items():
        if (n, i) not in targets:
            message = "row for a stockpile without a refill target and period"
            entity = labels.stockpile(n, i)
            found.append(Violation("refill_table", entity, r["refill_by"], message, NAN))
    for (n, i), sp in targets.items():
        by, target = str(sp.refill_by), float(sp.refill_target or 0.0)
        closing = plan.stock(n, i, by)["closing"]
        row = rows.get((n, i))

        def add(
            rule: str, message: str, excess: float, n: str = n, i: str = i, by: str = by
        ) -> None:
            found.append(Violation(rule, labels.stockpile(n, i), by, message, excess))

        missed = 0.0 if row is None else row["missed"]
        if row is None:
            add("refill_table", "no refills row for this refill target", NAN)
        else:
            if row["refill_by"] != by:
                add("refill_table", f"refill_by {row['refill_by']!r}, the scenario's {by!r}", NAN)
            for column, value in (("target", target), ("level", closing)):
                if (gap := plan.gap(row[column], value)) is not None:
                    message = f"{column} {num(row[column])}, the plan's {num(value)}"
                    add("refill_table", message, gap)
        soft = sp.refill_penalty is not None
        if not soft and plan.positive(missed):
            add("refill_target_lower", f"missed {num(missed)} on a hard refill target", missed)
        slack = missed if soft else 0.0
        if (over := plan.excess(target - slack, closing)) is not None:
            message = f"closing {num(closing)}, target {num(target)}"
            if soft:
                message += f" - missed {num(missed)}"
            add("refill_target_lower", message, over)
    return found


# --- donations, supply and demands ----------------------------------------------------


def check_donations(plan: Plan) -> list[Violation]:
    """``donation_arc``: donor stockpile, a different recipient that can use and needs it;
    ``donation_from_stock_upper``; ``donation_surplus_upper``."""
    ix, found = plan.ix, []
    for r in plan.rows("donations"):
        m, n, i, t, q = r["donor"], r["recipient"], r["item"], r["period"], r["quantity"]
        sp = ix.stockpiles.get((m, i))
        reasons = []
        if sp is None or not sp.donor:
            reasons.append(f"{m} holds no donor stockpile of {i}")
        if m == n:
            reasons.append("donor and recipient are the same")
        if not ix.can_use(n, i):
            reasons.append(f"{n} cannot use {i}")
        elif (n, i) not in ix.demanded and (n, i) not in ix.sustained:
            reasons.append(f"{n} has no demand {i} meets, nor a use that wears {i} out")
        recipient_stock = ix.stockpiles.get((n, i))
        if recipient_stock is not None and recipient_stock.donor:
            reasons.append(f"{n} is itself a donor of {i} (gifts are not passed on)")
        for reason in reasons:
            entity = labels.flow(labels.stockpile(m, i), labels.nation(n))
            found.append(Violation("donation_arc", entity, t, reason, q))
    for (m, i), given in plan.given.items():
        sp = ix.stockpiles.get((m, i))
        on_hand = sp.on_hand if sp is not None else 0.0
        if (gap := plan.excess(given, on_hand)) is not None:
            found.append(
                Violation(
                    "donation_from_stock_upper",
                    labels.stockpile(m, i),
                    "",
                    f"donated {num(given)} over the horizon, more than the {num(on_hand)} "
                    "held at the start",
                    gap,
                )
            )
    found += _surplus_policy(plan)
    return found


def _surplus_policy(plan: Plan) -> list[Violation]:
    """``donation_surplus_upper``: a donor under the ``surplus`` policy that gives an item
    has every own demand the item can serve met in full and on time (demands table).

    Both sides are read relative to their size (the opening stock, the demand's quantity),
    as the solver's integrality tolerance leaves them.
    """
    ix, found = plan.ix, []
    demands = {r["demand"]: r for r in plan.rows("demands")}
    for (m, i), given in sorted(plan.given.items()):
        sp = ix.stockpiles.get((m, i))
        if ix.donation_policy(m, i) != "surplus" or sp is None:
            continue
        if plan.excess(given, 0.0, float(sp.on_hand)) is None:
            continue
        for d in ix.served_by(m, i):
            row = demands.get(d.id)
            if row is None:  # reported by check_demands
                continue
            missed = row["short"] + row["met_late"]
            if (over := plan.excess(missed, 0.0, float(d.quantity))) is not None:
                found.append(
                    Violation(
                        "donation_surplus_upper",
                        labels.stockpile(m, i),
                        "",
                        f"donated {num(given)} under the surplus policy while its own demand "
                        f"{d.id} is {num(row['short'])} short and {num(row['met_late'])} late",
                        over,
                    )
                )
    return found


def check_supply(plan: Plan) -> list[Violation]:
    """Each supply row: its demand's nation, the item's factor, compatibility, window."""
    ix, found = plan.ix, []
    for r in plan.rows("supply"):
        d = ix.demands[r["demand"]]
        i, period, q = r["item"], r["period"], r["quantity"]

        def add(rule: str, message: str, excess: float, d_id: str = d.id, t: str = period) -> None:
            found.append(Violation(rule, labels.demand(d_id), t, message, excess))

        if r["nation"] != d.nation or r["capability"] != d.capability:
            add(
                "supply_record",
                f"row says {r['nation']}/{r['capability']}, the demand is "
                f"{d.nation}/{d.capability}",
                NAN,
            )
        factor = ix.factor(d.capability, i)
        if factor is None:
            add("supply_equivalent", f"{i} does not meet {d.capability}", q)
        elif (gap := plan.gap(r["equivalent"], q * factor)) is not None:
            add(
                "supply_equivalent",
                f"equivalent {num(r['equivalent'])}, {num(q)} * factor {num(factor)}",
                gap,
            )
        if not ix.can_use(d.nation, i):
            add("supply_compatibility", f"{d.nation} cannot use {i}", q)
        elif not ix.fits(d, i):
            add("supply_compatibility", f"{i} is not qualified for the demand's {d.system}", q)
        due, t = ix.t[d.period], ix.t[period]
        latest = due + d.max_lateness
        if not due <= t <= latest:
            add(
                "supply_window",
                f"drawn {t - due} period(s) after the due period {d.period}; "
                f"allowed 0..{d.max_lateness}",
                max(due - t, t - latest),
            )
        if (gap := plan.gap(r["periods_late"], t - due)) is not None:
            add("supply_periods_late", f"periods_late {num(r['periods_late'])}, is {t - due}", gap)
    return found


def check_demands(plan: Plan) -> list[Violation]:
    """Each demand: its row, met quantities from the supply rows, balance, weighted short."""
    ix, found = plan.ix, []
    weight = ix.scenario.settings.lateness_weight
    rate = ix.scenario.settings.needs_discount
    rows: dict[str, dict[str, Any]] = {}
    for r in plan.rows("demands"):
        rows.setdefault(r["demand"], r)
    met: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for s in plan.rows("supply"):
        d = ix.demands[s["demand"]]
        late = ix.t[s["period"]] - ix.t[d.period]
        if late == 0:
            met[d.id]["met_on_time"] += s["equivalent"]
        elif late > 0:
            met[d.id]["met_late"] += s["equivalent"]
            met[d.id]["late_unit_periods"] += s["equivalent"] * late
    for d in ix.demands.values():

        def add(rule: str, message: str, excess: float, d_id: str = d.id) -> None:
            found.append(Violation(rule, labels.demand(d_id), "", message, excess))

        row = rows.get(d.id)
        if row is None:
            add("demand_record", "missing from the demands table", float(d.quantity))
            continue
        for column, want in (
            ("nation", d.nation),
            ("capability", d.capability),
            ("due_period", d.period),
        ):
            if row[column] != want:
                add("demand_record", f"{column} {row[column]!r}, the scenario's {want!r}", NAN)
        for column, value in (("priority", d.priority), ("quantity", d.quantity)):
            if (gap := plan.gap(row[column], value)) is not None:
                message = f"{column} {num(row[column])}, the scenario's {num(value)}"
                add("demand_record", message, gap)
        for column in ("met_on_time", "met_late", "late_unit_periods"):
            value = met[d.id][column]
            if (gap := plan.gap(row[column], value)) is not None:
                add(
                    "demand_accounting",
                    f"{column} {num(row[column])}, the supply rows give {num(value)}",
                    gap,
                )
        parts = [row["met_on_time"], row["met_late"], row["short"]]
        if (gap := plan.gap(sum(parts), d.quantity, sum(map(abs, parts)))) is not None:
            add(
                "demand_balance",
                f"met on time {num(parts[0])} + late {num(parts[1])} + short {num(parts[2])} "
                f"!= quantity {num(d.quantity)}",
                gap,
            )
        if row["short"] < -plan.tol:
            add("demand_balance", f"short {num(row['short'])} is negative", -row["short"])
        # the needs stage's time preference: (1 + r)^-t for a demand due in period t
        factor = (1.0 + rate) ** -ix.t[d.period]
        weighted = d.priority * factor * (row["short"] + weight * row["late_unit_periods"])
        if (gap := plan.gap(row["weighted_shortfall"], weighted)) is not None:
            add(
                "demand_weighted_shortfall",
                f"weighted_shortfall {num(row['weighted_shortfall'])}, priority "
                f"{num(d.priority)} * discount {factor:.6g} * (short + {num(weight)} * "
                f"late unit-periods) = {num(weighted)}",
                gap,
            )
    return found
