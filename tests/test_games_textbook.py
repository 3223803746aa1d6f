"""Shapley value, nucleolus, least core and core check on textbook games with published values.

Costs, not profits, in :mod:`aggregate.games.solutions`: a profit game ``v`` is the cost game
``-v`` (its nucleolus and core allocations are the negated ones; the Shapley value is linear,
so it is computed on ``v`` itself).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregate.games import (
    GameError,
    core_violations,
    in_core,
    least_core,
    nucleolus,
    shapley_exact,
    shapley_sampled,
)
from aggregate.games.solutions import excesses, subsets

TOL = 1e-6


def as_dict(
    players: list[str], fn: Callable[[frozenset[str]], float]
) -> dict[frozenset[str], float]:
    return {s: fn(s) for s in subsets(players)}


# ---------------------------------------------------------------------------------------
# glove game


def glove(group: frozenset[str]) -> float:
    """Profit: a pair of gloves is worth 1; L owns the only left glove, R1 and R2 a right one."""
    return 1.0 if "L" in group and {"R1", "R2"} & group else 0.0


def test_glove_game_shapley() -> None:
    """Shapley value of the glove game with one left and two right gloves: (1/6, 1/6, 2/3)
    (e.g. Maschler, Solan and Zamir, *Game Theory*, 2013, ch. 18; computed by hand: L is
    pivotal in the 4 of 6 orders where it does not come first)."""
    phi = shapley_exact(glove, ["R1", "R2", "L"])
    assert phi["R1"] == pytest.approx(1 / 6, abs=TOL)
    assert phi["R2"] == pytest.approx(1 / 6, abs=TOL)
    assert phi["L"] == pytest.approx(2 / 3, abs=TOL)


def test_glove_game_core_is_all_to_the_scarce_glove() -> None:
    """The glove game's core is the single point (0, 0, 1): the owner of the scarce left
    glove takes everything; the Shapley value is not in it."""
    cost = as_dict(["R1", "R2", "L"], lambda s: -glove(s))
    assert in_core(cost, {"R1": 0.0, "R2": 0.0, "L": -1.0})
    shapley_cost = {p: -x for p, x in shapley_exact(glove, ["R1", "R2", "L"]).items()}
    bad = core_violations(cost, shapley_cost)
    # {L, R1} and {L, R2} earn 1 alone but get only 5/6 under Shapley: they gain 1/6 by leaving
    assert set(bad.coalition) == {"L+R1", "L+R2"}
    assert bad.gain.tolist() == pytest.approx([1 / 6, 1 / 6], abs=TOL)
    assert least_core(cost).epsilon == pytest.approx(0.0, abs=TOL)
    nuc = nucleolus(cost)
    assert nuc == pytest.approx({"R1": 0.0, "R2": 0.0, "L": -1.0}, abs=TOL)


def test_sampled_shapley_covers_glove_values() -> None:
    est = shapley_sampled(glove, ["R1", "R2", "L"], samples=3000, seed=7, confidence=0.99)
    exact = {"R1": 1 / 6, "R2": 1 / 6, "L": 2 / 3}
    assert sum(est.values.values()) == pytest.approx(1.0, abs=1e-12)  # efficient per order
    for p, value in exact.items():
        assert abs(est.values[p] - value) <= est.half_width[p]
        assert 0 < est.half_width[p] < 0.05


# ---------------------------------------------------------------------------------------
# airport game


def airport_game(runway: dict[str, float]) -> Callable[[frozenset[str]], float]:
    """Cost of a runway long enough for the largest aircraft in the group."""
    return lambda group: max((runway[p] for p in group), default=0.0)


def airport_shapley(runway: dict[str, float]) -> dict[str, float]:
    """Littlechild and Owen (1973), "A simple expression for the Shapley value in a special
    case", Management Science 20(3): each runway segment's cost is shared equally by the
    players needing it: phi_i = sum_{k <= i} (c_k - c_{k-1}) / #{j : c_j >= c_k}."""
    levels = sorted(set(runway.values()))
    out = dict.fromkeys(runway, 0.0)
    previous = 0.0
    for level in levels:
        users = [p for p, c in runway.items() if c >= level]
        for p in users:
            out[p] += (level - previous) / len(users)
        previous = level
    return out


def test_airport_game_small_example() -> None:
    # segments 1, 2 and 3 shared by 3, 2 and 1 aircraft: 1/3, 1/3 + 1, 1/3 + 1 + 3
    phi = shapley_exact(airport_game({"A": 1.0, "B": 3.0, "C": 6.0}), ["A", "B", "C"])
    assert phi == pytest.approx({"A": 1 / 3, "B": 4 / 3, "C": 13 / 3}, abs=TOL)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 50), min_size=1, max_size=7))
def test_airport_game_closed_form(costs: list[int]) -> None:
    runway = {f"P{k}": float(c) for k, c in enumerate(costs)}
    game = airport_game(runway)
    phi = shapley_exact(game, runway)
    assert phi == pytest.approx(airport_shapley(runway), abs=TOL)
    # the airport game is concave: the Shapley value lies in its core
    assert in_core(game, phi, runway)


# ---------------------------------------------------------------------------------------
# nucleolus: the bankruptcy problem of the Talmud


def bankruptcy_cost(estate: float, claims: dict[str, float]) -> Callable[[frozenset[str]], float]:
    """The cost game -v of O'Neill's bankruptcy game v(S) = max(0, E - sum of others' claims)."""
    return lambda group: -max(0.0, estate - sum(c for p, c in claims.items() if p not in group))


def talmud_rule(estate: float, claims: dict[str, float]) -> dict[str, float]:
    """The Talmud rule, computed directly: constrained equal awards on half-claims when the
    estate is at most half the claims, else each gets its half-claim plus constrained equal
    losses on the other halves."""
    half = {p: c / 2 for p, c in claims.items()}
    increasing = estate <= sum(half.values())

    def award(lam: float) -> dict[str, float]:
        if increasing:  # constrained equal awards on the half-claims
            return {p: min(h, lam) for p, h in half.items()}
        return {p: claims[p] - min(h, lam) for p, h in half.items()}  # equal losses

    lo, hi = 0.0, max(claims.values())
    for _ in range(200):
        mid = (lo + hi) / 2
        total = sum(award(mid).values())
        if (total < estate) == increasing:
            lo = mid
        else:
            hi = mid
    return award((lo + hi) / 2)


@pytest.mark.parametrize(
    ("estate", "expected"),
    [(100, (100 / 3, 100 / 3, 100 / 3)), (200, (50, 75, 75)), (300, (50, 100, 150))],
)
def test_nucleolus_of_the_talmud_estates(estate: float, expected: tuple[float, ...]) -> None:
    """Aumann and Maschler (1985), "Game theoretic analysis of a bankruptcy problem from the
    Talmud", J. Economic Theory 36: for claims 100, 200, 300 the Mishnah divides estates of
    100, 200 and 300 as shown, and this division is the nucleolus of the bankruptcy game."""
    claims = {"a": 100.0, "b": 200.0, "c": 300.0}
    nuc = nucleolus(bankruptcy_cost(estate, claims), claims)
    assert {p: -x for p, x in nuc.items()} == pytest.approx(
        dict(zip("abc", expected, strict=True)), abs=TOL
    )
    assert talmud_rule(estate, claims) == pytest.approx(
        dict(zip("abc", expected, strict=True)), abs=TOL
    )


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.integers(1, 100), min_size=2, max_size=4),
    st.floats(0.05, 0.95),
)
def test_nucleolus_is_the_talmud_rule(claims_list: list[int], fraction: float) -> None:
    """Aumann-Maschler theorem on random problems (ties between claims included)."""
    claims = {f"P{k}": float(c) for k, c in enumerate(claims_list)}
    estate = fraction * sum(claims.values())
    nuc = nucleolus(bankruptcy_cost(estate, claims), claims)
    assert {p: -x for p, x in nuc.items()} == pytest.approx(talmud_rule(estate, claims), abs=TOL)


# ---------------------------------------------------------------------------------------
# least core: an empty core


def test_least_core_of_an_empty_core() -> None:
    # c(i) = 1000, c(pair) = 3000, c(N) = 5000. Pairs: 2 x(N) <= 9000 fails, so no core.
    # By symmetry x = 5000/3 each; the singletons' excess 5000/3 - 1000 = 2000/3 is the
    # largest and no allocation lowers it (someone pays at least 5000/3).
    cost = {frozenset(s): 1000.0 * (2 * len(s) - 1) for s in subsets(["a", "b", "c"]) if s}
    lc = least_core(cost)
    assert lc.core_empty
    assert lc.epsilon == pytest.approx(2000 / 3, abs=TOL)
    assert lc.allocation == pytest.approx(dict.fromkeys("abc", 5000 / 3), abs=TOL)
    with pytest.raises(GameError, match="imputation set is empty"):
        nucleolus(cost)
    assert nucleolus(cost, pre=True) == pytest.approx(dict.fromkeys("abc", 5000 / 3), abs=TOL)
    bad = core_violations(cost, lc.allocation)
    assert bad.gain.iloc[0] == pytest.approx(2000 / 3, abs=TOL)  # largest first
    assert list(bad["size"]) == [1, 1, 1, 2, 2, 2]


def test_core_violations_lists_groups_largest_gain_first() -> None:
    cost = {
        frozenset(): 0.0,
        frozenset("a"): 4.0,
        frozenset("b"): 4.0,
        frozenset("c"): 4.0,
        frozenset("ab"): 5.0,
        frozenset("ac"): 7.0,
        frozenset("bc"): 8.0,
        frozenset("abc"): 9.0,
    }
    # pays a 1, b 2, c 6: {c} gains 2, {a, c} gains 0, {b, c} gains 0, the rest lose
    bad = core_violations(cost, {"a": 1.0, "b": 2.0, "c": 6.0})
    assert bad.coalition.tolist() == ["c"]
    assert bad.gain.tolist() == pytest.approx([2.0])
    with pytest.raises(GameError, match="adds up to"):
        core_violations(cost, {"a": 1.0, "b": 1.0, "c": 1.0})


# ---------------------------------------------------------------------------------------
# properties on random games


def random_game(players: list[str], draw: st.DrawFn) -> dict[frozenset[str], float]:
    return {s: (draw(st.floats(0, 100, allow_nan=False)) if s else 0.0) for s in subsets(players)}


@st.composite
def games(draw: st.DrawFn, max_players: int = 5) -> dict[frozenset[str], float]:
    n = draw(st.integers(2, max_players))
    return random_game([f"P{k}" for k in range(n)], draw)


@settings(max_examples=40, deadline=None)
@given(games())
def test_shapley_efficiency_and_symmetry(cost: dict[frozenset[str], float]) -> None:
    players = sorted(set().union(*cost))
    phi = shapley_exact(cost)
    assert sum(phi.values()) == pytest.approx(cost[frozenset(players)], abs=TOL)
    # swapping two players' names in the game swaps their values
    a, b = players[0], players[1]
    swap = {a: b, b: a}
    swapped = {frozenset(swap.get(p, p) for p in s): v for s, v in cost.items()}
    phi2 = shapley_exact(swapped)
    assert phi2[a] == pytest.approx(phi[b], abs=TOL)
    assert phi2[b] == pytest.approx(phi[a], abs=TOL)


@settings(max_examples=30, deadline=None)
@given(games(max_players=4), st.floats(0, 50))
def test_shapley_dummy_player(cost: dict[frozenset[str], float], own: float) -> None:
    """A player who adds exactly its own cost to every group gets exactly that cost."""
    extended = dict(cost)
    for s, v in cost.items():
        extended[s | {"DUMMY"}] = v + own
    phi = shapley_exact(extended)
    assert phi["DUMMY"] == pytest.approx(own, abs=TOL)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_shapley_additivity(data: st.DataObject) -> None:
    players = [f"P{k}" for k in range(data.draw(st.integers(2, 4)))]
    g1 = random_game(players, data.draw)
    g2 = random_game(players, data.draw)
    both = {s: g1[s] + g2[s] for s in g1}
    phi1, phi2, phi = shapley_exact(g1), shapley_exact(g2), shapley_exact(both)
    for p in players:
        assert phi[p] == pytest.approx(phi1[p] + phi2[p], abs=TOL)


@st.composite
def concave_games(draw: st.DrawFn) -> dict[frozenset[str], float]:
    """Concave cost games: a sum of airport games (each concave) with positive weights."""
    n = draw(st.integers(2, 5))
    players = [f"P{k}" for k in range(n)]
    parts = [{p: draw(st.integers(0, 20)) for p in players} for _ in range(draw(st.integers(1, 3)))]
    return {
        s: float(sum(max((r[p] for p in s), default=0) for r in parts)) for s in subsets(players)
    }


@settings(max_examples=40, deadline=None)
@given(st.one_of(games(max_players=4), concave_games()))
def test_nucleolus_is_in_the_core_when_there_is_one(cost: dict[frozenset[str], float]) -> None:
    players = sorted(set().union(*cost))
    lc = least_core(cost)
    total = cost[frozenset(players)]
    singles = sum(cost[frozenset({p})] for p in players)
    pre = nucleolus(cost, pre=True)
    assert sum(pre.values()) == pytest.approx(total, abs=TOL)
    # the pre-nucleolus lies in the least core: its largest excess is the least core's
    assert excesses(cost, pre)[0] == pytest.approx(lc.epsilon, abs=1e-6 * max(1.0, abs(total)))
    if not lc.core_empty:
        assert in_core(cost, pre, tol=1e-7)
    if singles >= total:
        nuc = nucleolus(cost)
        assert sum(nuc.values()) == pytest.approx(total, abs=TOL)
        assert all(nuc[p] <= cost[frozenset({p})] + TOL for p in players)
        if not lc.core_empty:  # the core is inside the imputations, so they agree
            assert in_core(cost, nuc, tol=1e-7)
            assert nuc == pytest.approx(pre, abs=1e-6)


def test_nucleolus_lexicographic_against_a_grid() -> None:
    """On a 3-player game the nucleolus's sorted excess vector is lexicographically no
    larger than that of any allocation on a fine grid of efficient allocations."""
    cost = {
        frozenset(): 0.0,
        frozenset("a"): 6.0,
        frozenset("b"): 7.0,
        frozenset("c"): 9.0,
        frozenset("ab"): 10.0,
        frozenset("ac"): 12.0,
        frozenset("bc"): 13.0,
        frozenset("abc"): 15.0,
    }
    best = excesses(cost, nucleolus(cost))
    for xa, xb in itertools.product(range(0, 61), range(0, 61)):
        x = {"a": xa / 10, "b": xb / 10, "c": 15.0 - xa / 10 - xb / 10}
        if x["a"] > 6 or x["b"] > 7 or x["c"] > 9:
            continue
        other = excesses(cost, x)
        assert [round(v, 9) for v in best] <= [round(v, 9) for v in other]


def test_bad_input_gives_clear_errors() -> None:
    with pytest.raises(GameError, match="needs its players"):
        shapley_exact(glove)
    with pytest.raises(GameError, match="no cost for coalition"):
        shapley_exact({frozenset("a"): 1.0, frozenset("ab"): 2.0})
    with pytest.raises(GameError, match="samples"):
        shapley_sampled(glove, ["L", "R1"], samples=1)
    inf_game = {frozenset("a"): math.inf, frozenset("b"): 1.0, frozenset("ab"): 2.0}
    with pytest.raises(GameError, match="not finite"):
        shapley_exact(inf_game)
    # a group that cannot stand alone never blocks: the core check accepts it
    assert in_core(inf_game, {"a": 1.5, "b": 0.5})
