"""A study on a real Dask LocalCluster (two worker processes) gives the process pool's results."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from aggregate.study import Store, run_study
from tests.test_study_runner import EXPECTED, small_study

distributed = pytest.importorskip("distributed")

FIGURES = ["total_cost", "short", "weighted_shortfall", "fill_rate", "on_time_rate"]


def _stored(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    with Store(path, read_only=True) as store:
        variants = store.variants().set_index("variant").sort_index()
        orders = store.table("orders").drop(columns=["study"])
        demands = store.table("demands").drop(columns=["study"])
    keys = ["variant", "contract", "nation", "arrival_period"]
    return (
        variants,
        orders.sort_values(keys).reset_index(drop=True),
        demands.sort_values(["variant", "demand"]).reset_index(drop=True),
    )


def test_local_cluster_matches_the_process_pool(tmp_path: Path) -> None:
    study = small_study()
    pool = run_study(study, store=tmp_path / "pool.duckdb", workers=2, progress=False)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
    ):
        dask = run_study(
            study, store=tmp_path / "dask.duckdb", scheduler=cluster.scheduler_address,
            progress=False,
        )  # fmt: skip
        workers = {w["id"] for w in cluster.scheduler_info["workers"].values()}
    assert (pool.ok, dask.ok) == (4, 4) and dask.failed == dask.lost == 0
    a_var, a_orders, a_demands = _stored(tmp_path / "pool.duckdb")
    b_var, b_orders, b_demands = _stored(tmp_path / "dask.duckdb")
    assert list(a_var.index) == list(b_var.index) == sorted(EXPECTED)
    assert (a_var["hash"] == b_var["hash"]).all()
    pd.testing.assert_frame_equal(a_var[FIGURES], b_var[FIGURES], rtol=1e-9)
    pd.testing.assert_frame_equal(a_orders, b_orders, rtol=1e-9)
    pd.testing.assert_frame_equal(a_demands, b_demands, rtol=1e-9)
    for name, (cost, _) in EXPECTED.items():
        assert b_var.loc[name, "total_cost"] == pytest.approx(cost)
    # the work really ran on the cluster's worker processes
    assert len(workers) == 2
    ran_on = set(b_var["worker"])
    assert ran_on and not ({f"{w}" for w in ran_on} & set(a_var["worker"]))
