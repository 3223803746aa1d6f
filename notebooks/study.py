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
# # Study: barrels for Ukraine's guns: the barrel makers or their suppliers?
#
# The Ukraine Defense Contact Group's national armaments directors map the
# production capacity of key capabilities **and of their component parts** (gun
# barrels, ball bearings, ...) to find the supply-chain constraints
# (`models/SOURCES.md`). This notebook asks that question of one scenario
# from the library, `models/sustainment-barrels`: Ukraine's PzH 2000, CAESAR,
# M109 and Bohdana guns, 2024-2026, fire only while their barrels have life;
# worn barrels are relined at repair shops or replaced by new ones. Every new
# barrel kit needs a forged barrel blank, two bearing sets and a recoil-system
# kit, each from a handful of suppliers with their own capacity.
#
# **The question.** If the coalition could raise one kind of capacity by half
# (the barrel makers, the forges, the bearing makers or the recoil-system
# suppliers), which would let Ukraine's guns fire the most? And which
# combination closes most of the gap?
#
# 1. solve the scenario as it is and ask `aggregate.explain` what binds,
# 2. state the study: one variant per lever, a few combinations, and a grid,
# 3. run it on two worker processes, each result stored as soon as it is solved,
# 4. compare the variants in a table and in charts,
# 5. conclude, in sentences computed from the results.
#
# The notebook takes about a minute: 13 solves of one to a few seconds each.

# %% [markdown]
# ## 0. Set up

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import aggregate
from aggregate import report
from aggregate.explain import explain, plot_bottlenecks
from aggregate.plots import plot_study, plot_variants
from aggregate.study import Axis, Grid, Override, Study, Variant, expand, run_study
from aggregate.summary import size_line

pd.set_option("display.float_format", "{:,.2f}".format)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 60)

MODELS = next(
    folder / "models"
    for folder in (Path.cwd(), *Path.cwd().parents)
    if (folder / "models").is_dir()
)
BASE = MODELS / "sustainment-barrels" / "scenario.yaml"
scenario = aggregate.load(BASE)
print(scenario.name)
print(size_line(scenario))

# %% [markdown]
# ## 1. The scenario as it is
#
# Solve it, check the plan, and see how much each nation gets. Demands are in
# thousands of rounds fired: a shortfall is fire a gun fleet could not deliver
# for want of barrel life.

# %%
plan = aggregate.solve(scenario)
check = aggregate.verify(scenario, plan)
assert plan.status.has_plan and check.ok, check
print(f"status: {plan.status.value}, solved in {plan.timings['total']:.1f} s")
report.plan_by_nation(plan)

# %% [markdown]
# What binds? `explain` gives the value of **one more unit** of every rule
# (weighted shortfall avoided: thousands of rounds times the demand's priority, 10 for
# Ukraine). Rules of component suppliers (`component supply`) next to the
# producers' own `capacity` tell whether the makers or their suppliers hold the
# plan back.

# %%
why = explain(scenario, plan, expansions=False)
why.bottlenecks.head(10)[
    ["rank", "rule", "entry", "period", "limit", "used", "shortfall_avoided"]
]

# %%
plot_bottlenecks(why, top=12);

# %% [markdown]
# These prices hold for a small change only: once a supplier has a few more
# parts, the next one in line may bind. To see what a *large* change does, solve
# variants of the scenario: a study.

# %% [markdown]
# ## 2. State the study
#
# A study is a base scenario and variants derived from it by **overrides**: a path
# into the scenario and what to do there. `producers[*].offers[*].capacity` is
# the capacity series of every offer of every producer;
# `component_suppliers[component=bearings].capacity` that of every supplier of
# bearing sets; `scale` multiplies every value of the series.
#
# * one **variant** per lever, raised by half, and two combinations (all three
#   kinds of supplier; everything);
# * a **grid** over the two suppliers that the explanation ranks highest, bearings
#   and recoil-system parts, each at 1, 1.5 and 2 times today's capacity.
#
# The same study can be written as a YAML file and run with
# `aggregate study FILE` (see `models/studies/README.md`).

# %%
LEVERS = {  # name: (what it is, path of its capacity)
    "makers": ("the barrel makers", "producers[*].offers[*].capacity"),
    "forgings": (
        "the forges (barrel blanks)",
        "component_suppliers[component=barrel-blank].capacity",
    ),
    "bearings": (
        "the bearing makers",
        "component_suppliers[component=bearings].capacity",
    ),
    "recoil": (
        "the recoil-system suppliers",
        "component_suppliers[component=recoil-parts].capacity",
    ),
}
RAISE = 1.5
SUPPLIERS = ["forgings", "bearings", "recoil"]


def raised(*levers: str) -> list[Override]:
    return [Override(path=LEVERS[k][1], op="scale", value=RAISE) for k in levers]


variants = [
    Variant(
        name=f"{k}-x{RAISE:g}", description=f"{what} x{RAISE:g}", overrides=raised(k)
    )
    for k, (what, _) in LEVERS.items()
]
variants += [
    Variant(
        name=f"suppliers-x{RAISE:g}",
        description="all three kinds of component supplier",
        overrides=raised(*SUPPLIERS),
    ),
    Variant(
        name=f"everything-x{RAISE:g}",
        description="barrel makers and all their suppliers",
        overrides=raised(*LEVERS),
    ),
]
grid = Grid(
    name="parts",
    description="bearing makers and recoil-system suppliers together",
    axes={
        k: Axis(path=LEVERS[k][1], op="scale", values=[1.0, 1.5, 2.0])
        for k in ("bearings", "recoil")
    },
)
study = Study(
    name="barrels-bottleneck",
    description="Which capacity limits the fire of Ukraine's guns (barrel life)?",
    base=str(BASE),
    solve={"threads": 1},  # one solver thread per worker process
    variants=variants,
    grids=[grid],
)

# %% [markdown]
# `expand` derives every variant and validates it like any scenario file (a path
# that does not exist is reported with what exists there, before anything is
# solved). Each variant is keyed by a hash of its content: the grid point at
# 1 x 1 *is* the base, and a grid point equal to a one-lever variant is that
# variant, so they are solved once.

# %%
specs = expand(study)
distinct = len({v.hash for v in specs})
print(f"{len(specs)} variants, {distinct} distinct scenarios to solve")
pd.DataFrame(
    {
        "variant": [v.name for v in specs],
        "kind": [v.kind for v in specs],
        "content hash": [v.hash[:12] for v in specs],
    }
)

# %% [markdown]
# ## 3. Run it
#
# `run_study` solves the variants not yet in the store on a pool of worker
# processes (here 2; by default one per core; `scheduler=` or
# `local_cluster=True` run it on a Dask cluster instead). The driver writes each
# result to an embedded DuckDB file as soon as it arrives, so an interrupted study
# loses nothing. A variant that fails is stored as failed, with its error, and the
# others go on. This notebook keeps its store in a temporary folder.

# %%
store_path = Path(tempfile.mkdtemp(prefix="aggregate-study-")) / "barrels.duckdb"
result = run_study(study, store=store_path, workers=2)
print(
    f"{result.ok} solved, {result.failed} failed, {result.lost} lost "
    f"in {result.seconds:.0f} s"
)
assert result.failed == 0 and result.lost == 0, result.failures

# %% [markdown]
# Running the study again solves nothing: every variant is already stored.

# %%
again = run_study(study, store=store_path, workers=2, progress=False)
print(f"to solve: {again.to_run}, already stored: {again.skipped}")
assert again.to_run == 0

# %% [markdown]
# ## 4. Compare the variants
#
# `result.comparison()` has one row per variant: its parameters, status, key
# figures for all nations (`short`, `fill_rate`, `total_cost`, ...) and the change
# against the base. The store holds every table of every plan;
# `store.by_nation()` gives the figures per nation, here Ukraine's.

# %%
comparison = result.comparison()
with result.store() as store:
    nations = store.by_nation()
ukraine = nations[nations["nation"] == "UKR"].set_index("variant")
table = comparison.set_index("variant").assign(
    ukraine_demand=ukraine["demand"],
    ukraine_met=ukraine["met"],
    ukraine_short=ukraine["short"],
    ukraine_fill_rate=ukraine["fill_rate"],
    cost_eur_m=comparison.set_index("variant")["total_cost"] / 1e6,
).reset_index()
assert (table["status"] == "ok").all() and table["verified"].all()
table[
    ["variant", "kind", "ukraine_short", "ukraine_fill_rate", "short", "fill_rate",
     "cost_eur_m", "gap", "seconds"]
]

# %% [markdown]
# **One lever at a time.** Ukraine's rounds never fired, its fill rate and
# the coalition's total cost (all nations, 2024-2026), against the base (dashed):

# %%
levers = table[table["kind"].isin(["base", "variant"])]
plot_study(
    levers,
    columns=["ukraine_short", "ukraine_fill_rate", "cost_eur_m"],
    base="base",
    labels={
        "ukraine_short": "Ukraine: thousand rounds short",
        "ukraine_fill_rate": "Ukraine: fill rate",
        "cost_eur_m": "total cost (EUR m)",
    },
    percent=["ukraine_fill_rate"],
    title="Raising one capacity by half",
);

# %% [markdown]
# **Bearings and recoil parts together.** Ukraine's fill rate over the grid: each
# cell is one variant.

# %%
points = table[table["group"] == "parts"]
heat = points.pivot_table(
    index="param_bearings", columns="param_recoil", values="ukraine_fill_rate"
)
fig, ax = plt.subplots(figsize=(5.5, 4.5))
image = ax.imshow(100 * heat.to_numpy(), cmap="RdYlGn", origin="lower", aspect="auto")
for i, b in enumerate(heat.index):
    for j, r in enumerate(heat.columns):
        ax.text(j, i, f"{heat.loc[b, r]:.0%}", ha="center", va="center")
ax.set_xticks(range(len(heat.columns)), [f"x{r:g}" for r in heat.columns])
ax.set_yticks(range(len(heat.index)), [f"x{b:g}" for b in heat.index])
ax.set_xlabel("recoil-system suppliers' capacity")
ax.set_ylabel("bearing makers' capacity")
ax.set_title("Ukraine's fill rate, 2024-2026")
fig.colorbar(image, ax=ax, label="fill rate (%)");

# %% [markdown]
# Every variant's total cost, against the base:

# %%
plot_variants(table, column="cost_eur_m", base="base", label="total cost (EUR m)");

# %% [markdown]
# ## 5. Conclusion
#
# The answer, in sentences built from the table above (so it follows the numbers
# when the scenario or the study changes). The solver stops within the
# scenario's MIP gap of the best weighted shortfall; a change of Ukraine's
# shortfall smaller than that gap (converted to Ukraine's rounds) is called
# *within the solver's tolerance*, not an effect.

# %%
rows = table.set_index("variant")
base = rows.loc["base"]
priority = max(d.priority for d in scenario.demands if d.nation == "UKR")
tolerance = scenario.settings.mip_gap * base["weighted_shortfall"] / priority


def cut(variant: str) -> float:
    # thousands of rounds of Ukraine's shortfall that the variant avoids
    short = rows["ukraine_short"]
    return float(short["base"] - short[variant])


def fill(variant: str) -> str:
    return f"{rows['ukraine_fill_rate'][variant]:.0%}"


def grid_point(bearings: float, recoil: float) -> str:
    hit = points[
        (points["param_bearings"] == bearings) & (points["param_recoil"] == recoil)
    ]
    return str(hit["variant"].iloc[0])


def barrels(x: float) -> str:
    note = " (within the solver's tolerance)" if abs(x) <= tolerance else ""
    return f"{x:,.0f} thousand rounds{note}"


one = {k: f"{k}-x{RAISE:g}" for k in LEVERS}
single = pd.Series({k: cut(v) for k, v in one.items()}).sort_values(ascending=False)
best = single.index[0]
pair = cut(grid_point(RAISE, RAISE))
separately = single["bearings"] + single["recoil"]
suppliers, everything = cut(f"suppliers-x{RAISE:g}"), cut(f"everything-x{RAISE:g}")
top = points.iloc[points["ukraine_fill_rate"].argmax()]

lines = [
    f"**Today.** Ukraine's guns fire {base['ukraine_met']:,.0f} of the "
    f"{base['ukraine_demand']:,.0f} thousand rounds planned for 2024-2026 "
    f"({fill('base')}); {base['ukraine_short']:,.0f} are never fired. "
    f"Tolerance of the solves: about {tolerance:,.0f} thousand rounds.",
    f"**One lever.** Raised by half one at a time, {LEVERS[best][0]} cut Ukraine's "
    f"shortfall the most: by {barrels(single[best])}, a fill rate of "
    f"{fill(one[best])}. The others: "
    + "; ".join(f"{LEVERS[k][0]} {barrels(single[k])}" for k in single.index[1:])
    + ".",
]
if pair > 1.2 * separately:
    relation = (
        f"{pair / separately:.1f} times what the two achieve separately "
        f"({single['bearings']:,.0f} + {single['recoil']:,.0f}): as soon as one "
        "is relieved the other binds, so they pay off only together"
    )
elif pair >= 0.8 * separately:
    relation = "about what the two achieve separately"
else:
    relation = "less than the two achieve separately: they relieve the same limit"
lines.append(
    f"**Two levers.** Raising the bearing makers and the recoil-system suppliers "
    f"together by half cuts it by {barrels(pair)}, {relation}. Over the grid the "
    f"best point (bearings x{top['param_bearings']:g}, recoil parts "
    f"x{top['param_recoil']:g}) reaches a fill rate of {top['ukraine_fill_rate']:.0%}."
)
extra = everything - suppliers
makers = f"raising the barrel makers as well cuts {barrels(extra)} more"
if extra > 2 * max(single["makers"], tolerance):
    makers += (
        f", against {barrels(single['makers'])} on their own: once their suppliers "
        "deliver more parts, the makers are the next limit"
    )
last = rows.loc[f"everything-x{RAISE:g}"]
extra_cost = last["total_cost"] - base["total_cost"]
extra_met = base["short"] - last["short"]  # all nations, thousands of rounds
per_barrel = (
    f", about EUR {extra_cost / extra_met:,.0f} per extra thousand rounds fired"
    if extra_met > tolerance and extra_cost > 0
    else ""
)
lines.append(
    f"**All suppliers.** Raising all three kinds of supplier by half cuts Ukraine's "
    f"shortfall by {barrels(suppliers)} ({fill(f'suppliers-x{RAISE:g}')}); "
    f"{makers} ({fill(f'everything-x{RAISE:g}')}). The coalition then spends "
    f"EUR {extra_cost / 1e6:,.0f}m more in total over the three years{per_barrel}."
)
display(Markdown("\n\n".join(lines)))

# %% [markdown]
# **Reading it.** The marginal prices of section 1 rank the limits one unit at a
# time; the study measures what lifting a limit by a real amount buys once the
# next limit takes over. That is what an investment decision needs to know: here,
# whether money for sustainment should go to the barrel makers or to the firms
# that supply their parts, and to which of them together.
#
# **Limits of this study.** Capacities are scaled by the same factor in every
# quarter, from 2024Q1, which no real expansion achieves (a new line takes one to
# three years); the schema cannot yet price an expansion of a component supplier,
# so these variants say what extra parts would be *worth*, not what they would
# cost. Prices, lead times and demand are unchanged; every figure of the scenario
# is an estimate (see its README).

# %% [markdown]
# The results store was a temporary folder; this removes it. Give `run_study` a
# path of your own (`store="out/barrels.duckdb"`) to keep the results and to
# resume the study later.

# %%
import shutil

shutil.rmtree(store_path.parent)
