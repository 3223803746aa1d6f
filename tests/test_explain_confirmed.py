"""Every marginal value explain prints holds when the scenario is changed and solved again.

Two designed cases, one where the rules avoid shortfall and one where they only save cost.
For each printed value (every bottleneck and every valued shortfall reason), the scenario
field it names is relaxed by its stated range and by half of it, and the full solve (needs
first, then cost) must move by the value times the relaxation.
"""

from __future__ import annotations

import copy
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from aggregate import validate
from aggregate.explain import explain
from tests.support import scenario, solved

ROOT = Path(__file__).resolve().parents[1]

BASE: dict[str, Any] = {
    "name": "test",
    "periods": ["P1"],
    "items": [{"id": "shell"}],
    "capabilities": [{"id": "fire", "satisfied_by": [{"item": "shell"}]}],
}

# Ukraine (budget 0) needs 100. Fund F, paid by Germany, buys 400 / 10 = 40 shells for
# Ukraine (its cap). Germany donates its stock above the floor (50 - 30 = 20) and buys back
# what the rest of its budget allows to donate more: (500 - 400) / 10 = 10. Ukraine gets 70
# and is 30 short (weights 1, one period: needs = 30). Hand-computed values: Germany's
# budget avoids 0.1 per EUR until Germany donates its whole opening stock of 50 (donations
# come from the opening stock only): 20 more shells, 200 EUR; the floor 1 per shell for the
# same 20. Raising F's cap alone avoids nothing: Germany would pay the euro in and buy one
# euro less back.
FED: dict[str, Any] = {
    **BASE,
    "nations": [
        {"code": "UKR", "name": "Ukraine", "budget": 0},
        {"code": "DEU", "name": "Germany", "budget": 500, "gni": 1},
    ],
    "demands": [
        {"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 100}
    ],
    "producers": [
        {"id": "P", "country": "DEU", "offers": [{"item": "shell", "capacity": 200, "price": 10}]}
    ],
    "stockpiles": [{"nation": "DEU", "item": "shell", "on_hand": 50, "floor": 30, "donor": True}],
    "funds": [
        {
            "id": "F",
            "members": ["DEU"],
            "cap": 400,
            "uses": ["procurement"],
            "eligible_beneficiaries": ["UKR"],
        }
    ],
}

# Nothing short: Ukraine needs 40; Germany donates its 10 above the floor, A (10 a shell)
# makes 25 and B (15) the other 5: cost 325. Hand-computed values: one more shell of A
# replaces one of B, 5 saved, until B makes none (5 shells); one shell less of floor (or
# one more of opening stock) replaces one of B, 15 saved, also for 5 shells.
CHEAP: dict[str, Any] = {
    **BASE,
    "nations": [{"code": "UKR", "name": "Ukraine"}, {"code": "DEU", "name": "Germany"}],
    "demands": [{"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 40}],
    "producers": [
        {"id": "A", "country": "DEU", "offers": [{"item": "shell", "capacity": 25, "price": 10}]},
        {"id": "B", "country": "DEU", "offers": [{"item": "shell", "capacity": 100, "price": 15}]},
    ],
    "stockpiles": [{"nation": "DEU", "item": "shell", "on_hand": 30, "floor": 20, "donor": True}],
}


def _relaxed(raw: dict[str, Any], row: Any, delta: float) -> dict[str, Any]:
    """``raw`` with the field ``row`` names relaxed by ``delta``."""
    out = copy.deepcopy(raw)
    entry, fld = row.entry, row.field
    if m := re.fullmatch(r"producers\[(.+)\]\.offers\[(.+)\]", entry):
        producer = next(p for p in out["producers"] if p["id"] == m[1])
        offer = next(o for o in producer["offers"] if o["item"] == m[2])
        assert fld == "capacity"
        offer["capacity"] += delta
    elif m := re.fullmatch(r"nations\[(.+)\]", entry):
        nation = next(n for n in out["nations"] if n["code"] == m[1])
        assert fld == "budget"
        nation["budget"] += delta
    elif m := re.fullmatch(r"stockpiles\[(.+)/(.+)\]", entry):
        stock = next(s for s in out["stockpiles"] if (s["nation"], s["item"]) == (m[1], m[2]))
        assert fld in ("floor", "on_hand")
        stock[fld] += -delta if fld == "floor" else delta
    elif m := re.fullmatch(r"funds\[(.+)\]", entry):
        fund = next(f for f in out["funds"] if f["id"] == m[1])
        assert fld == "cap"
        fund["cap"] += delta
    else:
        raise AssertionError(f"no scenario field for {entry}.{fld}")
    return out


def _figures(raw: dict[str, Any]) -> tuple[float, float]:
    plan = solved(validate(raw))
    return float(plan.key_figures["needs_objective"]), float(plan.key_figures["total_cost"])


def _printed(why: Any) -> pd.DataFrame:
    """Every rule explain prints with a value: bottlenecks and valued reasons."""
    reasons = why.shortfall_reasons
    valued = reasons[reasons.shortfall_avoided.fillna(0).gt(0) | reasons.cost_saved.fillna(0).gt(0)]
    cols = ["entry", "field", "period", "shortfall_avoided", "cost_saved", "holds_up_to"]
    return pd.concat([why.bottlenecks[cols], valued[cols]]).drop_duplicates(["entry", "field"])


def _check_every_value(raw: dict[str, Any]) -> pd.DataFrame:
    sc = validate(raw)
    why = explain(sc, solved(sc), expansions=False)
    printed = _printed(why)
    assert not printed.empty
    needs0, cost0 = _figures(raw)
    for row in printed.itertuples(index=False):
        assert math.isfinite(row.holds_up_to) and row.holds_up_to > 0, row
        for delta in (row.holds_up_to / 2, row.holds_up_to):
            needs, cost = _figures(_relaxed(raw, row, delta))
            if row.shortfall_avoided > 0:
                assert math.isnan(row.cost_saved)  # a re-solve spends it on the needs
                assert needs0 - needs == pytest.approx(row.shortfall_avoided * delta, rel=1e-6)
            else:
                assert needs == pytest.approx(needs0, abs=1e-6)
                assert cost0 - cost == pytest.approx(row.cost_saved * delta, rel=1e-6)
    return printed.set_index(["entry", "field"])


def test_every_value_avoiding_shortfall_is_confirmed_by_a_re_solve() -> None:
    printed = _check_every_value(FED)
    budget = printed.loc[("nations[DEU]", "budget")]
    assert (budget.shortfall_avoided, budget.holds_up_to) == (
        pytest.approx(0.1),
        pytest.approx(200),
    )
    floor = printed.loc[("stockpiles[DEU/shell]", "floor")]
    assert (floor.shortfall_avoided, floor.holds_up_to) == (pytest.approx(1), pytest.approx(20))
    assert ("funds[F]", "cap") not in printed.index


def test_every_value_saving_cost_is_confirmed_by_a_re_solve() -> None:
    printed = _check_every_value(CHEAP)
    assert printed.loc[("producers[A].offers[shell]", "capacity"), "cost_saved"] == pytest.approx(5)
    assert printed.loc[("producers[A].offers[shell]", "capacity"), "holds_up_to"] == pytest.approx(
        5
    )
    assert printed.loc[("stockpiles[DEU/shell]", "floor"), "cost_saved"] == pytest.approx(15)
    assert printed.loc[("stockpiles[DEU/shell]", "floor"), "holds_up_to"] == pytest.approx(5)


def test_a_fund_fed_recipient_is_given_the_donor_budget_not_its_budget_of_zero() -> None:
    sc = validate(FED)
    why = explain(sc, solved(sc), expansions=False)
    reasons = why.shortfall_reasons
    assert "nations[UKR].budget" not in set(reasons.change)
    assert "nations[DEU].budget" in set(reasons.change)
    assert len(reasons) <= 3  # the default: the three most valuable reasons
    every = explain(sc, solved(sc), expansions=False, all_reasons=True).shortfall_reasons
    assert len(every) >= len(reasons)


def test_a_price_that_a_re_solve_does_not_show_is_not_printed() -> None:
    # A (10) is full at 25 and B (15) has 100; the demand is 40 in P1 and 10 is due in P2.
    # Raising B's capacity in P1 changes nothing (B has room), so it is never a bottleneck;
    # nor is any rule with slack.
    sc = scenario(
        demands=[
            {"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 40}
        ],
        producers=[
            {
                "id": "A",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 25, "price": 10}],
            },
            {
                "id": "B",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 100, "price": 15}],
            },
        ],
    )
    why = explain(sc, solved(sc), expansions=False)
    assert set(why.bottlenecks.change) == {"producers[A].offers[shell].capacity"}
    assert why.bottlenecks.holds_up_to.iloc[0] == pytest.approx(15)


def test_explain_reports_the_payments_the_solve_settled() -> None:
    # #13: explaining the barrels plan re-solved its LP and read other payments from it
    # (Germany 45.7m where the plan pays 38.9m, Ukraine 20m of 20m where it pays 0.3m):
    # who pays is a tie in that LP. Each budget's use must be what the plan pays.
    from aggregate.io import load

    sc = load(ROOT / "models" / "sustainment-barrels" / "scenario.yaml")
    plan = solved(sc)
    why = explain(sc, plan, expansions=False)
    payments = plan.payments
    paid = payments[payments.payer_type == "nation"].groupby("payer")["amount"].sum()
    budgets = why.marginals[why.marginals.rule == "budget"].set_index("nation")
    assert len(budgets) >= 5
    for nation, used in budgets.used.items():
        assert used == pytest.approx(float(paid.get(nation, 0.0)), rel=1e-9, abs=1e-6), nation
