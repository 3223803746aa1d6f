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
    """``loan_repayment``: each nation repays a loan fund, within the horizon, the share of
    what the loan paid for its orders whose instalments fall in the horizon
    (:meth:`~aggregate.schema.scenario_index.ScenarioIndex.loan`); the loans table states principal,
    repaid, outstanding and interest from the same payments. Grants are repaid nothing."""
    ix, found = plan.ix, []
    principal: dict[tuple[str, str], float] = defaultdict(float)
    for (f, _p, _i, n), amount in plan.fund_order_pay.items():
        if f in ix.funds:
            principal[f, n] += amount
    repaid: dict[tuple[str, str], float] = {
        (str(f), str(n)): amount
        for (f, n), amount in sums(
            plan.payments("nation", "repayment"), ["beneficiary", "payer"], "amount"
        ).items()
    }
    rows = {(str(r["fund"]), str(r["nation"])): r for r in plan.rows("loans")}
    for key in sorted(set(principal) | set(repaid) | set(rows)):
        f, n = key
        fund = ix.funds.get(f)
        share, interest = ix.loan(fund) if fund is not None else (0.0, 0.0)
        lent = principal.get(key, 0.0) if fund is not None and fund.kind == "loan" else 0.0
        entity = labels.field(labels.fund(f), "loans", n)
        due, paid = share * lent, repaid.get(key, 0.0)
        if (gap := plan.gap(paid, due, lent)) is not None:
            message = (
                f"{n} repays {num(paid)}; {num(share)} of the {num(lent)} the loan paid falls "
                f"due within the horizon ({num(due)})"
            )
            found.append(Violation("loan_repayment", entity, "", message, gap))
        row = rows.get(key)
        want = {
            "principal": lent,
            "repaid": due,
            "outstanding": lent - due,
            "interest": interest * lent,
        }
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
