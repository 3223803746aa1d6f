"""`aggregate explain`: the ranking and reasons, or the conflict set with exit code 3."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from aggregate.cli import EXIT_INVALID, EXIT_NO_PLAN, app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

INFEASIBLE = """\
name: floor above refill
periods: [P1, P2]
nations: [{code: DEU, name: Germany}]
items: [{id: shell}]
capabilities: [{id: fire, satisfied_by: [{item: shell}]}]
stockpiles: [{nation: DEU, item: shell, on_hand: 100, floor: {P1: 50, P2: 200}}]
producers: [{id: P, country: DEU, offers: [{item: shell, capacity: 30, price: 1}]}]
"""


def test_explain_prints_bottlenecks_and_reasons_and_writes_outputs(tmp_path: Path) -> None:
    # the teaching scenario: Poland's hard floor (700) blocks the donation Ukraine needs
    scenario = ROOT / "models" / "teaching" / "floor-blocks-donation" / "scenario.yaml"
    result = runner.invoke(app, ["explain", str(scenario), "--top", "3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Bottlenecks" in result.output
    assert "stockpiles[POL/155-std]" in result.output
    assert "Reasons for each shortfall" in result.output
    assert "1. Lowering POL's floor of 155-std" in result.output
    for name in ("bottlenecks", "shortfall_reasons", "expansions", "marginals"):
        assert (tmp_path / f"{name}.csv").exists()
    assert (tmp_path / "bottlenecks.png").stat().st_size > 0


def test_explain_infeasible_prints_the_conflict_and_exits_3(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(INFEASIBLE)
    result = runner.invoke(app, ["explain", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == EXIT_NO_PLAN, result.output
    assert "Traceback" not in result.output
    assert "Conflicting rules" in result.output
    assert "stockpiles[DEU/shell]" in result.output
    assert "lower it by at least 40" in result.output
    assert (tmp_path / "out" / "conflict.csv").exists()


def test_explain_invalid_scenario_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nperiods: [P1]\n")
    result = runner.invoke(app, ["explain", str(path)])
    assert result.exit_code == EXIT_INVALID, result.output
    assert "INVALID" in result.output


SHORT_THREE = """\
name: three short
periods: [P1, P2, P3]
nations: [{code: UKR, name: Ukraine}]
items: [{id: shell}]
capabilities: [{id: fire, satisfied_by: [{item: shell}]}]
demands:
  - {id: d1, nation: UKR, capability: fire, period: P1, quantity: 50}
  - {id: d2, nation: UKR, capability: fire, period: P2, quantity: 40}
  - {id: d3, nation: UKR, capability: fire, period: P3, quantity: 30}
producers: [{id: P, country: DEU, offers: [{item: shell, capacity: 10, price: 1}]}]
"""


def test_top_limits_the_short_demands_and_their_reasons(tmp_path: Path) -> None:
    # 10 a period against 50, 40 and 30: every demand is short; --top 2 shows the two most
    # short (d1: 40, d2: 30) with one reason each, and says how to see the third
    path = tmp_path / "three.yaml"
    path.write_text(SHORT_THREE)
    result = runner.invoke(app, ["explain", str(path), "--top", "2", "--reasons", "1"])
    assert result.exit_code == 0, result.output
    assert "Reasons for the 2 largest of 3 shortfalls (--top 3 shows all)" in result.output
    lines = result.output.splitlines()
    assert sum(line.startswith("│ d1 ") for line in lines) == 1
    assert sum(line.startswith("│ d2 ") for line in lines) == 1
    assert not any(line.startswith("│ d3 ") for line in lines)
    assert "producers[P].offers[shell].capacity" in result.output
    assert "avoids 1" in result.output
