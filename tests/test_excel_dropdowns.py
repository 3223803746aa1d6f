"""The workbook template's drop-down lists and example sheets, generated from the schema
(issue #17, Excel): every field with fixed choices gets a drop-down of exactly the values
the schema allows, every id column a drop-down of the ids of the sheet it refers to, and
every sheet example rows on the template's ``_examples`` sheet."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from aggregate import validate
from aggregate.io import load_excel, read_excel, write_excel, write_template
from aggregate.io.excel.example import example_scenario
from aggregate.io.excel.layout import SHEET_BY_NAME, SHEETS, choices_of
from aggregate.io.excel.write import EXAMPLES
from aggregate.schema import Fund, Item, SolveSettings, Stockpile
from tests.support import tiny_raw


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = write_template(tmp_path_factory.mktemp("t") / "template.xlsx")
    return openpyxl.load_workbook(path)


def _validations(ws: Any) -> dict[str, Any]:
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


def test_choices_come_from_the_schema() -> None:
    floor_type = Stockpile.model_fields["floor_type"].annotation
    assert choices_of(Stockpile.model_fields["floor_type"]) == typing.get_args(floor_type)
    assert choices_of(Item.model_fields["indivisible"]) == ("TRUE", "FALSE")
    assert choices_of(Fund.model_fields["uses"]) == ("procurement", "investment", "refill")
    assert choices_of(Item.model_fields["id"]) == ()


def test_every_single_value_column_with_choices_has_a_drop_down(template: Any) -> None:
    checked = 0
    for sheet in SHEETS:
        if sheet.key_value:
            continue
        found = _validations(template[sheet.name])
        for index, column in enumerate(sheet.columns):
            if not column.choices or column.kind not in ("text", "label", "bool"):
                continue
            dv = found[f"{get_column_letter(index + 1)}2"]
            assert dv.type == "list", (sheet.name, column.name)
            assert dv.formula1 == '"' + ",".join(column.choices) + '"'
            checked += 1
    assert checked >= 7  # donation_policy x2, indivisible, floor_type, donor, rule, basis


def test_settings_values_have_drop_downs(template: Any) -> None:
    ws = template["settings"]
    rows = {c.value: c.row for c in ws["A"][1:]}
    found = _validations(ws)
    objective = found[f"B{rows['objective']}"]
    allowed = typing.get_args(SolveSettings.model_fields["objective"].annotation)
    assert objective.formula1 == '"' + ",".join(allowed) + '"'


def test_id_columns_offer_the_ids_of_the_sheet_they_refer_to(template: Any) -> None:
    demands = SHEET_BY_NAME["demands"]
    found = _validations(template["demands"])
    nation = get_column_letter([c.name for c in demands.columns].index("nation") + 1)
    assert found[f"{nation}2"].formula1 == "nations!$A$2:$A$1048576"
    assert found[f"{nation}2"].errorStyle == "warning"
    capability = get_column_letter([c.name for c in demands.columns].index("capability") + 1)
    assert found[f"{capability}2"].formula1 == "capabilities!$A$2:$A$1048576"
    # a sheet's own id column gets none
    assert "A2" not in _validations(template["nations"])


def test_list_columns_with_choices_get_a_prompt(template: Any) -> None:
    funds = SHEET_BY_NAME["funds"]
    uses = get_column_letter([c.name for c in funds.columns].index("uses") + 1)
    dv = _validations(template["funds"])[f"{uses}2"]
    assert dv.prompt == "One or more of: procurement, investment, refill (comma-separated)."


def test_readme_names_the_choices(template: Any) -> None:
    rows = [[c.value for c in r] for r in template["README"].iter_rows()]
    (row,) = [r for r in rows if r[0] == "stockpiles" and r[1] == "floor_type"]
    assert row[2].endswith("; one of: hard, soft")


def test_a_scenario_workbook_with_drop_downs_reads_back_equal(tmp_path: Path) -> None:
    scenario = validate(tiny_raw())
    path = write_excel(scenario, tmp_path / "tiny.xlsx")
    assert _validations(openpyxl.load_workbook(path)["demands"])  # the drop-downs are there
    assert load_excel(path) == scenario


def _blocks(ws: Any) -> dict[str, list[list[Any]]]:
    """The ``_examples`` sheet's blocks: sheet name -> header and rows."""
    names = {s.name for s in SHEETS}
    out: dict[str, list[list[Any]]] = {}
    current: list[list[Any]] | None = None
    for row in ws.iter_rows(min_row=2, values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        first = str(values[0]) if values else ""
        if first.split(":")[0] in names and len(values) == 1:
            current = out.setdefault(first.split(":")[0], [])
        elif not values:
            current = None
        elif current is not None:
            current.append(values)
    return out


def test_examples_sheet_has_rows_for_every_sheet(template: Any, tmp_path: Path) -> None:
    """Each sheet's block holds at least one example row, and the very rows a workbook of
    the example scenario holds: copied to their sheets, they read back as that scenario."""
    blocks = _blocks(template[EXAMPLES])
    assert sorted(blocks) == sorted(s.name for s in SHEETS)
    saved = openpyxl.load_workbook(write_excel(example_scenario(), tmp_path / "example.xlsx"))
    for sheet in SHEETS:
        assert len(blocks[sheet.name]) >= 2, sheet.name  # header and a row
        written = [
            [v for v in row if v is not None]
            for row in saved[sheet.name].iter_rows(values_only=True)
        ]
        assert [[v for v in row if v is not None] for row in blocks[sheet.name]] == written


def test_example_rows_are_not_read_as_data(tmp_path: Path) -> None:
    raw = read_excel(write_template(tmp_path / "t.xlsx"))
    assert not raw.get("demands") and not raw.get("nations")
