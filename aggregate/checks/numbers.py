"""The check of number ranges: quantities and amounts of money within what the solver
handles accurately."""

from __future__ import annotations

from aggregate import labels
from aggregate.checks.lookups import labelled_offers, num
from aggregate.errors import Problem
from aggregate.schema import PledgeRule, Scenario
from aggregate.schema.currency import in_reporting_currency

QUANTITY_RANGE = 1e9
"""Largest ratio between a scenario's largest and smallest nonzero quantity (units)."""

MONEY_RANGE = 1e10
"""Largest ratio between a scenario's largest and smallest nonzero amount of money.

Wider than :data:`QUANTITY_RANGE`: budgets and fund sizes bound sums of many orders, so
they sit a few orders of magnitude above single prices in real scenarios."""

_Value = tuple[float, str, str]
"""(value, entry, field)."""


def _series_values(value: float | dict[str, float] | None, entry: str, name: str) -> list[_Value]:
    if isinstance(value, dict):
        return [(v, entry, f"{name}.{period}") for period, v in value.items()]
    return [] if value is None else [(value, entry, name)]


def _tier(label: str, k: int) -> str:
    """The ``k``-th discount tier of an offer (from 1): ``label.tiers[#k]``."""
    return labels.field(label, "tiers", f"#{k}")


def _quantities(s: Scenario) -> list[_Value]:
    out: list[_Value] = [(d.quantity, labels.demand(d.id), "quantity") for d in s.demands]
    for _, o, label in labelled_offers(s):
        out += _series_values(o.capacity, label, "capacity")
        out += [(o.min_order, label, "min_order")]
        out += _series_values(o.lot_size, label, "lot_size")
        out += [(t.min_volume, _tier(label, i + 1), "min_volume") for i, t in enumerate(o.tiers)]
    out += [(e.added_capacity, labels.expansion(e.id), "added_capacity") for e in s.expansions]
    for st in s.stockpiles:
        label = labels.stockpile(st.nation, st.item)
        out += [(st.on_hand, label, "on_hand")]
        out += _series_values(st.floor, label, "floor")
        out += _series_values(st.refill_target, label, "refill_target")
    for c in s.component_suppliers:
        out += _series_values(c.capacity, labels.supplier(c.id), "capacity")
    for po in s.placed_orders:
        out += _series_values(po.deliveries, labels.placed_order(po.id), "deliveries")
    for prod, o, _ in labelled_offers(s):
        for held in o.commitments:
            where = labels.commitment(prod.id, o.item, held.nation)
            out += [(held.min_volume, where, "min_volume")]
            out += _series_values(held.max_volume, where, "max_volume")
    return out


def _money(s: Scenario) -> list[_Value]:
    out: list[_Value] = []
    for n in s.nations:
        out += _series_values(n.budget, labels.nation(n.code), "budget")
        out += _series_values(n.budget_per_period, labels.nation(n.code), "budget_per_period")
    for d in s.demands:
        out += _series_values(d.shortfall_penalty, labels.demand(d.id), "shortfall_penalty")
        out += _series_values(d.lateness_penalty, labels.demand(d.id), "lateness_penalty")
    for st in s.stockpiles:
        label = labels.stockpile(st.nation, st.item)
        for name in ("floor_penalty", "refill_penalty", "holding_cost", "unit_value"):
            out += _series_values(getattr(st, name), label, name)
    for _, o, label in labelled_offers(s):
        for name in ("price", "contract_cost", "order_period_cost", "delivery_cost"):
            out += _series_values(getattr(o, name), label, name)
        out += _series_values(o.delivery_cost_to, label, "delivery_cost_to")
        for i, t in enumerate(o.tiers):
            out += _series_values(t.price, _tier(label, i + 1), "price")
    out += [(e.investment_cost, labels.expansion(e.id), "investment_cost") for e in s.expansions]
    for po in s.placed_orders:
        out += [(po.price, labels.placed_order(po.id), "price")]
        out += [(po.cancellation_fee, labels.placed_order(po.id), "cancellation_fee")]
    for f in s.funds:
        out += _series_values(f.cap, labels.fund(f.id), "cap")
        out += [(f.committed, labels.fund(f.id), "committed")]
        out += _series_values(f.package_size, labels.fund(f.id), "package_size")
        if isinstance(f.contribution, PledgeRule):
            for member, pledge in f.contribution.pledges.items():
                out += _series_values(pledge.min, labels.fund(f.id), f"pledges.{member}.min")
                out += _series_values(pledge.max, labels.fund(f.id), f"pledges.{member}.max")
    if s.settings.objective == "weighted":  # the defaults enter only that objective
        for name in ("default_shortfall_penalty", "default_lateness_penalty"):
            out += [(getattr(s.settings, name), "settings", name)]
    return out


def _range_problem(values: list[_Value], limit: float, kind: str, unit: str) -> list[Problem]:
    nonzero = [v for v in values if v[0] > 0]
    if not nonzero:
        return []
    small = min(nonzero, key=lambda v: v[0])
    large = max(nonzero, key=lambda v: v[0])
    ratio = large[0] / small[0]
    if ratio <= limit:
        return []
    return [
        Problem(
            small[1],
            small[2],
            f"the {kind} span {ratio:.1e} {unit}: {num(small[0])} here against "
            f"{num(large[0])} at {large[1]}, field '{large[2]}'; above a spread of "
            f"{limit:.0e} the solver's tolerances blur the small numbers",
            f"raise this value to at least {num(large[0] / limit)} or set it to 0, lower "
            "the large one, or count in another unit",
        )
    ]


def check_coefficient_range(s: Scenario) -> list[Problem]:
    """The scenario's nonzero quantities span at most :data:`QUANTITY_RANGE` and its
    amounts of money at most :data:`MONEY_RANGE`: the solver works in double precision
    with tolerances of about 1e-9, so wider spreads make its answer unreliable (a demand
    ignored, a cost rounded away). The problem names the smallest and the largest entry.
    Amounts are compared in the reporting currency, as the model reads them."""
    money = _money(in_reporting_currency(s))
    return _range_problem(_quantities(s), QUANTITY_RANGE, "quantities", "times") + _range_problem(
        money, MONEY_RANGE, "amounts of money", "times"
    )
