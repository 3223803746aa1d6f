"""Units and money as data (``df.attrs``, :func:`aggregate.tables.units`), the report's
tables (key figures by group, what each nation received by channel) and the solve report
at 100 columns: no cell cut, currency and units shown."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

import aggregate
from aggregate import report
from aggregate.cli import app
from aggregate.cli.plan_view import show_plan
from aggregate.cli.render import format_number, tables
from aggregate.result import Solution
from aggregate.tables import MIXED_ITEMS, SPECS, row_units, units
from tests.support import solved

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
ELLIPSES = ("…", "...")


def _case(name: str) -> Solution:
    return solved(aggregate.load(CASES / name / "scenario.yaml"))


def _row(frame: pd.DataFrame, **where: str) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    (index,) = frame.index[mask]
    return frame.loc[index]


# --- units in the tables' attrs ----------------------------------------------------------


def test_every_numeric_column_of_a_solved_plan_carries_its_unit(tiny) -> None:
    plan = solved(tiny)
    item_unit = {i.id: i.unit for i in tiny.items}
    assert plan.currency == tiny.currency
    for name, frame in plan.tables.items():
        assert frame.attrs["table"] == name
        assert frame.attrs["currency"] == tiny.currency
        assert set(frame.attrs["units"]) == SPECS[name].numeric
    orders = plan.tables["orders"]
    (unit,) = {item_unit[i] for i in orders["item"]}
    assert units(orders)["quantity"] == unit
    assert units(orders)["purchase_cost"] == tiny.currency
    assert units(orders)["unit_price"] == f"{tiny.currency}/{unit}"
    assert units(plan.tables["capacity"])["base"] == f"{unit}/period"
    assert units(plan.tables["contributions"])["share"] == "share"
    # filtering keeps the units (pandas copies attrs)
    assert units(orders[orders.quantity > 0])["quantity"] == unit


def _two_items() -> pd.DataFrame:
    """An orders-like table holding rounds and missiles (labelled as a solve labels it)."""
    frame = pd.DataFrame({"item": ["shell", "sam"], "quantity": [50_000.0, 40.0]})
    frame.attrs.update(
        table="orders",
        currency="EUR",
        id_units={"item": {"shell": "round", "sam": "missile"}},
    )
    return frame


def test_a_column_of_several_items_says_so_and_each_row_has_its_unit() -> None:
    frame = _two_items()
    assert units(frame) == {"quantity": MIXED_ITEMS}
    assert list(row_units(frame, "quantity")) == ["round", "missile"]
    # the rows of one item: that item's unit
    assert units(frame[frame["item"] == "sam"]) == {"quantity": "missile"}


def test_units_are_shared_not_copied_and_survive_parquet(tiny, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    orders = solved(tiny).tables["orders"]
    # pandas deep-copies attrs on every operation: the scenario's ids are shared instead
    assert orders[orders.quantity >= 0].attrs["id_units"] is orders.attrs["id_units"]
    orders.to_parquet(tmp_path / "orders.parquet")
    back = pd.read_parquet(tmp_path / "orders.parquet")
    assert units(back) == units(orders)


def test_report_frames_carry_units_and_the_currency() -> None:
    plan = _case("procurement-fund-pays-before-own-budget")
    money = report.money_by_nation(plan)
    assert money.attrs["units"]["spent"] == "EUR"
    assert report.payers(plan).attrs["units"] == {"amount": "EUR", "share": "share"}
    needs = report.needs_by_nation(plan)
    assert needs.attrs["units"]["short"] == "unit"  # the scenario's default unit
    assert needs.attrs["units"]["fill_rate"] == "share"
    # a report frame is not the plan table it was built from: units() reads its own columns
    assert units(needs)["fill_rate"] == "share"
    assert units(report.payers(plan))["share"] == "share"


# --- key figures -----------------------------------------------------------------------


def test_key_figures_are_grouped_labelled_and_keep_their_keys(tiny) -> None:
    plan = solved(tiny)
    figures = report.key_figures(plan)
    assert list(figures.columns) == ["figure", "value", "group", "label", "unit"]
    # every key of solution.key_figures is still there, by its name
    assert set(plan.key_figures) <= set(figures.figure)
    row = figures.set_index("figure")
    assert row.loc["total_cost", "group"] == "costs"
    assert row.loc["total_cost", "unit"] == tiny.currency
    # penalties apart from costs, and said not to be in the total
    assert row.loc["penalty_cost", "group"] == "penalties"
    assert "not in total cost" in row.loc["penalty_cost", "label"]
    assert row.loc["fill_rate", "unit"] == "share"
    assert row.loc["seconds_total", "group"] == "solve"
    # groups come in reading order: costs before needs before solve
    groups = list(dict.fromkeys(figures.group))
    assert groups.index("costs") < groups.index("needs") < groups.index("solve")


def test_money_is_rounded_to_cents_for_reading() -> None:
    plan = Solution("x", aggregate.SolveStatus.OPTIMAL, currency="EUR")
    plan.key_figures = {"total_cost": 139996999.999999, "fill_rate": 0.123456789}
    row = report.key_figures(plan).set_index("figure")
    assert row.loc["total_cost", "value"] == 139997000.0
    assert row.loc["fill_rate", "value"] == 0.123457
    assert format_number(139996999.999999, "EUR", "EUR") == "139,997,000"
    assert format_number(1234.5, "EUR", "EUR") == "1,234.50"
    assert format_number(139996999.999999, "EUR", "EUR", 1e6) == "140.00"
    assert format_number(12.0000000004) == "12"


def test_the_solve_line_names_status_gap_and_each_stage() -> None:
    plan = Solution("x", aggregate.SolveStatus.OPTIMAL, gap=5e-6)
    plan.timings = {
        "build": 1.0,
        "handoff": 0.1,
        "solve_needs": 6.0,
        "solve_cost": 4.2,
        "extract": 0.5,
        "total": 11.8,
    }
    line = report.solve_line(plan)
    assert line == "optimal, gap 0.0005%, 11.8 s (build 1.1, needs 6.0, cost 4.2, extract 0.5)"


# --- received by channel (hand-computed cases of tests/cases) -----------------------------


def test_received_counts_a_bilateral_purchase_for_the_beneficiary() -> None:
    # DEU pays 600 for UKR's 60 shells from RHM (price 10) and buys its own 30 from NX
    plan = _case("bilateral-purchase-under-ceiling")
    frame = report.plan_by_nation(plan)
    ukr = _row(frame, nation="UKR", item="shell")
    assert ukr.bought_by_others == pytest.approx(60)
    assert ukr.own_purchase == pytest.approx(0)
    assert ukr.received == pytest.approx(60)
    deu = _row(frame, nation="DEU", item="shell")
    assert deu.own_purchase == pytest.approx(30)
    assert deu.bought_for_others == pytest.approx(60)
    assert deu.received == pytest.approx(30)


def test_received_splits_a_fund_paid_order_by_the_money_each_paid() -> None:
    # 100 shells at 10: the fund IFU pays 500, UKR's own budget 500 -> 50 units each
    plan = _case("procurement-fund-pays-before-own-budget")
    ukr = _row(report.plan_by_nation(plan), nation="UKR", item="shell")
    assert ukr.fund_bought == pytest.approx(50)
    assert ukr.own_purchase == pytest.approx(50)
    assert ukr.received == pytest.approx(100)


def test_received_counts_donations() -> None:
    # POL donates 80 shells to UKR in P1 and buys 30 for itself
    plan = _case("priority-donor-gives-first")
    frame = report.plan_by_nation(plan)
    ukr = _row(frame, nation="UKR")
    assert (ukr.donated_in, ukr.received) == (pytest.approx(80), pytest.approx(80))
    pol = _row(frame, nation="POL")
    assert pol.donated_out == pytest.approx(80)
    assert pol.own_purchase == pytest.approx(30)


# --- the terminal report at 100 columns --------------------------------------------------


def render(plan: Solution, width: int, all_rows: bool = False) -> str:
    """The solve report as ``aggregate solve`` prints it, at ``width`` columns."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    show_plan(console, plan, all_rows)
    return buffer.getvalue()


def assert_fits(text: str, width: int) -> None:
    cut = sum(text.count(mark) for mark in ELLIPSES)
    assert cut == 0, text
    assert max(len(line) for line in text.splitlines()) <= width, text


def test_a_wide_table_is_stacked_not_cut() -> None:
    frame = pd.DataFrame(
        {"nation": ["UKR"], **{f"column_{i}": [2_099_011_000.5 + i] for i in range(12)}}
    )
    parts = tables("wide", frame, 100, {c: "EUR" for c in frame.columns[1:]}, "EUR", ("nation",))
    assert len(parts) > 1
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, color_system=None)
    for part in parts:
        console.print(part)
    text = buffer.getvalue()
    assert_fits(text, 100)
    assert text.count("UKR") == len(parts)  # the key column repeats in every part
    assert "(EUR m)" in text and "2,099.01" in text


def test_zero_rows_are_left_out_unless_asked() -> None:
    # UKR spends nothing (DEU pays its orders): no spending row unless all_rows
    plan = _case("bilateral-purchase-under-ceiling")
    short = render(plan, 100)
    full = render(plan, 100, all_rows=True)

    def spending(text: str) -> str:
        return text.split("Spending per nation")[1].split("Orders by contract")[0]

    assert "DEU" in spending(short) and "UKR" not in spending(short)
    assert "UKR" in spending(full)
    assert_fits(full, 100)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["sustainment-barrels", "air-defence-interceptors", "eu-1m-shells-2023"]
)
def test_solve_at_100_columns_cuts_no_cell_and_shows_units(name: str) -> None:
    path = ROOT / "models" / name / "scenario.yaml"
    result = CliRunner(env={"COLUMNS": "100"}).invoke(app, ["solve", str(path)])
    assert result.exit_code == 0, result.output
    assert_fits(result.output, 100)
    scenario = aggregate.load(path)
    assert f"Money in {scenario.currency}" in result.output
    assert f"({scenario.currency} m)" in result.output
    # the first things shown: the status line, needs, then cost
    lines = result.output.splitlines()
    assert "optimal" in lines[0] or "time_limit" in lines[0]
    assert result.output.index("Needs:") < result.output.index("Cost: total")
    assert result.output.index("Cost: total") < result.output.index("Key figures")
    for unit in {i.unit for i in scenario.items}:
        assert unit in result.output


def test_the_value_of_pooling_and_aid_fits_100_columns_with_units() -> None:
    path = CASES / "pooling-value-with-fund-and-donor" / "scenario.yaml"
    result = CliRunner(env={"COLUMNS": "100"}).invoke(
        app, ["solve", "--baseline", "--aid", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert_fits(result.output, 100)
    for title in ("Value of pooling per nation", "Value of aid: totals"):
        assert title in result.output
    totals = result.output.split("Value of pooling: totals")[1]
    assert "EUR" in totals and "%" in totals
    # POL gains and loses nothing by pooling: left out, unless all rows are asked for
    pooling = result.output.split("Value of pooling per nation")[1].split("totals")[0]
    assert "EST" in pooling and "POL" not in pooling


@pytest.mark.parametrize("name", ["ammo-155mm-2023-2025", "sustainment-barrels"])
def test_summary_at_100_columns_cuts_no_cell(name: str) -> None:
    path = ROOT / "models" / name / "scenario.yaml"
    result = CliRunner(env={"COLUMNS": "100"}).invoke(app, ["summary", str(path)])
    assert result.exit_code == 0, result.output
    assert_fits(result.output, 100)
    assert "Budgets (EUR m)" in result.output  # the budgets reach millions
