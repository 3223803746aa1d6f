"""Consistency checks beyond field types: references, orderings and rules a solve relies on.

Each ``check_<what>`` function looks at one concern, gathers *every* offending entry and
returns one :class:`~aggregate.errors.Problem` per entry (or per duplicated id), naming the
entry, the field, what is wrong and how to fix it. :data:`CHECKS` lists them in the order
they run; :func:`check_scenario` runs them all and tags each problem with its check's name.

The checks live in one module per section of the scenario (:mod:`~aggregate.checks.duplicates`,
:mod:`~aggregate.checks.references`, :mod:`~aggregate.checks.stockpiles`,
:mod:`~aggregate.checks.industry`, :mod:`~aggregate.checks.needs`,
:mod:`~aggregate.checks.funds`, :mod:`~aggregate.checks.currency`,
:mod:`~aggregate.checks.sustainment`,
:mod:`~aggregate.checks.units`, :mod:`~aggregate.checks.numbers`,
:mod:`~aggregate.checks.settings`), over the shared lookups of
:mod:`~aggregate.checks.lookups`; this module lists them.

The checks assume only what the schema guarantees: a check that needs a reference to
resolve skips the entry when it does not (the reference checks report it), so one mistake
is reported once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from aggregate.checks.currency import check_currency_rates, check_exchange_rates
from aggregate.checks.duplicates import (
    check_duplicate_equivalences,
    check_duplicate_fund_members,
    check_duplicate_ids,
    check_duplicate_offers,
    check_duplicate_periods,
    check_duplicate_stockpiles,
    check_period_order,
)
from aggregate.checks.funds import (
    check_bilateral_purchases,
    check_fund_amounts,
    check_fund_cofinancing,
    check_fund_component_origin,
    check_fund_consortium,
    check_fund_key,
    check_fund_key_cap,
    check_fund_loans,
    check_fund_origin,
    check_fund_packages,
    check_fund_pledges,
    check_fund_procurement_share,
    check_fund_window,
)
from aggregate.checks.industry import (
    check_component_supply,
    check_expansion_steps,
    check_expansion_window,
    check_offer_buyers,
    check_offer_capacity,
    check_tier_reachable,
    check_tiers,
)
from aggregate.checks.needs import (
    check_demand_sources,
    check_demand_system,
    check_demand_usable_items,
    check_item_usable,
)
from aggregate.checks.numbers import MONEY_RANGE, QUANTITY_RANGE, check_coefficient_range
from aggregate.checks.orders import check_commitments, check_placed_orders
from aggregate.checks.references import (
    check_capability_references,
    check_component_references,
    check_demand_references,
    check_expansion_references,
    check_fund_references,
    check_offer_references,
    check_period_references,
    check_stockpile_references,
)
from aggregate.checks.settings import (
    check_lateness_penalties,
    check_lateness_weight,
    check_needs_discount,
)
from aggregate.checks.stockpiles import (
    check_donation_policy,
    check_floor_penalty,
    check_refill_plan,
    check_refill_target_floor,
    check_stockpile_floor_start,
)
from aggregate.checks.sustainment import check_sustainment_references, check_sustainment_rules
from aggregate.checks.units import check_whole_units
from aggregate.errors import Problem
from aggregate.schema import Scenario

Check = Callable[[Scenario], list[Problem]]
"""A consistency check: every problem it finds in a scenario."""

CHECKS: dict[str, Check] = {
    fn.__name__.removeprefix("check_"): fn
    for fn in (
        # ids first: later checks resolve references by id
        check_duplicate_ids,
        check_duplicate_periods,
        check_period_order,
        check_duplicate_offers,
        check_duplicate_stockpiles,
        check_duplicate_fund_members,
        check_duplicate_equivalences,
        # references
        check_period_references,
        check_demand_references,
        check_capability_references,
        check_stockpile_references,
        check_offer_references,
        check_expansion_references,
        check_component_references,
        check_fund_references,
        check_sustainment_references,
        # stockpiles
        check_stockpile_floor_start,
        check_refill_plan,
        check_refill_target_floor,
        check_floor_penalty,
        check_donation_policy,
        # whole units of indivisible items
        check_whole_units,
        # sustainment
        check_sustainment_rules,
        # industry
        check_tiers,
        check_tier_reachable,
        check_offer_capacity,
        check_offer_buyers,
        check_expansion_window,
        check_expansion_steps,
        check_component_supply,
        check_commitments,
        check_placed_orders,
        # needs
        check_item_usable,
        check_demand_usable_items,
        check_demand_system,
        check_demand_sources,
        # funds
        check_fund_key,
        check_fund_key_cap,
        check_fund_pledges,
        check_fund_amounts,
        check_fund_window,
        check_fund_cofinancing,
        check_fund_procurement_share,
        check_fund_component_origin,
        check_fund_consortium,
        check_fund_origin,
        check_bilateral_purchases,
        check_fund_packages,
        check_fund_loans,
        # currencies
        check_exchange_rates,
        check_currency_rates,
        # numbers
        check_coefficient_range,
        # settings
        check_lateness_weight,
        check_needs_discount,
        check_lateness_penalties,
    )
}
"""Every consistency check by name, in the order :func:`check_scenario` runs them."""


def check_scenario(scenario: Scenario) -> list[Problem]:
    """Run every check of :data:`CHECKS`; return all problems, each tagged with its check."""
    return [
        dataclasses.replace(problem, check=name)
        for name, check in CHECKS.items()
        for problem in check(scenario)
    ]


__all__ = [
    "CHECKS",
    "MONEY_RANGE",
    "QUANTITY_RANGE",
    "Check",
    "check_bilateral_purchases",
    "check_capability_references",
    "check_coefficient_range",
    "check_component_references",
    "check_component_supply",
    "check_currency_rates",
    "check_demand_references",
    "check_demand_sources",
    "check_demand_system",
    "check_demand_usable_items",
    "check_duplicate_equivalences",
    "check_duplicate_fund_members",
    "check_duplicate_ids",
    "check_duplicate_offers",
    "check_duplicate_periods",
    "check_duplicate_stockpiles",
    "check_exchange_rates",
    "check_expansion_references",
    "check_expansion_steps",
    "check_expansion_window",
    "check_floor_penalty",
    "check_fund_amounts",
    "check_fund_cofinancing",
    "check_fund_component_origin",
    "check_fund_consortium",
    "check_fund_key",
    "check_fund_key_cap",
    "check_fund_loans",
    "check_fund_origin",
    "check_fund_packages",
    "check_fund_pledges",
    "check_fund_procurement_share",
    "check_fund_references",
    "check_fund_window",
    "check_item_usable",
    "check_lateness_penalties",
    "check_lateness_weight",
    "check_needs_discount",
    "check_offer_buyers",
    "check_offer_capacity",
    "check_offer_references",
    "check_period_order",
    "check_period_references",
    "check_refill_plan",
    "check_refill_target_floor",
    "check_scenario",
    "check_stockpile_floor_start",
    "check_stockpile_references",
    "check_sustainment_references",
    "check_sustainment_rules",
    "check_tier_reachable",
    "check_tiers",
    "check_whole_units",
]
