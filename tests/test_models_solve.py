"""Every scenario of the library solves, pooled and alone, every plan passes verify, and
its solve report fits 100 columns."""

from __future__ import annotations

from pathlib import Path

import pytest

import aggregate
from aggregate.baseline import compare
from aggregate.verify import verify
from tests.test_units_report import assert_fits, render

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(ROOT.glob("models/**/scenario.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.parent.relative_to(ROOT)))
def test_scenario_solves_and_verifies(path: Path) -> None:
    sc = aggregate.load(path)
    cmp = compare(sc)
    for plan in (cmp.pooled, cmp.alone):
        assert plan.status.has_plan, (plan.status, plan.message)
        check = verify(sc, plan)
        assert check.ok, str(check)
    # needs come first: pooling never leaves more weighted shortfall than going alone
    # (both within the scenario's own MIP gap)
    gap = sc.settings.mip_gap
    alone = cmp.alone.key_figures["weighted_shortfall"]
    assert cmp.pooled.key_figures["weighted_shortfall"] <= alone * (1 + gap) + 1e-6
    # the solve report fits 100 columns without a cut cell and names the currency
    text = render(cmp.pooled, 100)
    assert_fits(text, 100)
    assert f"Money in {sc.currency}" in text


def test_verify_catches_a_tampered_real_plan() -> None:
    sc = aggregate.load(ROOT / "models" / "ammo-155mm-2023-2025" / "scenario.yaml")
    plan = aggregate.solve(sc)
    assert verify(sc, plan).ok
    orders = plan.tables["orders"]
    first = orders.index[0]
    orders.loc[first, "quantity"] += 1e6  # deliver far beyond capacity
    found = set(verify(sc, plan).violations.rule)
    assert "capacity_upper" in found
    assert "stock_balance" in found or "stock_arrivals" in found
