# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Benchmarks: how far is `aggregate` from HiGHS on its own?
#
# The benchmark suite (`benchmarks/`, documented in `benchmarks/README.md`)
# solves generated instances of growing size (families `lp` and `mip`, sizes S
# to XL) and published reference problems two ways: the user's route through
# `aggregate` (validate, build the Pyomo model, solve, read the tables, verify)
# and the same matrices handed straight to `highspy`, which is the limit any
# modelling layer can reach. This notebook reads its results and plots:
#
# 1. the end-to-end ratio aggregate / direct highspy per instance,
# 2. where aggregate's time goes, phase by phase,
# 3. peak memory,
# 4. other solvers on the same model,
# 5. the root gap (how tight the formulation's LP relaxation is).
#
# It reads `benchmarks/results/benchmarks.csv` (and `solvers.csv`), written by
# `python benchmarks/run.py`. If that file is not there, it runs the suite's quick
# smoke mode (`benchmarks/run.py --smoke`, a few seconds) into a temporary folder
# and plots that instead; the cell below says which it shows. The environment
# variable `AGGREGATE_BENCHMARK_RESULTS` points it at another results folder.

# %% [markdown]
# ## 0. Load the results

# %%
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

pd.set_option("display.float_format", "{:,.3g}".format)
pd.set_option("display.max_columns", 30)

ROOT = next(
    folder
    for folder in (Path.cwd(), *Path.cwd().parents)
    if (folder / "benchmarks" / "run.py").is_file()
)
RESULTS = Path(
    os.environ.get("AGGREGATE_BENCHMARK_RESULTS", ROOT / "benchmarks" / "results")
)
if (RESULTS / "benchmarks.csv").is_file():
    SMOKE, folder = False, RESULTS
else:
    SMOKE, folder = True, Path(tempfile.mkdtemp(prefix="aggregate-bench-smoke-"))
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke",
         "--out", str(folder)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    if run.returncode != 0:
        raise RuntimeError(f"the smoke run failed:\n{run.stderr[-3000:]}")

bench = pd.read_csv(folder / "benchmarks.csv")
solvers_file = folder / "solvers.csv"
solvers = pd.read_csv(solvers_file) if solvers_file.is_file() else pd.DataFrame()
if SMOKE:
    display(Markdown(
        f"**No benchmark results were found** in `{RESULTS}`, so this notebook ran "
        f"the suite's smoke mode into `{folder}`: the small instances "
        f"({', '.join(bench['instance'])}) once each, in one process. A smoke run "
        "measures neither peak memory nor other solvers, and on instances this "
        "small fixed overheads dominate: the figures below show what the charts "
        "look like, not the suite's findings. Run `python benchmarks/run.py` for "
        "those."
    ))
else:
    display(Markdown(
        f"Results of the benchmark suite read from `{folder}`: "
        f"{len(bench)} instances."
    ))

# %% [markdown]
# The machine the results were measured on (from `benchmarks.md`):

# %%
report = folder / "benchmarks.md"
lines = report.read_text().splitlines() if report.is_file() else []
machine = [line for line in lines if line.startswith("| ")][:12]
machine = machine[: next((k for k, line in enumerate(machine) if "instance" in line),
                         len(machine))]
display(Markdown("\n".join(["| machine | |", "|---|---|", *machine[1:]])
                 if machine else "(no benchmarks.md next to the CSV)"))

# %% [markdown]
# One row per instance (the columns are explained in `benchmarks/README.md`).
# `ratio` is aggregate's end-to-end time over direct highspy's; `cpu_ratio` the
# same in CPU seconds, steadier on a busy machine.

# %%
bench["verified"] = bench["verified"].astype(str).eq("True")
t = bench.set_index("instance")
t[["family", "columns", "integers", "status", "verified", "aggregate_s",
   "direct_s", "ratio", "cpu_ratio", "solver_share", "memory_ratio", "root_gap"]]


# %%
def nothing(ax, title, why):
    # a chart with no data says so, instead of drawing empty axes
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontweight="bold")
    ax.text(0.5, 0.5, why, ha="center", va="center", wrap=True,
            transform=ax.transAxes, color="#555555")
    return ax


x = np.arange(len(t))

# %% [markdown]
# ## 1. End to end: aggregate / direct highspy
#
# Wall clock and CPU time, per instance. The suite's target is at most 2x on
# `lp-L`, and about 1.1x where the solve dominates (the MIP instances).

# %%
fig, ax = plt.subplots(figsize=(9, 4))
ax.bar(x - 0.2, t["ratio"], 0.4, label="wall clock", color="tab:blue")
ax.bar(x + 0.2, t["cpu_ratio"], 0.4, label="CPU time", color="tab:cyan")
ax.axhline(2.0, color="tab:red", linestyle="--", label="target 2x")
ax.axhline(1.0, color="black", linewidth=0.8)
if t[["ratio", "cpu_ratio"]].max().max() > 10:
    ax.set_yscale("log")
ax.set_xticks(x, t.index, rotation=45, ha="right")
ax.set_ylabel("aggregate / direct highspy")
ax.set_title("End-to-end time relative to HiGHS on its own", loc="left",
             fontweight="bold")
ax.legend();

# %% [markdown]
# How the two routes scale with the model's size (columns of the matrix),
# log-log:

# %%
fig, ax = plt.subplots(figsize=(7, 4.5))
for family, part in t.groupby("family"):
    ax.scatter(part["columns"], part["aggregate_s"], marker="o",
               label=f"aggregate, {family}")
    ax.scatter(part["columns"], part["direct_s"], marker="x",
               label=f"direct highspy, {family}")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("columns of the model")
ax.set_ylabel("seconds (median)")
ax.set_title("Time against size", loc="left", fontweight="bold")
ax.legend(fontsize="small");

# %% [markdown]
# ## 2. Where the time goes
#
# aggregate's phases as shares of its time per instance: building the Pyomo
# model (`build`), handing it to HiGHS and the solution back (`handoff`), HiGHS
# itself (`solver`) and reading the tables (`extract`): these four make up
# `aggregate_s`, the time the ratio above compares. Then the two checks, which the
# ratio leaves out: the scenario's (`validate`) and the plan's independent
# verification (`verify`), hatched. The black tick marks direct highspy's time on
# the same scale: up to the end of `extract`, everything right of the tick is the
# modelling layer's overhead. The numbers at the right are the total seconds.

# %%
PHASES = ["build_s", "handoff_s", "solver_s", "extract_s", "validate_s", "verify_s"]
CHECKS = {"validate_s", "verify_s"}
seconds = t[PHASES].astype(float).fillna(0.0).clip(lower=0.0)
total = seconds.sum(axis=1)
share = seconds.div(total.where(total > 0), axis=0) * 100
fig, ax = plt.subplots(figsize=(9, 0.45 * len(t) + 1.8))
left = np.zeros(len(t))
for phase in PHASES:
    check = phase in CHECKS
    ax.barh(x, share[phase].fillna(0.0), left=left, label=phase.removesuffix("_s"),
            hatch="//" if check else None, alpha=0.6 if check else 1.0)
    left += share[phase].fillna(0.0).to_numpy()
# direct highspy can take longer than aggregate's phases (noise, or a MIP
# that ends elsewhere in the tree): its tick may lie right of 100%
tick = (100 * t["direct_s"].astype(float) / total).to_numpy()
ax.scatter(tick, x, marker="|", s=400, color="black", zorder=3,
           label="direct highspy")
for k, seconds_total in enumerate(total):
    right = max(100.0, np.nan_to_num(tick[k]))
    ax.text(right + 2, k, f"{seconds_total:.3g} s", va="center", fontsize=8)
ax.set_yticks(x, t.index)
ax.set_ylim(len(t) - 0.5, -0.5)
ax.set_xlim(0, max(115.0, np.nanmax(np.append(tick, 0.0)) + 15))
ax.set_xlabel("share of aggregate's time (%)")
ax.set_title("aggregate's phases", loc="left", fontweight="bold")
ax.legend(ncol=4, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.15));

# %%
(share.round(1).rename(columns=lambda c: c.removesuffix("_s"))
 .assign(total_s=total, direct_s=t["direct_s"]))

# %% [markdown]
# ## 3. Peak memory
#
# Peak resident memory of the process measuring each route (imports included),
# in MiB, and their ratio (the target is at most 2x). Only measured when each
# route runs in a process of its own, so not in a smoke run.

# %%
memory = t[["aggregate_peak_mb", "direct_peak_mb"]].astype(float)
measured = memory.notna().any().any()
fig, ax = plt.subplots(figsize=(9, 4 if measured else 1.5))
if measured:
    ax.bar(x - 0.2, memory["aggregate_peak_mb"], 0.4, label="aggregate")
    ax.bar(x + 0.2, memory["direct_peak_mb"], 0.4, label="direct highspy")
    for k, factor in enumerate(t["memory_ratio"].astype(float)):
        if np.isfinite(factor):
            top = memory.iloc[k].max()
            ax.text(k, top * 1.02, f"{factor:.2f}x", ha="center", fontsize=8)
    ax.set_xticks(x, t.index, rotation=45, ha="right")
    ax.set_ylabel("peak memory (MiB)")
    ax.set_title("Peak memory (label: aggregate / direct)", loc="left",
                 fontweight="bold")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
else:
    nothing(ax, "Peak memory", "not measured in these results (smoke or "
            "--in-process run)")

# %% [markdown]
# ## 4. Other solvers on the same model
#
# The same model written as an MPS file and solved by HiGHS (serial and
# parallel), SCIP and CBC where installed, on instances up to 50,000 columns.
# A hatched bar did not reach the gap within the time limit (its label says how
# it ended).

# %%
available = (
    solvers[solvers["available"].astype(str).eq("True")]
    if not solvers.empty else solvers
)
fig, ax = plt.subplots(figsize=(9, 1.5 if available.empty else 4))
if available.empty:
    nothing(ax, "Solvers on the same model",
            "no solver comparison in these results (smoke run, or --no-solvers)")
else:
    names = list(dict.fromkeys(available["solver"]))
    instances = list(dict.fromkeys(available["instance"]))
    width = 0.8 / len(names)
    for j, name in enumerate(names):
        part = available[available["solver"] == name].set_index("instance")
        part = part.reindex(instances)
        where = np.arange(len(instances)) + (j - (len(names) - 1) / 2) * width
        done = part["status"].astype(str).eq("optimal").to_numpy()
        bars = ax.bar(where, part["seconds"].astype(float), width, label=name)
        for bar, ok, status in zip(
            bars, done, part["status"].astype(str), strict=True
        ):
            if not ok:
                bar.set_hatch("//")
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(),
                        status, rotation=90, ha="center", va="bottom", fontsize=7)
    ax.set_yscale("log")
    ax.set_ylim(top=ax.get_ylim()[1] * 5)  # room for the status labels
    ax.set_xticks(range(len(instances)), instances, rotation=45, ha="right")
    ax.set_ylabel("solve seconds")
    ax.set_title("Solvers on the same MPS file", loc="left", fontweight="bold")
    ax.legend(fontsize="small")

# %%
if available.empty:
    print("no solver comparison in these results")
else:
    display(
        available.pivot(index="instance", columns="solver", values="seconds")
        .reindex(index=list(dict.fromkeys(available["instance"])))
    )

# %% [markdown]
# ## 5. Root gap
#
# `(objective - LP bound) / |objective|`: how far the LP relaxation of the model
# (every integer made continuous) is from the plan found. A small root gap means a
# tight formulation and little branching; it is 0 for a pure LP.

# %%
mip = t[(t["integers"].astype(float) > 0) & t["root_gap"].notna()]
fig, ax = plt.subplots(figsize=(9, 1.5 if mip.empty else 3.8))
if mip.empty:
    nothing(ax, "Root gap", "no instance with integer variables and a bound")
else:
    gaps = 100 * mip["root_gap"].astype(float).clip(lower=0.0)
    bars = ax.bar(range(len(mip)), gaps, color="tab:purple")
    for bar, gap in zip(bars, gaps, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, gap, f"{gap:.2g}%",
                ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(mip)), mip.index, rotation=45, ha="right")
    ax.set_ylabel("root gap (%)")
    ax.set_title("Gap between the plan and the LP relaxation", loc="left",
                 fontweight="bold")

# %% [markdown]
# ## 6. In numbers
#
# Computed from the table above, so they follow the results when the suite is
# re-run.

# %%
ratio = t["ratio"].astype(float).dropna()
other = t[(t["status"] != "optimal") | ~t["verified"]]
lines = [
    f"- {len(t)} instances; {t['verified'].sum()} plans verified by "
    f"`aggregate.verify`, {(t['status'] == 'optimal').sum()} solved to optimality "
    "(within the gap)"
    + (
        "; the others: "
        + ", ".join(
            f"{name} ({row.status}, {'verified' if row.verified else 'not verified'})"
            for name, row in other.iterrows()
        )
        if len(other)
        else ""
    )
    + ".",
    f"- aggregate / direct highspy, end to end: median {ratio.median():.2f}x, "
    f"from {ratio.min():.2f}x ({ratio.idxmin()}) to {ratio.max():.2f}x "
    f"({ratio.idxmax()}); in CPU time median "
    f"{t['cpu_ratio'].astype(float).median():.2f}x.",
]
biggest = t.iloc[t["columns"].astype(float).argmax()]
lines.append(
    f"- On the largest instance, {biggest.name} ({biggest['columns']:,.0f} "
    f"columns), HiGHS takes {biggest['solver_share']:.0%} of aggregate's "
    f"time and the ratio is {biggest['ratio']:.2f}x."
)
memory_ratio = t["memory_ratio"].astype(float).dropna()
if not memory_ratio.empty:
    lines.append(
        f"- Peak memory, aggregate / direct: median {memory_ratio.median():.2f}x, "
        f"at most {memory_ratio.max():.2f}x ({memory_ratio.idxmax()})."
    )
if not mip.empty:
    lines.append(
        f"- Root gap: at most {mip['root_gap'].max():.1%} "
        f"({mip['root_gap'].astype(float).idxmax()})."
    )
if SMOKE:
    lines.append("- *Smoke run: small instances only, see the note at the top.*")
display(Markdown("\n".join(lines)))

# %%
if SMOKE:  # the smoke run's temporary folder is not needed any more
    import shutil

    shutil.rmtree(folder)
