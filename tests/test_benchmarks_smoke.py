"""The benchmark suite's smoke mode: it runs, and its numbers are consistent.

The direct-highspy objective equalling aggregate's objective is a real check of the matrix
extraction (benchmarks/direct.py): a dropped row, a wrong sense or a lost bound changes it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from benchmarks import run
from benchmarks.generator import SIZES, generate, generate_raw, order_count
from benchmarks.registry import PUBLISHED, reference_names


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    out = tmp_path_factory.mktemp("bench")
    assert run.main(["--smoke", "--out", str(out)]) == 0
    return pd.read_csv(out / "benchmarks.csv", keep_default_na=False, na_values=[""]), out


def test_smoke_writes_the_documented_files(smoke: tuple[pd.DataFrame, Path]) -> None:
    table, out = smoke
    assert list(table.columns) == run.COLUMNS
    assert list(table.instance) == [*reference_names(), "lp-S"]
    assert (out / "benchmarks.md").read_text().startswith("# aggregate benchmarks")
    assert (out / "phases.png").stat().st_size > 0
    assert (out / "ratio.png").stat().st_size > 0


def test_every_aggregate_plan_is_optimal_and_verified(smoke: tuple[pd.DataFrame, Path]) -> None:
    table, _ = smoke
    assert (table.status == "optimal").all()
    assert table.verified.astype(str).eq("True").all(), table.violations.tolist()
    assert (table.needs_first_status == "optimal").all()
    assert table.error.isna().all(), table.error.tolist()


def test_ratio_is_aggregate_over_direct(smoke: tuple[pd.DataFrame, Path]) -> None:
    table, _ = smoke
    assert (table.direct_s > 0).all()
    assert table.ratio.to_numpy() == pytest.approx((table.aggregate_s / table.direct_s).to_numpy())
    assert table.solver_share.to_numpy() == pytest.approx(
        (table.solver_s / table.aggregate_s).to_numpy()
    )


def test_direct_highspy_solves_the_same_model(smoke: tuple[pd.DataFrame, Path]) -> None:
    table, _ = smoke
    for r in table.itertuples():
        assert r.direct_objective == pytest.approx(r.objective, rel=1e-6), r.instance
        assert r.mps_objective == pytest.approx(r.objective, rel=1e-6), r.instance
        # the LP relaxation bounds the optimum from below
        assert r.lp_bound <= r.objective * (1 + 1e-9), r.instance
        assert r.root_gap == pytest.approx((r.objective - r.lp_bound) / abs(r.objective))


def test_reference_instances_reach_their_published_optima(
    smoke: tuple[pd.DataFrame, Path],
) -> None:
    table = smoke[0].set_index("instance")
    for name, optimum in PUBLISHED.items():
        assert table.loc[name, "total_cost"] == pytest.approx(optimum, rel=1e-7), name


def test_phases_add_up_to_the_end_to_end_time(smoke: tuple[pd.DataFrame, Path]) -> None:
    table, _ = smoke
    phases = table.build_s + table.handoff_s + table.solver_s + table.extract_s
    # the hand-off is the remainder: the wall clock of run() differs from HiGHS's own clock
    # by a hair (more on a busy machine), so the sum matches within some milliseconds
    assert phases.to_numpy() == pytest.approx(table.aggregate_s.to_numpy(), abs=0.02)
    assert (table[["validate_s", "build_s", "solver_s", "extract_s", "verify_s"]] >= 0).all().all()


def test_generator_is_seeded_and_sized() -> None:
    assert generate_raw("S", "mip", seed=3) == generate_raw("S", "mip", seed=3)
    assert generate_raw("S", "mip", seed=3) != generate_raw("S", "mip", seed=4)
    dims = SIZES["lp"]["S"]
    # lp family: lead times 0, no tiers: every producer-item-nation-period has one order
    assert order_count(generate("S", "lp")) == dims.nominal_orders()
    assert dims.nominal_orders() == 3 * 2 * 4 * 4 * 1
    # mip family: leads are 0 or 1, tiers multiply the orders
    mip = SIZES["mip"]["S"]
    assert mip.nominal_orders(lead=1) <= order_count(generate("S", "mip")) <= mip.nominal_orders()
    assert SIZES["lp"]["XL"].nominal_orders() >= 1_000_000


def test_unknown_instance_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown benchmark instance lp/XXL"):
        generate_raw("XXL", "lp")
    # tests/reference/README.md lists Dantzig's transport problem and four CAP instances
    assert reference_names() == ["ref-trnsport", *(f"ref-cap{k}1" for k in range(4, 8))]
