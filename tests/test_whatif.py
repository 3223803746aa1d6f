"""What-if in one line (``Scenario.with_changes``), plan against plan (``aggregate.diff``),
and the plain Python surface (``__version__``, ``dir``, the plan's tables as attributes).

The solved cases are hand-computed in ``tests/cases/<name>/README.md``; the arithmetic of
each change is in the test's comments.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import aggregate
from aggregate import Scenario, ScenarioError, Solution, SolveStatus, diff, load
from aggregate.cli import app
from aggregate.errors import InputError
from aggregate.overrides import Override, OverrideError, apply_overrides
from aggregate.tables import SPECS
from tests.support import solved

CASES = Path(__file__).resolve().parent / "cases"
REPO = Path(__file__).resolve().parent.parent


def _case(name: str) -> Scenario:
    return load(CASES / name / "scenario.yaml")


def _row(frame: pd.DataFrame, **keys: str) -> pd.Series:
    hit = frame
    for column, value in keys.items():
        hit = hit[hit[column] == value]
    assert len(hit) == 1, (keys, frame)
    return hit.iloc[0]


# --------------------------------------------------------------------------- with_changes


def test_with_changes_scales_sets_adds_and_leaves_the_original() -> None:
    base = _case("budget-limits-purchases")  # UKR budget 70, demand u of 10, capacity 100
    changed = base.with_changes(
        {
            "nations[UKR].budget": ("scale", 1.5),  # 70 * 1.5 = 105
            "demands[u].quantity": ("add", 2),  # 10 + 2 = 12
            "demands[u].max_lateness": ("add", 1),  # 0 + 1 = 1, a whole number
            "producers[P].offers[shell].capacity": 40,  # a plain value sets it
        }
    )
    assert changed.nations[0].budget == 105
    assert changed.demands[0].quantity == 12
    assert changed.demands[0].max_lateness == 1
    assert isinstance(changed.demands[0].max_lateness, int)  # stays whole: strict int field
    assert changed.producers[0].offers[0].capacity == 40
    # the scenario it came from is unchanged, and no change gives an equal scenario
    assert base.nations[0].budget == 70 and base.demands[0].quantity == 10
    assert base.with_changes({}) == base


def test_with_changes_removes_and_appends_entries() -> None:
    base = _case("budget-limits-purchases")
    grown = base.with_changes(
        {
            "nations": ("append", {"code": "POL", "name": "Poland"}),
            "demands": (
                "append",
                {"id": "p", "nation": "POL", "capability": "fire", "period": "P1", "quantity": 4},
            ),
        }
    )
    assert [n.code for n in grown.nations] == ["UKR", "POL"]
    assert [d.id for d in grown.demands] == ["u", "p"]
    shrunk = grown.with_changes({"demands[p]": ("remove",)})
    assert [d.id for d in shrunk.demands] == ["u"]
    # the same path twice: a sequence of overrides, applied in order (10 * 2 + 1 = 21)
    twice = base.with_changes(
        [
            Override(path="demands[u].quantity", op="scale", value=2),
            Override(path="demands[u].quantity", op="add", value=1),
        ]
    )
    assert twice.demands[0].quantity == 21


def test_with_changes_reports_every_problem_as_a_study_file_does() -> None:
    base = _case("budget-limits-purchases")
    with pytest.raises(ScenarioError) as info:
        base.with_changes(
            {
                "nations[DEU].budget": ("scale", 1.5),  # no nation DEU
                "nations[UKR].budgte": 3,  # misspelt field
                "demands[u].quantity": ("scale", "x"),  # scale needs a number
                "demands[u].priority": ("double", 2),  # no such op
            }
        )
    problems = {p.entry: p for p in info.value.problems}
    assert set(problems) == {
        "nations[DEU].budget",
        "nations[UKR].budgte",
        "demands[u].quantity",
        "demands[u].priority",
    }
    # the path problems read as a study file's override errors (one resolver for both)
    with pytest.raises(OverrideError) as study_error:
        apply_overrides(base.model_dump(), [Override(path="nations[DEU].budget", value=1)])
    assert problems["nations[DEU].budget"].message in study_error.value.message
    assert problems["nations[DEU].budget"].fix == study_error.value.fix == "use one of: UKR"
    assert "budget" in problems["nations[UKR].budgte"].fix
    assert "number" in problems["demands[u].quantity"].message
    assert problems["demands[u].quantity"].fix == "give the factor as a number: ('scale', 1.5)"
    assert "'double'" in problems["demands[u].priority"].message
    assert "scale" in problems["demands[u].priority"].fix
    assert "budget-limits-purchases" in str(info.value)


def test_with_changes_validates_the_changed_scenario() -> None:
    base = _case("budget-limits-purchases")
    with pytest.raises(ScenarioError) as info:
        base.with_changes({"nations[UKR].budget": -5})  # the schema's bound
    assert [(p.entry, p.field) for p in info.value.problems] == [("nations[UKR]", "budget")]
    with pytest.raises(ScenarioError) as info:
        base.with_changes({"demands[u].nation": "XYZ"})  # a cross-entry check
    assert any("XYZ" in p.message for p in info.value.problems)
    with pytest.raises(ScenarioError, match="expected a mapping"):
        base.with_changes(5)  # type: ignore[arg-type]


def test_with_changes_keeps_every_library_scenario_as_it_is() -> None:
    # the round trip (dump, no change, validate) must not alter a scenario
    files = sorted(REPO.glob("models/**/scenario.yaml"))
    assert len(files) >= 5
    for file in files:
        scenario = load(file)
        assert scenario.with_changes({}) == scenario, file


# ---------------------------------------------------------------------------------- diff


def test_diff_of_a_bigger_budget_hand_computed() -> None:
    base = _case("budget-limits-purchases")
    # README: budget 70 buys 7 shells at 10 (cost 70), 3 short. Budget 70 * 1.5 = 105 buys
    # all 10 (cost 100), none short. So a - b: met +3, short -3, cost +30, paid +30.
    richer = base.with_changes({"nations[UKR].budget": ("scale", 1.5)})
    d = diff(solved(richer), solved(base))
    need = _row(d.needs, nation="UKR", capability="fire")
    assert (need.met_a, need.met_b, need.met_diff) == (10, 7, 3)
    assert (need.short_a, need.short_b, need.short_diff) == (0, 3, -3)
    assert not need.within_gap
    item = _row(d.items, nation="UKR", item="shell")
    assert (item.received_a, item.received_b, item.received_diff) == (10, 7, 3)
    assert (item.cost_a, item.cost_b, item.cost_diff) == (100, 70, 30)
    paid = _row(d.payments, payer="UKR", purpose="order", item="shell")
    assert (paid.amount_a, paid.amount_b, paid.amount_diff) == (100, 70, 30)
    assert not d.equally_good
    summary = d.summary.set_index("figure")
    assert summary.loc["total_cost", "diff"] == 30 and summary.loc["short", "diff"] == -3
    assert d.changes("needs").shape[0] == 1
    assert "equally_good=False" in repr(d)
    assert "<table" in d._repr_html_() and "total_cost" in d._repr_html_()


def test_diff_of_a_lower_tier_price_hand_computed() -> None:
    # models/teaching/pooling-tiers: EST needs 600 rounds, LVA 500; pooled, all 1,100 reach
    # the tier price 4,000 (one contract, fixed cost 10,000, split 5,000 each). The tier
    # price scaled by 0.875 is 3,500: EST pays 600 * 500 = 300,000 less, LVA 500 * 500 =
    # 250,000 less, 550,000 in all; their shares of the fixed cost stay 5,000.
    tiers = load(REPO / "models" / "teaching" / "pooling-tiers" / "scenario.yaml")
    cheaper = tiers.with_changes(
        {"producers[MAKER].offers[155-std].tiers[0].price": ("scale", 0.875)}
    )
    assert cheaper.producers[0].offers[0].tiers[0].price == 3500
    d = diff(solved(cheaper), solved(tiers))
    summary = d.summary.set_index("figure")
    assert summary.loc["total_cost", "a"] == pytest.approx(1100 * 3500 + 10000)
    assert summary.loc["total_cost", "diff"] == pytest.approx(-550_000)
    order = d.payments[d.payments["purpose"] == "order"].set_index("payer")["amount_diff"]
    assert order.to_dict() == pytest.approx({"EST": -300_000, "LVA": -250_000})
    fixed = d.payments[d.payments["purpose"] == "fixed"]
    assert (fixed["amount_a"] == 5000).all() and (fixed["amount_diff"] == 0).all()
    assert (d.items["received_diff"] == 0).all()
    assert list(d.changes("items")["nation"]) == ["EST", "LVA"]
    assert (d.needs["short_a"] == 0).all() and d.needs["within_gap"].all()


def test_diff_of_the_same_plan_is_all_zero_and_equally_good() -> None:
    plan = solved(_case("budget-limits-purchases"))
    d = diff(plan, plan)
    assert d.equally_good
    for table in (d.needs, d.items, d.payments):
        assert (table.filter(like="_diff") == 0).all().all()
        assert table["within_gap"].all()
    assert d.notes == ["the plans are equally good within the solvers' gaps"]


def _plan(
    cost: float,
    gap: float,
    paid: dict[str, float],
    weighted_shortfall: float = 0.0,
) -> Solution:
    """A hand-written plan: key figures, a gap, one order and one payment per nation."""
    orders = SPECS["orders"].frame(
        [
            {"nation": n, "item": "shell", "quantity": amount / 10, "purchase_cost": amount,
             "delivery_cost": 0.0}
            for n, amount in paid.items()
        ]
    )  # fmt: skip
    payments = SPECS["payments"].frame(
        [
            {"payer": n, "payer_type": "nation", "purpose": "order", "item": "shell",
             "amount": amount}
            for n, amount in paid.items()
        ]
    )  # fmt: skip
    return Solution(
        scenario_name="hand",
        status=SolveStatus.OPTIMAL,
        gap=gap,
        key_figures={
            "total_cost": cost,
            "penalty_cost": 0.0,
            "weighted_shortfall": weighted_shortfall,
            "short": weighted_shortfall,
        },
        tables={
            "orders": orders,
            "payments": payments,
            "demands": SPECS["demands"].frame([]),
            "donations": SPECS["donations"].frame([]),
        },
    )


def test_equal_cost_plans_within_the_gap_are_equally_good() -> None:
    # a: cost 1,000 at gap 1%; b: cost 1,015 at gap 0.5%. The gaps allow
    # 0.01 * 1,000 + 0.005 * 1,015 = 15.075 (+ rounding 1e-6 * 1,015): the 15 apart are
    # within it, so DEU buying 600 against 300 is a choice among equally good plans.
    a = _plan(1000, 0.01, {"DEU": 600, "POL": 400})
    b = _plan(1015, 0.005, {"DEU": 300, "POL": 715})
    d = diff(a, b)
    assert d.tolerance["cost"] == pytest.approx(15.075 + 1.015e-3)
    assert d.equally_good
    deu = _row(d.payments, payer="DEU")
    assert deu.amount_diff == 300 and deu.within_gap
    assert d.items["within_gap"].all()
    # DEU and POL differ in items and in payments: 4 rows
    assert "4 differing rows" in d.notes[0] and "equally good" in d.notes[0]
    assert d.changes("payments").empty


def test_differences_beyond_the_gap_are_results_and_small_ones_are_not() -> None:
    # a: cost 1,000 at gap 1%; b: 1,030 at gap 0.5%: allowed 10 + 5.15 = 15.15 (+ 1.03e-3).
    # The 30 apart exceed it: the plans differ. POL pays 10 more (<= 15.15: within the gap),
    # DEU 40 less (a result), FRA pays 0 against 0.
    a = _plan(1000, 0.01, {"DEU": 500, "POL": 500, "FRA": 0})
    b = _plan(1030, 0.005, {"DEU": 540, "POL": 490, "FRA": 0})
    d = diff(a, b)
    assert not d.equally_good
    assert d.tolerance["cost"] == pytest.approx(15.15 + 1.03e-3)
    assert _row(d.payments, payer="POL").within_gap
    assert not _row(d.payments, payer="DEU").within_gap
    assert _row(d.payments, payer="FRA").within_gap
    assert list(d.changes("payments")["payer"]) == ["DEU"]
    # the items' units differ for DEU and POL: a change of what is bought is a result
    assert list(d.changes("items")["nation"]) == ["DEU", "POL"]
    summary = d.summary.set_index("figure")
    assert summary.loc["total_cost", "diff"] == -30 and not summary.loc["cost", "within_gap"]
    # with exact solves (gap 0) even 1 apart is a result
    exact = diff(_plan(1000, 0.0, {"DEU": 1000}), _plan(1001, 0.0, {"DEU": 1001}))
    assert not exact.equally_good and not exact.payments["within_gap"].any()


def test_a_shortfall_difference_within_the_needs_gap_is_flagged() -> None:
    # weighted shortfall 1,000 at gap 1% and 1,008 at gap 0 (same cost): allowed 10 (+
    # rounding), so the 8 units more short are within the gap: the plans are equally good
    a = _plan(500, 0.01, {"DEU": 500}, weighted_shortfall=1000)
    b = _plan(500, 0.0, {"DEU": 500}, weighted_shortfall=1008)
    d = diff(a, b)
    assert d.equally_good
    assert _row(d.summary, figure="short")["diff"] == -8
    assert _row(d.summary, figure="short")["within_gap"]


def test_diff_needs_two_plans() -> None:
    plan = _plan(1, 0.0, {})
    failed = Solution(scenario_name="broken", status=SolveStatus.INFEASIBLE)
    with pytest.raises(InputError, match=r"broken.*infeasible"):
        diff(plan, failed)


class _Store:
    """The two reads a study comparison makes, with hand-written variants."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def variants(self, study: str | None = None) -> pd.DataFrame:
        frame = pd.DataFrame(self.rows)
        figures = [
            {k: r[k] for k in ("total_cost", "weighted_shortfall", "gap")} for r in self.rows
        ]
        return frame.assign(
            study="s", kind="variant", group="g", parameters=[{}] * len(frame),
            solve_status="optimal", error="", short=frame["weighted_shortfall"],
            fill_rate=1.0, on_time_rate=1.0, verified=True, seconds=1.0,
            alone_status=None, key_figures=figures,
        )  # fmt: skip

    def table(self, name: str, study: str | None = None) -> pd.DataFrame:
        return pd.DataFrame()


def test_study_comparison_flags_variants_within_the_gap() -> None:
    from aggregate.study import comparison

    def row(variant: str, cost: float, gap: float, short: float = 0.0) -> dict[str, Any]:
        return {"variant": variant, "status": "ok", "total_cost": cost, "gap": gap,
                "weighted_shortfall": short}  # fmt: skip

    store = _Store(
        [
            row("base", 1000, 0.01, short=100),
            # 1,010 at gap 0 against 1,000 at 1%: allowed 0.01 * 1,000 = 10 (+ rounding)
            row("tie", 1010, 0.0, short=100),
            # 1,020: 20 > 10, a result; the shortfall 100 against 100 is the same
            row("dearer", 1020, 0.0, short=100),
            # the cost is the same, 102 short against 100 at 1%: allowed 1 (+ rounding)
            row("shorter", 1000, 0.0, short=102),
            {**row("failed", 0, 0.0), "status": "failed"},
        ]
    )
    table = comparison(store).set_index("variant")
    assert table.loc["tie", "equally_good"] and table.loc["tie", "cost_within_gap"]
    assert not table.loc["dearer", "equally_good"]
    assert table.loc["dearer", "shortfall_within_gap"]
    assert not table.loc["dearer", "cost_within_gap"]
    assert table.loc["shorter", "cost_within_gap"]
    assert not table.loc["shorter", "shortfall_within_gap"]
    assert pd.isna(table.loc["failed", "equally_good"])


# ----------------------------------------------------------------- the plain Python surface


def test_plan_tables_are_real_attributes() -> None:
    plan = solved(_case("budget-limits-purchases"))
    names = dir(plan)
    for table in SPECS:
        assert table in names
        assert isinstance(getattr(type(plan), table), property)
    assert plan.orders is plan.tables["orders"]
    assert "orders" in (type(plan).orders.__doc__ or "")
    # a failed solve has typed empty tables, not an AttributeError
    empty = Solution(scenario_name="x", status=SolveStatus.INFEASIBLE).orders
    assert empty.empty and empty["quantity"].dtype == "float64"


def test_nothing_private_in_dir_and_a_version() -> None:
    names = dir(aggregate)
    assert not [n for n in names if n.startswith("_") and n != "__version__"]
    for leaked in ("importlib", "ModuleType", "annotations"):
        assert leaked not in names
    assert {"diff", "solve", "load", "Scenario", "study", "plots"} <= set(names)
    try:
        installed = importlib.metadata.version("aggregate")
    except importlib.metadata.PackageNotFoundError:
        installed = "0+unknown"
    assert aggregate.__version__ == installed
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"aggregate {aggregate.__version__}"


def test_import_aggregate_keeps_the_subpackages_lazy() -> None:
    code = (
        "import sys, aggregate; "
        "print(sorted(m for m in ('dask', 'duckdb', 'matplotlib', 'aggregate.study', "
        "'aggregate.plots') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "[]"


def test_study_overrides_are_the_core_ones() -> None:
    # one path language: the study package re-exports the core override code
    from aggregate import study

    assert study.Override is Override
    assert study.apply_overrides is apply_overrides
