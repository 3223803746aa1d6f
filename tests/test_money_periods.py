"""The rules of money over time bind: each hand-computed case of ``tests/cases/`` solved
without its rule gives the different optimum its README states.

- ``fund-closes-before-late-orders`` without ``closes``;
- ``tranche-schedule-delays-deliveries`` without ``tranches``;
- ``award-time-budget-pays-ahead`` paying on delivery instead of at award.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import aggregate
from aggregate.result import Solution
from aggregate.schema import Scenario

CASES = Path(__file__).resolve().parent / "cases"


def _variant(case: str, change: Any) -> Scenario:
    raw = aggregate.load(CASES / case / "scenario.yaml").model_dump(mode="json", exclude_unset=True)
    change(raw)
    return aggregate.validate(raw)


def _solved(sc: Scenario) -> Solution:
    sol = aggregate.solve(sc)
    assert sol.status.has_plan, sol.message
    assert aggregate.verify(sc, sol).ok
    return sol


def _paid(sol: Solution, **where: str) -> float:
    df = sol.tables["payments"]
    for column, value in where.items():
        df = df[df[column] == value]
    return float(df["amount"].sum())


def test_a_fund_open_in_both_periods_pays_for_every_order() -> None:
    sol = _solved(_variant("fund-closes-before-late-orders", lambda r: r["funds"][0].pop("closes")))
    assert sol.key_figures["short"] == pytest.approx(0, abs=1e-9)
    assert sol.key_figures["total_cost"] == pytest.approx(2000)
    assert _paid(sol, payer="F", purpose="order") == pytest.approx(2000)
    assert _paid(sol, payer="UKR", purpose="order") == pytest.approx(0, abs=1e-9)


def test_without_tranches_every_delivery_is_on_time() -> None:
    sol = _solved(
        _variant("tranche-schedule-delays-deliveries", lambda r: r["funds"][0].pop("tranches"))
    )
    orders = sol.tables["orders"]
    assert orders[orders.arrival_period == "P1"].quantity.sum() == pytest.approx(20)
    assert sol.key_figures["weighted_shortfall"] == pytest.approx(0, abs=1e-9)
    assert sol.key_figures["total_cost"] == pytest.approx(2000)
    # contributions without a schedule are a horizon total (period '')
    assert _paid(sol, payer="DEU", purpose="contribution", period="") == pytest.approx(2000)


def test_paying_on_delivery_the_same_budget_buys_less() -> None:
    def on_delivery(raw: dict[str, Any]) -> None:
        raw["nations"][0]["pays_at"] = "delivery"

    sol = _solved(_variant("award-time-budget-pays-ahead", on_delivery))
    orders = sol.tables["orders"]
    assert orders[orders.arrival_period == "P3"].quantity.sum() == pytest.approx(5)
    assert orders[orders.arrival_period == "P4"].quantity.sum() == pytest.approx(5)
    assert sol.key_figures["short"] == pytest.approx(10)
    assert sol.key_figures["total_cost"] == pytest.approx(1000)
    assert sol.key_figures["weighted_shortfall"] == pytest.approx(10.5 / 1.0201)
    assert _paid(sol, payer="UKR", purpose="order", period="P3") == pytest.approx(500)


def test_payments_by_period_shows_when_each_payer_pays() -> None:
    from aggregate import report

    sc = aggregate.load(CASES / "tranche-schedule-delays-deliveries" / "scenario.yaml")
    frame = report.payments_by_period(_solved(sc)).set_index(["payer", "purpose"])
    assert list(frame.columns) == ["payer_type", "P1", "P2", "P3", "total"]
    # the tranches: Germany pays in 1,000 in P1 and in P2; the fund pays its orders then
    for payer, purpose in (("DEU", "contribution"), ("F", "order")):
        row = frame.loc[(payer, purpose)]
        assert [row.P1, row.P2, row.P3, row.total] == pytest.approx([1000, 1000, 0, 2000])
    assert frame.attrs["units"]["P1"] == "EUR"


def test_paid_columns_one_per_period_only_for_a_fund_with_a_schedule() -> None:
    """The accessor other rules write fund payments through: a fund with tranches has a
    column per period the route's orders can be paid in; without a schedule one column."""
    from aggregate.data import HORIZON, prepare
    from aggregate.model import build_model, linear
    from aggregate.model.funds import paid_columns

    sc = aggregate.load(CASES / "tranche-schedule-delays-deliveries" / "scenario.yaml")
    lin = linear(build_model(prepare(sc)))
    pays = lin.col("fund_pays")
    assert paid_columns(lin, prepare(sc), "F", "P", "shell", "UKR") == [
        pays["F", "P", "shell", "UKR", t] for t in (0, 1, 2)
    ]
    assert paid_columns(lin, prepare(sc), "F", "P", "shell", "UKR", period=1) == [
        pays["F", "P", "shell", "UKR", 1]
    ]
    untimed = _variant(
        "tranche-schedule-delays-deliveries", lambda r: r["funds"][0].pop("tranches")
    )
    data = prepare(untimed)
    lin = linear(build_model(data))
    assert paid_columns(lin, data, "F", "P", "shell", "UKR") == [
        lin.col("fund_pays")["F", "P", "shell", "UKR", HORIZON]
    ]
