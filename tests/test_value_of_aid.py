"""The value of aid (:func:`aggregate.compare_aid`) and what "without aid" removes.

Hand-computed on tests/cases/pooling-value-with-fund-and-donor (its README has the plan with
aid): Estonia and Latvia need 60 shells each, Ukraine 50 with a budget of 0; fund F (EST and
LVA, key 1:1, cap 300) pays only for Ukraine's orders; Poland donates 20 `old` rounds only
Ukraine can use; shells cost 10, or 8 for every unit of a contract of 100 or more.

- With aid: Poland donates 20, the fund buys Ukraine's other 30; one contract of 150 at 8:
  total 1,200; EST and LVA each 60 * 8 + 120 contribution = 600; nobody short.
- Without aid: no fund, no donation; Ukraine cannot pay for anything: **50** short. Estonia
  and Latvia still reach the tier together (120 >= 100): 120 * 8 = **960**, 480 each.
- Value of aid (without minus with): cost 960 - 1,200 = **-240** (share -240 / 960 =
  -0.25), EST and LVA **-120** each (what they pay for Ukraine), UKR and POL 0; units short
  **50**, all Ukraine's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aggregate
from aggregate.cli import app

CASE = Path(__file__).parent / "cases" / "pooling-value-with-fund-and-donor" / "scenario.yaml"


@pytest.fixture(scope="module")
def comparison() -> aggregate.AidComparison:
    return aggregate.compare_aid(aggregate.load(CASE))


def test_without_aid_removes_funds_and_donations_only() -> None:
    sc = aggregate.load(CASE)
    bare = aggregate.without_aid(sc)
    assert bare.funds == [] and sc.funds  # the original is left as it was
    assert [s.donor for s in bare.stockpiles] == [False]
    assert [s.donor for s in sc.stockpiles] == [True]
    assert [s.on_hand for s in bare.stockpiles] == [20]
    assert bare.nations == sc.nations and bare.producers == sc.producers
    assert bare.demands == sc.demands


def test_without_aid_removes_bilateral_purchases() -> None:
    case = CASE.parent.parent / "bilateral-purchase-under-ceiling" / "scenario.yaml"
    sc = aggregate.load(case)
    assert any(n.buys_for for n in sc.nations)
    bare = aggregate.without_aid(sc)
    assert all(n.buys_for == [] for n in bare.nations)
    assert [n.budget for n in bare.nations] == [n.budget for n in sc.nations]
    assert any(n.buys_for for n in sc.nations)  # the original is left as it was


def test_value_of_aid_in_total(comparison: aggregate.AidComparison) -> None:
    for plan in (comparison.aid, comparison.no_aid):
        assert plan.status.has_plan
    sc = aggregate.load(CASE)
    assert aggregate.verify(sc, comparison.aid).ok
    assert aggregate.verify(aggregate.without_aid(sc), comparison.no_aid).ok
    t = comparison.totals
    assert t["total_cost_aid"] == pytest.approx(1200)
    assert t["total_cost_no_aid"] == pytest.approx(960)
    assert t["value_cost"] == pytest.approx(-240)
    assert t["value_cost_share"] == pytest.approx(-0.25)
    assert t["short_aid"] == pytest.approx(0, abs=1e-9)
    assert t["short_no_aid"] == pytest.approx(50)
    assert t["value_short"] == pytest.approx(50)
    assert comparison.no_aid.tables["donations"].empty


def test_value_of_aid_per_nation(comparison: aggregate.AidComparison) -> None:
    by = comparison.by_nation.set_index("nation")
    assert by.loc["EST", "cost_aid"] == pytest.approx(600)
    assert by.loc["EST", "cost_no_aid"] == pytest.approx(480)
    assert by.loc[["EST", "LVA", "UKR", "POL"], "value_cost"].tolist() == pytest.approx(
        [-120, -120, 0, 0], rel=1e-6, abs=1e-6
    )
    assert by.loc["UKR", "short_no_aid"] == pytest.approx(50)
    assert by.loc["UKR", "value_short"] == pytest.approx(50)
    # abs 1e-4: the cost stage may use the needs cap's slack (1e-7 * 50 units) in the no-aid
    # plan, so EST or LVA can show a few millionths of a unit short there
    assert by.loc[["EST", "LVA", "POL"], "value_short"].tolist() == pytest.approx(
        [0, 0, 0], abs=1e-4
    )


def test_solve_with_aid_and_baseline_shows_both_values(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["solve", str(CASE), "--baseline", "--aid", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "Value of pooling per nation" in result.output
    assert "Value of aid per nation" in result.output
    no_aid = json.loads((tmp_path / "no_aid" / "solution.json").read_text())
    assert no_aid["key_figures"]["short"] == pytest.approx(50)
    alone = json.loads((tmp_path / "alone" / "solution.json").read_text())
    assert alone["key_figures"]["total_cost"] == pytest.approx(1500)
