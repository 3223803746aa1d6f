"""The EU and NATO instruments' own rules against the same scenario without them: each
hand-computed case in ``tests/cases/`` states the optimum with the rule, and these tests
the optimum without it (so the rule is shown to bind)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import aggregate
from aggregate.data import prepare
from aggregate.model.instruments import origin_feed_bound, origin_pays_bound
from aggregate.schema import Scenario
from aggregate.schema.facts import capped_shares
from aggregate.validation import validate

CASES = Path(__file__).resolve().parent / "cases"


def _solved(case: str, edit: Callable[[dict[str, Any]], None]) -> aggregate.Solution:
    """The case's scenario changed by ``edit`` (on the raw data), solved and verified."""
    raw = yaml.safe_load((CASES / case / "scenario.yaml").read_text())
    edit(raw)
    sc: Scenario = validate(raw)
    plan = aggregate.solve(sc)
    assert plan.status.has_plan, plan.message
    check = aggregate.verify(sc, plan)
    assert check.ok, str(check)
    return plan


def _amounts(plan: aggregate.Solution, column: str = "amount") -> dict[str, float]:
    table = plan.tables["contributions"]
    return {str(n): float(v) for n, v in zip(table["nation"], table[column], strict=True)}


def test_key_cap_binds() -> None:
    """Without its ``max_share`` the common fund's key is the plain GNI key 0.6/0.3/0.1
    (README of ``key-cap-redistributes-excess``)."""
    plan = _solved(
        "key-cap-redistributes-excess", lambda r: r["funds"][0]["contribution"].pop("max_share")
    )
    assert _amounts(plan) == pytest.approx({"USA": 600.0, "DEU": 300.0, "FRA": 100.0})


def test_capped_shares_water_filling() -> None:
    """The water-filling rounds by hand: one round, two rounds, no cap, a cap of exactly
    one over the members."""
    assert capped_shares({"a": 60, "b": 30, "c": 10}, 0.4) == pytest.approx(
        {"a": 0.4, "b": 0.4, "c": 0.2}
    )
    assert capped_shares({"a": 60, "b": 20, "c": 20}, 0.5) == pytest.approx(
        {"a": 0.5, "b": 0.25, "c": 0.25}
    )
    assert capped_shares({"a": 3, "b": 1}, None) == pytest.approx({"a": 0.75, "b": 0.25})
    assert capped_shares({"a": 3, "b": 1}, 0.5) == pytest.approx({"a": 0.5, "b": 0.5})


def _paid(plan: aggregate.Solution, payer_type: str) -> float:
    df = plan.tables["payments"]
    return float(df[(df["payer_type"] == payer_type) & (df["purpose"] == "order")]["amount"].sum())


def test_procurement_share_binds() -> None:
    """Without its ``max_procurement_share`` EDIRPA pays the whole contract, 3000 (README of
    ``edirpa-pays-share-of-contract``)."""
    plan = _solved(
        "edirpa-pays-share-of-contract", lambda r: r["funds"][0].pop("max_procurement_share")
    )
    assert plan.key_figures["total_cost"] == pytest.approx(3000.0)
    assert _paid(plan, "fund") == pytest.approx(3000.0)
    assert _paid(plan, "nation") == pytest.approx(0.0, abs=1e-9)
    assert _amounts(plan) == pytest.approx({"DEU": 2250.0, "FRA": 750.0})


def test_component_origin_binds() -> None:
    """Without its ``component_origin`` rule SAFE pays for all 100 shells, whatever their
    fuzes' origin (README of ``safe-component-origin-limits-fund``)."""
    plan = _solved(
        "safe-component-origin-limits-fund", lambda r: r["funds"][0].pop("component_origin")
    )
    assert plan.key_figures["short"] == pytest.approx(0.0, abs=1e-9)
    assert plan.key_figures["total_cost"] == pytest.approx(1000.0)
    assert _paid(plan, "fund") == pytest.approx(1000.0)
    assert plan.tables["components"]["quantity"].sum() == pytest.approx(100.0)
    assert _amounts(plan) == pytest.approx({"DEU": 750.0, "FRA": 250.0})


def test_unmet_origin_rule_limits_nothing() -> None:
    """Without SAFE's ``component_origin`` rule the optimum of
    ``origin-rule-unpaid-keeps-supplier-expansion`` is the same, short 0 and cost 200 (its
    README): the rule, unmet, must not cap the supplier's expanded feeds."""
    plan = _solved(
        "origin-rule-unpaid-keeps-supplier-expansion",
        lambda r: r["funds"][1].pop("component_origin"),
    )
    assert plan.key_figures["short"] == pytest.approx(0.0, abs=1e-9)
    assert plan.key_figures["total_cost"] == pytest.approx(200.0)
    assert plan.tables["components"]["quantity"].sum() == pytest.approx(40.0)


def test_origin_feed_bound_counts_supplier_expansions() -> None:
    """The big-M of ``component_origin_upper``: NITRO's 10 + 30 units a period (its
    expansion in full), value 1, over 3 periods, times 1 - 0 = 120."""
    sc = aggregate.load(CASES / "origin-rule-unpaid-keeps-supplier-expansion" / "scenario.yaml")
    data = prepare(sc)
    assert data.supplier_upper["NITRO"] == [40.0, 40.0, 40.0]
    assert origin_feed_bound(data, "SAFE", "P") == pytest.approx(120.0)


def test_origin_pays_bound_counts_orders_paid_while_open() -> None:
    """The big-M of ``component_origin_pays_link`` (SAFE without its cap): shells at 5, 100 a
    period from P1 (lead 0, Ukraine pays on arrival): 5 * 300 = 1500 over the horizon, and
    5 * 100 = 500 once SAFE closes in P1, as it pays no order paid later."""
    raw = yaml.safe_load(
        (CASES / "origin-rule-unpaid-keeps-supplier-expansion" / "scenario.yaml").read_text()
    )
    del raw["funds"][1]["cap"]
    assert origin_pays_bound(prepare(Scenario.model_validate(raw)), "SAFE", "P") == 1500.0
    raw["funds"][1]["closes"] = "P1"
    assert origin_pays_bound(prepare(Scenario.model_validate(raw)), "SAFE", "P") == 500.0


def test_verifier_catches_component_origin_breach() -> None:
    """Ten fuzes moved from the inside supplier to the outside one (values kept in step):
    the outside share is 50 * 7 / (30 * 13 + 50 * 7) = 350 / 740 > 0.35 while SAFE pays."""
    sc = aggregate.load(CASES / "safe-component-origin-limits-fund" / "scenario.yaml")
    plan = aggregate.solve(sc)
    assert aggregate.verify(sc, plan).ok
    df = plan.tables["components"]
    price = {"EUS": 13.0, "OUT": 7.0}
    df["quantity"] = df["supplier"].map({"EUS": 30.0, "OUT": 50.0})
    df["value"] = df["quantity"] * df["supplier"].map(price)
    check = aggregate.verify(sc, plan)
    assert "component_origin" in set(check.violations["rule"])
    df["value"] = 0.0
    assert "component_value" in set(aggregate.verify(sc, plan).violations["rule"])


def test_verifier_catches_procurement_share_breach() -> None:
    """EDIRPA paying 100 more for one nation's orders breaks its 20% of the contract."""
    sc = aggregate.load(CASES / "edirpa-pays-share-of-contract" / "scenario.yaml")
    plan = aggregate.solve(sc)
    assert aggregate.verify(sc, plan).ok
    df = plan.tables["payments"]
    fund = (df["payer_type"] == "fund") & (df["purpose"] == "order")
    first = df.index[fund][0]
    df.loc[first, "amount"] += 100.0
    check = aggregate.verify(sc, plan)
    assert "fund_procurement_share_upper" in set(check.violations["rule"])


def test_procurement_share_limits_what_budgets_can_buy() -> None:
    """With budgets of 700 each, the 20% share leaves the nations 80% of every shell: for
    ``q`` shells they pay 0.8 * 10 * q <= 3 * 700, so q = 262.5 and 37.5 short (without
    the share the fund would pay all 300)."""

    def tight(raw: dict[str, Any]) -> None:
        for n in raw["nations"][:3]:
            n["budget"] = 700

    plan = _solved("edirpa-pays-share-of-contract", tight)
    assert plan.key_figures["short"] == pytest.approx(37.5)
    assert plan.key_figures["total_cost"] == pytest.approx(2625.0)
    assert _paid(plan, "fund") == pytest.approx(525.0)
    assert _paid(plan, "nation") == pytest.approx(2100.0)
