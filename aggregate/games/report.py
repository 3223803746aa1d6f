"""Fair shares next to what the model decided, and whether each rule is stable (in the core)."""

from __future__ import annotations

import math

import pandas as pd

from aggregate.baseline import nation_costs
from aggregate.games.allocations import EXACT_UP_TO, key_weights
from aggregate.games.coalitions import CoalitionGame
from aggregate.games.solutions import GameError, LeastCore, core_violations, least_core
from aggregate.result import Solution


def shares_by_nation(
    game: CoalitionGame,
    allocations: pd.DataFrame,
    *,
    plan: Solution | None = None,
    basis: str = "gni",
) -> pd.DataFrame:
    """Per nation: what the model's plan charges it next to each rule's share and the key.

    Columns: ``nation``; ``alone`` (:math:`c(\\{i\\})`); ``model_cost`` (the nation's cost in
    ``plan``, by default the grand coalition's weighted plan: own payments, contributions,
    a pro-rata share of fixed contract costs, holding; see
    :func:`aggregate.baseline.nation_costs`) and ``model_share`` (its part of the plan's
    total); ``contributions`` (fund contributions the model decided); ``key_share`` (GNI or
    GDP share; NaN where the scenario lacks the figure); then ``share_<rule>`` for each
    rule in ``allocations`` (a table from :func:`aggregate.games.allocations.allocate`).
    """
    plan = plan if plan is not None else game.grand_plan()
    costs = nation_costs(plan).reindex(list(game.players), fill_value=0.0)
    contributions = (
        plan.tables["contributions"].groupby("nation")["amount"].sum()
        if plan.status.has_plan
        else pd.Series(dtype=float)
    )
    alone = game.solve_groups([frozenset({n}) for n in game.players])
    try:
        weights = key_weights(game, basis)
        total_weight = sum(weights.values())
        key = {n: w / total_weight if total_weight else math.nan for n, w in weights.items()}
    except GameError:
        key = dict.fromkeys(game.players, math.nan)
    model = [float(costs[n]) for n in game.players]
    total_cost = sum(model)
    out = pd.DataFrame(
        {
            "nation": list(game.players),
            "alone": [alone[frozenset({n})].value for n in game.players],
            "model_cost": model,
            "model_share": [c / total_cost if total_cost else math.nan for c in model],
            "contributions": [float(contributions.get(n, 0.0)) for n in game.players],
            "key_share": [key[n] for n in game.players],
        }
    )
    for rule, table in allocations.groupby("rule", sort=False):
        shares = table.set_index("nation")["share"]
        out[f"share_{rule}"] = [float(shares.get(n, math.nan)) for n in game.players]
    return out


def stability(
    game: CoalitionGame, allocations: pd.DataFrame, *, complete: bool | None = None
) -> pd.DataFrame:
    """Is each rule's allocation in the core? One row per rule: ``in_core``, the number of
    groups that would gain by leaving (``violations``), the largest such gain and its
    group (``largest_gain``, ``coalition``), and ``checked`` (groups checked: all
    :math:`2^n - 2` up to :data:`~aggregate.games.allocations.EXACT_UP_TO` nations, else
    only the groups already solved, so ``in_core`` is then only a necessary condition;
    ``complete`` forces either)."""
    if complete is None:
        complete = len(game.players) <= EXACT_UP_TO
    values = game.all_values() if complete else {g: v.value for g, v in game.cache.items()}
    rows = []
    for rule, table in allocations.groupby("rule", sort=False):
        x = dict(zip(table["nation"], table["amount"], strict=True))
        if complete:
            bad = core_violations(values, x, game.players)
            checked = 2 ** len(game.players) - 2
        else:
            bad = _partial_violations(values, x, game.grand)
            checked = sum(1 for g in values if g and g != game.grand)
        rows.append(
            {
                "rule": rule,
                "in_core": bad.empty,
                "violations": len(bad),
                "largest_gain": float(bad["gain"].iloc[0]) if len(bad) else 0.0,
                "coalition": str(bad["coalition"].iloc[0]) if len(bad) else "",
                "checked": checked,
            }
        )
    return pd.DataFrame(
        rows, columns=["rule", "in_core", "violations", "largest_gain", "coalition", "checked"]
    )


def _partial_violations(
    values: dict[frozenset[str], float], x: dict[str, float], grand: frozenset[str]
) -> pd.DataFrame:
    scale = 1e-6 * max(1.0, max((abs(v) for v in values.values() if math.isfinite(v)), default=1))
    rows = []
    for group, alone in values.items():
        if not group or group == grand:
            continue
        pays = sum(x[n] for n in group)
        if pays - alone > scale:
            rows.append(
                {
                    "coalition": "+".join(sorted(group)),
                    "size": len(group),
                    "pays": pays,
                    "alone": alone,
                    "gain": pays - alone,
                }
            )
    frame = pd.DataFrame(rows, columns=["coalition", "size", "pays", "alone", "gain"])
    return frame.sort_values(["gain", "size"], ascending=[False, True], ignore_index=True)


def core_report(game: CoalitionGame) -> LeastCore | None:
    """The least core of the game (None beyond
    :data:`~aggregate.games.allocations.EXACT_UP_TO` nations: it needs every coalition)."""
    if len(game.players) > EXACT_UP_TO:
        return None
    return least_core(game.all_values(), game.players)
