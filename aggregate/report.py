"""Readable summaries of a plan (DataFrames for notebooks; the CLI renders them).

Every frame carries its units in ``attrs["units"]`` (column -> unit: the scenario's
currency, the item's or capability's unit, ``share``, ``periods``); read them with
:func:`aggregate.tables.units`. Nothing adds up different items: quantities are per item
(or per capability, in its own unit), with a ``unit`` column saying which.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from aggregate.key_figures import FIGURE_GROUPS, KEY_FIGURES
from aggregate.result import Solution
from aggregate.tables import (
    MIXED_CAPABILITIES,
    MIXED_ITEMS,
    figure_unit,
)

MONEY_DECIMALS = 2
"""Money is shown to the cent: sums of billions carry float noise below it."""
QUANTITY_DECIMALS = 6
"""Quantities and ratios are shown to 1e-6 (the solver's tolerances are coarser)."""

_STAGES = {
    "build": "build",
    "solve_alone": "alone",
    "solve_needs": "needs",
    "solve_cost": "cost",
    "solve_weighted": "weighted",
    "solve_payers": "payers",
    "extract": "extract",
}
"""Timed phase -> its short name on the solve line (``handoff`` is folded into build)."""


def _currency(solution: Solution) -> str:
    return solution.currency or "currency"


def _clean(value: Any, unit: str, currency: str) -> Any:
    """``value`` rounded for reading: money to cents, anything else numeric to 1e-6."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if not math.isfinite(value):
        return value
    digits = MONEY_DECIMALS if unit == currency else QUANTITY_DECIMALS
    return round(float(value), digits) + 0.0  # + 0.0: no "-0"


def _with_units(frame: pd.DataFrame, units: dict[str, str], currency: str = "") -> pd.DataFrame:
    """``frame`` with ``attrs["units"]``, its numbers rounded as :func:`_clean` does."""
    # a report frame is no longer the plan table pandas copied its attrs from: without
    # this, tables.units() would read it as that table and miss the report's own columns
    for key in ("table", "id_units"):
        frame.attrs.pop(key, None)
    frame.attrs["units"] = {c: u for c, u in units.items() if c in frame.columns}
    for column, unit in frame.attrs["units"].items():
        if pd.api.types.is_float_dtype(frame[column]):
            digits = MONEY_DECIMALS if unit == currency and currency else QUANTITY_DECIMALS
            frame[column] = frame[column].round(digits) + 0.0
    return frame


def _one(frame: pd.DataFrame, mixed: str) -> str:
    """The unit every row of ``frame``'s ``unit`` column shares, else ``mixed``."""
    found = set(frame["unit"]) if "unit" in frame.columns else set()
    return found.pop() if len(found) == 1 else mixed


def key_figures(solution: Solution) -> pd.DataFrame:
    """Key figures: ``figure`` (the key of ``solution.key_figures``), ``value`` (money
    rounded to cents, other numbers to 1e-6), ``group`` (costs, penalties, needs, funds,
    solve), ``label`` (what it is), ``unit``; then the seconds of each phase
    (``seconds_<phase>``, group solve). ``penalty_cost`` is not part of ``total_cost``."""
    currency = _currency(solution)
    rows = []
    for key, value in solution.key_figures.items():
        spec = KEY_FIGURES.get(key)
        group, label = (spec.group, spec.label) if spec else ("other", key)
        unit = figure_unit(key, currency, solution.units)
        rows.append(
            {
                "figure": key,
                "value": _clean(value, unit, currency),
                "group": group,
                "label": label,
                "unit": unit,
            }
        )
    for phase, seconds in solution.timings.items():
        label = f"seconds: {_STAGES.get(phase, phase)}"
        row = {"figure": f"seconds_{phase}", "value": round(seconds, 3), "group": "solve"}
        rows.append(row | {"label": label, "unit": "s"})
    order = {g: i for i, g in enumerate(FIGURE_GROUPS)}
    frame = pd.DataFrame(rows, columns=["figure", "value", "group", "label", "unit"])
    frame = frame.iloc[
        sorted(range(len(frame)), key=lambda i: (order.get(frame.group.iloc[i], 99), i))
    ]
    return frame.reset_index(drop=True)


def solve_line(solution: Solution) -> str:
    """One line: ``optimal, gap 0.0005%, 12.3 s (build 1.1, needs 6.0, cost 4.2, ...)``."""
    parts = [solution.status.value]
    if solution.gap is not None:
        parts.append(f"gap {solution.gap * 100:.2g}%")
    if solution.key_figures.get("blocks"):
        parts.append(f"{solution.key_figures['blocks']} independent parts solved apart")
    t = solution.timings
    line = ", ".join(parts)
    if "total" in t:
        phases = dict(t)
        phases["build"] = phases.get("build", 0.0) + phases.pop("handoff", 0.0)
        steps = ", ".join(
            f"{name} {phases[key]:.1f}" for key, name in _STAGES.items() if key in phases
        )
        line += f", {t['total']:.1f} s" + (f" ({steps})" if steps else "")
    preset = solution.solver_settings.get("preset", "default")
    if preset != "default":
        line += f", preset {preset}"
    return line


def needs_by_nation(solution: Solution) -> pd.DataFrame:
    """Per nation and capability, in the capability's unit: ``due``, ``met_on_time``,
    ``met_late``, ``short``, and ``fill_rate`` (met on time or late / due)."""
    d = solution.tables["demands"]
    caps = solution.units.get("capability", {})
    g = d.groupby(["nation", "capability"], sort=True)
    out = g[["quantity", "met_on_time", "met_late", "short"]].sum().reset_index()
    out = out.rename(columns={"quantity": "due"})
    met = out.met_on_time + out.met_late
    out["fill_rate"] = (met / out.due.where(out.due > 0)).fillna(1.0)
    out.insert(2, "unit", out.capability.map(lambda c: caps.get(c, "unit")))
    unit = _one(out, MIXED_CAPABILITIES)
    quantities = dict.fromkeys(["due", "met_on_time", "met_late", "short"], unit)
    return _with_units(out, quantities | {"fill_rate": "share"})


CHANNELS = ("own_purchase", "fund_bought", "bought_by_others", "donated_in")
"""How units reach a nation: bought with its own money, paid by a fund, bought for it by
another nation (bilateral purchase), donated from another nation's stock."""


def plan_by_nation(solution: Solution) -> pd.DataFrame:
    """Per nation and item, in the item's unit (``unit``): what it received by channel
    (:data:`CHANNELS`; ``received`` is their sum), ``donated_out`` from its stock,
    ``bought_for_others`` (units it paid for another nation's orders) and ``used`` to
    meet demands.

    Units delivered on an order are split between the channels that paid for them in
    proportion to the money each paid (a fund paying 40% of a nation's order of an item
    from one producer counts for 40% of its units); an order nobody paid for (a price of
    0) counts as the nation's own purchase.
    """
    t = solution.tables
    orders, payments = t["orders"], t["payments"]
    route = ["producer", "item", "nation"]
    qty = orders.groupby(route)["quantity"].sum()
    paid = payments[payments.purpose == "order"].rename(columns={"beneficiary": "nation"})
    kind = pd.Series("own_purchase", index=paid.index, dtype=object)
    kind[paid.payer_type == "fund"] = "fund_bought"
    kind[(paid.payer_type == "nation") & (paid.payer != paid.nation)] = "bought_by_others"
    by_kind = paid.assign(kind=kind).groupby([*route, "kind"])["amount"].sum().unstack("kind")
    by_kind = by_kind.reindex(columns=list(CHANNELS[:3]), fill_value=0.0).fillna(0.0)
    by_kind = by_kind.reindex(qty.index, fill_value=0.0)
    total = by_kind.sum(axis=1)
    share = by_kind.div(total.where(total > 0), axis=0)
    share["own_purchase"] = share["own_purchase"].fillna(1.0)
    share = share.fillna(0.0)
    units_by = share.mul(qty, axis=0).groupby(level=["nation", "item"]).sum()
    others = paid[paid.payer_type == "nation"]
    others = others[others.payer != others.nation]
    # units a nation paid for others: its share of those routes' units
    o = others.join(paid.groupby(route)["amount"].sum().rename("route_amount"), on=route)
    o = o.join(qty.rename("route_units"), on=route)
    o["units"] = (o.route_units * o.amount / o.route_amount.where(o.route_amount > 0)).fillna(0.0)
    for_others = (
        o.groupby(["payer", "item"])["units"]
        .sum()
        .rename_axis(["nation", "item"])
        .rename("bought_for_others")
    )
    donations = t["donations"]
    donated_in = donations.groupby(["recipient", "item"])["quantity"].sum()
    donated_out = donations.groupby(["donor", "item"])["quantity"].sum()
    used = t["inventory"].groupby(["nation", "item"])["used"].sum()
    parts = [
        units_by,
        donated_in.rename_axis(["nation", "item"]).rename("donated_in"),
        donated_out.rename_axis(["nation", "item"]).rename("donated_out"),
        for_others,
        used.rename("used"),
    ]
    frame = pd.concat(parts, axis=1).fillna(0.0)
    for column in CHANNELS:
        if column not in frame:
            frame[column] = 0.0
    frame["received"] = frame[list(CHANNELS)].sum(axis=1)
    columns = [*CHANNELS, "received", "donated_out", "bought_for_others", "used"]
    frame = frame[columns].sort_index().reset_index()
    items = solution.units.get("item", {})
    frame.insert(2, "unit", frame["item"].map(lambda i: items.get(i, "unit")))
    return _with_units(frame, dict.fromkeys(columns, _one(frame, MIXED_ITEMS)))


def money_by_nation(solution: Solution) -> pd.DataFrame:
    """Per nation, in the scenario's currency: ``budget`` (NaN: unlimited), ``spent`` and
    its parts (own ``orders``, ``for_others``, ``contributions`` to funds, sponsored
    ``investments``, ``fixed_costs``): what its budget pays. (The value of pooling compares
    another measure, fixed costs shared pro rata to volume:
    :func:`aggregate.baseline.nation_costs`; shown beside this one it read as a second,
    unexplained spending figure.)"""
    budgets = solution.tables["budgets"].set_index("nation")
    columns = ["budget", "spent", "orders", "for_others", "contributions", "investments"]
    frame = budgets[[*columns, "fixed_costs"]].copy()
    frame = frame.fillna({c: 0.0 for c in frame.columns if c != "budget"})
    frame.index.name = "nation"
    currency = _currency(solution)
    return _with_units(frame.reset_index(), dict.fromkeys(frame.columns, currency), currency)


def fund_money(solution: Solution) -> pd.DataFrame:
    """Per fund, in the scenario's currency: ``collected``, spent on ``orders`` and
    ``investments``, ``unspent``; the funds' table with its units."""
    funds = solution.tables["funds"]
    currency = _currency(solution)
    money = [c for c in funds.columns if c != "fund"]
    return _with_units(funds.copy(), dict.fromkeys(money, currency), currency)


def contributions(solution: Solution, all_rows: bool = False) -> pd.DataFrame:
    """Members' payments into funds; rows of members paying nothing left out unless
    ``all_rows``."""
    c = solution.tables["contributions"]
    currency = _currency(solution)
    out = (c if all_rows else c[c.amount.abs() > 0.005]).reset_index(drop=True)
    money = dict.fromkeys(["amount", "lower", "upper"], currency)
    return _with_units(out, money | {"share": "share", "key_share": "share"}, currency)


def shortfalls(solution: Solution) -> pd.DataFrame:
    """Demands met late or not at all, the largest weighted shortfall first (units in
    the capability's unit: :func:`aggregate.tables.row_units`)."""
    d = solution.tables["demands"]
    out = d[(d.short > 1e-9) | (d.met_late > 1e-9)]
    return out.sort_values("weighted_shortfall", ascending=False).reset_index(drop=True)


def orders_by_contract(solution: Solution) -> pd.DataFrame:
    """Orders grouped by contract and nation: units (in ``unit``, the item's), first and
    last delivery, unit price and cost (the scenario's currency)."""
    o = solution.tables["orders"]
    currency = _currency(solution)
    columns = ["contract", "nation", "item", "unit", "quantity", "first", "last"]
    if o.empty:
        units = {"unit_price": f"{currency}/unit", "cost": currency}
        return _with_units(pd.DataFrame(columns=[*columns, "unit_price", "cost"]), units)
    # periods are labels: order them as the scenario does, not alphabetically
    arrival = pd.Categorical(o.arrival_period, categories=solution.periods or None, ordered=True)
    g = o.assign(cost=o.purchase_cost + o.delivery_cost, arrival_period=arrival).groupby(
        ["contract", "nation", "item"], observed=True
    )
    out = g.agg(
        quantity=("quantity", "sum"),
        first=("arrival_period", "min"),
        last=("arrival_period", "max"),
        unit_price=("unit_price", "first"),
        cost=("cost", "sum"),
    ).reset_index()
    items = solution.units.get("item", {})
    out.insert(3, "unit", out["item"].map(lambda i: items.get(i, "unit")))
    one = _one(out, "")
    units = {"quantity": one or MIXED_ITEMS, "unit_price": f"{currency}/{one or 'unit'}"}
    return _with_units(out, units | {"cost": currency}, currency)


def payers(solution: Solution) -> pd.DataFrame:
    """Who pays, in the scenario's currency: one row per nation and fund that paid
    anything, with ``amount`` paid and ``share`` of all payments to producers (orders,
    investments, fixed costs; contributions are counted where the fund spends them)."""
    p = solution.tables["payments"]
    spend = p[p.purpose != "contribution"]
    out = spend.groupby(["payer", "payer_type"])["amount"].sum().reset_index()
    out = out[out.amount > 0.005].sort_values("amount", ascending=False)
    total = out.amount.sum()
    out["share"] = out.amount / total if total > 0 else 0.0
    out = out.rename(columns={"payer_type": "type"}).reset_index(drop=True)
    currency = _currency(solution)
    return _with_units(out, {"amount": currency, "share": "share"}, currency)


def payments_by_period(solution: Solution) -> pd.DataFrame:
    """What each payer (nation or fund) pays in each period, in the scenario's currency:
    one row per payer and purpose (``order``, ``investment``, ``contribution``, ``fixed``),
    one column per period in the scenario's order (an order in the period it is paid:
    arrival, or order period for a nation paying at award), ``horizon`` for payments with
    no period (contributions to a fund without tranches), ``total``."""
    p = solution.tables["payments"]
    currency = _currency(solution)
    periods = list(solution.periods) or sorted({x for x in p["period"] if x})
    columns = [*periods, "horizon"]
    keys = ["payer", "payer_type", "purpose"]
    if p.empty:
        frame = pd.DataFrame(columns=[*keys, *columns, "total"])
        return _with_units(frame, dict.fromkeys([*columns, "total"], currency), currency)
    when = p["period"].where(p["period"] != "", "horizon")
    wide = p.assign(when=when).pivot_table(
        index=keys, columns="when", values="amount", aggfunc="sum", fill_value=0.0
    )
    wide = wide.reindex(columns=columns, fill_value=0.0).astype(float)
    if not (wide["horizon"].abs() > 0).any():
        wide = wide.drop(columns=["horizon"])
    wide["total"] = wide.sum(axis=1)
    wide = wide[wide["total"].abs() > 0.005]
    wide.columns.name = None
    out = wide.reset_index()
    money = [c for c in out.columns if c not in keys]
    return _with_units(out, dict.fromkeys(money, currency), currency)


__all__ = [
    "CHANNELS",
    "contributions",
    "fund_money",
    "key_figures",
    "money_by_nation",
    "needs_by_nation",
    "orders_by_contract",
    "payers",
    "payments_by_period",
    "plan_by_nation",
    "shortfalls",
    "solve_line",
]
