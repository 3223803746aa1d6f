"""Overrides by path, study files, variant expansion and content hashes (no solving)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from aggregate.errors import ScenarioError
from aggregate.study import (
    Override,
    OverrideError,
    Study,
    apply_overrides,
    expand,
    load_study,
    parse_path,
)
from tests.support import tiny_raw


def _apply(raw: dict[str, Any], *overrides: dict[str, Any]) -> dict[str, Any]:
    return apply_overrides(raw, [Override.model_validate(o) for o in overrides])


def _offer(raw: dict[str, Any], producer: str, item: str) -> dict[str, Any]:
    p = next(p for p in raw["producers"] if p["id"] == producer)
    return next(o for o in p["offers"] if o["item"] == item)


def test_scale_a_capacity_series_by_id_path() -> None:
    raw = tiny_raw()
    out = _apply(
        raw, {"path": "producers[RHM].offers[155-L52].capacity", "op": "scale", "value": 1.5}
    )
    assert _offer(out, "RHM", "155-L52")["capacity"] == {"2025Q1": 45000, "2025Q3": 75000}
    # the input is left as it was
    assert _offer(raw, "RHM", "155-L52")["capacity"] == {"2025Q1": 30000, "2025Q3": 50000}


def test_position_key_and_field_selectors() -> None:
    raw = tiny_raw()
    out = _apply(
        raw,
        {"path": "producers[NXT].offers[0].price", "value": 4100},
        {"path": "producers[RHM].offers[155-L52].capacity[2025Q2]", "value": 35000},
        {"path": "demands[nation=UKR].quantity", "op": "scale", "value": 0.5},
        {"path": "demands[*].max_lateness", "value": 0},
    )
    assert _offer(out, "NXT", "155-L52")["price"] == 4100
    assert _offer(out, "RHM", "155-L52")["capacity"]["2025Q2"] == 35000
    quantities = {d["id"]: d["quantity"] for d in out["demands"]}
    assert quantities == {"UKR-2025Q2": 25000, "UKR-2025Q4": 40000, "DEU-2025Q4": 20000}
    assert all(d["max_lateness"] == 0 for d in out["demands"])


def test_add_keeps_whole_numbers_whole_and_set_creates_an_optional_field() -> None:
    raw = tiny_raw()
    out = _apply(
        raw,
        {"path": "expansions[RHM-UNT].lead_periods", "op": "add", "value": 1},
        {"path": "nations[UKR].budget", "value": 1e9},
    )
    lead = out["expansions"][0]["lead_periods"]
    assert lead == 3 and isinstance(lead, int)  # lead_periods is a strict integer field
    assert out["nations"][0]["budget"] == 1e9


def test_set_creates_a_missing_section() -> None:
    raw = tiny_raw()
    del raw["settings"]
    out = _apply(raw, {"path": "settings.time_limit", "value": 5})
    assert out["settings"] == {"time_limit": 5}
    # but not a field the schema does not have
    with pytest.raises(OverrideError, match="no field 'setings'"):
        _apply(raw, {"path": "setings.time_limit", "value": 5})


def test_fund_membership_add_and_remove() -> None:
    raw = tiny_raw()
    raw["nations"].append({"code": "POL", "name": "Poland", "gni": 7e11})
    out = _apply(raw, {"path": "funds[EPF].members", "op": "add", "value": ["POL", "DEU"]})
    assert out["funds"][0]["members"] == ["DEU", "FRA", "POL"]  # DEU was already in
    out = _apply(out, {"path": "funds[EPF].members", "op": "remove", "value": "FRA"})
    assert out["funds"][0]["members"] == ["DEU", "POL"]
    out = _apply(out, {"path": "funds[EPF].members[POL]", "op": "remove"})
    assert out["funds"][0]["members"] == ["DEU"]


def test_remove_and_append_entries() -> None:
    raw = tiny_raw()
    new = {"id": "FRA-2025Q4", "nation": "FRA", "capability": "155-fire", "period": "2025Q4",
           "quantity": 1000}  # fmt: skip
    out = _apply(
        raw,
        {"path": "demands[DEU-2025Q4]", "op": "remove"},
        {"path": "demands", "op": "append", "value": new},
    )
    assert [d["id"] for d in out["demands"]] == ["UKR-2025Q2", "UKR-2025Q4", "FRA-2025Q4"]
    # a selector matching several entries removes them all
    out = _apply(raw, {"path": "demands[nation=UKR]", "op": "remove"})
    assert [d["id"] for d in out["demands"]] == ["DEU-2025Q4"]


@pytest.mark.parametrize(
    ("path", "named", "choices"),
    [
        ("producers[KNDS].offers[0].price", "no entry 'KNDS'", ["RHM", "NXT"]),
        ("producers[RHM].offers[155-L52].capcity", "no field 'capcity'", ["capacity", "item"]),
        ("nations.DEU.budget", "nations is a list", ["UKR", "DEU", "FRA"]),
        ("demands[nation=POL].quantity", "nation = 'POL'", ["DEU", "UKR"]),
        ("producers[RHM].offers[155-L52].price.eur", "no field 'eur'", []),
    ],
)
def test_a_bad_path_names_the_missing_part_and_the_choices(
    path: str, named: str, choices: list[str]
) -> None:
    with pytest.raises(OverrideError) as info:
        _apply(tiny_raw(), {"path": path, "value": 1})
    text = f"{info.value.message} {info.value.fix}"
    assert path in info.value.message
    assert named in text
    for choice in choices:
        assert choice in info.value.fix


def test_scale_of_an_unset_field_says_to_set_it() -> None:
    with pytest.raises(OverrideError, match="not set") as info:
        _apply(tiny_raw(), {"path": "nations[UKR].budget", "op": "scale", "value": 2})
    assert "set" in info.value.fix


@pytest.mark.parametrize("path", ["a[b", "a..b", "a.", "[0].b", "a[]", "a]b"])
def test_malformed_paths(path: str) -> None:
    with pytest.raises(OverrideError):
        parse_path(path)


def _study(**fields: Any) -> Study:
    return Study.model_validate({"name": "s", "base": tiny_raw(), **fields})


def test_study_errors_gather_every_bad_variant() -> None:
    study = _study(
        variants=[
            {"name": "typo", "overrides": [{"path": "producers[RHN].offers[0].price", "value": 1}]},
            {"name": "ghost", "overrides": [{"path": "demands[UKR-2025Q2].nation", "value": "XY"}]},
            {"name": "fine", "overrides": [{"path": "demands[UKR-2025Q2].quantity", "value": 1}]},
        ]
    )
    with pytest.raises(ScenarioError) as info:
        expand(study)
    problems = info.value.problems
    typo = [p for p in problems if p.entry == "variant typo"]
    assert len(typo) == 1 and typo[0].field == "path" and "RHN" in typo[0].message
    assert "RHM" in typo[0].fix
    # the override applied, but the scenario is invalid: the scenario check says where
    ghost = [p for p in problems if p.entry.startswith("variant ghost: demands[UKR-2025Q2]")]
    assert ghost and any("XY" in p.message for p in ghost)
    assert not any("fine" in p.entry for p in problems)


def test_grid_is_the_product_and_equal_content_shares_a_hash() -> None:
    study = _study(
        grids=[
            {
                "name": "g",
                "axes": {
                    "cap": {
                        "path": "producers[NXT].offers[0].capacity",
                        "op": "scale",
                        "values": [1.0, 2.0],
                    },
                    "price": {"path": "producers[NXT].offers[0].price", "values": [4200, 4000]},
                },
            }
        ]
    )
    variants = {v.name: v for v in expand(study)}
    assert sorted(variants) == [
        "base", "g/cap=1,price=4000", "g/cap=1,price=4200", "g/cap=2,price=4000",
        "g/cap=2,price=4200",
    ]  # fmt: skip
    # scaling by 1 and setting the base price again is the base scenario
    assert variants["g/cap=1,price=4200"].hash == variants["base"].hash
    assert len({v.hash for v in variants.values()}) == 4
    assert variants["g/cap=2,price=4000"].parameters == {"cap": 2.0, "price": 4000}
    offer = variants["g/cap=2,price=4000"].scenario.producers[1].offers[0]
    assert offer.capacity == 30000 and offer.price == 4000


def test_hash_ignores_key_order_but_not_content_or_options() -> None:
    raw = tiny_raw()
    reordered = dict(reversed(list(copy.deepcopy(raw).items())))
    a = expand(_study(base=raw))[0].hash
    assert expand(_study(base=reordered))[0].hash == a
    assert expand(_study(solve={"mip_gap": 0.01}))[0].hash != a
    assert expand(_study(baseline=True))[0].hash != a
    raw["demands"][0]["quantity"] += 1
    assert expand(_study(base=raw))[0].hash != a


def test_samples_are_seeded_clipped_and_stable_when_extended() -> None:
    draw = {"path": "demands[nation=UKR].quantity", "op": "scale", "distribution": "normal",
            "mean": 1.0, "sd": 0.5, "min": 0.8, "max": 1.2, "independent": True}  # fmt: skip

    def sampled(count: int, seed: int) -> list[Any]:
        study = _study(
            include_base=False,
            samples=[{"name": "d", "count": count, "seed": seed, "parameters": {"f": draw}}],
        )
        return expand(study)

    three, five = sampled(3, 7), sampled(5, 7)
    assert [v.parameters for v in three] == [v.parameters for v in five[:3]]
    assert [v.parameters for v in sampled(3, 8)] != [v.parameters for v in three]
    for v in five:
        factors = v.parameters["f"]
        assert len(factors) == 2  # one draw per matched demand (two Ukrainian demands)
        assert all(0.8 <= f <= 1.2 for f in factors)
        got = {d.id: d.quantity for d in v.scenario.demands}
        assert got["UKR-2025Q2"] == pytest.approx(50000 * factors[0])
        assert got["UKR-2025Q4"] == pytest.approx(80000 * factors[1])
        assert got["DEU-2025Q4"] == 20000


def test_study_file_resolves_the_base_next_to_it(tmp_path: Path) -> None:
    import yaml

    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "tiny.yaml").write_text(yaml.safe_dump(tiny_raw()))
    (tmp_path / "studies").mkdir()
    file = tmp_path / "studies" / "s.yaml"
    file.write_text(
        "name: s\nbase: ../models/tiny.yaml\n"
        "variants:\n  - name: v\n"
        "    overrides: [{path: 'nations[DEU].budget', op: scale, value: 2}]\n"
    )
    study = load_study(file)
    names = [v.name for v in expand(study)]
    assert names == ["base", "v"]
    assert study.store_path(file) == tmp_path / "studies" / "s.duckdb"


def test_study_file_type_errors_are_listed(tmp_path: Path) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(
        "name: s\nbase: x.yaml\nbaseline: maybe\n"
        "variants: [{name: v, overrides: [{path: a, op: multiply, value: 2}]}]\n"
    )
    with pytest.raises(ScenarioError) as info:
        load_study(file)
    text = str(info.value)
    assert "baseline" in text and "op" in text and str(file) in text
