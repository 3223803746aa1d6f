"""Declarations of the families of the EU and NATO instruments' own rules (a fund's share
of each contract's value, the origin of components in what it buys)."""

from __future__ import annotations

from typing import Final

from aggregate.model import instruments
from aggregate.model.family import CONTRACT, FUND, FUNDS, Family, RuleSpec

FUND_PROCUREMENT_SHARE_UPPER: Final = "fund_procurement_share_upper"

DECLARED: tuple[tuple[str, Family], ...] = (
    (
        FUND_PROCUREMENT_SHARE_UPPER,
        Family(
            instruments.fund_procurement_share_upper,
            FUNDS,
            ("fund", *CONTRACT),
            ("fund_procurement_share_upper",),
            "rule",
            RuleSpec(
                "procurement co-financing share",
                FUND,
                "max_procurement_share",
                "raise",
                "{currency}",
                "fund {fund}'s share of the value of contract {contract}",
                about=("producer", "item", "nation", "fund"),
            ),
        ),
    ),
)
"""The declarations of the instruments' families, in build order."""
