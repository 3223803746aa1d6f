"""Reading and writing scenario files: round trips, safe parsing, refusals, workbooks."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from pydantic import BaseModel

import aggregate
from aggregate.errors import ScenarioError
from aggregate.io import excel as excel_io
from aggregate.io import files as files_io
from aggregate.io import (
    json_schema,
    load,
    parse_yaml,
    read_excel,
    read_raw,
    save,
    write_excel,
    write_json_schema,
    write_template,
)
from aggregate.schema import Scenario


def small_raw() -> dict[str, Any]:
    """2 nations, 1 item, 1 capability, 1 demand, 1 producer with one offer."""
    return {
        "name": "Small",
        "periods": ["2024Q1", "2024Q2"],
        "nations": [
            {"code": "DEU", "name": "Germany", "budget": 1.0e9},
            {"code": "UKR", "name": "Ukraine"},
        ],
        "items": [{"id": "155-L52", "name": "155mm L52 round", "unit": "round"}],
        "capabilities": [{"id": "ART155", "satisfied_by": [{"item": "155-L52"}]}],
        "demands": [
            {
                "id": "UKR-1",
                "nation": "UKR",
                "capability": "ART155",
                "period": "2024Q2",
                "quantity": 1000,
            }
        ],
        "producers": [
            {
                "id": "RHM",
                "country": "DEU",
                "offers": [{"item": "155-L52", "capacity": 800, "price": 4000}],
            }
        ],
    }


def rich_scenario() -> Scenario:
    """Every kind of cell the layouts hold (series, mappings, tiers, funds, lists), typed only.

    Built with the schema alone so the round trips test the files, whatever the
    consistency checks decide.
    """
    raw = small_raw()
    raw["description"] = "A test, with commas, and\na second line"
    raw["sources"] = ["Report A, 2024", "Press"]
    raw["periods"] = ["2024Q1", "2024Q2", "2024Q3", "2024"]
    raw["nations"][0].update(gni=4.1e12, systems=["PzH2000", "RCH155"], memberships=["EU"])
    raw["nations"][1].update(budget_per_period={"2024Q2": 5e6, "2024Q3": 2.5e6})
    raw["nations"][0]["buys_for"] = [
        {"beneficiary": raw["nations"][1]["code"], "ceiling": 2.5e9, "eligible_items": []},
        {
            "beneficiary": "POL",
            "uses": ["procurement", "refill"],
            "eligible_producer_countries": ["DEU"],
        },
    ]
    raw["items"][0]["components"] = {"FUZE": 1, "BARREL:L52": 0.001}
    raw["items"].append({"id": "155-L39", "systems": ["M109"]})
    raw["capabilities"][0]["satisfied_by"].append({"item": "155-L39", "factor": 0.85})
    raw["capabilities"][0].update(name="155mm fire", unit="round-equivalent")
    raw["demands"][0].update(priority=2.5, max_lateness=2, shortfall_penalty=1e4)
    raw["stockpiles"] = [
        {
            "nation": "DEU",
            "item": "155-L52",
            "on_hand": 20000,
            "floor": {"2024Q1": 5000, "2024Q3": 8000},
            "floor_type": "soft",
            "floor_penalty": 50,
            "donor": True,
            "refill_target": 20000,
            "refill_by": "2024Q3",
            "holding_cost": 1.5,
        }
    ]
    offer = raw["producers"][0]["offers"][0]
    offer.update(
        capacity={"2024Q1": 500, "2024Q3": 800.5},
        tiers=[{"min_volume": 1000, "price": 3800}, {"min_volume": 5000, "price": 3500}],
        min_order=100,
        lot_size=50,
        lead_time=1,
        contract_cost=1e5,
        order_period_cost={"2024Q2": 1000},
        delivery_cost=3,
        delivery_cost_to={"UKR": 2.5},
    )
    raw["producers"][0]["offers"].append({"item": "155-L39", "capacity": 100, "price": 3000})
    raw["producers"].append(
        {
            "id": "NAMMO",
            "name": "Nammo",
            "country": "NOR",
            "offers": [{"item": "155-L52", "capacity": 0, "price": 4200}],
        }
    )
    raw["expansions"] = [
        {
            "id": "RHM-X",
            "producer": "RHM",
            "item": "155-L52",
            "added_capacity": 300,
            "investment_cost": 2e8,
            "lead_periods": 2,
            "earliest_start": "2024Q1",
            "sponsor": "DEU",
        }
    ]
    raw["components"] = [{"id": "FUZE", "unit": "piece", "value": 120.5}, {"id": "BARREL:L52"}]
    raw["component_suppliers"] = [
        {"id": "JUNGHANS", "component": "FUZE", "capacity": {"2024Q1": 900}, "serves": ["RHM"]},
        {"id": "BS", "component": "BARREL:L52", "country": "DEU", "capacity": 10, "price": 9e4},
    ]
    raw["funds"] = [
        {
            "id": "EPF",
            "name": "European Peace Facility",
            "members": ["DEU", "UKR"],
            "contribution": {
                "rule": "key",
                "basis": "custom",
                "shares": {"DEU": 3, "UKR": 1},
                "tolerance": 0.1,
                "max_share": 0.7,
            },
            "cap": 5e9,
            "uses": ["procurement", "investment"],
            "eligible_producer_countries": [],
            "eligible_beneficiaries": ["UKR"],
            "max_cofinancing_share": 0.5,
            "max_procurement_share": 0.25,
            "component_origin": {"countries": ["DEU", "UKR"], "max_outside_share": 0.35},
            "min_nations_per_contract": 2,
        },
        {
            "id": "IFU",
            "members": ["DEU", "UKR"],
            "contribution": {"rule": "pledge", "pledges": {"DEU": {"min": 1e6}, "UKR": {}}},
            "committed": 1e6,
        },
    ]
    raw["settings"] = {"objective": "weighted", "time_limit": 30, "threads": 2}
    return Scenario.model_validate(raw)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def small_file(tmp_path: Path, name: str = "small.yaml") -> Path:
    return write(tmp_path, name, yaml.safe_dump(small_raw(), sort_keys=False))


def problem_text(exc: pytest.ExceptionInfo[ScenarioError]) -> str:
    return "\n".join(p.describe() for p in exc.value.problems)


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_small_round_trip_through_load(tmp_path: Path, suffix: str) -> None:
    scenario = load(small_file(tmp_path))
    path = save(scenario, tmp_path / f"again{suffix}")
    assert load(path) == scenario


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_rich_round_trip_is_exact(tmp_path: Path, suffix: str) -> None:
    scenario = rich_scenario()
    path = save(scenario, tmp_path / f"rich{suffix}")
    again = Scenario.model_validate(read_raw(path))
    assert again == scenario
    assert again.model_dump() == scenario.model_dump()


def test_package_exports_io() -> None:
    assert aggregate.load is load
    assert aggregate.save is save
    assert aggregate.json_schema is json_schema


def test_numeric_period_labels_become_text(tmp_path: Path) -> None:
    raw = small_raw()
    raw["periods"] = [2024, 2025]
    raw["demands"][0]["period"] = 2025
    path = write(tmp_path, "years.yaml", yaml.safe_dump(raw))
    assert load(path).periods == ["2024", "2025"]


def test_dates_stay_text(tmp_path: Path, yaml_parser: str) -> None:
    assert parse_yaml("p: 2024-01-01\n") == {"p": "2024-01-01"}


# ------------------------------------------------------------------------ safe YAML


@pytest.fixture(params=["libyaml", "python"])
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml's parser (the default when installed) and PyYAML's own."""
    if request.param == "python":
        monkeypatch.setattr(files_io, "SafeScenarioLoader", files_io.PySafeScenarioLoader)
    elif files_io.SafeScenarioLoader is files_io.PySafeScenarioLoader:
        pytest.skip("PyYAML is built without libyaml")
    return str(request.param)


def test_python_tags_are_refused(tmp_path: Path, yaml_parser: str) -> None:
    path = write(
        tmp_path,
        "evil.yaml",
        "name: !!python/object/apply:os.system ['echo pwned']\nperiods: [a]\n",
    )
    with pytest.raises(ScenarioError) as exc:
        load(path)
    text = problem_text(exc)
    assert "python/object" in text
    assert "line 1" in text
    assert exc.value.file == str(path)


def test_alias_bomb_is_refused_quickly(tmp_path: Path, yaml_parser: str) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    path = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as exc:
        load(path)
    assert time.perf_counter() - start < 5
    assert "expands to more than" in problem_text(exc)


def test_recursive_alias_is_refused(tmp_path: Path, yaml_parser: str) -> None:
    path = write(tmp_path, "cycle.yaml", "a: &a [1, *a]\n")
    with pytest.raises(ScenarioError) as exc:
        load(path)
    assert "cycle" in problem_text(exc)


def test_modest_aliases_are_fine(yaml_parser: str) -> None:
    text = "base: &b {price: 1, capacity: 2}\nx: {<<: *b, price: 3}\ny: [*b, *b]\n"
    assert parse_yaml(text) == {
        "base": {"price": 1, "capacity": 2},
        "x": {"price": 3, "capacity": 2},
        "y": [{"price": 1, "capacity": 2}, {"price": 1, "capacity": 2}],
    }


def test_deep_nesting_is_refused(tmp_path: Path, yaml_parser: str) -> None:
    path = write(tmp_path, "deep.yaml", "a: " + "[" * 10_000 + "]" * 10_000 + "\n")
    with pytest.raises(ScenarioError) as exc:
        load(path)
    # our contract, whichever parser (and limit) stops first: the file, where, what, the fix
    assert exc.value.file == str(path)
    (problem,) = exc.value.problems
    assert "line 1" in problem.message
    assert "nesting deeper" in problem.message
    assert "a scenario needs only a few levels" in problem.fix


def test_deep_json_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(ScenarioError, match="nested too deeply"):
        load(path)


def test_oversize_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files_io, "MAX_FILE_BYTES", 1000)
    path = write(tmp_path, "big.yaml", "name: x\n" + "# padding\n" * 200)
    with pytest.raises(ScenarioError) as exc:
        load(path)
    assert "above the limit" in problem_text(exc)


def test_duplicate_yaml_key_is_refused(tmp_path: Path, yaml_parser: str) -> None:
    text = "name: A\nperiods: [a]\nname: B\n"
    path = write(tmp_path, "dup.yaml", text)
    with pytest.raises(ScenarioError) as exc:
        load(path)
    text = problem_text(exc)
    assert "duplicate key 'name'" in text
    assert "line 3" in text


def test_duplicate_nested_yaml_key_is_refused(yaml_parser: str) -> None:
    with pytest.raises(ScenarioError, match="duplicate key 'price'"):
        parse_yaml("producers:\n- id: A\n  offers:\n  - price: 1\n    price: 2\n")


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path, yaml_parser: str) -> None:
    path = write(tmp_path, "broken.yaml", "name: x\nperiods: [a, b\nnations: []\n")
    with pytest.raises(ScenarioError) as exc:
        load(path)
    problem = exc.value.problems[0]
    assert problem.entry == "file"
    assert "line 3" in problem.message
    assert "column" in problem.message
    assert str(path) in str(exc.value)


# ------------------------------------------------------------------------------- JSON


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_is_refused(tmp_path: Path, constant: str) -> None:
    text = json.dumps(small_raw()).replace('"budget": 1000000000.0', f'"budget": {constant}')
    assert constant in text
    path = write(tmp_path, "nan.json", text)
    with pytest.raises(ScenarioError) as exc:
        load(path)
    assert constant in problem_text(exc)


def test_json_overflowing_number_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "big.json", '{"name": "x", "budget": 1e999}')
    with pytest.raises(ScenarioError, match="too large"):
        load(path)


def test_duplicate_json_key_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "dup.json", '{"name": "A", "periods": ["a"], "name": "B"}')
    with pytest.raises(ScenarioError, match="duplicate key 'name'"):
        load(path)


def test_json_syntax_error_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.json", '{\n  "name": "A",\n  "periods": [1,]\n}')
    with pytest.raises(ScenarioError) as exc:
        load(path)
    assert "line 3" in problem_text(exc)


# ------------------------------------------------------------------------- file errors


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as exc:
        load(tmp_path / "nope.yaml")
    assert "file not found" in problem_text(exc)
    assert exc.value.file == str(tmp_path / "nope.yaml")


def test_unknown_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, "s.txt", "name: x")
    with pytest.raises(ScenarioError, match="unknown file type"):
        load(path)
    with pytest.raises(ScenarioError, match="cannot write"):
        save(load(small_file(tmp_path)), tmp_path / "s.toml")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("name: Müller\n".encode("latin-1"))
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load(path)


def test_validation_problems_name_the_file(tmp_path: Path) -> None:
    raw = small_raw()
    raw["demands"][0]["quantity"] = "lots"
    path = write(tmp_path, "bad.yaml", yaml.safe_dump(raw))
    with pytest.raises(ScenarioError) as exc:
        load(path)
    assert exc.value.file == str(path)
    assert any(p.field == "quantity" for p in exc.value.problems)


# ----------------------------------------------------------------------------- writing


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    scenario = load(small_file(tmp_path))
    target = tmp_path / "out.yaml"
    target.write_text("old contents", encoding="utf-8")
    for suffix in (".yaml", ".json", ".xlsx"):
        save(scenario, target.with_suffix(suffix))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "out.json",
        "out.xlsx",
        "out.yaml",
        "small.yaml",
    ]


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "keep.yaml"
    target.write_text("old", encoding="utf-8")

    def explode(fh: Any) -> None:
        fh.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        files_io.write_bytes_with(target, explode)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.yaml"]


# ------------------------------------------------------------------------- JSON Schema


def test_json_schema_has_header_and_describes_fields(tmp_path: Path) -> None:
    schema = json_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["$id"]
    assert schema["title"] == "aggregate scenario"
    assert "periods" in schema["properties"]
    assert schema["$defs"]["Offer"]["properties"]["price"]["description"]
    path = write_json_schema(tmp_path / "scenario.schema.json")
    assert json.loads(path.read_text(encoding="utf-8")) == schema


# ------------------------------------------------------------------------------- Excel


def test_excel_round_trip_of_small_scenario(tmp_path: Path) -> None:
    scenario = load(small_file(tmp_path))
    path = write_excel(scenario, tmp_path / "small.xlsx")
    assert load(path) == scenario


def test_layout_covers_every_schema_field() -> None:
    """A field added to the schema must get a column (or this test says where)."""
    from aggregate.schema import (
        BilateralPurchase,
        Capability,
        Commitment,
        Component,
        ComponentSupplier,
        Demand,
        Expansion,
        Fund,
        Item,
        Nation,
        Offer,
        PlacedOrder,
        Producer,
        RepairShop,
        SolveSettings,
        Spares,
        Stockpile,
        Wear,
    )

    sheets = excel_io.SHEET_BY_NAME
    handled: dict[str, tuple[type[BaseModel], set[str]]] = {
        "nations": (Nation, {"buys_for"}),
        "bilateral_purchases": (BilateralPurchase, set()),
        "items": (Item, set()),
        "demands": (Demand, set()),
        "stockpiles": (Stockpile, set()),
        "producers": (Producer, {"offers"}),
        "offers": (Offer, {"tiers", "commitments"}),
        "commitments": (Commitment, set()),
        "placed_orders": (PlacedOrder, set()),
        "expansions": (Expansion, set()),
        "components": (Component, set()),
        "component_suppliers": (ComponentSupplier, set()),
        # component_origin: the columns origin_countries and origin_max_outside_share
        "funds": (Fund, {"contribution", "members", "component_origin"}),
        "capabilities": (Capability, {"id", "satisfied_by"}),
        "settings": (SolveSettings, set()),
        "wear": (Wear, set()),
        "spares": (Spares, set()),
        "repair_shops": (RepairShop, set()),
    }
    for sheet, (model, elsewhere) in handled.items():
        columns = {c.name for c in sheets[sheet].columns}
        missing = set(model.model_fields) - columns - elsewhere
        assert not missing, f"sheet {sheet} has no column for {sorted(missing)}"
    scenario_fields = {c.name for c in sheets["scenario"].columns}
    # the sustainment block's lists have a sheet each
    assert set(Scenario.model_fields) - scenario_fields - {"sustainment"} <= set(sheets)


def test_template_is_written_and_readable(tmp_path: Path) -> None:
    path = write_template(tmp_path / "template.xlsx")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[0] == "README"
    assert set(excel_io.SHEET_BY_NAME) <= set(workbook.sheetnames)
    readme = "\n".join(
        str(c) for row in workbook["README"].iter_rows(values_only=True) for c in row if c
    )
    assert "currency units" in readme  # the schema's descriptions, with units
    offers = workbook["offers"]
    assert [c.value for c in offers[1]][:3] == ["producer", "item", "capacity"]
    assert offers["D1"].comment is not None  # each header explains its column
    workbook.close()
    raw = read_excel(path)
    assert raw["nations"] == []
    with pytest.raises(ScenarioError) as exc:
        load(path)
    assert "nations sheet" in problem_text(exc)


def _workbook_from(scenario: Scenario, path: Path) -> openpyxl.Workbook:
    write_excel(scenario, path)
    return openpyxl.load_workbook(path)


def test_excel_cells_are_converted(tmp_path: Path) -> None:
    scenario = load(small_file(tmp_path))
    path = tmp_path / "cells.xlsx"
    workbook = _workbook_from(scenario, path)
    offers = workbook["offers"]
    offers["G2"] = 2.0  # lead_time as Excel's float
    offers["C2"] = "2024Q1: 100, 2024Q2: 250.5"  # a capacity series in a cell
    workbook["nations"]["H2"] = "PzH2000; CAESAR"  # systems, semicolon-separated
    workbook["nations"]["E3"] = "1000"  # a number stored as text
    workbook["scenario"].append(["periods", "2024Q3, 2024Q4"])  # periods continue
    workbook["scenario"].append([None, None, "a note on its own"])
    workbook["demands"]["J1"] = "Notes"  # a notes column, ignored
    workbook["demands"]["J5"] = "a row with a note only"
    workbook.save(path)
    raw = read_excel(path)
    offer = raw["producers"][0]["offers"][0]
    assert offer["lead_time"] == 2
    assert isinstance(offer["lead_time"], int)
    assert offer["capacity"] == {"2024Q1": 100.0, "2024Q2": 250.5}
    assert raw["nations"][0]["systems"] == ["PzH2000", "CAESAR"]
    assert raw["nations"][1]["budget"] == 1000.0
    assert raw["periods"] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    assert "name" not in raw["producers"][0]  # blank cells are absent


def test_broken_workbook_names_sheet_and_row(tmp_path: Path) -> None:
    scenario = load(small_file(tmp_path))
    path = tmp_path / "broken.xlsx"
    workbook = _workbook_from(scenario, path)
    offers = workbook["offers"]
    offers["G2"] = 2.5  # lead_time must be whole
    offers["D2"] = "cheap"  # price must be a number
    workbook["demands"]["E2"] = "1,000"  # thousands separator
    workbook.save(path)
    with pytest.raises(ScenarioError) as exc:
        read_excel(path)
    found = {(p.entry, p.field) for p in exc.value.problems}
    assert ("offers row 2", "lead_time") in found
    assert ("offers row 2", "price") in found
    assert ("demands row 2", "quantity") in found
    assert exc.value.file == str(path)


def test_row_numbers_are_excel_rows_across_blank_rows(tmp_path: Path) -> None:
    scenario = load(small_file(tmp_path))
    path = tmp_path / "gaps.xlsx"
    workbook = _workbook_from(scenario, path)
    demands = workbook["demands"]
    demands["A6"] = "UKR-2"  # rows 3 to 5 blank
    demands["E6"] = "many"
    demands["M6"] = "stray"  # right of the table, under no header
    workbook.save(path)
    with pytest.raises(ScenarioError) as exc:
        read_excel(path)
    found = {(p.entry, p.field) for p in exc.value.problems}
    assert found == {("demands row 6", "quantity"), ("demands row 6", "M")}


def test_schema_problems_in_workbook_name_sheet_and_row(tmp_path: Path) -> None:
    scenario = load(small_file(tmp_path))
    path = tmp_path / "invalid.xlsx"
    workbook = _workbook_from(scenario, path)
    workbook["offers"]["D2"] = -5  # a negative price: a schema problem, not a cell problem
    workbook["tiers"].append(["RHM", "155-L52", 1000, "x"])
    workbook.save(path)
    with pytest.raises(ScenarioError) as exc:
        load(path)
    entries = [p.entry for p in exc.value.problems]
    assert any(e.startswith("tiers row 2") for e in entries), entries
    with pytest.raises(ScenarioError):
        read_excel(path)
    workbook["tiers"].delete_rows(2)
    workbook.save(path)
    with pytest.raises(ScenarioError) as exc:
        load(path)
    problem = exc.value.problems[0]
    assert problem.entry == "offers row 2 (producers[RHM].offers[155-L52])"
    assert problem.field == "price"


def test_workbook_structure_problems(tmp_path: Path) -> None:
    scenario = load(small_file(tmp_path))
    path = tmp_path / "structure.xlsx"
    workbook = _workbook_from(scenario, path)
    workbook.create_sheet("offer")  # a misspelt sheet
    workbook.create_sheet("_my notes")  # ignored
    workbook["items"]["F1"] = "colour"  # an unknown column
    workbook["tiers"].append(["XYZ", "155-L52", 100, 1])  # an offer that does not exist
    workbook["scenario"].append(["nmae", "typo"])
    workbook.save(path)
    with pytest.raises(ScenarioError) as exc:
        read_excel(path)
    text = problem_text(exc)
    assert "sheet 'offer': unknown sheet" in text
    assert "items row 1, field 'colour': unknown column" in text
    assert "scenario row 8, field 'field': unknown field 'nmae'" in text
    assert "_my notes" not in text


def test_offer_of_unknown_producer(tmp_path: Path) -> None:
    scenario = load(small_file(tmp_path))
    path = tmp_path / "orphan.xlsx"
    workbook = _workbook_from(scenario, path)
    workbook["offers"].append(["KNDS", "155-L52", 10, 1])
    workbook["capacity"].append(["RHM", "155-L52", "2024Q1", 5])  # the offer has a capacity
    workbook.save(path)
    with pytest.raises(ScenarioError) as exc:
        read_excel(path)
    found = {(p.entry, p.field) for p in exc.value.problems}
    assert ("offers row 3", "producer") in found
    assert ("capacity row 2", "capacity") in found


def test_not_a_workbook(tmp_path: Path) -> None:
    path = write(tmp_path, "fake.xlsx", "name,value\n")
    with pytest.raises(ScenarioError, match=r"not an \.xlsx workbook"):
        load(path)


def test_excel_dates_in_label_columns_are_explained(tmp_path: Path) -> None:
    import datetime as dt

    scenario = load(small_file(tmp_path))
    path = tmp_path / "dates.xlsx"
    workbook = _workbook_from(scenario, path)
    workbook["demands"]["D2"] = dt.datetime(2024, 1, 1)
    workbook.save(path)
    with pytest.raises(ScenarioError) as exc:
        read_excel(path)
    problem = exc.value.problems[0]
    assert (problem.entry, problem.field) == ("demands row 2", "period")
    assert "date" in problem.message
    assert "Text" in problem.fix


def test_write_excel_refuses_what_a_workbook_cannot_hold(tmp_path: Path) -> None:
    raw = small_raw()
    raw["nations"][0]["systems"] = ["A, B"]
    scenario = Scenario.model_validate(raw)
    with pytest.raises(ValueError, match="comma"):
        write_excel(scenario, tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []
