"""The ``aggregate`` command line, driven through typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from aggregate.cli import EXIT_INVALID, app
from aggregate.io import read_excel
from aggregate.schema import Scenario
from aggregate.summary import (
    budgets,
    capacity_by_item,
    demand_by_capability,
    size_line,
    sizes,
    stock_by_item,
    summary_tables,
)

runner = CliRunner()


def small_raw() -> dict[str, Any]:
    """2 nations, 1 item, 1 capability, 1 demand, 1 producer with one offer."""
    return {
        "name": "Small",
        "periods": ["2024Q1", "2024Q2", "2024Q3"],
        "nations": [
            {"code": "DEU", "name": "Germany", "budget": 2.0e9},
            {"code": "UKR", "name": "Ukraine"},
        ],
        "items": [{"id": "155-L52", "unit": "round"}],
        "capabilities": [{"id": "ART155", "satisfied_by": [{"item": "155-L52"}]}],
        "demands": [
            {
                "id": "UKR-1",
                "nation": "UKR",
                "capability": "ART155",
                "period": "2024Q2",
                "quantity": 1500,
            }
        ],
        "stockpiles": [{"nation": "DEU", "item": "155-L52", "on_hand": 700, "donor": True}],
        "producers": [
            {
                "id": "RHM",
                "country": "DEU",
                "offers": [
                    {"item": "155-L52", "capacity": {"2024Q1": 100, "2024Q3": 400}, "price": 4000}
                ],
            }
        ],
    }


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text(yaml.safe_dump(small_raw(), sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    raw = small_raw()
    raw["demands"][0]["quantity"] = "lots"
    raw["producers"][0]["offers"][0]["prize"] = 1
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_validate_good_file(good: Path) -> None:
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    assert "3 periods (2024Q1..2024Q3), 2 nations, 1 item" in result.output


def test_validate_broken_file_lists_problems(good: Path, broken: Path) -> None:
    result = runner.invoke(app, ["validate", str(good), str(broken)])
    assert result.exit_code == EXIT_INVALID == 2
    assert "Traceback" not in result.output
    assert "INVALID" in result.output
    assert "demands[UKR-1], field 'quantity'" in result.output
    assert "producers[RHM].offers[155-L52], field 'prize'" in result.output
    assert "1 of 2 file(s) invalid" in result.output


def test_validate_unreadable_files(tmp_path: Path) -> None:
    syntax = tmp_path / "syntax.yaml"
    syntax.write_text("name: [unclosed\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(tmp_path / "missing.yaml"), str(syntax)])
    assert result.exit_code == 2
    assert "file not found" in result.output
    assert "line 2" in result.output
    assert "Traceback" not in result.output


def test_validate_needs_a_file() -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code != 0


def test_schema_prints_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "aggregate scenario"
    out = tmp_path / "scenario.schema.json"
    result = runner.invoke(app, ["schema", "--out", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == schema


def test_template_writes_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    result = runner.invoke(app, ["template", str(path)])
    assert result.exit_code == 0, result.output
    assert path.exists()
    assert read_excel(path)["nations"] == []
    again = runner.invoke(app, ["template", str(path)])
    assert again.exit_code == 1
    assert "--force" in again.output
    assert runner.invoke(app, ["template", str(path), "--force"]).exit_code == 0
    assert runner.invoke(app, ["template", str(tmp_path / "t.csv")]).exit_code == 1
    missing_dir = runner.invoke(app, ["template", str(tmp_path / "no" / "t.xlsx")])
    assert missing_dir.exit_code == 1
    assert "cannot write" in missing_dir.output
    assert "Traceback" not in missing_dir.output


def test_summary_prints_tables(good: Path) -> None:
    result = runner.invoke(app, ["summary", str(good)])
    assert result.exit_code == 0, result.output
    for title in (
        "Sizes",
        "Demand by capability",
        "Capacity by item",
        "Stock on hand",
        "Funds: none",
    ):
        assert title in result.output
    assert "1,500" in result.output  # demand of ART155
    assert "600" in result.output  # capacity 100 + 100 + 400 (a step series)


def test_summary_of_broken_file(broken: Path) -> None:
    result = runner.invoke(app, ["summary", str(broken)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "quantity" in result.output


def test_summary_frames() -> None:
    scenario = Scenario.model_validate(small_raw())
    assert size_line(scenario).startswith("3 periods (2024Q1..2024Q3), 2 nations")
    assert sizes(scenario).set_index("entity").loc["producers", "count"] == 1
    demand = demand_by_capability(scenario).set_index("capability")
    assert demand.loc["ART155", "quantity"] == 1500
    capacity = capacity_by_item(scenario).set_index("item")
    assert capacity.loc["155-L52", "capacity"] == 600
    stock = stock_by_item(scenario).set_index("item")
    assert stock.loc["155-L52", ["on_hand", "donor_on_hand"]].tolist() == [700, 700]
    money = budgets(scenario).set_index("nation")
    assert money.loc["DEU", "budget"] == 2e9
    assert money["budget"].isna().loc["UKR"]
    assert next(iter(summary_tables(scenario))) == "Sizes"
