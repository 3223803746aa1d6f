"""Running studies on a local process pool: results stored, failures recorded, retries.

The base is the pooling-tiers case worked out by hand: Estonia and Latvia each need 60
shells; base price 10, and from a pooled volume of 100 every unit costs 8. Pooled:
120 * 8 = 960; going alone: 2 * 60 * 10 = 1200.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest

from aggregate.study import Job, Outcome, Store, Study, run_study, run_variant
from aggregate.verify import verify
from tests.support import scenario


def pooling_raw() -> dict[str, Any]:
    """The hand-worked pooling case as raw data (a fresh dict each call)."""
    return {
        "name": "pooling",
        "periods": ["P1"],
        "nations": [{"code": "EST", "name": "Estonia"}, {"code": "LVA", "name": "Latvia"}],
        "items": [{"id": "shell"}],
        "capabilities": [{"id": "fire", "satisfied_by": [{"item": "shell"}]}],
        "demands": [
            {"id": "e", "nation": "EST", "capability": "fire", "period": "P1", "quantity": 60},
            {"id": "l", "nation": "LVA", "capability": "fire", "period": "P1", "quantity": 60},
        ],
        "producers": [
            {
                "id": "P",
                "country": "DEU",
                "offers": [
                    {
                        "item": "shell",
                        "capacity": 500,
                        "price": 10,
                        "tiers": [{"min_volume": 100, "price": 8}],
                    },
                ],
            }
        ],
        "settings": {},
    }


OFFER = "producers[P].offers[shell]"
INFEASIBLE = {
    # a hard refill target of 1000 shells in the only period, with 500 of capacity
    "name": "infeasible",
    "overrides": [
        {"path": "stockpiles", "op": "append",
         "value": {"nation": "EST", "item": "shell", "refill_target": 1000, "refill_by": "P1"}}
    ],
}  # fmt: skip
RAISES = {
    # solve() raises for a solver that is allowed but not installed
    "name": "raises",
    "overrides": [{"path": "settings.solver", "value": "xpress_direct"}],
}


def small_study(name: str = "small", **fields: Any) -> Study:
    """Base, two named variants and a two-point grid; every optimum known by hand."""
    spec: dict[str, Any] = {
        "name": name,
        "base": pooling_raw(),
        "variants": [
            {"name": "half-demand",
             "overrides": [{"path": "demands[*].quantity", "op": "scale", "value": 0.5}]},
            {"name": "cap-100", "overrides": [{"path": f"{OFFER}.capacity", "value": 100}]},
        ],
        "grids": [
            {"name": "tier", "axes": {"price": {"path": f"{OFFER}.tiers[0].price",
                                                "values": [7, 8]}}},
        ],
    }  # fmt: skip
    spec.update(fields)
    return Study.model_validate(spec)


# hand-computed: (total cost, units short) of each variant
EXPECTED = {
    "base": (960.0, 0.0),
    "half-demand": (600.0, 0.0),  # 60 units stay below the tier: 60 * 10
    "cap-100": (800.0, 20.0),  # 100 delivered at the tier price, 20 short
    "tier/price=7": (840.0, 0.0),  # 120 * 7
    "tier/price=8": (960.0, 0.0),  # the base itself
}


def test_study_on_a_process_pool_stores_every_variant(tmp_path: Path) -> None:
    seen: list[str] = []
    result = run_study(
        small_study(baseline=True),
        store=tmp_path / "s.duckdb",
        workers=2,
        progress=False,
        on_result=lambda done: seen.extend(done.names),
    )
    # tier/price=8 is the base: one solve, stored once, reported under both names
    assert (result.variants, result.to_run, result.ok, result.failed) == (5, 4, 4, 0)
    assert sorted(seen) == sorted(EXPECTED)
    table = result.comparison().set_index("variant")
    for name, (cost, short) in EXPECTED.items():
        assert table.loc[name, "total_cost"] == pytest.approx(cost), name
        assert table.loc[name, "short"] == pytest.approx(short), name
        assert table.loc[name, "verified"]
    # going alone: each nation buys 60 at 10 (no tier): 1200, so pooling saves 240
    assert table.loc["base", "value_cost"] == pytest.approx(240)
    assert table.loc["tier/price=7", "value_cost"] == pytest.approx(1200 - 840)
    assert table.loc["cap-100", "total_cost_change"] == pytest.approx(800 - 960)
    # exact solves (gap 0): only the base's own plan is as good as the base
    assert table.loc["tier/price=8", "equally_good"] and table.loc["base", "equally_good"]
    assert not table.loc["cap-100", "equally_good"]  # 800 against 960, 20 short against 0
    assert not table.loc["cap-100", "shortfall_within_gap"]
    assert not table.loc["half-demand", "cost_within_gap"]
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        assert len(store.results()) == 4
        demands = store.table("demands")
        # every variant's demands, both plans, rows per variant = the scenario's demands
        assert demands.groupby("variant").size().to_dict() == dict.fromkeys(EXPECTED, 2)
        alone = store.table("orders", plan="alone")
        assert set(alone["contract"]) >= {"P/shell/EST", "P/shell/LVA"}
        nations = store.by_nation().set_index(["variant", "nation"])
        assert nations.loc[("cap-100", "EST"), "demand"] == 60
        assert nations.xs("cap-100", level="variant")["short"].sum() == pytest.approx(20)
        # the stored orders are the plan: re-solving the base gives the same orders
        base = store.table("orders").query("variant == 'base'")
        assert base["quantity"].sum() == pytest.approx(120)
    again = run_study(small_study(baseline=True), store=tmp_path / "s.duckdb", progress=False)
    assert (again.to_run, again.skipped) == (0, 4)


def test_an_infeasible_and_a_raising_variant_fail_and_the_rest_is_stored(
    tmp_path: Path,
) -> None:
    study = small_study(variants=[INFEASIBLE, RAISES, small_study().variants[1]], grids=[])
    result = run_study(study, store=tmp_path / "s.duckdb", workers=2, progress=False)
    assert (result.ok, result.failed, result.lost) == (2, 2, 0)
    table = result.comparison().set_index("variant")
    assert table.loc["infeasible", "status"] == "failed"
    assert table.loc["infeasible", "solve_status"] == "infeasible"
    assert "infeasible" in table.loc["infeasible", "error"]
    assert table.loc["raises", "status"] == "failed"
    assert "xpress_direct" in table.loc["raises", "error"]
    assert table.loc["cap-100", "total_cost"] == pytest.approx(800)
    assert table.loc["base", "total_cost"] == pytest.approx(960)
    assert set(result.failures["variant"]) == {"infeasible", "raises"}
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        orders = store.table("orders")
        assert set(orders["variant"]) == {"base", "cap-100"}  # no tables for a failure
    # failures are deterministic: a re-run does not solve them again, unless asked
    again = run_study(study, store=tmp_path / "s.duckdb", workers=1, progress=False)
    assert again.to_run == 0
    again = run_study(
        study, store=tmp_path / "s.duckdb", workers=1, progress=False, rerun_failed=True
    )
    assert (again.to_run, again.failed) == (2, 2)


def die_once(marker: str, doomed: str, job: Job) -> Outcome:
    """Kill the worker process the first time ``doomed`` runs (always, if marker is '')."""
    if job.name == doomed and (not marker or not os.path.exists(marker)):
        if marker:
            Path(marker).touch()
        os._exit(1)  # the worker dies: no exception, no result
    return run_variant(job)


def test_a_dead_worker_is_retried_then_recorded_as_lost(tmp_path: Path) -> None:
    marker = str(tmp_path / "died")
    study = small_study(grids=[])
    once = functools.partial(die_once, marker, "cap-100")
    # one worker: cap-100 is alone in flight when it dies, so it is known as the culprit and
    # charged an attempt (with two, a variant in flight beside it may die with it, and then
    # neither is charged: the runner re-runs both alone, and cap-100's second run succeeds)
    result = run_study(study, store=tmp_path / "a.duckdb", workers=1, progress=False, task=once)
    assert (result.ok, result.lost) == (3, 0)
    assert os.path.exists(marker)
    table = result.comparison().set_index("variant")
    assert table.loc["cap-100", "total_cost"] == pytest.approx(800)
    with Store(tmp_path / "a.duckdb", read_only=True) as store:
        attempts = store.variants().set_index("variant")["attempts"]
    assert attempts["cap-100"] == 2 and attempts["base"] == 1

    always = functools.partial(die_once, "", "cap-100")
    result = run_study(
        study, store=tmp_path / "b.duckdb", workers=2, progress=False, task=always, retries=1
    )
    assert (result.ok, result.lost) == (2, 1)
    table = result.comparison().set_index("variant")
    assert table.loc["cap-100", "status"] == "lost"
    assert "BrokenProcessPool" in table.loc["cap-100", "error"]
    # a lost variant is tried again by the next run
    again = run_study(study, store=tmp_path / "b.duckdb", workers=1, progress=False)
    assert (again.to_run, again.ok) == (1, 1)


def test_a_given_executor_is_used_and_left_open(tmp_path: Path) -> None:
    with cf.ProcessPoolExecutor(max_workers=1) as pool:
        result = run_study(
            small_study(grids=[], variants=[]), executor=pool, store=tmp_path / "s.duckdb",
            progress=False,
        )  # fmt: skip
        assert result.ok == 1
        assert pool.submit(int, "7").result() == 7  # still usable


class _SlowStore(Store):
    """A store one of whose steps first runs a long DuckDB query, during which a signal
    arrives (the study's stop then reaches DuckDB, which turns it into its own error)."""

    def __init__(self, path: Path, slow: str, sig: signal.Signals) -> None:
        super().__init__(path)
        self.slow, self.sig = slow, sig

    def _stopped_query(self) -> None:
        # one thread: DuckDB then checks for signals between its chunks (with more, a
        # check could wait until a worker thread's long task ends, ~40 s)
        self._con.execute("SET threads = 1")
        # the query runs for tens of seconds: the signal, 1 s in, lands inside it
        timer = threading.Timer(1.0, os.kill, (os.getpid(), self.sig))
        timer.start()
        try:
            self._con.execute("SELECT sum(a) FROM range(30000000000) t(a)")
        finally:
            timer.cancel()

    def register(self, study: str, variants: Any) -> None:
        if self.slow == "register":
            self._stopped_query()
        super().register(study, variants)

    def write(self, outcome: Outcome, **kwargs: Any) -> None:
        if self.slow == "write":
            self._stopped_query()
        super().write(outcome, **kwargs)


@pytest.mark.parametrize(
    ("slow", "sig"),
    [("write", signal.SIGTERM), ("write", signal.SIGINT), ("register", signal.SIGTERM)],
)
def test_a_stop_during_a_store_query_is_a_stop(
    tmp_path: Path, slow: str, sig: signal.Signals
) -> None:
    """DuckDB turns a stop during a query into ``RuntimeError('Query interrupted')``; the
    study still reports the stop (``KeyboardInterrupt``: the CLI exits 130, not 1 with
    "Query interrupted"), before the pool starts as while it runs, for SIGTERM and Ctrl-C,
    and gives both signals their handlers back."""
    store = _SlowStore(tmp_path / "s.duckdb", slow, sig)
    with cf.ThreadPoolExecutor(max_workers=1) as pool, pytest.raises(KeyboardInterrupt) as stop:
        run_study(small_study(), executor=pool, store=store, progress=False)
    assert isinstance(stop.value.__cause__, RuntimeError)
    assert "interrupted" in str(stop.value.__cause__)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    store.close()


def test_stored_plan_is_the_solved_plan() -> None:
    # the verifier accepts the plan the task returns for the base scenario
    from aggregate.study.variants import expand

    spec = expand(small_study(variants=[], grids=[]))[0]
    job = Job(spec.hash, spec.name, spec.scenario, {}, False, True)
    outcome = run_variant(job)
    assert outcome.ok and outcome.verified
    sc = scenario(**{k: v for k, v in pooling_raw().items() if k != "name"})
    assert spec.scenario == sc.model_copy(update={"name": "pooling"})
    assert verify(spec.scenario, _as_solution(outcome)).ok


def _as_solution(outcome: Outcome) -> Any:
    from aggregate.result import Solution, SolveStatus

    return Solution(
        "pooling", SolveStatus(outcome.solve_status), periods=["P1"],
        key_figures=outcome.key_figures, tables=outcome.plans["pooled"],
    )  # fmt: skip


def test_reusing_the_model_gives_the_hand_computed_optima(tmp_path: Path) -> None:
    """``solve.reuse_model``: one worker re-solves the numbers-only variants in place."""
    study = small_study(solve={"reuse_model": True})
    result = run_study(study, store=tmp_path / "r.duckdb", workers=1, progress=False)
    assert (result.ok, result.failed) == (4, 0)
    table = result.comparison().set_index("variant")
    for name, (cost, short) in EXPECTED.items():
        assert table.loc[name, "total_cost"] == pytest.approx(cost), name
        assert table.loc[name, "short"] == pytest.approx(short), name
        assert table.loc[name, "verified"]
    # the option is part of what a stored result means: a plain run solves again
    plain = run_study(small_study(), store=tmp_path / "r.duckdb", workers=1, progress=False)
    assert plain.skipped == 0
