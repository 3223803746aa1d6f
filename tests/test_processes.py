"""Solving across processes and signals: forks, thread counts, Ctrl-C, killed drivers.

Anything that could hang (a fork after HiGHS started its threads, a signal) runs in a
subprocess with a timeout, so a hang fails the test instead of blocking the suite.
"""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
import yaml

import aggregate
from aggregate.result import SolveStatus
from aggregate.schema.settings import SOLVERS
from aggregate.status import from_highs, from_legacy, from_pyomo

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "models" / "teaching"
CLI = [str(Path(sys.executable).parent / "aggregate")]


def _python(code: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter at the repository root."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _generated(tmp_path: Path, size: str, family: str, **settings: Any) -> Path:
    from benchmarks.generator import generate_raw

    raw = generate_raw(size, family, 0, objective="needs_first")
    raw.setdefault("settings", {}).update(settings)
    path = tmp_path / f"{family}-{size}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


# ------------------------------------------------------------------ forks and thread counts


def test_solving_after_a_fork_and_with_changing_threads_stays_optimal() -> None:
    done = _python(
        """
        import concurrent.futures as cf, multiprocessing
        import aggregate
        from aggregate.games import CoalitionGame
        from aggregate.study import Study, run_study

        tiers = aggregate.load("models/teaching/pooling-tiers/scenario.yaml")
        fund = aggregate.load("models/teaching/fund-key/scenario.yaml")
        assert aggregate.solve(tiers).status == "optimal"   # HiGHS's threads now run
        fork = multiprocessing.get_context("fork")
        study = Study.model_validate({
            "name": "forked", "base": tiers.model_dump(mode="json"),
            "variants": [{"name": "half", "overrides": [
                {"path": "demands[*].quantity", "op": "scale", "value": 0.5}]}],
        })
        import tempfile, pathlib
        with tempfile.TemporaryDirectory() as tmp, cf.ProcessPoolExecutor(
            2, mp_context=fork
        ) as pool:
            result = run_study(study, executor=pool, store=pathlib.Path(tmp) / "s.duckdb",
                               progress=False)
            assert (result.ok, result.failed, result.lost) == (2, 0, 0), result
            game = CoalitionGame(fund, executor=pool)
            values = game.solve_groups(
                [frozenset([p]) for p in game.players] + [game.grand])
            assert all(v.status == "optimal" for v in values.values()), values
        for threads in (2, 1, 3, None, 2):
            plan = aggregate.solve(tiers, threads=threads)
            assert plan.status == "optimal", (threads, plan.status, plan.message)
        print("all optimal")
        """,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "all optimal" in done.stdout


# ----------------------------------------------------------------------- quiet by default


def test_a_library_solve_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    plan = aggregate.solve(aggregate.load(TEACHING / "pooling-tiers" / "scenario.yaml"))
    assert plan.status == "optimal"
    assert capfd.readouterr() == ("", "")
    # HiGHS prints its banner once per process, at the first instance: a fresh one
    done = _python(
        """
        import aggregate
        sc = aggregate.load("models/teaching/pooling-tiers/scenario.yaml")
        for solver in ("highs", "appsi_highs"):
            assert aggregate.solve(sc, solver=solver).status == "optimal"
        """
    )
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("", "")


# --------------------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_stops_aggregate_solve_and_shows_what_it_reached(tmp_path: Path) -> None:
    slow = _generated(tmp_path, "L", "mip")  # about 30 s and more to optimality
    proc = subprocess.Popen(
        [*CLI, "solve", str(slow), "--log"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # importing the package takes 5 s or more on a busy 2-core machine: a signal sent
        # at a fixed time could land inside the imports. Wait for HiGHS's first log line,
        # then interrupt well inside the solve
        assert proc.stdout is not None
        seen: list[str] = []
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            line = proc.stdout.readline()
            seen.append(line)
            if not line or "HiGHS" in line:
                break
        assert seen and "HiGHS" in seen[-1], "".join(seen)
        time.sleep(2)
        assert proc.poll() is None, "".join(seen)
        sent = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        latency = time.perf_counter() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, out
    assert "interrupted" in out
    # HiGHS checks its interrupt callback every few seconds; then the payer stage, the
    # plan's extraction and its tables, on a busy 2-core machine
    assert latency < 30, latency


def test_ctrl_c_between_two_solver_runs_is_an_interrupt() -> None:
    """A Ctrl-C that lands in Python, between two HiGHS runs, skips the runs after it:
    the solve says ``interrupted``, not ``time_limit`` (a skipped run has a zero time
    limit, but HiGHS's interrupt callback, which sees the stop, ends it first)."""
    from aggregate.model.highs import ctrl_c_stops_highs
    from aggregate.verify import verify
    from tests.support import scenario
    from tests.test_study_runner import pooling_raw

    sc = scenario(**{k: v for k, v in pooling_raw().items() if k != "name"})
    with ctrl_c_stops_highs() as stop:
        os.kill(os.getpid(), signal.SIGINT)  # handled at once, before the first run
        assert stop.is_set()
        plan = aggregate.solve(sc)
    assert plan.status is SolveStatus.INTERRUPTED_NO_PLAN, plan.status
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    # outside the watch, the next solve is not touched by the earlier stop
    again = aggregate.solve(sc)
    assert again.status is SolveStatus.OPTIMAL
    assert verify(sc, again).ok


def test_status_mapping_of_highs() -> None:
    import highspy

    ms = highspy.HighsModelStatus
    assert from_highs(ms.kOptimal, True)[0] is SolveStatus.OPTIMAL
    assert from_highs(ms.kTimeLimit, True)[0] is SolveStatus.TIME_LIMIT
    assert from_highs(ms.kTimeLimit, False)[0] is SolveStatus.TIME_LIMIT_NO_PLAN
    assert from_highs(ms.kInterrupt, True)[0] is SolveStatus.INTERRUPTED
    assert from_highs(ms.kInterrupt, False)[0] is SolveStatus.INTERRUPTED_NO_PLAN
    assert from_highs(ms.kIterationLimit, False)[0] is SolveStatus.ITERATION_LIMIT_NO_PLAN
    assert from_highs(ms.kSolutionLimit, True)[0] is SolveStatus.ITERATION_LIMIT
    assert from_highs(ms.kMemoryLimit, True)[0] is SolveStatus.MEMORY_LIMIT
    assert from_highs(ms.kMemoryLimit, False)[0] is SolveStatus.MEMORY_LIMIT_NO_PLAN
    assert from_highs(ms.kInfeasible, False)[0] is SolveStatus.INFEASIBLE
    assert from_highs(ms.kUnbounded, False)[0] is SolveStatus.UNBOUNDED
    assert from_highs(ms.kSolveError, False)[0] is SolveStatus.ERROR
    for status in SolveStatus:
        if status.has_plan and status is not SolveStatus.OPTIMAL:
            assert not status.stopped(False).has_plan and status.stopped(False) is not status


def test_status_mapping_of_pyomo_termination_conditions() -> None:
    from pyomo.contrib.solver.common.results import TerminationCondition as C
    from pyomo.opt import TerminationCondition as L

    expected = {
        L.optimal: (SolveStatus.OPTIMAL, SolveStatus.ERROR),
        L.maxTimeLimit: (SolveStatus.TIME_LIMIT, SolveStatus.TIME_LIMIT_NO_PLAN),
        L.maxIterations: (SolveStatus.ITERATION_LIMIT, SolveStatus.ITERATION_LIMIT_NO_PLAN),
        L.maxEvaluations: (SolveStatus.ITERATION_LIMIT, SolveStatus.ITERATION_LIMIT_NO_PLAN),
        L.userInterrupt: (SolveStatus.INTERRUPTED, SolveStatus.INTERRUPTED_NO_PLAN),
        L.resourceInterrupt: (SolveStatus.MEMORY_LIMIT, SolveStatus.MEMORY_LIMIT_NO_PLAN),
        L.infeasible: (SolveStatus.INFEASIBLE, SolveStatus.INFEASIBLE),
        L.unbounded: (SolveStatus.UNBOUNDED, SolveStatus.UNBOUNDED),
        L.feasible: (SolveStatus.TIME_LIMIT, SolveStatus.ERROR),
        L.solverFailure: (SolveStatus.ERROR, SolveStatus.ERROR),
    }
    for tc, (with_plan, without) in expected.items():
        assert from_legacy(tc, True)[0] is with_plan, tc
        assert from_legacy(tc, False)[0] is without, tc
    for tc in L:  # every condition maps to some status, never raises
        assert isinstance(from_legacy(tc, False)[0], SolveStatus)
    assert from_pyomo(C.convergenceCriteriaSatisfied, True)[0] is SolveStatus.OPTIMAL
    assert from_pyomo(C.maxTimeLimit, False)[0] is SolveStatus.TIME_LIMIT_NO_PLAN
    assert from_pyomo(C.iterationLimit, True)[0] is SolveStatus.ITERATION_LIMIT
    assert from_pyomo(C.interrupted, True)[0] is SolveStatus.INTERRUPTED
    assert from_pyomo(C.provenInfeasible, False)[0] is SolveStatus.INFEASIBLE
    for tc in C:
        assert isinstance(from_pyomo(tc, False)[0], SolveStatus)


def test_a_pyomo_solver_gets_the_time_limit(tmp_path: Path) -> None:
    import pyomo.environ as pyo

    if not pyo.SolverFactory("scip_direct").available(exception_flag=False):
        pytest.skip("SCIP (pyscipopt) is not installed")
    from benchmarks.generator import generate

    started = time.perf_counter()
    plan = aggregate.solve(generate("L", "mip", 0), solver="scip_direct", time_limit=2)
    assert plan.status in (SolveStatus.TIME_LIMIT, SolveStatus.TIME_LIMIT_NO_PLAN)
    assert time.perf_counter() - started < 30


# ---------------------------------------------------------------- killed or stopped drivers


def _study(tmp_path: Path) -> Path:
    # mip-M: about a second per variant; 24 variants on two workers outlast the signal
    base = _generated(tmp_path, "M", "mip")
    study = {
        "name": "to-kill",
        "base": base.name,
        "solve": {"threads": 1, "objective": "weighted"},
        "samples": [{"name": "d", "count": 24, "seed": 1, "parameters": {"q": {
            "path": "demands[*].quantity", "op": "scale", "distribution": "uniform",
            "low": 0.9, "high": 1.1}}}],
    }  # fmt: skip
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(study))
    return path


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_stopped_study_driver_leaves_no_process_behind(tmp_path: Path, sig: int) -> None:
    study = _study(tmp_path)
    proc = subprocess.Popen(
        [*CLI, "study", str(study), "--workers", "2", "--store", str(tmp_path / "s.duckdb")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    children: list[psutil.Process] = []
    try:
        driver = psutil.Process(proc.pid)
        deadline = time.monotonic() + 60
        # the forkserver and its two workers (plus the resource tracker), solving
        while len(children) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
            children = driver.children(recursive=True)
        assert len(children) >= 3, children
        time.sleep(1.0)  # let the workers start solving
        children = driver.children(recursive=True)
        os.kill(proc.pid, sig)
        proc.wait(timeout=20)
        out = proc.stdout.read() if proc.stdout else ""
        if sig == signal.SIGTERM:
            assert proc.returncode == 130, out
            assert "study stopped" in out
        gone_by = time.monotonic() + 10
        alive = children
        while alive and time.monotonic() < gone_by:
            time.sleep(0.2)
            alive = [c for c in children if _alive(c)]
        assert not alive, [(c.pid, c.cmdline()) for c in alive]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        # only the driver's own processes: the test process's resource tracker and
        # forkserver serve the tests that follow
        for child in children:
            if _alive(child):
                child.kill()


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


# ------------------------------------------------------------------- no input runs a program


def test_a_solver_path_is_rejected_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    script = tmp_path / "x.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n")
    script.chmod(0o755)
    raw = yaml.safe_load((TEACHING / "pooling-tiers" / "scenario.yaml").read_text())
    raw.setdefault("settings", {})["solver"] = str(script)
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(raw))
    for command in (["validate", str(scenario)], ["solve", str(scenario)]):
        done = subprocess.run([*CLI, *command], capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "settings.solver" in done.stdout + done.stderr
    good = TEACHING / "pooling-tiers" / "scenario.yaml"
    done = subprocess.run(
        [*CLI, "solve", str(good), "--solver", str(script)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "highs" in done.stdout + done.stderr  # the choices are listed
    with pytest.raises(ValueError, match="unknown solver"):
        aggregate.solve(aggregate.load(good), solver=str(script))
    assert not marker.exists()


def test_solver_factory_is_called_only_behind_the_allowlist() -> None:
    """Every ``SolverFactory(...)`` call in the package sits in a function that checks the
    name against the allowlist (``check_solver``) in the same call."""
    sites = []
    for path in (ROOT / "aggregate").rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Call) and _name(node.func) == "SolverFactory":
                    sites.append((path.name, func.name))
                    assert len(node.args) == 1 and isinstance(node.args[0], ast.Call)
                    assert _name(node.args[0].func) == "check_solver", (path, func.name)
        # no call at module level either
        for node in tree.body:
            for sub in ast.walk(node):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    break
                assert not (isinstance(sub, ast.Call) and _name(sub.func) == "SolverFactory")
    assert sites == [("solve.py", "_pyomo_solver")]
    assert "highs" in SOLVERS and not any("/" in s for s in SOLVERS)


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""
