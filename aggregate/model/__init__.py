"""The Pyomo model: sets and variables, one function per constraint family, objectives."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pyomo.environ as pyo

from aggregate.data import ModelData
from aggregate.model.linear import AggregateModel, LinearModel, gc_paused, linear
from aggregate.model.objective import add_objectives, cost_terms, cost_vectors, needs_vectors
from aggregate.model.registry import FAMILIES
from aggregate.model.variables import SET_DIMEN, add_sets, add_variables, index_sets

ConstraintFamily = Callable[[pyo.ConcreteModel, ModelData], None]

CONSTRAINTS: list[ConstraintFamily] = list(FAMILIES.values())
"""Every constraint family, in the order they are added (declared in
:mod:`aggregate.model.registry`)."""


def build_model(data: ModelData) -> AggregateModel:
    """Build the joint-procurement MILP (docs/model.md) from prepared data.

    The constraint families live in the model's matrix (:func:`linear`); each family's
    Pyomo constraint is made from it when first read (:class:`AggregateModel`).
    """
    with gc_paused():
        m = AggregateModel(name=data.name)
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
        lin: LinearModel = sets.linear_model
        lin.objective_terms = cost_vectors(lin, data)
        lin.needs, lin.shortfall_cost = needs_vectors(lin, data)
    return lin


__all__ = [
    "CONSTRAINTS",
    "AggregateModel",
    "LinearModel",
    "build_model",
    "build_numbers",
    "cost_terms",
    "index_sets",
    "linear",
]
