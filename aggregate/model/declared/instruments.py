"""Declarations of the families of the EU and NATO instruments' own rules (a fund's share
of each contract's value, the origin of components in what it buys)."""

from __future__ import annotations

from typing import Final

from aggregate.model import instruments
from aggregate.model.family import CONTRACT, FUND, FUNDS, Family, RuleSpec

FUND_PROCUREMENT_SHARE_UPPER: Final = "fund_procurement_share_upper"
COMPONENT_ORIGIN_PAYS_LINK: Final = "component_origin_pays_link"
COMPONENT_ORIGIN_UPPER: Final = "component_origin_upper"

# Two families (the payment link and the value bound) carry the fund's one origin rule.
COMPONENT_ORIGIN = RuleSpec(
    "component origin",
    FUND,
    "component_origin.max_outside_share",
    "raise",
    "{currency}",
    "the component value from outside fund {fund}'s countries fed to {producer}",
    about=("producer", "fund"),
)

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
    (
        COMPONENT_ORIGIN_PAYS_LINK,
        Family(
            instruments.component_origin_pays_link,
            FUNDS,
            ("fund", "producer"),
            ("component_origin",),
            "rule",
            COMPONENT_ORIGIN,
        ),
    ),
    (
        COMPONENT_ORIGIN_UPPER,
        Family(
            instruments.component_origin_upper,
            FUNDS,
            ("fund", "producer"),
            ("component_origin", "component_value"),
            "rule",
            COMPONENT_ORIGIN,
        ),
    ),
)
"""The declarations of the instruments' families, in build order."""
