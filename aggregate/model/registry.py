"""Every constraint family of the model, declared once.

A declaration (:class:`~aggregate.model.family.Family`) holds what each layer needs to know about one family: its
builder (one function in :mod:`~aggregate.model.contracts`, :mod:`~aggregate.model.stocks`,
:mod:`~aggregate.model.funds` or :mod:`~aggregate.model.instruments`, whose docstring states the maths), the names of its index
parts, its section in docs/model.md, the checks of :mod:`aggregate.verify` that re-check it
from a solution's tables, and whether a scenario field sets it (a *rule*: :class:`RuleSpec`
says which entry and field, and which way relaxing goes) or it is an accounting identity or
a link between decisions.

The model builds the families in :data:`FAMILIES` order (:data:`aggregate.model.CONSTRAINTS`),
:mod:`aggregate.explain.rules` describes rows from it, and docs/model.md is generated from it
(``python -m aggregate.model.docs``). The name of a family is its builder's name, and is the
name of its block of rows in the matrix and of its Pyomo constraint.

The declarations are written in :mod:`aggregate.model.declared`, one module per part of the
model; this module gathers them in build order and re-exports the family names.
"""

from __future__ import annotations

from typing import Final

from aggregate.model.declared import (
    financing,
    instruments,
    money,
    stocks,
    supply,
    sustainment,
)
from aggregate.model.declared.financing import FUND_PACKAGE_WHOLE  # the family name
from aggregate.model.declared.instruments import (  # the family names
    COMPONENT_ORIGIN_PAYS_LINK,
    COMPONENT_ORIGIN_UPPER,
    FUND_PROCUREMENT_SHARE_UPPER,
)
from aggregate.model.declared.money import (  # the family names
    BILATERAL_CEILING_UPPER,
    BUDGET_PERIOD_UPPER,
    BUDGET_UPPER,
    CONSORTIUM_JOIN_LINK,
    CONSORTIUM_LOWER,
    CONSORTIUM_PAYS_LINK,
    CONTRIBUTION_KEY_LOWER,
    CONTRIBUTION_KEY_UPPER,
    CONTRIBUTION_PERIODS,
    CONTRIBUTION_PLEDGE,
    FUND_BALANCE,
    FUND_CAP_UPPER,
    FUND_CASH_BALANCE,
    FUND_COMMITTED_LOWER,
    FUND_INVESTMENT_SHARE_UPPER,
    FUND_INVESTMENT_UPPER,
    FUND_PAYMENT_UPPER,
    FUND_REFILL_UPPER,
    FUND_TRANCHE_UPPER,
    PARTICIPATION_SHORT_UPPER,
    PARTICIPATION_SPEND_UPPER,
)
from aggregate.model.declared.stocks import (  # the family names
    DEMAND_BALANCE,
    DONATION_FROM_STOCK_UPPER,
    DONATION_SURPLUS_LINK,
    DONATION_SURPLUS_UPPER,
    REFILL_TARGET_LOWER,
    STOCK_BALANCE,
    STOCK_FLOOR_LOWER,
)
from aggregate.model.declared.supply import (  # the family names
    BUILD_AHEAD_BALANCE,
    CAPACITY_LOTS_UPPER,
    CAPACITY_UPPER,
    COMMITMENT_LOWER,
    COMMITMENT_UPPER,
    COMPONENT_SUPPLY,
    DELIVERY_PERIOD_LINK,
    EXPANSION_ONCE,
    EXPANSION_PRECEDENCE,
    MIN_ORDER_LOWER,
    ORDER_LOTS,
    ORDER_TIER_LINK,
    SUPPLIER_CAPACITY_UPPER,
    TIER_CHOICE,
    TIER_VOLUME_LOWER,
    TIER_VOLUME_UPPER,
)
from aggregate.model.declared.sustainment import (  # the family names
    REPAIR_CAPACITY_UPPER,
    WORN_POOL_BALANCE,
)
from aggregate.model.family import SECTIONS, Family, RuleSpec

# Not a family: the needs-first driver's cap on the weighted shortfall (model/objective.py).
NEEDS_CAP: Final = "needs_cap"

_DECLARED: tuple[tuple[str, Family], ...] = (
    supply.DECLARED
    + stocks.DECLARED
    + sustainment.DECLARED
    + money.DECLARED
    + instruments.DECLARED
    + financing.DECLARED
)


def _check(declared: tuple[tuple[str, Family], ...]) -> dict[str, Family]:
    out: dict[str, Family] = {}
    for name, family in declared:
        if family.name != name:
            raise RuntimeError(f"family {name!r} is declared with builder {family.name!r}")
        if (family.kind == "rule") != (family.rule is not None or not family.rows):
            raise RuntimeError(f"family {name!r}: a rule needs a RuleSpec, and only a rule")
        if name in out:
            raise RuntimeError(f"family {name!r} is declared twice")
        out[name] = family
    return out


FAMILIES: dict[str, Family] = _check(_DECLARED)
"""Every constraint family by name, in the order the model builds them."""

ROW_FAMILIES: tuple[str, ...] = tuple(n for n, f in FAMILIES.items() if f.rows)
"""The families that write rows (the blocks of :attr:`LinearModel.rows`)."""

RULE_FAMILIES: tuple[str, ...] = tuple(
    n for n, f in FAMILIES.items() if f.rows and f.kind == "rule"
)
"""The row families whose limit a scenario field sets."""


__all__ = [
    "BILATERAL_CEILING_UPPER",
    "BUDGET_PERIOD_UPPER",
    "BUDGET_UPPER",
    "BUILD_AHEAD_BALANCE",
    "CAPACITY_LOTS_UPPER",
    "CAPACITY_UPPER",
    "COMMITMENT_LOWER",
    "COMMITMENT_UPPER",
    "COMPONENT_ORIGIN_PAYS_LINK",
    "COMPONENT_ORIGIN_UPPER",
    "COMPONENT_SUPPLY",
    "CONSORTIUM_JOIN_LINK",
    "CONSORTIUM_LOWER",
    "CONSORTIUM_PAYS_LINK",
    "CONTRIBUTION_KEY_LOWER",
    "CONTRIBUTION_KEY_UPPER",
    "CONTRIBUTION_PERIODS",
    "CONTRIBUTION_PLEDGE",
    "DELIVERY_PERIOD_LINK",
    "DEMAND_BALANCE",
    "DONATION_FROM_STOCK_UPPER",
    "DONATION_SURPLUS_LINK",
    "DONATION_SURPLUS_UPPER",
    "EXPANSION_ONCE",
    "EXPANSION_PRECEDENCE",
    "FAMILIES",
    "FUND_BALANCE",
    "FUND_CAP_UPPER",
    "FUND_CASH_BALANCE",
    "FUND_COMMITTED_LOWER",
    "FUND_INVESTMENT_SHARE_UPPER",
    "FUND_INVESTMENT_UPPER",
    "FUND_PACKAGE_WHOLE",
    "FUND_PAYMENT_UPPER",
    "FUND_PROCUREMENT_SHARE_UPPER",
    "FUND_REFILL_UPPER",
    "FUND_TRANCHE_UPPER",
    "MIN_ORDER_LOWER",
    "NEEDS_CAP",
    "ORDER_LOTS",
    "ORDER_TIER_LINK",
    "PARTICIPATION_SHORT_UPPER",
    "PARTICIPATION_SPEND_UPPER",
    "REFILL_TARGET_LOWER",
    "REPAIR_CAPACITY_UPPER",
    "ROW_FAMILIES",
    "RULE_FAMILIES",
    "SECTIONS",
    "STOCK_BALANCE",
    "STOCK_FLOOR_LOWER",
    "SUPPLIER_CAPACITY_UPPER",
    "TIER_CHOICE",
    "TIER_VOLUME_LOWER",
    "TIER_VOLUME_UPPER",
    "WORN_POOL_BALANCE",
    "Family",
    "RuleSpec",
]
