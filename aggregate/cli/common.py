"""What every command shares: the app, the console, problem lists and rich tables.

Exit codes: 0 success, 1 the command could not do its work (e.g. it would overwrite a
file, the disk filled up, a Dask scheduler did not answer), 2 an input is invalid: a
scenario or study (the problems are listed, never a traceback), a results store that is
not one, or an option (a value out of range, an unknown format, an ``--out`` that cannot
be written), or a feature whose optional extra is not installed (the message gives the
pip command). Options are checked before any solve, like typer checks their types, so a
bad one costs no time and writes nothing. 3 a solve ended without a plan.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from aggregate.errors import MissingExtraError, ScenarioError
from aggregate.io import load
from aggregate.schema import Scenario

EXIT_INVALID = 2
"""Exit code when an input scenario is invalid."""
EXIT_NO_PLAN = 3
"""Exit code when the solve ends without a plan (infeasible, time limit, solver error)."""
EXIT_INTERRUPTED = 130
"""Exit code when Ctrl-C (or SIGTERM) stopped the work (128 + SIGINT, as shells report it)."""


class _Commands(TyperGroup):
    """The command group: a feature whose optional extra is missing exits with code 2 and
    the pip command that installs it, never a traceback (whichever command reached it)."""

    def invoke(self, ctx: Any) -> Any:  # typer's own (vendored) click.Context
        try:
            return super().invoke(ctx)
        except MissingExtraError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(EXIT_INVALID) from None


app = typer.Typer(
    name="aggregate",
    cls=_Commands,
    help="Multinational demand aggregation for defence procurement.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _show_version(value: bool) -> None:
    if value:
        from aggregate import __version__

        typer.echo(f"aggregate {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_show_version,
        is_eager=True,
        help="Show the version and exit.",
    ),
) -> None:
    """Multinational demand aggregation for defence procurement."""


def _console() -> Console:
    # created per command so output goes to the current stdout (tests swap it)
    # piped output (files, CI logs) gets room for wide tables, unless COLUMNS asks for a width
    console = Console(highlight=False)
    if not console.is_terminal and not os.environ.get("COLUMNS", "").isdigit():
        console = Console(highlight=False, width=160)
    return console


def _print_problems(console: Console, error: ScenarioError) -> None:
    """Every problem of ``error`` on its own line (plain text: ids hold brackets)."""
    where = error.file or "input"
    console.print(Text(f"INVALID {where}: {len(error.problems)} problem(s)", style="bold red"))
    for problem in error.problems:
        console.print(Text(f"  - {problem.describe()}"), soft_wrap=True)


def _print_warnings(console: Console, scenario: Scenario, where: str = "") -> None:
    """The scenario's warnings (valid but usually a mistake), one a line; nothing if none."""
    from aggregate.checks.warnings import scenario_warnings

    for problem in scenario_warnings(scenario):
        text = Text.assemble(("WARNING ", "bold yellow"), problem.describe(where or None))
        console.print(text, soft_wrap=True)


def _load_or_exit(console: Console, file: Path) -> Scenario:
    """Load a scenario, or list its problems and exit with code 2."""
    try:
        return load(file)
    except ScenarioError as error:
        _print_problems(console, error)
        raise typer.Exit(EXIT_INVALID) from None


def _write(console: Console, path: Path, writer: Callable[[Path], object]) -> None:
    """Run ``writer(path)``; a file system error is a message and exit code 1, not a traceback."""
    try:
        writer(path)
    except OSError as exc:
        console.print(Text(f"cannot write {path}: {exc.strerror or exc}", style="red"))
        raise typer.Exit(1) from None
    console.print(Text(f"wrote {path}"))


def _check_out_folder(out: Path | None, option: str = "--out") -> None:
    """Refuse, before any work, an output folder that cannot be written (exit code 2)."""
    if out is None:
        return
    if out.exists() and not out.is_dir():
        raise typer.BadParameter(
            f"{out} is a file, not a folder; give a folder name, or move the file away",
            param_hint=option,
        )
    _check_creatable(out, option)


def _check_out_file(path: Path | None, option: str = "--out") -> None:
    """Refuse, before any work, an output file that cannot be written (exit code 2)."""
    if path is None:
        return
    if path.is_dir():
        raise typer.BadParameter(f"{path} is a folder; give a file name", param_hint=option)
    _check_creatable(path.parent, option)


def _check_creatable(path: Path, option: str) -> None:
    # the nearest folder that exists must take new entries: the rest is created on writing
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise typer.BadParameter(
            f"cannot create {path}: {existing} is a file, not a folder", param_hint=option
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise typer.BadParameter(
            f"cannot write into {existing} (no permission); give a folder you can write to",
            param_hint=option,
        )


def _positive_finite(value: float | None) -> float | None:
    """Typer callback: a number above zero that is not inf or nan (``min=`` lets nan by)."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"{value} is not a number of seconds above 0")
    return value


def _fraction(value: float | None) -> float | None:
    """Typer callback: a number from 0 to 1 (nan refused)."""
    if value is not None and not (math.isfinite(value) and 0 <= value <= 1):
        raise typer.BadParameter(f"{value} is not a number from 0 to 1 (e.g. 0.01 for 1%)")
    return value


def _preset(value: str | None) -> str | None:
    """Typer callback: ``--preset`` one of :data:`aggregate.schema.presets.PRESETS`."""
    from aggregate.schema.presets import PRESETS

    if value is not None and value not in PRESETS:
        listed = "; ".join(f"{name}: {p.purpose}" for name, p in PRESETS.items())
        raise typer.BadParameter(f"unknown preset {value!r}; choose one of {listed}")
    return value


def _highs_options(values: list[str] | None) -> list[str] | None:
    """Typer callback: every ``--highs-option KEY=VALUE`` one input may set, with a value
    of its type (the values are read again by :func:`highs_options`)."""
    from aggregate.schema.presets import parse_option

    for text in values or []:
        try:
            parse_option(text)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--highs-option") from None
    return values


def highs_options(values: list[str] | None) -> dict[str, Any]:
    """``--highs-option`` values (checked by :func:`_highs_options`) as a dict."""
    from aggregate.schema.presets import parse_option

    return dict(parse_option(text) for text in values or [])


THREADS_MAX = 1024
"""Largest ``--threads`` accepted, as the scenario's ``settings.threads``."""


def _table(title: str, frame: pd.DataFrame) -> Table:
    """A DataFrame as a rich table: numbers right-aligned with thousands separators."""
    table = Table(title=title, title_justify="left")
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    for column, is_number in zip(frame.columns, numeric, strict=True):
        table.add_column(str(column), justify="right" if is_number else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*_cells(row))
    return table


def _cells(row: Iterable[object]) -> list[Text]:
    # Text, not str: names may hold brackets that rich would read as markup
    return [Text(_format(value)) for value in row]


def _format(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return "-"
        if number.is_integer() or abs(number) >= 100:
            return f"{number:,.0f}"
        return f"{number:,.4g}"
    return str(value)
