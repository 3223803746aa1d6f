"""Exports a reader can open cold: the workbook's README sheet, units in headers, number
formats, widths and frozen headers; Parquet and JSON with key figures, units, currency and
typed empty tables; the plan's ``to_excel``, ``to_parquet`` and ``to_json``.

The mixed plan (built below) is small enough to check by hand. One nation, UKR, one period,
one producer P; a ``shell`` (unit ``round``, bought in fractions) meets the capability
``fires`` (unit ``round``) and a ``missile`` (unit ``missile``, whole units) meets ``air``
(unit ``missile``). UKR needs 250.5 rounds and 3 missiles; P sells shells at 2 USD and
missiles at 50 USD, no lead time, ample capacity, no stock anywhere. The only plan meeting
every need orders 250.5 shells (501 USD) and 3 missiles (150 USD): total cost 651 USD.
Its orders mix rounds and missiles in one quantity column.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

import aggregate
from aggregate import report
from aggregate.export import key_figures_frame, read_solution_json, write_solution
from aggregate.io.excel.solution import AMOUNT, EMPTY_REASONS, GAP, MONEY, SHARE, WHOLE
from aggregate.key_figures import FIGURE_GROUPS, KEY_FIGURES
from aggregate.result import Solution, SolveStatus
from aggregate.schema import Scenario
from aggregate.tables import (
    MIXED_CAPABILITIES,
    MIXED_ITEMS,
    SPECS,
    row_units,
    units,
)

ROOT = Path(__file__).resolve().parents[1]

MIXED: dict[str, Any] = {
    "name": "mixed units",
    "currency": "USD",
    "periods": ["P1"],
    "nations": [{"code": "UKR", "name": "Ukraine"}],
    "items": [
        {"id": "shell", "unit": "round"},
        {"id": "missile", "unit": "missile", "indivisible": True},
    ],
    "capabilities": [
        {"id": "fires", "unit": "round", "satisfied_by": [{"item": "shell"}]},
        {"id": "air", "unit": "missile", "satisfied_by": [{"item": "missile"}]},
    ],
    "demands": [
        {"id": "f", "nation": "UKR", "capability": "fires", "period": "P1", "quantity": 250.5},
        {"id": "a", "nation": "UKR", "capability": "air", "period": "P1", "quantity": 3},
    ],
    "producers": [
        {
            "id": "P",
            "country": "DEU",
            "offers": [
                {"item": "shell", "capacity": 1000, "price": 2},
                {"item": "missile", "capacity": 10, "price": 50},
            ],
        }
    ],
}


@pytest.fixture(scope="module")
def mixed() -> Solution:
    from tests.support import solved

    return solved(aggregate.validate(MIXED))


def _header(ws: Any) -> dict[str, int]:
    """Column name (the header without its unit) -> column number."""
    return {str(c.value).split(" (")[0]: c.column for c in ws[1]}


def _readme(book: Any) -> dict[str, list[Any]]:
    """README rows by their first cell."""
    return {
        str(row[0]): list(row[1:])
        for row in book["README"].iter_rows(values_only=True)
        if row[0] is not None
    }


# ---------------------------------------------------------------------- the workbook


def test_mixed_units_are_shown_row_by_row(mixed: Solution, tmp_path: Path) -> None:
    path = mixed.to_excel(tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["README", "key_figures", *mixed.tables]
    orders = book["orders"]
    headers = [c.value for c in orders[1]]
    # rounds and missiles in one column: the header says so, each cell shows its unit
    assert "quantity (item units)" in headers
    assert "purchase_cost (USD)" in headers and "unit_price (USD/unit)" in headers
    col = _header(orders)
    rows = {r[col["item"] - 1].value: r for r in orders.iter_rows(min_row=2)}
    shell, missile = rows["shell"], rows["missile"]
    assert shell[col["quantity"] - 1].value == pytest.approx(250.5)
    assert shell[col["quantity"] - 1].number_format == f'{AMOUNT} "rounds"'
    assert missile[col["quantity"] - 1].value == pytest.approx(3)
    assert missile[col["quantity"] - 1].number_format == f'{WHOLE} "missiles"'
    assert shell[col["purchase_cost"] - 1].value == pytest.approx(501)  # 250.5 * 2
    assert missile[col["purchase_cost"] - 1].value == pytest.approx(150)  # 3 * 50
    assert shell[col["purchase_cost"] - 1].number_format == MONEY
    # demands in two capabilities' units: the same, by the row's capability
    demands = book["demands"]
    dcol = _header(demands)
    assert "quantity (capability units)" in [c.value for c in demands[1]]
    formats = {
        r[dcol["capability"] - 1].value: r[dcol["quantity"] - 1].number_format
        for r in demands.iter_rows(min_row=2)
    }
    assert formats == {"fires": f'{AMOUNT} "rounds"', "air": f'{AMOUNT} "missiles"'}
    # capacity per period: the same, per period (P offers 1000 shells and 10 missiles)
    capacity = book["capacity"]
    ccol = _header(capacity)
    assert "base (item units/period)" in [c.value for c in capacity[1]]
    base = {
        r[ccol["item"] - 1].value: (r[ccol["base"] - 1].value, r[ccol["base"] - 1].number_format)
        for r in capacity.iter_rows(min_row=2)
    }
    assert base == {
        "shell": (1000, f'{AMOUNT} "rounds/period"'),
        "missile": (10, f'{WHOLE} "missiles/period"'),
    }


def test_key_figures_sheet_has_units_and_formats(mixed: Solution, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(mixed.to_excel(tmp_path / "plan.xlsx"))
    ws = book["key_figures"]
    assert [c.value for c in ws[1]] == ["figure", "value", "unit", "meaning"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    total = rows["total_cost"]
    assert total[1].value == pytest.approx(651)  # 501 + 150
    assert (total[2].value, total[1].number_format) == ("USD", MONEY)
    assert rows["fill_rate"][2].value == "%" and rows["fill_rate"][1].number_format == SHARE
    assert rows["gap"][1].number_format == GAP
    assert rows["status"][1].value == "optimal"
    assert "purchase" in rows["total_cost"][3].value  # its meaning


def test_readme_sheet_says_which_plan_and_why_sheets_are_empty(
    mixed: Solution, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(mixed.to_excel(tmp_path / "plan.xlsx"))
    readme = _readme(book)
    assert book["README"]["A1"].value == "Plan: mixed units"
    assert readme["scenario"][0] == "mixed units"
    assert readme["status"][0] == "optimal"
    assert readme["MIP gap"][0] == mixed.gap
    assert readme["solve time (s)"][0] == pytest.approx(mixed.timings["total"])
    assert readme["currency"][0].startswith("USD")
    # items in canonical order (by id: missile, shell), whatever the scenario lists first
    assert readme["item units"][0] == "missile: missile; round: shell"
    assert readme["whole units"][0] == "missile"
    # the headline figures, with their units (rounds and missiles: no one capability unit)
    assert readme["total cost (USD)"][0] == pytest.approx(651)
    assert readme["needs met (%)"][0] == pytest.approx(1)
    assert readme["needs never met (capability units)"][0] == pytest.approx(0)
    # every sheet listed with its rows; an empty one says why
    empty = [name for name, frame in mixed.tables.items() if frame.empty]
    assert {"donations", "funds", "contributions", "investments"} <= set(empty)
    for name, frame in mixed.tables.items():
        rows, _, units, note = readme[name]
        assert rows == len(frame)
        money = any(c.unit.startswith("currency") for c in SPECS[name].columns)
        assert ("USD" in (units or "")) == money, name
        assert note == (f"empty: {EMPTY_REASONS[name]}" if frame.empty else None)
    assert readme["orders"][2] == (
        "USD/unit: unit_price, stated_unit_price; item units: quantity; "
        "USD: purchase_cost, delivery_cost"
    )


def test_every_sheet_has_a_frozen_filtered_header_and_fitted_widths(
    mixed: Solution, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(mixed.to_excel(tmp_path / "plan.xlsx"))
    for ws in book.worksheets[1:]:
        assert ws.freeze_panes == "A2", ws.title
        last = openpyxl.utils.get_column_letter(ws.max_column)
        assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", ws.title
        for cell in ws[1]:
            width = ws.column_dimensions[cell.column_letter].width
            assert width >= len(str(cell.value)) + 2, (ws.title, cell.value)
            longest = max((len(str(c.value)) for c in ws[cell.column_letter][1:]), default=0)
            assert width >= min(longest, 50), (ws.title, cell.value)


def test_a_failed_solve_writes_a_readme_saying_so(tmp_path: Path) -> None:
    failed = Solution(scenario_name="x", status=SolveStatus.INFEASIBLE)
    assert failed.currency == Scenario.model_fields["currency"].default
    book = openpyxl.load_workbook(failed.to_excel(tmp_path / "x.xlsx"))
    assert book.sheetnames == ["README", "key_figures"]
    readme = _readme(book)
    assert readme["status"][0] == "infeasible"
    assert readme["MIP gap"][0] == "unknown"
    assert readme["(tables)"][3] == "no table: the solve found no plan (status infeasible)"


# ----------------------------------------------------------------- Parquet and JSON


def test_parquet_has_key_figures_units_and_typed_empty_tables(
    mixed: Solution, tmp_path: Path
) -> None:
    written = mixed.to_parquet(tmp_path / "pq")
    assert sorted(p.name for p in written) == sorted(
        [f"{name}.parquet" for name in mixed.tables] + ["key_figures.parquet"]
    )
    figures = pd.read_parquet(tmp_path / "pq" / "key_figures.parquet").set_index("figure")
    assert figures.loc["total_cost", "value"] == pytest.approx(651)
    assert figures.loc["total_cost", "unit"] == "USD"
    assert figures.loc["status", "text"] == "optimal"
    assert pd.isna(figures.loc["status", "value"])
    arrow = {"text": "string", "float": "double", "int": "int64"}
    empty = [name for name, frame in mixed.tables.items() if frame.empty]
    assert empty
    for name in mixed.tables:
        schema = pq.read_schema(tmp_path / "pq" / f"{name}.parquet")
        assert {f.name: str(f.type) for f in schema} == {
            c.name: arrow[c.dtype] for c in SPECS[name].columns
        }, name
        about = json.loads(schema.metadata[b"aggregate"])
        assert (about["table"], about["currency"], about["status"]) == (name, "USD", "optimal")
    orders = json.loads(pq.read_schema(tmp_path / "pq" / "orders.parquet").metadata[b"aggregate"])
    assert orders["units"]["quantity"] == "item units"
    assert orders["units"]["purchase_cost"] == "USD"
    # an empty table reads back with its numbers typed as numbers
    donations = pd.read_parquet(tmp_path / "pq" / "donations.parquet")
    assert donations.empty and donations["quantity"].dtype == "float64"


def test_json_has_units_and_currency_and_reads_back(mixed: Solution, tmp_path: Path) -> None:
    path = mixed.to_json(tmp_path / "plan.json")
    data = json.loads(path.read_text())
    assert data["currency"] == "USD"
    assert data["units"]["item"] == {"shell": "round", "missile": "missile"}
    assert data["indivisible"] == ["missile"]
    assert data["key_figure_units"]["total_cost"] == "USD"
    assert data["key_figures"]["total_cost"] == pytest.approx(651)
    orders = data["tables"]["orders"]
    assert orders["units"]["quantity"] == "item units"
    assert orders["types"]["quantity"] == "float" and orders["types"]["tier"] == "int"
    back = read_solution_json(path)
    assert (back.currency, back.units, back.indivisible) == (
        mixed.currency,
        mixed.units,
        mixed.indivisible,
    )
    for name, frame in mixed.tables.items():
        numbers = SPECS[name].numeric
        typed = {c: str(t) for c, t in back.tables[name].dtypes.items() if c in numbers}
        assert typed == {c: str(t) for c, t in frame.dtypes.items() if c in numbers}, name
    assert aggregate.verify(aggregate.validate(MIXED), back).ok


def test_a_plan_read_back_from_json_carries_the_units_of_a_solved_one(
    mixed: Solution, tmp_path: Path
) -> None:
    back = read_solution_json(mixed.to_json(tmp_path / "plan.json"))
    for name, frame in mixed.tables.items():
        assert back.tables[name].attrs["table"] == name
        assert back.tables[name].attrs["currency"] == "USD"
        assert back.tables[name].attrs["units"] == frame.attrs["units"], name
        assert units(back.tables[name]) == units(frame), name
    orders = back.tables["orders"].sort_values("item")  # missile, shell
    assert units(orders)["quantity"] == MIXED_ITEMS
    assert (units(orders)["purchase_cost"], units(orders)["unit_price"]) == ("USD", "USD/unit")
    assert list(row_units(orders, "quantity")) == ["missile", "round"]
    assert list(row_units(orders, "unit_price")) == ["USD/missile", "USD/round"]
    # the rows of one item: that item's unit, as for a solved plan
    assert units(orders[orders["item"] == "shell"])["unit_price"] == "USD/round"


def test_key_figure_units_are_the_same_in_the_report_and_the_exports() -> None:
    # one capability unit (round): counts of it are "round" in the report's frame (as the
    # tables' attrs say) and "rounds" in the exports; every other unit reads the same
    numbers: dict[str, Any] = dict.fromkeys(KEY_FIGURES, 1.0)
    plan = Solution(
        scenario_name="x",
        status=SolveStatus.OPTIMAL,
        currency="USD",
        units={"capability": {"fires": "round", "barrage": "round"}},
        key_figures=numbers | {"status": "optimal"},
    )
    said = report.key_figures(plan).set_index("figure")["unit"]
    exported = key_figures_frame(plan).set_index("figure")["unit"]
    for figure, spec in KEY_FIGURES.items():
        wanted = {"currency": "USD", "capability units": "round"}.get(spec.unit, spec.unit)
        assert said[figure] == wanted, figure
        assert exported[figure] == ("rounds" if wanted == "round" else wanted), figure
    assert (said["total_cost"], said["fill_rate"], said["status"]) == ("USD", "share", "")
    # capabilities counted in different units: none is named
    plan.units = {"capability": {"fires": "round", "air": "missile"}}
    assert report.key_figures(plan).set_index("figure")["unit"]["short"] == MIXED_CAPABILITIES
    assert key_figures_frame(plan).set_index("figure")["unit"]["short"] == MIXED_CAPABILITIES


def test_every_key_figure_of_a_plan_has_its_unit_group_and_meaning(mixed: Solution) -> None:
    assert set(mixed.key_figures) <= set(KEY_FIGURES)
    groups = set(report.key_figures(mixed).group)
    assert "other" not in groups and groups <= set(FIGURE_GROUPS)


def test_json_keeps_the_types_of_an_empty_table_without_a_spec(tmp_path: Path) -> None:
    extra = pd.DataFrame({"x": pd.Series(dtype="float64"), "n": pd.Series(dtype="int64")})
    plan = Solution(scenario_name="x", status=SolveStatus.OPTIMAL, tables={"extra": extra})
    back = read_solution_json(plan.to_json(tmp_path / "x.json"))
    assert dict(back.tables["extra"].dtypes) == {"x": "float64", "n": "int64"}
    # a file from before units were written reads back with the defaults
    data = json.loads((tmp_path / "x.json").read_text())
    for key in ("currency", "units", "indivisible", "key_figure_units"):
        del data[key]
    (tmp_path / "old.json").write_text(json.dumps(data))
    old = read_solution_json(tmp_path / "old.json")
    assert (old.currency, old.units) == (plan.currency, {})
    assert old.tables["extra"].attrs == {}  # not a plan table: nothing to label


def test_write_solution_writes_the_same_files(mixed: Solution, tmp_path: Path) -> None:
    written = write_solution(mixed, tmp_path, ["xlsx", "parquet", "json"])
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    assert {"solution.xlsx", "solution.json", "parquet/key_figures.parquet"} <= names
    book = openpyxl.load_workbook(tmp_path / "solution.xlsx")
    assert book.sheetnames[0] == "README"


# ------------------------------------------------------------------ library plans


def _check_library_workbook(sc: Scenario, plan: Solution, path: Path) -> openpyxl.Workbook:
    """What every exported library plan shows: README first, units in headers, formats."""
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["README", "key_figures"]
    assert book.sheetnames[2:] == list(plan.tables)
    assert _readme(book)["currency"][0].startswith(sc.currency)
    whole = {i.id for i in sc.items if i.indivisible}
    for name, spec in SPECS.items():
        ws = book[name]
        headers = {str(c.value).split(" (")[0]: str(c.value) for c in ws[1]}
        frame = plan.tables[name]
        for column in spec.columns:
            header = headers[column.name]
            if column.unit in ("currency", "currency/unit"):
                assert header.startswith(f"{column.name} ({sc.currency}"), header
            elif column.unit not in ("", "count"):
                assert header.endswith(")"), header
            else:
                assert header == column.name
            cells = ws[openpyxl.utils.get_column_letter(spec.names.index(column.name) + 1)][1:]
            for n, cell in enumerate(cells):
                if cell.value is None:
                    continue
                if column.unit in ("currency", "currency/unit"):
                    assert cell.number_format == MONEY, (name, column.name)
                elif column.unit == "share":
                    assert cell.number_format == SHARE, (name, column.name)
                elif column.unit == "units" and "item" in spec.names:
                    item = frame["item"].iloc[n]
                    wanted = WHOLE if item in whole else AMOUNT
                    assert cell.number_format.split(" ")[0] == wanted, (name, column.name)
                # the cell holds the plan's value, not a rounded one
                value = frame[column.name].iloc[n]
                if column.numeric:
                    assert cell.value == pytest.approx(value), (name, column.name)
    return book


LIBRARY = {
    "sustainment-barrels": "quantity (barrels)",
    "ammo-155mm-2023-2025": "quantity (rounds)",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(LIBRARY))
def test_library_plan_workbook_reads_back(
    name: str, tmp_path: Path, solve_verified: Callable[..., Solution]
) -> None:
    sc = aggregate.load(ROOT / "models" / name / "scenario.yaml")
    plan = solve_verified(sc)
    book = _check_library_workbook(sc, plan, plan.to_excel(tmp_path / "plan.xlsx"))
    assert LIBRARY[name] in [c.value for c in book["orders"][1]]
    assert "purchase_cost (EUR)" in [c.value for c in book["orders"][1]]
