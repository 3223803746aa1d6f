"""Measurements, phase by phase, each runnable in a fresh process for an honest peak memory.

A *task* is a JSON-able dict; :func:`run_task` does it in this process and
:func:`run_isolated` in a fresh ``python -m benchmarks.phases`` process, whose own peak
resident set (``ru_maxrss``) is then the instance's peak memory.

Tasks:

* ``aggregate``: the user's route. ``aggregate.validate`` on the raw dict, then
  ``aggregate.solve`` (prepare + build + hand-off + HiGHS + extract), then
  ``aggregate.verify``. HiGHS's own time is read by wrapping ``highspy.Highs.run`` for the
  duration (:func:`highs_clock`), so the hand-off is whatever ``solve`` spends that is
  neither build, HiGHS nor extract, however ``solve`` reaches HiGHS.
* ``compile``: build the same model, compile it to matrices (timed), save them (``.npz``)
  and write an MPS file (timed).
* ``direct``: load the matrices, ``passModel`` + ``run`` (the limit).
* ``mps``: HiGHS reads the MPS file and solves it.
* ``relax``: the LP relaxation of the same matrices (bounds.py).
* ``solver``: one solver of the comparison on the MPS file (solvers.py).
* ``textbook``: HiGHS on the textbook warehouse-location model of a ``wl`` instance
  (textbook.py).

A task's ``settings`` (a dict) overrides the scenario's ``settings`` before validation (the
"without items 1-2" runs of issue #16), and ``solve_gap`` the MIP gap of the solve (the
time to a 1% gap).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import highspy

import aggregate
from benchmarks import direct
from benchmarks.registry import ROOT, raw_instance

log = logging.getLogger(__name__)


def peak_rss_mb() -> float:
    """This process's peak resident set so far, MiB.

    Linux's ``VmHWM`` (the high-water mark of this process's own memory map). Not
    ``ru_maxrss``: Linux carries that over from the parent through fork and exec, so a
    child of a large parent would report the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's resident set now, MiB."""
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


@contextlib.contextmanager
def highs_clock() -> Iterator[list[tuple[float, float]]]:
    """Record (wall seconds, HiGHS ``getRunTime``) of every HiGHS run inside the block.

    Wraps ``highspy.Highs.run`` and ``highspy.Highs.solve`` (the class both Pyomo and a
    direct route use) and restores them afterwards.
    """
    runs: list[tuple[float, float]] = []
    original_run, original_solve = highspy.Highs.run, highspy.Highs.solve
    depth = [0]

    def timed(method: Any) -> Any:
        def wrapper(self: highspy.Highs, *args: Any, **kwargs: Any) -> Any:
            depth[0] += 1
            # getRunTime adds up over an instance's runs (the first plan's linear solves
            # run one instance several times): this run's share is the difference
            before = float(self.getRunTime())
            t0 = time.perf_counter()
            try:
                return method(self, *args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:  # solve() may call run(): count the outer call once
                    runs.append((time.perf_counter() - t0, float(self.getRunTime()) - before))

        return wrapper

    highspy.Highs.run = timed(original_run)  # type: ignore[method-assign]
    highspy.Highs.solve = timed(original_solve)  # type: ignore[method-assign]
    try:
        yield runs
    finally:
        highspy.Highs.run = original_run  # type: ignore[method-assign]
        highspy.Highs.solve = original_solve  # type: ignore[method-assign]


def plan_objective(solution: aggregate.Solution) -> float | None:
    """The weighted objective of a plan from its key figures: every cost, every penalty and
    the unspent fund money (which the cost objective also charges)."""
    k = solution.key_figures
    if not solution.status.has_plan or k.get("total_cost") is None:
        return None
    return float(k["total_cost"]) + float(k["penalty_cost"]) + float(k["unspent_fund_balance"])


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def task_raw(task: dict[str, Any]) -> dict[str, Any]:
    """The raw instance of ``task`` with its ``settings`` overrides applied."""
    raw = raw_instance(task["instance"], task.get("seed", 0))
    if task.get("settings"):
        raw["settings"] = {**raw.get("settings", {}), **task["settings"]}
    return raw


def _aggregate(task: dict[str, Any]) -> dict[str, Any]:
    raw = task_raw(task)
    objective = task.get("objective", "weighted")
    samples: dict[str, list[float]] = {}
    out: dict[str, Any] = {}
    for _ in range(task.get("repeat", 1)):
        t0 = time.perf_counter()
        scenario = aggregate.validate(raw)
        validated = time.perf_counter() - t0
        cpu0 = time.process_time()
        with highs_clock() as runs:
            solution = aggregate.solve(
                scenario,
                objective=objective,
                time_limit=task.get("time_limit"),
                mip_gap=task.get("solve_gap"),
                threads=task.get("threads"),
            )
        cpu = time.process_time() - cpu0
        t0 = time.perf_counter()
        check = aggregate.verify(scenario, solution)
        verified = time.perf_counter() - t0
        tm = solution.timings
        total = tm.get("total", float("nan"))
        build, extract = tm.get("build", 0.0), tm.get("extract", 0.0)
        solver = sum(r[1] for r in runs)
        phases = {
            "validate_s": validated,
            "build_s": build,
            "handoff_s": total - build - extract - sum(r[0] for r in runs),
            "solver_s": solver,
            "extract_s": extract,
            "verify_s": verified,
            "aggregate_s": total,
            "aggregate_cpu_s": cpu,
        }
        for k, v in phases.items():
            samples.setdefault(k, []).append(v)
        out.update(
            status=solution.status.value,
            gap=solution.gap,
            objective=plan_objective(solution),
            total_cost=solution.key_figures.get("total_cost"),
            verified=check.ok and check.checked,
            violations="; ".join(
                f"{r}: {msg}"
                for r, msg in zip(
                    check.violations["rule"], check.violations["message"], strict=True
                )
            )[:300],
            highs_runs=len(runs),
        )
    out.update({k: median(v) for k, v in samples.items()})
    return out


def numbers_variant(raw: dict[str, Any], scale: float = 0.9) -> dict[str, Any]:
    """``raw`` with every offer's capacity times ``scale`` and every demand's quantity
    divided by it: only numbers change, every index set of the model stays as it was."""
    import copy

    variant = copy.deepcopy(raw)
    for producer in variant.get("producers", []):
        for offer in producer["offers"]:
            cap = offer["capacity"]
            offer["capacity"] = (
                {k: v * scale for k, v in cap.items()} if isinstance(cap, dict) else cap * scale
            )
    for demand in variant.get("demands", []):
        demand["quantity"] = demand["quantity"] / scale
    return variant


def _resolve(task: dict[str, Any]) -> dict[str, Any]:
    """Re-solve a numbers-only variant on the base's model (``aggregate.resolve``) vs
    solving the variant from scratch (``aggregate.solve``)."""
    from aggregate.resolve import Resolver

    raw = raw_instance(task["instance"], task.get("seed", 0))
    base = aggregate.validate(raw)
    variant = aggregate.validate(numbers_variant(raw))
    objective = task.get("objective", "weighted")
    options = {"objective": objective, "time_limit": task.get("time_limit")}
    resolver = Resolver(base, **options)
    resolver.solve(base)
    t0 = time.perf_counter()
    again = resolver.solve(variant)
    resolved = time.perf_counter() - t0
    t0 = time.perf_counter()
    fresh = aggregate.solve(variant, **options)
    rebuilt = time.perf_counter() - t0
    a, b = plan_objective(again), plan_objective(fresh)
    same = a is not None and b is not None and abs(a - b) <= 1e-6 * max(abs(b), 1.0)
    return {
        "resolve_s": resolved,
        "rebuild_s": rebuilt,
        "resolve_reused": resolver.reuses == 1,
        "resolve_verified": aggregate.verify(variant, again).ok,
        "resolve_same_objective": same,
        "resolve_note": resolver.last_reason,
    }


def _compile(task: dict[str, Any]) -> dict[str, Any]:
    scenario = aggregate.validate(task_raw(task))
    t0 = time.perf_counter()
    model, data = direct.build(scenario, task.get("objective", "weighted"))
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    mat = direct.compile_matrices(model)
    compiled = time.perf_counter() - t0
    mat.save(Path(task["npz"]))
    mps_write = direct.write_mps(mat, Path(task["mps"])) if task.get("mps") else None
    rows, cols = mat.shape
    return {
        "rows": rows,
        "columns": cols,
        "nonzeros": int(mat.a.nnz),
        "integers": mat.integers,
        "orders": len(data.orders),
        "direct_build_s": built,
        "compile_s": compiled,
        "mps_write_s": mps_write,
    }


def _direct(task: dict[str, Any]) -> dict[str, Any]:
    mat = direct.Matrices.load(Path(task["npz"]))
    options = _options(task)
    passes, runs, totals, cpus = [], [], [], []
    out: dict[str, Any] = {}
    for _ in range(task.get("repeat", 1)):
        t0, cpu0 = time.perf_counter(), time.process_time()
        result, passed = direct.solve_arrays(mat, **options)
        totals.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - cpu0)
        passes.append(passed)
        runs.append(result.solver_seconds)
        out.update(
            direct_status=result.status.value,
            direct_objective=result.objective,
            direct_gap=result.gap,
        )
    out.update(
        pass_s=median(passes),
        direct_solver_s=median(runs),
        direct_s=median(totals),
        direct_cpu_s=median(cpus),
    )
    return out


def _mps(task: dict[str, Any]) -> dict[str, Any]:
    reads, runs = [], []
    out: dict[str, Any] = {}
    for _ in range(task.get("repeat", 1)):
        result, read = direct.solve_mps(Path(task["mps"]), **_options(task))
        reads.append(read)
        runs.append(result.solver_seconds)
        out.update(mps_objective=result.objective)
    out.update(
        mps_read_s=median(reads), mps_solver_s=median(runs), mps_s=median(reads) + median(runs)
    )
    return out


def _relax(task: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.bounds import lp_bound

    return lp_bound(direct.Matrices.load(Path(task["npz"])), task.get("time_limit"))


def _solver(task: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.solvers import run_solver

    return run_solver(
        task["solver"], Path(task["mps"]), task.get("time_limit"), task.get("mip_gap", 1e-4)
    )


def _textbook(task: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.textbook import textbook_task

    runs = [textbook_task(task) for _ in range(task.get("repeat", 1))]
    out = runs[-1]
    out["textbook_s"] = median([r["textbook_s"] for r in runs])
    return out


def _options(task: dict[str, Any]) -> dict[str, Any]:
    return {
        "time_limit": task.get("time_limit"),
        "threads": task.get("threads"),
        "mip_gap": task.get("mip_gap", 1e-4),
    }


TASKS = {
    "aggregate": _aggregate,
    "compile": _compile,
    "direct": _direct,
    "mps": _mps,
    "relax": _relax,
    "solver": _solver,
    "resolve": _resolve,
    "textbook": _textbook,
}


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    """Do ``task`` in this process (peak memory is not measured: ``peak_mb`` is NaN)."""
    result = TASKS[task["kind"]](task)
    result["peak_mb"] = float("nan")
    return result


def run_isolated(task: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """Do ``task`` in a fresh Python process; ``peak_mb`` is that process's peak RSS and
    ``base_mb`` its RSS after imports, before the task."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.phases", json.dumps(task)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = proc.stderr.strip().splitlines()[-3:]
        return {"error": f"exit {proc.returncode}: {' | '.join(tail)}"}
    return dict(json.loads(lines[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Run one benchmark task (JSON) and print its result as one JSON line."
    )
    parser.add_argument("task")
    task = json.loads(parser.parse_args().task)
    base = rss_mb()
    result = TASKS[task["kind"]](task)
    result.update(peak_mb=peak_rss_mb(), base_mb=base)
    print(json.dumps(result, default=float))


if __name__ == "__main__":
    main()
