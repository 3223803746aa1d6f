"""Money checks: funds (contributions, payments, investments), payments and budgets.

Each ``check_*`` function reads the :class:`~aggregate.verify.plan.Plan` and returns the
violations of its rule family (names in :data:`aggregate.verify.rules.RULES`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from aggregate import labels
from aggregate.schema import KeyRule, facts
from aggregate.verify.cells import NAN, blank, num, sums
from aggregate.verify.outcome import Violation
from aggregate.verify.plan import Plan

# --- funds ----------------------------------------------------------------------------


def check_funds(plan: Plan) -> list[Violation]:
    """Contributions: members, key or pledges, cap, committed size; spending <= income."""
    ix = plan.ix
    found = _check_ceilings(plan)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in plan.rows("contributions"):
        rows.setdefault((r["fund"], r["nation"]), r)
    for f_id, fund in ix.funds.items():
        total = plan.fund_total.get(f_id, 0.0)

        def add(
            rule: str,
            message: str,
            excess: float,
            entity: str = labels.fund(f_id),
            total: float = total,
        ) -> None:
            found.append(Violation(rule, entity, "", message, excess))

        for (g, n), amount in plan.contributions.items():
            if g == f_id and n not in fund.members and plan.positive(amount):
                add("contribution_member", f"{n} pays {num(amount)} but is no member", amount)
        key = ix.key(fund)
        slack = plan.tol * max(1.0, total)
        rule = fund.contribution
        for m in fund.members:
            amount = plan.contributions.get((f_id, m), 0.0)
            entity = labels.field(labels.fund(f_id), "members", m)
            if isinstance(rule, KeyRule):
                if key is not None and plan.positive(total):
                    low = key[m] * (1 - rule.tolerance) * total
                    high = key[m] * (1 + rule.tolerance) * total
                    if amount < low - slack or amount > high + slack:
                        add(
                            "contribution_key",
                            f"pays {num(amount)} of {num(total)} (share {num(amount / total)}), "
                            f"the key allows {num(low)}..{num(high)}",
                            max(low - amount, amount - high),
                            entity,
                        )
            else:
                pledge = rule.pledges.get(m)
                least = float(pledge.min) if pledge is not None else 0.0
                most = pledge.max if pledge is not None else None
                if (over := plan.excess(least, amount)) is not None:
                    add(
                        "contribution_pledge",
                        f"pays {num(amount)}, pledged min {num(least)}",
                        over,
                        entity,
                    )
                if most is not None and (over := plan.excess(amount, most)) is not None:
                    add(
                        "contribution_pledge",
                        f"pays {num(amount)}, pledged max {num(most)}",
                        over,
                        entity,
                    )
            row = rows.get((f_id, m))
            if row is not None:
                found.extend(_contribution_row(plan, row, total, key))
        if fund.cap is not None and (over := plan.excess(total, fund.cap)) is not None:
            add("fund_cap_upper", f"collects {num(total)}, cap {num(fund.cap)}", over)
        if (over := plan.excess(fund.committed, total)) is not None:
            add(
                "fund_committed_lower",
                f"collects {num(total)}, committed {num(fund.committed)}",
                over,
            )
        spent = plan.fund_spent.get(f_id, 0.0)
        if (over := plan.excess(spent, total)) is not None:
            add("fund_balance", f"pays out {num(spent)}, collects {num(total)}", over)
        if fund.package_size is not None:
            size = float(fund.package_size)
            whole = round(spent / size)
            if (gap := plan.gap(spent, whole * size, spent)) is not None:
                add(
                    "fund_package_whole",
                    f"pays out {num(spent)}, {num(spent / size)} packages of {num(size)}",
                    gap,
                )
    found += _funds_table(plan)
    return found


def _funds_table(plan: Plan) -> list[Violation]:
    """``funds_accounting``: each fund's row sums its contributions and payments; unspent is
    what it collected and did not pay out."""
    found: list[Violation] = []
    rows = {r["fund"]: r for r in plan.rows("funds")}
    orders_by: dict[str, float] = defaultdict(float)
    for (f, *_), amount in plan.fund_order_pay.items():
        orders_by[f] += amount
    invest_by: dict[str, float] = defaultdict(float)
    for (f, _), amount in plan.fund_invest_pay.items():
        invest_by[f] += amount
    for f_id in plan.ix.funds:
        r = rows.get(f_id)
        total = plan.fund_total.get(f_id, 0.0)
        orders, invested = orders_by[f_id], invest_by[f_id]
        want = {
            "collected": total,
            "orders": orders,
            "investments": invested,
            "unspent": max(0.0, total - orders - invested),
        }
        if r is None:
            if plan.positive(total):
                message = f"no funds row; the fund collects {num(total)}"
                found.append(Violation("funds_accounting", labels.fund(f_id), "", message, total))
            continue
        size = plan.ix.funds[f_id].package_size
        if size is not None:
            # a count: compared on its own scale, not the fund's money
            packages = (orders + invested) / float(size)
            if (gap := plan.gap(r["packages"], packages)) is not None:
                message = f"packages {num(r['packages'])}, the payments give {num(packages)}"
                found.append(Violation("funds_accounting", labels.fund(f_id), "", message, gap))
        for column, value in want.items():
            if (gap := plan.gap(r[column], value, total)) is not None:
                message = f"{column} {num(r[column])}, the payments give {num(value)}"
                found.append(Violation("funds_accounting", labels.fund(f_id), "", message, gap))
    return found


def _check_ceilings(plan: Plan) -> list[Violation]:
    """``bilateral_ceiling_upper``: a payer's payments for a beneficiary's orders within the
    purchase's ceiling (going alone too: bilateral purchases are aid)."""
    found: list[Violation] = []
    for channel, fund in plan.ix.channels.items():
        spent = plan.fund_spent.get(channel, 0.0)
        if fund.cap is not None and (over := plan.excess(spent, fund.cap)) is not None:
            message = f"pays {num(spent)} for the orders, ceiling {num(fund.cap)}"
            entity = labels.fund(channel)
            found.append(Violation("bilateral_ceiling_upper", entity, "", message, over))
    return found


def _contribution_row(
    plan: Plan, r: dict[str, Any], total: float, key: dict[str, float] | None
) -> list[Violation]:
    """``contribution_table``: share, key_share, lower and upper of one row."""
    found: list[Violation] = []
    entity = labels.field(labels.fund(r["fund"]), "members", r["nation"])
    amount = r["amount"]
    share = amount / total if plan.positive(total) else 0.0
    gap = plan.gap(r["share"], share, 1.0)
    if gap is not None and (plan.positive(total) or not blank(r["share"])):
        message = f"share {num(r['share'])}, amount / total = {num(share)}"
        found.append(Violation("contribution_table", entity, "", message, gap))
    if not isinstance(plan.ix.funds[r["fund"]].contribution, KeyRule):
        if not blank(r["key_share"]):
            message = f"key_share {num(r['key_share'])} for a pledge fund (NaN expected)"
            found.append(Violation("contribution_table", entity, "", message, NAN))
    elif key is not None:
        want = key.get(r["nation"], 0.0)
        if (gap := plan.gap(r["key_share"], want, 1.0)) is not None:
            message = f"key_share {num(r['key_share'])}, the key gives {num(want)}"
            found.append(Violation("contribution_table", entity, "", message, gap))
    slack = plan.tol * max(1.0, total)
    if not blank(r["lower"]) and amount < r["lower"] - slack:
        message = f"amount {num(amount)} below its lower {num(r['lower'])}"
        found.append(Violation("contribution_table", entity, "", message, r["lower"] - amount))
    if not blank(r["upper"]) and amount > r["upper"] + slack:
        message = f"amount {num(amount)} above its upper {num(r['upper'])}"
        found.append(Violation("contribution_table", entity, "", message, amount - r["upper"]))
    return found


def check_fund_payments(plan: Plan) -> list[Violation]:
    """Fund and bilateral payments for orders and investments: eligibility, limits,
    consortium."""
    ix, found = plan.ix, []
    refill_paid: dict[tuple[str, str, str], float] = defaultdict(float)
    # (fund, producer, item, nation): the nation only going alone, where each nation has
    # its own contract and a consortium of several nations cannot form
    contract_paid: dict[tuple[str, str, str, str], float] = defaultdict(float)
    for (f, p, i, n), amount in plan.fund_order_pay.items():
        fund = ix.channels[f] if f in ix.channels else ix.funds[f]
        procurement, refill = ix.fund_order_uses(fund, p, i, n)
        entity = labels.part(f, labels.route(p, i, n))
        if plan.positive(amount) and not (procurement or refill):
            found.append(
                Violation(
                    "fund_payment_eligible",
                    entity,
                    "",
                    f"pays {num(amount)} but is not eligible "
                    f"(uses {', '.join(fund.uses)}; producer country, item, beneficiary or "
                    "donor stockpile rule fail)",
                    amount,
                )
            )
        if refill and not procurement:
            refill_paid[(f, i, n)] += amount
        contract_paid[(f, p, i, "" if plan.pooled else n)] += amount
    for (f, i, n), amount in refill_paid.items():
        rate = float((ix.channels.get(f) or ix.funds[f]).refill_rate)
        value, given = rate * ix.unit_value(n, i), plan.given.get((n, i), 0.0)
        if (over := plan.excess(amount, value * given)) is not None:
            message = (
                f"reimburses {num(amount)} for refills, at most {num(value)} per unit "
                f"(refill_rate {num(rate)} of the unit value) * {num(given)} donated"
            )
            entity = labels.part(f, labels.stockpile(n, i))
            found.append(Violation("fund_refill_upper", entity, "", message, over))
    orders = plan.tables["orders"]
    for (f, p, i, alone), amount in contract_paid.items():
        need = ix.funds[f].min_nations_per_contract if f in ix.funds else 1
        if need <= 1 or not plan.positive(amount):
            continue
        mine = orders[(orders["producer"] == p) & (orders["item"] == i)]
        if alone:
            mine = mine[mine["nation"] == alone]
        nations = set(mine.loc[mine["quantity"] > plan.tol, "nation"])
        if len(nations) < need:
            message = f"pays {num(amount)} with {len(nations)} nation(s) ordering, needs {need}"
            found.append(
                Violation(
                    "consortium_lower",
                    labels.part(f, labels.route(p, i, alone) if alone else labels.offer(p, i)),
                    "",
                    message,
                    need - len(nations),
                )
            )
    # funds co-finance expansions going alone too (aid is kept)
    found += check_fund_investments(plan)
    fund_paid: dict[tuple[str, ...], float] = defaultdict(float)
    for (_, p, i, n, period), amount in _fund_order_pay_at(plan).items():
        fund_paid[(p, i, n, period)] += amount
    for (p, i, n, period), paid in fund_paid.items():
        cost = plan.paid_cost.get((p, i, n, period), 0.0)
        if (over := plan.excess(paid, cost)) is not None:
            message = f"funds pay {num(paid)}, the orders paid in the period cost {num(cost)}"
            entity = labels.route(p, i, n)
            found.append(Violation("fund_payment_upper", entity, period, message, over))
    return found


def _fund_order_pay_at(plan: Plan) -> dict[tuple[str, ...], float]:
    """(fund or bilateral channel, producer, item, nation, period) -> payments for the
    nation's orders by funds and other nations in the period."""
    df = plan.tables["payments"]
    kind = df["payer_type"]
    others = (kind == "fund") | ((kind == "nation") & (df["channel"] != labels.OWN))
    df = df[(df["purpose"] == "order") & others]
    return sums(df, ["channel", "producer", "item", "beneficiary", "period"], "amount")


def check_fund_timing(plan: Plan) -> list[Violation]:
    """``fund_open_window``, ``contribution_periods``, ``fund_tranche_upper`` and
    ``fund_cash_balance``: when funds pay and collect."""
    ix, found = plan.ix, []
    outflow: dict[tuple[str, str], float] = defaultdict(float)
    inflow: dict[tuple[str, str], float] = defaultdict(float)
    starts = {(r["expansion"], r["start_period"]) for r in plan.rows("investments")}
    for r in plan.rows("payments"):
        f, period, purpose = r["channel"], r["period"], r["purpose"]
        fund = ix.funds.get(f)
        if fund is None or purpose in ("fixed", "repayment"):
            # own payments and bilateral purchases: no fund, no window; a loan repayment is
            # the borrower's, due whether or not the fund is still open
            continue
        entity = labels.fund(f)
        if purpose == "contribution":
            inflow[f, period] += r["amount"]
            scheduled = fund.tranches is not None
            if scheduled == (period == ""):
                want = "a tranche period" if scheduled else "'' (a horizon total)"
                message = f"{r['payer']} pays {num(r['amount'])} in {period!r}, expected {want}"
                found.append(Violation("contribution_periods", entity, period, message, NAN))
        else:
            outflow[f, period] += r["amount"]
            if purpose == "investment" and (r["expansion"], period) not in starts:
                message = (
                    f"pays {num(r['amount'])} towards {r['expansion']} in {period}, not when "
                    "its build starts"
                )
                found.append(Violation("fund_open_window", entity, period, message, r["amount"]))
        if period and plan.positive(r["amount"]) and not _open(plan, f, period):
            message = f"{purpose} payment of {num(r['amount'])} while the fund is closed"
            found.append(Violation("fund_open_window", entity, period, message, r["amount"]))
    for f, fund in ix.funds.items():
        if fund.tranches is None:
            continue
        came = spent = 0.0
        for period in ix.periods:
            tranche = float(fund.tranches.get(period, 0.0))
            into = inflow.get((f, period), 0.0)
            if (over := plan.excess(into, tranche)) is not None:
                message = f"members pay in {num(into)}, the tranche is {num(tranche)}"
                found.append(Violation("fund_tranche_upper", labels.fund(f), period, message, over))
            came += into
            spent += outflow.get((f, period), 0.0)
            if (over := plan.excess(spent, came)) is not None:
                message = f"paid out {num(spent)} by the end of the period, collected {num(came)}"
                found.append(Violation("fund_cash_balance", labels.fund(f), period, message, over))
    return found


def _open(plan: Plan, f: str, period: str) -> bool:
    """Whether fund ``f`` is open in ``period`` (its ``opens`` to its ``closes``)."""
    t = plan.ix.t
    first, last = facts.open_window(plan.ix.funds[f], t, len(plan.ix.periods))
    return period in t and first <= t[period] <= last


def check_fund_investments(plan: Plan) -> list[Violation]:
    """``fund_investment_eligible`` and ``fund_investment_upper``."""
    ix, found = plan.ix, []
    by_expansion: dict[str, float] = defaultdict(float)
    for (f, e_id), amount in plan.fund_invest_pay.items():
        fund, e = ix.funds[f], ix.expansions[e_id]
        builds = len(plan.builds.get(e_id, []))
        cost = float(e.investment_cost) * builds
        by_expansion[e_id] += amount
        entity = labels.part(f, labels.expansion(e_id))
        if plan.positive(amount):
            reasons = []
            if builds == 0:
                reasons.append("the expansion is not built")
            if "investment" not in fund.uses:
                reasons.append(f"the fund's uses are {', '.join(fund.uses)}")
            if not facts.origin_ok(fund, ix.expansion_country(e_id)):
                where = "supplier" if e.supplier is not None else "producer"
                reasons.append(f"the {where}'s country is not eligible")
            for reason in reasons:
                message = f"pays {num(amount)} but {reason}"
                found.append(Violation("fund_investment_eligible", entity, "", message, amount))
        limit = fund.max_cofinancing_share * cost
        if builds and (over := plan.excess(amount, limit)) is not None:
            message = f"pays {num(amount)}, at most {num(fund.max_cofinancing_share)} * {num(cost)}"
            found.append(Violation("fund_investment_upper", entity, "", message, over))
    for e_id, amount in by_expansion.items():
        cost = float(ix.expansions[e_id].investment_cost) * len(plan.builds.get(e_id, []))
        if (over := plan.excess(amount, cost)) is not None:
            message = f"funds pay {num(amount)} of a cost of {num(cost)}"
            entity = labels.expansion(e_id)
            found.append(Violation("fund_investment_upper", entity, "", message, over))
    return found


# --- payments and budgets -------------------------------------------------------------


def check_payments(plan: Plan) -> list[Violation]:
    """Orders paid in full; contributions paid as recorded; sponsors pay the remainder."""
    ix, found = plan.ix, []
    fund_paid: dict[tuple[str, ...], float] = defaultdict(float)
    for (_, p, i, n), amount in plan.fund_order_pay.items():
        fund_paid[(p, i, n)] += amount
    for key in sorted(set(plan.order_cost) | set(fund_paid) | set(plan.own_order_pay)):
        p, i, n = key
        cost = plan.order_cost.get(key, 0.0)
        own, funds = plan.own_order_pay.get(key, 0.0), fund_paid.get(key, 0.0)
        if (gap := plan.gap(own + funds, cost, abs(own) + abs(funds))) is not None:
            message = f"{n} pays {num(own)} + funds {num(funds)}, the orders cost {num(cost)}"
            entity = labels.route(p, i, n)
            found.append(Violation("order_payment_balance", entity, "", message, gap))
    found += _order_payment_periods(plan)
    paid_in = sums(plan.payments("nation", "contribution"), ["beneficiary", "payer"], "amount")
    for key in sorted(set(paid_in) | set(plan.contributions)):
        paid, recorded = paid_in.get(key, 0.0), plan.contributions.get(key, 0.0)
        if (gap := plan.gap(paid, recorded)) is not None:
            message = f"payments {num(paid)}, contributions table {num(recorded)}"
            entity = labels.field(labels.fund(key[0]), "members", key[1])
            found.append(Violation("contribution_payments", entity, "", message, gap))
    fund_for: dict[str, float] = defaultdict(float)
    for (_, e_id), amount in plan.fund_invest_pay.items():
        fund_for[e_id] += amount
    nations_for: dict[str, dict[str, float]] = defaultdict(dict)
    for (n, e_id), amount in plan.nation_invest_pay.items():
        nations_for[e_id][n] = amount
    for e_id in sorted(set(plan.builds) | set(nations_for)):
        e = ix.expansions[e_id]
        cost = float(e.investment_cost) * len(plan.builds.get(e_id, []))
        sponsor = ix.sponsor(e_id) or ""
        due = max(0.0, cost - fund_for.get(e_id, 0.0)) if sponsor else 0.0
        by_nation = nations_for.get(e_id, {})
        for n, amount in by_nation.items():
            if n != sponsor and plan.positive(amount):
                message = f"{n} pays {num(amount)}, the sponsor is {sponsor or 'no nation'}"
                entity = labels.expansion(e_id)
                found.append(Violation("investment_payment_balance", entity, "", message, amount))
        own = by_nation.get(sponsor, 0.0) if sponsor else 0.0
        if (gap := plan.gap(own, due)) is not None:
            message = (
                f"sponsor {sponsor or '-'} pays {num(own)}; cost {num(cost)} minus funds "
                f"{num(fund_for.get(e_id, 0.0))} leaves {num(due)}"
            )
            entity = labels.expansion(e_id)
            found.append(Violation("investment_payment_balance", entity, "", message, gap))
    found += _fixed_cost_payments(plan)
    return found


def _order_payment_periods(plan: Plan) -> list[Violation]:
    """``order_payment_balance`` per period: the orders paid in a period (arrival, or order
    period at award) are paid in that period, by the nation and the funds together."""
    found: list[Violation] = []
    paid: dict[tuple[str, ...], float] = defaultdict(float)
    df = plan.payments("nation", "order")
    own = df[df["channel"] == labels.OWN]
    for (p, i, n, period), amount in sums(
        own, ["producer", "item", "beneficiary", "period"], "amount"
    ).items():
        paid[(p, i, n, period)] += amount
    for (_, p, i, n, period), amount in _fund_order_pay_at(plan).items():
        paid[(p, i, n, period)] += amount
    for key in sorted(set(plan.paid_cost) | set(paid)):
        p, i, n, period = key
        cost, amount = plan.paid_cost.get(key, 0.0), paid.get(key, 0.0)
        if (gap := plan.gap(amount, cost)) is not None:
            message = (
                f"payments {num(amount)} in the period, the orders paid in it cost {num(cost)}"
            )
            entity = labels.route(p, i, n)
            found.append(Violation("order_payment_balance", entity, period, message, gap))
    return found


def _fixed_shares(plan: Plan, r: dict[str, Any]) -> dict[str, float]:
    """Nation -> share of a contracts row's fixed costs (going alone: its own nation)."""
    if r["nation"] and not plan.pooled:
        return {r["nation"]: 1.0}
    return plan.ix.fixed_cost_shares(r["producer"], r["item"])


def _fixed_cost_payments(plan: Plan) -> list[Violation]:
    """``fixed_cost_payments``: each contract's contract and period costs (as the contracts
    table charges them) are paid by the nations of the offer's ``fixed_costs_paid_by`` or
    ``fixed_costs_split``, at their shares."""
    found: list[Violation] = []
    paid = sums(plan.payments("nation", "fixed"), ["producer", "item", "payer"], "amount")
    due: dict[tuple[str, ...], float] = defaultdict(float)
    for r in plan.rows("contracts"):
        total = r["contract_cost"] + r["period_cost"]
        for n, share in _fixed_shares(plan, r).items():
            due[(r["producer"], r["item"], n)] += share * total
    for key in sorted(set(paid) | set(due)):
        p, i, n = key
        amount, want = paid.get(key, 0.0), due.get(key, 0.0)
        if (gap := plan.gap(amount, want)) is not None:
            message = f"{n} pays {num(amount)} of the fixed costs, its share is {num(want)}"
            found.append(Violation("fixed_cost_payments", labels.offer(p, i), "", message, gap))
    return found


def _fixed_outlay(plan: Plan) -> dict[tuple[str, str], float]:
    """(nation, period) -> its share of fixed costs falling in the period: contract costs in
    the first period, a period cost in each period with deliveries under the contract."""
    ix = plan.ix
    out: dict[tuple[str, str], float] = defaultdict(float)
    orders = plan.tables["orders"]
    delivered = orders[orders["quantity"] > plan.tol]
    arrivals: dict[str, set[str]] = defaultdict(set)
    for c, a in zip(delivered["contract"], delivered["arrival_period"], strict=True):
        arrivals[c].add(a)
    for r in plan.rows("contracts"):
        shares = _fixed_shares(plan, r)
        costs = ix.period_cost[r["producer"], r["item"]]
        for n, share in shares.items():
            out[(n, ix.periods[0])] += share * r["contract_cost"]
            for a in arrivals.get(r["contract"], ()):
                if a in ix.t:
                    out[(n, a)] += share * costs[ix.t[a]]
    return out


def check_budgets(plan: Plan) -> list[Violation]:
    """The budgets table, ``budget_upper`` and ``budget_period_upper`` per nation."""
    ix, found = plan.ix, []
    rows: dict[str, dict[str, Any]] = {}
    for r in plan.rows("budgets"):
        rows.setdefault(r["nation"], r)
    orders_paid: dict[str, float] = defaultdict(float)
    for (_, _, n), amount in plan.own_order_pay.items():
        orders_paid[n] += amount
    invested: dict[str, float] = defaultdict(float)
    for (n, _), amount in plan.nation_invest_pay.items():
        invested[n] += amount
    contributed: dict[str, float] = defaultdict(float)
    for (_, n), amount in plan.contributions.items():
        contributed[n] += amount
    fixed = sums(plan.payments("nation", "fixed"), ["payer"], "amount")
    repaid = sums(plan.payments("nation", "repayment"), ["payer"], "amount")
    fixed_outlay = _fixed_outlay(plan)
    for n, nation in ix.nations.items():
        parts = {
            "orders": orders_paid[n],
            "for_others": plan.bilateral_paid.get(n, 0.0),
            "contributions": contributed[n],
            "investments": invested[n],
            "fixed_costs": fixed.get((n,), 0.0),
            "repayments": repaid.get((n,), 0.0),
            "placed_orders": plan.placed_spent.get(n, 0.0),
        }
        spent = sum(parts.values())

        def add(rule: str, message: str, excess: float, n: str = n, period: str = "") -> None:
            found.append(Violation(rule, labels.nation(n), period, message, excess))

        row = rows.get(n)
        if row is None:
            if plan.positive(spent) or nation.budget is not None:
                add("budget_accounting", f"no budgets row; the nation spends {num(spent)}", spent)
        else:
            recorded = row["budget"]
            if nation.budget is None:
                if not blank(recorded):
                    add("budget_accounting", f"budget {num(recorded)}, the nation has none", NAN)
            elif (gap := plan.gap(recorded, nation.budget)) is not None:
                add(
                    "budget_accounting",
                    f"budget {num(recorded)}, the scenario's {num(nation.budget)}",
                    gap,
                )
            for column, value in (*parts.items(), ("spent", spent)):
                if (gap := plan.gap(row[column], value)) is not None:
                    add(
                        "budget_accounting",
                        f"{column} {num(row[column])}, the payments give {num(value)}",
                        gap,
                    )
        if nation.budget is not None and (over := plan.excess(spent, nation.budget)) is not None:
            add(
                "budget_upper",
                f"spends {num(spent)} (orders {num(parts['orders'])}, for others "
                f"{num(parts['for_others'])}, contributions "
                f"{num(parts['contributions'])}, investments {num(parts['investments'])}, "
                f"fixed costs {num(parts['fixed_costs'])}, loan repayments "
                f"{num(parts['repayments'])}, orders already placed "
                f"{num(parts['placed_orders'])}), budget {num(nation.budget)}",
                over,
            )
        if nation.budget_per_period is not None:
            limits = ix.series(nation.budget_per_period)
            for t, period in enumerate(ix.periods):
                outlay = plan.outlay.get((n, period), 0.0)
                outlay += fixed_outlay.get((n, period), 0.0)
                outlay += plan.placed_outlay.get((n, period), 0.0)
                if (over := plan.excess(outlay, limits[t])) is not None:
                    message = (
                        f"orders paid ({nation.pays_at}), fixed costs and orders already "
                        f"placed cost {num(outlay)}, "
                        f"budget {num(limits[t])}"
                    )
                    add("budget_period_upper", message, over, period=period)
    return found
