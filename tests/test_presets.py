"""Solver presets and HiGHS options: checked against the installed HiGHS, refused with a
clear message where unsafe or wrong, the same optimum by every preset, pure LPs as LPs."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import highspy
import numpy as np
import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

import aggregate.model.highs  # noqa: F401  (HiGHS's banner silenced before the first instance)
from aggregate import validate
from aggregate.cli import app
from aggregate.data import prepare
from aggregate.errors import ScenarioError
from aggregate.export import read_solution_json
from aggregate.io import load
from aggregate.model import build_model
from aggregate.model.highs import HighsModel, objective_of
from aggregate.model.linear import linear
from aggregate.resolve import clear_cache, solve_cached
from aggregate.schema.presets import (
    HIGHS_OPTIONS,
    PRESETS,
    PresetName,
    check_option,
    parse_option,
)
from aggregate.schema.settings import SolveSettings
from aggregate.solve import solve
from aggregate.verify import verify
from tests.support import DATA, scenario, solved, tiny_raw

runner = CliRunner()
KINDS = {
    bool: highspy.HighsOptionType.kBool,
    int: highspy.HighsOptionType.kInt,
    float: highspy.HighsOptionType.kDouble,
    str: highspy.HighsOptionType.kString,
}


def _highs() -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


# ------------------------------------------------------------------ the tables vs HiGHS


def test_every_allowed_option_exists_in_highs_with_its_type_and_default_in_range() -> None:
    h = _highs()
    for name, spec in HIGHS_OPTIONS.items():
        status, kind = h.getOptionType(name)
        assert status == highspy.HighsStatus.kOk, f"{name} is not a HiGHS option"
        assert kind == KINDS[spec.kind], name
        default = h.getOptionValue(name)[1]
        assert check_option(name, default) == default, name


def test_the_allowed_ranges_and_choices_are_highs_own() -> None:
    # every value the table lets by is one HiGHS takes (else a solve would fail late), and
    # one step outside a range HiGHS refuses too (the table is no narrower than needed)
    h = _highs()

    def takes(name: str, value: Any) -> bool:
        return bool(h.setOptionValue(name, value) == highspy.HighsStatus.kOk)

    for name, spec in HIGHS_OPTIONS.items():
        if spec.kind is str:
            assert all(takes(name, c) for c in spec.choices), name
        elif spec.kind in (int, float):
            assert spec.low is not None and spec.high is not None, name
            step = 1 if spec.kind is int else 0.1
            low, high = spec.kind(spec.low), spec.kind(spec.high)
            assert takes(name, low) and takes(name, high), name
            assert not takes(name, low - step), name
            if high < 2147483647:
                assert not takes(name, high + step), name


def test_every_preset_sets_options_highs_accepts() -> None:
    assert set(PRESETS) == set(get_args(PresetName))
    assert PRESETS["default"].options == {}
    for name, preset in PRESETS.items():
        assert preset.purpose, name
        h = _highs()
        for option, value in preset.options.items():
            assert check_option(option, value) == value, (name, option)
            assert h.setOptionValue(option, value) == highspy.HighsStatus.kOk, (name, option)


def test_no_option_that_names_a_file_or_changes_output_is_allowed() -> None:
    every = [n for n in dir(_highs().getOptions()) if not n.startswith("_")]
    risky = [n for n in every if "file" in n or n.startswith(("write_", "read_", "log_"))]
    assert "solution_file" in risky and "write_model_file" in risky  # the walk sees them
    assert not set(risky) & set(HIGHS_OPTIONS)
    governed = {"output_flag", "threads", "mip_rel_gap", "mip_abs_gap", "time_limit", "parallel"}
    assert not governed & set(HIGHS_OPTIONS)


# ------------------------------------------------------------------ clear refusals


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"solution_file": "x.sol"}, ["'solution_file'", "files"]),
        ({"write_model_file": "m.mps"}, ["'write_model_file'", "files"]),
        ({"log_file": "h.log"}, ["'log_file'"]),
        ({"output_flag": True}, ["'output_flag'", "--log"]),
        ({"threads": 4}, ["'threads'", "`threads`"]),
        ({"mip_rel_gap": 0.1}, ["'mip_rel_gap'", "`mip_gap`"]),
        ({"time_limit": 5}, ["'time_limit'", "`time_limit`"]),
        ({"mip_abs_gap": 1e6}, ["'mip_abs_gap'", "`mip_gap`"]),
        ({"solver": "pdlp"}, ["'pdlp'"]),
        ({"mip_heuristic_efort": 0.2}, ["did you mean 'mip_heuristic_effort'"]),
        ({"zzz": 1}, ["'zzz'", "allowed:", "presolve"]),
        ({"mip_heuristic_effort": 2}, ["from 0 to 1", "not 2"]),
        ({"mip_heuristic_effort": "high"}, ["takes a number"]),
        ({"mip_pscost_minreliable": 2.5}, ["whole number"]),
        ({"solver": "barrier"}, ["simplex, ipm", "'barrier'"]),
        ({"mip_detect_symmetry": 1}, ["true or false"]),
    ],
)
def test_a_bad_highs_option_is_refused_naming_it_and_the_fix(
    options: dict[str, Any], words: list[str]
) -> None:
    with pytest.raises(ValidationError) as info:
        SolveSettings(highs_options=options)
    text = str(info.value)
    assert "highs_options" in text
    for word in words:
        assert word in text, text


def test_every_wrong_option_is_named_at_once() -> None:
    with pytest.raises(ValidationError) as info:
        SolveSettings(highs_options={"solution_file": "x", "mip_heuristic_effort": 3})
    assert "'solution_file'" in str(info.value) and "'mip_heuristic_effort'" in str(info.value)


def test_yaml_on_off_read_as_booleans_are_text_options_values() -> None:
    raw = yaml.safe_load("presolve: off\nrun_crossover: on\nmip_heuristic_effort: 1")
    assert raw["presolve"] is False  # YAML 1.1, as the loader reads it
    settings = SolveSettings(highs_options=raw)
    assert settings.highs_options == {
        "presolve": "off",
        "run_crossover": "on",
        "mip_heuristic_effort": 1.0,
    }


def test_command_line_values_are_read_as_the_options_type() -> None:
    assert parse_option("mip_heuristic_effort=0.25") == ("mip_heuristic_effort", 0.25)
    assert parse_option("random_seed=7") == ("random_seed", 7)
    assert parse_option("mip_detect_symmetry=false") == ("mip_detect_symmetry", False)
    assert parse_option("solver=ipm") == ("solver", "ipm")
    for bad in ("presolve", "=on", "solution_file=x", "random_seed=1.5"):
        with pytest.raises(ValueError):
            parse_option(bad)


def test_a_bad_keyword_option_or_preset_raises_before_solving() -> None:
    with pytest.raises(ValueError, match="'threads'"):
        solve(scenario(), highs_options={"threads": 2})
    with pytest.raises(ValueError, match=r"unknown preset 'fast'.*feasible_first"):
        solve(scenario(), preset="fast")


# ------------------------------------------------------------------ every preset, one optimum


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_reaches_the_same_verified_optimum(preset: str) -> None:
    sc = validate(tiny_raw())
    reference = solved(sc, mip_gap=0.0)
    plan = solved(sc, mip_gap=0.0, preset=preset)
    assert plan.status.value == "optimal"
    for figure in ("total_cost", "short"):
        want, got = reference.key_figures[figure], plan.key_figures[figure]
        assert got == pytest.approx(want, rel=1e-6, abs=1e-6), figure
    assert plan.key_figures["needs_objective"] == pytest.approx(
        reference.key_figures["needs_objective"], rel=1e-9, abs=1e-9
    )
    assert plan.solver_settings["preset"] == preset
    assert plan.solver_settings["highs_options"] == dict(PRESETS[preset].options)


def test_options_go_on_top_of_the_preset_and_the_scenarios_and_are_recorded(
    tmp_path: Path,
) -> None:
    raw = tiny_raw()
    raw["settings"]["preset"] = "feasible_first"
    raw["settings"]["highs_options"] = {"random_seed": 5, "mip_heuristic_effort": 0.5}
    sc = validate(raw)
    plan = solved(sc, highs_options={"random_seed": 9})
    assert plan.solver_settings["preset"] == "feasible_first"
    options = plan.solver_settings["highs_options"]
    assert options["random_seed"] == 9  # the caller's over the scenario's
    assert options["mip_heuristic_effort"] == 0.5  # the scenario's over the preset's
    assert options["mip_heuristic_run_zi_round"] is True  # the preset's
    plan.to_json(tmp_path / "plan.json")
    assert read_solution_json(tmp_path / "plan.json").solver_settings == plan.solver_settings


def test_cached_resolves_take_presets_and_options() -> None:
    clear_cache()
    sc = validate(tiny_raw())
    cold = solved(sc, preset="no_presolve", mip_gap=0.0)
    warm = solve_cached(sc, preset="no_presolve", highs_options={"random_seed": 1}, mip_gap=0.0)
    assert warm.solver_settings["highs_options"] == {"presolve": "off", "random_seed": 1}
    assert warm.key_figures["total_cost"] == pytest.approx(cold.key_figures["total_cost"])
    clear_cache()


# ------------------------------------------------------------------ pure LPs run as LPs


def _pure_lp() -> Any:
    # no producer: every contract has its `open` and `tier` binaries, so only a plan from
    # stock alone is a linear program. EST holds 50 above its floor of 10 for 80 due: 40 short.
    return scenario(
        periods=["P1", "P2"],
        nations=[{"code": "EST", "name": "Estonia", "budget": 5000}],
        demands=[
            {"id": "e", "nation": "EST", "capability": "fire", "period": "P1", "quantity": 80},
        ],
        stockpiles=[{"nation": "EST", "item": "shell", "on_hand": 50, "floor": 10}],
    )


@pytest.mark.parametrize("preset", ["default", "lp_simplex", "lp_ipm"])
def test_a_pure_lp_runs_as_an_lp_with_duals(preset: str) -> None:
    sc = _pure_lp()
    model = build_model(prepare(sc))
    lin = linear(model)
    assert not any(lin.integer)  # no integer decision: a linear program
    highs = HighsModel(lin, options=PRESETS[preset].options)
    highs.set_cost(objective_of(model, lin))
    out = highs.run()
    assert out.status.value == "optimal"
    assert not highs.mip
    assert highs.h.getInfo().mip_node_count == -1  # HiGHS ran no branch and bound
    duals = highs.row_duals()
    assert duals is not None and np.isfinite(duals).all()
    assert highs.h.getBasis().valid  # crossover (ipm) or simplex: a vertex
    plan = solved(sc, preset=preset)
    assert plan.key_figures["short"] == pytest.approx(80 - (50 - 10))


# ------------------------------------------------------------------ the command line


def _cli(*args: str) -> Any:
    return runner.invoke(app, ["solve", str(DATA / "tiny.yaml"), *args])


def test_cli_preset_and_highs_options_solve_and_show_the_preset(tmp_path: Path) -> None:
    result = _cli(
        "--preset",
        "bound_first",
        "--highs-option",
        "random_seed=3",
        "--highs-option",
        "presolve=off",
        "--out",
        str(tmp_path),
        "--formats",
        "json",
    )
    assert result.exit_code == 0, result.output
    assert "preset bound_first" in result.output
    back = read_solution_json(tmp_path / "solution.json")
    assert back.solver_settings["preset"] == "bound_first"
    assert back.solver_settings["highs_options"]["presolve"] == "off"
    assert back.solver_settings["highs_options"]["random_seed"] == 3
    assert verify(load(DATA / "tiny.yaml"), back).ok  # the plan read back passes


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--preset", "fast"], ["unknown preset 'fast'", "feasible_first"]),
        (["--highs-option", "solution_file=/tmp/x"], ["--highs-option", "'solution_file'"]),
        (["--highs-option", "mip_heuristic_effort=lots"], ["takes a number"]),
        (["--highs-option", "presolve"], ["KEY=VALUE"]),
    ],
)
def test_cli_bad_preset_or_option_exits_2_with_a_message(args: list[str], words: list[str]) -> None:
    result = _cli(*args)
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.replace("│", " ").split())
    for word in words:
        assert word in flat, flat
    assert "Traceback" not in result.output


def test_cli_bad_option_in_the_scenario_file_names_file_and_field(tmp_path: Path) -> None:
    raw = tiny_raw()
    raw["settings"]["highs_options"] = {"write_solution_to_file": True}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    result = runner.invoke(app, ["solve", str(path)])
    assert result.exit_code == 2, result.output
    assert str(path) in result.output
    assert "settings.highs_options" in result.output
    assert "'write_solution_to_file'" in result.output
    with pytest.raises(ScenarioError):
        load(path)


def test_preset_and_options_round_trip_through_a_workbook(tmp_path: Path) -> None:
    from aggregate.io import save

    raw = tiny_raw()
    raw["settings"]["preset"] = "lp_ipm"
    raw["settings"]["highs_options"] = {
        "presolve": "off",
        "random_seed": 4,
        "mip_allow_restart": False,
    }
    sc = validate(raw)
    path = tmp_path / "tiny.xlsx"
    save(sc, path)
    back = load(path)
    assert back.settings.preset == "lp_ipm"
    assert back.settings.highs_options == sc.settings.highs_options


def test_a_study_passes_preset_and_options_and_refuses_bad_ones() -> None:
    from aggregate.study.spec import SolveOptions

    options = SolveOptions(preset="bound_first", highs_options={"presolve": False})
    assert options.kwargs()["preset"] == "bound_first"
    assert options.kwargs()["highs_options"] == {"presolve": "off"}
    assert "highs_options" not in SolveOptions().kwargs()
    with pytest.raises(ValidationError, match="'read_solution_file'"):
        SolveOptions(highs_options={"read_solution_file": "x"})


def test_the_pyomo_highs_runner_takes_the_preset_too() -> None:
    # a model changed since it was built (here: a fixed shortfall) goes through Pyomo's
    # HiGHS interface; EST's 40 from stock are the most it can get, so fixing its shortfall
    # at 40 keeps the optimum
    from aggregate.solve import SolverOptions, solve_model

    sc = _pure_lp()
    data = prepare(sc)
    model = build_model(data)
    model.short["e"].fix(40)
    for preset in ("default", "no_presolve", "lp_ipm"):
        plan = solve_model(
            model, data, SolverOptions(preset=preset, highs_options={"random_seed": 2})
        )
        assert plan.status.value == "optimal", preset
        assert plan.key_figures["short"] == pytest.approx(40)
        assert plan.solver_settings["highs_options"]["random_seed"] == 2


def test_a_plan_records_every_setting_that_changes_how_it_was_solved() -> None:
    raw = tiny_raw()
    raw["settings"].update(first_plan="heuristic", split_blocks=False, tighten_bounds=False)
    changed = solved(validate(raw)).solver_settings
    default = solved(validate(tiny_raw())).solver_settings
    for name, value in (
        ("first_plan", "heuristic"),
        ("split_blocks", False),
        ("tighten_bounds", False),
    ):
        assert changed[name] == value, name
        assert default[name] == SolveSettings.model_fields[name].default, name
