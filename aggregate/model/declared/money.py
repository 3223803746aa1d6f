"""Declarations of the families of funds, budgets and participation."""

from __future__ import annotations

from typing import Final

from aggregate.model import funds, participation
from aggregate.model.family import (
    BUDGETS,
    CONTRACT,
    FUND,
    FUNDS,
    NATION,
    PARTICIPATION,
    PURCHASE,
    STOCKPILE,
    Family,
    RuleSpec,
)

FUND_PAYMENT_UPPER: Final = "fund_payment_upper"
FUND_REFILL_UPPER: Final = "fund_refill_upper"
FUND_INVESTMENT_SHARE_UPPER: Final = "fund_investment_share_upper"
FUND_INVESTMENT_UPPER: Final = "fund_investment_upper"
FUND_BALANCE: Final = "fund_balance"
FUND_CAP_UPPER: Final = "fund_cap_upper"
CONTRIBUTION_PERIODS: Final = "contribution_periods"
FUND_TRANCHE_UPPER: Final = "fund_tranche_upper"
FUND_CASH_BALANCE: Final = "fund_cash_balance"
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


DECLARED: tuple[tuple[str, Family], ...] = (
    (
        FUND_PAYMENT_UPPER,
        Family(
            funds.fund_payment_upper,
            FUNDS,
            ("producer", "item", "nation", "period?"),
            ("fund_payment_upper", "fund_payment_eligible", "fund_open_window"),
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
            ("fund", "expansion", "period"),
            ("fund_investment_upper", "fund_open_window"),
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
        CONTRIBUTION_PERIODS,
        Family(
            funds.contribution_periods,
            FUNDS,
            ("fund", "nation"),
            ("contribution_periods",),
            "identity",
            context="{1}'s payments into fund {0} over the periods",
        ),
    ),
    (
        FUND_TRANCHE_UPPER,
        Family(
            funds.fund_tranche_upper,
            FUNDS,
            ("fund", "period"),
            ("fund_tranche_upper", "fund_open_window"),
            "rule",
            RuleSpec(
                "fund tranche",
                FUND,
                "tranches",
                "raise",
                "{currency}",
                "the tranche of fund {fund}",
                period="period",
                about=("fund",),
            ),
        ),
    ),
    (
        FUND_CASH_BALANCE,
        Family(
            funds.fund_cash_balance,
            FUNDS,
            ("fund", "period"),
            ("fund_cash_balance",),
            "rule",
            RuleSpec(
                "fund cash balance",
                FUND,
                "tranches",
                "raise",
                "{currency}",
                "what fund {fund} may pay out beyond the money collected so far",
                period="period",
                about=("fund",),
            ),
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
            ("budget_upper", "budget_accounting", "loan_repayment"),
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
