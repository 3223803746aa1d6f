"""`aggregate share`: fair shares, the stability check and honest exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aggregate.cli import app

runner = CliRunner()

# Three nations need 100 each; a cheap producer makes 100 at 10, a dear one any amount at 20.
# Alone each pays 1000, a pair 3000, all three 5000: the core is empty (least core 666.67).
SCARCE = """\
name: scarce
periods: [P1]
nations:
  - {code: CZE, name: Czechia, gni: 300_000_000_000}
  - {code: SVK, name: Slovakia, gni: 100_000_000_000}
  - {code: HUN, name: Hungary, gni: 200_000_000_000}
items: [{id: shell}]
capabilities: [{id: fire, satisfied_by: [{item: shell}]}]
demands:
  - {id: c, nation: CZE, capability: fire, period: P1, quantity: 100}
  - {id: s, nation: SVK, capability: fire, period: P1, quantity: 100}
  - {id: h, nation: HUN, capability: fire, period: P1, quantity: 100}
producers:
  - {id: CHEAP, country: CZE, offers: [{item: shell, capacity: 100, price: 10}]}
  - {id: DEAR, country: DEU, offers: [{item: shell, capacity: 10000, price: 20}]}
"""


@pytest.fixture()
def scarce(tmp_path: Path) -> Path:
    path = tmp_path / "scarce.yaml"
    path.write_text(SCARCE)
    return path


def test_share_all_rules_reports_an_empty_core(scarce: Path, tmp_path: Path) -> None:
    plot = tmp_path / "shares.png"
    result = runner.invoke(app, ["share", str(scarce), "--workers", "1", "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "7 coalitions solved" in out
    assert "grand coalition costs 5,000.00 EUR" in out
    for rule in ("proportional", "key", "shapley", "nucleolus", "dual"):
        assert f"Rule: {rule}" in out
    # GNI key 3:1:2 of 5000
    assert "2,500" in out and "1,667" in out
    assert "The core is empty" in out and "666.67" in out
    assert "pre-nucleolus" in out
    assert plot.exists() and plot.stat().st_size > 1000
    assert "Traceback" not in out


def test_share_sampled_shapley(scarce: Path) -> None:
    result = runner.invoke(
        app,
        [
            "share",
            str(scarce),
            "--rule",
            "shapley",
            "--samples",
            "30",
            "--seed",
            "2",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Rule: shapley" in result.output and "Rule: nucleolus" not in result.output
    assert "sampled from 30 random orders (seed 2)" in result.output
    assert "Only the coalitions solved for sampling were checked" in result.output


def test_share_bad_input(tmp_path: Path, scarce: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SCARCE.replace("capacity: 100,", "capcity: 100,"))
    result = runner.invoke(app, ["share", str(bad)])
    assert result.exit_code == 2
    assert "capcity" in result.output and "Traceback" not in result.output
    # bad options are usage errors (exit code 2), as typer's own checks
    result = runner.invoke(app, ["share", str(scarce), "--rule", "fairest"])
    assert result.exit_code == 2 and "--rule must be one of" in result.output
    result = runner.invoke(app, ["share", str(scarce), "--samples", "1"])
    assert result.exit_code == 2 and "--samples" in result.output


def test_share_infeasible_grand_coalition_exits_3(tmp_path: Path) -> None:
    path = tmp_path / "infeasible.yaml"
    path.write_text(
        "name: infeasible\nperiods: [P1, P2]\n"
        "nations: [{code: DEU, name: Germany}, {code: FRA, name: France}]\n"
        "items: [{id: shell}]\n"
        "capabilities: [{id: fire, satisfied_by: [{item: shell}]}]\n"
        "stockpiles: [{nation: DEU, item: shell, on_hand: 10, refill_target: 100,"
        " refill_by: P2}]\n"
    )
    result = runner.invoke(app, ["share", str(path), "--workers", "1"])
    assert result.exit_code == 3, result.output
    assert "infeasible" in result.output and "Traceback" not in result.output
