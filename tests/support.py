"""Plain builders shared by the tests: small scenarios, solve-and-verify, a hand-written plan.

These are functions, not fixtures, because tests call them where a fixture cannot reach:
inside helper functions, in ``@pytest.mark.parametrize`` tables, in Hypothesis examples and
in module-scoped fixtures. New tests should prefer the fixtures of ``tests/conftest.py``,
which hand these out; hand-computed optima belong in ``tests/cases/<name>/`` (see
``tests/test_cases.py``).

Three groups:

- :func:`scenario` and :func:`solved`: a validated one-item world plus fields; solve and
  assert that the independent verifier passes the plan.
- :func:`tiny_raw`: ``tests/data/tiny.yaml``, a small valid raw scenario touching every
  section of the schema, to be broken on purpose.
- :func:`verify_scenario_data`, :func:`make_scenario`, :func:`pooled_solution` and
  :func:`alone_solution`: the verifier's fixture, a scenario with two plans written by hand
  (below).
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from aggregate import validate
from aggregate.result import Solution, SolveStatus
from aggregate.schema import Scenario
from aggregate.solve import solve
from aggregate.tables import TABLES
from aggregate.verify import verify

NAN = float("nan")
DATA = Path(__file__).resolve().parent / "data"


# ------------------------------------------------------------------ one-item worlds, solved


def scenario(**fields: Any) -> Scenario:
    """A validated scenario: defaults for a one-item, one-capability world plus ``fields``."""
    raw: dict[str, Any] = {
        "name": "test",
        "periods": ["P1"],
        "nations": [{"code": "UKR", "name": "Ukraine"}],
        "items": [{"id": "shell"}],
        "capabilities": [{"id": "fire", "satisfied_by": [{"item": "shell"}]}],
    }
    raw.update(copy.deepcopy(fields))
    return validate(raw)


def solved(sc: Scenario, **options: Any) -> Solution:
    """Solve and assert the plan passes the independent verifier."""
    sol = solve(sc, **options)
    assert sol.status.has_plan, (sol.status, sol.message)
    check = verify(sc, sol)
    assert check.ok, str(check)
    return sol


# ------------------------------------------------------------------ the tiny raw scenario


@functools.cache
def _tiny() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DATA / "tiny.yaml").read_text())
    return loaded


def tiny_raw() -> dict[str, Any]:
    """The tiny scenario of ``tests/data/tiny.yaml`` as raw data: valid as given, a fresh
    dict on every call, to break on purpose."""
    return copy.deepcopy(_tiny())


# ------------------------------------------------------------------ the verifier's fixture

# A small scenario and a feasible plan for it, written by hand, for testing the verifier.
#
# The scenario: periods P1..P3; nations AAA (operates S1, GNI 300) and BBB (any system, GNI
# 100); items ``shell`` (qualified for S1, one fuze each) and ``rocket``; capability
# ``fires`` met by a shell (factor 1) or a rocket (factor 2). Producer PRD (country AAA)
# sells shells with a volume tier (price 8 from 50 units), lots of 10, lead time 1, a
# contract cost and a per-period cost, and rockets at 30 without lead time. Shell capacity
# drops to 10 in P3; expansion EXP (+20, one period to build) can make up for it. AAA holds a
# donor stockpile of 40 shells with a hard floor of 20 and a refill target of 40 by P3, under
# the priority donation policy (it donates while its own demand DA goes short). The fund EPF
# (GNI key) may pay for refills and investments, for contracts with two nations.
#
# The pooled plan, worked out by hand:
#
# - P1: AAA donates 10 shells to BBB; BBB receives 15 rockets. BBB's demand DB (50 due P1)
#   gets 10 + 15 * 2 = 40 on time.
# - P2: 30 shells arrive for AAA (ordered P1) and are used for DA (35 due P2; 5 short).
#   5 rockets arrive for BBB: 10 of DB one period late.
# - P3: 10 shells arrive for AAA (stock back to 40, the refill target) and 10 for BBB.
#   Shell capacity 10 + 20 from EXP (started P2) covers the 20 delivered.
# - The shell contract reaches the tier (50 units at 8); AAA's shells cost 360, of which
#   EPF reimburses 100 (10 donated units at the cheapest base price 10); EPF pays half of
#   EXP (100), AAA sponsors the other half. AAA and BBB pay 150 and 50 into EPF (3:1 GNI).


def verify_scenario_data() -> dict[str, Any]:
    """The scenario as raw data (edit it, then :func:`make_scenario`)."""
    return {
        "name": "verify fixture",
        "periods": ["P1", "P2", "P3"],
        "nations": [
            {"code": "AAA", "name": "A", "gni": 300.0, "budget": 750.0, "systems": ["S1"],
             "donation_policy": "priority"},
            {"code": "BBB", "name": "B", "gni": 100.0, "budget": 800.0, "budget_per_period": 500.0},
        ],
        "items": [
            {"id": "shell", "systems": ["S1"], "components": {"fuze": 1.0}},
            {"id": "rocket"},
        ],
        "capabilities": [
            {
                "id": "fires",
                "satisfied_by": [
                    {"item": "shell", "factor": 1.0},
                    {"item": "rocket", "factor": 2.0},
                ],
            }
        ],
        "components": [{"id": "fuze"}],
        "component_suppliers": [{"id": "FZ", "component": "fuze", "capacity": 30.0}],
        "demands": [
            {"id": "DA", "nation": "AAA", "capability": "fires", "period": "P2", "quantity": 35.0,
             "priority": 2.0},
            {"id": "DB", "nation": "BBB", "capability": "fires", "period": "P1", "quantity": 50.0,
             "max_lateness": 1},
        ],
        "stockpiles": [
            {"nation": "AAA", "item": "shell", "on_hand": 40.0, "floor": 20.0, "donor": True,
             "refill_target": 40.0, "refill_by": "P3", "holding_cost": 0.5},
        ],
        "producers": [
            {
                "id": "PRD",
                "country": "AAA",
                "offers": [
                    {"item": "shell", "capacity": {"P1": 50.0, "P3": 10.0}, "price": 10.0,
                     "tiers": [{"min_volume": 50.0, "price": 8.0}], "min_order": 20.0,
                     "lot_size": 10.0, "lead_time": 1, "contract_cost": 100.0,
                     "order_period_cost": 5.0, "delivery_cost": 1.0,
                     "delivery_cost_to": {"BBB": 2.0}},
                    {"item": "rocket", "capacity": 20.0, "price": 30.0},
                ],
            }
        ],
        "expansions": [
            {"id": "EXP", "producer": "PRD", "item": "shell", "added_capacity": 20.0,
             "investment_cost": 200.0, "lead_periods": 1, "earliest_start": "P1",
             "latest_start": "P2"},
        ],
        "funds": [
            {"id": "EPF", "members": ["AAA", "BBB"],
             "contribution": {"rule": "key", "basis": "gni", "tolerance": 0.0},
             "cap": 1000.0, "uses": ["refill", "investment"], "max_cofinancing_share": 0.5,
             "min_nations_per_contract": 2},
        ],
    }  # fmt: skip


def make_scenario(data: dict[str, Any] | None = None) -> Scenario:
    return Scenario.model_validate(verify_scenario_data() if data is None else data)


def frame(table: str, rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """A table with exactly the columns of :data:`aggregate.tables.TABLES`, in order."""
    return pd.DataFrame(rows, columns=list(TABLES[table]))


def orders_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """An orders table from rows up to ``delivery_cost``: every price is stated in the
    scenario's currency (EUR), so ``stated_unit_price`` is ``unit_price``."""
    return frame("orders", [(*r, "EUR", r[7]) for r in rows])


def _no_wear(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Inventory rows with the sustainment columns (worn, spares drawn, repaired, worn
    pool) at 0: the fixture has no sustainment block."""
    return [(*row, 0.0, 0.0, 0.0, 0.0) for row in rows]


def pooled_solution() -> Solution:
    """The joint plan described in the module docstring."""
    tables = {
        "orders": orders_frame([
            ("PRD/shell", "PRD", "shell", "AAA", "P1", "P2", 1, 8.0, 30.0, 3.0, 240.0, 30.0),
            ("PRD/shell", "PRD", "shell", "AAA", "P2", "P3", 1, 8.0, 10.0, 1.0, 80.0, 10.0),
            ("PRD/shell", "PRD", "shell", "BBB", "P2", "P3", 1, 8.0, 10.0, 1.0, 80.0, 20.0),
            ("PRD/rocket", "PRD", "rocket", "BBB", "P1", "P1", 0, 30.0, 15.0, NAN, 450.0, 0.0),
            ("PRD/rocket", "PRD", "rocket", "BBB", "P2", "P2", 0, 30.0, 5.0, NAN, 150.0, 0.0),
        ]),
        "contracts": frame("contracts", [
            ("PRD/shell", "PRD", "shell", None, 50.0, 1, 8.0, 2, 100.0, 2, 10.0),
            ("PRD/rocket", "PRD", "rocket", None, 20.0, 0, 30.0, 1, 0.0, 2, 0.0),
        ]),
        "investments": frame("investments", [
            ("EXP", "PRD", "shell", "P2", "P3", 20.0, 200.0, "AAA", ""),
        ]),
        "capacity": frame("capacity", [
            # producer, item, period, base, added, used, made (= used: no building ahead), held
            ("PRD", "shell", "P1", 50.0, 0.0, 0.0, 0.0, 0.0),
            ("PRD", "shell", "P2", 50.0, 0.0, 30.0, 30.0, 0.0),
            ("PRD", "shell", "P3", 10.0, 20.0, 20.0, 20.0, 0.0),
            ("PRD", "rocket", "P1", 20.0, 0.0, 15.0, 15.0, 0.0),
            ("PRD", "rocket", "P2", 20.0, 0.0, 5.0, 5.0, 0.0),
            ("PRD", "rocket", "P3", 20.0, 0.0, 0.0, 0.0, 0.0),
        ]),
        "components": frame("components", [
            # supplier, component, producer, period, quantity, country, value (no price: NaN)
            ("FZ", "fuze", "PRD", "P2", 30.0, "", NAN),
            ("FZ", "fuze", "PRD", "P3", 20.0, "", NAN),
        ]),
        "donations": frame("donations", [("AAA", "BBB", "shell", "P1", 10.0)]),
        "inventory": frame("inventory", _no_wear([
            # nation, item, period, opening, arrivals, in, out, used, closing, floor, below, hold
            ("AAA", "shell", "P1", 40.0, 0.0, 0.0, 10.0, 0.0, 30.0, 20.0, 0.0, 15.0),
            ("AAA", "shell", "P2", 30.0, 30.0, 0.0, 0.0, 30.0, 30.0, 20.0, 0.0, 15.0),
            ("AAA", "shell", "P3", 30.0, 10.0, 0.0, 0.0, 0.0, 40.0, 20.0, 0.0, 20.0),
            ("BBB", "shell", "P1", 0.0, 0.0, 10.0, 0.0, 10.0, 0.0, 0.0, 0.0, 0.0),
            ("BBB", "shell", "P2", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
            ("BBB", "shell", "P3", 0.0, 10.0, 0.0, 0.0, 0.0, 10.0, 0.0, 0.0, 0.0),
            ("BBB", "rocket", "P1", 0.0, 15.0, 0.0, 0.0, 15.0, 0.0, 0.0, 0.0, 0.0),
            ("BBB", "rocket", "P2", 0.0, 5.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 0.0),
            ("BBB", "rocket", "P3", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
        ])),
        "supply": frame("supply", [
            ("DB", "BBB", "fires", "shell", "P1", 10.0, 10.0, 0),
            ("DB", "BBB", "fires", "rocket", "P1", 15.0, 30.0, 0),
            ("DB", "BBB", "fires", "rocket", "P2", 5.0, 10.0, 1),
            ("DA", "AAA", "fires", "shell", "P2", 30.0, 30.0, 0),
        ]),
        "demands": frame("demands", [
            # demand, nation, capability, due, priority, quantity, on time, late, late
            # unit-periods, short, weighted shortfall (DA due in P2: discounted by 1.01^-1
            # at the default needs_discount 0.01, 2 * 5 / 1.01)
            ("DA", "AAA", "fires", "P2", 2.0, 35.0, 30.0, 0.0, 0.0, 5.0, 10.0 / 1.01),
            ("DB", "BBB", "fires", "P1", 1.0, 50.0, 40.0, 10.0, 10.0, 0.0, 1.0),
        ]),
        "refills": frame("refills", [("AAA", "shell", "P3", 40.0, 40.0, 0.0)]),
        "contributions": frame("contributions", [
            ("EPF", "AAA", 150.0, 0.75, 0.75, 150.0, 150.0),
            ("EPF", "BBB", 50.0, 0.25, 0.25, 50.0, 50.0),
        ]),
        "payments": frame("payments", [
            # orders are paid in their arrival period (pays_at: delivery)
            ("AAA", "nation", "order", "PRD", "shell", "AAA", None, "P2", 170.0, "own"),
            ("AAA", "nation", "order", "PRD", "shell", "AAA", None, "P3", 90.0, "own"),
            ("EPF", "fund", "order", "PRD", "shell", "AAA", None, "P2", 100.0, "EPF"),
            ("BBB", "nation", "order", "PRD", "shell", "BBB", None, "P3", 100.0, "own"),
            ("BBB", "nation", "order", "PRD", "rocket", "BBB", None, "P1", 450.0, "own"),
            ("BBB", "nation", "order", "PRD", "rocket", "BBB", None, "P2", 150.0, "own"),
            ("EPF", "fund", "investment", "PRD", "shell", None, "EXP", "P2", 100.0, "EPF"),
            ("AAA", "nation", "investment", "PRD", "shell", None, "EXP", "P2", 100.0, "own"),
            # contributions to a fund without tranches are horizon totals (period '')
            ("AAA", "nation", "contribution", None, None, "EPF", None, "", 150.0, "EPF"),
            ("BBB", "nation", "contribution", None, None, "EPF", None, "", 50.0, "EPF"),
            # AAA hosts PRD: it pays the shell contract's fixed costs (100 in P1 + 5 in
            # each of the 2 delivery periods)
            ("AAA", "nation", "fixed", "PRD", "shell", None, None, "P1", 100.0, "own"),
            ("AAA", "nation", "fixed", "PRD", "shell", None, None, "P2", 5.0, "own"),
            ("AAA", "nation", "fixed", "PRD", "shell", None, None, "P3", 5.0, "own"),
        ]),
        "budgets": frame("budgets", [
            ("AAA", 750.0, 620.0, 260.0, 0.0, 150.0, 100.0, 110.0, 0.0, 0.0),
            ("BBB", 800.0, 750.0, 700.0, 0.0, 50.0, 0.0, 0.0, 0.0, 0.0),
        ]),
        # fund, collected, orders, investments, unspent, packages (NaN: no package size)
        "funds": frame("funds", [("EPF", 200.0, 100.0, 100.0, 0.0, NAN)]),
    }  # fmt: skip
    key_figures = {
        "status": "optimal",
        "total_cost": 1420.0,
        "purchase_cost": 1000.0,
        "delivery_cost": 60.0,
        "contract_cost": 100.0,
        "period_cost": 10.0,
        "investment_cost": 200.0,
        "holding_cost": 50.0,
        "placed_cost": 0.0,
        "penalty_cost": 0.0,
        "weighted_shortfall": 10.0 / 1.01 + 1.0,
        "short": 5.0,
        "fill_rate": 80.0 / 85.0,
        "on_time_rate": 70.0 / 85.0,
        "average_lateness": 1.0,
        "unspent_fund_balance": 0.0,
    }
    return Solution(
        scenario_name="verify fixture",
        status=SolveStatus.OPTIMAL,
        pooled=True,
        key_figures=key_figures,
        tables=tables,
    )


def alone_solution() -> Solution:
    """A going-alone plan: no tier (AAA's 40 shells stay at 10), no BBB shells, no fund,
    no expansion (P3 capacity 10 is enough for AAA's 10)."""
    solution = pooled_solution()
    t = solution.tables
    t["orders"] = orders_frame([
        ("PRD/shell/AAA", "PRD", "shell", "AAA", "P1", "P2", 0, 10.0, 30.0, 3.0, 300.0, 30.0),
        ("PRD/shell/AAA", "PRD", "shell", "AAA", "P2", "P3", 0, 10.0, 10.0, 1.0, 100.0, 10.0),
        ("PRD/rocket/BBB", "PRD", "rocket", "BBB", "P1", "P1", 0, 30.0, 15.0, NAN, 450.0, 0.0),
        ("PRD/rocket/BBB", "PRD", "rocket", "BBB", "P2", "P2", 0, 30.0, 5.0, NAN, 150.0, 0.0),
    ])  # fmt: skip
    t["contracts"] = frame("contracts", [
        ("PRD/shell/AAA", "PRD", "shell", "AAA", 40.0, 0, 10.0, 1, 100.0, 2, 10.0),
        ("PRD/rocket/BBB", "PRD", "rocket", "BBB", 20.0, 0, 30.0, 1, 0.0, 2, 0.0),
    ])  # fmt: skip
    t["investments"] = frame("investments", [])
    capacity = t["capacity"]
    capacity.loc[capacity["period"] == "P3", "added"] = 0.0
    shell_p3 = (capacity["item"] == "shell") & (capacity["period"] == "P3")
    capacity.loc[shell_p3, ["used", "made"]] = 10.0
    t["components"].loc[1, "quantity"] = 10.0
    inventory = t["inventory"]
    bbb_p3 = (inventory["nation"] == "BBB") & (inventory["item"] == "shell")
    inventory.loc[bbb_p3 & (inventory["period"] == "P3"), ["arrivals", "closing"]] = 0.0
    t["contributions"] = frame("contributions", [
        ("EPF", "AAA", 0.0, 0.0, 0.75, 0.0, 0.0),
        ("EPF", "BBB", 0.0, 0.0, 0.25, 0.0, 0.0),
    ])  # fmt: skip
    t["payments"] = frame("payments", [
        ("AAA", "nation", "order", "PRD", "shell", "AAA", None, "P2", 330.0, "own"),
        ("AAA", "nation", "order", "PRD", "shell", "AAA", None, "P3", 110.0, "own"),
        ("BBB", "nation", "order", "PRD", "rocket", "BBB", None, "P1", 450.0, "own"),
        ("BBB", "nation", "order", "PRD", "rocket", "BBB", None, "P2", 150.0, "own"),
        ("AAA", "nation", "fixed", "PRD", "shell", None, None, "P1", 100.0, "own"),
        ("AAA", "nation", "fixed", "PRD", "shell", None, None, "P2", 5.0, "own"),
        ("AAA", "nation", "fixed", "PRD", "shell", None, None, "P3", 5.0, "own"),
    ])  # fmt: skip
    t["budgets"] = frame("budgets", [
        ("AAA", 750.0, 550.0, 440.0, 0.0, 0.0, 0.0, 110.0, 0.0, 0.0),
        ("BBB", 800.0, 600.0, 600.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    ])  # fmt: skip
    t["funds"] = frame("funds", [("EPF", 0.0, 0.0, 0.0, 0.0, NAN)])
    solution.pooled = False
    solution.key_figures |= {
        "total_cost": 1200.0,
        "purchase_cost": 1000.0,
        "delivery_cost": 40.0,
        "investment_cost": 0.0,
    }
    return solution
