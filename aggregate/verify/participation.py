"""The participation rule: no nation worse off pooled than going alone (``participation``).

The going-alone figures are the ``alone`` column of the ``participation`` table (the solve
computed them from the going-alone plan it solved first); the pooled figures are summed
here from the ``demands`` and ``budgets`` tables, which the other checks verify.
"""

from __future__ import annotations

from collections import defaultdict

from aggregate import labels
from aggregate.verify.cells import num
from aggregate.verify.outcome import Violation
from aggregate.verify.plan import Plan


def check_participation(plan: Plan) -> list[Violation]:
    """Every nation no more short per capability than going alone, and spending no more
    than going alone plus the list price of each unit it gets beyond that."""
    found: list[Violation] = []
    rows = plan.rows("participation")
    wanted = plan.ix.scenario.settings.participation == "no_worse_than_alone" and plan.pooled
    if wanted and not rows:
        found.append(
            Violation(
                "participation",
                "tables.participation",
                "",
                "the scenario asks for the participation rule but the table has no row",
                0.0,
            )
        )
    short: dict[tuple[str, str], float] = defaultdict(float)
    for r in plan.rows("demands"):
        short[r["nation"], r["capability"]] += r["short"]
    spent = {r["nation"]: r["spent"] for r in plan.rows("budgets")}
    # each unit met beyond the going-alone plan may cost its list price
    extra: dict[str, float] = defaultdict(float)
    for r in rows:
        if r["measure"] == "short":
            n, c = r["nation"], r["capability"]
            gained = r["alone"] - short.get((n, c), 0.0)
            extra[n] += plan.ix.list_price(n, c) * gained
    for r in rows:
        n, measure = r["nation"], r["measure"]
        if measure == "short":
            have = short.get((n, r["capability"]), 0.0)
            limit = r["alone"]
            what = f"{num(have)} units of {r['capability']} short"
        else:
            have = spent.get(n, 0.0)
            limit = r["alone"] + extra[n]
            what = f"spends {num(have)}"
            if extra[n]:
                what += f" ({num(extra[n])} of it allowed for more met demand at list prices)"
        if (off := plan.gap(have, r["pooled"])) is not None:
            message = f"the table says {measure} {num(r['pooled'])}, the plan {num(have)}"
            found.append(Violation("participation", labels.nation(n), "", message, off))
        if (over := plan.excess(have, limit, scale=abs(r["alone"]) + abs(extra[n]))) is not None:
            message = f"{what} pooled, {num(r['alone'])} going alone"
            found.append(Violation("participation", labels.nation(n), "", message, over))
    return found
