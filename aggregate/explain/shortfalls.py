"""Reasons for each shortfall: the binding rules that keep a demand short or late.

For a demand of nation :math:`n` for capability :math:`c`, due in :math:`t_0` and counting
until :math:`t_1 = t_0 + max\\_lateness`, the candidate rules are those on every path by
which units could reach it: the capacity of each producer offering a usable item (periods
up to :math:`t_1`), their component suppliers, :math:`n`'s budgets, the funds that may pay
for :math:`n`'s orders, and the floors, refill targets and opening stocks of the donors and
of :math:`n`'s own stock, and the surplus donation policy of the donors; for the funds
that may pay for :math:`n`'s orders, their members' keys, pledges and budgets, and for
bilateral purchases the payer's ceiling and budget. A candidate is a reason when a re-solve
with it relaxed avoids shortfall (:mod:`aggregate.explain.ranging`); the most valuable few
are kept per demand.
Structural reasons need no LP: a lead time that puts the earliest delivery after
:math:`t_1` (or after :math:`t_0`, for lateness), an item the nation's weapon systems cannot
use or not qualified for the fleet the demand is for, an offer closed to the nation (its
buyers), a fund that may not pay for the nation's orders, a surplus-policy donor that
gives nothing because its own demand is short or late.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from aggregate import labels
from aggregate.data import ModelData
from aggregate.explain.bottlenecks import lever, per_unit
from aggregate.explain.duals import Marginals, rows_of
from aggregate.explain.rules import Rule
from aggregate.model import registry as reg
from aggregate.result import Solution
from aggregate.schema import Scenario
from aggregate.schema.facts import fits_system, usable_pairs

REASON_COLUMNS = [
    "demand",
    "nation",
    "capability",
    "due_period",
    "short",
    "late_unit_periods",
    "reason",
    "entry",
    "field",
    "period",
    "shortfall_avoided",
    "cost_saved",
    "holds_up_to",
    "change",
    "sentence",
]
"""Columns of :attr:`aggregate.explain.Explanation.shortfall_reasons` (``change``: the
scenario field to change, as a path such as ``funds[EPF].cap``)."""

REASONS = 3
"""Reasons kept per short demand by default."""

TOL = 1e-6


def _candidates(data: ModelData, d: str, last: int) -> list[tuple[str, tuple[Any, ...]]]:
    """Rule rows (family, index) on the paths that could serve demand ``d``."""
    dd = data.demands[d]
    n = dd.nation
    items = {i for (k, i, _t) in data.supply if k == d}
    out: list[tuple[str, tuple[Any, ...]]] = []
    feeders: dict[str, list[str]] = {}
    for s, p in data.feeds:
        feeders.setdefault(p, []).append(s)
    for p, i, r in data.routes:
        if r != n or i not in items:
            continue
        off = data.offers[p, i]
        # what a maker that builds ahead makes before its lead time can still be delivered
        # (if an order can arrive by the last period at all)
        first = 0 if off.ahead and off.lead <= last else off.lead
        for a in range(first, last + 1):
            out.append((reg.CAPACITY_UPPER, (p, i, a)))
            out.extend((reg.SUPPLIER_CAPACITY_UPPER, (s, a)) for s in feeders.get(p, []))
        c = data.contract_of[p, i, n]
        out.append((reg.MIN_ORDER_LOWER, c))
        out.append((reg.COMMITMENT_UPPER, (p, i, n)))
        for f, fp, fi, fn in data.fund_pays:
            if (fp, fi, fn) != (p, i, n):
                continue
            if data.funds[f].channel == "bilateral":  # the payer's ceiling and budget
                payer = data.funds[f].members[0]
                out.append((reg.BILATERAL_CEILING_UPPER, (payer, n)))
                out.extend(_budgets(payer, last))
            else:
                out.extend([(reg.FUND_CAP_UPPER, (f,)), (reg.CONSORTIUM_PAYS_LINK, (f, *c))])
                if data.funds[f].tranches is not None:  # money in by instalments
                    for t in range(last + 1):
                        out.append((reg.FUND_TRANCHE_UPPER, (f, t)))
                        out.append((reg.FUND_CASH_BALANCE, (f, t)))
                # the money paid in: each member's key share or pledge, and its budget
                for m in data.funds[f].members:
                    out.extend(
                        [
                            (reg.CONTRIBUTION_KEY_UPPER, (f, m)),
                            (reg.CONTRIBUTION_KEY_LOWER, (f, m)),
                            (reg.CONTRIBUTION_PLEDGE, (f, m, "max")),
                        ]
                    )
                    out.extend(_budgets(m, last))
    holders = {(m, i) for (m, r, i) in data.gifts if r == n and i in items}
    holders |= {(n, i) for i in items if (n, i) in data.stocks}
    for m, i in sorted(holders):
        out.extend((reg.STOCK_FLOOR_LOWER, (m, i, t)) for t in range(last + 1))
        out.extend([(reg.REFILL_TARGET_LOWER, (m, i)), (reg.DONATION_FROM_STOCK_UPPER, (m, i))])
        if m != n:
            own = data.donor_needs.get((m, i), [])
            out.extend((reg.DONATION_SURPLUS_UPPER, (m, i, e)) for e in own)
    out.extend(_budgets(n, last))
    return out


def _budgets(n: str, last: int) -> list[tuple[str, tuple[Any, ...]]]:
    return [(reg.BUDGET_UPPER, (n,))] + [(reg.BUDGET_PERIOD_UPPER, (n, a)) for a in range(last + 1)]


def _fed(data: ModelData, n: str) -> bool:
    """True where a fund or another nation's bilateral purchase may pay for ``n``'s orders."""
    return any(fn == n for (_f, _p, _i, fn) in data.fund_pays)


def _window_end(data: ModelData, d: str) -> int:
    periods = [t for (k, _i, t) in data.supply if k == d]
    return max(periods) if periods else data.demands[d].due


def _structural(
    scenario: Scenario, data: ModelData, d: str, last: int, late: bool
) -> list[tuple[str, str, str, str, str]]:
    """(reason, entry, field, period, detail) that need no LP."""
    dd = data.demands[d]
    n = dd.nation
    periods = data.periods
    out: list[tuple[str, str, str, str, str]] = []
    items = {i for (k, i, _t) in data.supply if k == d}
    for p, i, r in data.routes:
        if r != n or i not in items:
            continue
        lead = data.offers[p, i].lead
        entry = labels.offer(p, i)
        joins = data.offers[p, i].commitments.get(n, (0.0, None, 0))[2]
        if joins > 0 and (lead + joins > last or (late and lead + joins > dd.due)):
            # the nation joins the framework late: its earliest order is in joins_from
            first = lead + joins
            out.append(
                (
                    "joins late",
                    labels.commitment(p, i, n),
                    "joins_from",
                    periods[joins],
                    f"{n} may order {i} from {p} only from {periods[joins]} on (its "
                    "commitment's joins_from), so its earliest delivery is "
                    + (f"in {periods[first]}" if first <= last else f"after {periods[last]}")
                    + f", after the due period {periods[dd.due]}",
                )
            )
        elif lead > last:
            out.append(
                (
                    "lead time",
                    entry,
                    "lead_time",
                    "",
                    f"the lead time of {i} at {p} ({lead} periods) puts its earliest "
                    f"delivery after {periods[last]}, the last period that counts",
                )
            )
        elif late and lead > dd.due:
            out.append(
                (
                    "lead time",
                    entry,
                    "lead_time",
                    periods[lead],
                    f"the lead time of {i} at {p} ({lead} periods) puts its earliest "
                    f"delivery in {periods[lead]}, after the due period {periods[dd.due]}",
                )
            )
    can_use = usable_pairs(scenario)
    offered = {i for (_p, i) in data.offers}
    cap = next(c for c in scenario.capabilities if c.id == dd.capability)
    systems = next(x.systems for x in scenario.nations if x.code == n)
    demand = next(x for x in scenario.demands if x.id == d)
    for eq in cap.satisfied_by:
        if eq.item not in offered:
            continue
        item = next(x for x in scenario.items if x.id == eq.item)
        if (n, eq.item) in can_use:
            if not fits_system(item, demand.system):
                out.append(
                    (
                        "compatibility",
                        labels.item(item.id),
                        "systems",
                        "",
                        f"{item.id} is qualified for {', '.join(item.systems)}, not for "
                        f"{demand.system}, the fleet this demand is for",
                    )
                )
            continue
        out.append(
            (
                "compatibility",
                labels.item(item.id),
                "systems",
                "",
                f"{item.id} is qualified for {', '.join(item.systems)}, which {n} does not "
                f"operate ({', '.join(systems)})",
            )
        )
    route_set = set(data.routes)
    for prod in scenario.producers:
        for off in prod.offers:
            if off.item in items and (prod.id, off.item, n) not in route_set:
                # the nation needs and can use the item: only the offer's buyers keep it out
                excluded = n in off.excluded_buyers
                out.append(
                    (
                        "buyers",
                        labels.offer(prod.id, off.item),
                        "excluded_buyers" if excluded else "buyers",
                        "",
                        f"{prod.id} may not sell {off.item} to {n} ("
                        + ("excluded_buyers" if excluded else "not among its buyers")
                        + ")",
                    )
                )
    bought = any(r == n and i in items for (_p, i, r) in data.routes)
    given = any(r == n and i in items for (_m, r, i) in data.gifts)
    held = any(data.stocks[n, i].on_hand > 0 for i in items if (n, i) in data.stocks)
    if not (bought or given or held):
        out.append(
            (
                "no source",
                labels.demand(d),
                "capability",
                "",
                f"no producer offers, no donor gives and {n} holds no item it can use",
            )
        )
    return out


def _withheld(data: ModelData, plan: Solution, d: str) -> list[tuple[str, str, str]]:
    """(entry, field, detail) for each donor that could give demand ``d`` an item but gives
    none of it under the surplus policy, because a demand of its own is short or late."""
    n = data.demands[d].nation
    items = {i for (k, i, _t) in data.supply if k == d}
    given = plan.tables["donations"].groupby(["donor", "item"])["quantity"].sum()
    demands = plan.tables["demands"].set_index("demand")
    missed = demands["short"] + demands["met_late"]
    out: list[tuple[str, str, str]] = []
    for m, i in sorted({(m, i) for (m, r, i) in data.gifts if r == n and i in items}):
        if (m, i) not in data.donor_needs or float(given.get((m, i), 0.0)) > TOL:
            continue
        own = [
            e
            for e in data.donor_needs[m, i]
            if float(missed.get(e, 0.0)) > TOL * max(1.0, data.demands[e].quantity)
        ]
        if own:
            out.append(
                (
                    labels.stockpile(m, i),
                    "donation_policy",
                    f"{m} gives no {i} under the surplus donation policy, as its own demand "
                    f"{own[0]} is {_fmt(float(missed[own[0]]))} short or late",
                )
            )
    return out


def _worn_out(data: ModelData, plan: Solution, d: str, last: int) -> list[tuple[str, str, str]]:
    """(entry, field, detail) for each item whose life the use of ``d``'s items wears out
    (or that it consumes as a spare) and that the demand's nation had none of left in a
    period of its window: no rule row holds that limit (the stock cannot go below 0)."""
    n, due = data.demands[d].nation, data.demands[d].due
    items = {i for (k, i, _t) in data.supply if k == d}
    stock = plan.tables["inventory"].set_index(["nation", "item", "period"])["closing"]
    out: list[tuple[str, str, str]] = []
    for kind, rates in (("wear", data.wear), ("spares", data.spares)):
        for (m, w), by in rates.items():
            if m != n or not items & set(by):
                continue
            empty = [
                data.periods[t]
                for t in range(due, last + 1)
                if float(stock.get((n, w, data.periods[t]), 0.0)) <= TOL
            ]
            if empty:
                what = "wears out" if kind == "wear" else "consumes as spares"
                out.append(
                    (
                        labels.entry(labels.WEAR if kind == "wear" else labels.SPARES, w),
                        "",
                        f"its use {what} {w}, of which {n} had none left in {empty[0]}: "
                        f"more {w} (orders, donations, or repairs back sooner) would let it use "
                        "more",
                    )
                )
    return out


def _fund_reasons(scenario: Scenario, data: ModelData, n: str) -> list[tuple[str, str, str]]:
    """(entry, field, detail) for each fund that may not pay for ``n``'s orders."""
    routes = [(p, i) for (p, i, r) in data.routes if r == n]
    if not routes:
        return []
    out: list[tuple[str, str, str]] = []
    for f in scenario.funds:
        if any((f.id, p, i, n) in data.fund_pays for p, i in routes):
            continue
        if f.eligible_beneficiaries is not None and n not in f.eligible_beneficiaries:
            out.append(
                (
                    labels.fund(f.id),
                    "eligible_beneficiaries",
                    f"fund {f.id} may not pay for {n}'s orders ({n} is not an eligible "
                    "beneficiary)",
                )
            )
        elif "procurement" not in f.uses and "refill" not in f.uses:
            out.append(
                (
                    labels.fund(f.id),
                    "uses",
                    f"fund {f.id} pays only for {', '.join(f.uses)}, not for orders",
                )
            )
        elif f.eligible_producer_countries is not None:
            out.append(
                (
                    labels.fund(f.id),
                    "eligible_producer_countries",
                    f"fund {f.id} buys only from {', '.join(f.eligible_producer_countries)}, "
                    f"and no producer {n} can order from is there",
                )
            )
        else:
            out.append(
                (
                    labels.fund(f.id),
                    "uses",
                    f"fund {f.id} may not pay for {n}'s orders (refill use only, and "
                    f"{n} is not a donor of what it orders)",
                )
            )
    return out


def _binding(rule: Rule, row: Any, every: bool) -> bool:
    """A reason: a rule whose relaxation a re-solve shows to avoid shortfall (weighted
    plans: to lower the objective) or, with ``every``, any rule the plan meets with no
    slack. A rule that only saves cost does not explain a shortfall."""
    weighted = math.isnan(row.shortfall_avoided) and math.isnan(row.dual_shortfall_avoided)
    value = _zero(row.cost_saved) if weighted else _zero(row.shortfall_avoided)
    if value > 1e-9:
        return True
    if not every:
        return False
    band = math.isnan(row.limit)
    return not band and row.slack <= TOL * max(1.0, abs(row.limit)) and row.limit > 0


def _zero(x: float) -> float:
    return 0.0 if math.isnan(x) else float(x)


def _sentence(head: str, rule: Rule, row: Any, currency: str) -> str:
    where = f" in {row.period}" if row.period else ""
    if math.isnan(row.limit):
        state = f"{rule.subject}{where} binds"
    elif rule.relax == "raise" and row.limit == 0:
        state = f"{rule.subject}{where} is 0"
    elif rule.relax == "lower":
        state = f"{rule.subject}{where} holds ({_fmt(row.used)} against {_fmt(row.limit)})"
    else:
        state = f"{rule.subject}{where} is fully used ({_fmt(row.used)} of {_fmt(row.limit)})"
    value = per_unit(row, currency)
    verb = {"lower": "lowering", "widen": "widening"}.get(rule.relax, "raising")
    tail = f"; {verb} it {value}" if value != "changes nothing" else ""
    return f"{head}: {state}{tail}."


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.4g}"


def shortfall_reasons(
    scenario: Scenario,
    plan: Solution,
    marginals: Marginals,
    top: int | None = REASONS,
    *,
    every: bool = False,
) -> pd.DataFrame:
    """One row per (short or late demand, reason), most valuable reason first, at most
    ``top`` per demand (None: all).

    A reason is a rule on a path to the demand whose relaxation a re-solve shows to avoid
    shortfall (weighted plans: to lower the objective), or a structural cause (lead time,
    compatibility, no source, a donor's surplus policy, fund eligibility). ``every=True``
    also keeps rules met with no slack but no value. A nation fed by funds or bilateral
    purchases is not given its own budget of 0 as a reason: the levers are the funds' caps,
    keys and pledges and the payers' budgets and ceilings, which are candidates in its place.
    """
    data = marginals.data
    lookup = marginals.lookup()
    rows = rows_of(marginals.frame)
    currency = marginals.namer.currency
    records: list[dict[str, Any]] = []
    demands = plan.tables["demands"]
    for dem in rows_of(demands):
        noise = TOL * max(1.0, float(dem.quantity))
        short = float(dem.short) if dem.short > noise else 0.0
        late_units = float(dem.late_unit_periods) if dem.late_unit_periods > noise else 0.0
        if short == 0.0 and late_units == 0.0:
            continue
        d = dem.demand
        last = _window_end(data, d)
        base = {
            "demand": d,
            "nation": dem.nation,
            "capability": dem.capability,
            "due_period": dem.due_period,
            "short": short,
            "late_unit_periods": late_units,
        }
        state = f"{_fmt(short)} short" if short else ""
        if late_units:
            state += (", " if state else "") + f"{_fmt(late_units)} unit-periods late"
        head = f"{d} ({dem.nation}, {dem.capability}, due {dem.due_period}, {state})"
        found: list[dict[str, Any]] = []
        budget_binds = False
        broke = data.budgets.get(dem.nation) == 0 and _fed(data, dem.nation)
        for key in _unique(_candidates(data, d, last)):
            k = lookup.get(key)
            if k is None:
                continue
            rule, row = marginals.rules[k], rows[k]
            if broke and rule.nation == dem.nation and rule.rule in ("budget", "budget per period"):
                continue  # no money of its own: the levers are the funds and payers
            if not _binding(rule, row, every):
                continue
            budget_binds |= rule.rule in ("budget", "budget per period")
            found.append(
                {
                    **base,
                    "reason": rule.rule,
                    "entry": rule.entry,
                    "field": rule.field,
                    "period": rule.period,
                    "shortfall_avoided": row.shortfall_avoided,
                    "cost_saved": row.cost_saved,
                    "holds_up_to": row.holds_up_to,
                    "change": lever(rule.entry, rule.field),
                    "sentence": _sentence(head, rule, row, currency),
                }
            )
        found.sort(key=lambda r: (-_zero(r["shortfall_avoided"]), -_zero(r["cost_saved"])))
        late = late_units > 0
        for reason, entry, fld, period, detail in _structural(scenario, data, d, last, late):
            found.append(_plain(base, reason, entry, fld, period, f"{head}: {detail}."))
        for entry, fld, detail in _worn_out(data, plan, d, last):
            found.append(_plain(base, "worn out", entry, fld, "", f"{head}: {detail}."))
        for entry, fld, detail in _withheld(data, plan, d):
            found.append(
                _plain(base, "surplus donation policy", entry, fld, "", f"{head}: {detail}.")
            )
        if budget_binds or data.budgets.get(dem.nation) == 0:
            for entry, fld, detail in _fund_reasons(scenario, data, dem.nation):
                found.append(_plain(base, "fund eligibility", entry, fld, "", f"{head}: {detail}."))
        if not found:
            found.append(
                _plain(
                    base,
                    "integer decisions",
                    "",
                    "",
                    "",
                    f"{head}: no rule binds with the plan's integer decisions fixed; the shortfall "
                    "comes from whole lots, contracts not placed or a time limit on the solve.",
                )
            )
        records.extend(found if top is None else found[:top])
    return pd.DataFrame(records, columns=REASON_COLUMNS)


def _plain(
    base: dict[str, Any], reason: str, entry: str, fld: str, period: str, sentence: str
) -> dict[str, Any]:
    return {
        **base,
        "reason": reason,
        "entry": entry,
        "field": fld,
        "period": period,
        "shortfall_avoided": math.nan,
        "cost_saved": math.nan,
        "holds_up_to": math.nan,
        "change": lever(entry, fld),
        "sentence": sentence,
    }


def _unique(keys: Iterable[tuple[str, tuple[Any, ...]]]) -> list[tuple[str, tuple[Any, ...]]]:
    return list(dict.fromkeys(keys))
