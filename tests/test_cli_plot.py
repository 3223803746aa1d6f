"""`aggregate plot`: image files from a scenario or a solution.json, honest exit codes."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the command sets Agg itself; this keeps the test process headless too

from typer.testing import CliRunner

import aggregate
from aggregate.cli import app
from aggregate.export import read_solution_json

ROOT = Path(__file__).resolve().parents[1]
FUND_KEY = ROOT / "models" / "teaching" / "fund-key" / "scenario.yaml"
runner = CliRunner()


def _listed(output: str) -> list[Path]:
    return [Path(line.strip()) for line in output.splitlines() if line.startswith("  ")]


def test_plot_solves_and_writes_every_kind(tmp_path: Path) -> None:
    out = tmp_path / "plots"
    result = runner.invoke(app, ["plot", str(FUND_KEY), "--out", str(out), "--dpi", "40"])
    assert result.exit_code == 0, result.output
    listed = _listed(result.output)
    names = sorted(p.name for p in listed)
    assert names == sorted(
        [
            "flows.png",
            "flows-by-payer.png",  # the fund pays every order
            "deliveries.png",
            "deliveries-by-nation.png",
            "shortfall.png",
            "capacity.png",
            "funds.png",
        ]
    )
    for path in listed:
        assert path.read_bytes()[:4] == b"\x89PNG"
    assert "optimal plan" in result.output


def test_plot_from_solution_json_one_kind_as_svg(tmp_path: Path) -> None:
    solved = runner.invoke(
        app, ["solve", str(FUND_KEY), "--out", str(tmp_path), "--formats", "json"]
    )
    assert solved.exit_code == 0, solved.output
    solution = tmp_path / "solution.json"
    # the plan read back is the verified plan (the plot shows what was checked)
    assert aggregate.verify(aggregate.load(FUND_KEY), read_solution_json(solution)).ok
    out = tmp_path / "svg"
    result = runner.invoke(
        app,
        [
            "plot",
            str(solution),
            "--out",
            str(out),
            "--kind",
            "funds,shortfall",
            "--format",
            "svg",
            "--scenario",
            str(FUND_KEY),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in _listed(result.output)) == ["funds.svg", "shortfall.svg"]
    assert sorted(p.name for p in out.iterdir()) == ["funds.svg", "shortfall.svg"]
    assert b"<svg" in (out / "funds.svg").read_bytes()[:2000]
    assert "solution" in result.output


def test_plot_flows_weighted_by_money(tmp_path: Path) -> None:
    out = tmp_path / "money"
    result = runner.invoke(
        app,
        ["plot", str(FUND_KEY), "--out", str(out), "--kind", "flows", "--weight", "money"],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["flows-by-payer.png", "flows.png"]


def test_plot_rejects_bad_options_and_files(tmp_path: Path) -> None:
    bad_kind = runner.invoke(app, ["plot", str(FUND_KEY), "--kind", "pie"])
    assert bad_kind.exit_code == 2
    assert "pie is not one of" in bad_kind.output
    bad_format = runner.invoke(app, ["plot", str(FUND_KEY), "--format", "gif"])
    assert bad_format.exit_code == 2
    bad_weight = runner.invoke(app, ["plot", str(FUND_KEY), "--weight", "mass"])
    assert bad_weight.exit_code == 2
    assert "mass is not one of auto, units, money" in bad_weight.output
    missing = runner.invoke(app, ["plot", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 1
    assert "no such file" in missing.output
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("name: broken\nperiods: [P1]\nnations: []\n")
    result = runner.invoke(app, ["plot", str(invalid), "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "INVALID" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x").exists()


def test_plot_of_an_infeasible_scenario_exits_3(tmp_path: Path) -> None:
    path = tmp_path / "infeasible.yaml"
    path.write_text(
        "name: infeasible\nperiods: [P1, P2]\n"
        "nations: [{code: DEU, name: Germany}]\n"
        "items: [{id: shell}]\n"
        "capabilities: [{id: fire, satisfied_by: [{item: shell}]}]\n"
        "stockpiles: [{nation: DEU, item: shell, on_hand: 10, refill_target: 100,"
        " refill_by: P2}]\n"
    )
    result = runner.invoke(app, ["plot", str(path), "--out", str(tmp_path / "plots")])
    assert result.exit_code == 3, result.output
    assert "infeasible" in result.output
    assert not (tmp_path / "plots").exists()
