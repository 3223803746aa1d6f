"""Every constraint family of the model, declared once.

A declaration (:class:`Family`) holds what each layer needs to know about one family: its
builder (one function in :mod:`~aggregate.model.contracts`, :mod:`~aggregate.model.stocks`
or :mod:`~aggregate.model.funds`, whose docstring states the maths), the names of its index
parts, its section in docs/model.md, the checks of :mod:`aggregate.verify` that re-check it
from a solution's tables, and whether a scenario field sets it (a *rule*: :class:`RuleSpec`
says which entry and field, and which way relaxing goes) or it is an accounting identity or
a link between decisions.

The model builds the families in :data:`FAMILIES` order (:data:`aggregate.model.CONSTRAINTS`),
:mod:`aggregate.explain.rules` describes rows from it, and docs/model.md is generated from it
(``python -m aggregate.model.docs``). The name of a family is its builder's name, and is the
name of its block of rows in the matrix and of its Pyomo constraint.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

import pyomo.environ as pyo

from aggregate import labels
from aggregate.data import ModelData
from aggregate.model import contracts, funds, participation, stocks
from aggregate.model.linear import linear

Kind = Literal["rule", "identity", "link"]
"""``rule``: a scenario field sets the limit; ``identity``: an accounting balance;
``link``: ties decisions together (binaries, big-M links, strengthening)."""

Relax = Literal["raise", "lower", "widen"]

# The family names, for modules that refer to one family (the declarations below check
# each against its builder's name).
TIER_CHOICE: Final = "tier_choice"
TIER_VOLUME_LOWER: Final = "tier_volume_lower"
TIER_VOLUME_UPPER: Final = "tier_volume_upper"
MIN_ORDER_LOWER: Final = "min_order_lower"
ORDER_TIER_LINK: Final = "order_tier_link"
ORDER_LOTS: Final = "order_lots"
DELIVERY_PERIOD_LINK: Final = "delivery_period_link"
CAPACITY_UPPER: Final = "capacity_upper"
EXPANSION_ONCE: Final = "expansion_once"
COMPONENT_SUPPLY: Final = "component_supply"
SUPPLIER_CAPACITY_UPPER: Final = "supplier_capacity_upper"
STOCK_BALANCE: Final = "stock_balance"
STOCK_FLOOR_LOWER: Final = "stock_floor_lower"
REFILL_TARGET_LOWER: Final = "refill_target_lower"
DEMAND_BALANCE: Final = "demand_balance"
DONATION_FROM_STOCK_UPPER: Final = "donation_from_stock_upper"
DONATION_SURPLUS_LINK: Final = "donation_surplus_link"
DONATION_SURPLUS_UPPER: Final = "donation_surplus_upper"
FUND_PAYMENT_UPPER: Final = "fund_payment_upper"
FUND_REFILL_UPPER: Final = "fund_refill_upper"
FUND_INVESTMENT_SHARE_UPPER: Final = "fund_investment_share_upper"
FUND_INVESTMENT_UPPER: Final = "fund_investment_upper"
FUND_BALANCE: Final = "fund_balance"
FUND_CAP_UPPER: Final = "fund_cap_upper"
BILATERAL_CEILING_UPPER: Final = "bilateral_ceiling_upper"
FUND_COMMITTED_LOWER: Final = "fund_committed_lower"
CONTRIBUTION_KEY_LOWER: Final = "contribution_key_lower"
CONTRIBUTION_KEY_UPPER: Final = "contribution_key_upper"
CONTRIBUTION_PLEDGE: Final = "contribution_pledge"
CONSORTIUM_PAYS_LINK: Final = "consortium_pays_link"
CONSORTIUM_LOWER: Final = "consortium_lower"
CONSORTIUM_JOIN_LINK: Final = "consortium_join_link"
BUDGET_UPPER: Final = "budget_upper"
BUDGET_PERIOD_UPPER: Final = "budget_period_upper"
PARTICIPATION_SHORT_UPPER: Final = "participation_short_upper"
PARTICIPATION_SPEND_UPPER: Final = "participation_spend_upper"
# Not a family: the needs-first driver's cap on the weighted shortfall (model/objective.py).
NEEDS_CAP: Final = "needs_cap"

# Index parts of a contract: the nation only in going-alone mode.
CONTRACT = ("producer", "item", "nation?")

# Entry templates: the labels of :mod:`aggregate.labels` over the index parts.
OFFER = labels.offer("{producer}", "{item}")
STOCKPILE = labels.stockpile("{nation}", "{item}")
FUND = labels.fund("{fund}")
NATION = labels.nation("{nation}")
PURCHASE = labels.buys_for("{nation}", "{beneficiary}")
SUPPLIER = labels.supplier("{supplier}")


@dataclass(frozen=True)
class RuleSpec:
    """Where a rule's limit sits in the scenario and how to relax it.

    The text fields are templates over the row's index parts (``{producer}``, ``{item}``,
    ...) and these values: ``{currency}``, ``{unit}`` (the item's unit), ``{component}`` and
    ``{component_unit}`` (a supplier's component), ``{contract}`` (``producer/item`` or
    ``producer/item/nation``) and ``{scenario_tier}`` (the tier's position in the scenario's
    ``tiers`` list: model tier 0 is the base price).
    """

    rule: str
    """Kind of rule, e.g. ``capacity`` or ``stockpile floor``."""
    entry: str
    """Scenario entry in the path language, e.g. ``producers[{producer}].offers[{item}]``."""
    field: str
    """Field of the entry that sets the limit."""
    relax: Relax
    """``raise`` a limit, ``lower`` a requirement, ``widen`` a band."""
    unit: str
    """One unit of relaxation."""
    subject: str
    """A phrase for sentences, e.g. ``capacity for {item} at {producer}``."""
    period: str = ""
    """Index part holding the period, ``refill_by`` for the stockpile's refill date, or empty."""
    about: tuple[str, ...] = ()
    """Which of producer, item, nation, fund and supplier the rule names (the described
    :class:`~aggregate.explain.rules.Rule` carries these)."""


# Two families (the payment link and the nation count) carry the fund's one consortium rule.
CONSORTIUM = RuleSpec(
    "minimum consortium",
    FUND,
    "min_nations_per_contract",
    "lower",
    "{currency}",
    "fund {fund}'s payments for contract {contract}",
    about=("producer", "item", "nation", "fund"),
)


@dataclass(frozen=True)
class Family:
    """One constraint family: a block of rows (or of column bounds) of the model."""

    builder: Callable[[pyo.ConcreteModel, ModelData], Any]
    """Returns the index and the rows (:data:`aggregate.model.contracts.Rows`), or sets
    column bounds and returns ``None`` when ``rows`` is false."""
    section: str
    """Section of docs/model.md."""
    index: tuple[str, ...]
    """Names of the index parts; ``?`` marks a part present only for some rows (a contract's
    nation, going alone)."""
    verify: tuple[str, ...]
    """Checks of :data:`aggregate.verify.RULES` that re-check the family from the tables."""
    kind: Kind
    rule: RuleSpec | None = None
    """For rules: the scenario entry and field."""
    context: str = ""
    """A label of one row for identities and links, a template over the index parts
    (positional, periods as labels); empty: ``name[index]``."""
    rows: bool = True
    """False for a family of column bounds (no rows)."""

    @property
    def name(self) -> str:
        return self.builder.__name__

    @property
    def maths(self) -> str:
        """The builder's docstring: a summary line, the maths, notes."""
        return inspect.getdoc(self.builder) or ""

    def __call__(self, m: pyo.ConcreteModel, data: ModelData) -> None:
        """Build the family into model ``m`` (or the number-only namespace of
        :func:`aggregate.model.build_numbers`)."""
        written = self.builder(m, data)
        if self.rows:
            index, rows = written
            linear(m).add_rows(m, self.name, index, rows)

    def bind(self, index: tuple[Any, ...]) -> dict[str, Any]:
        """The parts of a row's ``index`` by name (optional parts left out when absent)."""
        required = [p for p in self.index if not p.endswith("?")]
        spare = len(index) - len(required)
        names = [p.rstrip("?") for p in self.index if not p.endswith("?") or spare > 0]
        if len(names) != len(index):
            raise ValueError(f"{self.name}: index {index!r} does not match {self.index}")
        return dict(zip(names, index, strict=True))


SUPPLY = "Contracts and prices"
CAPACITY = "Capacity, expansions and components"
STOCKS = "Stocks, donations and demand"
FUNDS = "Funds"
BUDGETS = "Budgets"
PARTICIPATION = "Participation"

SECTIONS: tuple[str, ...] = (SUPPLY, CAPACITY, STOCKS, FUNDS, BUDGETS, PARTICIPATION)
"""The sections of docs/model.md's rules, in order."""

_DECLARED: tuple[tuple[str, Family], ...] = (
    (
        TIER_CHOICE,
        Family(
            contracts.tier_choice,
            SUPPLY,
            CONTRACT,
            ("tier_choice",),
            "link",
            context="one price tier per contract {0}",
        ),
    ),
    (
        TIER_VOLUME_LOWER,
        Family(
            contracts.tier_volume_lower,
            SUPPLY,
            (*CONTRACT, "tier"),
            ("tier_volume_lower",),
            "rule",
            RuleSpec(
                "tier volume",
                OFFER,
                "tiers[{scenario_tier}].min_volume",
                "lower",
                "{unit}",
                "the volume of price tier {tier} of {item} at {producer}",
                about=("producer", "item"),
            ),
        ),
    ),
    (
        TIER_VOLUME_UPPER,
        Family(
            contracts.tier_volume_upper,
            SUPPLY,
            (*CONTRACT, "tier"),
            ("order_tier_link", "contract_volume"),
            "link",
        ),
    ),
    (
        MIN_ORDER_LOWER,
        Family(
            contracts.min_order_lower,
            SUPPLY,
            CONTRACT,
            ("min_order_lower",),
            "rule",
            RuleSpec(
                "minimum order",
                OFFER,
                "min_order",
                "lower",
                "{unit}",
                "the minimum order of {item} at {producer}",
                about=("producer", "item"),
            ),
        ),
    ),
    (
        ORDER_TIER_LINK,
        Family(
            contracts.order_tier_link,
            SUPPLY,
            ("producer", "item", "nation", "period", "tier"),
            ("order_tier_link",),
            "link",
        ),
    ),
    (
        ORDER_LOTS,
        Family(
            contracts.order_lots,
            SUPPLY,
            ("producer", "item", "nation", "period"),
            ("order_lots",),
            "link",
            context="whole lots of {1} from {0}",
        ),
    ),
    (
        DELIVERY_PERIOD_LINK,
        Family(
            contracts.delivery_period_link,
            SUPPLY,
            (*CONTRACT, "period"),
            ("contract_order_periods", "contract_period_cost"),
            "link",
        ),
    ),
    (
        CAPACITY_UPPER,
        Family(
            contracts.capacity_upper,
            CAPACITY,
            ("producer", "item", "period"),
            ("capacity_upper",),
            "rule",
            RuleSpec(
                "capacity",
                OFFER,
                "capacity",
                "raise",
                "{unit} per period",
                "capacity for {item} at {producer}",
                period="period",
                about=("producer", "item"),
            ),
        ),
    ),
    (
        EXPANSION_ONCE,
        Family(
            contracts.expansion_once,
            CAPACITY,
            ("expansion",),
            ("expansion_once", "expansion_start_window"),
            "link",
            context="expansion {0} starts at most once",
        ),
    ),
    (
        COMPONENT_SUPPLY,
        Family(
            contracts.component_supply,
            CAPACITY,
            ("producer", "component", "period"),
            ("component_supply",),
            "identity",
            context="components {1} consumed at {0} in {2}",
        ),
    ),
    (
        SUPPLIER_CAPACITY_UPPER,
        Family(
            contracts.supplier_capacity_upper,
            CAPACITY,
            ("supplier", "period"),
            ("supplier_capacity_upper", "supplier_serves"),
            "rule",
            RuleSpec(
                "component supply",
                SUPPLIER,
                "capacity",
                "raise",
                "{component_unit} of {component} per period",
                "supply of {component} from {supplier}",
                period="period",
                about=("item", "supplier"),
            ),
        ),
    ),
    (
        STOCK_BALANCE,
        Family(
            stocks.stock_balance,
            STOCKS,
            ("nation", "item", "period"),
            ("stock_balance",),
            "identity",
            context="stock balance of {0} {1} in {2}",
        ),
    ),
    (
        STOCK_FLOOR_LOWER,
        Family(
            stocks.stock_floor_lower,
            STOCKS,
            ("nation", "item", "period"),
            ("stock_floor_lower",),
            "rule",
            RuleSpec(
                "stockpile floor",
                STOCKPILE,
                "floor",
                "lower",
                "{unit}",
                "{nation}'s floor of {item}",
                period="period",
                about=("item", "nation"),
            ),
        ),
    ),
    (
        REFILL_TARGET_LOWER,
        Family(
            stocks.refill_target_lower,
            STOCKS,
            ("nation", "item"),
            ("refill_target_lower",),
            "rule",
            RuleSpec(
                "refill target",
                STOCKPILE,
                "refill_target",
                "lower",
                "{unit}",
                "{nation}'s refill target of {item}",
                period="refill_by",
                about=("item", "nation"),
            ),
        ),
    ),
    (
        DEMAND_BALANCE,
        Family(
            stocks.demand_balance,
            STOCKS,
            ("demand",),
            ("demand_balance",),
            "identity",
            context="demand {0} is met, late or short",
        ),
    ),
    (
        DONATION_FROM_STOCK_UPPER,
        Family(
            stocks.donation_from_stock_upper,
            STOCKS,
            ("nation", "item"),
            ("donation_from_stock_upper",),
            "rule",
            RuleSpec(
                "donations from stock",
                STOCKPILE,
                "on_hand",
                "raise",
                "{unit}",
                "{nation}'s opening stock of {item} available to donate",
                about=("item", "nation"),
            ),
        ),
    ),
    (
        DONATION_SURPLUS_LINK,
        Family(
            stocks.donation_surplus_link,
            STOCKS,
            ("nation", "item"),
            ("donation_surplus_upper",),
            "link",
            context="{0} donates {1} only when it decides to (surplus policy)",
        ),
    ),
    (
        DONATION_SURPLUS_UPPER,
        Family(
            stocks.donation_surplus_upper,
            STOCKS,
            ("nation", "item", "demand"),
            ("donation_surplus_upper",),
            "rule",
            RuleSpec(
                "surplus donation policy",
                STOCKPILE,
                "donation_policy",
                "widen",
                "unit short",
                "{nation}'s own demand {demand} while it donates {item} (surplus policy)",
                about=("item", "nation"),
            ),
        ),
    ),
    (
        FUND_PAYMENT_UPPER,
        Family(
            funds.fund_payment_upper,
            FUNDS,
            ("producer", "item", "nation"),
            ("fund_payment_upper", "fund_payment_eligible"),
            "link",
            context="funds pay at most the cost of {2}'s orders of {1} from {0}",
        ),
    ),
    (
        FUND_REFILL_UPPER,
        Family(
            funds.fund_refill_upper,
            FUNDS,
            ("fund", "item", "nation"),
            ("fund_refill_upper",),
            "rule",
            RuleSpec(
                "refill reimbursement",
                STOCKPILE,
                "unit_value",
                "raise",
                "{currency}",
                "what fund {fund} may reimburse {nation} for donated {item}",
                about=("item", "nation", "fund"),
            ),
        ),
    ),
    (
        FUND_INVESTMENT_SHARE_UPPER,
        Family(
            funds.fund_investment_share_upper,
            FUNDS,
            ("fund", "expansion"),
            ("fund_investment_upper",),
            "rule",
            RuleSpec(
                "co-financing share",
                FUND,
                "max_cofinancing_share",
                "raise",
                "{currency}",
                "fund {fund}'s co-financing of expansion {expansion}",
                about=("fund",),
            ),
        ),
    ),
    (
        FUND_INVESTMENT_UPPER,
        Family(
            funds.fund_investment_upper,
            FUNDS,
            ("expansion",),
            ("fund_investment_upper", "fund_investment_eligible"),
            "link",
            context="funds pay at most the cost of expansion {0}",
        ),
    ),
    (
        FUND_BALANCE,
        Family(
            funds.fund_balance,
            FUNDS,
            ("fund",),
            ("fund_balance",),
            "identity",
            context="money in and out of fund {0}",
        ),
    ),
    (
        FUND_CAP_UPPER,
        Family(
            funds.fund_cap_upper,
            FUNDS,
            ("fund",),
            ("fund_cap_upper",),
            "rule",
            RuleSpec(
                "fund cap",
                FUND,
                "cap",
                "raise",
                "{currency}",
                "the cap of fund {fund}",
                about=("fund",),
            ),
        ),
    ),
    (
        BILATERAL_CEILING_UPPER,
        Family(
            funds.bilateral_ceiling_upper,
            FUNDS,
            ("nation", "beneficiary"),
            ("bilateral_ceiling_upper",),
            "rule",
            RuleSpec(
                "bilateral purchase ceiling",
                PURCHASE,
                "ceiling",
                "raise",
                "{currency}",
                "the ceiling of {nation}'s purchases for {beneficiary}",
                about=("nation",),
            ),
        ),
    ),
    (
        FUND_COMMITTED_LOWER,
        Family(
            funds.fund_committed_lower,
            FUNDS,
            ("fund",),
            ("fund_committed_lower",),
            "rule",
            RuleSpec(
                "fund committed size",
                FUND,
                "committed",
                "lower",
                "{currency}",
                "the committed size of fund {fund}",
                about=("fund",),
            ),
        ),
    ),
    (
        CONTRIBUTION_KEY_LOWER,
        Family(
            funds.contribution_key_lower,
            FUNDS,
            ("fund", "nation"),
            ("contribution_key",),
            "rule",
            RuleSpec(
                "contribution key",
                FUND,
                "contribution.tolerance",
                "widen",
                "{currency}",
                "the least {nation} may pay into fund {fund} by its key share",
                about=("nation", "fund"),
            ),
        ),
    ),
    (
        CONTRIBUTION_KEY_UPPER,
        Family(
            funds.contribution_key_upper,
            FUNDS,
            ("fund", "nation"),
            ("contribution_key",),
            "rule",
            RuleSpec(
                "contribution key",
                FUND,
                "contribution.tolerance",
                "widen",
                "{currency}",
                "the most {nation} may pay into fund {fund} by its key share",
                about=("nation", "fund"),
            ),
        ),
    ),
    (
        # column bounds, described per bound by aggregate.explain.rules.pledge_rule
        CONTRIBUTION_PLEDGE,
        Family(
            funds.contribution_pledge,
            FUNDS,
            ("fund", "nation"),
            ("contribution_pledge",),
            "rule",
            rows=False,
        ),
    ),
    (
        CONSORTIUM_PAYS_LINK,
        Family(
            funds.consortium_pays_link,
            FUNDS,
            ("fund", *CONTRACT),
            ("consortium_lower",),
            "rule",
            CONSORTIUM,
        ),
    ),
    (
        CONSORTIUM_LOWER,
        Family(
            funds.consortium_lower,
            FUNDS,
            ("fund", *CONTRACT),
            ("consortium_lower",),
            "rule",
            CONSORTIUM,
        ),
    ),
    (
        CONSORTIUM_JOIN_LINK,
        Family(
            funds.consortium_join_link,
            FUNDS,
            ("producer", "item", "contract_nation?", "nation"),
            ("consortium_lower",),
            "link",
            context="a nation joins contract {0}/{1} only with an order",
        ),
    ),
    (
        BUDGET_UPPER,
        Family(
            funds.budget_upper,
            BUDGETS,
            ("nation",),
            ("budget_upper", "budget_accounting"),
            "rule",
            RuleSpec(
                "budget",
                NATION,
                "budget",
                "raise",
                "{currency}",
                "{nation}'s budget",
                about=("nation",),
            ),
        ),
    ),
    (
        BUDGET_PERIOD_UPPER,
        Family(
            funds.budget_period_upper,
            BUDGETS,
            ("nation", "period"),
            ("budget_period_upper",),
            "rule",
            RuleSpec(
                "budget per period",
                NATION,
                "budget_per_period",
                "raise",
                "{currency}",
                "{nation}'s budget per period",
                period="period",
                about=("nation",),
            ),
        ),
    ),
    (
        PARTICIPATION_SHORT_UPPER,
        Family(
            participation.participation_short_upper,
            PARTICIPATION,
            ("nation", "capability"),
            ("participation",),
            "rule",
            RuleSpec(
                "participation",
                "settings",
                "participation",
                "raise",
                "capability units",
                "the units of {capability} {nation} may be short (no more than going alone)",
                about=("nation",),
            ),
        ),
    ),
    (
        PARTICIPATION_SPEND_UPPER,
        Family(
            participation.participation_spend_upper,
            PARTICIPATION,
            ("nation",),
            ("participation",),
            "rule",
            RuleSpec(
                "participation",
                "settings",
                "participation",
                "raise",
                "{currency}",
                "what {nation} may spend (going alone, plus list price for more met demand)",
                about=("nation",),
            ),
        ),
    ),
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
    "FAMILIES",
    "ROW_FAMILIES",
    "RULE_FAMILIES",
    "SECTIONS",
    "Family",
    "RuleSpec",
]
