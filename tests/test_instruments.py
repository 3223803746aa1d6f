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
