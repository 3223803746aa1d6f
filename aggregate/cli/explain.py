"""``aggregate explain``: why the plan looks as it does, or why there is no plan."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.text import Text

from aggregate.cli.common import (
    EXIT_NO_PLAN,
    THREADS_MAX,
    _check_out_folder,
    _console,
    _fraction,
    _load_or_exit,
    _positive_finite,
    _table,
    _write,
    app,
)
from aggregate.schema import Scenario

_BOTTLENECK_VIEW = ["rank", "change", "period", "per unit", "holds_up_to"]
_REASON_VIEW = ["demand", "short", "late_unit_periods", "change", "period", "per unit"]
_HEADERS = {"change": "rule to change", "holds_up_to": "over first", "late_unit_periods": "late"}
"""Short headers, so that the tables fit 100 columns; the CSV files keep the names."""
_EXPANSION_VIEW = [
    "expansion",
    "producer",
    "item",
    "investment_cost",
    "shortfall_avoided",
    "cost_change",
    "break_even_cost",
]
_CONFLICT_VIEW = ["rule", "entry", "field", "period", "limit", "relax", "relax_by"]


@app.command("explain")
def explain_command(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML, JSON or Excel)")],
    top: Annotated[
        int,
        typer.Option(
            "--top", "-n", help="Bottlenecks and short demands to show", min=1, max=10_000
        ),
    ] = 10,
    reasons: Annotated[
        int, typer.Option("--reasons", help="Reasons per short demand", min=1, max=1_000)
    ] = 3,
    all_reasons: Annotated[
        bool,
        typer.Option(
            "--all-reasons",
            help="Keep every reason, rules met with no slack but no value included",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the tables (CSV) and the bottleneck chart here"),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", help="Seconds for each solve", callback=_positive_finite),
    ] = None,
    gap: Annotated[
        float | None,
        typer.Option("--gap", help="Relative MIP gap to stop at (0 to 1)", callback=_fraction),
    ] = None,
    threads: Annotated[
        int | None, typer.Option("--threads", help="Solver threads", min=1, max=THREADS_MAX)
    ] = None,
    expansions: Annotated[
        bool,
        typer.Option(
            "--expansions/--no-expansions",
            help="Value the expansion options not taken (one extra solve each)",
        ),
    ] = True,
) -> None:
    """Explain a plan: ranked bottlenecks, the top reasons for the largest shortfalls (each
    naming the scenario field to change, its value per unit re-solved and the range it holds
    over), expansion options. --out writes every rule and every reason kept as CSV.

    When the scenario's hard rules conflict, print the conflicting rules and what to relax
    instead, and exit with code 3.
    """
    from aggregate.explain import ExplainError, diagnose, explain
    from aggregate.solve import solve

    console = _console()
    _check_out_folder(out)
    scenario = _load_or_exit(console, file)
    options: dict[str, Any] = {"time_limit": time_limit, "mip_gap": gap, "threads": threads}
    try:
        with console.status(f"Solving {scenario.name} ...", spinner="dots"):
            plan = solve(scenario, **options)
        if not plan.status.has_plan:
            _no_plan(console, scenario, plan.status.value, plan.message, out, diagnose, options)
            raise typer.Exit(EXIT_NO_PLAN)
        with console.status("Pricing the rules ...", spinner="dots"):
            why = explain(
                scenario,
                plan,
                expansions=expansions,
                reasons=reasons,
                all_reasons=all_reasons,
                **options,
            )
    except ExplainError as exc:
        console.print(Text(str(exc), style="red"))
        raise typer.Exit(1) from None
    console.print(Text(f"{scenario.name}: {plan.status.value}", style="bold green"))
    ranked = why.bottlenecks.head(top)
    if ranked.empty:
        console.print(Text("No rule binds: one more unit of any limit changes nothing."))
    else:
        title = f"Bottlenecks (top {len(ranked)} of {len(why.bottlenecks)})"
        console.print(_view(title, ranked, _BOTTLENECK_VIEW, why.currency))
        for row in ranked.itertuples(index=False):
            console.print(Text(f"{row.rank}. {row.sentence}"), soft_wrap=True)
    _print_reasons(console, why, top)
    if not why.expansions.empty:
        console.print(_table("Expansion options not taken", why.expansions[_EXPANSION_VIEW]))
        for sentence in why.expansions.sentence:
            console.print(Text(sentence), soft_wrap=True)
    for note in why.notes:
        console.print(Text(note, style="yellow"), soft_wrap=True)
    if out is not None:
        tables = {
            "bottlenecks": why.bottlenecks,
            "shortfall_reasons": why.shortfall_reasons,
            "expansions": why.expansions,
            "marginals": why.marginals,
        }
        _write_tables(console, out, tables)
        _write(console, out / "bottlenecks.png", lambda path: _chart(why, path, top))


def _view(title: str, frame: pd.DataFrame, columns: list[str], currency: str) -> Any:
    frame = frame.assign(
        **{"per unit": [_value(r, currency) for r in frame.itertuples(index=False)]}
    )
    return _table(title, frame[columns].rename(columns=_HEADERS))


def _value(row: Any, currency: str) -> str:
    """One cell for a rule's value per unit: ``avoids 9.61`` (weighted shortfall) or
    ``saves 350,000 EUR``; blank for a reason with no value (a lead time, say)."""
    from aggregate.explain.bottlenecks import short_number

    short, cost = row.shortfall_avoided, row.cost_saved
    if isinstance(short, float) and short > 0:
        return f"avoids {short_number(short)}"
    if isinstance(cost, float) and cost > 0:
        return f"saves {short_number(cost)} {currency}"
    return "" if math.isnan(short) and math.isnan(cost) else "0"


def _print_reasons(console: Console, why: Any, top: int) -> None:
    """The ``top`` demands most short (then most late), each with its reasons kept."""
    reasons = why.shortfall_reasons
    if reasons.empty:
        console.print(Text("Every demand met on time.", style="green"))
        return
    demands = reasons.drop_duplicates("demand").sort_values(
        ["short", "late_unit_periods", "demand"], ascending=[False, False, True], kind="stable"
    )
    shown = demands.demand.head(top).tolist()
    rows = reasons[reasons.demand.isin(shown)].copy()
    rows["_order"] = rows.demand.map({d: k for k, d in enumerate(shown)})
    rows = rows.sort_values("_order", kind="stable")
    title = "Reasons for each shortfall"
    if len(demands) > len(shown):
        title = (
            f"Reasons for the {len(shown)} largest of {len(demands)} shortfalls "
            f"(--top {len(demands)} shows all)"
        )
    console.print(_view(title, rows, _REASON_VIEW, why.currency))
    for sentence in rows.drop_duplicates("demand").sentence:
        console.print(Text(sentence), soft_wrap=True)


def _no_plan(
    console: Console,
    scenario: Scenario,
    status: str,
    message: str,
    out: Path | None,
    diagnose: Any,
    options: dict[str, Any],
) -> None:
    console.print(
        Text(f"{scenario.name}: {status}" + (f" ({message})" if message else ""), style="bold red")
    )
    if status != "infeasible":
        console.print(Text("No plan to explain; try a longer --time-limit."))
        return
    with console.status("Looking for the conflicting rules ...", spinner="dots"):
        conflict = diagnose(scenario, time_limit=options["time_limit"], threads=options["threads"])
    if conflict is None:
        console.print(
            Text(
                "The diagnosis found the rules consistent; the solver may have "
                "stopped early. Try again with --time-limit."
            )
        )
        return
    console.print(_table("Conflicting rules", conflict.rules[_CONFLICT_VIEW]))
    for sentence in conflict.sentences():
        console.print(Text(sentence), soft_wrap=True)
    if out is not None:
        _write_tables(console, out, {"conflict": conflict.rules})


def _write_tables(console: Console, out: Path, tables: dict[str, pd.DataFrame]) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        console.print(Text(f"cannot create {out}: {exc.strerror or exc}", style="red"))
        raise typer.Exit(1) from None
    for name, frame in tables.items():
        _write(console, out / f"{name}.csv", _csv_writer(frame))


def _csv_writer(frame: pd.DataFrame) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        frame.to_csv(path, index=False)

    return write


def _chart(why: Any, path: Path, top: int) -> None:
    # a Figure without pyplot: no GUI backend, nothing global changed
    from aggregate.extras import require

    Figure = require("matplotlib.figure", "explain --plot").Figure

    from aggregate.explain import plot_bottlenecks

    fig = Figure(
        figsize=(9, 0.45 * max(min(top, len(why.bottlenecks)), 3) + 1.5), layout="constrained"
    )
    plot_bottlenecks(why, ax=fig.subplots(), top=top)
    fig.savefig(path, dpi=120)
