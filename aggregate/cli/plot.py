"""``aggregate plot``: draw a plan's charts into image files.

The input is a scenario (solved here) or a ``solution.json`` written by
``aggregate solve --out``. Charts are drawn with matplotlib's Agg backend, so the command
needs no display.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from aggregate.cli.common import (
    EXIT_NO_PLAN,
    _check_out_folder,
    _console,
    _load_or_exit,
    _positive_finite,
    app,
)
from aggregate.result import Solution
from aggregate.schema import Scenario

_KINDS = ("all", "flows", "deliveries", "shortfall", "capacity", "funds")
_FORMATS = ("png", "svg", "pdf")


def _is_solution_json(path: Path) -> bool:
    """True when ``path`` is a solution written by ``aggregate solve --out`` (not a scenario)."""
    if path.suffix.lower() != ".json":
        return False
    try:
        data: Any = json.loads(path.read_text())
    except (OSError, ValueError):
        return False  # let the scenario loader report what is wrong with the file
    return isinstance(data, dict) and "tables" in data and "status" in data


def _split(value: str, allowed: tuple[str, ...], option: str) -> list[str]:
    chosen = [v.strip().lower() for v in value.split(",") if v.strip()]
    bad = [v for v in chosen if v not in allowed]
    if bad or not chosen:
        raise typer.BadParameter(
            f"{', '.join(bad) or 'nothing'} is not one of {', '.join(allowed)} "
            "(several may be given, separated by commas)",
            param_hint=option,
        )
    return chosen


@app.command("plot")
def plot_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="Scenario file (.yaml, .json, .xlsx), or a solution.json from 'solve --out'",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the image files")] = Path(
        "plots"
    ),
    kind: Annotated[
        str,
        typer.Option("--kind", help="all, flows, deliveries, shortfall, capacity or funds"),
    ] = "all",
    fmt: Annotated[str, typer.Option("--format", help="png, svg or pdf")] = "png",
    scenario_file: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="With a solution.json: the scenario it solves, for readable names and units",
        ),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", help="Seconds for the solve", callback=_positive_finite),
    ] = None,
    dpi: Annotated[
        int, typer.Option("--dpi", help="Resolution of png files", min=10, max=2400)
    ] = 150,
    weight: Annotated[
        str,
        typer.Option(
            "--weight",
            help="Flow band widths: units, money, or auto (units unless the items' units differ)",
        ),
    ] = "auto",
) -> None:
    """Draw a plan's charts (flows, deliveries, shortfall, capacity, funds) into image files.

    Flows show orders and donations from stock; a second flow chart shows who paid when
    funds or other nations paid for some orders. Items in different units are weighed by
    money (see --weight), never added up.
    """
    from aggregate.extras import require

    matplotlib = require("matplotlib", "aggregate plot")
    matplotlib.use("Agg")  # files only: no display needed, and never a window
    from aggregate.export import read_solution_json
    from aggregate.plots import WEIGHTS, save_plan_plots
    from aggregate.solve import solve

    console = _console()
    kinds = _split(kind, _KINDS, "--kind")
    formats = _split(fmt, _FORMATS, "--format")
    weights = _split(weight, WEIGHTS, "--weight")
    if len(weights) > 1:
        raise typer.BadParameter(f"give one of {', '.join(WEIGHTS)}", param_hint="--weight")
    _check_out_folder(out)
    if not file.exists():
        console.print(Text(f"{file}: no such file", style="red"))
        raise typer.Exit(1)

    scenario: Scenario | None = None
    if _is_solution_json(file):
        try:
            plan: Solution = read_solution_json(file)
        except (KeyError, ValueError, TypeError) as exc:
            console.print(Text(f"{file}: not a readable solution.json ({exc})", style="red"))
            raise typer.Exit(1) from None
        if scenario_file is not None:
            scenario = _load_or_exit(console, scenario_file)
        source = f"solution {file}"
    else:
        scenario = _load_or_exit(console, file)
        with console.status(f"Solving {scenario.name} ...", spinner="dots"):
            try:
                plan = solve(scenario, time_limit=time_limit)
            except RuntimeError as exc:  # e.g. the scenario names a solver not installed
                console.print(Text(str(exc), style="red"))
                raise typer.Exit(1) from None
        source = f"{plan.status.value} plan of {file}"

    if not plan.status.has_plan:
        console.print(
            Text(
                f"{plan.scenario_name}: {plan.status.value}, no plan to plot. {plan.message}",
                style="bold red",
            )
        )
        raise typer.Exit(EXIT_NO_PLAN)
    try:
        with console.status("Drawing ...", spinner="dots"):
            written = save_plan_plots(
                plan,
                out,
                formats,
                kinds=None if "all" in kinds else kinds,
                scenario=scenario,
                dpi=dpi,
                weight=weights[0],
            )
    except OSError as exc:
        console.print(Text(f"cannot write into {out}: {exc.strerror or exc}", style="red"))
        raise typer.Exit(1) from None
    console.print(Text(f"{len(written)} file(s) from the {source}:", style="bold"))
    for path in written:
        console.print(Text(f"  {path}"), soft_wrap=True)
