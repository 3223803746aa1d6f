"""Declarations of the sustainment families: the worn pool and repair capacity."""

from __future__ import annotations

from typing import Final

from aggregate.model import sustainment
from aggregate.model.family import SHOP, SUSTAINMENT, Family, RuleSpec

WORN_POOL_BALANCE: Final = "worn_pool_balance"
REPAIR_CAPACITY_UPPER: Final = "repair_capacity_upper"


DECLARED: tuple[tuple[str, Family], ...] = (
    (
        WORN_POOL_BALANCE,
        Family(
            sustainment.worn_pool_balance,
            SUSTAINMENT,
            ("nation", "item", "period"),
            ("worn_pool_balance", "repair_within_pool"),
            "identity",
            context="pool of worn {1} of {0} in {2}",
        ),
    ),
    (
        REPAIR_CAPACITY_UPPER,
        Family(
            sustainment.repair_capacity_upper,
            SUSTAINMENT,
            ("shop", "period"),
            ("repair_capacity_upper",),
            "rule",
            RuleSpec(
                "repair capacity",
                SHOP,
                "capacity",
                "raise",
                "unit",
                "repair capacity of {shop}",
                period="period",
            ),
        ),
    ),
)
