"""Determinate payers: the same scenario gives the same payments whatever the thread count
or the order of its lists (the payer stage, aggregate.model.payers).

The plans are solved to a proven optimum (``mip_gap=0``): plans within a positive gap of
each other legitimately differ in cost, hence in payments. Orders are compared by route
(producer, item, nation) totals only: the timing of lots between equally cheap periods is
a tie the payer stage does not settle (it moves money only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import aggregate
from aggregate.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted(ROOT.glob("models/*/scenario.yaml"))
LONG = {"ammo-155mm-2023-2025", "air-defence-interceptors"}
"""Scenarios whose three solves take minutes: in the long run only."""
TIED_ORDERS = {
    "air-defence-interceptors": "equally cheap GEM-T routes (COMLOG or RTX) are a tie of the "
    "cost stage that threads break differently; the payer stage moves money, not orders",
}
"""Scenarios whose cost optimum is not unique in its orders (known, not settled yet)."""


def _params() -> list[Any]:
    out = []
    for p in LIBRARY:
        marks: list[Any] = [pytest.mark.long] if p.parent.name in LONG else []
        if p.parent.name in TIED_ORDERS:
            marks.append(pytest.mark.xfail(reason=TIED_ORDERS[p.parent.name], strict=False))
        out.append(pytest.param(p, id=p.parent.name, marks=marks))
    return out


def _reversed(path: Path) -> Scenario:
    """The scenario with its nations, funds, producers (and their offers) listed backwards."""
    raw = yaml.safe_load(path.read_text())
    for name in ("nations", "funds", "producers"):
        raw[name] = list(reversed(raw.get(name, [])))
    for producer in raw.get("producers", []):
        producer["offers"] = list(reversed(producer["offers"]))
    return Scenario.model_validate(raw)


def _table(plan: aggregate.Solution, name: str) -> pd.DataFrame:
    """A table in a canonical row order, numbers to 6 significant digits (the solver's
    tolerances), rows of zero amount or quantity dropped."""
    df = plan.tables[name].copy()
    value = "amount" if name == "payments" else "quantity"
    df = df[df[value].abs() > 1e-6]
    for column in df.columns:
        if pd.api.types.is_float_dtype(df[column]):
            df[column] = [float(f"{v:.6g}") if np.isfinite(v) else v for v in df[column]]
    text = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    df[text] = df[text].fillna("")
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def _routes(plan: aggregate.Solution) -> pd.DataFrame:
    """Units ordered per (producer, item, nation), to 6 significant digits."""
    totals = plan.tables["orders"].groupby(["producer", "item", "nation"])["quantity"].sum()
    return totals.map(lambda v: float(f"{v:.6g}")).reset_index()


@pytest.mark.slow
@pytest.mark.parametrize("path", _params())
def test_payments_and_orders_do_not_depend_on_threads_or_list_order(path: Path) -> None:
    scenario = aggregate.load(path)
    plans = {
        "threads 1": aggregate.solve(scenario, threads=1, mip_gap=0.0),
        "threads 2": aggregate.solve(scenario, threads=2, mip_gap=0.0),
        "lists reversed": aggregate.solve(_reversed(path), threads=1, mip_gap=0.0),
    }
    for plan in plans.values():
        assert plan.status.has_plan, plan.message
        assert aggregate.verify(scenario, plan).ok
    first = plans["threads 1"]
    for label, plan in plans.items():
        for figure in ("total_cost", "weighted_shortfall"):
            assert plan.key_figures[figure] == pytest.approx(first.key_figures[figure], rel=1e-6)
        pd.testing.assert_frame_equal(
            _table(plan, "payments"), _table(first, "payments"), obj=f"payments ({label})"
        )
        pd.testing.assert_frame_equal(
            _routes(plan), _routes(first), obj=f"orders by route ({label})"
        )
