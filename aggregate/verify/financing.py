"""Checks of funds' instruments beyond grants: loans (what each beneficiary owes and repays).

Whole packages are checked with the funds (:func:`aggregate.verify.money.check_funds`).
"""

from __future__ import annotations

from collections import defaultdict

from aggregate import labels
from aggregate.verify.cells import num, sums
from aggregate.verify.outcome import Violation
from aggregate.verify.plan import Plan


def check_loans(plan: Plan) -> list[Violation]:
    """``loan_repayment``: each nation repays a loan fund, in each period of the horizon, the
    instalments falling due then of what the loan paid for its orders, each payment repaid in
    ``repayment_periods`` equal instalments from its ``repayment_start`` but no earlier than
    the period after the payment
    (:meth:`~aggregate.schema.scenario_index.ScenarioIndex.loan_instalments`); the loans
    table states principal, repaid, outstanding and interest from the same payments. Grants
    are repaid nothing."""
    ix, found = plan.ix, []
    df = plan.payments("fund", "order")
    drawn = sums(df, ["channel", "beneficiary", "period"], "amount")
    principal: dict[tuple[str, str], float] = defaultdict(float)
    due: dict[tuple[str, str], float] = defaultdict(float)
    due_at: dict[tuple[str, str, str], float] = defaultdict(float)
    for (f, n, period), amount in sorted(drawn.items()):
        fund = ix.funds.get(str(f))
        if fund is None or fund.kind != "loan":
            continue
        key = (str(f), str(n))
        principal[key] += amount
        t = ix.t.get(str(period))
        if t is None:
            entity = labels.field(labels.fund(key[0]), "loans", key[1])
            message = f"a payment of {num(amount)} for {key[1]}'s orders has no period"
            found.append(Violation("loan_repayment", entity, "", message, amount))
            continue
        due[key] += ix.loan(fund, t)[0] * amount
        for u in ix.loan_instalments(fund, t):
            due_at[(*key, ix.periods[u])] += amount / fund.repayment_periods
    repaid = {
        (str(f), str(n), str(period)): amount
        for (f, n, period), amount in sums(
            plan.payments("nation", "repayment"), ["beneficiary", "payer", "period"], "amount"
        ).items()
    }
    for key3 in sorted(set(due_at) | set(repaid)):
        f, n, period = key3
        owed, paid = due_at.get(key3, 0.0), repaid.get(key3, 0.0)
        if (gap := plan.gap(paid, owed, principal.get((f, n), 0.0))) is not None:
            entity = labels.field(labels.fund(f), "loans", n)
            message = (
                f"{n} repays {num(paid)} in {period or 'no period'}; the instalments of what the "
                f"loan paid before it falling due then make {num(owed)}"
            )
            found.append(Violation("loan_repayment", entity, "", message, gap))
    rows = {(str(r["fund"]), str(r["nation"])): r for r in plan.rows("loans")}
    for key in sorted(set(principal) | set(rows)):
        f, n = key
        fund = ix.funds.get(f)
        interest = ix.loan(fund)[1] if fund is not None else 0.0
        lent = principal.get(key, 0.0)
        entity = labels.field(labels.fund(f), "loans", n)
        want = {
            "principal": lent,
            "repaid": due.get(key, 0.0),
            "outstanding": lent - due.get(key, 0.0),
            "interest": interest * lent,
        }
        row = rows.get(key)
        if row is None:
            if plan.positive(lent):
                message = f"no loans row; the loan paid {num(lent)} for {n}'s orders"
                found.append(Violation("loan_repayment", entity, "", message, lent))
            continue
        for column, value in want.items():
            if (gap := plan.gap(row[column], value, lent)) is not None:
                message = f"{column} {num(row[column])}, the payments give {num(value)}"
                found.append(Violation("loan_repayment", entity, "", message, gap))
    return found
