r"""Solutions of cooperative cost games: Shapley value, nucleolus, least core, core check.

Every function here works on a bare coalition-cost function and knows nothing of scenarios,
so it can be tested on textbook games and reused. A *game* is either

* a mapping ``frozenset(players) -> cost`` (the empty coalition may be left out: its cost
  is 0), or
* a callable ``frozenset(players) -> cost`` (then ``players`` must be given).

Costs, not profits: :math:`c(S)` is what the group :math:`S` pays when it buys on its own,
an allocation :math:`x` charges player :math:`i` the amount :math:`x_i`, and a group
*complains* by its excess :math:`e(S, x) = x(S) - c(S)` (what it pays beyond going alone).
A profit (savings) game :math:`v` is the cost game :math:`c = -v`; its allocations are the
negated ones (the Shapley value is linear, so it needs no negation).

* Core: :math:`\{x : x(N) = c(N),\ x(S) \le c(S)\ \forall S\}`.
* Least core: :math:`\min \varepsilon` s.t. :math:`x(S) \le c(S) + \varepsilon` for every
  non-empty proper :math:`S`, :math:`x(N) = c(N)`; the core is empty iff
  :math:`\varepsilon^* > 0`.
* Nucleolus: the allocation that lexicographically minimises the vector of excesses sorted
  in decreasing order (Schmeidler 1969), computed by the sequence of linear programs of
  Maschler, Peleg and Shapley (1979) with the fixing rule of Fromen (1997): after each LP,
  the coalitions with a positive dual price are tight in *every* optimal solution and are
  fixed at that excess; coalitions whose characteristic vector lies in the span of the
  fixed ones have a constant excess from then on and are dropped. At most :math:`n - 1`
  LPs; ties and degenerate LPs are handled because a coalition is fixed only when it is
  provably tight at every optimum.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.stats import norm

from aggregate.errors import InputError

Coalition = frozenset[str]
Game = Mapping[Coalition, float] | Callable[[Coalition], float]
"""A coalition-cost function: a mapping or a callable from a group of players to its cost."""

_TOL = 1e-9


class GameError(InputError):
    """A game or an allocation that the requested solution cannot handle (the message says
    what is wrong and what to do). An :class:`~aggregate.errors.InputError`, hence also a
    ``ValueError``."""


# ---------------------------------------------------------------------------------------
# reading a game


def players_of(game: Game, players: Iterable[str] | None = None) -> tuple[str, ...]:
    """The players, sorted: those given, or every player named in a mapping's keys."""
    if players is not None:
        out = tuple(sorted(set(players)))
    elif isinstance(game, Mapping):
        out = tuple(sorted(set().union(*game.keys()))) if game else ()
    else:
        raise GameError("a callable game needs its players: pass players=[...]")
    if not out:
        raise GameError("the game has no players")
    return out


def cost(game: Game, coalition: Iterable[str]) -> float:
    """:math:`c(S)`; the empty coalition costs 0 unless the game says otherwise."""
    group = frozenset(coalition)
    if isinstance(game, Mapping):
        if group in game:
            return float(game[group])
        if not group:
            return 0.0
        raise GameError(
            f"the game gives no cost for coalition {_name(group)}; give every coalition "
            "(or pass a callable)"
        )
    return 0.0 if not group else float(game(group))


def all_costs(game: Game, players: Sequence[str], *, finite: bool = True) -> np.ndarray:
    """Costs of every coalition indexed by bitmask (bit ``k`` = ``players[k]``).

    ``finite=False`` lets a group that cannot stand alone cost ``+inf`` (it never blocks an
    allocation); the grand coalition must always have a finite cost.
    """
    n = len(players)
    out = np.zeros(1 << n)
    for mask in range(1, 1 << n):
        value = cost(game, (players[k] for k in range(n) if mask >> k & 1))
        out[mask] = value
    if np.isnan(out).any() or np.isneginf(out).any():
        raise GameError("coalition costs must be numbers or +inf, not NaN or -inf")
    if not math.isfinite(out[-1]):
        raise GameError(
            "the grand coalition has no finite cost (no feasible plan for all players together)"
        )
    if finite and not np.all(np.isfinite(out)):
        bad = [
            _name(frozenset(players[k] for k in range(n) if m >> k & 1))
            for m in np.flatnonzero(~np.isfinite(out))[:5]
        ]
        raise GameError(
            f"coalition cost is not finite for {', '.join(bad)} (a group that cannot stand "
            "alone); make the blocking rules soft or leave those players out"
        )
    return out


def _name(group: Iterable[str]) -> str:
    members = sorted(group)
    return "{" + ", ".join(members) + "}" if members else "{}"


# ---------------------------------------------------------------------------------------
# Shapley value


def shapley_exact(game: Game, players: Iterable[str] | None = None) -> dict[str, float]:
    r"""The Shapley value by its formula over every coalition (:math:`2^n` costs).

    .. math:: \phi_i = \sum_{S \subseteq N \setminus i}
              \frac{|S|!\,(n - |S| - 1)!}{n!}\,\bigl(c(S \cup i) - c(S)\bigr)

    Practical up to about 20 players for a cheap game; for a model game (one solve per
    coalition) about 12.
    """
    names = players_of(game, players)
    n = len(names)
    costs = all_costs(game, names)
    sizes = np.array([bin(m).count("1") for m in range(1 << n)])
    weight = np.array(
        [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    )
    masks = np.arange(1 << n)
    out: dict[str, float] = {}
    for k, name in enumerate(names):
        without = masks[(masks >> k & 1) == 0]
        out[name] = float(
            np.sum(weight[sizes[without]] * (costs[without | 1 << k] - costs[without]))
        )
    return out


@dataclass(frozen=True)
class SampledShapley:
    """A sampled Shapley value with its confidence half-widths."""

    values: dict[str, float]
    """Estimated Shapley value of each player (the estimates add up to :math:`c(N)`)."""
    half_width: dict[str, float]
    """Half-width of each player's confidence interval."""
    samples: int
    """Random orders of the players drawn."""
    confidence: float
    """Joint confidence: every player's true value lies within its interval with at least
    this probability (normal approximation, Bonferroni over the players)."""
    seed: int


def sample_orders(players: Sequence[str], samples: int, seed: int) -> list[tuple[str, ...]]:
    """The random orders :func:`shapley_sampled` draws for ``seed`` (to solve their
    coalitions in advance)."""
    rng = np.random.default_rng(seed)
    return [tuple(players[k] for k in rng.permutation(len(players))) for _ in range(samples)]


def order_coalitions(orders: Iterable[Sequence[str]]) -> set[Coalition]:
    """Every coalition formed by a prefix of one of ``orders`` (what sampling evaluates)."""
    out: set[Coalition] = set()
    for order in orders:
        out.update(frozenset(order[:k]) for k in range(1, len(order) + 1))
    return out


def shapley_sampled(
    game: Game,
    players: Iterable[str] | None = None,
    *,
    samples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    prefetch: Callable[[set[Coalition]], object] | None = None,
) -> SampledShapley:
    r"""The Shapley value estimated from ``samples`` random orders of the players.

    In each order every player is charged its marginal cost :math:`c(P \cup i) - c(P)`
    over the players :math:`P` before it; :math:`\phi_i` is the mean over orders (an
    unbiased estimate; the estimates of one order add up to :math:`c(N)`, so the result is
    efficient). The half-width is :math:`z\,s_i/\sqrt{m}` with :math:`s_i` the sample
    standard deviation and :math:`z` the normal quantile of :math:`1 - (1 - \text{conf})/(2n)`
    (Bonferroni: the intervals hold *jointly* with probability ``confidence``).

    ``prefetch``, if given, receives every coalition the orders need before any is
    evaluated, so a model game can solve them in parallel and cache them.
    """
    names = players_of(game, players)
    if samples < 2:
        raise GameError(f"samples must be at least 2 to estimate an interval, got {samples}")
    if not 0 < confidence < 1:
        raise GameError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    orders = sample_orders(names, samples, seed)
    if prefetch is not None:
        prefetch(order_coalitions(orders))
    index = {p: k for k, p in enumerate(names)}
    marginals = np.zeros((samples, len(names)))
    known: dict[Coalition, float] = {}

    def c(group: Coalition) -> float:
        if group not in known:
            known[group] = cost(game, group)
        return known[group]

    for row, order in enumerate(orders):
        before = 0.0
        for k in range(len(order)):
            now = c(frozenset(order[: k + 1]))
            marginals[row, index[order[k]]] = now - before
            before = now
    mean = marginals.mean(axis=0)
    spread = marginals.std(axis=0, ddof=1)
    z = float(norm.ppf(1 - (1 - confidence) / (2 * len(names))))
    half = z * spread / math.sqrt(samples)
    return SampledShapley(
        values={p: float(mean[index[p]]) for p in names},
        half_width={p: float(half[index[p]]) for p in names},
        samples=samples,
        confidence=confidence,
        seed=seed,
    )


# ---------------------------------------------------------------------------------------
# core, least core and nucleolus


def core_violations(
    game: Game,
    allocation: Mapping[str, float],
    players: Iterable[str] | None = None,
    *,
    tol: float = 1e-6,
) -> pd.DataFrame:
    """Groups that would gain by leaving: :math:`x(S) - c(S) > tol`, the largest first.

    Columns: ``coalition`` (members joined by ``+``), ``size``, ``pays`` (:math:`x(S)`),
    ``alone`` (:math:`c(S)`), ``gain`` (:math:`x(S) - c(S)`). Empty when ``allocation`` is
    in the core (the grand coalition's budget balance is checked too: a mismatch raises).
    ``tol`` is relative to the largest coalition cost (at least 1).
    """
    names = players_of(game, players)
    missing = [p for p in names if p not in allocation]
    if missing:
        raise GameError(f"the allocation has no amount for {', '.join(missing)}")
    n = len(names)
    costs = all_costs(game, names, finite=False)
    x = np.array([float(allocation[p]) for p in names])
    scale = tol * max(1.0, float(np.max(np.abs(costs[np.isfinite(costs)]))))
    full = (1 << n) - 1
    if abs(x.sum() - costs[full]) > scale:
        raise GameError(
            f"the allocation adds up to {x.sum():.6g}, not the grand coalition's cost "
            f"{costs[full]:.6g}; core membership needs an efficient allocation"
        )
    rows = []
    for mask in range(1, full):
        members = [names[k] for k in range(n) if mask >> k & 1]
        pays = float(sum(x[k] for k in range(n) if mask >> k & 1))
        gain = pays - float(costs[mask])
        if gain > scale:
            rows.append(
                {
                    "coalition": "+".join(members),
                    "size": len(members),
                    "pays": pays,
                    "alone": float(costs[mask]),
                    "gain": gain,
                }
            )
    frame = pd.DataFrame(rows, columns=["coalition", "size", "pays", "alone", "gain"])
    return frame.sort_values(["gain", "size"], ascending=[False, True], ignore_index=True)


def in_core(
    game: Game,
    allocation: Mapping[str, float],
    players: Iterable[str] | None = None,
    *,
    tol: float = 1e-6,
) -> bool:
    """Whether no group gains by leaving (see :func:`core_violations`)."""
    return core_violations(game, allocation, players, tol=tol).empty


@dataclass(frozen=True)
class LeastCore:
    """The least core's value and one allocation in it."""

    epsilon: float
    """Smallest :math:`\\varepsilon` with :math:`x(S) \\le c(S) + \\varepsilon` for all groups;
    > 0 means the core is empty (every allocation leaves some group better off alone by at
    least that much)."""
    allocation: dict[str, float]

    @property
    def core_empty(self) -> bool:
        return self.epsilon > 1e-7


def _matrix(n: int) -> np.ndarray:
    """Characteristic vectors of the non-empty proper coalitions, row ``mask - 1``."""
    masks = np.arange(1, (1 << n) - 1)
    return ((masks[:, None] >> np.arange(n)[None, :]) & 1).astype(float)


def least_core(game: Game, players: Iterable[str] | None = None) -> LeastCore:
    r"""The least core: :math:`\min \varepsilon` s.t. :math:`x(S) - \varepsilon \le c(S)` for
    every non-empty proper :math:`S` and :math:`x(N) = c(N)` (one LP)."""
    names = players_of(game, players)
    n = len(names)
    costs = all_costs(game, names, finite=False)
    total = float(costs[-1])
    if n == 1:
        return LeastCore(0.0, {names[0]: total})
    rows = _matrix(n)
    keep = np.isfinite(costs[1:-1])  # a group that cannot stand alone never blocks
    if not keep.any():
        x = total / n
        return LeastCore(-math.inf, dict.fromkeys(names, x))
    a_ub = np.hstack([rows[keep], -np.ones((int(keep.sum()), 1))])
    res = linprog(
        np.r_[np.zeros(n), 1.0],
        A_ub=a_ub,
        b_ub=costs[1:-1][keep],
        A_eq=np.r_[np.ones(n), 0.0][None, :],
        b_eq=[total],
        bounds=[(None, None)] * (n + 1),
        method="highs",
    )
    if res.status != 0:
        raise GameError(f"the least-core LP failed: {res.message}")
    return LeastCore(float(res.x[-1]), {p: float(v) for p, v in zip(names, res.x[:n], strict=True)})


def nucleolus(
    game: Game,
    players: Iterable[str] | None = None,
    *,
    pre: bool = False,
) -> dict[str, float]:
    r"""The nucleolus of a cost game (``pre=True``: the pre-nucleolus).

    The nucleolus is taken over the imputations :math:`x(N) = c(N)`, :math:`x_i \le c(\{i\})`;
    their set is empty when :math:`\sum_i c(\{i\}) < c(N)` and a :class:`GameError` says so
    (ask for the pre-nucleolus, which drops :math:`x_i \le c(\{i\})`). See the module
    docstring for the sequence of LPs.
    """
    names = players_of(game, players)
    n = len(names)
    costs = all_costs(game, names, finite=False)
    total = float(costs[-1])
    singles = np.array([costs[1 << k] for k in range(n)])
    if not pre and singles.sum() < total - 1e-9 * max(1.0, abs(total)):
        raise GameError(
            f"the imputation set is empty: going alone costs {singles.sum():.6g} in total, "
            f"less than the grand coalition's {total:.6g}, so no allocation charges every "
            "player at most its own cost; use the pre-nucleolus (pre=True)"
        )
    if n == 1:
        return {names[0]: total}
    rows = _matrix(n)
    rhs = costs[1:-1].astype(float)
    free = np.isfinite(rhs)  # a group that cannot stand alone never complains
    fixed_rows: list[np.ndarray] = [np.ones(n)]
    fixed_rhs: list[float] = [total]
    basis = _orthonormal(np.array(fixed_rows))
    bounds = [(None, None if pre or not math.isfinite(s) else float(s)) for s in singles] + [
        (None, None)
    ]
    x = np.full(n, total / n)
    for _ in range(n + 1):
        if not free.any():
            break
        live = np.flatnonzero(free)
        a_ub = np.hstack([rows[live], -np.ones((len(live), 1))])
        a_eq = np.hstack([np.array(fixed_rows), np.zeros((len(fixed_rows), 1))])
        res = linprog(
            np.r_[np.zeros(n), 1.0],
            A_ub=a_ub,
            b_ub=rhs[live],
            A_eq=a_eq,
            b_eq=np.array(fixed_rhs),
            bounds=bounds,
            method="highs",
        )
        if res.status != 0:
            raise GameError(f"a nucleolus LP failed: {res.message}")
        x, eps = res.x[:n], float(res.x[-1])
        # scipy's marginals are d(objective)/d(b_ub) <= 0: a positive dual price is < 0 here
        prices = -np.asarray(res.ineqlin.marginals)
        tight = live[prices > 1e-9]
        if tight.size == 0:  # numerically flat duals: fix the most-priced coalition
            tight = live[[int(np.argmax(prices))]]
        for r in tight:
            fixed_rows.append(rows[r])
            fixed_rhs.append(float(rhs[r] + eps))
            free[r] = False
        basis = _orthonormal(np.array(fixed_rows))
        if basis.shape[1] >= n:
            break
        # a coalition in the span of the fixed ones has a constant excess from now on
        residual = rows - (rows @ basis) @ basis.T
        free &= np.linalg.norm(residual, axis=1) > 1e-9
    return {p: float(v) for p, v in zip(names, x, strict=True)}


def _orthonormal(vectors: np.ndarray) -> np.ndarray:
    """An orthonormal basis (columns) of the span of ``vectors`` (rows)."""
    u, s, _ = np.linalg.svd(vectors.T, full_matrices=False)
    rank = int(np.sum(s > 1e-9 * max(1.0, float(s.max()) if s.size else 1.0)))
    return u[:, :rank]


def excesses(
    game: Game, allocation: Mapping[str, float], players: Iterable[str] | None = None
) -> list[float]:
    """Every non-empty proper coalition's excess :math:`x(S) - c(S)`, largest first (the
    vector the nucleolus minimises lexicographically)."""
    names = players_of(game, players)
    n = len(names)
    costs = all_costs(game, names)
    x = np.array([allocation[p] for p in names])
    rows = _matrix(n)
    return sorted((rows @ x - costs[1:-1]).tolist(), reverse=True)


def subsets(players: Sequence[str]) -> Iterable[Coalition]:
    """Every coalition of ``players``, the empty one included."""
    for size in range(len(players) + 1):
        for group in itertools.combinations(players, size):
            yield frozenset(group)
