"""``aggregate study``: run a scenario study and show its comparison across variants."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.text import Text

from aggregate.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_NO_PLAN,
    _check_out_file,
    _console,
    _positive_finite,
    _print_problems,
    _table,
    _write,
    app,
)
from aggregate.errors import ScenarioError
from aggregate.io.files import write_text_atomic

_SHOWN = [
    "variant", "status", "total_cost", "short", "fill_rate", "total_cost_change",
    "short_change", "equally_good", "value_cost", "seconds",
]  # fmt: skip


def _scheduler_address(value: str | None) -> str | None:
    """Typer callback: a Dask scheduler address, checked before anything runs."""
    from aggregate.study.cluster import SchedulerError, check_scheduler_address

    if value is None:
        return None
    try:
        return check_scheduler_address(value)
    except SchedulerError as exc:
        raise typer.BadParameter(str(exc)) from None


@app.command("study")
def study_command(
    file: Annotated[Path, typer.Argument(help="Study file (.yaml)", show_default=False)],
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=1, max=1024, help="Worker processes (default: the cores)"
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler address: tcp://host:8786, or tls://host:8786 with the "
            "--tls-* options",
            callback=_scheduler_address,
        ),
    ] = None,
    connect_timeout: Annotated[
        float,
        typer.Option(
            "--connect-timeout",
            help="Seconds to reach the --scheduler before giving up",
            callback=_positive_finite,
        ),
    ] = 20.0,
    tls_ca_file: Annotated[
        Path | None,
        typer.Option("--tls-ca-file", help="With tls://: the cluster's CA certificate (PEM)"),
    ] = None,
    tls_cert: Annotated[
        Path | None,
        typer.Option("--tls-cert", help="With tls://: this client's certificate (PEM)"),
    ] = None,
    tls_key: Annotated[
        Path | None,
        typer.Option("--tls-key", help="With tls://: this client's private key (PEM)"),
    ] = None,
    local_cluster: Annotated[
        bool, typer.Option("--local-cluster", help="Run on a Dask LocalCluster on this machine")
    ] = False,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Results store (DuckDB file); default from the study"),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the comparison to this CSV file")
    ] = None,
    retries: Annotated[
        int,
        typer.Option("--retries", min=0, max=100, help="Re-runs of a variant whose worker died"),
    ] = 1,
    rerun_failed: Annotated[
        bool, typer.Option("--rerun-failed", help="Solve variants stored as failed again")
    ] = False,
) -> None:
    """Solve every variant of a study not yet in its store; show the comparison.

    Each result is stored as soon as it is solved, so an interrupted study resumes where it
    stopped when run again. Exit 2 if the study, a variant, an option or the store file is
    invalid, 3 if no variant has a plan.

    A cluster over TLS (tls://host:8786) needs --tls-ca-file, --tls-cert and --tls-key;
    the connection then requires encryption.
    """
    from aggregate.study import Finished, load_study, run_study
    from aggregate.study.cluster import SchedulerError, tls_security
    from aggregate.study.spec import BASE
    from aggregate.study.store import StoreInvalid

    console = _console()
    if scheduler is not None and local_cluster:
        raise typer.BadParameter(
            "give --scheduler or --local-cluster, not both", param_hint="--scheduler"
        )
    security = None
    if scheduler is not None:
        try:
            security = tls_security(scheduler, tls_ca_file, tls_cert, tls_key)
        except SchedulerError as exc:
            raise typer.BadParameter(str(exc), param_hint="--scheduler") from None
    elif any(f is not None for f in (tls_ca_file, tls_cert, tls_key)):
        raise typer.BadParameter("the --tls-* options need a tls:// --scheduler")
    _check_out_file(out)
    try:
        study = load_study(file)
    except ScenarioError as error:
        _print_problems(console, error)
        raise typer.Exit(EXIT_INVALID) from None
    # a bar in a terminal; one line per variant in logs and pipes
    lines = not console.is_terminal

    def report(done: Finished) -> None:
        style = {"ok": "green", "failed": "red", "lost": "yellow"}[done.status]
        detail = done.solve_status if done.status != "lost" else done.error.splitlines()[0]
        console.print(
            Text.assemble(
                ("stored ", "dim"),
                (", ".join(done.names), "bold"),
                ": ",
                (done.status, style),
                f" ({detail}) {done.seconds:.1f} s",
            ),
            soft_wrap=True,
        )

    where = store or study.store_path(file)
    console.print(Text(f"study {study.name}: results in {where}", style="bold"))
    try:
        result = run_study(
            study,
            store=where,
            workers=workers,
            scheduler=scheduler,
            local_cluster=local_cluster,
            progress=not lines,
            retries=retries,
            rerun_failed=rerun_failed,
            on_result=report if lines else None,
            security=security,
            connect_timeout=connect_timeout,
        )
    except ScenarioError as error:
        _print_problems(console, error)
        raise typer.Exit(EXIT_INVALID) from None
    except StoreInvalid as exc:  # a damaged or foreign file: nothing was run or written
        console.print(Text(str(exc), style="red"), soft_wrap=True)
        raise typer.Exit(EXIT_INVALID) from None
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the pool is down, stored results kept
        console.print(Text("study stopped; run it again to resume", style="yellow"))
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (RuntimeError, OSError) as exc:  # scheduler unreachable, store locked or unwritable
        console.print(Text(str(exc), style="red"))
        raise typer.Exit(1) from None
    console.print(
        Text(
            f"{result.variants} variants: {result.skipped} already stored, solved "
            f"{result.to_run} ({result.ok} ok, {result.failed} failed, {result.lost} lost) "
            f"in {result.seconds:.1f} s"
        )
    )
    table = result.comparison()
    shown = [c for c in _SHOWN if c in table.columns]
    shown += [c for c in table.columns if str(c).startswith("param_")]
    console.print(_table("Comparison", table[shown]))
    ties = table[(table["variant"] != BASE) & table["equally_good"].fillna(False)]
    if not ties.empty:
        console.print(
            Text(
                f"{len(ties)} variant(s) as good as the base within the solvers' gaps "
                f"(equally_good): {', '.join(ties['variant'].astype(str))}; their differences "
                "to the base are one of several equally good plans, not results"
            )
        )
    failures = result.failures
    if not failures.empty:
        console.print(_table("Variants without a plan", _first_line(failures)))
    if out is not None:

        def write(path: Path) -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(path, table.to_csv(index=False))

        _write(console, out, write)
    if not (table["status"] == "ok").any():
        raise typer.Exit(EXIT_NO_PLAN)


def _first_line(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        error=frame["error"].fillna("").map(lambda e: e.splitlines()[0] if e else "")
    )
