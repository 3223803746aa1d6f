"""Pooling is never worse than going alone, with every aid channel kept on both sides: a
property test on random scenarios with funds (key or pledges, committed sizes, minimum
consortia, procurement, refill and investment uses), donors and a recipient without money.

Why it holds: going alone keeps the funds and donations and removes only the pooling of
contracts, so merging a going-alone plan's contracts into one per offer gives a pooled plan
(every unit at the highest tier any nation reached, each fixed cost paid once, a fund paying
what it paid less any price cut, which stays in the fund unspent and is not a cost). A fund
with a minimum consortium pays nothing going alone (a contract of one nation cannot form a
consortium), which the pooled plan can copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregate import validate
from aggregate.baseline import compare
from aggregate.schema import Scenario
from aggregate.verify import verify

CODES = ["EST", "LVA", "LTU", "POL"]


def random_scenario(seed: int) -> Scenario:
    """A small random scenario with tiers, minimum orders, lots, fixed costs, lead times,
    budgets and aid: a donor, an optional expansion, and an optional fund (key or pledges,
    committed size, minimum consortium, procurement, refill or investment uses). The last
    nation sometimes has no money of its own, so only aid can meet its demand."""
    rng = np.random.default_rng(seed)
    periods = [f"P{t + 1}" for t in range(int(rng.integers(1, 4)))]
    nations = CODES[: int(rng.integers(2, 5))]
    items = ["a", "b"][: int(rng.integers(1, 3))]
    raw: dict[str, Any] = {
        "name": f"random-{seed}",
        "periods": periods,
        "nations": [
            {
                "code": n,
                "name": n,
                "gni": float(rng.integers(1, 10)),
                **({"budget": float(rng.integers(200, 2000))} if rng.random() < 0.4 else {}),
            }
            for n in nations
        ],
        "items": [{"id": i} for i in items],
        "capabilities": [
            {
                "id": "fire",
                "satisfied_by": [
                    {"item": i, "factor": float(rng.choice([0.5, 1.0, 2.0]))} for i in items
                ],
            }
        ],
        "demands": [
            {
                "id": f"{n}-{t}",
                "nation": n,
                "capability": "fire",
                "period": t,
                "quantity": float(rng.integers(0, 60)),
                "priority": float(rng.integers(1, 4)),
                "max_lateness": int(rng.integers(0, 2)),
            }
            for n in nations
            for t in periods
            if rng.random() < 0.7
        ],
        "producers": [],
        "stockpiles": [],
    }
    for k in range(int(rng.integers(1, 3))):
        offers = []
        for i in items:
            price = float(rng.integers(5, 15))
            capacity = float(rng.integers(20, 120))
            lead = int(rng.integers(0, len(periods)))
            offer: dict[str, Any] = {
                "item": i,
                "capacity": capacity,
                "price": price,
                "lead_time": lead,
                "contract_cost": float(rng.choice([0, 50, 200])),
                "order_period_cost": float(rng.choice([0, 20])),
                "delivery_cost": float(rng.integers(0, 3)),
            }
            if rng.random() < 0.6:
                reachable = capacity * (len(periods) - lead)
                offer["tiers"] = [
                    {
                        "min_volume": min(float(rng.integers(40, 100)), reachable),
                        "price": price - float(rng.integers(1, 4)),
                    }
                ]
            if rng.random() < 0.3:
                # no more than the offer can deliver, or the scenario is invalid
                reachable = capacity * (len(periods) - lead)
                offer["min_order"] = min(float(rng.integers(10, 40)), reachable)
            if rng.random() < 0.3:
                offer["lot_size"] = float(rng.choice([5, 10]))
            offers.append(offer)
        raw["producers"].append({"id": f"P{k}", "country": "DEU", "offers": offers})
    if rng.random() < 0.4:
        raw["nations"][-1]["budget"] = 0.0  # a recipient that lives on aid
    if rng.random() < 0.6:
        donor = nations[0]
        on_hand = float(rng.integers(0, 80))
        raw["stockpiles"].append(
            {
                "nation": donor,
                "item": items[0],
                "on_hand": on_hand,
                "floor": float(rng.integers(0, on_hand + 1)),
                "donor": True,
                "refill_target": on_hand,
                "refill_by": periods[-1],
                "refill_penalty": 1.0,
            }
        )
    if rng.random() < 0.3:
        raw["expansions"] = [
            {
                "id": "X",
                "producer": "P0",
                "item": items[0],
                "added_capacity": float(rng.integers(10, 60)),
                "investment_cost": float(rng.integers(50, 400)),
                **({"sponsor": nations[0]} if rng.random() < 0.5 else {}),
            }
        ]
    if rng.random() < 0.7:
        # members are the nations with money of their own: the last nation may have none
        members = nations[: int(rng.integers(1, len(nations)))]
        pledge = rng.random() < 0.5
        rule: dict[str, Any] = (
            {"rule": "key", "basis": "gni", "tolerance": 0.2}
            if not pledge
            else {
                "rule": "pledge",
                "pledges": {m: {"max": float(rng.integers(0, 500))} for m in members},
            }
        )
        uses = [u for u in ("procurement", "refill", "investment") if rng.random() < 0.6]
        raw["funds"] = [
            {
                "id": "F",
                "members": members,
                "contribution": rule,
                # a committed size only under a key: pledges may not reach it
                "committed": 0.0 if pledge else float(rng.choice([0, 0, 50, 200])),
                "uses": uses or ["procurement"],
                "min_nations_per_contract": min(int(rng.choice([1, 1, 2, 3])), len(nations)),
                **({"eligible_beneficiaries": nations[-1:]} if rng.random() < 0.4 else {}),
            }
        ]
        if "investment" in uses:
            raw["funds"][0]["max_cofinancing_share"] = float(rng.choice([0.5, 1.0]))
    return validate(raw)


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.integers(min_value=0, max_value=2**31))
def test_pooling_is_never_worse_than_going_alone(seed: int) -> None:
    sc = random_scenario(seed)
    cmp = compare(sc)
    assert cmp.pooled.status.has_plan and cmp.alone.status.has_plan
    for sol in (cmp.pooled, cmp.alone):
        check = verify(sc, sol)
        assert check.ok, str(check)
    need_p = cmp.pooled.key_figures["weighted_shortfall"]
    need_a = cmp.alone.key_figures["weighted_shortfall"]
    assert need_p <= need_a + 1e-6 * max(1.0, need_a)
    if abs(need_p - need_a) <= 1e-6 * max(1.0, need_a):
        cost_p = cmp.pooled.key_figures["total_cost"] + cmp.pooled.key_figures["penalty_cost"]
        cost_a = cmp.alone.key_figures["total_cost"] + cmp.alone.key_figures["penalty_cost"]
        assert cost_p <= cost_a + 1e-5 * max(1.0, cost_a)
