"""What a constraint family's declaration holds (:class:`Family`, :class:`RuleSpec`), the
entry templates its rules point at, and the sections of docs/model.md.

The declarations themselves live in :mod:`aggregate.model.declared` (one module per part
of the model) and are gathered, in build order, by :mod:`aggregate.model.registry`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pyomo.environ as pyo

from aggregate import labels
from aggregate.data import ModelData
from aggregate.model.linear import linear

Kind = Literal["rule", "identity", "link"]
"""``rule``: a scenario field sets the limit; ``identity``: an accounting balance;
``link``: ties decisions together (binaries, big-M links, strengthening)."""

Relax = Literal["raise", "lower", "widen"]

# Index parts of a contract: the nation only in going-alone mode.
CONTRACT = ("producer", "item", "nation?")

# Entry templates: the labels of :mod:`aggregate.labels` over the index parts.
OFFER = labels.offer("{producer}", "{item}")
STOCKPILE = labels.stockpile("{nation}", "{item}")
FUND = labels.fund("{fund}")
NATION = labels.nation("{nation}")
PURCHASE = labels.buys_for("{nation}", "{beneficiary}")
SUPPLIER = labels.supplier("{supplier}")
SHOP = labels.repair_shop("{shop}")


@dataclass(frozen=True)
class RuleSpec:
    """Where a rule's limit sits in the scenario and how to relax it.

    The text fields are templates over the row's index parts (``{producer}``, ``{item}``,
    ...) and these values: ``{currency}``, ``{unit}`` (the item's unit), ``{component}`` and
    ``{component_unit}`` (a supplier's component), ``{contract}`` (``producer/item`` or
    ``producer/item/nation``) and ``{scenario_tier}`` (the tier's position in the scenario's
    ``tiers`` list: model tier 0 is the base price).
    """

    rule: str
    """Kind of rule, e.g. ``capacity`` or ``stockpile floor``."""
    entry: str
    """Scenario entry in the path language, e.g. ``producers[{producer}].offers[{item}]``."""
    field: str
    """Field of the entry that sets the limit."""
    relax: Relax
    """``raise`` a limit, ``lower`` a requirement, ``widen`` a band."""
    unit: str
    """One unit of relaxation."""
    subject: str
    """A phrase for sentences, e.g. ``capacity for {item} at {producer}``."""
    period: str = ""
    """Index part holding the period, ``refill_by`` for the stockpile's refill date, or empty."""
    about: tuple[str, ...] = ()
    """Which of producer, item, nation, fund and supplier the rule names (the described
    :class:`~aggregate.explain.rules.Rule` carries these)."""


@dataclass(frozen=True)
class Family:
    """One constraint family: a block of rows (or of column bounds) of the model."""

    builder: Callable[[pyo.ConcreteModel, ModelData], Any]
    """Returns the index and the rows (:data:`aggregate.model.contracts.Rows`), or sets
    column bounds and returns ``None`` when ``rows`` is false."""
    section: str
    """Section of docs/model.md."""
    index: tuple[str, ...]
    """Names of the index parts; ``?`` marks a part present only for some rows (a contract's
    nation, going alone)."""
    verify: tuple[str, ...]
    """Checks of :data:`aggregate.verify.RULES` that re-check the family from the tables."""
    kind: Kind
    rule: RuleSpec | None = None
    """For rules: the scenario entry and field."""
    context: str = ""
    """A label of one row for identities and links, a template over the index parts
    (positional, periods as labels); empty: ``name[index]``."""
    rows: bool = True
    """False for a family of column bounds (no rows)."""

    @property
    def name(self) -> str:
        return self.builder.__name__

    @property
    def maths(self) -> str:
        """The builder's docstring: a summary line, the maths, notes."""
        return inspect.getdoc(self.builder) or ""

    def __call__(self, m: pyo.ConcreteModel, data: ModelData) -> None:
        """Build the family into model ``m`` (or the number-only namespace of
        :func:`aggregate.model.build_numbers`)."""
        written = self.builder(m, data)
        if self.rows:
            index, rows = written
            linear(m).add_rows(m, self.name, index, rows)

    def bind(self, index: tuple[Any, ...]) -> dict[str, Any]:
        """The parts of a row's ``index`` by name (optional parts left out when absent)."""
        required = [p for p in self.index if not p.endswith("?")]
        spare = len(index) - len(required)
        names = [p.rstrip("?") for p in self.index if not p.endswith("?") or spare > 0]
        if len(names) != len(index):
            raise ValueError(f"{self.name}: index {index!r} does not match {self.index}")
        return dict(zip(names, index, strict=True))


SUPPLY = "Contracts and prices"
CAPACITY = "Capacity, expansions and components"
STOCKS = "Stocks, donations and demand"
FUNDS = "Funds"
BUDGETS = "Budgets"
PARTICIPATION = "Participation"
SUSTAINMENT = "Sustainment"

SECTIONS: tuple[str, ...] = (SUPPLY, CAPACITY, STOCKS, SUSTAINMENT, FUNDS, BUDGETS, PARTICIPATION)
"""The sections of docs/model.md's rules, in order."""
