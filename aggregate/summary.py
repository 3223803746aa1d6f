"""What a scenario contains, as tidy DataFrames (for ``aggregate summary`` and notebooks).

Quantities are in the item's or capability's unit, money in the scenario's (reporting)
currency, amounts stated in another converted as the model reads them; a missing limit (no
budget, no cap) is NaN.
"""

from __future__ import annotations

import math

import pandas as pd

from aggregate.schema import Scenario, expand
from aggregate.schema.currency import in_reporting_currency


def sizes(scenario: Scenario) -> pd.DataFrame:
    """How many of each entity the scenario holds: columns ``entity``, ``count``, ``detail``."""
    s = scenario
    offers = sum(len(p.offers) for p in s.producers)
    tiers = sum(len(o.tiers) for p in s.producers for o in p.offers)
    purchases = [(n.code, b) for n in s.nations for b in n.buys_for]
    rows = [
        ("periods", len(s.periods), f"{s.periods[0]} .. {s.periods[-1]}"),
        ("nations", len(s.nations), ", ".join(n.code for n in s.nations)),
        ("items", len(s.items), ", ".join(i.id for i in s.items)),
        ("capabilities", len(s.capabilities), ", ".join(c.id for c in s.capabilities)),
        ("demands", len(s.demands), _count(len({d.nation for d in s.demands}), "nation")),
        ("stockpiles", len(s.stockpiles), _count(sum(sp.donor for sp in s.stockpiles), "donor")),
        ("producers", len(s.producers), f"{_count(offers, 'offer')}, {_count(tiers, 'tier')}"),
        ("expansions", len(s.expansions), ""),
        ("components", len(s.components), _count(len(s.component_suppliers), "supplier")),
        ("funds", len(s.funds), ", ".join(f.id for f in s.funds)),
        (
            "bilateral purchases",
            len(purchases),
            ", ".join(f"{n}->{b.beneficiary}" for n, b in purchases),
        ),
    ]
    return pd.DataFrame(rows, columns=["entity", "count", "detail"])


def size_line(scenario: Scenario) -> str:
    """One line: ``12 periods (2024Q1..2026Q4), 5 nations, 3 items, ...``."""
    s = scenario
    offers = sum(len(p.offers) for p in s.producers)
    parts = [
        f"{len(s.periods)} periods ({s.periods[0]}..{s.periods[-1]})",
        _count(len(s.nations), "nation"),
        _count(len(s.items), "item"),
        _count(len(s.capabilities), "capability", "capabilities"),
        _count(len(s.demands), "demand"),
        f"{_count(len(s.producers), 'producer')} ({_count(offers, 'offer')})",
        _count(len(s.expansions), "expansion"),
        _count(len(s.funds), "fund"),
    ]
    return ", ".join(parts)


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def demand_by_capability(scenario: Scenario) -> pd.DataFrame:
    """Total demand per capability over the horizon.

    Columns ``capability``, ``unit``, ``demands`` (count), ``nations`` (count demanding),
    ``quantity`` (capability units).
    """
    rows = []
    for cap in scenario.capabilities:
        mine = [d for d in scenario.demands if d.capability == cap.id]
        rows.append(
            (
                cap.id,
                cap.unit,
                len(mine),
                len({d.nation for d in mine}),
                float(sum(d.quantity for d in mine)),
            )
        )
    return pd.DataFrame(rows, columns=["capability", "unit", "demands", "nations", "quantity"])


def capacity_by_item(scenario: Scenario) -> pd.DataFrame:
    """Producers' capacity per item summed over the horizon, before expansions.

    Columns ``item``, ``unit``, ``offers`` (count), ``capacity`` (units over all periods),
    ``expansions`` (options), ``expandable`` (units per period the options could add).
    """
    periods = list(scenario.periods)
    rows = []
    for item in scenario.items:
        offers = [o for p in scenario.producers for o in p.offers if o.item == item.id]
        options = [e for e in scenario.expansions if e.item == item.id]
        capacity = sum(sum(expand(o.capacity, periods)) for o in offers)
        rows.append(
            (
                item.id,
                item.unit,
                len(offers),
                float(capacity),
                len(options),
                float(sum(e.added_capacity for e in options)),
            )
        )
    return pd.DataFrame(
        rows, columns=["item", "unit", "offers", "capacity", "expansions", "expandable"]
    )


def stock_by_item(scenario: Scenario) -> pd.DataFrame:
    """Stock on hand per item at the start.

    Columns ``item``, ``unit``, ``holders`` (nations with a stockpile), ``on_hand`` (units),
    ``donor_on_hand`` (units in stockpiles that may be donated).
    """
    rows = []
    for item in scenario.items:
        mine = [sp for sp in scenario.stockpiles if sp.item == item.id]
        rows.append(
            (
                item.id,
                item.unit,
                len({sp.nation for sp in mine}),
                float(sum(sp.on_hand for sp in mine)),
                float(sum(sp.on_hand for sp in mine if sp.donor)),
            )
        )
    return pd.DataFrame(rows, columns=["item", "unit", "holders", "on_hand", "donor_on_hand"])


def funds(scenario: Scenario) -> pd.DataFrame:
    """The funds' rules and sizes.

    Columns ``fund``, ``name``, ``rule`` (``key``/``pledge``), ``members`` (count), ``cap``
    (NaN: none), ``committed``, ``pledged_min`` (sum of pledge minimums; NaN for key
    funds), ``uses`` (comma-separated).
    """
    rows = []
    for fund in in_reporting_currency(scenario).funds:
        rule = fund.contribution
        pledged = (
            float(sum(p.min for p in rule.pledges.values())) if rule.rule == "pledge" else math.nan
        )
        rows.append(
            (
                fund.id,
                fund.name,
                rule.rule,
                len(fund.members),
                math.nan if fund.cap is None else float(fund.cap),
                float(fund.committed),
                pledged,
                ", ".join(fund.uses),
            )
        )
    columns = ["fund", "name", "rule", "members", "cap", "committed", "pledged_min", "uses"]
    return pd.DataFrame(rows, columns=columns)


def budgets(scenario: Scenario) -> pd.DataFrame:
    """The nations' budgets.

    Columns ``nation``, ``name``, ``budget`` (over the horizon; NaN: unlimited),
    ``per_period_total`` (sum of the per-period limits over the horizon; NaN: none),
    ``demands`` (count), ``stockpiles`` (count).
    """
    periods = list(scenario.periods)
    rows = []
    for nation in in_reporting_currency(scenario).nations:
        per_period = nation.budget_per_period
        rows.append(
            (
                nation.code,
                nation.name,
                math.nan if nation.budget is None else float(nation.budget),
                math.nan if per_period is None else float(sum(expand(per_period, periods))),
                sum(d.nation == nation.code for d in scenario.demands),
                sum(sp.nation == nation.code for sp in scenario.stockpiles),
            )
        )
    columns = ["nation", "name", "budget", "per_period_total", "demands", "stockpiles"]
    return pd.DataFrame(rows, columns=columns)


def summary_tables(scenario: Scenario) -> dict[str, pd.DataFrame]:
    """Every summary table by title, in the order ``aggregate summary`` prints them."""
    return {
        "Sizes": sizes(scenario),
        "Demand by capability": demand_by_capability(scenario),
        "Capacity by item (over the horizon, before expansions)": capacity_by_item(scenario),
        "Stock on hand by item": stock_by_item(scenario),
        "Funds": funds(scenario),
        f"Budgets ({scenario.currency})": budgets(scenario),
    }
