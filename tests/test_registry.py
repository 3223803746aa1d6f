"""The rule registry: every family declared with all its parts, docs fresh, golden rows.

- Completeness: every row family the model writes (library scenarios, the golden scenario
  that uses every feature) is declared in ``aggregate/model/registry.py``, and every
  declaration has its maths, builder, verifier checks and (for rules) an explanation.
- Docs: docs/model.md is what ``python -m aggregate.model.docs`` writes.
- Golden rows: the rows of ``tests/golden/scenario.yaml``, one file per family under
  ``tests/golden/rows/``; a change in any row's maths shows as a diff. After an intended
  change, rewrite them with ``AGGREGATE_UPDATE_GOLDEN=1 pytest tests/test_registry.py``
  and review the diff.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from aggregate import load, solve
from aggregate.data import ModelData, prepare
from aggregate.explain.rules import Namer, context, describe, pledge_rule
from aggregate.model import CONSTRAINTS, build_model, participation
from aggregate.model.docs import DOCS, REGENERATE, render
from aggregate.model.linear import LinearModel, linear
from aggregate.model.registry import FAMILIES, ROW_FAMILIES, Family
from aggregate.schema import Scenario
from aggregate.verify import RULES

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SCENARIO = GOLDEN / "scenario.yaml"
ROWS = GOLDEN / "rows"
UPDATE = os.environ.get("AGGREGATE_UPDATE_GOLDEN") == "1"

LIBRARY = sorted(ROOT.glob("models/**/scenario.yaml"))
EVERY_FEATURE = [SCENARIO, *sorted((ROOT / "tests" / "data").glob("tiny.yaml"))]


@cache
def built(path: Path, pooled: bool = True) -> tuple[Scenario, ModelData, LinearModel]:
    scenario = load(path)
    data = prepare(scenario, pooled=pooled)
    if pooled and scenario.settings.participation == "no_worse_than_alone":
        # the participation rule's bounds come from the going-alone plan, as aggregate.solve
        data.alone_short, data.alone_spent = participation.bounds(
            solve(scenario, baseline=True).tables
        )
    return scenario, data, linear(build_model(data))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- completeness ----------------------------------------------------------------------


@pytest.mark.parametrize("pooled", [True, False], ids=["pooled", "alone"])
@pytest.mark.parametrize("path", LIBRARY + EVERY_FEATURE, ids=_name)
def test_every_written_family_is_declared(path: Path, pooled: bool) -> None:
    _, _, lin = built(path, pooled)
    undeclared = [name for name in lin.rows if name not in ROW_FAMILIES]
    assert not undeclared, (
        f"{_name(path)} writes rows of {undeclared}, not declared in "
        "aggregate/model/declared/: add a Family (builder, docs section, index, verify "
        "checks, kind, RuleSpec for a rule)"
    )


def test_the_golden_scenario_writes_every_family() -> None:
    _, _, lin = built(SCENARIO)
    silent = [name for name in ROW_FAMILIES if not lin.rows.get(name) or not lin.rows[name].keys]
    assert not silent, (
        f"tests/golden/scenario.yaml writes no row of {silent}: extend it so every declared "
        "family has golden rows"
    )


def test_the_model_builds_exactly_the_declared_families_in_order() -> None:
    assert list(FAMILIES.values()) == CONSTRAINTS
    _, _, lin = built(SCENARIO)
    assert list(lin.rows) == list(ROW_FAMILIES)


@pytest.mark.parametrize("family", FAMILIES.values(), ids=lambda f: f.name)
def test_every_declaration_has_its_parts(family: Family) -> None:
    name = family.name
    assert ":math:`" in family.maths, (
        f"{name}: the builder {family.builder.__module__}.{name} needs its maths in the "
        "docstring (a summary line, then :math:`...`)"
    )
    assert family.maths.splitlines()[0].strip(), f"{name}: the docstring needs a summary line"
    assert family.verify, f"{name}: name the aggregate.verify check(s) that re-check it"
    unknown = [v for v in family.verify if v not in RULES]
    assert not unknown, f"{name}: verify checks {unknown} are not keys of aggregate.verify.RULES"
    assert family.index, f"{name}: name the parts of its index"
    if family.kind == "rule" and family.rows:
        assert family.rule is not None, f"{name}: a rule needs a RuleSpec (entry, field, relax)"
        assert family.rule.entry and family.rule.field and family.rule.subject


@pytest.mark.parametrize("pooled", [True, False], ids=["pooled", "alone"])
@pytest.mark.parametrize("family", FAMILIES.values(), ids=lambda f: f.name)
def test_every_rule_is_explained(family: Family, pooled: bool) -> None:
    scenario, data, lin = built(SCENARIO, pooled)
    nm = Namer(scenario, data)
    if family.kind == "rule" and not family.rows:
        if not pooled:
            return  # going alone, no fund
        fund = next(iter(f for f, x in data.funds.items() if x.key is None))
        member = data.funds[fund].members[0]
        assert pledge_rule(fund, member, "min", nm).family == family.name
        return
    for key in lin.rows[family.name].keys:
        index = key if isinstance(key, tuple) else (key,)
        rule = describe(family.name, index, nm)
        if family.kind == "rule":
            assert rule is not None, f"{family.name}{list(index)}: describe gives no rule"
            assert rule.entry and "{" not in rule.entry + rule.field + rule.subject + rule.unit
            assert rule.relax in ("raise", "lower", "widen")
        else:
            assert rule is None, f"{family.name} is a {family.kind}, not a rule"
            assert context(family.name, index, nm)


def test_context_labels_periods_by_the_declared_index() -> None:
    scenario, data, _ = built(SCENARIO)
    nm = Namer(scenario, data)
    # the last part is a tier, not a period
    label = context("order_tier_link", ("PPP", "shell", "AAA", 1, 1), nm)
    assert label == "order_tier_link[PPP, shell, AAA, P2, 1]"
    assert context("stock_balance", ("BBB", "shell", 0), nm) == "stock balance of BBB shell in P1"


def test_every_family_is_in_the_docs() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [name for name in FAMILIES if f"#### `{name}`" not in text]
    assert not missing, f"docs/model.md lacks {missing}: run {REGENERATE}"


# --- docs staleness ----------------------------------------------------------------------


def test_docs_are_generated_from_the_registry() -> None:
    assert DOCS.read_text(encoding="utf-8") == render(), (
        f"docs/model.md is stale (the registry or a builder's docstring changed): run "
        f"`{REGENERATE}` and commit docs/model.md"
    )


# --- golden rows -------------------------------------------------------------------------

# position of the period in each variable's index (periods print as labels)
PERIOD_AT = {"order": 3, "lots": 3, "delivers": -1, "build": 1, "stock": 2, "give": 3}
PERIOD_AT |= {"use": 2, "below": 2, "feed": 2, "worn": 2, "repair": 3}
PERIOD_AT |= {"fund_pays": 4, "fund_invests": 2, "paid_in": 2}


def _label(name: str, key: Any, period_at: set[int], periods: list[str]) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    n = len(parts)
    at = {p % n for p in period_at}
    # a fund without a schedule pays from one column over the horizon (period -1)
    shown = [
        (periods[int(x)] if int(x) >= 0 else "horizon") if j in at else str(x)
        for j, x in enumerate(parts)
    ]
    return f"{name}[{','.join(shown)}]"


def _number(x: float) -> str:
    return f"{x:.12g}"


def golden_rows(name: str) -> Iterator[str]:
    """The rows of family ``name`` on the golden scenario, one line each, LP-like."""
    _, data, lin = built(SCENARIO)
    periods = list(data.periods)
    columns = [
        _label(var, key, {PERIOD_AT[var]} if var in PERIOD_AT else set(), periods)
        for var, block in lin.columns.items()
        for key in block.keys
    ]
    fam = FAMILIES[name]
    block = lin.rows[name]
    for r, key in enumerate(block.keys, block.start):
        lo, hi = lin.indptr[r], lin.indptr[r + 1]
        terms = " ".join(
            f"{'+' if lin.values[p] >= 0 else '-'}{_number(abs(lin.values[p]))} "
            f"{columns[lin.indices[p]]}"
            for p in range(lo, hi)
        )
        lb, ub = lin.row_lower[r], lin.row_upper[r]
        if lb == ub:
            bound = f"= {_number(ub)}"
        elif math.isinf(lb):
            bound = f"<= {_number(ub)}"
        elif math.isinf(ub):
            bound = f">= {_number(lb)}"
        else:
            bound = f"in [{_number(lb)}, {_number(ub)}]"
        parts = fam.bind(key if isinstance(key, tuple) else (key,))
        index = ",".join(periods[int(v)] if k == "period" else str(v) for k, v in parts.items())
        yield f"{name}[{index}]: {terms or '0'} {bound}"


@pytest.mark.parametrize("name", ROW_FAMILIES)
def test_golden_rows(name: str) -> None:
    text = "\n".join(golden_rows(name)) + "\n"
    path = ROWS / f"{name}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), (
        f"no golden rows for {name}: run AGGREGATE_UPDATE_GOLDEN=1 pytest tests/test_registry.py"
    )
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"the rows of {name} changed (tests/golden/rows/{name}.txt); if intended, rewrite with "
        "AGGREGATE_UPDATE_GOLDEN=1 pytest tests/test_registry.py and review the diff"
    )


def test_no_golden_rows_of_undeclared_families() -> None:
    stale = sorted(p.stem for p in ROWS.glob("*.txt") if p.stem not in ROW_FAMILIES)
    if UPDATE:
        for stem in stale:
            (ROWS / f"{stem}.txt").unlink()
        return
    assert not stale, f"tests/golden/rows/ has files of undeclared families: {stale}"
