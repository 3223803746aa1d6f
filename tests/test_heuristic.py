"""The first plan (aggregate.model.heuristic) and warm re-solves: a start is a feasible plan,
and starting from it changes how fast, never what, a solve finds."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import aggregate
from aggregate.data import prepare
from aggregate.model import build_model, linear
from aggregate.model.heuristic import FirstPlan, better_start, first_plan, repaired
from aggregate.model.highs import HighsModel, objective_of
from aggregate.model.objective import needs_cap_bound
from aggregate.resolve import Resolver
from aggregate.result import Solution
from aggregate.schema import Scenario
from benchmarks.generator import generate, generate_raw
from benchmarks.warm_study import objective_value, variant

CASES = Path(__file__).resolve().parent / "cases"
TOL = 1e-6


def _with(sc: Scenario, **settings: Any) -> Scenario:
    return sc.model_copy(update={"settings": sc.settings.model_copy(update=settings)})


def _stage(sc: Scenario, objective: str = "weighted") -> tuple[HighsModel, Any]:
    """The scenario's model in HiGHS with ``objective``'s costs set, as the first stage."""
    data = prepare(sc)
    model = build_model(data)
    lin = linear(model)
    for name in ("needs_obj", "cost_obj", "weighted_obj"):
        getattr(model, name).deactivate()
    getattr(model, "weighted_obj" if objective == "weighted" else "needs_obj").activate()
    highs = HighsModel(lin)
    highs.set_cost(objective_of(model, lin))
    return highs, model


def _assert_feasible(highs: HighsModel, plan: FirstPlan) -> None:
    """Every column within its bounds, every integer column whole, every row within its
    bounds (HiGHS's feasibility tolerance, relative to the row's size)."""
    assert plan.x is not None, plan.steps
    lin, x = highs.lin, plan.x
    lower, upper = np.asarray(lin.col_lower), np.asarray(lin.col_upper)
    assert np.all(x >= lower - TOL) and np.all(x <= upper + TOL)
    whole = x[highs.integer]
    assert np.allclose(whole, np.round(whole), atol=1e-7)
    activity = lin.matrix() @ x
    scale = 1.0 + np.abs(lin.matrix()) @ np.abs(x)
    assert np.all(activity >= np.asarray(lin.row_lower) - TOL * scale)
    assert np.all(activity <= np.asarray(lin.row_upper) + TOL * scale)
    # and its objective is what the plan costs under the stage's objective
    cost = np.asarray(highs.h.getLp().col_cost_)
    assert plan.objective == pytest.approx(float(cost @ x), rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("size", ["S", "M"])
@pytest.mark.parametrize("objective", ["weighted", "needs_first"])
def test_first_plan_is_feasible_and_repeats(size: str, objective: str) -> None:
    highs, _ = _stage(generate(size, "mip"), objective)
    plan = first_plan(highs)
    _assert_feasible(highs, plan)
    # the relaxation is a lower bound on any plan, so on the heuristic's too
    assert "relaxation" in plan.steps[0]
    again = first_plan(_stage(generate(size, "mip"), objective)[0])
    assert again.x is not None and np.array_equal(plan.x, again.x)


def test_first_plan_is_no_better_than_the_optimum() -> None:
    """... and its bound (the relaxation's optimum) no worse: bound <= optimum <= plan."""
    highs, _ = _stage(generate("S", "mip"))
    plan = first_plan(highs)
    assert plan.objective is not None and plan.bound is not None
    out = highs.run()
    assert out.objective is not None
    assert plan.objective >= out.objective - 1e-6 * abs(out.objective)
    assert plan.bound <= out.objective + 1e-6 * abs(out.objective)


def test_a_start_within_the_gap_of_the_bound_is_the_answer() -> None:
    """mip-S's first plan costs 255.27m, its relaxation 237.51m: a gap of 7.0% of the plan
    (HiGHS's relative gap divides by the plan's objective). With a gap
    just above that, the plan is the answer with no HiGHS run (no nodes, no solver time) and
    that bound; with half that gap HiGHS searches and ends within it, no worse than the
    plan. A start whose integer columns are not whole is never taken as the answer."""
    highs, _ = _stage(generate("S", "mip"))
    plan = first_plan(highs)
    assert plan.x is not None and plan.objective is not None and plan.bound is not None
    gap = (plan.objective - plan.bound) / plan.objective
    assert 0.01 < gap < 0.2
    highs.h.setOptionValue("mip_rel_gap", 1.01 * gap)
    out = highs.proven(plan.x, plan.bound) or highs.run(start=plan.x)
    assert (out.status.value, out.nodes, out.solver_seconds) == ("optimal", 0, 0.0)
    assert out.objective == pytest.approx(plan.objective, rel=1e-12)
    assert out.bound == plan.bound
    # the plan itself, as HiGHS would return its incumbent
    assert highs.x is not None and np.array_equal(highs.x, plan.x)
    highs.h.setOptionValue("mip_rel_gap", gap / 2)
    searched = highs.proven(plan.x, plan.bound) or highs.run(start=plan.x)
    assert searched.solver_seconds > 0
    assert searched.objective is not None and searched.objective <= plan.objective + 1e-6
    assert searched.gap is not None and searched.gap <= gap / 2
    # never taken as the answer, however wide the gap: a start with an integer column not
    # whole, a row broken, a value missing, a bound above the plan; the plan itself is
    highs.h.setOptionValue("mip_rel_gap", 1.0)
    fractional = plan.x.copy()
    fractional[np.flatnonzero(highs.integer)[0]] += 0.3
    assert highs.proven(fractional, plan.bound) is None
    broken = plan.x.copy()
    order = highs.lin.columns["order"].start
    broken[order] += 1e6  # an order far beyond its capacity (and its column bound)
    assert highs.proven(broken, plan.bound) is None
    # an equality row off by 1e-3 (HiGHS's check is absolute: 1e-7)
    lin = highs.lin
    a = lin.matrix().tocsr()
    lower, upper = np.asarray(lin.row_lower), np.asarray(lin.row_upper)

    def movable(r: int) -> list[int]:
        """Row r's continuous columns with a coefficient of at least 1."""
        lo, hi = a.indptr[r], a.indptr[r + 1]
        cols, coefs = a.indices[lo:hi], a.data[lo:hi]
        return [
            int(j) for j, v in zip(cols, coefs, strict=True) if not highs.integer[j] and abs(v) >= 1
        ]

    row = next(r for r in np.flatnonzero(lower == upper) if movable(int(r)))
    col = movable(int(row))[0]
    off = plan.x.copy()
    off[col] += 1e-3
    assert highs.proven(off, plan.bound) is None
    missing = plan.x.copy()
    missing[-1] = np.nan
    assert highs.proven(missing, plan.bound) is None
    assert highs.proven(plan.x, plan.objective * 1.01) is None
    assert highs.proven(plan.x, plan.bound) is not None


def test_repaired_plan_keeps_the_decisions_and_meets_new_numbers() -> None:
    """The base plan's integer decisions, re-solved for a variant with other capacities
    and demands (each scaled by 0.85-1.15), form a feasible plan of the variant."""
    base, _ = _stage(generate("S", "mip"))
    base.h.setOptionValue("mip_rel_gap", 1e-2)
    base.run()
    assert base.x is not None
    other, _ = _stage(aggregate.validate(variant(generate_raw("S", "mip"), 3)))
    plan = repaired(other, base.x)
    _assert_feasible(other, plan)
    assert plan.x is not None
    assert np.array_equal(plan.x[other.integer], np.round(base.x[other.integer]))


def _count_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count HiGHS runs made by :class:`HighsModel` (one entry per run)."""
    from aggregate.model import highs as module

    runs: list[int] = []
    real = module.run_highs

    def counted(h: Any) -> None:
        runs.append(1)
        real(h)

    monkeypatch.setattr(module, "run_highs", counted)
    return runs


def test_a_start_that_ends_optimal_is_run_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A MIP run from a start that ends optimal is not run again: the retry without the
    start is only for HiGHS's "Solve error" (it re-ran every optimal run with a start, the
    ammunition scenario's cost stage 6.6 s + 10.9 s)."""
    highs, _ = _stage(generate("S", "mip"))
    plan = first_plan(highs)
    runs = _count_runs(monkeypatch)
    out = highs.run(start=plan.x)
    assert out.status.value == "optimal" and len(runs) == 1


def test_a_start_that_ends_in_an_error_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where HiGHS ends a run from a start in an error, the stage runs once more without
    the start (here the first run's outcome is made an error)."""
    from aggregate.model import highs as module
    from aggregate.status import Outcome, SolveStatus

    highs, _ = _stage(generate("S", "mip"))
    plan = first_plan(highs)
    runs = _count_runs(monkeypatch)
    real = module.read_highs

    def failing_once(h: Any, seconds: float = 0.0, mip: bool | None = None) -> Outcome:
        if len(runs) == 1:
            return Outcome(SolveStatus.ERROR, "solver ended: kSolveError")
        return real(h, seconds, mip)

    monkeypatch.setattr(module, "read_highs", failing_once)
    out = highs.run(start=plan.x)
    assert len(runs) == 2 and out.status.value == "optimal"


def test_the_cost_stage_takes_the_heuristics_plan_only_where_proven() -> None:
    """mip-S's (seed 1) cost stage (needs capped at the needs stage's optimum) starts from
    the needs stage's plan (cost 14.42m). :func:`better_start` gives the heuristic's bound
    (its relaxation's optimum, 12.18m: no plan costs less) and keeps the needs plan as the
    start unless the heuristic's plan (14.20m) costs less and is within the gap of that
    bound (14%): at a 1e-6 gap the needs plan, at a gap of 1 the heuristic's plan."""
    sc = generate("S", "mip", seed=1)
    highs, model = _stage(sc, "needs_first")
    highs.h.setOptionValue("mip_rel_gap", 1e-6)
    needs = highs.run()
    assert needs.objective is not None and highs.x is not None
    needs_plan = highs.x.copy()
    lin = highs.lin
    assert lin.needs is not None
    highs.set_cap(lin.needs, needs_cap_bound(needs.objective, prepare(sc).needs_tolerance))
    model.needs_obj.deactivate()
    model.cost_obj.activate()
    highs.set_cost(objective_of(model, lin))
    fresh = first_plan(highs)
    assert fresh.objective is not None and fresh.bound is not None
    assert fresh.objective < float(highs.cost @ needs_plan)
    kept = better_start(highs, needs_plan)
    assert kept.x is needs_plan and kept.bound == pytest.approx(fresh.bound, rel=1e-9)
    highs.h.setOptionValue("mip_rel_gap", 1.0)
    taken = better_start(highs, needs_plan)
    _assert_feasible(highs, taken)
    assert taken.objective == pytest.approx(fresh.objective, rel=1e-9)
    highs.h.setOptionValue("mip_rel_gap", 1e-6)
    best = highs.run()
    assert best.objective is not None
    assert fresh.bound <= best.objective * (1 + 1e-6) <= fresh.objective * (1 + 2e-6)


def _objective(sol: Solution) -> tuple[float, ...]:
    assert sol.status.has_plan, sol.message
    return objective_value(sol)


def _close(a: tuple[float, ...], b: tuple[float, ...], gap: float) -> None:
    for x, y in zip(a, b, strict=True):
        assert abs(x - y) <= gap * max(abs(x), abs(y)) + 1e-6, (a, b)


@pytest.mark.parametrize("objective", ["weighted", "needs_first"])
def test_same_optimum_with_and_without_the_first_plan(objective: str, solve_verified) -> None:
    sc = generate("S", "mip", objective=objective)
    gap = 1e-6
    with_plan = solve_verified(_with(sc, first_plan="heuristic", mip_gap=gap))
    without = solve_verified(_with(sc, first_plan="none", mip_gap=gap))
    assert with_plan.timings["first_plan"] > 0
    assert without.timings.get("first_plan", 0.0) == 0.0
    _close(_objective(with_plan), _objective(without), 2 * gap)


@pytest.mark.parametrize(
    "name", sorted(p.name for p in CASES.iterdir() if (p / "scenario.yaml").is_file())
)
def test_hand_cases_same_optimum(name: str) -> None:
    sc = aggregate.load(CASES / name / "scenario.yaml")
    with_plan = aggregate.solve(_with(sc, first_plan="heuristic"))
    without = aggregate.solve(_with(sc, first_plan="none"))
    assert with_plan.status == without.status
    if with_plan.status.has_plan:
        for sol in (with_plan, without):
            assert aggregate.verify(sc, sol).ok
        _close(_objective(with_plan), _objective(without), 2 * sc.settings.mip_gap)


@pytest.mark.parametrize("objective", ["weighted", "needs_first"])
def test_warm_resolves_match_cold_solves(objective: str) -> None:
    """A resolver with the first plan solving variants one after another (each starting
    from the previous plan, its relaxations from the previous bases) reaches what a fresh
    solve of each without it reaches, within the gap."""
    raw = copy.deepcopy(generate_raw("S", "mip", objective=objective))
    gap = 1e-3
    raw["settings"]["mip_gap"] = gap
    variants = [aggregate.validate(variant(raw, seed)) for seed in range(3)]
    resolver = Resolver(_with(variants[0], first_plan="heuristic"))
    for sc in variants:
        warm = resolver.solve(sc)
        cold = aggregate.solve(sc)
        for sol in (warm, cold):
            assert aggregate.verify(sc, sol).ok
        _close(_objective(warm), _objective(cold), 2 * gap)
    assert resolver.reuses == len(variants) - 1
    assert resolver.previous is not None
    # one basis per stage: the first stage's relaxation without the cap's row, the cost
    # stage's with it; a needs_first re-solve's needs stage keeps that row, freed
    rows = resolver.lin.nrows
    stages = {(rows, False)}
    if objective == "needs_first":
        stages |= {(rows + 1, False), (rows + 1, True)}
    assert set(resolver.highs.relaxation_bases) == stages


def test_fallback_where_the_rounding_admits_no_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every yes/no column at 1 (every tier of a contract at once) breaks ``tier_choice``;
    the fallback still finds a feasible plan."""
    from aggregate.model import heuristic

    monkeypatch.setattr(
        heuristic, "_round_binaries", lambda x, cols: np.ones(len(cols.binary), dtype=float)
    )
    highs, _ = _stage(generate("S", "mip"))
    plan = first_plan(highs)
    assert "rounded decisions infeasible" in plan.steps
    assert plan.steps[-1] == "fallback: a plan"
    _assert_feasible(highs, plan)


def test_a_count_bounded_by_one_is_not_rounded_as_yes_no() -> None:
    """eda-S has offers whose capacity holds one lot a period (a ``lots`` column bounded by
    1): such a column is a count, chosen whole by the last step, never rounded up to 1 where
    the relaxation takes any of it (which overran the capacity: eda-L got no plan)."""
    from aggregate.model.heuristic import _columns, _Lp

    highs, _ = _stage(generate("S", "eda"))
    lots = highs.lin.columns["lots"]
    one = [
        j for j in range(lots.start, lots.stop) if highs.lin.col_upper[j] <= 1 and highs.integer[j]
    ]
    assert one, "the case needs lots columns bounded by 1"
    cols = _columns(highs, _Lp(highs, float("inf")))
    assert not set(one) & set(cols.binary.tolist())
    assert set(one) <= set(cols.general.tolist())
    _assert_feasible(highs, first_plan(highs))


def test_no_first_plan_under_a_very_short_time_limit() -> None:
    """Below MIN_BUDGET of budget the heuristic is not tried (its own set-up would take the
    time HiGHS's root heuristics need), and the plan comes from HiGHS alone."""
    from aggregate.model.heuristic import BUDGET_SHARE, MIN_BUDGET, start_plan

    highs, _ = _stage(generate("S", "mip"))
    skipped = start_plan(highs, 0.99 * MIN_BUDGET / BUDGET_SHARE)
    assert skipped.x is None and skipped.seconds == 0.0
    assert start_plan(highs, 100.0).x is not None


def test_whole_values_are_first_sought_near_the_relaxation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The last step first keeps every whole-valued column between the whole numbers either
    side of its re-solved relaxation value (a far smaller search: eda-L's full search found
    nothing); the columns' bounds are as before afterwards. Where that neighbourhood has no
    plan, the small MIP over the full ranges is tried."""
    from aggregate.model import heuristic

    highs, _ = _stage(generate("S", "eda"))
    plan = first_plan(highs)
    assert plan.steps[-1] == "whole values near the relaxation by a small MIP", plan.steps
    _assert_feasible(highs, plan)

    seen: list[tuple[np.ndarray, np.ndarray]] = []
    whole = heuristic._Lp._whole

    def watch(lp: Any, idx: np.ndarray, start: Any = None) -> Any:
        got = lp.h.getLp()
        seen.append((np.asarray(got.col_lower_)[idx], np.asarray(got.col_upper_)[idx]))
        return whole(lp, idx, start)

    monkeypatch.setattr(heuristic._Lp, "_whole", watch)
    lp = heuristic._Lp(highs, float("inf"))
    before = (lp.lower.copy(), lp.upper.copy())
    cols = np.flatnonzero(highs.integer)
    near = np.full(len(cols), 0.5)
    lp.solve_whole(cols, near=near)  # a plan or none: the bounds come back either way
    low, high = seen[-1]
    assert np.all(high - low <= 1.0) and np.all(low >= before[0][cols])
    after = lp.h.getLp()
    assert np.array_equal(np.asarray(after.col_lower_), before[0])
    assert np.array_equal(np.asarray(after.col_upper_), before[1])

    def nothing_near(
        lp: Any, cols: np.ndarray, near: np.ndarray | None = None, start: Any = None
    ) -> Any:
        return None if near is not None else lp._whole(cols.astype(np.int32))

    monkeypatch.setattr(heuristic._Lp, "solve_whole", nothing_near)
    wide = first_plan(_stage(generate("S", "eda"))[0])
    assert wide.steps[-1] == "whole values by a small MIP", wide.steps
    _assert_feasible(highs, wide)


def test_whole_values_rounded_to_nearest_where_that_is_within_the_gap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the lots at the whole numbers nearest the re-solved relaxation leave a plan
    within the stage's gap of the relaxation, that is the plan, proven without a search:
    one linear solve and no small MIP (mip-M at a 1% gap). At a 1e-6 gap it is not, and
    the small MIP near the relaxation runs."""
    from aggregate.model import heuristic

    calls: list[int] = []
    real = heuristic._Lp.solve_whole

    def counted(lp: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(lp, *args, **kwargs)

    monkeypatch.setattr(heuristic._Lp, "solve_whole", counted)
    highs, _ = _stage(generate("M", "mip"))
    highs.h.setOptionValue("mip_rel_gap", 1e-2)
    plan = first_plan(highs)
    assert plan.steps[-1] == "whole values rounded to nearest" and calls == [], plan.steps
    _assert_feasible(highs, plan)
    assert plan.bound is not None and highs.proven(plan.x, plan.bound) is not None  # type: ignore[arg-type]
    tight, _ = _stage(generate("M", "mip"))
    exact = first_plan(tight)
    assert exact.steps[-1] == "whole values near the relaxation by a small MIP", exact.steps
    assert calls == [1]
    _assert_feasible(tight, exact)


def test_no_repair_where_the_heuristics_plan_is_within_the_gap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A re-solve's first stage tries the previous plan's decisions only where the
    heuristic's plan is not already within the gap of the relaxation (nothing could be
    proven better)."""
    from aggregate.model import heuristic

    tried: list[int] = []
    real = heuristic.repaired

    def counted(*args: Any, **kwargs: Any) -> FirstPlan:
        tried.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(heuristic, "repaired", counted)
    highs, _ = _stage(generate("M", "mip"))
    highs.h.setOptionValue("mip_rel_gap", 1e-2)
    highs.run()
    assert highs.x is not None
    previous = highs.x.copy()
    plan = heuristic.start_plan(highs, previous=previous)
    assert tried == [] and plan.objective is not None and plan.bound is not None
    assert highs.within_gap(plan.objective, plan.bound)
    highs.h.setOptionValue("mip_rel_gap", 1e-9)
    again = heuristic.start_plan(highs, previous=previous)
    assert tried == [1] and again.x is not None
    _assert_feasible(highs, again)


def test_no_time_left_for_a_search_keeps_the_first_plan(
    monkeypatch: pytest.MonkeyPatch, solve_verified
) -> None:
    """Where HiGHS's root would not fit in the time the heuristic leaves (ROOT_FACTOR times
    the relaxation: eda-L's root ran 240 s past a 75 s limit), the heuristic takes the whole
    time limit and its plan is the stage's answer with status ``time_limit`` and the
    relaxation's optimum as the bound: a verified plan with its gap, no HiGHS run. mip-S's
    first plan is 7% above its relaxation, so it is never proven at a 1e-6 gap; a huge
    ROOT_FACTOR stands in for a model whose root is slow."""
    from aggregate.model import heuristic

    monkeypatch.setattr(heuristic, "ROOT_FACTOR", 1e9)
    monkeypatch.setattr(heuristic, "SLOW_RELAXATION", 0.0)
    highs, _ = _stage(generate("S", "mip"))
    plan = heuristic.stage_start(highs, 100.0, first=True)
    assert plan is not None and plan.answer is not None and plan.x is not None
    assert "all the time limit: too short for HiGHS's root" in plan.steps
    answer = plan.answer
    assert answer.status.value == "time_limit" and answer.has_solution
    assert "HiGHS's root would take" in answer.message
    assert (answer.nodes, answer.solver_seconds) == (0, 0.0)
    assert answer.objective == pytest.approx(plan.objective, rel=1e-12)
    assert answer.bound == plan.bound and answer.gap is not None and answer.gap > 0.01
    assert highs.x is not None and np.array_equal(highs.x, plan.x)
    # without a time limit there is always time for the search
    unlimited = heuristic.stage_start(highs, None, first=True)
    assert unlimited is not None and unlimited.answer is None
    assert "all the time limit: too short for HiGHS's root" not in unlimited.steps
    # with the measured factor mip-S's root fits easily: HiGHS searches
    monkeypatch.setattr(heuristic, "ROOT_FACTOR", 30.0)
    fits = heuristic.stage_start(highs, 100.0, first=True)
    assert fits is not None and fits.answer is None
    # and a quick relaxation never counts as a slow root, however short the limit
    monkeypatch.setattr(heuristic, "ROOT_FACTOR", 1e9)
    monkeypatch.setattr(heuristic, "SLOW_RELAXATION", 4.0)
    quick = heuristic.stage_start(highs, 2.0, first=True)
    assert quick is not None and quick.answer is None
    monkeypatch.setattr(heuristic, "SLOW_RELAXATION", 0.0)
    # through the public route: the plan is verified and the status says it is not proven
    monkeypatch.setattr(heuristic, "ROOT_FACTOR", 1e9)
    sc = _with(generate("S", "mip"), first_plan="heuristic", time_limit=100.0)
    sol = solve_verified(sc)
    assert sol.status.value == "time_limit" and sol.gap is not None and sol.gap > 0.01
    assert "HiGHS's root would take" in sol.message


def test_a_later_stage_with_no_time_for_a_search_keeps_the_cheaper_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A later stage (the cost stage) starts from a given plan; where no search follows
    (HiGHS's root would not fit), the heuristic's own plan is the answer where it costs
    less, proven or not (it was the given start before: the cost stage reported the needs
    stage's plan, 4.4% worse on mip-M). The given start here is a plan of the same rows
    found with every cost at 0, which costs more than the heuristic's."""
    from aggregate.model import heuristic

    highs, _ = _stage(generate("S", "mip"))
    other = HighsModel(highs.lin)
    other.set_cost(np.zeros(highs.lin.ncols))
    assert other.run().has_solution and other.x is not None
    given = other.x
    given_cost = float(highs.cost @ given)
    fresh = first_plan(highs)
    assert fresh.objective is not None and fresh.objective < given_cost
    monkeypatch.setattr(heuristic, "ROOT_FACTOR", 1e9)
    monkeypatch.setattr(heuristic, "SLOW_RELAXATION", 0.0)
    plan = heuristic.stage_start(highs, 100.0, given, first=False)
    assert plan is not None and plan.answer is not None and plan.x is not None
    assert plan.answer.status.value == "time_limit"
    assert plan.cheaper is not None and np.array_equal(plan.x, plan.cheaper)
    assert plan.answer.objective is not None and plan.answer.objective < given_cost
    assert plan.objective == plan.answer.objective
    assert highs.x is not None and np.array_equal(highs.x, plan.x)
    # with time for a search HiGHS starts from the given plan, as before
    monkeypatch.setattr(heuristic, "ROOT_FACTOR", 30.0)
    searched = heuristic.stage_start(highs, 100.0, given, first=False)
    assert searched is not None and searched.answer is None
    assert searched.x is not None and np.array_equal(searched.x, given)


def test_a_start_is_checked_within_the_rounding_of_its_row_sums() -> None:
    """A row summed in double precision is off by up to about 1e-15 of its terms'
    magnitudes (eda-L: 2.4e-7 on a fund's balance of terms near 1e9, which HiGHS, summing
    in double-double, accepts): a start that far off is still a plan; 1e4 times as far
    off it is not. (Before: refused, beyond the absolute 1e-7.)"""
    from aggregate.model.highs import SUM_NOISE

    highs, _ = _stage(generate("S", "eda"))
    plan = first_plan(highs)
    assert plan.x is not None and plan.objective is not None
    x = plan.x
    a = highs.lin.matrix().tocsc()
    size = abs(a) @ np.abs(x)
    # the continuous column whose rows have the largest sums for its coefficients (eda-S:
    # 3.2e8): moved by 0.4 of the noise allowed in each of its rows
    best = (-1, 0.0)
    for j in np.flatnonzero(~highs.integer):
        rows = a.indices[a.indptr[j] : a.indptr[j + 1]]
        coefs = np.abs(a.data[a.indptr[j] : a.indptr[j + 1]])
        if len(rows) and coefs.min() >= 1.0:
            shift = 0.4 * SUM_NOISE * size[rows].min() / coefs.max()
            if shift > best[1]:
                best = (int(j), shift)
    col, shift = best
    assert shift > 1e-7  # beyond HiGHS's absolute tolerance
    moved = x.copy()
    moved[col] += shift
    lower, upper = np.asarray(highs.lin.col_lower), np.asarray(highs.lin.col_upper)
    if moved[col] > upper[col]:
        moved[col] = x[col] - shift
    assert lower[col] <= moved[col] <= upper[col]
    assert highs.out_of_time(moved, plan.objective, 1.0) is not None
    far = x.copy()
    far[col] += (1 if moved[col] > x[col] else -1) * 1e4 * shift
    assert highs.out_of_time(far, plan.objective, 1.0) is None
