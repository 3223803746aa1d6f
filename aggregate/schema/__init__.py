"""The scenario schema (Pydantic v2): what a joint-procurement scenario contains."""

from aggregate.schema.base import PerPeriod, expand
from aggregate.schema.funds import ComponentOrigin, Fund, KeyRule, Pledge, PledgeRule
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
from aggregate.schema.sustainment import RepairShop, Spares, Sustainment, Wear

__all__ = [
    "BilateralPurchase",
    "Capability",
    "Commitment",
    "Component",
    "ComponentOrigin",
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
    "RepairShop",
    "Scenario",
    "SolveSettings",
    "Spares",
    "Stockpile",
    "Sustainment",
    "Tier",
    "Wear",
    "expand",
]
