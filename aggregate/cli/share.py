"""`aggregate share`: fair shares of the pooled cost and whether every group gains by joining."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from aggregate.cli.common import (
    EXIT_NO_PLAN,
    _check_out_file,
    _console,
    _load_or_exit,
    _positive_finite,
    _print_problems,
    _table,
    _write,
    app,
)

RULE_CHOICES = ("all", "shapley", "nucleolus", "proportional", "key", "dual")


@app.command("share")
def share_command(
    file: Annotated[Path, typer.Argument(help="Scenario file", show_default=False)],
    rule: Annotated[
        str, typer.Option("--rule", help="shapley, nucleolus, proportional, key, dual or all")
    ] = "all",
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            help="Estimate the Shapley value from this many random orders",
            min=2,
            max=10_000_000,
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sampled Shapley value")] = 0,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", help="Processes solving coalitions (default: every core)", min=1, max=1024
        ),
    ] = None,
    basis: Annotated[str, typer.Option("--basis", help="Key basis: gni or gdp")] = "gni",
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", help="Seconds per coalition solve", callback=_positive_finite),
    ] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write a bar chart of the shares (PNG, SVG)")
    ] = None,
) -> None:
    """Share the pooled cost among the nations by fair rules and check each is stable.

    A coalition's cost is what its nations pay buying on their own (weighted objective:
    cost plus shortfall penalties); see docs/games.md.
    """
    from aggregate.errors import ScenarioError
    from aggregate.games.allocations import EXACT_UP_TO, RULES, allocate
    from aggregate.games.coalitions import CoalitionGame
    from aggregate.games.report import core_report, shares_by_nation, stability
    from aggregate.games.solutions import GameError

    console = _console()
    if rule not in RULE_CHOICES:
        raise typer.BadParameter(
            f"{rule} is not a rule; --rule must be one of {', '.join(RULE_CHOICES)}",
            param_hint="--rule",
        )
    if basis not in ("gni", "gdp"):
        raise typer.BadParameter(f"{basis}: --basis must be gni or gdp", param_hint="--basis")
    _check_out_file(plot, "--plot")
    scenario = _load_or_exit(console, file)
    game = CoalitionGame(scenario, workers=workers, time_limit=time_limit)
    started = time.perf_counter()
    with console.status(f"Solving the grand coalition of {scenario.name} ...", spinner="dots"):
        plan = game.grand_plan()
    if not plan.status.has_plan:
        console.print(
            Text(f"{scenario.name}: the grand coalition's plan is {plan.status.value}", "bold red")
        )
        if plan.message:
            console.print(Text(plan.message))
        raise typer.Exit(EXIT_NO_PLAN)
    rules = RULES if rule == "all" else (rule,)
    n = len(game.players)
    try:
        with console.status(f"Solving coalitions of {n} nations ...", spinner="dots"):
            table = allocate(game, rules, basis=basis, samples=samples, seed=seed)
            report = shares_by_nation(game, table, basis=basis)
            # with sampling asked for, check only the groups solved anyway (no 2^n solves)
            complete = samples is None and n <= EXACT_UP_TO
            stable = None if table.empty else stability(game, table, complete=complete)
            least = core_report(game) if complete else None
    except GameError as exc:
        console.print(Text(str(exc), style="red"))
        raise typer.Exit(1) from None
    except ScenarioError as exc:  # a group's restricted scenario is inconsistent
        _print_problems(console, exc)
        raise typer.Exit(1) from None
    seconds = time.perf_counter() - started
    solved = len(game.cache) - 1
    console.print(
        Text(
            f"{scenario.name}: {n} nations, {solved} coalitions solved in {seconds:.1f} s; "
            f"grand coalition costs {game.value(game.grand):,.2f} {scenario.currency}",
            style="bold",
        )
    )
    failed = game.failed()
    if failed:
        console.print(
            Text(
                f"{len(failed)} coalition(s) without a proven optimum "
                f"(e.g. {'+'.join(sorted(failed[0].group))}: {failed[0].status})",
                style="yellow",
            )
        )
    for name, reason in table.attrs.get("skipped", {}).items():
        console.print(Text(f"rule {name} skipped: {reason}", style="yellow"))
    if table.empty:
        raise typer.Exit(1)
    for key, part in table.groupby("rule", sort=False):
        name = str(key)
        console.print(_table(f"Rule: {name}", part.drop(columns="rule")))
        note = table.attrs.get("notes", {}).get(name)
        if note:
            console.print(Text(f"  {note}", style="dim"))
    console.print(_table("Shares by nation: model, key and rules", report))
    if stable is not None:
        console.print(_table("Stability: groups that would gain by leaving", stable))
    if stable is not None and not complete:
        console.print(
            Text(
                "Only the coalitions solved for sampling were checked: a rule shown in the "
                "core may still be blocked by a group not checked.",
                style="dim",
            )
        )
    if least is not None:
        if least.core_empty:
            console.print(
                Text(
                    f"The core is empty: whatever the shares, some group saves at least "
                    f"{least.epsilon:,.2f} {scenario.currency} by leaving (least core).",
                    style="bold yellow",
                )
            )
        else:
            console.print(
                Text("The core is not empty: some shares leave no group better off alone.")
            )
    if plot is not None:
        from aggregate.extras import require

        require("matplotlib", "share --plot")  # before the games are solved, not after
        from aggregate.games.plot import plot_shares

        def write(path: Path) -> None:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            fig, ax = plt.subplots(figsize=(max(6.0, 0.9 * n + 3), 4))
            plot_shares(report, ax=ax)
            fig.tight_layout()
            fig.savefig(path)
            plt.close(fig)

        _write(console, plot, write)
