"""A study whose driver is SIGKILLed partway resumes with nothing lost and nothing twice."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from aggregate.study import Store, load_study, run_study
from tests.test_study_runner import OFFER, pooling_raw

ROOT = Path(__file__).resolve().parents[1]
# tier prices of the grid (8 is the base's): enough variants (12) that a slow moment of
# the test between the first stored line and the kill cannot let the study finish
PRICES = [1, 2, 3, 4, 5, 6, 7, 9, 9.5]


def _write_study(path: Path) -> Path:
    spec: dict[str, Any] = {
        "name": "resume",
        "base": pooling_raw(),
        "variants": [
            {"name": "half-demand",
             "overrides": [{"path": "demands[*].quantity", "op": "scale", "value": 0.5}]},
            {"name": "cap-100", "overrides": [{"path": f"{OFFER}.capacity", "value": 100}]},
        ],
        "grids": [
            {"name": "tier", "axes": {"price": {"path": f"{OFFER}.tiers[0].price",
                                                "values": PRICES}}},
        ],
    }  # fmt: skip
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def _expected() -> dict[str, float]:
    # 120 units at the tier price; half the demand stays below the tier (60 * 10); a
    # capacity of 100 delivers 100 at the tier price 8
    costs = {f"tier/price={p}": 120.0 * p for p in PRICES}
    return {"base": 960.0, "half-demand": 600.0, "cap-100": 800.0, **costs}


def _lines(stream: Any, out: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):
        out.put(line)
    out.put("")  # end of output


def _kill_after_first_store(study: Path, store: Path) -> list[str]:
    """Run the CLI driver, SIGKILL it (and its workers) once it has stored one variant."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "from aggregate.cli import app; app()", "study", str(study),
         "--workers", "1", "--store", str(store)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group: the workers go down with it
    )  # fmt: skip
    seen: list[str] = []
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True)
    reader.start()
    try:
        while True:
            line = lines.get(timeout=180)
            seen.append(line)
            if line.startswith("stored") or not line:
                break
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        reader.join(timeout=10)  # the pipe ends when the group is gone
        assert proc.stdout is not None
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL, seen
    return seen


def _figures(store: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    with Store(store, read_only=True) as db:
        variants = db.variants().set_index("variant").sort_index()
        orders = db.table("orders").drop(columns=["study"])
    orders = orders.sort_values(["variant", "nation"]).reset_index(drop=True)
    return variants, orders


def test_killed_driver_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    study = _write_study(tmp_path / "resume.yaml")
    store = tmp_path / "killed.duckdb"
    seen = _kill_after_first_store(study, store)
    assert any(line.startswith("stored") for line in seen), seen

    with Store(store, read_only=True) as db:
        before = db.results()
    total = len(_expected())
    assert 1 <= len(before) < total, "the kill should leave a partly run study"
    assert set(before["status"]) == {"ok"}

    result = run_study(load_study(study), store=store, workers=2, progress=False)
    assert (result.skipped, result.to_run) == (len(before), total - len(before))
    assert result.ok == total - len(before)

    with Store(store, read_only=True) as db:
        results = db.results()
        demands = db.table("demands")
        counts = db._query("SELECT hash, count(*) AS n FROM demands GROUP BY hash")
    assert len(results) == total and results["hash"].is_unique
    # every variant's two demands stored once: none half-written, none written twice
    assert (counts["n"] == 2).all() and len(counts) == total
    assert demands.groupby("variant").size().to_dict() == dict.fromkeys(_expected(), 2)

    fresh = tmp_path / "fresh.duckdb"
    run_study(load_study(study), store=fresh, workers=2, progress=False)
    a_var, a_orders = _figures(store)
    b_var, b_orders = _figures(fresh)
    figures = ["hash", "status", "total_cost", "short", "weighted_shortfall", "fill_rate"]
    pd.testing.assert_frame_equal(a_var[figures], b_var[figures])
    pd.testing.assert_frame_equal(a_orders, b_orders)
    for name, cost in _expected().items():
        assert a_var.loc[name, "total_cost"] == pytest.approx(cost), name
