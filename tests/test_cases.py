"""Hand-computed cases, kept as data: one folder per case under ``tests/cases/``.

Each folder holds ``scenario.yaml`` (read by :func:`aggregate.load`), ``expected.yaml``
(what the plan must show) and ``README.md`` (where every expected number comes from, worked
out by hand). This one test loads each scenario, solves it once per run listed in
``expected.yaml``, runs the independent verifier on every plan and asserts every expected
value; a run without a plan must have no tables. ``expected.yaml``::

    tolerance: {rel: 1.0e-6, abs: 1.0e-12}  # for every number (as pytest.approx)
    runs:
      - solve: {objective: weighted}        # options for aggregate.solve ({}: the file's)
        status: optimal                      # optional; without it the run must have a plan
        key_figures: {short: 10, total_cost: 0}
        tables:                              # checks on the plan's tables
          orders:
            - {column: quantity, sum: 30}                  # sum of a column
            - {column: item, set: [caesar]}                # its distinct values
            - {column: order_period, values: [P1]}         # its values in row order
            - {column: tier, sorted: [0, 0]}               # its values sorted
            - {rows: 1}                                    # number of rows
            - {column: amount, where: {nation: DEU}, sum: 750}  # on the matching rows
      - compare: {}                          # pooled against going alone (aggregate.compare)
        pooled: {key_figures: ..., tables: ...}
        alone: {key_figures: ..., tables: ...}
        totals: {value_cost: 240}
        by_nation: [{column: value_cost, where: {nation: EST}, sum: 120}]

Unknown keys are errors, so that a misspelt check cannot pass by checking nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import aggregate
from aggregate.result import Solution, SolveStatus
from aggregate.schema import Scenario

CASES = Path(__file__).resolve().parent / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if (p / "scenario.yaml").is_file())

PLAN_KEYS = {"status", "key_figures", "tables"}
COMPARE_KEYS = {"compare", "pooled", "alone", "totals", "by_nation"}
CHECK_KEYS = {"column", "where", "sum", "set", "values", "sorted", "rows"}


def _approx(expected: float, tolerance: dict[str, float]) -> Any:
    """``pytest.approx`` with the case's tolerance."""
    _known(f"tolerance {tolerance}", tolerance, {"rel", "abs"})
    return pytest.approx(expected, rel=tolerance.get("rel"), abs=tolerance.get("abs"))


def _known(where: str, given: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(given) - allowed
    assert not unknown, f"{where}: unknown keys {sorted(unknown)}; allowed {sorted(allowed)}"


def _check_frame(where: str, frame: pd.DataFrame, check: dict[str, Any], tol: dict) -> None:
    """Assert one check on a table (see the module docstring)."""
    _known(where, check, CHECK_KEYS)
    rows = frame
    for column, value in check.get("where", {}).items():
        rows = rows[rows[column] == value]
    assert "where" not in check or len(rows), f"{where}: no row matches {check['where']}"
    kinds = [k for k in ("sum", "set", "values", "sorted", "rows") if k in check]
    assert len(kinds) == 1, f"{where}: give exactly one of sum, set, values, sorted, rows"
    kind, expected = kinds[0], check[kinds[0]]
    if kind == "rows":
        assert len(rows) == expected, f"{where}: {len(rows)} rows, expected {expected}"
        return
    got = rows[check["column"]]
    if kind == "sum":
        assert got.sum() == _approx(expected, tol), f"{where}: {check}, got {got.sum()}"
    elif kind == "set":
        assert set(got) == set(expected), f"{where}: {set(got)} != {set(expected)}"
    elif kind == "values":
        assert _same(got.tolist(), expected, tol), f"{where}: {got.tolist()} != {expected}"
    else:
        assert _same(sorted(got), expected, tol), f"{where}: {sorted(got)} != {expected}"


def _same(got: list[Any], expected: list[Any], tol: dict[str, float]) -> bool:
    """Equal lists: numbers within the tolerance, anything else exactly."""
    return len(got) == len(expected) and all(
        _equal(g, e, tol) for g, e in zip(got, expected, strict=True)
    )


def _equal(got: Any, expected: Any, tol: dict[str, float]) -> bool:
    """A number within the tolerance, anything else (text, a status) exactly."""
    numeric = isinstance(expected, (int, float)) and not isinstance(expected, bool)
    return bool(got == (_approx(expected, tol) if numeric else expected))


def _check_plan(where: str, sc: Scenario, plan: Solution, spec: dict, tol: dict) -> None:
    """Status, the independent verifier, key figures and tables of one plan."""
    if "status" in spec:
        assert plan.status is SolveStatus(spec["status"]), f"{where}: {plan.status}"
    else:
        assert plan.status.has_plan, f"{where}: {plan.status} {plan.message}"
    if plan.status.has_plan:
        check = aggregate.verify(sc, plan)
        assert check.ok, f"{where}: the verifier rejects the plan\n{check}"
    else:
        assert plan.tables == {}, f"{where}: a run without a plan has tables"
    for name, expected in spec.get("key_figures", {}).items():
        got = plan.key_figures[name]
        assert _equal(got, expected, tol), f"{where}: {name} = {got}, expected {expected}"
    for table, checks in spec.get("tables", {}).items():
        for check in checks:
            _check_frame(f"{where} {table}", plan.tables[table], check, tol)


def _run(where: str, sc: Scenario, run: dict[str, Any], tol: dict[str, float]) -> None:
    """Solve (or compare) once and check what the run expects."""
    assert set(run) - {"solve", "compare"}, f"{where}: the run expects nothing"
    if "compare" not in run:
        _known(where, run, PLAN_KEYS | {"solve"})
        _check_plan(where, sc, aggregate.solve(sc, **run.get("solve", {})), run, tol)
        return
    _known(where, run, COMPARE_KEYS)
    cmp = aggregate.compare(sc, **run["compare"])
    for side in ("pooled", "alone"):
        spec = run.get(side, {})
        _known(f"{where} {side}", spec, PLAN_KEYS)
        _check_plan(f"{where} {side}", sc, getattr(cmp, side), spec, tol)
    for name, expected in run.get("totals", {}).items():
        got = cmp.totals[name]
        assert _equal(got, expected, tol), f"{where}: {name} = {got}, expected {expected}"
    for check in run.get("by_nation", []):
        _check_frame(f"{where} by_nation", cmp.by_nation, check, tol)


def test_every_case_is_complete() -> None:
    assert len(NAMES) >= 14, NAMES
    for name in NAMES:
        for file in ("expected.yaml", "README.md"):
            assert (CASES / name / file).is_file(), f"tests/cases/{name}/{file} is missing"


@pytest.mark.parametrize("name", NAMES)
def test_case(name: str) -> None:
    folder = CASES / name
    expected = yaml.safe_load((folder / "expected.yaml").read_text())
    _known(f"{name}/expected.yaml", expected, {"tolerance", "runs"})
    scenario = aggregate.load(folder / "scenario.yaml")
    tolerance = expected.get("tolerance", {"rel": 1e-6, "abs": 1e-12})
    assert expected["runs"], f"{name}: expected.yaml lists no run"
    for number, run in enumerate(expected["runs"], 1):
        _run(f"{name} run {number}", scenario, run, tolerance)
