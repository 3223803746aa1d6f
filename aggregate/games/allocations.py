r"""Sharing rules: how much of the grand coalition's cost each nation pays.

Every rule returns a tidy table, one row per nation:

========== ===============================================================================
column     meaning
========== ===============================================================================
rule       ``proportional``, ``key``, ``shapley``, ``nucleolus`` or ``dual``
nation     nation code
amount     what the nation pays, currency units; the amounts add up to :math:`c(N)`
share      amount / :math:`c(N)`
alone      :math:`c(\{i\})`, the nation's cost going alone
savings    alone - amount (positive: the nation gains by joining)
half_width half-width of the amount's joint confidence interval (sampled Shapley; else 0)
========== ===============================================================================

:math:`c` is the coalition cost of :mod:`aggregate.games.coalitions` (weighted objective:
cost plus shortfall penalties).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from aggregate.data import prepare
from aggregate.games.coalitions import CoalitionGame
from aggregate.games.solutions import GameError, nucleolus, shapley_exact, shapley_sampled
from aggregate.model import build_model, linear
from aggregate.model import registry as reg
from aggregate.model.highs import HighsModel
from aggregate.model.linear import INF

log = logging.getLogger(__name__)

RULES = ("proportional", "key", "shapley", "nucleolus", "dual")
"""Every rule :func:`allocate` knows, in the order it reports them."""

COLUMNS = ["rule", "nation", "amount", "share", "alone", "savings", "half_width"]

EXACT_UP_TO = 12
"""Largest number of nations for which the Shapley value is computed exactly (all
:math:`2^n` coalitions solved); beyond, it is sampled."""


def frame(
    rule: str,
    game: CoalitionGame,
    amounts: Mapping[str, float],
    half_width: Mapping[str, float] | None = None,
    note: str = "",
) -> pd.DataFrame:
    """The tidy table of one rule's amounts (columns in the module docstring)."""
    total = game.value(game.grand)
    alone = game.solve_groups([frozenset({n}) for n in game.players])
    rows = []
    for n in game.players:
        amount = float(amounts[n])
        single = alone[frozenset({n})].value
        rows.append(
            {
                "rule": rule,
                "nation": n,
                "amount": amount,
                "share": amount / total if total else math.nan,
                "alone": single,
                "savings": single - amount,
                "half_width": float(half_width[n]) if half_width else 0.0,
            }
        )
    out = pd.DataFrame(rows, columns=COLUMNS)
    if note:
        out.attrs["note"] = note
    return out


def _spread(total: float, weights: Mapping[str, float], players: Sequence[str]) -> dict[str, float]:
    """``total`` shared pro rata to ``weights`` (equally where they add up to 0)."""
    w = {p: max(float(weights.get(p, 0.0)), 0.0) for p in players}
    s = sum(w.values())
    if s <= 0:
        return {p: total / len(players) for p in players}
    return {p: total * w[p] / s for p in players}


# ---------------------------------------------------------------------------------------
# the rules


def volume_received(game: CoalitionGame) -> dict[str, float]:
    """Units each nation receives in the grand coalition's plan: deliveries to it (orders
    already placed included, net of cancellations) plus donations it receives."""
    t = game.grand_plan().tables
    orders = t["orders"].groupby("nation")["quantity"].sum()
    gifts = t["donations"].groupby("recipient")["quantity"].sum()
    placed = t.get("placed_orders")
    held = placed.groupby("nation")["delivered"].sum() if placed is not None else pd.Series()
    return {
        n: float(orders.get(n, 0.0)) + float(gifts.get(n, 0.0)) + float(held.get(n, 0.0))
        for n in game.players
    }


def proportional(game: CoalitionGame) -> pd.DataFrame:
    r"""Pro rata to volume received: :math:`x_i = c(N)\, q_i / \sum_j q_j` (equal shares
    when nothing is delivered)."""
    total = game.value(game.grand)
    return frame("proportional", game, _spread(total, volume_received(game), game.players))


def key_weights(game: CoalitionGame, basis: str = "gni") -> dict[str, float]:
    """Each nation's GNI or GDP from the scenario (the basis of a burden-sharing key)."""
    if basis not in ("gni", "gdp"):
        raise GameError(f"key basis must be 'gni' or 'gdp', got '{basis}'")
    nations = {n.code: n for n in game.scenario.nations}
    missing = [c for c in game.players if getattr(nations[c], basis) is None]
    if missing:
        raise GameError(
            f"a {basis.upper()} key needs {basis} for every nation; none for "
            f"{', '.join(missing)}: add it to the scenario's nations, or use the other basis"
        )
    return {c: float(getattr(nations[c], basis)) for c in game.players}


def by_key(game: CoalitionGame, basis: str = "gni") -> pd.DataFrame:
    r"""By a burden-sharing key: :math:`x_i = c(N)\, g_i / \sum_j g_j` with :math:`g` the
    nations' GNI (or GDP), as the Peace Facility and NATO common funding share costs."""
    total = game.value(game.grand)
    return frame("key", game, _spread(total, key_weights(game, basis), game.players))


def shapley(
    game: CoalitionGame,
    *,
    samples: int | None = None,
    seed: int = 0,
    confidence: float = 0.95,
    exact_up_to: int = EXACT_UP_TO,
) -> pd.DataFrame:
    """The Shapley value: exact (all coalitions solved) up to ``exact_up_to`` nations unless
    ``samples`` is given, else estimated from ``samples`` random orders (default 200) with
    the joint confidence half-widths in ``half_width``."""
    if samples is None and len(game.players) <= exact_up_to:
        return frame("shapley", game, shapley_exact(game.all_values(), game.players))
    est = shapley_sampled(
        game,
        game.players,
        samples=samples or 200,
        seed=seed,
        confidence=confidence,
        prefetch=game.prefetch,
    )
    note = (
        f"sampled from {est.samples} random orders (seed {est.seed}); half_width is the "
        f"{est.confidence:.0%} joint confidence interval"
    )
    return frame("shapley", game, est.values, est.half_width, note)


def nucleolus_rule(game: CoalitionGame) -> pd.DataFrame:
    """The nucleolus (all coalitions solved); where the imputation set is empty (going alone
    costs less in total than the grand coalition, e.g. when capacity binds) the
    pre-nucleolus, said in the table's ``attrs["note"]``."""
    if len(game.players) > EXACT_UP_TO:
        raise GameError(
            f"the nucleolus needs all 2^n coalitions solved; {len(game.players)} nations are "
            f"more than {EXACT_UP_TO}: use the sampled Shapley value"
        )
    values = game.all_values()
    try:
        return frame("nucleolus", game, nucleolus(values, game.players))
    except GameError as exc:
        if "imputation set is empty" not in str(exc):
            raise
        note = "pre-nucleolus: going alone costs less in total than the grand coalition"
        return frame("nucleolus", game, nucleolus(values, game.players, pre=True), note=note)


def dual_charges(game: CoalitionGame) -> dict[str, float]:
    r"""What each nation's own requirements and resources are worth at the dual prices of
    the grand coalition's linear relaxation (Owen 1975, linear production games).

    The relaxation is the weighted model with every integer variable made continuous
    within its bounds. A row belongs to nation :math:`i` when its right-hand side is
    :math:`i`'s: demands (``demand_balance``), stock (``stock_balance``, opening stock),
    floors and refill targets, donation limits, budgets. The charge is
    :math:`r_i = \sum_{\text{rows of } i} y_r\, b_r` (:math:`y` the row's dual price,
    :math:`b` its right-hand side): demands are charged their marginal cost, own stock and
    budget earn a credit. Shared rows (capacity, tiers, funds) and the integrality gap are
    not anyone's: :func:`dual` scales the charges to :math:`c(N)`.
    """
    data = prepare(game.scenario, pooled=True)
    data.objective = "weighted"
    lin = linear(build_model(data))
    assert lin.shortfall_cost is not None
    relaxation = HighsModel(lin, integer=False)
    relaxation.set_cost(lin.cost + lin.shortfall_cost)
    outcome = relaxation.run()
    if not outcome.ok:
        raise GameError(
            "the linear relaxation of the grand coalition did not solve to optimality "
            f"({outcome.status.value}); the dual-price rule is not available"
        )
    duals = relaxation.row_duals()
    if duals is None:  # an empty model: no row to price
        duals = np.zeros(lin.nrows)
    owner = _row_owners(data)
    charges = dict.fromkeys(game.players, 0.0)
    for family, block in lin.rows.items():
        for r, index in enumerate(block.keys, block.start):
            price = float(duals[r])
            who = owner(family, index)
            if who is None or who not in charges or price == 0:
                continue
            upper = lin.row_upper[r]
            rhs = upper if upper != INF else lin.row_lower[r]
            charges[who] += price * rhs
    return charges


def _row_owners(data: Any) -> Any:
    nation_first = {
        reg.STOCK_BALANCE,
        reg.STOCK_FLOOR_LOWER,
        reg.REFILL_TARGET_LOWER,
        reg.DONATION_FROM_STOCK_UPPER,
        reg.BUDGET_PERIOD_UPPER,
    }

    def owner(family: str, index: Any) -> str | None:
        if family == reg.DEMAND_BALANCE:
            return str(data.demands[index].nation)
        if family == reg.BUDGET_UPPER:
            return str(index)
        if family in nation_first:
            return str(index[0])
        return None

    return owner


def dual(game: CoalitionGame) -> pd.DataFrame:
    r"""Dual-price allocation: each nation pays the dual value of its own requirements
    (:func:`dual_charges`), scaled to the grand coalition's cost,
    :math:`x_i = c(N)\, r_i / \sum_j r_j`. With linear costs and no shared limit binding
    the charges already add up to :math:`c(N)` and the allocation is in the core (Owen)."""
    charges = dual_charges(game)
    total = game.value(game.grand)
    raw = sum(charges.values())
    if raw <= 0:
        raise GameError(
            "the dual prices charge the nations nothing in total (their stock and budgets "
            "are worth more than their demands at the relaxation's prices), so they cannot "
            "be scaled to the grand coalition's cost; use another rule"
        )
    amounts = {n: total * charges[n] / raw for n in game.players}
    note = f"raw dual charges add up to {raw:,.6g}; scaled to the grand coalition's {total:,.6g}"
    return frame("dual", game, amounts, note=note)


def allocate(
    game: CoalitionGame,
    rules: Iterable[str] = RULES,
    *,
    basis: str = "gni",
    samples: int | None = None,
    seed: int = 0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Every requested rule's table stacked (``rule`` tells them apart); a rule that cannot
    be applied (no GNI in the scenario, empty imputation set, ...) is skipped with its
    reason in ``attrs["skipped"]``; notes of the rules are in ``attrs["notes"]``."""
    frames: list[pd.DataFrame] = []
    skipped: dict[str, str] = {}
    notes: dict[str, str] = {}
    for rule in rules:
        if rule not in RULES:
            raise GameError(f"unknown rule '{rule}'; choose from {', '.join(RULES)}")
        try:
            if rule == "proportional":
                table = proportional(game)
            elif rule == "key":
                table = by_key(game, basis)
            elif rule == "shapley":
                table = shapley(game, samples=samples, seed=seed, confidence=confidence)
            elif rule == "nucleolus":
                table = nucleolus_rule(game)
            else:
                table = dual(game)
        except GameError as exc:
            log.info("rule %s skipped: %s", rule, exc)
            skipped[rule] = str(exc)
            continue
        if table.attrs.get("note"):
            notes[rule] = table.attrs["note"]
        frames.append(table)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    out.attrs["skipped"] = skipped
    out.attrs["notes"] = notes
    return out
