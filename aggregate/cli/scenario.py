"""Commands on one scenario: validate, schema, template, summary and solve."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.text import Text

from aggregate.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_NO_PLAN,
    THREADS_MAX,
    _check_out_file,
    _check_out_folder,
    _console,
    _fraction,
    _highs_options,
    _load_or_exit,
    _positive_finite,
    _preset,
    _print_problems,
    _print_warnings,
    _write,
    app,
    highs_options,
)
from aggregate.errors import ScenarioError
from aggregate.io import json_schema, load, write_json_schema, write_template
from aggregate.result import Solution
from aggregate.schema.presets import PRESETS
from aggregate.summary import size_line, summary_tables


@app.command("validate")
def validate_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Scenario files (.yaml, .yml, .json, .xlsx)", show_default=False),
    ],
) -> None:
    """Check scenario files: field types and consistency. Exit 2 if any is invalid.

    Valid files may get warnings: patterns that are valid but usually a mistake."""
    console = _console()
    invalid = 0
    for path in files:
        try:
            scenario = load(path)
        except ScenarioError as error:
            invalid += 1
            _print_problems(console, error)
            continue
        console.print(
            Text.assemble(("OK ", "bold green"), f"{path}: {size_line(scenario)}"),
            soft_wrap=True,
        )
        _print_warnings(console, scenario, str(path))
    if invalid:
        console.print(Text(f"{invalid} of {len(files)} file(s) invalid", style="bold red"))
        raise typer.Exit(EXIT_INVALID)


@app.command("schema")
def schema_command(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the schema to this file instead of printing it"),
    ] = None,
) -> None:
    """Print (or write) the scenario's JSON Schema, for editors that check YAML/JSON files."""
    if out is None:
        typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return
    _check_out_file(out)
    _write(_console(), out, write_json_schema)


@app.command("template")
def template_command(
    path: Annotated[Path, typer.Argument(help="Workbook to write (.xlsx)", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file")] = False,
) -> None:
    """Write an empty scenario workbook with a README sheet explaining every column."""
    console = _console()
    if path.suffix.lower() != ".xlsx":
        console.print(Text(f"{path}: the template is an Excel workbook; use a .xlsx name"))
        raise typer.Exit(1)
    _check_out_file(path, "PATH")
    if path.exists() and not force:
        console.print(Text(f"{path} exists; use --force to overwrite it", style="red"))
        raise typer.Exit(1)
    _write(console, path, write_template)


@app.command("summary")
def summary_command(
    file: Annotated[Path, typer.Argument(help="Scenario file", show_default=False)],
) -> None:
    """Show what a scenario contains: sizes and totals of demand, capacity, stock and money."""
    console = _console()
    scenario = _load_or_exit(console, file)
    console.print(Text(f"{scenario.name} ({file})", style="bold"))
    from aggregate.cli.render import show

    for title, frame in summary_tables(scenario).items():
        if frame.empty:
            console.print(Text(f"{title}: none", style="dim"))
        else:
            # the console's width, tables stacked rather than cells cut
            money = dict.fromkeys(set(frame.columns) & _SUMMARY_MONEY, scenario.currency)
            plain = title.removesuffix(f" ({scenario.currency})")  # the table names its unit
            show(console, plain, frame, money, scenario.currency, keys=[str(frame.columns[0])])


_SUMMARY_MONEY = {"cap", "committed", "pledged_min", "budget", "per_period_total"}
"""Columns of :func:`aggregate.summary.summary_tables` in the scenario's currency."""


def _solver_name(value: str | None) -> str | None:
    """``--solver`` checked against the allowlist (a path would run a program)."""
    from aggregate.schema.settings import check_solver

    if value is None:
        return None
    try:
        return check_solver(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--solver") from None


@app.command("solve")
def solve_command(
    file: Annotated[Path, typer.Argument(help="Scenario file", show_default=False)],
    baseline: Annotated[
        bool,
        typer.Option(
            "--baseline",
            help="Also solve going alone (own contracts, aid kept); show the value of pooling",
        ),
    ] = False,
    aid: Annotated[
        bool,
        typer.Option(
            "--aid",
            help="Also solve without funds, purchases for others and donations: the value of aid",
        ),
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the plan's tables to this folder")
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", help="Seconds for the whole solve", callback=_positive_finite),
    ] = None,
    gap: Annotated[
        float | None,
        typer.Option("--gap", help="Relative MIP gap to stop at (0 to 1)", callback=_fraction),
    ] = None,
    objective: Annotated[
        str | None, typer.Option("--objective", help="needs_first or weighted")
    ] = None,
    threads: Annotated[
        int | None, typer.Option("--threads", help="Solver threads", min=1, max=THREADS_MAX)
    ] = None,
    solver: Annotated[
        str | None,
        typer.Option("--solver", help="highs, or a Pyomo solver", callback=_solver_name),
    ] = None,
    parallel: Annotated[
        bool, typer.Option("--parallel", help="HiGHS parallel search (parallel=on)")
    ] = False,
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            help="HiGHS preset: " + ", ".join(PRESETS),
            callback=_preset,
        ),
    ] = None,
    highs_option: Annotated[
        list[str] | None,
        typer.Option(
            "--highs-option",
            help="A HiGHS option KEY=VALUE on top of the preset (repeatable), "
            "e.g. mip_heuristic_effort=0.3",
            callback=_highs_options,
        ),
    ] = None,
    log: Annotated[bool, typer.Option("--log", help="Show the solver's log")] = False,
    formats: Annotated[
        str, typer.Option("--formats", help="Output formats: xlsx,json,parquet")
    ] = "xlsx,json",
    all_rows: Annotated[
        bool,
        typer.Option("--all-rows", help="Also show rows of zeros (nothing received, paid, short)"),
    ] = False,
) -> None:
    """Solve a scenario and show the plan: status, key figures, orders, shortfalls, funds."""
    from aggregate.baseline import compare, compare_aid
    from aggregate.export import write_solution
    from aggregate.solve import solve

    console = _console()
    _check_out_folder(out)
    chosen = _formats(formats)
    scenario = _load_or_exit(console, file)
    _print_warnings(console, scenario, str(file))
    if objective not in (None, "needs_first", "weighted"):
        console.print(Text("--objective must be needs_first or weighted", style="red"))
        raise typer.Exit(1)
    options: dict[str, Any] = {
        "time_limit": time_limit,
        "mip_gap": gap,
        "objective": objective,
        "threads": threads,
        "solver": solver,
        "log_solver": log,
        "parallel": parallel,
        "preset": preset,
        "highs_options": highs_options(highs_option),
    }
    what = "joint plan" + (", going alone" if baseline else "") + (", without aid" if aid else "")
    others: list[tuple[str, Solution, pd.DataFrame, dict[str, Any]]] = []
    try:
        with console.status(f"Solving {scenario.name}: {what} ...", spinner="dots"):
            if baseline:
                cmp = compare(scenario, **options)
                plan = cmp.pooled
                others.append(("alone", cmp.alone, cmp.by_nation, cmp.totals))
            if aid:
                acmp = compare_aid(scenario, joint=plan if baseline else None, **options)
                plan = acmp.aid
                others.append(("no_aid", acmp.no_aid, acmp.by_nation, acmp.totals))
            if not (baseline or aid):
                plan = solve(scenario, **options)
    except RuntimeError as exc:  # e.g. the named solver is not installed
        console.print(Text(str(exc), style="red"))
        raise typer.Exit(1) from None
    _show_plan(console, plan, all_rows)
    if plan.status.interrupted:
        _show_interrupt(console, plan)
        raise typer.Exit(EXIT_INTERRUPTED)
    for side, other, by_nation, totals in others:
        _show_value(console, side, plan, other, by_nation, totals, all_rows)
    if out is not None and plan.status.has_plan:
        try:
            written = write_solution(plan, out, chosen)
            for side, other, _, _ in others:
                if other.status.has_plan:
                    written += write_solution(other, out / side, ["xlsx", "json"])
        except OSError as exc:  # checked up front, but a disk may still fill up
            console.print(Text(f"cannot write into {out}: {exc.strerror or exc}", style="red"))
            raise typer.Exit(1) from None
        console.print(Text("wrote " + ", ".join(str(p) for p in written)))
    if not plan.status.has_plan:
        raise typer.Exit(EXIT_NO_PLAN)


_VALUE_OF = {"alone": ("pooling", "pooled", "going alone"), "no_aid": ("aid", "aid", "without aid")}
"""Compared plan's side -> (what the value is of, the joint plan's side, the other's name)."""


def _show_value(
    console: Console,
    side: str,
    plan: Solution,
    other: Solution,
    by_nation: pd.DataFrame,
    totals: dict[str, Any],
    all_rows: bool = False,
) -> None:
    """The value of pooling (``side`` ``alone``) or of aid (``no_aid``), per nation and total."""
    what, mine, name = _VALUE_OF[side]
    if not (plan.status.has_plan and other.status.has_plan):
        console.print(Text(f"{name}: {other.status.value}", style="yellow"))
        return
    from aggregate.cli.plan_view import show_value

    columns = ["nation", f"cost_{mine}", f"cost_{side}", f"short_{mine}", f"short_{side}"]
    values = ["value_cost", "value_short", "value_late"]
    title = f"Value of {what} per nation (positive: {what} is better for the nation)"
    show_value(
        console,
        plan,
        (title, f"Value of {what}: totals"),
        by_nation[columns + values],
        totals,
        all_rows,
    )


def _show_interrupt(console: Console, plan: Solution) -> None:
    """What Ctrl-C left: the status, the gap and the best objective reached."""
    gap = "unknown" if plan.gap is None else f"{plan.gap:.2%}"
    best = plan.key_figures.get("total_cost") if plan.status.has_plan else None
    currency = plan.currency or "currency"
    reached = "no plan yet" if best is None else f"best plan's total cost {currency} {best:,.2f}"
    console.print(Text(f"interrupted: {plan.status.value}, gap {gap}, {reached}", style="yellow"))


def _formats(value: str) -> list[str]:
    """The ``--formats`` asked for, checked before the solve (unknown, or pyarrow missing)."""
    from aggregate.export import check_formats

    try:
        return check_formats(f.strip().lower() for f in value.split(",") if f.strip())
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--formats") from None


def _show_plan(console: Console, plan: Solution, all_rows: bool = False) -> None:
    from aggregate.cli.plan_view import show_plan

    show_plan(console, plan, all_rows)
