"""Write the notebooks in this folder from Python, so they stay reviewable as code.

Run ``python notebooks/build.py`` after editing a section below; the ``.ipynb`` files are
written without outputs (the test suite executes them: ``tests/test_notebooks.py``).
``python notebooks/build.py --check`` exits 1 if a written notebook differs from what this
script would write.

Notebooks: ``quickstart.ipynb`` (:data:`QUICKSTART`: load, solve, read, verify, plot,
explain, fair shares), ``study.ipynb`` (:data:`STUDY`: a scenario study on
``models/sustainment-barrels`` with a conclusion computed from its results) and
``benchmarks.ipynb`` (:data:`BENCHMARKS`: plots of ``benchmarks/results/benchmarks.csv``, or
of a smoke run of the suite when that file is missing).

Layout: each notebook is a list of *sections*; a section is a function returning its cells
(markdown and code, made with :func:`md` and :func:`code`). To add a step to the quick
start, write a section function and add it to :data:`QUICKSTART` before ``next_steps``. To
add a notebook, add an entry to :data:`NOTEBOOKS`. Cell ids are derived from the section
name, so regenerating gives the same file.

Numbers in markdown go stale when a scenario changes: state results in cells that compute
them (e.g. sentences built from a results table and shown with ``IPython.display``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

HERE = Path(__file__).resolve().parent

Section = Callable[[], list[NotebookNode]]


def md(text: str) -> NotebookNode:
    return nbformat.v4.new_markdown_cell(_dedent(text))


def code(text: str) -> NotebookNode:
    return nbformat.v4.new_code_cell(_dedent(text))


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip("\n")


# --- the quick start ------------------------------------------------------------------------


def title() -> list[NotebookNode]:
    return [
        md(
            """
            # Quick start: solve a joint-procurement scenario and read the plan

            This notebook walks through one scenario from file to pictures:

            1. **load** the scenario and check it is consistent,
            2. **solve** it: who orders what from whom, when, and who pays,
            3. **read** the key figures and the plan's tables,
            4. **verify** the plan independently,
            5. **plot** the flows, the deliveries against demand and the shortfall,
            6. **explain** what holds the plan back: the bottlenecks and the reasons for
               each shortfall,
            7. **share** the cost fairly: what each nation should pay for a pooled contract.

            The scenario is `models/ammo-155mm-2023-2025`: 155mm artillery shells for Ukraine
            and the donor nations refilling their stocks, 2023-2025, built from public
            figures (its README cites them). Run the cells from top to bottom
            (*Run > Run All Cells*); the whole notebook takes about a minute.
            """
        )
    ]


def setup() -> list[NotebookNode]:
    return [
        md(
            """
            ## 0. Set up

            `aggregate` is the Python package; `aggregate.plots` draws the charts and
            `aggregate.report` turns the plan into readable tables. `MODELS` is the folder
            of the scenario library, found from wherever this notebook is opened.
            """
        ),
        code(
            """
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
            """
        ),
    ]


def load() -> list[NotebookNode]:
    return [
        md(
            """
            ## 1. Load and check the scenario

            `aggregate.load` reads a YAML, JSON or Excel scenario and checks it: every field
            has the right type and unit, and every reference (a demand's nation, an offer's
            item, a fund's members) exists. A problem is reported with the entry, the field
            and how to fix it, never as a crash deep in the solver.
            """
        ),
        code(
            """
            scenario = aggregate.load(MODELS / "ammo-155mm-2023-2025" / "scenario.yaml")
            print(scenario.name)
            print(size_line(scenario))
            """
        ),
        md(
            """
            The same checks run on scenarios written in Python. Here is what an analyst sees
            when a demand names a nation the scenario does not have:
            """
        ),
        code(
            """
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
            """
        ),
        md("What the scenario holds, in numbers (demand, capacity, stocks, funds, budgets):"),
        code(
            """
            tables = summary_tables(scenario)
            list(tables)
            """
        ),
        code(
            """
            tables["Demand by capability"]
            """
        ),
    ]


def solve() -> list[NotebookNode]:
    return [
        md(
            """
            ## 2. Solve

            `aggregate.solve` builds the optimisation model and solves it with HiGHS. By
            default it first meets as much of the (priority-weighted) demand as possible, on
            time, and then finds the cheapest plan that does so. The status says honestly how
            the solve ended: `optimal`, `time_limit` (with the remaining gap), `infeasible`, ...
            """
        ),
        code(
            """
            plan = aggregate.solve(scenario, time_limit=120)
            gap = "unknown" if plan.gap is None else f"{plan.gap:.2%}"
            print(f"status: {plan.status.value}, gap: {gap}, "
                  f"solved in {plan.timings['total']:.1f} seconds")
            assert plan.status.has_plan
            """
        ),
    ]


def read() -> list[NotebookNode]:
    return [
        md(
            """
            ## 3. Read the plan

            **Key figures**: total cost (purchase, delivery, contracts, investment, holding),
            shortfall, and the fill rate (share of the demanded quantity met, on time or
            late). Money is in the scenario's currency.
            """
        ),
        code("report.key_figures(plan)"),
        md(
            """
            **Per nation**: demand met and short, units ordered, donated and received, and
            what each nation spends.
            """
        ),
        code("report.plan_by_nation(plan)"),
        md(
            """
            **Orders by contract**: one pooled contract per producer and item; each nation's
            units, first and last delivery, unit price and cost.
            """
        ),
        code("report.orders_by_contract(plan).head(15)"),
        md("**The largest shortfalls** (demands met late or never), worst first:"),
        code("report.shortfalls(plan).head(10)"),
        md(
            """
            Every table of the plan is a pandas DataFrame, documented column by column in
            `aggregate.tables.TABLES`: `plan.orders`, `plan.contracts`, `plan.investments`,
            `plan.capacity`, `plan.donations`, `plan.inventory`, `plan.supply`,
            `plan.demands`, `plan.contributions`, `plan.payments`, `plan.budgets`. For
            example, what each member paid into each fund:
            """
        ),
        code(
            """
            plan.contributions[plan.contributions.amount > 0]
            """
        ),
    ]


def verify() -> list[NotebookNode]:
    return [
        md(
            """
            ## 4. Verify

            `aggregate.verify` re-checks every rule (capacity, stocks and floors, fund
            rules, budgets, ...) from the plan's tables alone, independently of the model
            that produced them. A plan you report should always pass it.
            """
        ),
        code(
            """
            check = aggregate.verify(scenario, plan)
            print(check)
            assert check.ok
            """
        ),
    ]


def plot() -> list[NotebookNode]:
    return [
        md(
            """
            ## 5. Plot

            Each chart is one function of `aggregate.plots`; pass `scenario=` for readable
            names and units. Every function returns the matplotlib axes (or figure), so a
            chart can be adjusted or saved (`ax.figure.savefig("flows.png")`).

            **Who delivers to whom**: each band is as wide as the rounds delivered from a
            producer (left) to a nation (right) over the whole horizon.
            """
        ),
        code("plots.plot_flows(plan, scenario=scenario);"),
        md(
            """
            **Deliveries against demand** for Ukraine: bars are the rounds used to meet its
            demand each quarter (on time, or late for an earlier quarter); the line is what
            was due. Where the line is above the bars, demand went unmet.
            """
        ),
        code('plots.plot_deliveries(plan, nation="UKR", scenario=scenario);'),
        md(
            """
            **Shortfall** by nation and capability per quarter: the rounds never delivered.
            """
        ),
        code("plots.plot_shortfall(plan, scenario=scenario);"),
        md(
            """
            **Capacity use** of one producer, Nammo's 155mm line (Norway paid for a tenfold
            increase): bars are the rounds delivered, the line the capacity available, the
            shaded part what investments added. `plots.plot_capacity_by_producer(plan)` draws
            one such panel per producer.
            """
        ),
        code(
            """
            plots.plot_capacity(plan, producer="NAMMO", item="155-NATO-std", scenario=scenario);
            """
        ),
        md(
            """
            **Fund contributions**: what each member paid into each fund (bars), against its
            exact key share (diamond) and the range its fund's rule allows (line).
            """
        ),
        code("plots.plot_contributions(plan, scenario=scenario);"),
    ]


def explain_plan() -> list[NotebookNode]:
    return [
        md(
            """
            ## 6. Why is it short? Bottlenecks and reasons

            `aggregate.explain.explain` prices every rule of the plan (each capacity,
            component supply, budget, fund cap, stock floor and refill target): with the
            plan's yes/no decisions fixed, the model is re-solved as a linear programme and
            the dual price of each rule says what **one more unit** of it would be worth.
            The rules worth most are the bottlenecks. `expansions=False` skips valuing the
            capacity expansions the plan did not take (one extra solve each).
            """
        ),
        code(
            """
            from aggregate.explain import explain, plot_bottlenecks

            why = explain(scenario, plan, expansions=False)
            why.bottlenecks.head(10)[
                ["rank", "rule", "entry", "period", "limit", "used", "shortfall_avoided",
                 "cost_saved"]
            ]
            """
        ),
        md(
            """
            The same ranking in words. `shortfall_avoided` is in *weighted* units (rounds
            times the demand's priority: Ukraine's demands have priority 10, so 10 weighted
            units are one round for Ukraine):
            """
        ),
        code(
            """
            lines = why.sentences(top=5)  # the top 5 bottlenecks, then every reason
            print("\\n".join(lines[:5]))
            print(f"... and {len(lines) - 5:,} more sentences")
            for note in why.notes:
                print("Note:", note)
            """
        ),
        md(
            """
            `why.sentences()` continues with every shortfall reason (and expansion option)
            in words; for a scenario this size that is a long list. The reasons are a table,
            `why.shortfall_reasons`: one row per short demand and reason. How many short
            demands each kind of reason touches:
            """
        ),
        code(
            """
            reasons = why.shortfall_reasons
            reasons.groupby("reason")["demand"].nunique().sort_values(ascending=False)
            """
        ),
        md("The reasons for the demand with the largest shortfall, most valuable first:"),
        code(
            """
            worst = reasons.loc[reasons["short"].idxmax(), "demand"]
            print(worst)
            reasons[reasons["demand"] == worst][
                ["reason", "entry", "period", "shortfall_avoided", "cost_saved"]
            ].head(8)
            """
        ),
        code("plot_bottlenecks(why, top=10);"),
        md(
            """
            Dual prices are *marginal*: they say what the first extra unit is worth, not
            what a large change does (another rule may bind after a few more units). For
            "what if this capacity were 50% larger", solve a variant: see the study
            notebook. When a scenario has **no** plan at all, `aggregate.explain.diagnose`
            names a smallest set of conflicting hard rules instead.
            """
        ),
    ]


def fair_shares() -> list[NotebookNode]:
    return [
        md(
            """
            ## 7. Fair shares: who should pay how much?

            Pooling saves money, and the saving has to be shared. `aggregate.games` treats
            the nations as players of a cooperative cost game: the cost of a group of
            nations `c(S)` is what the group pays when it buys on its own (the model solved
            on the scenario restricted to that group, shortfall charged at its penalty).
            Sharing rules split the pooled cost `c(N)`: pro rata to volume, by a GNI key,
            the **Shapley value** (each nation's average extra cost over all orders of
            joining), the **nucleolus** and Owen's dual prices. An allocation is in the
            **core** when no group would pay less on its own. `docs/games.md` defines them.

            Every rule needs the cost of many groups (all `2^n` of them for the exact
            Shapley value), so this example uses a small teaching case:
            `models/teaching/pooling-tiers`: Estonia needs 600 rounds and Latvia 500; from a
            pooled contract of 1,000 rounds every round costs EUR 4,000 instead of 5,000.
            """
        ),
        code(
            """
            from aggregate.games import CoalitionGame, allocate
            from aggregate.games.plot import plot_shares
            from aggregate.games.report import shares_by_nation, stability

            pair = aggregate.load(MODELS / "teaching" / "pooling-tiers" / "scenario.yaml")
            game = CoalitionGame(pair, workers=1, verify=True)
            shares = allocate(game, ["proportional", "shapley", "nucleolus"])
            shares
            """
        ),
        md(
            """
            `alone` is what each nation would pay on its own and `savings` what it gains
            by pooling under each rule. The cost of every group, each plan checked by
            `aggregate.verify`:
            """
        ),
        code(
            """
            groups = game.table()
            assert groups["verified"].all()
            groups[["coalition", "value", "short", "status", "verified"]]
            """
        ),
        md(
            """
            With two nations the Shapley value and the nucleolus agree: each nation saves
            half of the joint saving `c(EST) + c(LVA) - c(EST+LVA)`. Pro rata to volume,
            the larger buyer gets more of the saving. Is each rule stable, that is, in the
            core (no group pays more than it would alone)?
            """
        ),
        code(
            """
            stability(game, shares)[["rule", "in_core", "violations", "largest_gain"]]
            """
        ),
        code(
            """
            saving = game.value({"EST"}) + game.value({"LVA"}) - game.value({"EST", "LVA"})
            shapley = shares[shares["rule"] == "shapley"].set_index("nation")
            print(f"joint saving: EUR {saving:,.0f}; Shapley saving per nation: "
                  + ", ".join(f"{n} EUR {v:,.0f}" for n, v in shapley["savings"].items()))
            plot_shares(shares_by_nation(game, shares));
            """
        ),
        md(
            """
            For a real scenario (8 or more nations) use the sampled Shapley value, which
            solves only the groups met along random joining orders and reports a confidence
            half-width: `allocate(CoalitionGame(scenario, workers=4), ["shapley"],
            samples=200, seed=1)`. The command line does the same:
            `aggregate share models/sustainment-barrels/scenario.yaml --rule shapley
            --samples 200`.
            """
        ),
    ]


def save() -> list[NotebookNode]:
    return [
        md(
            """
            ## 8. Save the charts

            `plots.save_plan_plots` writes the charts of a plan to files (PNG, SVG or PDF):
            every chart by default, or the kinds asked for (`flows`, `deliveries`,
            `shortfall`, `capacity`, `funds`). The command line writes them all in one step:
            `aggregate plot models/ammo-155mm-2023-2025/scenario.yaml --out plots`.
            """
        ),
        code(
            """
            import tempfile

            folder = Path(tempfile.mkdtemp(prefix="aggregate-plots-"))
            written = plots.save_plan_plots(
                plan, folder, ["png", "svg"], kinds=["shortfall", "funds"], scenario=scenario
            )
            [path.name for path in written]
            """
        ),
    ]


def next_steps() -> list[NotebookNode]:
    return [
        md(
            """
            ## Next steps

            - `aggregate.compare(scenario)` solves the same scenario with every nation
              buying alone and shows what pooling saves, per nation.
            - `docs/model.md` states every rule of the model; `models/README.md` lists the
              scenario library.
            - `study.ipynb` in this folder runs a scenario study: many variants of a
              scenario, solved in parallel, stored as they finish, compared and plotted.
            - `benchmarks.ipynb` shows how far `aggregate` is from HiGHS on its own.
            """
        )
    ]


# --- the study ------------------------------------------------------------------------------


def study_title() -> list[NotebookNode]:
    return [
        md(
            """
            # Study: spare barrels for Ukraine's guns: the barrel makers or their suppliers?

            The Ukraine Defense Contact Group's national armaments directors map the
            production capacity of key capabilities **and of their component parts** (gun
            barrels, ball bearings, ...) to find the supply-chain constraints
            (`models/SOURCES.md`). This notebook asks that question of one scenario
            from the library, `models/sustainment-barrels`: spare barrels for Ukraine's
            PzH 2000, CAESAR, M109 and Bohdana guns, 2024-2026. Every barrel kit needs a
            forged barrel blank, two bearing sets and a recoil-system kit, each from a
            handful of suppliers with their own capacity.

            **The question.** If the coalition could raise one kind of capacity by half
            (the barrel makers, the forges, the bearing makers or the recoil-system
            suppliers), which would get Ukraine the most barrels? And which combination
            closes most of the gap?

            1. solve the scenario as it is and ask `aggregate.explain` what binds,
            2. state the study: one variant per lever, a few combinations, and a grid,
            3. run it on two worker processes, each result stored as soon as it is solved,
            4. compare the variants in a table and in charts,
            5. conclude, in sentences computed from the results.

            The notebook takes about a minute: 13 solves of one to a few seconds each.
            """
        )
    ]


def study_setup() -> list[NotebookNode]:
    return [
        md("## 0. Set up"),
        code(
            """
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
            """
        ),
    ]


def study_base() -> list[NotebookNode]:
    return [
        md(
            """
            ## 1. The scenario as it is

            Solve it, check the plan, and see how much each nation gets. Quantities are
            barrel-equivalents: a relined M109 barrel (Ukrainian repair of a worn tube)
            counts as half a new one.
            """
        ),
        code(
            """
            plan = aggregate.solve(scenario)
            check = aggregate.verify(scenario, plan)
            assert plan.status.has_plan and check.ok, check
            print(f"status: {plan.status.value}, solved in {plan.timings['total']:.1f} s")
            report.plan_by_nation(plan)
            """
        ),
        md(
            """
            What binds? `explain` gives the value of **one more unit** of every rule
            (weighted shortfall avoided: barrels times the demand's priority, 10 for
            Ukraine). Rules of component suppliers (`component supply`) next to the
            producers' own `capacity` tell whether the makers or their suppliers hold the
            plan back.
            """
        ),
        code(
            """
            why = explain(scenario, plan, expansions=False)
            why.bottlenecks.head(10)[
                ["rank", "rule", "entry", "period", "limit", "used", "shortfall_avoided"]
            ]
            """
        ),
        code("plot_bottlenecks(why, top=12);"),
        md(
            """
            These prices hold for a small change only: once a supplier has a few more
            parts, the next one in line may bind. To see what a *large* change does, solve
            variants of the scenario: a study.
            """
        ),
    ]


def study_define() -> list[NotebookNode]:
    return [
        md(
            """
            ## 2. State the study

            A study is a base scenario and variants derived from it by **overrides**: a path
            into the scenario and what to do there. `producers[*].offers[*].capacity` is
            the capacity series of every offer of every producer;
            `component_suppliers[component=bearings].capacity` that of every supplier of
            bearing sets; `scale` multiplies every value of the series.

            * one **variant** per lever, raised by half, and two combinations (all three
              kinds of supplier; everything);
            * a **grid** over the two suppliers that the explanation ranks highest, bearings
              and recoil-system parts, each at 1, 1.5 and 2 times today's capacity.

            The same study can be written as a YAML file and run with
            `aggregate study FILE` (see `models/studies/README.md`).
            """
        ),
        code(
            """
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
                description="Which capacity limits Ukraine's spare barrels?",
                base=str(BASE),
                solve={"threads": 1},  # one solver thread per worker process
                variants=variants,
                grids=[grid],
            )
            """
        ),
        md(
            """
            `expand` derives every variant and validates it like any scenario file (a path
            that does not exist is reported with what exists there, before anything is
            solved). Each variant is keyed by a hash of its content: the grid point at
            1 x 1 *is* the base, and a grid point equal to a one-lever variant is that
            variant, so they are solved once.
            """
        ),
        code(
            """
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
            """
        ),
    ]


def study_run() -> list[NotebookNode]:
    return [
        md(
            """
            ## 3. Run it

            `run_study` solves the variants not yet in the store on a pool of worker
            processes (here 2; by default one per core; `scheduler=` or
            `local_cluster=True` run it on a Dask cluster instead). The driver writes each
            result to an embedded DuckDB file as soon as it arrives, so an interrupted study
            loses nothing. A variant that fails is stored as failed, with its error, and the
            others go on. This notebook keeps its store in a temporary folder.
            """
        ),
        code(
            """
            store_path = Path(tempfile.mkdtemp(prefix="aggregate-study-")) / "barrels.duckdb"
            result = run_study(study, store=store_path, workers=2)
            print(
                f"{result.ok} solved, {result.failed} failed, {result.lost} lost "
                f"in {result.seconds:.0f} s"
            )
            assert result.failed == 0 and result.lost == 0, result.failures
            """
        ),
        md("Running the study again solves nothing: every variant is already stored."),
        code(
            """
            again = run_study(study, store=store_path, workers=2, progress=False)
            print(f"to solve: {again.to_run}, already stored: {again.skipped}")
            assert again.to_run == 0
            """
        ),
    ]


def study_compare() -> list[NotebookNode]:
    return [
        md(
            """
            ## 4. Compare the variants

            `result.comparison()` has one row per variant: its parameters, status, key
            figures for all nations (`short`, `fill_rate`, `total_cost`, ...) and the change
            against the base. The store holds every table of every plan;
            `store.by_nation()` gives the figures per nation, here Ukraine's.
            """
        ),
        code(
            """
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
            """
        ),
        md(
            """
            **One lever at a time.** Ukraine's barrels never delivered, its fill rate and
            the coalition's total cost (all nations, 2024-2026), against the base (dashed):
            """
        ),
        code(
            """
            levers = table[table["kind"].isin(["base", "variant"])]
            plot_study(
                levers,
                columns=["ukraine_short", "ukraine_fill_rate", "cost_eur_m"],
                base="base",
                labels={
                    "ukraine_short": "Ukraine: barrels short",
                    "ukraine_fill_rate": "Ukraine: fill rate",
                    "cost_eur_m": "total cost (EUR m)",
                },
                percent=["ukraine_fill_rate"],
                title="Raising one capacity by half",
            );
            """
        ),
        md(
            """
            **Bearings and recoil parts together.** Ukraine's fill rate over the grid: each
            cell is one variant.
            """
        ),
        code(
            """
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
            """
        ),
        md("Every variant's total cost, against the base:"),
        code(
            """
            plot_variants(table, column="cost_eur_m", base="base", label="total cost (EUR m)");
            """
        ),
    ]


def study_conclusion() -> list[NotebookNode]:
    return [
        md(
            """
            ## 5. Conclusion

            The answer, in sentences built from the table above (so it follows the numbers
            when the scenario or the study changes). The solver stops within the
            scenario's MIP gap of the best weighted shortfall; a change of Ukraine's
            shortfall smaller than that gap (converted to Ukraine's barrels) is called
            *within the solver's tolerance*, not an effect.
            """
        ),
        code(
            """
            rows = table.set_index("variant")
            base = rows.loc["base"]
            priority = max(d.priority for d in scenario.demands if d.nation == "UKR")
            tolerance = scenario.settings.mip_gap * base["weighted_shortfall"] / priority


            def cut(variant: str) -> float:
                # barrels of Ukraine's shortfall that the variant avoids
                return float(base["ukraine_short"] - rows.loc[variant, "ukraine_short"])


            def fill(variant: str) -> str:
                return f"{rows.loc[variant, 'ukraine_fill_rate']:.0%}"


            def grid_point(bearings: float, recoil: float) -> str:
                hit = points[
                    (points["param_bearings"] == bearings) & (points["param_recoil"] == recoil)
                ]
                return str(hit["variant"].iloc[0])


            def barrels(x: float) -> str:
                note = " (within the solver's tolerance)" if abs(x) <= tolerance else ""
                return f"{x:,.0f} barrels{note}"


            one = {k: f"{k}-x{RAISE:g}" for k in LEVERS}
            single = pd.Series({k: cut(v) for k, v in one.items()}).sort_values(ascending=False)
            best = single.index[0]
            pair = cut(grid_point(RAISE, RAISE))
            separately = single["bearings"] + single["recoil"]
            suppliers, everything = cut(f"suppliers-x{RAISE:g}"), cut(f"everything-x{RAISE:g}")
            top = points.loc[points["ukraine_fill_rate"].idxmax()]

            lines = [
                f"**Today.** Ukraine receives {base['ukraine_met']:,.0f} of the "
                f"{base['ukraine_demand']:,.0f} barrels its guns wear out in 2024-2026 "
                f"({fill('base')}); {base['ukraine_short']:,.0f} never arrive. "
                f"Tolerance of the solves: about {tolerance:,.0f} barrels.",
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
            extra_met = base["short"] - last["short"]  # all nations, barrel-equivalents
            per_barrel = (
                f", about EUR {extra_cost / extra_met:,.0f} per extra barrel delivered"
                if extra_met > tolerance and extra_cost > 0
                else ""
            )
            lines.append(
                f"**All suppliers.** Raising all three kinds of supplier by half cuts Ukraine's "
                f"shortfall by {barrels(suppliers)} ({fill(f'suppliers-x{RAISE:g}')}); "
                f"{makers} ({fill(f'everything-x{RAISE:g}')}). The coalition then spends "
                f"EUR {extra_cost / 1e6:,.0f}m more in total over the three years{per_barrel}."
            )
            display(Markdown("\\n\\n".join(lines)))
            """
        ),
        md(
            """
            **Reading it.** The marginal prices of section 1 rank the limits one unit at a
            time; the study measures what lifting a limit by a real amount buys once the
            next limit takes over. That is what an investment decision needs to know: here,
            whether money for sustainment should go to the barrel makers or to the firms
            that supply their parts, and to which of them together.

            **Limits of this study.** Capacities are scaled by the same factor in every
            quarter, from 2024Q1, which no real expansion achieves (a new line takes one to
            three years); the schema cannot yet price an expansion of a component supplier,
            so these variants say what extra parts would be *worth*, not what they would
            cost. Prices, lead times and demand are unchanged; every figure of the scenario
            is an estimate (see its README).
            """
        ),
        md(
            """
            The results store was a temporary folder; this removes it. Give `run_study` a
            path of your own (`store="out/barrels.duckdb"`) to keep the results and to
            resume the study later.
            """
        ),
        code(
            """
            import shutil

            shutil.rmtree(store_path.parent)
            """
        ),
    ]


# --- the benchmarks -------------------------------------------------------------------------


def bench_title() -> list[NotebookNode]:
    return [
        md(
            """
            # Benchmarks: how far is `aggregate` from HiGHS on its own?

            The benchmark suite (`benchmarks/`, documented in `benchmarks/README.md`)
            solves generated instances of growing size (families `lp` and `mip`, sizes S
            to XL) and published reference problems two ways: the user's route through
            `aggregate` (validate, build the Pyomo model, solve, read the tables, verify)
            and the same matrices handed straight to `highspy`, which is the limit any
            modelling layer can reach. This notebook reads its results and plots:

            1. the end-to-end ratio aggregate / direct highspy per instance,
            2. where aggregate's time goes, phase by phase,
            3. peak memory,
            4. other solvers on the same model,
            5. the root gap (how tight the formulation's LP relaxation is).

            It reads `benchmarks/results/benchmarks.csv` (and `solvers.csv`), written by
            `python benchmarks/run.py`. If that file is not there, it runs the suite's quick
            smoke mode (`benchmarks/run.py --smoke`, a few seconds) into a temporary folder
            and plots that instead; the cell below says which it shows. The environment
            variable `AGGREGATE_BENCHMARK_RESULTS` points it at another results folder.
            """
        )
    ]


def bench_load() -> list[NotebookNode]:
    return [
        md("## 0. Load the results"),
        code(
            """
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
                    raise RuntimeError(f"the smoke run failed:\\n{run.stderr[-3000:]}")

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
            """
        ),
        md("The machine the results were measured on (from `benchmarks.md`):"),
        code(
            """
            report = folder / "benchmarks.md"
            lines = report.read_text().splitlines() if report.is_file() else []
            machine = [line for line in lines if line.startswith("| ")][:12]
            machine = machine[: next((k for k, line in enumerate(machine) if "instance" in line),
                                     len(machine))]
            display(Markdown("\\n".join(["| machine | |", "|---|---|", *machine[1:]])
                             if machine else "(no benchmarks.md next to the CSV)"))
            """
        ),
        md(
            """
            One row per instance (the columns are explained in `benchmarks/README.md`).
            `ratio` is aggregate's end-to-end time over direct highspy's; `cpu_ratio` the
            same in CPU seconds, steadier on a busy machine.
            """
        ),
        code(
            """
            bench["verified"] = bench["verified"].astype(str).eq("True")
            t = bench.set_index("instance")
            t[["family", "columns", "integers", "status", "verified", "aggregate_s",
               "direct_s", "ratio", "cpu_ratio", "solver_share", "memory_ratio", "root_gap"]]
            """
        ),
        code(
            """
            def nothing(ax, title, why):
                # a chart with no data says so, instead of drawing empty axes
                ax.set_axis_off()
                ax.set_title(title, loc="left", fontweight="bold")
                ax.text(0.5, 0.5, why, ha="center", va="center", wrap=True,
                        transform=ax.transAxes, color="#555555")
                return ax


            x = np.arange(len(t))
            """
        ),
    ]


def bench_ratio() -> list[NotebookNode]:
    return [
        md(
            """
            ## 1. End to end: aggregate / direct highspy

            Wall clock and CPU time, per instance. The suite's target is at most 2x on
            `lp-L`, and about 1.1x where the solve dominates (the MIP instances).
            """
        ),
        code(
            """
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
            """
        ),
        md(
            """
            How the two routes scale with the model's size (columns of the matrix),
            log-log:
            """
        ),
        code(
            """
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
            """
        ),
    ]


def bench_phases() -> list[NotebookNode]:
    return [
        md(
            """
            ## 2. Where the time goes

            aggregate's phases as shares of its time per instance: building the Pyomo
            model (`build`), handing it to HiGHS and the solution back (`handoff`), HiGHS
            itself (`solver`) and reading the tables (`extract`): these four make up
            `aggregate_s`, the time the ratio above compares. Then the two checks, which the
            ratio leaves out: the scenario's (`validate`) and the plan's independent
            verification (`verify`), hatched. The black tick marks direct highspy's time on
            the same scale: up to the end of `extract`, everything right of the tick is the
            modelling layer's overhead. The numbers at the right are the total seconds.
            """
        ),
        code(
            """
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
            """
        ),
        code(
            """
            (share.round(1).rename(columns=lambda c: c.removesuffix("_s"))
             .assign(total_s=total, direct_s=t["direct_s"]))
            """
        ),
    ]


def bench_memory() -> list[NotebookNode]:
    return [
        md(
            """
            ## 3. Peak memory

            Peak resident memory of the process measuring each route (imports included),
            in MiB, and their ratio (the target is at most 2x). Only measured when each
            route runs in a process of its own, so not in a smoke run.
            """
        ),
        code(
            """
            memory = t[["aggregate_peak_mb", "direct_peak_mb"]].astype(float)
            measured = memory.notna().any().any()
            fig, ax = plt.subplots(figsize=(9, 4 if measured else 1.5))
            if measured:
                ax.bar(x - 0.2, memory["aggregate_peak_mb"], 0.4, label="aggregate")
                ax.bar(x + 0.2, memory["direct_peak_mb"], 0.4, label="direct highspy")
                for k, ratio in enumerate(t["memory_ratio"].astype(float)):
                    if np.isfinite(ratio):
                        top = memory.iloc[k].max()
                        ax.text(k, top * 1.02, f"{ratio:.2f}x", ha="center", fontsize=8)
                ax.set_xticks(x, t.index, rotation=45, ha="right")
                ax.set_ylabel("peak memory (MiB)")
                ax.set_title("Peak memory (label: aggregate / direct)", loc="left",
                             fontweight="bold")
                ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
            else:
                nothing(ax, "Peak memory", "not measured in these results (smoke or "
                        "--in-process run)")
            """
        ),
    ]


def bench_solvers() -> list[NotebookNode]:
    return [
        md(
            """
            ## 4. Other solvers on the same model

            The same model written as an MPS file and solved by HiGHS (serial and
            parallel), SCIP and CBC where installed, on instances up to 50,000 columns.
            A hatched bar did not reach the gap within the time limit (its label says how
            it ended).
            """
        ),
        code(
            """
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
            """
        ),
        code(
            """
            if available.empty:
                print("no solver comparison in these results")
            else:
                display(
                    available.pivot(index="instance", columns="solver", values="seconds")
                    .reindex(index=list(dict.fromkeys(available["instance"])))
                )
            """
        ),
    ]


def bench_root_gap() -> list[NotebookNode]:
    return [
        md(
            """
            ## 5. Root gap

            `(objective - LP bound) / |objective|`: how far the LP relaxation of the model
            (every integer made continuous) is from the plan found. A small root gap means a
            tight formulation and little branching; it is 0 for a pure LP.
            """
        ),
        code(
            """
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
            """
        ),
    ]


def bench_summary() -> list[NotebookNode]:
    return [
        md(
            """
            ## 6. In numbers

            Computed from the table above, so they follow the results when the suite is
            re-run.
            """
        ),
        code(
            """
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
            biggest = t["columns"].astype(float).idxmax()
            lines.append(
                f"- On the largest instance, {biggest} ({t.loc[biggest, 'columns']:,.0f} "
                f"columns), HiGHS takes {t.loc[biggest, 'solver_share']:.0%} of aggregate's "
                f"time and the ratio is {t.loc[biggest, 'ratio']:.2f}x."
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
            display(Markdown("\\n".join(lines)))
            """
        ),
        code(
            """
            if SMOKE:  # the smoke run's temporary folder is not needed any more
                import shutil

                shutil.rmtree(folder)
            """
        ),
    ]


QUICKSTART: list[Section] = [
    title,
    setup,
    load,
    solve,
    read,
    verify,
    plot,
    explain_plan,
    fair_shares,
    save,
    next_steps,
]
"""The quick start's sections, in order. Add new steps before ``next_steps``."""

STUDY: list[Section] = [
    study_title,
    study_setup,
    study_base,
    study_define,
    study_run,
    study_compare,
    study_conclusion,
]
"""The scenario study on models/sustainment-barrels."""

BENCHMARKS: list[Section] = [
    bench_title,
    bench_load,
    bench_ratio,
    bench_phases,
    bench_memory,
    bench_solvers,
    bench_root_gap,
    bench_summary,
]
"""Plots of the benchmark suite's results (or of a smoke run when there are none)."""

NOTEBOOKS: dict[str, list[Section]] = {
    "quickstart.ipynb": QUICKSTART,
    "study.ipynb": STUDY,
    "benchmarks.ipynb": BENCHMARKS,
}
"""File name -> sections."""


def build(sections: list[Section]) -> NotebookNode:
    """A notebook from ``sections``, with stable cell ids and no outputs."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    for section in sections:
        for k, cell in enumerate(section()):
            cell["id"] = f"{section.__name__.replace('_', '-')}-{k}"
            notebook.cells.append(cell)
    nbformat.validate(notebook)
    return notebook


def render(sections: list[Section]) -> str:
    return nbformat.writes(build(sections)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if a notebook differs from what this script writes",
    )
    args = parser.parse_args(argv)
    stale = []
    for name, sections in NOTEBOOKS.items():
        path = HERE / name
        text = render(sections)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        sys.stderr.write(f"out of date: {', '.join(stale)}; run python notebooks/build.py\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
