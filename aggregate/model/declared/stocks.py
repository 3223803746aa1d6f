"""Declarations of the families of stocks, donations and demand."""

from __future__ import annotations

from typing import Final

from aggregate.model import stocks
from aggregate.model.family import STOCKPILE, STOCKS, Family, RuleSpec

STOCK_BALANCE: Final = "stock_balance"
STOCK_FLOOR_LOWER: Final = "stock_floor_lower"
REFILL_TARGET_LOWER: Final = "refill_target_lower"
DEMAND_BALANCE: Final = "demand_balance"
DONATION_FROM_STOCK_UPPER: Final = "donation_from_stock_upper"
DONATION_SURPLUS_LINK: Final = "donation_surplus_link"
DONATION_SURPLUS_UPPER: Final = "donation_surplus_upper"


DECLARED: tuple[tuple[str, Family], ...] = (
    (
        STOCK_BALANCE,
        Family(
            stocks.stock_balance,
            STOCKS,
            ("nation", "item", "period"),
            ("stock_balance", "worn_from_use", "spares_from_use", "repair_return"),
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
)
