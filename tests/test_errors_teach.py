"""Errors that teach on first contact (issue #17): each message a new analyst meets first
says what is wrong in the scenario's own words and the exact fix.

- unknown fields and ids: "did you mean";
- formats named: ISO 3166-1 alpha-3 (with the code of a country name), ISO 4217, periods;
- the ``satisfied_by: [item]`` shorthand accepted, other wrong shapes told what to write,
  and no message names an internal class;
- type errors and reference problems reported in one pass;
- warnings for valid patterns that are usually mistakes, printed by validate and solve.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

import aggregate
from aggregate import hints
from aggregate.cli import app
from aggregate.errors import ScenarioError, problems_from_validation
from aggregate.schema import Item, Nation
from aggregate.schema.base import StrictModel
from aggregate.validation import validate


def _raw(**fields: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "name": "first try",
        "periods": ["2024Q1", "2024Q2", "2024Q3"],
        "nations": [
            {"code": "UKR", "name": "Ukraine"},
            {"code": "DEU", "name": "Germany", "gni": 4e12},
        ],
        "items": [{"id": "shell-155"}],
        "capabilities": [{"id": "155-fire", "satisfied_by": [{"item": "shell-155"}]}],
        "producers": [
            {
                "id": "RHM",
                "country": "DEU",
                "offers": [{"item": "shell-155", "capacity": 500, "price": 4000}],
            }
        ],
        "demands": [
            {
                "id": "UKR-1",
                "nation": "UKR",
                "capability": "155-fire",
                "period": "2024Q2",
                "quantity": 100,
            }
        ],
    }
    raw.update(fields)
    return raw


def _error(raw: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as info:
        validate(raw)
    return str(info.value)


# ----------------------------------------------------------------------- did you mean


def test_item_in_a_demand_suggests_capability() -> None:
    raw = _raw()
    raw["demands"][0]["item"] = raw["demands"][0].pop("capability")
    text = _error(raw)
    assert "demands[UKR-1], field 'item': unknown field 'item' (did you mean 'capability'?)" in (
        text
    )
    assert "Fix: rename it to `capability`" in text


def test_misspelt_field_suggests_the_closest_field_of_that_entry() -> None:
    raw = _raw()
    raw["nations"][1]["budgt"] = 0
    text = _error(raw)
    assert "nations[DEU], field 'budgt': unknown field 'budgt' (did you mean 'budget'?)" in text


def test_unknown_field_without_a_close_one_lists_the_fields() -> None:
    raw = _raw()
    raw["items"][0]["colour"] = "green"
    text = _error(raw)
    assert "unknown field 'colour'. Fix: remove it; the fields here are: components, id," in text


def test_unknown_id_suggests_the_closest_id_of_that_kind() -> None:
    raw = _raw()
    raw["capabilities"][0]["satisfied_by"] = [{"item": "shell-15"}]
    text = _error(raw)
    assert "'shell-15' is not in items (did you mean 'shell-155'? valid: 'shell-155')" in text
    assert "Fix: write 'shell-155', or add 'shell-15' to items" in text


def test_unknown_period_lists_the_periods_and_the_closest() -> None:
    raw = _raw()
    raw["demands"][0]["period"] = "2024-Q2"
    text = _error(raw)
    assert (
        "'2024-Q2' is not in periods (did you mean '2024Q2'? valid: '2024Q1', '2024Q2', "
        "'2024Q3')" in text
    )


# ---------------------------------------------------------------------- format hints


def test_country_name_gets_its_iso_code() -> None:
    raw = _raw()
    raw["nations"][1]["code"] = "Germany"
    text = _error(raw)
    assert (
        "nations[Germany], field 'code': must be an ISO 3166-1 alpha-3 country code in "
        "capitals, e.g. DEU (got 'Germany'). Fix: write `DEU`" in text
    )


def test_country_code_in_lower_case() -> None:
    raw = _raw()
    raw["demands"][0]["nation"] = "ukr"
    assert "e.g. DEU (got 'ukr'). Fix: write `UKR`" in _error(raw)


def test_unknown_country_name_still_names_the_format() -> None:
    raw = _raw()
    raw["demands"][0]["nation"] = "Atlantis"
    text = _error(raw)
    assert "must be an ISO 3166-1 alpha-3 country code in capitals, e.g. DEU" in text
    assert "Fix: write the country's three-letter code" in text


def test_currency_names_iso_4217() -> None:
    text = _error(_raw(currency="euro"))
    assert "field 'currency': must be an ISO 4217 currency code in capitals, e.g. EUR" in text
    assert _error(_raw(currency="eur")).endswith("Fix: write `EUR`")


def test_bad_id_says_what_an_id_may_hold() -> None:
    raw = _raw()
    raw["items"][0]["id"] = "#shell"
    assert "must be an id: a letter or digit first" in _error(raw)


# ------------------------------------------------------------- satisfied_by shorthand


def test_satisfied_by_accepts_bare_item_ids() -> None:
    sc = validate(_raw(capabilities=[{"id": "155-fire", "satisfied_by": ["shell-155"]}]))
    (eq,) = sc.capabilities[0].satisfied_by
    assert (eq.item, eq.factor) == ("shell-155", 1.0)


def test_satisfied_by_other_shapes_say_what_to_write() -> None:
    text = _error(_raw(capabilities=[{"id": "155-fire", "satisfied_by": [1.5]}]))
    assert (
        "capabilities[155-fire].satisfied_by[#1]: must be a mapping of fields: item "
        "(required), factor (got 1.5). Fix: write it as `{item: ...}`" in text
    )
    assert "Equivalence" not in text


def _schema_classes() -> list[type[StrictModel]]:
    out: list[type[StrictModel]] = []
    stack = list(StrictModel.__subclasses__())
    while stack:
        cls = stack.pop()
        out.append(cls)
        stack.extend(cls.__subclasses__())
    return sorted(out, key=lambda c: c.__name__)


@pytest.mark.parametrize("wrong", [3.5, "text", ["a"], {"bogus": 1}, None])
def test_no_message_names_a_schema_class(wrong: Any) -> None:
    """Wrong shapes in every field of every schema class: no message names a class."""
    classes = _schema_classes()
    names = re.compile(r"\b(" + "|".join(c.__name__ for c in classes) + r")\b")
    for cls in classes:
        for field in cls.model_fields:
            try:
                cls.model_validate({field: wrong})
            except ValidationError as exc:
                for p in problems_from_validation(exc, {field: wrong}):
                    text = p.describe()
                    assert not names.search(text), (cls.__name__, field, text)


# ------------------------------------------------------------------- all in one pass


def test_type_errors_and_reference_problems_in_one_pass() -> None:
    raw = _raw()
    raw["demands"].append(
        {"id": "DEU-1", "nation": "DEU", "capability": "155-fire", "period": "2024Q1"}
    )
    raw["demands"][0]["period"] = "2025Q1"
    text = _error(raw)
    assert "demands[DEU-1], field 'quantity': Field required" in text
    assert "demands[UKR-1], field 'period': '2025Q1' is not in periods" in text


def test_reference_to_an_entry_with_a_type_error_is_not_reported() -> None:
    """The item has a type error; the capability naming it must not be told it is unknown."""
    raw = _raw()
    raw["items"][0]["indivisible"] = "yes"
    text = _error(raw)
    assert "field 'indivisible'" in text
    assert "not in items" not in text
    assert text.startswith("1 problem(s)")


# ------------------------------------------------------------------------ warnings


def _fund(**fields: Any) -> dict[str, Any]:
    return {"id": "F", "members": ["DEU"], **fields}


def _warnings(raw: dict[str, Any]) -> list[str]:
    return [p.describe() for p in aggregate.warnings(validate(raw))]


def test_a_plain_scenario_has_no_warnings() -> None:
    assert _warnings(_raw(nations=[{"code": "UKR", "name": "Ukraine", "budget": 0}])) == []


def test_recipient_without_budget_beside_a_fund() -> None:
    (text,) = _warnings(_raw(funds=[_fund(eligible_beneficiaries=["UKR"])]))
    assert text == (
        "nations[UKR], field 'budget': UKR has no budget, and an absent budget means "
        "unlimited: UKR can pay for all its own orders, so the funds that may pay for it "
        "('F') need not pay anything. Fix: write `budget: 0` if UKR pays for nothing "
        "itself, or its real budget"
    )
    raw = _raw(funds=[_fund(eligible_beneficiaries=["UKR"])])
    raw["nations"][0]["budget"] = 0
    assert _warnings(raw) == []


def test_fund_with_members_but_nothing_to_pay_for() -> None:
    raw = _raw(funds=[_fund(eligible_beneficiaries=["DEU"])])  # DEU demands nothing
    raw["nations"][0]["budget"] = 0
    (text,) = _warnings(raw)
    assert text.startswith(
        "funds[F], field 'eligible_beneficiaries': the fund has members ('DEU') but nothing "
        "it may pay for: no eligible beneficiary demands an eligible item"
    )


def test_item_no_demand_uses() -> None:
    raw = _raw()
    raw["items"].append({"id": "shell-105"})
    (text,) = _warnings(raw)
    assert text.startswith("items[shell-105]: no demand uses this item")


def test_validate_and_solve_print_warnings(tmp_path: Path) -> None:
    raw = _raw(funds=[_fund(eligible_beneficiaries=["UKR"])])
    path = tmp_path / "first.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "WARNING " in result.output and "absent budget means unlimited" in result.output
    result = runner.invoke(app, ["solve", str(path), "--formats", "json"])
    assert "absent budget means unlimited" in result.output


def test_the_hints_know_the_schema_patterns() -> None:
    """The hints recognise an id or a code by its pattern: the same as the schema's."""
    patterns = {
        getattr(m, "pattern", None)
        for model, name in ((Item, "id"), (Nation, "code"))
        for m in model.model_fields[name].metadata
    }
    assert {hints.ID_PATTERN, hints.CODE_PATTERN} <= patterns


def test_a_study_file_is_told_about_its_own_fields() -> None:
    """Errors of another model (a study file) suggest that model's fields, not a scenario's."""
    from aggregate.study.spec import parse_study

    with pytest.raises(ScenarioError) as info:
        parse_study({"name": "s", "scenario": "x.yaml", "periodz": 3})
    assert "unknown field 'periodz'" in str(info.value)
    assert "'periods'" not in str(info.value)


def test_workbook_misspelt_column_and_sheet(tmp_path: Path) -> None:
    import openpyxl

    from aggregate.io import load_excel, write_excel
    from aggregate.io.excel.example import example_scenario

    path = write_excel(example_scenario(), tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path)
    header = {c.value: c for c in book["offers"][1]}
    header["capacity"].value = "capcity"
    book["demands"].title = "demand"
    book.save(path)
    with pytest.raises(ScenarioError) as info:
        load_excel(path)
    text = str(info.value)
    assert "field 'capcity': unknown column (did you mean 'capacity'?)" in text
    assert "sheet 'demand': unknown sheet (did you mean 'demands'?)" in text


def test_a_choice_misspelt_gets_the_one_meant() -> None:
    text = _error(_raw(settings={"objective": "needs-first"}))
    assert (
        "field 'settings.objective': Input should be 'needs_first' or 'weighted' (got "
        "'needs-first'). Fix: write `needs_first`" in text
    )
