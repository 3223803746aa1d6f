"""Re-solving numbers-only variants in place gives the plan a fresh solve gives."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from aggregate import validate
from aggregate.resolve import Resolver, clear_cache, same_structure, solve_cached
from aggregate.result import Solution
from aggregate.schema import Scenario
from aggregate.solve import solve
from aggregate.verify import verify

BASE: dict[str, Any] = {
    "name": "resolve",
    "periods": ["P1", "P2", "P3"],
    "nations": [
        {"code": "EST", "name": "Estonia", "gni": 40, "budget": 9000},
        {"code": "LVA", "name": "Latvia", "gni": 60, "budget": 9000},
        {"code": "DEU", "name": "Germany", "gni": 400},
    ],
    "items": [{"id": "shell"}, {"id": "rocket"}],
    "capabilities": [
        {"id": "fire", "satisfied_by": [{"item": "shell"}, {"item": "rocket", "factor": 2}]},
    ],
    "demands": [
        {
            "id": "e1",
            "nation": "EST",
            "capability": "fire",
            "period": "P1",
            "quantity": 60,
            "max_lateness": 1,
        },
        {"id": "e3", "nation": "EST", "capability": "fire", "period": "P3", "quantity": 80},
        {
            "id": "l2",
            "nation": "LVA",
            "capability": "fire",
            "period": "P2",
            "quantity": 90,
            "max_lateness": 1,
        },
    ],
    "stockpiles": [
        {"nation": "DEU", "item": "shell", "on_hand": 50, "floor": 20, "donor": True},
        {"nation": "EST", "item": "shell", "on_hand": 10, "floor": 5, "holding_cost": 0.1},
    ],
    "producers": [
        {
            "id": "RHM",
            "country": "DEU",
            "offers": [
                {
                    "item": "shell",
                    "capacity": 70,
                    "price": 10,
                    "contract_cost": 50,
                    "tiers": [{"min_volume": 120, "price": 8}],
                    "delivery_cost": 1,
                },
            ],
        },
        {
            "id": "NAM",
            "country": "NOR",
            "offers": [
                {"item": "rocket", "capacity": {"P2": 30}, "price": 25, "delivery_cost": 2},
            ],
        },
    ],
    "funds": [
        {
            "id": "EPF",
            "members": ["EST", "LVA", "DEU"],
            "cap": 1500,
            "contribution": {"rule": "key", "basis": "gni", "tolerance": 0.1},
            "uses": ["procurement"],
        },
    ],
}


def variant(factors: dict[str, float]) -> Scenario:
    """``BASE`` with capacities, demands, prices, budgets, stock and the fund cap scaled."""
    raw = copy.deepcopy(BASE)
    cap, demand, price = factors["capacity"], factors["demand"], factors["price"]
    for producer in raw["producers"]:
        for offer in producer["offers"]:
            c = offer["capacity"]
            offer["capacity"] = (
                {p: v * cap for p, v in c.items()} if isinstance(c, dict) else (c * cap)
            )
            offer["price"] *= price
            for tier in offer.get("tiers", []):
                tier["price"] *= price
    for d in raw["demands"]:
        d["quantity"] *= demand
    for n in raw["nations"]:
        if "budget" in n:
            n["budget"] *= factors["budget"]
    for s in raw["stockpiles"]:
        s["on_hand"] *= factors["stock"]
        s["floor"] *= factors["stock"]
    raw["funds"][0]["cap"] *= factors["fund"]
    return validate(raw)


def _same_plan(a: Solution, b: Solution, sc: Scenario) -> None:
    """Same status and the same value of what the solve minimises (the re-solve starts from
    the previous variant's plan, so of several optimal plans it may return another: with the
    weighted objective, e.g., the same penalties on shortfalls in other periods)."""
    assert a.status == b.status
    assert a.status.has_plan
    check = verify(sc, a)
    assert check.ok, str(check)
    ka, kb = a.key_figures, b.key_figures
    if a.objective == "weighted":
        figures = [(ka["total_cost"] + ka["penalty_cost"], kb["total_cost"] + kb["penalty_cost"])]
    else:
        figures = [(ka[f], kb[f]) for f in ("total_cost", "weighted_shortfall", "short")]
    for x, y in figures:
        assert x == pytest.approx(y, rel=1e-6, abs=1e-6)


# a small grid of numbers-only changes: every factor moves in some variant
GRID = [
    dict(zip(("capacity", "demand", "price", "budget", "stock", "fund"), f, strict=True))
    for f in itertools.islice(
        itertools.product((0.6, 1.3), (0.8, 1.5), (0.9, 1.2), (0.5, 1.0), (0.7, 1.2), (0.2, 1.0)),
        0,
        64,
        13,
    )
]


def test_numbers_only_variants_match_a_fresh_solve() -> None:
    base = variant(dict.fromkeys(("capacity", "demand", "price", "budget", "stock", "fund"), 1.0))
    resolver = Resolver(base)
    _same_plan(resolver.solve(base), solve(base), base)
    for factors in GRID:
        sc = variant(factors)
        assert same_structure(base, sc)
        plan = resolver.solve(sc)
        assert resolver.last_reason == "", factors
        _same_plan(plan, solve(sc), sc)
    assert resolver.rebuilds == 1
    assert resolver.reuses == len(GRID)


def test_weighted_objective_and_going_alone_resolve() -> None:
    base = variant(dict.fromkeys(("capacity", "demand", "price", "budget", "stock", "fund"), 1.0))
    for options in ({"objective": "weighted"}, {"baseline": True}):
        resolver = Resolver(base, **options)
        for factors in GRID[:3]:
            sc = variant(factors)
            _same_plan(resolver.solve(sc), solve(sc, **options), sc)
        assert resolver.rebuilds == 1


def test_structure_change_rebuilds() -> None:
    base = variant(dict.fromkeys(("capacity", "demand", "price", "budget", "stock", "fund"), 1.0))
    raw = copy.deepcopy(BASE)
    raw["demands"].append(
        {"id": "d2", "nation": "DEU", "capability": "fire", "period": "P2", "quantity": 40}
    )
    grown = validate(raw)
    assert not same_structure(base, grown)
    resolver = Resolver(base)
    resolver.solve(base)
    plan = resolver.solve(grown)
    assert "index sets differ" in resolver.last_reason
    assert resolver.rebuilds == 2
    _same_plan(plan, solve(grown), grown)
    # and back: the rebuilt model now serves numbers-only variants of the new structure
    raw["demands"][-1]["quantity"] = 55
    again = validate(raw)
    _same_plan(resolver.solve(again), solve(again), again)
    assert resolver.last_reason == ""


def test_a_floor_dropping_to_zero_changes_rows_and_rebuilds() -> None:
    # a zero floor removes the rows stock_floor_lower: same variables, fewer rows
    base = variant(dict.fromkeys(("capacity", "demand", "price", "budget", "stock", "fund"), 1.0))
    raw = copy.deepcopy(BASE)
    raw["stockpiles"][1]["floor"] = 0
    sc = validate(raw)
    resolver = Resolver(base)
    plan = resolver.solve(sc)
    assert resolver.last_reason.startswith("rows differ: stock_floor_lower")
    _same_plan(plan, solve(sc), sc)


def test_solve_cached_reuses_one_model_per_structure() -> None:
    clear_cache()
    try:
        base = variant(
            dict.fromkeys(("capacity", "demand", "price", "budget", "stock", "fund"), 1.0)
        )
        first = solve_cached(base)
        assert "build" in first.timings
        sc = variant(GRID[1])
        second = solve_cached(sc)
        assert "update" in second.timings and "build" not in second.timings
        _same_plan(second, solve(sc), sc)
    finally:
        clear_cache()


def test_solve_cached_keeps_variants_of_other_solver_settings_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a variant asking for another preset, raw options, start or big-M gets a resolver of its
    # own, built for exactly those settings, and its plan records them
    import aggregate.model.heuristic as heuristic

    calls: list[int] = []
    real = heuristic.first_plan
    monkeypatch.setattr(heuristic, "first_plan", lambda *a, **k: calls.append(1) or real(*a, **k))
    base = variant(dict.fromkeys(("capacity", "demand", "price", "budget", "stock", "fund"), 1.0))
    base = base.model_copy(
        update={"settings": base.settings.model_copy(update={"first_plan": "heuristic"})}
    )
    changes: list[dict[str, Any]] = [
        {"preset": "no_presolve"},
        {"highs_options": {"random_seed": 7}},
        {"first_plan": "none"},
        {"tighten_bounds": False},
    ]
    clear_cache()
    try:
        solve_cached(base)
        assert calls, "the base's first MIP stage starts from the heuristic's plan"
        for change in changes:
            sc = base.model_copy(update={"settings": base.settings.model_copy(update=change)})
            calls.clear()
            plan = solve_cached(sc)
            fresh = solve(sc)
            assert "build" in plan.timings and "update" not in plan.timings, change
            for name in ("preset", "highs_options", "first_plan", "tighten_bounds"):
                assert plan.solver_settings[name] == fresh.solver_settings[name], (change, name)
            assert bool(calls) == (sc.settings.first_plan == "heuristic"), change
            _same_plan(plan, fresh, sc)
    finally:
        clear_cache()
