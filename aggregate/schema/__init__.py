"""The scenario schema (Pydantic v2): what a joint-procurement scenario contains."""

from aggregate.schema.base import PerPeriod, expand
from aggregate.schema.funds import Fund, KeyRule, Pledge, PledgeRule
from aggregate.schema.industry import (
    Commitment,
    ComponentSupplier,
    Expansion,
    Offer,
    Producer,
    Tier,
)
from aggregate.schema.materiel import Capability, Component, Equivalence, Item
from aggregate.schema.nations import BilateralPurchase, Nation
from aggregate.schema.needs import Demand, Stockpile
from aggregate.schema.orders import PlacedOrder
from aggregate.schema.scenario import Scenario
from aggregate.schema.settings import SolveSettings

__all__ = [
    "BilateralPurchase",
    "Capability",
    "Commitment",
    "Component",
    "ComponentSupplier",
    "Demand",
    "Equivalence",
    "Expansion",
    "Fund",
    "Item",
    "KeyRule",
    "Nation",
    "Offer",
    "PerPeriod",
    "PlacedOrder",
    "Pledge",
    "PledgeRule",
    "Producer",
    "Scenario",
    "SolveSettings",
    "Stockpile",
    "Tier",
    "expand",
]
