"""Re-check a solved plan against every rule of ``docs/model.md``, from its tables alone.

The checker is independent of the model: it reads the scenario and the solution's tables
(:data:`aggregate.tables.TABLES`) with plain pandas and Python, recomputes every quantity a
rule bounds, and reports each broken rule as one row of :attr:`Verification.violations`.
It never builds or reads a Pyomo model, so a bug would have to be written twice, in two
different ways, to slip through.

A comparison passes within ``tol * max(1, |magnitude|)``: an absolute tolerance for small
numbers, a relative one for large sums of money (for a sum, the magnitude is the sum of
its terms' sizes, so a balance of large flows is not held to a tighter standard than its
parts).

Every rule name a violation can carry is a key of :data:`RULES`. Model rules keep their
name in ``docs/model.md`` (``capacity_upper``, ``stock_balance``, ...); the accounting
identities of the tables are named after the table and what they tie together
(``order_purchase_cost``, ``stock_arrivals``, ``budget_accounting``, ...). A violation's
entity is a label of :mod:`aggregate.labels` (``producers[RHM].offers[155-L52]``,
``stockpiles[DEU/155-L52]``, ``tables.contracts[RHM/155-L52]``, ``funds[EPF]``, ...).

The package follows the checker's steps: :mod:`~aggregate.verify.plan` reads the tables
(typed by :data:`aggregate.tables.SPECS`) against the scenario's index
(:mod:`~aggregate.verify.index`, on :mod:`aggregate.schema.facts`); the checks, by section,
are in :mod:`~aggregate.verify.supply` (orders, contracts, capacity, investments,
components), :mod:`~aggregate.verify.units` (whole units of indivisible items),
:mod:`~aggregate.verify.stocks` (inventory, floors, refills, donations, supply, demands),
:mod:`~aggregate.verify.sustainment` (wear, spares, the worn pool, repairs),
:mod:`~aggregate.verify.money` (funds, payments, budgets),
:mod:`~aggregate.verify.instruments` (the instruments' shares and origin rules) and
:mod:`~aggregate.verify.figures` (key figures).

A solution without a plan (``status.has_plan`` false) is not checked: :func:`verify`
returns a :class:`Verification` with no violations and ``checked=False``.

Readings of the rules where the tables leave a choice (each states what is assumed):

- The scenario is one that passed :func:`aggregate.check`; only the plan is distrusted.
- A missing inventory row reads as an all-zero row; table rows naming unknown ids, and
  repeated rows, are reported and left out of every sum.
- A floor starting above ``on_hand`` binds from ``refill_by`` on, and never without it.
- A nation joins a contract (for ``consortium_lower``) when it orders a positive quantity.
- The sponsor's part of an investment is a ``payments`` row (payer_type ``nation``,
  purpose ``investment``); the budgets' ``investments`` column sums those rows.
- ``lateness_weight``, ``needs_discount`` and the weighted penalties come from
  ``scenario.settings`` (the objective mode from ``solution.objective``).
- ``on_time_rate`` and ``fill_rate`` are 1 without demand.
- Worn units and spares are drawn in the period of the use that wears or consumes them; the
  pool of worn units opens at 0; a repair returns exactly ``repair_time + transport_time``
  periods after the shop takes it in (the ``repairs`` table's ``returned``).
"""

from __future__ import annotations

from collections.abc import Callable

from aggregate.result import Solution
from aggregate.schema import Scenario
from aggregate.verify.figures import check_key_figures
from aggregate.verify.financing import check_loans
from aggregate.verify.index import Index
from aggregate.verify.instruments import check_component_origin, check_procurement_share
from aggregate.verify.money import (
    check_budgets,
    check_fund_payments,
    check_fund_timing,
    check_funds,
    check_payments,
)
from aggregate.verify.outcome import (
    VIOLATION_COLUMNS,
    PlanViolation,
    Verification,
    Violation,
    frame,
)
from aggregate.verify.participation import check_participation
from aggregate.verify.plan import Plan, prepare
from aggregate.verify.rules import RULES
from aggregate.verify.stocks import (
    check_demands,
    check_donations,
    check_floors,
    check_inventory,
    check_refills,
    check_supply,
)
from aggregate.verify.supply import (
    check_capacity,
    check_commitments,
    check_components,
    check_contracts,
    check_investments,
    check_orders,
    check_placed_orders,
)
from aggregate.verify.sustainment import check_repairs, check_wear
from aggregate.verify.units import check_whole_units

__all__ = [
    "RULES",
    "VIOLATION_COLUMNS",
    "PlanViolation",
    "Verification",
    "Violation",
    "verify",
]

CHECKS: tuple[Callable[[Plan], list[Violation]], ...] = (
    check_orders,
    check_whole_units,
    check_contracts,
    check_commitments,
    check_placed_orders,
    check_capacity,
    check_investments,
    check_components,
    check_inventory,
    check_floors,
    check_refills,
    check_wear,
    check_repairs,
    check_donations,
    check_supply,
    check_demands,
    check_funds,
    check_fund_payments,
    check_procurement_share,
    check_component_origin,
    check_fund_timing,
    check_payments,
    check_loans,
    check_budgets,
    check_participation,
    check_key_figures,
)
"""Every rule family, in the order its violations are listed."""


def verify(scenario: Scenario, solution: Solution, tol: float = 1e-6) -> Verification:
    """Check every rule of the model on ``solution``'s tables for ``scenario``.

    ``tol`` is the tolerance of each comparison relative to its magnitude (absolute below
    1). Rules the solver's tolerances could breach by a hair pass; real breaches are
    reported. Returns a :class:`Verification` (``checked=False`` when there is no plan).
    """
    if not solution.status.has_plan:
        return Verification(frame([]), checked=False)
    index = Index(scenario)
    tables, found = prepare(solution.tables, index, tol)
    plan = Plan(index, tables, tol, solution)
    for check in CHECKS:
        found.extend(check(plan))
    return Verification(frame(found))
