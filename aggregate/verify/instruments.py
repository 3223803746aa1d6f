"""Checks of the EU and NATO instruments' own rules on what a fund pays: its share of each
contract's value, and the origin of the components in what it buys.

Each ``check_*`` function reads the :class:`~aggregate.verify.plan.Plan` and returns the
violations of its rule family (names in :data:`aggregate.verify.rules.RULES`).
"""

from __future__ import annotations

from collections import defaultdict

from aggregate import labels
from aggregate.schema.facts import origin_inside
from aggregate.verify.cells import NAN, blank, num
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


def check_component_origin(plan: Plan) -> list[Violation]:
    """``component_value``: each components row's country and value are its supplier's
    (value = quantity * the supplier's price, else the component's value; NaN without
    either). ``component_origin``: where a fund with a ``component_origin`` rule pays for a
    producer's orders, the value fed to the producer over the horizon from suppliers outside
    the rule's countries (or without a country) is at most ``max_outside_share`` of the
    value fed from all suppliers (each valued from the scenario, not from the table)."""
    ix, found = plan.ix, []
    fed: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for r in plan.rows("components"):
        s = ix.suppliers[r["supplier"]]
        price = ix.supplier_value(s.id)
        entity = labels.flow(labels.supplier(s.id), labels.producer(r["producer"]))
        if r["country"] != (s.country or ""):
            message = f"country {r['country']!r}, the supplier's is {s.country or ''!r}"
            found.append(Violation("component_value", entity, r["period"], message, NAN))
        if price is None:
            if not blank(r["value"]):
                message = f"value {num(r['value'])}, the supplier has no price (NaN expected)"
                found.append(Violation("component_value", entity, r["period"], message, NAN))
        elif (gap := plan.gap(r["value"], price * r["quantity"])) is not None:
            message = f"value {num(r['value'])}, {num(r['quantity'])} * {num(price)}"
            found.append(Violation("component_value", entity, r["period"], message, gap))
        if price is not None:
            fed[r["producer"]].append((s.id, price * r["quantity"]))
    paying: set[tuple[str, str]] = set()
    for (f, p, _i, _n), amount in plan.fund_order_pay.items():
        if plan.positive(amount):
            paying.add((f, p))
    for f, p in sorted(paying):
        fund = ix.funds.get(f)
        origin = fund.component_origin if fund is not None else None
        if origin is None:
            continue
        total = sum(v for _, v in fed.get(p, []))
        outside = sum(
            v
            for s, v in fed.get(p, [])
            if not origin_inside(origin.countries, ix.suppliers[s].country)
        )
        limit = float(origin.max_outside_share) * total
        if (over := plan.excess(outside, limit, total)) is not None:
            message = (
                f"pays for {p}'s orders, but {num(outside)} of the {num(total)} component "
                f"value fed to it comes from outside {', '.join(origin.countries)} (at most "
                f"{num(origin.max_outside_share)})"
            )
            entity = labels.part(f, labels.producer(p))
            found.append(Violation("component_origin", entity, "", message, over))
    return found
