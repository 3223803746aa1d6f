"""The EDA-scale and warehouse-location benchmark families (issue #16) and their columns.

The families must be valid scenarios of the stated size and features, their small sizes
solve to verified plans, and the textbook warehouse-location model (built apart with highspy
arrays) must reach the same optimum as aggregate's scenario of the same numbers: a dropped
row or a wrong unit cost on either side changes one of the two optima.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import aggregate
from aggregate.reference import orlib_scenario
from aggregate.schema.settings import SolveSettings
from benchmarks import run
from benchmarks.generator import SIZES, generate_raw
from benchmarks.registry import FAMILY_SIZES, generated_names, raw_instance
from benchmarks.textbook import solve_textbook, textbook_matrices
from benchmarks.warehouse import (
    WL_SIZES,
    Warehouses,
    generate_warehouses,
    orlib_text,
    read_orlib,
    wl_raw,
)
from tests.support import solved


def test_registry_lists_the_new_families() -> None:
    assert FAMILY_SIZES["eda"] == ["S", "M", "L"]
    assert FAMILY_SIZES["wl"] == ["S", "M", "L"]
    assert generated_names("eda", ["S", "L", "XL"]) == ["eda-S", "eda-L"]
    assert generated_names("wl", ["L"]) == ["wl-L"]
    assert raw_instance("eda-S")["name"] == "bench-eda-S-seed0"
    assert raw_instance("wl-S")["name"] == "bench-wl-S-seed0"
    with pytest.raises(ValueError, match="wl in"):
        raw_instance("wl-XL")


def test_eda_large_has_the_framework_scale_and_features() -> None:
    raw = generate_raw("L", "eda")
    scenario = aggregate.validate(raw)
    dims = SIZES["eda"]["L"]
    assert (dims.nations, dims.items, dims.producers, dims.periods) == (27, 14, 15, 36)
    assert len(scenario.nations) == 27 and len(scenario.items) == 14
    assert len(scenario.producers) == 15 and len(scenario.periods) == 36
    # one capability met by every variant, factors about 1
    (capability,) = scenario.capabilities
    factors = [e.factor for e in capability.satisfied_by]
    assert len(factors) == 14 and all(0.95 <= f <= 1.05 for f in factors)
    # every variant is offered; some nation cannot use some variant (gun qualification)
    offers = [o for p in scenario.producers for o in p.offers]
    assert {o.item for o in offers} == {i.id for i in scenario.items}
    usable = [
        set(i.systems) & set(n.systems) != set() for n in scenario.nations for i in scenario.items
    ]
    assert any(usable) and not all(usable)
    # tiers, minimum orders, lots, fixed costs, lead times of months, expansions, funds
    assert all(len(o.tiers) == 2 and o.min_order > 0 and o.lot_size for o in offers)
    assert all(o.contract_cost > 0 and 2 <= o.lead_time <= 6 for o in offers)
    assert scenario.expansions and all(f.contribution.rule == "key" for f in scenario.funds)
    assert len(scenario.funds) == 3
    assert all(s.refill_target and s.floor for s in scenario.stockpiles)
    assert all(n.budget for n in scenario.nations)
    # seeded: same seed same scenario, another seed another
    assert generate_raw("L", "eda", seed=0) == raw
    assert generate_raw("L", "eda", seed=1) != raw


@pytest.mark.parametrize("size", ["S", "M"])
def test_eda_smaller_sizes_are_valid(size: str) -> None:
    scenario = aggregate.validate(generate_raw(size, "eda"))
    assert len(scenario.nations) == SIZES["eda"][size].nations


@pytest.mark.parametrize("size", list(WL_SIZES))
def test_warehouse_instances_are_valid_and_sized(size: str) -> None:
    m, n, share = WL_SIZES[size]
    w = generate_warehouses(size)
    assert w.shape == (m, n)
    # one capacity for all warehouses, `share` of the total demand (rounded up)
    assert np.all(w.capacity == w.capacity[0])
    assert 0 <= w.capacity[0] - share * w.demand.sum() < 1
    assert w.demand.min() >= 1 and w.demand.max() <= 100
    # fixed costs in capa's range 1.35m..2.25m, scaled by n / 1000
    assert np.all((w.fixed >= 1.35e6 * n / 1000 - 1) & (w.fixed <= 2.25e6 * n / 1000 + 1))
    scenario = aggregate.validate(wl_raw(size))
    assert len(scenario.producers) == m and len(scenario.nations) == n


def test_warehouse_numbers_round_trip_the_orlib_format() -> None:
    w = generate_warehouses("S", seed=2)
    back = read_orlib(orlib_text(w))
    for a, b in zip(
        (w.capacity, w.fixed, w.demand, w.cost),
        (back.capacity, back.fixed, back.demand, back.cost),
        strict=True,
    ):
        assert np.array_equal(a, b)


def test_wl_scenario_is_what_orlib_scenario_makes_of_the_same_file(tmp_path: Path) -> None:
    """The generated scenario maps the numbers as the published instances are mapped."""
    path = tmp_path / "wlS.txt"
    path.write_text(orlib_text(generate_warehouses("S")))
    reference = orlib_scenario(path)
    ours = aggregate.validate(wl_raw("S"))
    assert [n.code for n in ours.nations] == [n.code for n in reference.nations]
    assert [d.quantity for d in ours.demands] == [d.quantity for d in reference.demands]
    for p, q in zip(ours.producers, reference.producers, strict=True):
        assert p.id == q.id
        (o,), (r,) = p.offers, q.offers
        assert (o.capacity, o.contract_cost, o.price) == (r.capacity, r.contract_cost, r.price)
        assert o.delivery_cost_to == pytest.approx(r.delivery_cost_to, rel=1e-12)


def test_textbook_model_on_a_hand_computed_instance() -> None:
    """2 warehouses (capacity 10; fixed 5 and 100), 2 customers (demand 4 and 5), serving
    all of a customer costs 8 / 10 from warehouse 0 and 4 / 5 from warehouse 1. Warehouse 0
    alone holds 9 <= 10 units: 5 + 8 + 10 = 23; warehouse 1 alone: 100 + 4 + 5 = 109; both
    pay 105 in fixed costs already. The optimum is 23."""
    w = Warehouses(
        capacity=np.array([10.0, 10.0]),
        fixed=np.array([5.0, 100.0]),
        demand=np.array([4.0, 5.0]),
        cost=np.array([[8.0, 10.0], [4.0, 5.0]]),
    )
    mat = textbook_matrices(w)
    assert mat.shape == (2 + 2 + 4, 2 + 4)
    assert solve_textbook(w)["textbook_objective"] == pytest.approx(23.0)


def test_textbook_and_aggregate_reach_the_same_optimum() -> None:
    scenario = aggregate.validate(wl_raw("S"))
    plan = solved(scenario)
    assert plan.status.value == "optimal"
    textbook = solve_textbook(generate_warehouses("S"))
    assert textbook["textbook_status"] == "optimal"
    assert plan.key_figures["total_cost"] == pytest.approx(textbook["textbook_objective"], rel=1e-6)


def test_plain_settings_are_the_known_fields_only() -> None:
    plain = run.plain_settings()
    assert set(plain) <= set(run.PLAIN)
    assert all(name in SolveSettings.model_fields for name in plain)


def test_targets_run_fills_the_issue_16_columns(tmp_path: Path) -> None:
    args = ["--family", "eda,wl", "--sizes", "S", "--repeat", "1", "--targets", "--in-process"]
    assert run.main([*args, "--out", str(tmp_path)]) == 0
    table = pd.read_csv(tmp_path / "benchmarks.csv", keep_default_na=False, na_values=[""])
    assert list(table.columns) == run.COLUMNS
    t = table.set_index("instance")
    assert list(t.index) == ["eda-S", "wl-S"]
    assert t.verified.astype(str).eq("True").all()
    assert t.error.isna().all(), t.error.tolist()
    # eda-S and wl-S solved to verified plans (aggregate.verify inside the run)
    eda, wl = t.loc["eda-S"], t.loc["wl-S"]
    assert eda.gap1_s > 0 and eda.gap1_status == "optimal"
    if run.plain_settings():
        assert eda.gap1_speedup == pytest.approx(eda.gap1_plain_s / eda.gap1_s)
    # the LP bounds bound the plan from below, with and without items 1-2
    for r in (eda, wl):
        assert r.lp_bound <= r.objective * (1 + 1e-9)
        assert r.lp_bound_plain <= r.objective * (1 + 1e-9)
        assert r.root_gap_plain == pytest.approx((r.objective - r.lp_bound_plain) / r.objective)
    assert wl.textbook_objective == pytest.approx(wl.objective, rel=1e-6)
    assert wl.textbook_ratio == pytest.approx(wl.aggregate_s / wl.textbook_s)
    assert "Issue #16 targets" in (tmp_path / "benchmarks.md").read_text()
