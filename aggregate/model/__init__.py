"""The Pyomo model: sets and variables, one function per constraint family, objectives."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pyomo.environ as pyo

from aggregate.data import ModelData
from aggregate.model import contracts, funds, stocks
from aggregate.model.linear import LinearModel, gc_paused, linear
from aggregate.model.objective import add_objectives, cost_terms, cost_vectors, needs_vectors
from aggregate.model.variables import SET_DIMEN, add_sets, add_variables, index_sets

ConstraintFamily = Callable[[pyo.ConcreteModel, ModelData], None]

CONSTRAINTS: list[ConstraintFamily] = [
    contracts.tier_choice,
    contracts.tier_volume_bounds,
    contracts.min_order_lower,
    contracts.order_tier_link,
    contracts.order_lots,
    contracts.delivery_period_link,
    contracts.capacity_upper,
    contracts.expansion_once,
    contracts.component_supply,
    contracts.supplier_capacity_upper,
    stocks.stock_balance,
    stocks.stock_floor_lower,
    stocks.refill_target_lower,
    stocks.demand_balance,
    stocks.donation_from_stock_upper,
    funds.fund_payment_upper,
    funds.fund_refill_upper,
    funds.fund_investment_upper,
    funds.fund_balance,
    funds.fund_size_bounds,
    funds.contribution_key,
    funds.contribution_pledge,
    funds.consortium_lower,
    funds.budget_upper,
    funds.budget_period_upper,
]
"""Every constraint family, in the order they are added."""


def build_model(data: ModelData) -> pyo.ConcreteModel:
    """Build the joint-procurement MILP (docs/model.md) from prepared data."""
    with gc_paused():
        m = pyo.ConcreteModel(name=data.name)
        add_sets(m, data)
        add_variables(m, data)
        for family in CONSTRAINTS:
            family(m, data)
        add_objectives(m, data)
    return m


def build_numbers(m: pyo.ConcreteModel, data: ModelData) -> LinearModel:
    """The matrix, bounds and objective vectors of ``data`` laid out on the structure of the
    built model ``m`` (same index sets), without creating any Pyomo component.

    Runs the very family functions :func:`build_model` runs, so a variant's numbers land
    exactly where a fresh build would put them.
    """
    with gc_paused():
        sets = SimpleNamespace(**{name: getattr(m, name) for name in SET_DIMEN})
        add_variables(sets, data)
        for family in CONSTRAINTS:
            family(sets, data)
        lin: LinearModel = sets._linear
        lin.objective_terms = cost_vectors(lin, data)
        lin.needs, lin.shortfall_cost = needs_vectors(lin, data)
    return lin


__all__ = [
    "CONSTRAINTS",
    "LinearModel",
    "build_model",
    "build_numbers",
    "cost_terms",
    "index_sets",
    "linear",
]
