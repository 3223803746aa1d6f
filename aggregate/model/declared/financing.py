"""Declarations of the families of funds' financial instruments (whole packages)."""

from __future__ import annotations

from typing import Final

from aggregate.model import financing
from aggregate.model.family import FUND, FUNDS, Family, RuleSpec

FUND_PACKAGE_WHOLE: Final = "fund_package_whole"

DECLARED: tuple[tuple[str, Family], ...] = (
    (
        FUND_PACKAGE_WHOLE,
        Family(
            financing.fund_package_whole,
            FUNDS,
            ("fund",),
            ("fund_package_whole",),
            "rule",
            RuleSpec(
                "package size",
                FUND,
                "package_size",
                "raise",
                "{currency}",
                "what fund {fund} may pay beyond its whole packages",
                about=("fund",),
            ),
        ),
    ),
)
