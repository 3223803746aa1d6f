"""What every command shares: the app, the console, problem lists and rich tables.

Exit codes: 0 success, 1 the command could not do its work (e.g. it would overwrite a
file), 2 an input scenario is invalid (the problems are listed, never a traceback),
3 a solve ended without a plan.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from aggregate.errors import ScenarioError
from aggregate.io import load
from aggregate.schema import Scenario

EXIT_INVALID = 2
"""Exit code when an input scenario is invalid."""
EXIT_NO_PLAN = 3
"""Exit code when the solve ends without a plan (infeasible, time limit, solver error)."""

app = typer.Typer(
    name="aggregate",
    help="Multinational demand aggregation for defence procurement.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _console() -> Console:
    # created per command so output goes to the current stdout (tests swap it)
    # piped output (files, CI logs) gets room for the plan's wide tables
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=160)
    return console


def _print_problems(console: Console, error: ScenarioError) -> None:
    """Every problem of ``error`` on its own line (plain text: ids hold brackets)."""
    where = error.file or "input"
    console.print(Text(f"INVALID {where}: {len(error.problems)} problem(s)", style="bold red"))
    for problem in error.problems:
        console.print(Text(f"  - {problem.describe()}"), soft_wrap=True)


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
