"""Checks of the EU and NATO instruments' own rules on what a fund pays: its share of each
contract's value, and the origin of the components in what it buys.

Each ``check_*`` function reads the :class:`~aggregate.verify.plan.Plan` and returns the
violations of its rule family (names in :data:`aggregate.verify.rules.RULES`).
"""

from __future__ import annotations

from collections import defaultdict

from aggregate import labels
from aggregate.verify.cells import num
from aggregate.verify.outcome import Violation
from aggregate.verify.plan import Plan


def check_procurement_share(plan: Plan) -> list[Violation]:
    """``fund_procurement_share_upper``: a fund's procurement payments for a contract are at
    most its ``max_procurement_share`` of the purchase and delivery cost of all the
    contract's orders (pooled: every nation's orders of the item from the producer; going
    alone: one nation's)."""
    ix, found = plan.ix, []
    value: dict[tuple[str, str, str], float] = defaultdict(float)
    for (p, i, n), cost in plan.order_cost.items():
        value[(p, i, "" if plan.pooled else n)] += cost
    paid: dict[tuple[str, str, str, str], float] = defaultdict(float)
    for (f, p, i, n), amount in plan.fund_order_pay.items():
        fund = ix.funds.get(f)
        if fund is None or fund.max_procurement_share >= 1:
            continue
        if ix.fund_order_uses(fund, p, i, n)[0]:
            paid[(f, p, i, "" if plan.pooled else n)] += amount
    for (f, p, i, alone), amount in sorted(paid.items()):
        share = float(ix.funds[f].max_procurement_share)
        total = value.get((p, i, alone), 0.0)
        if (over := plan.excess(amount, share * total)) is not None:
            contract = labels.route(p, i, alone) if alone else labels.offer(p, i)
            message = (
                f"pays {num(amount)} for the contract, at most {num(share)} of its value "
                f"{num(total)}"
            )
            found.append(
                Violation(
                    "fund_procurement_share_upper",
                    labels.part(f, contract),
                    "",
                    message,
                    over,
                )
            )
    return found
