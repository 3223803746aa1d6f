"""Starting a solve from a related plan: ``aggregate.solve(start=...)`` (a variant's or a
smaller coalition's decisions) and warm-started coalition games (issue #16, item 2)."""

from __future__ import annotations

import copy
import logging
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import aggregate
from aggregate.data import prepare
from aggregate.games.coalitions import CoalitionGame, restrict
from aggregate.games.solutions import subsets
from aggregate.model import build_model, linear
from benchmarks.generator import generate_raw
from benchmarks.warm_study import objective_value, variant
from tests.test_games_scenarios import TIERED, tiered_by_hand, tiered_scenario

TOL = 1e-6
REPAIR = "aggregate.model.heuristic"


def _repairs(caplog: pytest.LogCaptureFixture) -> list[str]:
    messages = [r.getMessage() for r in caplog.records]
    return [m for m in messages if "start from the previous plan" in m]


def test_decisions_map_onto_another_model_by_variable_and_index(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A plan's whole-number decisions land on the same variable and index of another
    model; integer columns the plan does not have start at 0, the others are left open."""
    sc = aggregate.validate(generate_raw("S", "mip", objective="weighted"))
    solution = aggregate.solve(sc, mip_gap=1e-3)
    assert solution.decisions and "lots" in solution.decisions
    lin = linear(build_model(prepare(sc)))
    x = lin.start_from(solution.decisions)
    whole = np.asarray(lin.integer, dtype=bool)
    assert np.isfinite(x[whole]).all() and np.isnan(x[~whole]).all()
    lots = lin.columns["lots"]
    for key, j in lots.position().items():
        assert x[j] == solution.decisions["lots"][key]
    # a variable the other plan lacks: nothing ordered, nothing opened
    assert (lin.start_from({})[whole] == 0).all()
    # no decisions (a plan read back from a file keeps none): said, and no start is tried
    with caplog.at_level(logging.INFO):
        again = aggregate.solve(sc, mip_gap=1e-3, start={})
    assert "the start has no decisions" in caplog.text
    assert _repairs(caplog) == [] and again.decisions == solution.decisions


def test_a_start_from_a_variant_is_repaired_and_reaches_the_optimum(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A variant (capacities and demands scaled by 0.85-1.15) started from the base plan:
    the base's decisions are kept (the repair's linear solve finds a plan with them), and
    the answer is within the gap of the variant solved without a start."""
    gap = 1e-3
    raw = copy.deepcopy(generate_raw("S", "mip", objective="weighted"))
    raw["settings"]["mip_gap"] = gap
    base = aggregate.solve(aggregate.validate(raw))
    other = aggregate.validate(variant(raw, 3))
    with caplog.at_level(logging.INFO, logger=REPAIR):
        warm = aggregate.solve(other, start=base)
    assert _repairs(caplog) == [msg for msg in _repairs(caplog) if "kept" in msg] != []
    cold = aggregate.solve(other)
    for sol in (warm, cold):
        assert aggregate.verify(other, sol).ok
    (a,), (b,) = objective_value(warm), objective_value(cold)
    assert abs(a - b) <= 2 * gap * max(abs(a), abs(b))


def test_a_costly_start_does_not_change_the_optimum(caplog: pytest.LogCaptureFixture) -> None:
    """EST alone started from the grand coalition's plan: the contract at the 500-unit tier
    is kept (EST then buys 500 units at 9.3 = 4,650 where it needs 110), the search moves
    on from it to EST's optimum by hand, 2,000 + 110 x 9.5 = 3,045."""
    sc = tiered_scenario()
    grand = aggregate.solve(sc, objective="weighted")
    assert set(grand.orders["tier"]) == {3}
    alone = restrict(sc, ["EST"])
    with caplog.at_level(logging.INFO, logger=REPAIR):
        plan = aggregate.solve(alone, objective="weighted", start=grand)
    assert any("kept" in msg for msg in _repairs(caplog))
    assert aggregate.verify(alone, plan).ok
    assert plan.key_figures["total_cost"] == pytest.approx(tiered_by_hand(frozenset({"EST"})))


def test_a_warm_started_game_has_the_hand_values_on_any_executor(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every group starts from the largest smaller group solved (a pair from a single
    nation, ...): the values are the hand-computed ones, the same solved one by one and
    in two processes (one size of group at a time). Only the two largest sizes' plans are
    kept."""
    sc = tiered_scenario()
    with caplog.at_level(logging.INFO, logger=REPAIR):
        game = CoalitionGame(sc, workers=1, verify=True, warm_start=True)
        values = game.all_values()
    # one start per group of two or more nations, and each fits
    many = [g for g in subsets(game.players) if len(g) > 1]
    assert len(_repairs(caplog)) == len(many)
    for group, value in values.items():
        assert value == pytest.approx(tiered_by_hand(group), abs=TOL), group
        assert group == frozenset() or game.cache[group].verified
    assert set(game.decisions) == {g for g in values if len(g) >= len(TIERED) - 1}
    assert game.start_for(frozenset(TIERED)) is game.decisions[frozenset({"EST", "LTU", "LVA"})]
    with ProcessPoolExecutor(max_workers=2) as pool:
        parallel = CoalitionGame(sc, executor=pool, warm_start=True)
        assert parallel.all_values() == values
    assert set(parallel.decisions) == set(game.decisions)
    # without warm starts, no start and no decisions kept
    cold = CoalitionGame(sc, workers=1)
    assert cold.start_for(frozenset(TIERED)) is None
    cold.value(frozenset({"EST", "LVA"}))
    assert cold.decisions == {}


def test_each_block_starts_from_its_part_of_the_plan(caplog: pytest.LogCaptureFixture) -> None:
    """A scenario of two unrelated halves solved block by block: each block's search
    starts from its own columns of the given plan (one repair per block)."""
    from tests.test_blocks import joined

    sc = joined("weighted", mip_gap=1e-3)
    base = aggregate.solve(sc)
    assert base.key_figures["blocks"] == 2
    with caplog.at_level(logging.INFO, logger=REPAIR):
        again = aggregate.solve(sc, start=base)
    assert len(_repairs(caplog)) == 2 and all("kept" in m for m in _repairs(caplog))
    assert aggregate.verify(sc, again).ok
    (a,), (b,) = objective_value(again), objective_value(base)
    assert abs(a - b) <= 2e-3 * max(abs(a), abs(b))


def test_a_resolver_without_the_heuristic_leaves_highs_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """first_plan none (the default): a re-solve starts HiGHS on its own, as a solve of the
    variant alone would; the previous variant's plan is not tried."""
    from aggregate.resolve import Resolver

    raw = copy.deepcopy(generate_raw("S", "mip", objective="weighted"))
    variants = [aggregate.validate(variant(raw, seed)) for seed in range(2)]
    resolver = Resolver(variants[0])
    with caplog.at_level(logging.INFO, logger=REPAIR):
        for sc in variants:
            assert aggregate.verify(sc, resolver.solve(sc)).ok
    assert resolver.reuses == 1 and _repairs(caplog) == []
