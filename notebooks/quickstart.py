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
# # Quick start: solve a joint-procurement scenario and read the plan
#
# This notebook walks through one scenario from file to pictures:
#
# 1. **load** the scenario and check it is consistent,
# 2. **solve** it: who orders what from whom, when, and who pays,
# 3. **read** the key figures and the plan's tables,
# 4. **verify** the plan independently,
# 5. **plot** the flows, the deliveries against demand and the shortfall,
# 6. **explain** what holds the plan back: the bottlenecks and the reasons for
#    each shortfall,
# 7. **what if**: change the scenario in one line, solve again, and compare the
#    two plans,
# 8. **share** the cost fairly: what each nation should pay for a pooled contract.
#
# The scenario is `models/ammo-155mm-2023-2025`: 155mm artillery shells for Ukraine
# and the donor nations refilling their stocks, 2023-2025, built from public
# figures (its README cites them). Run the cells from top to bottom
# (*Run > Run All Cells*); the whole notebook takes about a minute.

# %% [markdown]
# ## 0. Set up
#
# `aggregate` is the Python package; `aggregate.plots` draws the charts and
# `aggregate.report` turns the plan into readable tables. `MODELS` is the folder
# of the scenario library, found from wherever this notebook is opened.

# %%
from pathlib import Path

import pandas as pd

import aggregate
from aggregate import plots, report
from aggregate.summary import size_line, summary_tables

pd.set_option("display.float_format", "{:,.2f}".format)
pd.set_option("display.max_columns", 20)

MODELS = next(
    folder / "models"
    for folder in (Path.cwd(), *Path.cwd().parents)
    if (folder / "models").is_dir()
)
MODELS

# %% [markdown]
# ## 1. Load and check the scenario
#
# `aggregate.load` reads a YAML, JSON or Excel scenario and checks it: every field
# has the right type and unit, and every reference (a demand's nation, an offer's
# item, a fund's members) exists. A problem is reported with the entry, the field
# and how to fix it, never as a crash deep in the solver.

# %%
scenario = aggregate.load(MODELS / "ammo-155mm-2023-2025" / "scenario.yaml")
print(scenario.name)
print(size_line(scenario))

# %% [markdown]
# The same checks run on scenarios written in Python. Here is what an analyst sees
# when a demand names a nation the scenario does not have:

# %%
raw = {
    "name": "a broken example",
    "periods": ["2025Q1"],
    "nations": [{"code": "UKR", "name": "Ukraine"}],
    "items": [{"id": "155-std"}],
    "capabilities": [{"id": "fire", "satisfied_by": [{"item": "155-std"}]}],
    "demands": [{"id": "d1", "nation": "POL", "capability": "fire",
                 "period": "2025Q1", "quantity": 100}],
}
try:
    aggregate.validate(raw)
except aggregate.ScenarioError as problem:
    print(problem)

# %% [markdown]
# What the scenario holds, in numbers (demand, capacity, stocks, funds, budgets):

# %%
tables = summary_tables(scenario)
list(tables)

# %%
tables["Demand by capability"]

# %% [markdown]
# ## 2. Solve
#
# `aggregate.solve` builds the optimisation model and solves it with HiGHS. By
# default it first meets as much of the (priority-weighted) demand as possible, on
# time, and then finds the cheapest plan that does so. The status says honestly how
# the solve ended: `optimal`, `time_limit` (with the remaining gap), `infeasible`, ...

# %%
plan = aggregate.solve(scenario, time_limit=120)
gap = "unknown" if plan.gap is None else f"{plan.gap:.2%}"
print(f"status: {plan.status.value}, gap: {gap}, "
      f"solved in {plan.timings['total']:.1f} seconds")
assert plan.status.has_plan

# %% [markdown]
# ## 3. Read the plan
#
# **Key figures**, grouped (costs, penalties, needs, funds, solve), each with its
# label and unit: total cost (purchase, delivery, contracts, investment, holding),
# penalties (not in the total cost), shortfall and the fill rate (share of the
# demanded quantity met, on time or late). Money is in the scenario's currency.

# %%
report.key_figures(plan)

# %% [markdown]
# **Per nation and item**, in the item's unit: what each nation received by
# channel (own purchase, paid by a fund, bought for it by another nation,
# donated), gave away and used. Every table carries its units:
# `units(frame)` gives column -> unit (`EUR`, `round`, ...).

# %%
from aggregate.tables import units

print(units(plan.orders))
report.plan_by_nation(plan)

# %% [markdown]
# **Orders by contract**: one pooled contract per producer and item; each nation's
# units, first and last delivery, unit price and cost.

# %%
report.orders_by_contract(plan).head(15)

# %% [markdown]
# **The largest shortfalls** (demands met late or never), worst first:

# %%
report.shortfalls(plan).head(10)

# %% [markdown]
# Every table of the plan is a pandas DataFrame, documented column by column in
# `aggregate.tables.TABLES`: `plan.orders`, `plan.contracts`, `plan.investments`,
# `plan.capacity`, `plan.donations`, `plan.inventory`, `plan.supply`,
# `plan.demands`, `plan.contributions`, `plan.payments`, `plan.budgets` (type
# `plan.` and press Tab to list them). For example, what each member paid into
# each fund:

# %%
plan.contributions[plan.contributions.amount > 0]

# %% [markdown]
# ## 4. Verify
#
# `aggregate.verify` re-checks every rule (capacity, stocks and floors, fund
# rules, budgets, ...) from the plan's tables alone, independently of the model
# that produced them. A plan you report should always pass it.

# %%
check = aggregate.verify(scenario, plan)
print(check)
assert check.ok

# %% [markdown]
# ## 5. Plot
#
# Each chart is one function of `aggregate.plots`; pass `scenario=` for readable
# names and units. Every function returns the matplotlib axes (or figure), so a
# chart can be adjusted or saved (`ax.figure.savefig("flows.png")`).
#
# **Who delivers to whom**: each band is as wide as the rounds delivered from a
# producer or a donor's stock (left) to a nation (right) over the whole horizon; the
# note below says what came by each channel (own purchase, fund, bilateral purchase,
# donation). `by="payer"` shows who paid instead, `weight="money"` weighs by money.

# %%
plots.plot_flows(plan, scenario=scenario);

# %% [markdown]
# **Deliveries against demand** for Ukraine: bars are the rounds used to meet its
# demand each quarter (on time, or late for an earlier quarter); the line is what
# was due. Where the line is above the bars, demand went unmet.

# %%
plots.plot_deliveries(plan, nation="UKR", scenario=scenario);

# %% [markdown]
# **Shortfall** by nation and capability per quarter: the rounds never delivered.

# %%
plots.plot_shortfall(plan, scenario=scenario);

# %% [markdown]
# **Capacity use** of one producer, Nammo's 155mm line (Norway paid for a tenfold
# increase): bars are the rounds delivered, the line the capacity available, the
# shaded part what investments added. `plots.plot_capacity_by_producer(plan)` draws
# one such panel per producer.

# %%
plots.plot_capacity(plan, producer="NAMMO", item="155-NATO-std", scenario=scenario);

# %% [markdown]
# **Fund contributions**: what each member paid into each fund (bars), against its
# exact key share (diamond) and the range its fund's rule allows (line).

# %%
plots.plot_contributions(plan, scenario=scenario);

# %% [markdown]
# ## 6. Why is it short? Bottlenecks and reasons
#
# `aggregate.explain.explain` prices every rule of the plan (each capacity,
# component supply, budget, fund cap, stock floor and refill target): with the
# plan's yes/no decisions (contracts, tiers, lots, expansions) kept, the model is
# re-solved as a linear programme with the rule relaxed, and each value is the
# re-solved gain per unit, with the range over which it holds (`holds_up_to`) and
# the scenario field to change (`change`). A value a re-solve does not confirm is
# not shown. The rules worth most are the bottlenecks. `expansions=False` skips
# valuing the capacity expansions the plan did not take (one extra solve each).

# %%
from aggregate.explain import explain, plot_bottlenecks

why = explain(scenario, plan, expansions=False)
why.bottlenecks.head(10)[
    ["rank", "rule", "change", "period", "limit", "used", "shortfall_avoided",
     "holds_up_to"]
]

# %% [markdown]
# The same ranking in words. `shortfall_avoided` is in *weighted* units (rounds
# times the demand's priority: Ukraine's demands have priority 10, so 10 weighted
# units are one round for Ukraine):

# %%
lines = why.sentences(top=5)  # the top 5 bottlenecks, then the reasons kept
print("\n".join(lines[:5]))
print(f"... and {len(lines) - 5:,} more sentences")
for note in why.notes:
    print("Note:", note)

# %% [markdown]
# `why.sentences()` continues with the shortfall reasons (at most 3 per short
# demand, each one a re-solve shows to avoid shortfall; `explain(..., all_reasons=True)`
# keeps every one) and the expansion options, in words. The reasons are a table,
# `why.shortfall_reasons`: one row per short demand and reason. How many short
# demands each kind of reason touches:

# %%
reasons = why.shortfall_reasons
reasons.groupby("reason")["demand"].nunique().sort_values(ascending=False)

# %% [markdown]
# The reasons for the demand with the largest shortfall, most valuable first:

# %%
worst = reasons["demand"].iloc[reasons["short"].argmax()]
print(worst)
reasons[reasons["demand"] == worst][
    ["reason", "entry", "period", "shortfall_avoided", "cost_saved"]
].head(8)

# %%
plot_bottlenecks(why, top=10);

# %% [markdown]
# Dual prices are *marginal*: they say what the first extra unit is worth, not
# what a large change does (another rule may bind after a few more units). For
# "what if this capacity were 50% larger", solve a variant (next section; the
# study notebook runs many). When a scenario has **no** plan at all, `aggregate.explain.diagnose`
# names a smallest set of conflicting hard rules instead.

# %% [markdown]
# ## 7. What if? One change, one line
#
# `scenario.with_changes` returns a new, checked scenario with some values changed.
# Each change is a path, in the language of study files, and a new value or an
# operation: `("scale", 1.5)`, `("add", 1000)`, `("remove",)`, `("append", {...})`.
# `aggregate.diff(plan_a, plan_b)` then compares two plans per nation, capability
# and item (met, short, units received, cost, payments), each number as `_a`, `_b`
# and `_diff` (a - b).
#
# On a small teaching case (`models/teaching/pooling-tiers`, also used in section
# 8: two nations whose pooled volume reaches a discount tier), what if the tier
# price were 12.5% lower?

# %%
tiers = aggregate.load(MODELS / "teaching" / "pooling-tiers" / "scenario.yaml")
cheaper = tiers.with_changes(
    {"producers[MAKER].offers[155-std].tiers[0].price": ("scale", 0.875)}
)
before, after = aggregate.solve(tiers), aggregate.solve(cheaper)
change = aggregate.diff(after, before)
change

# %% [markdown]
# What each nation receives and pays for it, before (`_b`) and after (`_a`):

# %%
change.items

# %%
change.payments

# %% [markdown]
# **Within the gap.** A solve stops once its plan is proven within the relative
# gap of the best (`plan.gap`). A difference smaller than the two gaps allow is
# marked `within_gap`: another solve could show it reversed, so it is not a result.
# When both the cost and the shortfall are that close, the plans are
# `equally_good` and every row that differs is one of several equally good plans.
# `change.changes("payments")` keeps only the rows that are results; studies mark
# variants the same way (columns `cost_within_gap`, `shortfall_within_gap`,
# `equally_good`).

# %%
print(f"equally good: {change.equally_good}")
for note in change.notes:
    print(note)
change.changes("payments")

# %% [markdown]
# A path that does not exist, or a change its target cannot take, is reported with
# what exists there, every problem at once:

# %%
try:
    tiers.with_changes({
        "producers[MAKR].offers[155-std].price": 4500,
        "demands[EST-2024Q1].quantity": ("scale", "double"),
    })
except aggregate.ScenarioError as problem:
    print(problem)

# %% [markdown]
# ## 8. Fair shares: who should pay how much?
#
# Pooling saves money, and the saving has to be shared. `aggregate.games` treats
# the nations as players of a cooperative cost game: the cost of a group of
# nations `c(S)` is what the group pays when it buys on its own (the model solved
# on the scenario restricted to that group, shortfall charged at its penalty).
# Sharing rules split the pooled cost `c(N)`: pro rata to volume, by a GNI key,
# the **Shapley value** (each nation's average extra cost over all orders of
# joining), the **nucleolus** and Owen's dual prices. An allocation is in the
# **core** when no group would pay less on its own. `docs/games.md` defines them.
#
# Every rule needs the cost of many groups (all `2^n` of them for the exact
# Shapley value), so this example uses a small teaching case:
# `models/teaching/pooling-tiers`: Estonia needs 600 rounds and Latvia 500; from a
# pooled contract of 1,000 rounds every round costs EUR 4,000 instead of 5,000.

# %%
from aggregate.games import CoalitionGame, allocate
from aggregate.games.plot import plot_shares
from aggregate.games.report import shares_by_nation, stability

pair = aggregate.load(MODELS / "teaching" / "pooling-tiers" / "scenario.yaml")
game = CoalitionGame(pair, workers=1, verify=True)
shares = allocate(game, ["proportional", "shapley", "nucleolus"])
shares

# %% [markdown]
# `alone` is what each nation would pay on its own and `savings` what it gains
# by pooling under each rule. The cost of every group, each plan checked by
# `aggregate.verify`:

# %%
groups = game.table()
assert groups["verified"].all()
groups[["coalition", "value", "short", "status", "verified"]]

# %% [markdown]
# With two nations the Shapley value and the nucleolus agree: each nation saves
# half of the joint saving `c(EST) + c(LVA) - c(EST+LVA)`. Pro rata to volume,
# the larger buyer gets more of the saving. Is each rule stable, that is, in the
# core (no group pays more than it would alone)?

# %%
stability(game, shares)[["rule", "in_core", "violations", "largest_gain"]]

# %%
saving = game.value({"EST"}) + game.value({"LVA"}) - game.value({"EST", "LVA"})
shapley = shares[shares["rule"] == "shapley"].set_index("nation")
print(f"joint saving: EUR {saving:,.0f}; Shapley saving per nation: "
      + ", ".join(f"{n} EUR {v:,.0f}" for n, v in shapley["savings"].items()))
plot_shares(shares_by_nation(game, shares));

# %% [markdown]
# For a real scenario (8 or more nations) use the sampled Shapley value, which
# solves only the groups met along random joining orders and reports a confidence
# half-width: `allocate(CoalitionGame(scenario, workers=4), ["shapley"],
# samples=200, seed=1)`. The command line does the same:
# `aggregate share models/sustainment-barrels/scenario.yaml --rule shapley
# --samples 200`.

# %% [markdown]
# ## 9. Save the charts
#
# `plots.save_plan_plots` writes the charts of a plan to files (PNG, SVG or PDF):
# every chart by default, or the kinds asked for (`flows`, `deliveries`,
# `shortfall`, `capacity`, `funds`). The command line writes them all in one step:
# `aggregate plot models/ammo-155mm-2023-2025/scenario.yaml --out plots`.

# %%
import tempfile

folder = Path(tempfile.mkdtemp(prefix="aggregate-plots-"))
written = plots.save_plan_plots(
    plan, folder, ["png", "svg"], kinds=["shortfall", "funds"], scenario=scenario
)
[path.name for path in written]

# %% [markdown]
# ## Next steps
#
# - `aggregate.compare(scenario)` solves the same scenario with every nation
#   contracting alone (funds and donations kept) and shows the value of pooling per
#   nation; `aggregate.compare_aid(scenario)` shows the value of funds and donations.
# - `docs/model.md` states every rule of the model; `models/README.md` lists the
#   scenario library.
# - `study.ipynb` in this folder runs a scenario study: many variants of a
#   scenario, solved in parallel, stored as they finish, compared and plotted.
# - `benchmarks.ipynb` shows how far `aggregate` is from HiGHS on its own.
