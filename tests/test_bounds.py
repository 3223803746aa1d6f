"""The tightened big-M of the linking rows (:mod:`aggregate.bounds`) never cuts an optimum.

Each scenario is solved with ``tighten_bounds`` on and off: the optima agree (weighted
shortfall and cost plus penalties), both plans pass the verifier, and every route's
arrivals in the untightened optimum fit the tightened bounds (so the bound would not have
cut that plan either).
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from aggregate import solve, validate, verify
from aggregate.data import prepare
from aggregate.model import build_model
from aggregate.model.bounds import bounds_of, contract_upper, order_upper
from aggregate.model.linear import linear
from aggregate.reference import orlib_scenario
from aggregate.resolve import Resolver
from aggregate.result import Solution
from aggregate.schema import Scenario
from benchmarks.generator import generate
from tests.support import scenario

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
REL = 1e-5
"""Optima agree to this relative tolerance (HiGHS stops at a 1e-6 relative gap)."""


def _with(sc: Scenario, tighten: bool) -> Scenario:
    return sc.model_copy(
        update={"settings": sc.settings.model_copy(update={"tighten_bounds": tighten})}
    )


def _value(sol: Solution) -> tuple[float, float]:
    k = sol.key_figures
    return k["weighted_shortfall"], k["total_cost"] + k["penalty_cost"]


def _arrivals(sc: Scenario, sol: Solution) -> dict[tuple[str, str, str], dict[int, float]]:
    """route -> arrival period -> units ordered (every tier) in ``sol``."""
    at = {p: t for t, p in enumerate(sc.periods)}
    out: dict[tuple[str, str, str], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for r in sol.tables["orders"].itertuples():
        out[r.producer, r.item, r.nation][at[r.arrival_period]] += r.quantity
    return out


def assert_same_optimum(sc: Scenario) -> tuple[Solution, Solution]:
    """Solve ``sc`` tightened and not; assert the optima agree and the untightened plan
    fits the tightened bounds. Returns (tightened, untightened)."""
    tight, loose = solve(_with(sc, True)), solve(_with(sc, False))
    # both within the scenario's own gap of the optimum: they agree to twice that
    rel = max(REL, 2 * sc.settings.mip_gap)
    assert tight.status.has_plan == loose.status.has_plan, (tight.status, loose.status)
    if not loose.status.has_plan:
        return tight, loose
    for sol in (tight, loose):
        check = verify(sc, sol)
        assert check.ok, str(check)
    for a, b in zip(_value(tight), _value(loose), strict=True):
        assert a == pytest.approx(b, rel=rel, abs=1e-6), (_value(tight), _value(loose))
    data = prepare(_with(sc, True), pooled=loose.pooled)
    tol = 1e-6
    for (p, i, n), by_period in _arrivals(sc, loose).items():
        bound = bounds_of(data).get((p, i, n))
        for a, units in by_period.items():
            assert units <= order_upper(data, (p, i, n, a, 0)) + tol, (p, i, n, a, units)
            if bound is not None:
                later = sum(u for t, u in by_period.items() if t >= a)
                assert later <= bound[a] + tol, (p, i, n, a, later, bound[a])
    return tight, loose


# ------------------------------------------------------------------ generated instances


@pytest.mark.parametrize(
    ("family", "seed", "objective"),
    [
        ("lp", 0, "weighted"),
        ("lp", 1, "needs_first"),
        ("mip", 0, "weighted"),
        ("mip", 1, "weighted"),
        ("mip", 2, "needs_first"),
        ("mip", 3, "weighted"),
    ],
)
def test_generated_optima_agree(family: str, seed: int, objective: str) -> None:
    assert_same_optimum(generate("S", family, seed, objective))


@pytest.mark.parametrize(("family", "seed"), [("mip", 0), ("mip", 1), ("eda", 0)])
def test_generated_optima_agree_building_ahead(family: str, seed: int) -> None:
    """Every other offer builds ahead (every offer of the ``eda`` family already does): the
    bounds summed over the periods cut no plan of the makers that hold units. Needs first:
    both key figures are then unique optima (weighted, mip-S seed 0 has two plans of the
    same objective that split it differently between shortfall and other penalties)."""
    raw = generate("S", family, seed, "needs_first").model_dump()
    for p, producer in enumerate(raw["producers"]):
        for offer in producer["offers"]:
            offer["build_ahead"] = offer["build_ahead"] or p % 2 == 0
    assert_same_optimum(validate(raw))


@pytest.mark.parametrize("family", ["lp", "mip"])
def test_bound_never_above_capacity(family: str) -> None:
    """Tightening never loosens a row: every order's big-M is at most its capacity."""
    data = prepare(generate("S", family, 0))
    loose = prepare(_with(generate("S", family, 0), False))
    assert bounds_of(loose) == {}
    assert data.orders == loose.orders
    for o in data.orders:
        assert order_upper(data, o) <= order_upper(loose, o)
        assert order_upper(loose, o) == data.offers[o[0], o[1]].upper[o[3]]


# ------------------------------------------------------------------ hand cases, library


CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "scenario.yaml").is_file())


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_optima_agree(name: str) -> None:
    from aggregate.io import load

    assert_same_optimum(load(CASES / name / "scenario.yaml"))


@pytest.mark.parametrize(
    "path",
    [
        "eu-1m-shells-2023/scenario.yaml",
        "sustainment-barrels/scenario.yaml",
        "air-defence-interceptors/scenario.yaml",
        "teaching/pooling-tiers/scenario.yaml",
        "teaching/floor-blocks-donation/scenario.yaml",
        "teaching/fund-key/scenario.yaml",
        "teaching/expansion-pays-off/scenario.yaml",
        "teaching/component-bottleneck/scenario.yaml",
    ],
)
def test_library_optima_agree(path: str) -> None:
    from aggregate.io import load

    assert_same_optimum(load(ROOT / "models" / path))


# ------------------------------------------------------------------ rules that buy beyond use


def _one_offer(offer: dict[str, Any], quantity: float = 60, **fields: Any) -> Scenario:
    return scenario(
        demands=[
            {"id": "d", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": quantity}
        ],
        producers=[{"id": "P", "country": "DEU", "offers": [{"item": "shell", **offer}]}],
        **fields,
    )


def _bought(sol: Solution) -> float:
    return float(sol.tables["orders"]["quantity"].sum())


@pytest.mark.parametrize(
    ("offer", "bought"),
    [
        # a tier above the demand: 100 at 5 = 500 beats 60 at 10 = 600
        ({"capacity": 1000, "price": 10, "tiers": [{"min_volume": 100, "price": 5}]}, 100),
        # a minimum order above the demand: 80 units or none (none leaves 60 short)
        ({"capacity": 1000, "price": 10, "min_order": 80}, 80),
        # whole lots of 25: 3 lots = 75 >= 60
        ({"capacity": 1000, "price": 10, "lot_size": 25}, 75),
        # a commitment above the demand: UKR orders at least 80
        ({"capacity": 1000, "price": 10, "commitments": [{"nation": "UKR", "min_volume": 80}]}, 80),
    ],
)
def test_rules_forcing_more_than_use(offer: dict[str, Any], bought: float) -> None:
    sc = _one_offer(offer, quantity=60, periods=["P1"])
    tight, loose = assert_same_optimum(sc)
    assert _bought(tight) == pytest.approx(bought)
    assert _bought(loose) == pytest.approx(bought)
    # the bound is the units bought (what the rule forces, above the demand), not 1,000
    data = prepare(sc)
    assert bounds_of(data)["P", "shell", "UKR"] == [pytest.approx(bought)]


def test_stock_floor_and_refill_target() -> None:
    """Demand 20 in P1, a hard floor of 30 from an empty stock, and a refill target of 50 by
    P2: 20 + 50 = 70 units bought (the floor, 30, is below the target)."""
    sc = _one_offer(
        {"capacity": 1000, "price": 10},
        quantity=20,
        periods=["P1", "P2"],
        stockpiles=[
            {
                "nation": "UKR",
                "item": "shell",
                "on_hand": 0,
                "floor": 30,
                "refill_target": 50,
                "refill_by": "P2",
            }
        ],
    )
    tight, _ = assert_same_optimum(sc)
    assert _bought(tight) == pytest.approx(70)


def test_warehouse_location_bound_is_the_demand() -> None:
    """OR-Library cap41: each flow's big-M is the customer's demand (in the textbook strong
    formulation, x_ij <= d_j y_i), not the warehouse's capacity."""
    sc = orlib_scenario(ROOT / "tests" / "reference" / "orlib-cap41.txt")
    data = prepare(sc)
    demand = {d.nation: d.quantity for d in sc.demands}
    for o in data.orders:
        assert order_upper(data, o) == pytest.approx(
            min(demand[o[2]], data.offers[o[0], o[1]].upper[o[3]])
        )
    assert any(order_upper(data, o) < data.offers[o[0], o[1]].upper[o[3]] for o in data.orders)
    bounds = contract_upper(data)
    for total, _ in bounds.values():
        assert total <= sum(demand.values()) + 1e-9


def test_capacity_counts_only_expansions_ready_by_then() -> None:
    """tests/cases/expansion-ramps-up: P has no base capacity and a line of 20 started in P1
    at the latest, ready one period later, ramping 25%, 50%, then 100%. The big-M of P's
    orders is 0 in P1 (not ready), 5 in P2, 10 in P3 and 20 in P4, not 20 throughout; the
    route bound (demand 10 each in P2..P4: 30, 30, 20, 10 from each period on) is above
    each but P4's 10 (min(20, 10))."""
    from aggregate.io import load

    sc = load(CASES / "expansion-ramps-up" / "scenario.yaml")
    data = prepare(sc)
    assert data.offers["P", "shell"].upper == [20.0] * 4
    got = [order_upper(data, ("P", "shell", "UKR", a, 0)) for a in range(4)]
    assert got == [0.0, 5.0, 10.0, 10.0]
    assert bounds_of(data)["P", "shell", "UKR"] == [30.0, 30.0, 20.0, 10.0]
    assert_same_optimum(sc)


# ------------------------------------------------------------------ rules coupling routes
# A rule whose limit grows with other routes' volume can make one nation buy beyond its own
# use for another's sake: such routes keep the capacity bound (or, for a consortium, one lot).


def _key(sol: Solution) -> tuple[float, float]:
    """(weighted shortfall, cost plus penalties) of ``sol``, rounded for comparison."""
    short, cost = _value(sol)
    return round(short, 6), round(cost, 6)


@pytest.mark.parametrize("objective", ["needs_first", "weighted"])
def test_procurement_share_counts_every_nation_on_the_contract(objective: str) -> None:
    """The fund pays POL's orders up to 50% of the pooled contract's value, POL's own
    budget is 300. 100 shells for POL at 10 need a payment of 1,000 - 300 = 700, so a
    contract worth 1,400: DEU buys 40 (its use is 10), the fund pays 700. Bounded by DEU's
    use (10), the contract is worth at most 10 x_POL + 100 and POL pays 5 x_POL - 50 <= 300,
    so x_POL <= 70: 30 short."""
    sc = scenario(
        nations=[
            {"code": "POL", "name": "Poland", "budget": 300},
            {"code": "DEU", "name": "Germany", "gni": 300, "budget": 100000},
        ],
        demands=[
            {"id": "pol", "nation": "POL", "capability": "fire", "period": "P1", "quantity": 100},
            {"id": "deu", "nation": "DEU", "capability": "fire", "period": "P1", "quantity": 10},
        ],
        producers=[
            {
                "id": "P",
                "country": "FRA",
                "offers": [{"item": "shell", "capacity": 1000, "price": 10}],
            }
        ],
        funds=[
            {
                "id": "EU",
                "name": "EU",
                "members": ["DEU"],
                "contribution": {"rule": "key", "basis": "gni"},
                "uses": ["procurement"],
                "eligible_beneficiaries": ["POL"],
                "max_procurement_share": 0.5,
            }
        ],
        settings={"objective": objective},
    )
    tight, _ = assert_same_optimum(sc)
    assert _key(tight) == (0.0, 1400.0)
    assert ("P", "shell", "DEU") not in bounds_of(prepare(sc))


def test_consortium_member_without_use_may_join() -> None:
    """A fund pays only on contracts three nations join. POL and CZE (no money) need 100
    each; DEU (the fund's member) needs none, but joins with one shell: 201 shells at 10 =
    2,010, nothing short. Bounded by its use (0), DEU could not join: 200 short."""
    sc = scenario(
        nations=[
            {"code": "POL", "name": "Poland", "budget": 0},
            {"code": "CZE", "name": "Czechia", "budget": 0},
            {"code": "DEU", "name": "Germany", "gni": 300, "budget": 100000},
        ],
        demands=[
            {"id": "pol", "nation": "POL", "capability": "fire", "period": "P1", "quantity": 100},
            {"id": "cze", "nation": "CZE", "capability": "fire", "period": "P1", "quantity": 100},
        ],
        stockpiles=[{"nation": "DEU", "item": "shell", "on_hand": 0}],
        producers=[
            {
                "id": "P",
                "country": "FRA",
                "offers": [{"item": "shell", "capacity": 1000, "price": 10}],
            }
        ],
        funds=[
            {
                "id": "EU",
                "name": "EU",
                "members": ["DEU"],
                "contribution": {"rule": "key", "basis": "gni"},
                "uses": ["procurement"],
                "eligible_beneficiaries": ["POL", "CZE"],
                "min_nations_per_contract": 3,
            }
        ],
        settings={"objective": "needs_first"},
    )
    tight, _ = assert_same_optimum(sc)
    assert _key(tight) == (0.0, 2010.0)
    assert bounds_of(prepare(sc))["P", "shell", "DEU"] == [1.0]


def test_component_origin_counts_every_feed_of_the_producer() -> None:
    """SAFE pays UKR's 100 shells (UKR has no money) if at most 35% of the component value
    fed to P comes from outside. Fuzes: 40 inside at 13 (520), so 60 outside at 7 (420).
    Charges (one propellant, inside, 20 each) for FRA, which needs 1: 420 <= 0.35 (940 +
    20 c) needs c >= 13, so FRA buys 13 charges at 5: 1,000 + 65 = 1,065, nothing short.
    Bounded by FRA's use (1 charge), UKR gets fewer shells."""
    sc = scenario(
        nations=[
            {"code": "UKR", "name": "Ukraine", "budget": 0},
            {"code": "DEU", "name": "Germany", "gni": 300},
            {"code": "FRA", "name": "France", "gni": 100},
        ],
        items=[
            {"id": "shell", "components": {"fuze": 1}},
            {"id": "charge", "components": {"propellant": 1}},
        ],
        capabilities=[
            {"id": "fire", "satisfied_by": [{"item": "shell"}]},
            {"id": "boost", "satisfied_by": [{"item": "charge"}]},
        ],
        components=[{"id": "fuze", "unit": "piece"}, {"id": "propellant", "unit": "piece"}],
        component_suppliers=[
            {
                "id": "OUT",
                "name": "out",
                "country": "USA",
                "component": "fuze",
                "capacity": 100,
                "price": 7,
            },
            {
                "id": "EUS",
                "name": "in",
                "country": "FRA",
                "component": "fuze",
                "capacity": 40,
                "price": 13,
            },
            {
                "id": "INS",
                "name": "in2",
                "country": "FRA",
                "component": "propellant",
                "capacity": 1000,
                "price": 20,
            },
        ],
        demands=[
            {"id": "u", "nation": "UKR", "capability": "fire", "period": "P1", "quantity": 100},
            {"id": "f", "nation": "FRA", "capability": "boost", "period": "P1", "quantity": 1},
        ],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [
                    {"item": "shell", "capacity": 500, "price": 10},
                    {"item": "charge", "capacity": 500, "price": 5},
                ],
            }
        ],
        funds=[
            {
                "id": "SAFE",
                "name": "SAFE",
                "members": ["DEU", "FRA"],
                "contribution": {"rule": "key", "basis": "gni"},
                "uses": ["procurement"],
                "eligible_beneficiaries": ["UKR"],
                "component_origin": {
                    "countries": ["DEU", "FRA", "UKR"],
                    "max_outside_share": 0.35,
                },
            }
        ],
        settings={"objective": "needs_first"},
    )
    tight, _ = assert_same_optimum(sc)
    assert _key(tight) == (0.0, 1065.0)
    assert ("P", "charge", "FRA") not in bounds_of(prepare(sc))


# ------------------------------------------------------------------ capacity in whole lots


def _lp_bound(sc: Scenario) -> float:
    """The linear relaxation's optimum of ``sc``'s weighted model (every integer relaxed)."""
    from benchmarks import direct
    from benchmarks.bounds import lp_bound

    model, _ = direct.build(sc, "weighted")
    found = lp_bound(direct.compile_matrices(model))["lp_bound"]
    assert found is not None
    return float(found)


def _lots_case(expansion: bool) -> Scenario:
    """UKR and POL each need 150 in P1 from one offer of 256.5 a period in lots of 10 (price
    10): each nation's lots alone may fill the capacity (25 lots, the column bound), so only
    the row over both nations holds their sum to 25. With ``expansion``, UKR alone needs
    300 in P1 and P2 and a line adding 15 a period (investment 1) can be ready in P2."""
    periods = ["P1", "P2"] if expansion else ["P1"]
    need = {"UKR": 300} if expansion else {"UKR": 150, "POL": 150}
    lines = [
        {
            "id": "line",
            "producer": "P",
            "item": "shell",
            "added_capacity": 15,
            "investment_cost": 1,
            "lead_periods": 1,
            "latest_start": "P1",
        }
    ]
    return scenario(
        periods=periods,
        nations=[{"code": "UKR", "name": "Ukraine"}, {"code": "POL", "name": "Poland"}],
        demands=[
            {"id": f"{n}{t}", "nation": n, "capability": "fire", "period": t, "quantity": q}
            for t in periods
            for n, q in need.items()
        ],
        producers=[
            {
                "id": "P",
                "country": "DEU",
                "offers": [{"item": "shell", "capacity": 256.5, "price": 10, "lot_size": 10}],
            }
        ],
        expansions=lines if expansion else [],
        settings={"objective": "weighted"},
    )


def test_capacity_in_whole_lots_closes_the_relaxation() -> None:
    """256.5 a period in lots of 10 holds 25 lots: the plan buys 250 and leaves 50 short
    (50 x 1e5 penalty + 250 x 10 = 5,002,500). Without ``capacity_lots_upper`` the
    relaxation buys 256.5: 6.5 fewer short, 6.5 x (1e5 - 10) = 649,935 below the optimum;
    with it, the lots of both nations sum to at most floor(25.65) = 25 and the relaxation
    is the optimum."""
    sc = _lots_case(expansion=False)
    tight, loose = assert_same_optimum(sc)
    assert _bought(tight) == pytest.approx(250) == _bought(loose)
    assert sum(_value(tight)[1:]) == pytest.approx(5_002_500)
    assert _lp_bound(_with(sc, True)) == pytest.approx(5_002_500, rel=1e-9)
    assert _lp_bound(_with(sc, False)) == pytest.approx(5_002_500 - 649_935, rel=1e-9)


def test_capacity_in_whole_lots_rounds_an_expansion_up() -> None:
    """The line adds 15 a period from P2: 271.5 holds 27 lots, so its coefficient is
    ceil(1.5) = 2 lots (floor(25.65) + 2 = 27); a coefficient of 1 would cut the 27th lot.
    Both settings buy 250 in P1 and 270 in P2, with the line built."""
    sc = _lots_case(expansion=True)
    tight, loose = assert_same_optimum(sc)
    for sol in (tight, loose):
        at = _arrivals(sc, sol)["P", "shell", "UKR"]
        assert [at[0], at[1]] == [pytest.approx(250), pytest.approx(270)]
    rows = linear(build_model(prepare(_with(sc, True)))).rows["capacity_lots_upper"]
    assert [tuple(k) for k in rows.keys] == [("P", "shell", 0), ("P", "shell", 1)]


def _lots_capacity(sc: Scenario, capacity: float) -> Scenario:
    raw = sc.model_dump(mode="json", exclude_none=True)
    raw["producers"][0]["offers"][0]["capacity"] = capacity
    return validate(raw)


def test_capacity_in_whole_lots_keeps_a_free_row_where_the_room_is_whole() -> None:
    """250 a period is 25 whole lots: the period keeps its row, without a bound (it would
    cut nothing), so a re-solve that moves the capacity between whole and not whole lots
    (256.5, 250, 263.2) changes bounds only and reuses the model. Each plan is the fresh
    solve's: 25, 25 and 26 lots (250, 250, 260 bought, 300 needed)."""
    base = _with(_lots_case(expansion=False), True)
    lin = linear(build_model(prepare(_lots_capacity(base, 250))))
    r = lin.rows["capacity_lots_upper"].start
    assert (lin.row_lower[r], lin.row_upper[r]) == (-math.inf, math.inf)
    resolver = Resolver(base)
    for capacity, bought in ((256.5, 250), (250, 250), (263.2, 260), (256.5, 250)):
        sc = _lots_capacity(base, capacity)
        plan = resolver.solve(sc)
        assert resolver.last_reason == "", capacity
        check = verify(sc, plan)
        assert check.ok, str(check)
        assert _bought(plan) == pytest.approx(bought)
        assert _value(plan) == pytest.approx(_value(solve(sc)), rel=1e-9)
    assert (resolver.rebuilds, resolver.reuses) == (1, 3)


def test_a_first_plan_at_the_relaxation_bound_skips_the_search(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With the capacity in whole lots the relaxation's optimum is the optimum (5,002,500,
    above), so the heuristic's first plan is proven within the gap by it and no branch and
    bound runs; without the rows the relaxation is 649,935 lower (13% of the plan, above
    the scenario's 1e-6 gap) and HiGHS searches. Both end at 5,002,500."""
    for tighten, skipped in ((True, True), (False, False)):
        sc = _with(_lots_case(expansion=False), tighten)
        sc = sc.model_copy(
            update={"settings": sc.settings.model_copy(update={"first_plan": "heuristic"})}
        )
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="aggregate.model.highs"):
            plan = solve(sc)
        assert ("no branch and bound" in caplog.text) is skipped, tighten
        check = verify(sc, plan)
        assert check.ok, str(check)
        assert sum(_value(plan)[1:]) == pytest.approx(5_002_500)
