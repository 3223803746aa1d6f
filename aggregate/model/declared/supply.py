"""Declarations of the families of contracts, prices, capacity, expansions and components."""

from __future__ import annotations

from typing import Final

from aggregate.model import contracts
from aggregate.model.family import CAPACITY, CONTRACT, OFFER, SUPPLIER, SUPPLY, Family, RuleSpec

TIER_CHOICE: Final = "tier_choice"
TIER_VOLUME_LOWER: Final = "tier_volume_lower"
TIER_VOLUME_UPPER: Final = "tier_volume_upper"
MIN_ORDER_LOWER: Final = "min_order_lower"
ORDER_TIER_LINK: Final = "order_tier_link"
ORDER_LOTS: Final = "order_lots"
DELIVERY_PERIOD_LINK: Final = "delivery_period_link"
CAPACITY_UPPER: Final = "capacity_upper"
CAPACITY_LOTS_UPPER: Final = "capacity_lots_upper"
BUILD_AHEAD_BALANCE: Final = "build_ahead_balance"
EXPANSION_ONCE: Final = "expansion_once"
EXPANSION_PRECEDENCE: Final = "expansion_precedence"
COMPONENT_SUPPLY: Final = "component_supply"
SUPPLIER_CAPACITY_UPPER: Final = "supplier_capacity_upper"
COMMITMENT_LOWER: Final = "commitment_lower"
COMMITMENT_UPPER: Final = "commitment_upper"

COMMITMENT = "commitments[nation={nation}]"
"""A nation's commitment to an offer, in the path language (from the offer)."""


DECLARED: tuple[tuple[str, Family], ...] = (
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
        COMMITMENT_LOWER,
        Family(
            contracts.commitment_lower,
            SUPPLY,
            ("producer", "item", "nation"),
            ("commitment_lower",),
            "rule",
            RuleSpec(
                "commitment",
                OFFER,
                f"{COMMITMENT}.min_volume",
                "lower",
                "{unit}",
                "{nation}'s committed minimum order of {item} at {producer}",
                about=("producer", "item", "nation"),
            ),
        ),
    ),
    (
        COMMITMENT_UPPER,
        Family(
            contracts.commitment_upper,
            SUPPLY,
            ("producer", "item", "nation"),
            ("commitment_upper",),
            "rule",
            RuleSpec(
                "commitment",
                OFFER,
                f"{COMMITMENT}.max_volume",
                "raise",
                "{unit}",
                "{nation}'s committed maximum order of {item} at {producer}",
                about=("producer", "item", "nation"),
            ),
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
        BUILD_AHEAD_BALANCE,
        Family(
            contracts.build_ahead_balance,
            CAPACITY,
            ("producer", "item", "period"),
            ("build_ahead_balance", "capacity_table"),
            "identity",
            context="units of {1} made ahead at {0} in {2}",
        ),
    ),
    (
        CAPACITY_LOTS_UPPER,
        Family(
            contracts.capacity_lots_upper,
            CAPACITY,
            ("producer", "item", "period"),
            ("capacity_upper", "order_lots"),
            "link",
            context="capacity for {1} at {0} in {2}, in whole lots",
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
        EXPANSION_PRECEDENCE,
        Family(
            contracts.expansion_precedence,
            CAPACITY,
            ("expansion", "period"),
            ("expansion_precedence",),
            "link",
            context="expansion {0} starts in {1} only once the step before it has started",
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
)
