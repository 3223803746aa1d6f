"""Independent blocks solved apart (aggregate.model.blocks): the same plan as the whole.

The scenarios join two generated ``mip/S`` instances (seeds 0 and 1) whose ids are renamed
apart (nations ``N..`` -> ``Q..``, items, capabilities, producers, funds and the fuze
component prefixed ``x``), each fund paying only for its own instance's nations: nothing
links the two halves, so the model falls into two blocks.
"""

from __future__ import annotations

import copy
import functools
import re
import sys
from typing import Any

import numpy as np
import pytest

from aggregate import solve, verify
from aggregate.data import prepare
from aggregate.model import build_model
from aggregate.model.blocks import SMALL_BLOCK, find_blocks, join
from aggregate.model.linear import linear
from aggregate.report import solve_line
from aggregate.result import SolveStatus
from aggregate.schema import Scenario
from aggregate.status import Outcome
from aggregate.validation import validate
from benchmarks.generator import generate_raw
from tests.support import make_scenario, solved

_RENAMES = [
    (re.compile(r"\bN([A-Z]{2})\b"), r"Q\1"),
    (re.compile(r"\b(item|cap|prod|fund)(?=\d)|\bfuze(?=\b|s)"), r"x\g<0>"),
]


def _rename(value: Any) -> Any:
    """Every id in ``value`` (keys too: an item's components) renamed apart."""
    if isinstance(value, dict):
        return {_rename(k): _rename(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v) for v in value]
    if isinstance(value, str):
        for pattern, repl in _RENAMES:
            value = pattern.sub(repl, value)
    return value


def _own_funds(raw: dict[str, Any]) -> dict[str, Any]:
    """A fund without eligible beneficiaries pays for any nation: keep it to its own."""
    for fund in raw["funds"]:
        fund["eligible_beneficiaries"] = [n["code"] for n in raw["nations"]]
    return raw


@functools.cache
def _joined_raw(objective: str) -> dict[str, Any]:
    a = _own_funds(generate_raw("S", "mip", 0, objective))
    b = _own_funds(_rename(generate_raw("S", "mip", 1, objective)))
    out = copy.deepcopy(a)
    for key, value in b.items():
        if isinstance(value, list) and key not in ("periods", "sources"):
            out[key] = out.get(key, []) + value
    out["name"] = "two unrelated halves"
    out["settings"]["mip_gap"] = 1e-6
    return out


def joined(objective: str = "needs_first", **settings: Any) -> Scenario:
    raw = copy.deepcopy(_joined_raw(objective))
    raw["settings"].update(settings)
    return validate(raw)


def _blocks(sc: Scenario) -> list[Any] | None:
    lin = linear(build_model(prepare(sc)))
    return find_blocks(lin)


def test_two_unrelated_halves_are_two_blocks() -> None:
    sc = joined()
    lin = linear(build_model(prepare(sc)))
    parts = find_blocks(lin)
    assert parts is not None and len(parts) == 2
    # every column in exactly one block; no row of one block holds another block's column
    cols = np.concatenate([p.cols for p in parts])
    assert sorted(cols.tolist()) == list(range(lin.ncols))
    a = lin.matrix().tocsr()
    for p in parts:
        held = np.unique(a[p.rows].indices)
        assert np.isin(held, p.cols).all()
    # each half's nations sit in one block: the first holds no 'Q' nation's order
    order = lin.columns["order"]
    first = set(parts[0].cols.tolist())
    nations = {key[2] for j, key in enumerate(order.keys, order.start) if j in first}
    assert nations and all(n.startswith("N") for n in nations)


def test_a_shared_fund_joins_the_halves() -> None:
    raw = copy.deepcopy(_joined_raw("needs_first"))
    every = [n["code"] for n in raw["nations"]]
    raw["funds"][0]["eligible_beneficiaries"] = every  # fund0 may pay for the Q nations too
    assert _blocks(validate(raw)) is None


def test_one_block_is_not_split() -> None:
    sc = make_scenario()
    assert _blocks(sc) is None
    sol = solved(sc)
    assert "blocks" not in sol.key_figures


def _same_plan(split: Any, whole: Any, gap: float) -> None:
    """Both plans within ``gap`` of the optimum of what the solve minimises (needs first:
    the needs measure, then the total cost; weighted: cost plus penalties). Other figures
    may differ between plans that are equally good (alternative optima)."""
    kf_s, kf_w = split.key_figures, whole.key_figures
    if whole.objective == "weighted":
        pairs = [
            (kf_s["total_cost"] + kf_s["penalty_cost"], kf_w["total_cost"] + kf_w["penalty_cost"])
        ]
    else:
        pairs = [
            (kf_s["needs_objective"], kf_w["needs_objective"]),
            (kf_s["total_cost"], kf_w["total_cost"]),
        ]
    for other, value in pairs:
        assert other == pytest.approx(value, rel=2 * gap, abs=1e-6)


@pytest.mark.parametrize("objective", ["needs_first", "weighted"])
def test_split_solve_equals_whole_solve(objective: str) -> None:
    sc = joined(objective)
    split = solved(sc)
    whole = solved(joined(objective, split_blocks=False))
    assert split.key_figures["blocks"] == 2 and "blocks" not in whole.key_figures
    assert "2 independent parts solved apart" in solve_line(split)
    assert "independent" not in solve_line(whole)
    assert split.status is whole.status is SolveStatus.OPTIMAL
    _same_plan(split, whole, 1e-6)


def test_a_needs_tolerance_keeps_the_solve_whole() -> None:
    """With a tolerance the cap's slack may go to either half: the cost stage runs on the
    whole model, as the needs stage does, so nothing runs split and the plan is the
    whole's."""
    split = solved(joined(needs_tolerance=0.05))
    whole = solved(joined(needs_tolerance=0.05, split_blocks=False))
    assert "blocks" not in split.key_figures
    _same_plan(split, whole, 1e-6)


@pytest.mark.parametrize("cores", [1, 2])
@pytest.mark.parametrize("limit", [0.3, 3.0])
def test_a_time_limit_is_shared_and_reported(
    cores: int, limit: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In turn (one core) each block has its share of the time left, in threads all of it:
    either way the solve keeps to the limit and says how it ended, with a gap if stopped."""
    monkeypatch.setattr(sys.modules["aggregate.solve"], "_cores", lambda: cores)
    sc = joined("weighted", time_limit=limit)
    sol = solve(sc)
    ended = (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT, SolveStatus.TIME_LIMIT_NO_PLAN)
    assert sol.status in ended, sol.status
    if sol.status.has_plan:
        assert verify(sc, sol).ok
        assert sol.key_figures["blocks"] == 2
        assert sol.gap is not None
    # the stages' solver time within the limit, plus a second of hand-offs on a busy machine
    assert sol.timings["solve_weighted"] < limit + 1.0


def _out(status: SolveStatus, objective: float | None, bound: float | None) -> Outcome:
    return Outcome(status, "", objective, bound, 1.0, objective is not None)


def test_join_sums_and_takes_the_worst_status() -> None:
    optimal, stopped = SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT
    out = join([_out(optimal, 10.0, 10.0), _out(stopped, 30.0, 20.0)], 2.0)
    # 10 + 30 = 40 against a bound of 10 + 20 = 30: gap 10 / 40
    assert (out.status, out.objective, out.bound) == (stopped, 40.0, 30.0)
    assert out.gap == pytest.approx(0.25)
    none = join([_out(optimal, 10.0, 10.0), _out(SolveStatus.TIME_LIMIT_NO_PLAN, None, 5.0)], 1)
    assert none.status is SolveStatus.TIME_LIMIT_NO_PLAN and none.objective is None
    bad = join([_out(stopped, 1.0, 0.5), _out(SolveStatus.INFEASIBLE, None, None)], 1.0)
    assert bad.status is SolveStatus.INFEASIBLE
    assert join([_out(optimal, 1.0, 1.0), _out(optimal, 2.0, 2.0)], 1.0).ok


def test_join_keeps_every_blocks_message() -> None:
    """Two blocks stopped for different reasons both say why (a repeated message once)."""
    said = [
        Outcome(SolveStatus.TIME_LIMIT, "time limit reached", 1.0, 0.5, 1.0, True),
        Outcome(SolveStatus.OPTIMAL, "", 1.0, 1.0, 1.0, True),
        Outcome(SolveStatus.ITERATION_LIMIT, "node limit reached", 1.0, 0.5, 1.0, True),
        Outcome(SolveStatus.TIME_LIMIT, "time limit reached", 1.0, 0.5, 1.0, True),
    ]
    assert join(said, 1.0).message == "time limit reached; node limit reached"


def test_blocks_in_threads_or_in_turn_give_the_same_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each block's HiGHS runs on one thread, so which block finishes first cannot change
    the joined plan: the orders in threads are those solved one block after another."""
    driver = sys.modules["aggregate.solve"]  # the package's ``solve`` is the function
    sc = joined()
    monkeypatch.setattr(driver, "_cores", lambda: 2)
    threaded = solved(sc)
    monkeypatch.setattr(driver, "_cores", lambda: 1)
    in_turn = solved(sc)
    assert threaded.key_figures["blocks"] == in_turn.key_figures["blocks"] == 2
    a, b = threaded.tables["orders"], in_turn.tables["orders"]
    assert len(a) > 0
    assert a.reset_index(drop=True).equals(b.reset_index(drop=True))


def test_a_tiny_part_joins_the_pooled_block() -> None:
    """A third part far below SMALL_BLOCK columns (one nation buying one item from one plain
    offer: a dozen columns) is pooled in a last block, not a block of its own; the solve
    still equals the whole."""
    raw = copy.deepcopy(_joined_raw("needs_first"))
    raw["nations"].append({"code": "ZZA", "name": "Linear"})
    raw["items"].append({"id": "plain"})
    raw["capabilities"].append({"id": "plain-cap", "satisfied_by": [{"item": "plain"}]})
    raw["demands"].append(
        {"id": "d-plain", "nation": "ZZA", "capability": "plain-cap", "period": "T02",
         "quantity": 40.0}
    )  # fmt: skip
    raw["producers"].append(
        {"id": "plainco", "country": "ZZA",
         "offers": [{"item": "plain", "capacity": 30.0, "price": 10.0}]}
    )  # fmt: skip
    sc = validate(raw)
    lin = linear(build_model(prepare(sc)))
    parts = find_blocks(lin)
    assert parts is not None and len(parts) == 3
    # the pooled last block holds the tiny part's orders, and only those
    order = lin.columns["order"]
    rest = set(parts[-1].cols.tolist())
    plain = [j for j, key in enumerate(order.keys, order.start) if key[0] == "plainco"]
    assert plain and set(plain) <= rest and len(rest) < SMALL_BLOCK
    split = solved(sc)
    whole = solved(validate({**raw, "settings": {**raw["settings"], "split_blocks": False}}))
    _same_plan(split, whole, 1e-6)


def test_inactive_rows_link_nothing() -> None:
    """With the second half's rows inactive its columns are in no row: they join the pooled
    block as columns of their own, which leaves one block with rows, so no split."""
    lin = linear(build_model(prepare(joined())))
    parts = find_blocks(lin)
    assert parts is not None
    active = np.ones(lin.nrows, dtype=bool)
    active[parts[1].rows] = False
    assert find_blocks(lin, active) is None
    # one inactive row of the first half can only cut it further: never fewer blocks
    active = np.ones(lin.nrows, dtype=bool)
    active[parts[0].rows[0]] = False
    again = find_blocks(lin, active)
    assert again is not None and len(again) >= 2


@pytest.mark.parametrize("first_plan", ["heuristic", "none"])
def test_split_parts_start_from_the_first_plan_setting(
    first_plan: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # weighted: the one stage runs split, so each part's search starts from the heuristic's
    # plan of that part (or from none), and the time it took is reported
    import aggregate.model.heuristic as heuristic

    columns: list[int] = []
    real = heuristic.first_plan

    def counted(model: Any, *args: Any, **kwargs: Any) -> Any:
        columns.append(model.lin.ncols)
        return real(model, *args, **kwargs)

    monkeypatch.setattr(heuristic, "first_plan", counted)
    sc = joined("weighted", first_plan=first_plan)
    sol = solved(sc)
    assert sol.key_figures["blocks"] == 2
    parts = _blocks(sc)
    assert parts is not None
    if first_plan == "heuristic":
        assert sorted(columns) == sorted(len(p.cols) for p in parts)
        assert sol.timings["first_plan"] > 0
    else:
        assert columns == []
        assert sol.timings["first_plan"] == 0.0


def test_the_whole_needs_stage_reports_its_first_plan_time() -> None:
    sol = solved(joined("needs_first", first_plan="heuristic"))
    assert sol.key_figures["blocks"] == 2  # the cost stage ran split, the needs stage whole
    assert sol.timings["first_plan"] > 0
