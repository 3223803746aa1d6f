"""The plan audit (aggregate.audit): each red flag on a hand-written plan with a known count.

The plans in ``tests/data/audit/plans/*.yaml`` are tables written by hand for the scenario
``tests/data/audit/scenario.yaml`` (the audit reads tables only), each with the counts and
amounts it must show worked out in its comments; every flag a plan does not list must be 0.
``tests/data/audit/clean.yaml`` is solved (and verified) and must show no flag at all.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from aggregate.audit import COLUMNS, FLAGS, audit, number
from aggregate.cli import app
from aggregate.errors import InputError
from aggregate.io import load
from aggregate.result import Solution, SolveStatus
from aggregate.schema import Scenario
from aggregate.tables import SPECS
from tests import support

DATA = Path(__file__).parent / "data" / "audit"
PLANS = sorted((DATA / "plans").glob("*.yaml"))


def _table(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Table ``name`` of ``rows``, columns left out filled (0 for numbers, '' for labels)."""
    spec = SPECS[name]
    filled = [{c.name: r.get(c.name, 0.0 if c.numeric else "") for c in spec.columns} for r in rows]
    return spec.frame(filled)


def _plan(tables: dict[str, list[dict[str, Any]]], pooled: bool = True) -> Solution:
    return Solution(
        "audit",
        SolveStatus.OPTIMAL,
        pooled=pooled,
        tables={name: _table(name, tables.get(name, [])) for name in SPECS},
    )


def _scenario(indivisible: list[str], caps: dict[str, float] | None = None) -> Scenario:
    # the schema may not have Item.indivisible yet: set it on copies, as the audit reads it
    # with getattr
    scenario = load(DATA / "scenario.yaml")
    items = [
        it.model_copy(update={"indivisible": True}) if it.id in indivisible else it
        for it in scenario.items
    ]
    caps = caps or {}
    funds = [
        f.model_copy(update={"cap": caps[f.id]}) if f.id in caps else f for f in scenario.funds
    ]
    return scenario.model_copy(update={"items": items, "funds": funds})


@pytest.mark.parametrize("path", PLANS, ids=[p.stem for p in PLANS])
def test_each_flag_has_its_hand_counted_instances(path: Path) -> None:
    spec = yaml.safe_load(path.read_text())
    alone = _plan(spec["alone"], pooled=False) if "alone" in spec else None
    scenario = _scenario(spec.get("indivisible", []), spec.get("caps"))
    result = audit(scenario, _plan(spec["tables"]), alone)
    summary = result.summary.set_index("flag")
    expected = spec["expected"]
    for flag in summary.index:
        want = expected.get(flag, {"count": 0, "quantity": 0, "amount": 0})
        got = summary.loc[flag]
        for what in ("count", "quantity", "amount"):
            assert got[what] == pytest.approx(want[what], abs=1e-9), (flag, what)
    assert list(result.flags.columns) == COLUMNS
    assert set(result.flags.flag) == set(expected)


def test_rows_name_their_entries_and_explain() -> None:
    spec = yaml.safe_load((DATA / "plans" / "donor.yaml").read_text())
    flags = audit(_scenario([]), _plan(spec["tables"])).flags
    row = flags.iloc[0].to_dict()
    assert (row["entry"], row["nation"], row["item"], row["period"]) == (
        "demands[DEU-AD-Q1]",
        "DEU",
        "MSL",
        "2025Q1",
    )
    assert row["unit"] == "missile"
    assert row["explanation"] == (
        "DEU donates 12 missile of MSL while demands[DEU-AD-Q1] is 4 of 10 short"
    )


def test_money_rows_name_budgets_and_funds() -> None:
    spec = yaml.safe_load((DATA / "plans" / "money.yaml").read_text())
    flags = audit(_scenario([]), _plan(spec["tables"])).flags
    money = flags[flags.flag == "money_idle_while_short"]
    assert list(money.entry) == ["nations[DEU].budget", "funds[EPF]"]
    assert list(money.amount) == [600.0, 30.0]
    assert "producers[MBDA].offers[MSL] 3 unit-periods" in money.explanation.iloc[0]


def test_idle_capacity_behind_the_lead_time_does_not_count() -> None:
    # RHM's rounds need one period of lead time: capacity idle in the first period could not
    # have been ordered, so a demand due then short leaves no money idle
    tables = {
        "demands": [
            {"demand": "UKR-ART-Q2", "nation": "UKR", "capability": "ART"}
            | {"due_period": "2025Q1", "quantity": 100, "short": 10}
        ],
        "capacity": [
            {"producer": "RHM", "item": "RND", "period": "2025Q1", "base": 100, "used": 0}
        ],
        "budgets": [{"nation": "DEU", "budget": 1000, "spent": 0}],
    }
    assert audit(_scenario([]), _plan(tables)).flags.empty


def test_a_clean_solved_plan_shows_no_flag() -> None:
    scenario = load(DATA / "clean.yaml")
    pooled = support.solved(scenario)
    alone = support.solved(scenario, baseline=True)
    result = audit(scenario, pooled, alone)
    assert result.flags.empty, result.flags.explanation.tolist()
    assert list(result.summary.flag) == list(FLAGS)
    assert (result.summary["count"] == 0).all()


def test_without_the_alone_plan_the_comparison_flag_is_left_out() -> None:
    result = audit(_scenario([]), _plan({}))
    assert "more_short_pooled_than_alone" not in set(result.summary.flag)
    assert len(result.summary) == len(FLAGS) - 1


def test_a_plan_without_tables_is_refused() -> None:
    failed = Solution("audit", SolveStatus.INFEASIBLE)
    with pytest.raises(InputError, match="no plan to audit"):
        audit(_scenario([]), failed)


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (3.9e9, "3.90bn"),
        (1.85e6, "1.85m"),
        (478_000.0, "478,000"),
        (0.939, "0.939"),
        (199.999995, "199.999995"),
        (12.0, "12"),
        (math.nan, "nan"),
    ],
)
def test_numbers_read_as_in_a_briefing(x: float, text: str) -> None:
    assert number(x) == text


def test_cli_audit_prints_the_flags(tmp_path: Path) -> None:
    out = tmp_path / "flags.csv"
    result = CliRunner().invoke(
        app, ["audit", str(DATA / "clean.yaml"), "--alone", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "more_short_pooled_than_alone" in result.output
    assert "no red flag" in result.output
    assert list(pd.read_csv(out).columns) == COLUMNS


def test_cli_audit_rejects_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n")
    result = CliRunner().invoke(app, ["audit", str(bad)])
    assert result.exit_code != 0


def test_defensibility_benchmark_writes_its_table(tmp_path: Path) -> None:
    from benchmarks import defensibility

    out = tmp_path / "summary.csv"
    code = defensibility.main(["--scenarios", "teaching/pooling-tiers", "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "scenario",
        "status",
        "flag",
        "count",
        "quantity",
        "amount",
        "measure",
    ]
    assert list(table.flag) == list(FLAGS)
    assert set(table.scenario) == {"teaching/pooling-tiers"}
    assert set(defensibility.SCENARIOS) >= {
        "air-defence-interceptors",
        "ammo-155mm-2023-2025",
        "eu-1m-shells-2023",
        "sustainment-barrels",
    }


def test_no_investment_flag_for_what_the_fund_could_not_pay() -> None:
    """ASAP pays 0 of RHM-X (30, started 2025Q1): flagged. Not flagged when ASAP opens only
    in 2025Q2 (the build started while it was closed), nor when the expansion costs 0."""
    spec = yaml.safe_load((DATA / "plans" / "investment.yaml").read_text())
    base = _scenario([])
    flag = "investment_fund_pays_nothing"
    assert flag in set(audit(base, _plan(spec["tables"])).flags.flag)
    funds = [f.model_copy(update={"opens": "2025Q2"}) if f.id == "ASAP" else f for f in base.funds]
    closed = base.model_copy(update={"funds": funds})
    assert flag not in set(audit(closed, _plan(spec["tables"])).flags.flag)
    free = dict(spec["tables"])
    free["investments"] = [
        {**r, "investment_cost": 0.0} if r["expansion"] == "RHM-X" else r
        for r in spec["tables"]["investments"]
    ]
    free["payments"] = [r for r in spec["tables"]["payments"] if r.get("expansion") != "RHM-X"]
    assert flag not in set(audit(base, _plan(free)).flags.flag)
