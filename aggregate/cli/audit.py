"""`aggregate audit`: the red flags an analyst would raise about a scenario's plan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from aggregate.cli.common import (
    EXIT_NO_PLAN,
    THREADS_MAX,
    _check_out_file,
    _console,
    _load_or_exit,
    _positive_finite,
    _table,
    _write,
    app,
)


@app.command("audit")
def audit_command(
    file: Annotated[Path, typer.Argument(help="Scenario file", show_default=False)],
    alone: Annotated[
        bool,
        typer.Option(
            "--alone", help="Also solve going alone (flags nations more short pooled than alone)"
        ),
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write every flag instance (CSV)")
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", help="Seconds per solve", callback=_positive_finite),
    ] = None,
    threads: Annotated[
        int | None, typer.Option("--threads", help="Solver threads", min=1, max=THREADS_MAX)
    ] = None,
) -> None:
    """Solve a scenario and list the plan's red flags: donors short while donating, idle
    stock while short, funds paying nothing, fractional units, money idle while short.

    Exits 0 whatever the flags show (they are findings, not errors); 3 without a plan.
    """
    from aggregate.audit import FLAGS, audit
    from aggregate.solve import solve

    console = _console()
    _check_out_file(out)
    scenario = _load_or_exit(console, file)
    with console.status(f"Solving {scenario.name} ...", spinner="dots"):
        plan = solve(scenario, time_limit=time_limit, threads=threads)
        baseline = (
            solve(scenario, baseline=True, time_limit=time_limit, threads=threads)
            if alone
            else None
        )
    for solved, what in ((plan, "joint plan"), (baseline, "going-alone plan")):
        if solved is not None and not solved.status.has_plan:
            console.print(Text(f"{what}: {solved.status.value}, nothing to audit", style="red"))
            raise typer.Exit(EXIT_NO_PLAN)
    result = audit(scenario, plan, baseline)
    console.print(_table(f"Audit of {scenario.name}", result.summary))
    if result.flags.empty:
        console.print(Text("no red flag", style="green"))
    for flag in FLAGS:
        rows = result.flags[result.flags.flag == flag]
        if not rows.empty:
            console.print(
                _table(flag, rows[["entry", "period", "quantity", "unit", "amount", "explanation"]])
            )
    if out is not None:
        _write(console, out, lambda path: result.flags.to_csv(path, index=False))
