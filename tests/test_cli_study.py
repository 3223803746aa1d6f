"""`aggregate study`: runs a study file, writes the comparison, lists problems without a
traceback, and resumes from its store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from aggregate.cli import app
from aggregate.study import load_study
from aggregate.study.variants import expand
from tests.test_study_runner import OFFER, pooling_raw

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _study(tmp_path: Path, overrides: list[dict[str, Any]]) -> Path:
    (tmp_path / "pooling.yaml").write_text(yaml.safe_dump(pooling_raw()))
    spec = {
        "name": "cli",
        "base": "pooling.yaml",
        "variants": [{"name": "cap-100", "overrides": overrides}],
    }
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def test_study_command_runs_stores_and_resumes(tmp_path: Path) -> None:
    study = _study(tmp_path, [{"path": f"{OFFER}.capacity", "value": 100}])
    out = tmp_path / "out" / "comparison.csv"
    result = runner.invoke(app, ["study", str(study), "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "stored base: ok (optimal)" in result.output
    assert "Comparison" in result.output
    # the default store sits next to the study file, named after it
    assert (tmp_path / "study.duckdb").exists()
    table = pd.read_csv(out).set_index("variant")
    assert table.loc["base", "total_cost"] == pytest.approx(960)  # 120 at the tier price 8
    assert table.loc["cap-100", "total_cost"] == pytest.approx(800)  # 100 at 8
    assert table.loc["cap-100", "short"] == pytest.approx(20)
    again = runner.invoke(app, ["study", str(study), "--workers", "1"])
    assert again.exit_code == 0, again.output
    assert "2 already stored, solved 0" in again.output
    assert "stored base" not in again.output


def test_bad_override_path_exits_2_naming_it(tmp_path: Path) -> None:
    study = _study(tmp_path, [{"path": "producers[Q].offers[shell].capacity", "value": 100}])
    result = runner.invoke(app, ["study", str(study), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 2, result.output
    assert "variant cap-100" in result.output
    assert "producers has no entry 'Q'" in result.output
    assert "use one of: P" in result.output
    assert "Traceback" not in result.output


def test_missing_study_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["study", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "file not found" in result.output


def test_example_study_is_valid() -> None:
    # the example in models/studies expands into valid variants (solving it takes a minute)
    study = load_study(ROOT / "models" / "studies" / "ammo-fund-timing.yaml")
    variants = expand(study)
    names = [v.name for v in variants]
    assert names[0] == "base" and "three-nations-join-epf" in names
    assert len({v.hash for v in variants}) == len(variants) - 1  # asap/start=2023Q1 is the base
    joined = next(v for v in variants if v.name == "three-nations-join-epf").scenario
    epf = next(f for f in joined.funds if f.id == "EPF-T2-JOINT")
    assert {"SWE", "FIN", "BEL"} <= set(epf.members)
