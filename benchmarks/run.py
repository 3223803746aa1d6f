"""The benchmark suite's command line: aggregate vs the direct-highspy limit, per instance.

Usage::

    python benchmarks/run.py [--sizes S,M,L] [--family lp,mip,eda,wl,reference] [--repeat 3]
                             [--time-limit 60] [--smoke] [--in-process] [--targets] [--out DIR]

writes ``DIR/benchmarks.csv`` (one row per instance, columns in ``benchmarks/README.md``),
``DIR/solvers.csv`` (one row per instance and solver), ``DIR/benchmarks.md`` (tables with
the machine and package versions) and ``DIR/*.png`` plots. ``--smoke`` runs ``lp-S`` and the
reference instances once, in this process, in a few seconds. ``--targets`` measures only
what issue #16's targets read (the plan, the LP bounds with and without items 1-2, the time
to a 1% gap with and without, the textbook warehouse-location time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bounds import root_gap
from benchmarks.phases import run_isolated, run_task
from benchmarks.registry import (
    PUBLISHED,
    ROOT,
    family_of,
    generated_names,
    raw_instance,
    reference_names,
)
from benchmarks.solvers import SOLVERS

log = logging.getLogger("benchmarks")

FAMILIES = ("lp", "mip", "eda", "wl", "reference")

GAP_FAMILIES = ("mip", "eda")
"""Families whose time to a 1% gap is measured, with and without items 1-2 of #16."""

GAP = 0.01
"""The gap of the time-to-gap columns (``gap1_*``)."""

PLAIN = {"tighten_bounds": False, "first_plan": "none"}
"""Settings of "HiGHS without items 1-2" of issue #16 (no tightened big-M, no heuristic
first plan): applied only where ``SolveSettings`` has them."""


def plain_settings() -> dict[str, Any]:
    """The :data:`PLAIN` settings this version of ``aggregate`` knows (``{}`` if none: then
    the plain formulation is the default one)."""
    from aggregate.schema.settings import SolveSettings

    return {k: v for k, v in PLAIN.items() if k in SolveSettings.model_fields}


SOLVER_COMPARISON_MAX_COLUMNS = 50_000
"""The solver comparison runs on instances up to this many columns (SCIP on the L LP
would only measure SCIP's LP solver for minutes)."""

COLUMNS = [
    "instance",
    "family",
    "orders",
    "rows",
    "columns",
    "nonzeros",
    "integers",
    "repeat",
    "status",
    "gap",
    "objective",
    "total_cost",
    "published_optimum",
    "verified",
    "violations",
    "validate_s",
    "build_s",
    "handoff_s",
    "solver_s",
    "extract_s",
    "verify_s",
    "aggregate_s",
    "solver_share",
    "direct_build_s",
    "compile_s",
    "pass_s",
    "direct_solver_s",
    "direct_s",
    "direct_status",
    "direct_objective",
    "objective_rel_diff",
    "ratio",
    "aggregate_cpu_s",
    "direct_cpu_s",
    "cpu_ratio",
    "mps_write_s",
    "mps_read_s",
    "mps_solver_s",
    "mps_s",
    "mps_objective",
    "aggregate_peak_mb",
    "direct_peak_mb",
    "memory_ratio",
    "lp_bound",
    "root_gap",
    "plain_settings",
    "lp_bound_plain",
    "root_gap_plain",
    "gap1_s",
    "gap1_status",
    "gap1_plain_s",
    "gap1_plain_status",
    "gap1_speedup",
    "textbook_s",
    "textbook_status",
    "textbook_objective",
    "textbook_ratio",
    "needs_first_s",
    "needs_first_status",
    "resolve_s",
    "rebuild_s",
    "resolve_speedup",
    "error",
]
"""Columns of ``benchmarks.csv`` in order (README.md says what each means)."""

SOLVER_COLUMNS = [
    "instance",
    "solver",
    "available",
    "status",
    "objective",
    "bound",
    "gap",
    "seconds",
    "nodes",
    "time_limit",
]


def _rel(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return None
    return abs(a - b) / max(abs(b), 1e-9)


def _div(a: Any, b: Any) -> float | None:
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return None
    return a / b if b > 0 and math.isfinite(a) and math.isfinite(b) else None


def measure(
    name: str,
    repeat: int,
    time_limit: float | None,
    isolated: bool,
    timeout: float | None,
    solvers: bool,
    needs_first: bool,
    resolve: bool = True,
    targets_only: bool = False,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """All measurements of instance ``name``: its row and its solver-comparison rows.

    ``targets_only`` measures only what issue #16's targets read: the plan, the matrix size,
    the LP bounds with and without items 1-2, the time to a 1% gap with and without (mip and
    eda families) and the textbook time (wl family)."""
    mip_gap = float(raw_instance(name).get("settings", {}).get("mip_gap", 1e-6))
    family = family_of(name)
    plain = plain_settings()
    row: dict[str, Any] = {
        "instance": name,
        "family": family,
        "repeat": repeat,
        "published_optimum": PUBLISHED.get(name),
        "plain_settings": ",".join(f"{k}={v}" for k, v in plain.items()),
    }
    errors: list[str] = []

    def task(kind: str, **fields: Any) -> dict[str, Any]:
        spec = {
            "kind": kind,
            "instance": name,
            "repeat": repeat,
            "time_limit": time_limit,
            "mip_gap": mip_gap,
            **fields,
        }
        started = time.perf_counter()
        # only the aggregate route and the direct references need a process of their own
        # (peak memory, no state shared between the runs compared); the rest saves a
        # Python start-up each
        alone = isolated and kind in ("aggregate", "compile", "direct", "textbook")
        result = run_isolated(spec, timeout) if alone else run_task(spec)
        log.info("%s %s: %.1f s %s", name, kind, time.perf_counter() - started, result)
        if "error" in result:
            errors.append(f"{kind}: {result['error']}")
        return result

    # the targets read the time to a 1% gap of these families: their plan at the scenario's
    # gap (for the root gaps) is solved once
    agg = task("aggregate", repeat=1 if targets_only and family in GAP_FAMILIES else repeat)
    row.update({k: v for k, v in agg.items() if k not in ("peak_mb", "base_mb", "error")})
    row["aggregate_peak_mb"] = agg.get("peak_mb")
    solver_rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="aggregate-bench-") as work:
        npz, mps = str(Path(work) / "model.npz"), str(Path(work) / "model.mps")
        comp = task("compile", npz=npz, mps=None if targets_only else mps, repeat=1)
        row.update({k: v for k, v in comp.items() if k not in ("peak_mb", "base_mb", "error")})
        if "error" not in comp and not targets_only:
            d = task("direct", npz=npz)
            row.update({k: v for k, v in d.items() if k not in ("peak_mb", "base_mb", "error")})
            row["direct_peak_mb"] = d.get("peak_mb")
            m = task("mps", mps=mps)
            row.update({k: v for k, v in m.items() if k not in ("peak_mb", "base_mb", "error")})
            if solvers and int(comp.get("columns", 0)) <= SOLVER_COMPARISON_MAX_COLUMNS:
                for solver in SOLVERS:
                    s = task("solver", solver=solver, mps=mps, repeat=1)
                    solver_rows.append(
                        {"instance": name, "solver": solver, "time_limit": time_limit, **s}
                    )
        if "error" not in comp:
            row["lp_bound"] = task("relax", npz=npz, repeat=1).get("lp_bound")
            row["lp_bound_plain"] = row["lp_bound"]  # the same formulation without PLAIN
            if plain and family != "lp":
                npz_plain = str(Path(work) / "plain.npz")
                cp = task("compile", npz=npz_plain, settings=plain, repeat=1)
                if "error" not in cp:
                    found = task("relax", npz=npz_plain, repeat=1)
                    row["lp_bound_plain"] = found.get("lp_bound")
    if family in GAP_FAMILIES:
        row.update(time_to_gap(task, repeat, plain))
    if family == "wl":
        tb = task("textbook")
        row.update({k: tb.get(k) for k in ("textbook_s", "textbook_status", "textbook_objective")})
        row["textbook_ratio"] = _div(row.get("aggregate_s"), row.get("textbook_s"))
        both_optimal = tb.get("textbook_status") == row.get("status") == "optimal"
        differ = (_rel(row.get("objective"), tb.get("textbook_objective")) or 0.0) > 1e-6
        if both_optimal and differ:
            errors.append("aggregate's optimum differs from the textbook model's")
    if needs_first and not targets_only:
        nf = task("aggregate", objective="needs_first", repeat=1)
        row["needs_first_s"] = nf.get("aggregate_s")
        row["needs_first_status"] = nf.get("status")
        if nf.get("status") in ("optimal", "time_limit") and nf.get("verified") is False:
            errors.append(f"needs_first plan not verified: {nf.get('violations')}")
    if resolve and not targets_only:
        found = _resolve(name, time_limit)
        problems = found.pop("resolve_problems", "")
        if problems:
            errors.append(problems)
        row.update(found)
    row["solver_share"] = _div(row.get("solver_s"), row.get("aggregate_s"))
    row["ratio"] = _div(row.get("aggregate_s"), row.get("direct_s"))
    row["cpu_ratio"] = _div(row.get("aggregate_cpu_s"), row.get("direct_cpu_s"))
    row["memory_ratio"] = _div(row.get("aggregate_peak_mb"), row.get("direct_peak_mb"))
    row["objective_rel_diff"] = _rel(row.get("direct_objective"), row.get("objective"))
    row["root_gap"] = root_gap(row.get("objective"), row.get("lp_bound"))
    row["root_gap_plain"] = root_gap(row.get("objective"), row.get("lp_bound_plain"))
    row["error"] = "; ".join(errors)
    return row, solver_rows


def time_to_gap(task: Any, repeat: int, plain: dict[str, Any]) -> dict[str, Any]:
    """Seconds to a :data:`GAP` gap (``aggregate.solve`` end to end, the run's time limit)
    with the defaults and with the :data:`PLAIN` settings, alternating run by run so both
    see the same machine load; medians, the last status of each, and the speed-up
    ``gap1_plain_s / gap1_s``. Without any PLAIN setting known, only the defaults run."""
    sides = {"gap1": {}, "gap1_plain": plain} if plain else {"gap1": {}}
    seconds: dict[str, list[float]] = {side: [] for side in sides}
    out: dict[str, Any] = {}
    for _ in range(repeat):
        for side, settings in sides.items():
            r = task("aggregate", repeat=1, solve_gap=GAP, settings=settings)
            seconds[side].append(float(r.get("aggregate_s", math.nan)))
            out[f"{side}_status"] = r.get("status")
            if r.get("verified") is False and r.get("status") in ("optimal", "time_limit"):
                out[f"{side}_status"] = f"{r.get('status')} (not verified)"
    for side, values in seconds.items():
        out[f"{side}_s"] = statistics.median(values)
    out["gap1_speedup"] = _div(out.get("gap1_plain_s"), out.get("gap1_s"))
    return out


def _resolve(name: str, time_limit: float | None) -> dict[str, Any]:
    """Re-solve benchmark: a numbers-only variant (capacities x0.9, demands /0.9) solved on
    the base's model with ``aggregate.resolve.Resolver`` vs ``aggregate.solve`` from scratch.
    Empty where ``aggregate.resolve`` is not there."""
    try:
        import aggregate.resolve  # noqa: F401
    except ImportError:
        return {}
    spec = {"kind": "resolve", "instance": name, "time_limit": time_limit}
    result = run_task(spec)
    problems = []
    if not result["resolve_reused"]:
        problems.append(f"re-solve rebuilt the model: {result['resolve_note']}")
    if not result["resolve_verified"]:
        problems.append("re-solved plan not verified")
    if not result["resolve_same_objective"]:
        problems.append("re-solve objective differs from a fresh solve")
    return {
        "resolve_s": result["resolve_s"],
        "rebuild_s": result["rebuild_s"],
        "resolve_speedup": _div(result["rebuild_s"], result["resolve_s"]),
        "resolve_problems": "; ".join(problems),
    }


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, Python and package versions, date."""
    import psutil

    cpu = platform.processor() or platform.machine()
    with open("/proc/cpuinfo") if os.path.exists("/proc/cpuinfo") else open(os.devnull) as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": str(psutil.cpu_count(logical=True)),
        "ram_gib": f"{psutil.virtual_memory().total / 2**30:.1f}",
        "python": platform.python_version(),
        **{pkg: version(pkg) for pkg in ("pyomo", "highspy", "pandas", "numpy", "pyscipopt")},
    }


def plots(table: pd.DataFrame, solvers: pd.DataFrame, out: Path) -> list[Path]:
    """Phase breakdown, ratio, memory and solver-comparison PNGs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    t = table.set_index("instance")
    phases = ["validate_s", "build_s", "handoff_s", "solver_s", "extract_s", "verify_s"]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    t[phases].astype(float).plot.barh(stacked=True, ax=ax, logx=False)
    ax.scatter(
        t["direct_s"].astype(float),
        range(len(t)),
        color="black",
        marker="|",
        s=300,
        zorder=3,
        label="direct highspy",
    )
    ax.set_xscale("symlog", linthresh=0.01)
    ax.set_xlabel("seconds (median)")
    ax.set_title("aggregate phases vs direct highspy (|)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    paths.append(out / "phases.png")
    fig.savefig(paths[-1], dpi=120)
    for column, title, target, name in [
        ("ratio", "end to end: aggregate / direct highspy", 2.0, "ratio.png"),
        ("memory_ratio", "peak memory: aggregate / direct highspy", 2.0, "memory.png"),
    ]:
        values = t[column].astype(float)
        if values.notna().any():
            fig, ax = plt.subplots(figsize=(8, 4))
            values.plot.bar(ax=ax, color="tab:blue")
            ax.axhline(target, color="red", linestyle="--", label=f"target {target:g}x")
            ax.set_yscale("log")
            ax.set_title(title)
            ax.legend()
            fig.tight_layout()
            paths.append(out / name)
            fig.savefig(paths[-1], dpi=120)
    if not solvers.empty and solvers["available"].any():
        ok = solvers[solvers["available"].astype(bool)]
        pivot = ok.pivot(index="instance", columns="solver", values="seconds").astype(float)
        fig, ax = plt.subplots(figsize=(8, 4))
        pivot.plot.bar(ax=ax)
        ax.set_yscale("log")
        ax.set_ylabel("solve seconds")
        ax.set_title("solvers on the same model (MPS)")
        fig.tight_layout()
        paths.append(out / "solvers.png")
        fig.savefig(paths[-1], dpi=120)
    plt.close("all")
    return paths


SUMMARY = [
    "instance",
    "orders",
    "columns",
    "integers",
    "status",
    "verified",
    "validate_s",
    "build_s",
    "handoff_s",
    "solver_s",
    "extract_s",
    "aggregate_s",
    "direct_s",
    "ratio",
    "cpu_ratio",
    "solver_share",
    "mps_s",
    "aggregate_peak_mb",
    "direct_peak_mb",
    "memory_ratio",
    "root_gap",
    "needs_first_s",
    "resolve_speedup",
]

TARGETS = [
    "instance",
    "status",
    "gap",
    "root_gap",
    "root_gap_plain",
    "gap1_s",
    "gap1_status",
    "gap1_plain_s",
    "gap1_plain_status",
    "gap1_speedup",
    "aggregate_s",
    "textbook_s",
    "textbook_ratio",
]
"""The columns issue #16's targets read (``report``'s second table)."""


def report(
    table: pd.DataFrame,
    solvers: pd.DataFrame,
    info: dict[str, str],
    repeat: int,
    time_limit: float | None,
) -> str:
    """The Markdown report: machine, main table, solver comparison, errors."""
    lines = ["# aggregate benchmarks", "", "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += [
        "",
        f"Medians over {repeat} repetition(s); time limit per solve: "
        f"{time_limit if time_limit else 'none'} s. `ratio` = aggregate_s / direct_s "
        "(validated scenario in, tables out, vs highspy passModel + run from arrays). "
        "Weighted objective (one solve) on both sides.",
        "",
    ]
    shown = table[[c for c in SUMMARY if c in table]]
    lines.append(shown.to_markdown(index=False, floatfmt=".3g"))
    targets = table[TARGETS].dropna(axis=1, how="all")
    if {"gap1_s", "root_gap_plain", "textbook_s"} & set(targets.columns):
        lines += [
            "",
            "## Issue #16 targets",
            "",
            f"Without items 1-2: `{table['plain_settings'].iloc[0] or 'no such settings'}`. "
            "`gap1_speedup` = gap1_plain_s / gap1_s (target >= 2); `textbook_ratio` = "
            "aggregate_s / textbook_s (target <= 1).",
            "",
            targets.to_markdown(index=False, floatfmt=".3g"),
        ]
    if not solvers.empty:
        lines += ["", "## Solvers on the same model (MPS file)", ""]
        lines.append(solvers[SOLVER_COLUMNS].to_markdown(index=False, floatfmt=".4g"))
    bad = table[table["error"].astype(str) != ""]
    if not bad.empty:
        lines += ["", "## Errors", ""]
        lines += [f"- {r.instance}: {r.error}" for r in bad.itertuples()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated: S,M,L,XL")
    parser.add_argument(
        "--family",
        default="lp,mip,reference",
        help="comma-separated: lp, mip, eda, wl, reference",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        help="seconds per solve (MIP instances stop there with a gap)",
    )
    parser.add_argument(
        "--wl-time-limit",
        type=float,
        default=300.0,
        help="seconds per solve for the wl family (aggregate and the textbook model, to 1e-6)",
    )
    parser.add_argument(
        "--targets",
        action="store_true",
        help="only what issue #16's targets read: plan, LP bounds with and without items 1-2, "
        "time to a 1%% gap, textbook warehouse-location time",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds per measurement process before it is given up",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="lp-S and the reference instances, once, in this process",
    )
    parser.add_argument(
        "--in-process", action="store_true", help="measure in this process (fast; no peak memory)"
    )
    parser.add_argument("--no-solvers", action="store_true", help="skip the solver comparison")
    parser.add_argument(
        "--no-needs-first", action="store_true", help="skip the extra needs_first (two-stage) run"
    )
    parser.add_argument(
        "--no-resolve", action="store_true", help="skip the re-solve vs rebuild benchmark"
    )
    parser.add_argument(
        "--add-resolve",
        action="store_true",
        help="only fill the re-solve columns of the benchmarks.csv already in --out",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.add_resolve:
        return _add_resolve(args.out, args.time_limit, args.repeat)

    families = [f.strip() for f in args.family.split(",") if f.strip()]
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    repeat, isolated = args.repeat, not args.in_process
    if args.smoke:
        families, sizes, repeat, isolated = ["lp", "reference"], ["S"], 1, False
    unknown = set(families) - set(FAMILIES)
    if unknown:
        parser.error(f"unknown family {sorted(unknown)}: use {', '.join(FAMILIES)}")
    names = [n for f in families if f != "reference" for n in generated_names(f, sizes)]
    if "reference" in families:
        names = reference_names() + names

    rows, solver_rows = [], []
    for name in names:
        reps = 1 if name.endswith("-XL") else repeat  # XL once: it takes minutes
        wl = family_of(name) == "wl"
        row, srows = measure(
            name,
            reps,
            args.wl_time_limit if wl else args.time_limit,
            isolated,
            args.timeout,
            solvers=not args.no_solvers and not args.smoke,
            needs_first=not args.no_needs_first and not name.endswith("-XL"),
            resolve=not args.no_resolve and not args.smoke and not name.endswith("-XL"),
            targets_only=args.targets,
        )
        rows.append(row)
        solver_rows += srows
        # keep what is measured so far: a long run stopped half-way still leaves its rows
        args.out.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(rows).reindex(columns=COLUMNS).to_csv(args.out / "benchmarks.csv", index=False)
        log.info(
            "%s: aggregate %.3g s, direct %.3g s, ratio %s, verified %s",
            name,
            float(row.get("aggregate_s") or math.nan),
            float(row.get("direct_s") or math.nan),
            row.get("ratio"),
            row.get("verified"),
        )
    table = pd.DataFrame(rows).reindex(columns=COLUMNS)
    solvers = pd.DataFrame(solver_rows).reindex(columns=SOLVER_COLUMNS)
    write(table, solvers, args.out, repeat, args.time_limit)
    return 0


def write(
    table: pd.DataFrame, solvers: pd.DataFrame, out: Path, repeat: int, time_limit: float | None
) -> None:
    """The CSVs, the Markdown report and the plots under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "benchmarks.csv", index=False)
    solvers.to_csv(out / "solvers.csv", index=False)
    (out / "benchmarks.md").write_text(report(table, solvers, machine(), repeat, time_limit))
    plots(table, solvers, out)
    print(table[[c for c in SUMMARY if c in table]].to_string(index=False))


def _add_resolve(out: Path, time_limit: float | None, repeat: int) -> int:
    """Fill the re-solve columns of ``out/benchmarks.csv`` (XL skipped) and rewrite the report."""
    table = pd.read_csv(out / "benchmarks.csv").reindex(columns=COLUMNS)
    table["error"] = table["error"].fillna("").astype(str)
    solvers = pd.read_csv(out / "solvers.csv").reindex(columns=SOLVER_COLUMNS)
    for i, name in enumerate(table["instance"]):
        if str(name).endswith("-XL"):
            continue
        found = _resolve(str(name), time_limit)
        problems = found.pop("resolve_problems", "")
        for key, value in found.items():
            table.loc[i, key] = value
        if problems:
            before = str(table.at[i, "error"])
            table.at[i, "error"] = f"{before}; {problems}" if before else problems
        log.info("%s: re-solve %s", name, found)
    write(table, solvers, out, int(table["repeat"].max()), time_limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
