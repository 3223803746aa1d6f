"""The order of a scenario's lists cannot change the model: the same scenario with every list
and mapping shuffled builds the very same matrix, bounds and objective, column for column
(aggregate.schema.canonical). HiGHS then follows the same path, so the plan is the same too
(solved plans across list orders and thread counts: tests/test_payers.py)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import aggregate
from aggregate.data import prepare
from aggregate.model import build_model
from aggregate.model.linear import linear
from aggregate.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(ROOT.glob("models/*/scenario.yaml")) + sorted(
    ROOT.glob("models/teaching/*/scenario.yaml")
)
KEEP = {"periods", "tiers", "ramp", "sources"}
"""Lists whose order means something (time, volume tiers, a ramp's shares, prose)."""


def _shuffled(value: Any, rng: random.Random | None, field: str = "") -> Any:
    """``value`` with its lists and mappings in a random order (reversed without ``rng``)."""

    def permute(seq: list[Any]) -> list[Any]:
        if rng is None:
            return seq[::-1]
        rng.shuffle(seq)
        return seq

    if isinstance(value, dict):
        return {k: _shuffled(value[k], rng, k) for k in permute(list(value))}
    if isinstance(value, list):
        items = [_shuffled(v, rng) for v in value]
        return items if field in KEEP else permute(items)
    return value


def _fingerprint(scenario: Scenario) -> dict[str, Any]:
    lin = linear(build_model(prepare(scenario)))
    return {
        "columns": [(b.name, b.start, list(b.keys)) for b in lin.columns.values()],
        "rows": [(b.name, b.start, list(b.keys)) for b in lin.rows.values()],
        "col_lower": np.asarray(lin.col_lower),
        "col_upper": np.asarray(lin.col_upper),
        "integer": np.asarray(lin.integer),
        "indptr": np.asarray(lin.indptr),
        "indices": np.asarray(lin.indices),
        "values": np.asarray(lin.values),
        "row_lower": np.asarray(lin.row_lower),
        "row_upper": np.asarray(lin.row_upper),
        **{f"objective {k}": v for k, v in lin.objective_terms.items()},
        "needs": lin.needs,
    }


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.parent.name)
def test_shuffled_lists_build_the_same_model(path: Path) -> None:
    scenario = aggregate.load(path)
    before = _fingerprint(scenario)
    for seed in (None, 1, 2):
        raw = _shuffled(scenario.model_dump(), None if seed is None else random.Random(seed))
        shuffled = Scenario.model_validate(raw)
        if seed is None:
            # the shuffle does something
            assert [n.code for n in shuffled.nations] == [n.code for n in scenario.nations][::-1]
        after = _fingerprint(shuffled)
        assert after.keys() == before.keys()
        for name, value in before.items():
            if isinstance(value, np.ndarray):
                np.testing.assert_array_equal(after[name], value, err_msg=f"{name} (seed {seed})")
            else:
                assert after[name] == value, f"{name} (seed {seed})"
