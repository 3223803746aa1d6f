"""The plan as ``aggregate solve`` prints it: the three things to look at first on top.

1. the solve: status, gap and seconds on one line;
2. needs: what is short, per nation and capability, in the capability's unit;
3. money: the total cost (penalties apart: they are not in it) and who pays.

Then the details: key figures by group, what each nation received by channel, spending,
funds, orders, shortfalls, contributions and investments. Rows of zeros (a nation that
received nothing of an item, a member paying nothing into a fund) are left out unless
``all_rows``; every table fits the console's width (:mod:`aggregate.cli.render`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.console import Console
from rich.text import Text

from aggregate import report
from aggregate.cli.render import format_number, money_scale, show
from aggregate.result import Solution
from aggregate.tables import MIXED_CAPABILITIES, figure_unit

_STYLE = {"optimal": "bold green", "time_limit": "bold yellow"}


def _money(value: float, currency: str) -> str:
    """``EUR 182.60 m`` (or ``EUR 35,000`` below a million)."""
    scale = money_scale(pd.Series([value]))
    text = format_number(value, currency, currency, scale)
    return f"{currency} {text}" + (" m" if scale != 1.0 else "")


def _unit_in_title(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without its ``unit`` column where every row has the same unit (the
    table's title gives it then)."""
    if "unit" in frame.columns and frame["unit"].nunique() <= 1:
        return frame.drop(columns=["unit"])
    return frame


def show_plan(console: Console, plan: Solution, all_rows: bool = False) -> None:
    """Print the plan (see the module's docstring)."""
    style = _STYLE.get(plan.status.value, "bold red")
    console.print(Text(f"{plan.scenario_name}: {report.solve_line(plan)}", style=style))
    if plan.message:
        console.print(Text(plan.message))
    if not plan.status.has_plan:
        return
    currency = plan.currency or "currency"
    console.print(
        Text(
            f"Money in {currency} ({currency} m = millions); quantities in their item's or "
            "capability's unit.",
            style="dim",
        )
    )
    _needs(console, plan, all_rows)
    _cost(console, plan, currency)
    _details(console, plan, currency, all_rows)


def _needs(console: Console, plan: Solution, all_rows: bool) -> None:
    needs = report.needs_by_nation(plan)
    for unit, rows in needs.groupby("unit", sort=True):
        due, short = rows.due.sum(), rows.short.sum()
        met = rows.met_on_time.sum() + rows.met_late.sum()
        on_time = rows.met_on_time.sum()
        rate = met / due if due > 0 else 1.0
        console.print(
            Text(
                f"Needs: short {format_number(short)} {unit} of {format_number(due)} due "
                f"(fill rate {rate:.1%}, on time {on_time / due if due > 0 else 1.0:.1%})",
                style="bold",
            )
        )
    open_ = needs if all_rows else needs[(needs.short > 0) | (needs.met_late > 0)]
    if open_.empty:
        console.print(Text("Every demand met on time.", style="green"))
        return
    title = "Short per nation and capability" + ("" if all_rows else ", where any is short")
    show(console, title, _unit_in_title(open_), keys=("nation", "capability"))


def _cost(console: Console, plan: Solution, currency: str) -> None:
    k = plan.key_figures
    total, penalty = k.get("total_cost", 0.0), k.get("penalty_cost", 0.0)
    line = f"Cost: total {_money(total, currency)}"
    if penalty:
        line += f"; penalties {_money(penalty, currency)} come on top (not in the total)"
    console.print(Text(line, style="bold"))
    payers = report.payers(plan)
    if not payers.empty:
        show(console, "Who pays", payers, currency=currency)


def _details(console: Console, plan: Solution, currency: str, all_rows: bool) -> None:
    figures = report.key_figures(plan)
    figures = figures[figures.group != "solve"]
    shown = figures.assign(
        value=[
            format_number(v, u, currency) for v, u in zip(figures.value, figures.unit, strict=True)
        ]
    )
    shown = shown.assign(unit=shown.unit.replace({"share": "%"}))
    show(console, "Key figures", shown[["group", "label", "value", "unit"]], right=("value",))
    received = report.plan_by_nation(plan)
    quantities = [c for c in received.columns if c not in ("nation", "item", "unit")]
    if not all_rows:
        received = received[received[quantities].abs().sum(axis=1) > 0]
    # units of an order paid by several channels are split by money share: whole units read
    # better than 42,935.222672, and the DataFrame keeps the exact split
    received = received.round(dict.fromkeys(quantities, 0))
    show(
        console,
        "Received per nation and item by channel (an order paid by several: split by money, "
        "rounded), given, used",
        _unit_in_title(received),
        keys=("nation", "item"),
    )
    money = report.money_by_nation(plan)
    if not all_rows:
        money = money[money.drop(columns=["nation", "budget"]).abs().sum(axis=1) > 0]
    show(console, "Spending per nation", money, currency=currency, keys=("nation",))
    funds = report.fund_money(plan)
    if not funds.empty:
        show(console, "Funds", funds, currency=currency, keys=("fund",))
    by_period = report.payments_by_period(plan)
    if len(plan.periods) > 1 and not by_period.empty:
        title = "Payments by period (orders when paid: on delivery, or at award)"
        show(console, title, by_period, currency=currency, keys=("payer",))
    orders = report.orders_by_contract(plan)
    if not orders.empty:
        orders = _unit_in_title(orders)
        show(console, "Orders by contract", orders, currency=currency, keys=("contract",))
    short = report.shortfalls(plan)
    if not short.empty:
        limit = len(short) if all_rows else min(len(short), 20)
        caps = plan.units.get("capability", {})
        top = short.head(limit).drop(columns=["capability"])
        top.insert(2, "unit", short.capability.head(limit).map(lambda c: caps.get(c, "unit")))
        units = _demand_units(top)
        title = f"Shortfalls and lateness (largest {limit} of {len(short)})"
        show(console, title, _unit_in_title(top), units=units, keys=("demand",))
    contributions = report.contributions(plan, all_rows)
    if not contributions.empty:
        show(console, "Fund contributions", contributions, currency=currency, keys=("fund",))
    investments = plan.tables["investments"]
    if not investments.empty:
        show(console, "Investments", investments, currency=currency, keys=("expansion",))


def _demand_units(top: pd.DataFrame) -> dict[str, str]:
    found = set(top["unit"])
    unit = found.pop() if len(found) == 1 else MIXED_CAPABILITIES
    units = dict.fromkeys(["quantity", "met_on_time", "met_late", "short"], unit)
    return units | {"late_unit_periods": "unit-periods", "weighted_shortfall": ""}


def show_value(
    console: Console,
    plan: Solution,
    titles: tuple[str, str],
    by_nation: pd.DataFrame,
    totals: dict[str, Any],
    all_rows: bool = False,
) -> None:
    """A comparison of two plans (value of pooling or of aid): per nation and totals, money
    in the scenario's currency, shortfalls in capability units; nations with nothing on
    either side left out unless ``all_rows``."""
    currency = plan.currency or "currency"
    cap = figure_unit("short", currency, plan.units)  # the capabilities' one unit, if shared
    units = {}
    for column in [*by_nation.columns, *totals]:
        if "cost" in column and not column.endswith("share"):
            units[column] = currency
        elif "short" in column:
            units[column] = cap
        elif column.endswith("share") or "rate" in column:
            units[column] = "share"
        elif "late" in column:
            units[column] = "unit-periods"
    if not all_rows:
        numbers = by_nation.drop(columns=["nation"])
        by_nation = by_nation[numbers.abs().sum(axis=1) > 0]
    show(console, titles[0], by_nation, units=units, currency=currency, keys=("nation",))
    rows = [
        {
            "figure": k,
            "value": format_number(v, units.get(k, ""), currency),
            "unit": "%" if units.get(k) == "share" else units.get(k, ""),
        }
        for k, v in totals.items()
    ]
    frame = pd.DataFrame(rows, columns=["figure", "value", "unit"])
    show(console, titles[1], frame, right=("value",))
