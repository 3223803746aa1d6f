"""Infeasibility diagnosis: a small set of conflicting rules, in the scenario's terms.

Demand has shortfall slack, so the model is infeasible only when *hard* rules conflict:
hard floors and refill targets against capacity, lead times and budgets; a fund's committed
size and contribution key against members' budgets; pledges; whole lots. :func:`diagnose`
finds a conflicting set of rules that is minimal (relaxing any one of them removes this
conflict) with a deletion filter:

1. Every rule row (and pledge bound, and lot integrality) is a *unit* that can be relaxed.
   Accounting identities (stock and fund balances, demand balance) are never relaxed.
   The big-M links ``x <= U tier`` repeat an offer's capacity, so relaxing a capacity
   also relaxes the links of that offer and period.
2. If the linear relaxation is infeasible, HiGHS's irreducible infeasible subsystem
   (``Highs.getIis``) seeds the candidates and feasibility is tested on LPs; otherwise the
   conflict needs integrality and each test is a MILP.
3. Deletion filter: relax each candidate in turn; if the rest stays infeasible it is not
   needed, otherwise it is restored. What stays is the conflict.

For each rule of the conflict, an elastic program (the whole scenario, that rule allowed to
give by a penalised slack :math:`s \\ge 0`, minimise :math:`s`) says by how much relaxing
that rule alone would make the scenario feasible (NaN when that is not enough).
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import highspy
import numpy as np
import pandas as pd

from aggregate.data import ModelData, prepare
from aggregate.explain.duals import ExplainError, drop_redundant_bounds
from aggregate.explain.matrix import (
    GE,
    INF,
    LE,
    MatrixProgram,
    compile_program,
    new_highs,
    run,
)
from aggregate.explain.rules import (
    RULE_FAMILIES,
    Namer,
    Rule,
    context,
    describe,
    lot_rule,
    pledge_rule,
)
from aggregate.model import build_model, participation
from aggregate.model import registry as reg
from aggregate.model.highs import run_highs
from aggregate.schema import Scenario
from aggregate.solve import solve

log = logging.getLogger(__name__)

CONFLICT_COLUMNS = [
    "rule",
    "entry",
    "field",
    "period",
    "relax",
    "unit",
    "limit",
    "relax_by",
    "producer",
    "item",
    "nation",
    "fund",
    "supplier",
    "sentence",
]
"""Columns of :attr:`Conflict.rules`."""

# rows that only repeat an offer's capacity through a decision (big-M links)
_CAPACITY_LINKS = (reg.ORDER_TIER_LINK, reg.DELIVERY_PERIOD_LINK, reg.TIER_VOLUME_UPPER)
# big-M links of a fund's consortium: the rule itself is consortium_lower
_SKIP_RULES = (reg.CONSORTIUM_PAYS_LINK,)


@dataclass
class Conflict:
    """A minimal set of hard rules that cannot all hold."""

    rules: pd.DataFrame
    """One row per conflicting rule; columns :data:`CONFLICT_COLUMNS`."""
    context: list[str] = field(default_factory=list)
    """Accounting rows that tie the rules together (from HiGHS's IIS, when used)."""
    method: str = ""
    """``iis`` (linear relaxation) or ``deletion filter (MILP)``."""
    currency: str = "EUR"

    def sentences(self) -> list[str]:
        """The conflict in plain words, one sentence per rule, then how to resolve it."""
        head = (
            f"These {len(self.rules)} rules cannot all hold; relaxing any one of them "
            "removes this conflict:"
        )
        return [head, *(f"- {s}" for s in self.rules.sentence)]


@dataclass
class _Unit:
    rule: Rule
    rows: list[int] = field(default_factory=list)
    """Rule rows: made elastic when valuing the relaxation."""
    links: list[int] = field(default_factory=list)
    """Rows that only repeat the rule (big-M links): dropped with it."""
    lower: list[tuple[int, float]] = field(default_factory=list)
    """(column, relaxed lower bound)."""
    upper: list[tuple[int, float]] = field(default_factory=list)
    """(column, relaxed upper bound)."""
    integers: list[int] = field(default_factory=list)
    """Columns whose integrality is the rule."""


class _Switchboard:
    """One HiGHS model whose rules can be relaxed and restored."""

    def __init__(
        self,
        program: MatrixProgram,
        units: list[_Unit],
        integer: bool,
        time_limit: float | None,
        threads: int | None,
    ) -> None:
        self.program = program
        self.units = units
        self.integer = integer
        lp = program.lp
        self.row_lower = np.asarray(lp.row_lower_, dtype=float).copy()
        self.row_upper = np.asarray(lp.row_upper_, dtype=float).copy()
        self.col_lower = np.asarray(lp.col_lower_, dtype=float).copy()
        self.col_upper = np.asarray(lp.col_upper_, dtype=float).copy()
        self.relaxed_by: dict[int, int] = defaultdict(int)  # row -> units relaxing it
        self.relaxed: set[int] = set()
        self.time_limit = time_limit
        self.threads = threads
        self.h = _feasibility_model(program, integer, time_limit, threads)
        self.solves = 0

    def relax(self, u: int) -> None:
        unit = self.units[u]
        self.relaxed.add(u)
        for r in unit.rows + unit.links:
            self.relaxed_by[r] += 1
            self.h.changeRowBounds(r, -INF, INF)
        for j, lo in unit.lower:
            self.h.changeColBounds(j, lo, self._upper(j))
        for j, hi in unit.upper:
            self.h.changeColBounds(j, self._lower(j), hi)
        if self.integer:
            for j in unit.integers:
                self.h.changeColIntegrality(j, highspy.HighsVarType.kContinuous)

    def restore(self, u: int) -> None:
        unit = self.units[u]
        self.relaxed.discard(u)
        for r in unit.rows + unit.links:
            self.relaxed_by[r] -= 1
            if self.relaxed_by[r] == 0:
                self.h.changeRowBounds(r, self.row_lower[r], self.row_upper[r])
        for j, _lo in unit.lower:
            self.h.changeColBounds(j, self._lower(j), self._upper(j))
        for j, _hi in unit.upper:
            self.h.changeColBounds(j, self._lower(j), self._upper(j))
        if self.integer:
            for j in unit.integers:
                self.h.changeColIntegrality(j, highspy.HighsVarType.kInteger)

    def _lower(self, j: int) -> float:
        return min(
            (lo for u in self.relaxed for (k, lo) in self.units[u].lower if k == j),
            default=self.col_lower[j],
        )

    def _upper(self, j: int) -> float:
        return max(
            (hi for u in self.relaxed for (k, hi) in self.units[u].upper if k == j),
            default=self.col_upper[j],
        )

    def feasible(self) -> bool:
        self.solves += 1
        self.h.clearSolver()
        result = run(self.h)
        if result.status == "infeasible":
            return False
        if result.status != "optimal":
            # undecided (time limit): keep the rule in the conflict rather than drop it
            log.warning("feasibility test ended '%s'; treating it as feasible", result.status)
        return True

    def alone(self, u: int) -> bool:
        """Whether relaxing unit ``u`` alone makes the whole model feasible."""
        self.relax(u)
        ok = self.feasible()
        self.restore(u)
        return ok

    def elastic(self, u: int) -> float:
        """Least total slack on unit ``u``'s rows that makes the whole model feasible."""
        unit = self.units[u]
        if not unit.rows:
            return math.nan
        h = _feasibility_model(self.program, self.integer, self.time_limit, self.threads)
        for r in unit.links:
            h.changeRowBounds(r, -INF, INF)
        senses = {r: s for r, (_c, s) in enumerate(self.program.rows) if r in set(unit.rows)}
        for r in unit.rows:
            if senses[r] not in (LE, GE):
                continue
            coef = -1.0 if senses[r] == LE else 1.0
            h.addCol(1.0, 0.0, INF, 1, np.array([r], dtype=np.int32), np.array([coef]))
        result = run(h)
        return (
            float(result.objective)
            if result.status == "optimal" and result.objective is not None
            else math.nan
        )


def _feasibility_model(
    program: MatrixProgram, integer: bool, time_limit: float | None, threads: int | None
) -> highspy.Highs:
    """HiGHS holding the program with no objective (and no integrality unless ``integer``)."""
    h = new_highs(time_limit, threads)
    h.passModel(program.lp)
    n = program.lp.num_col_
    if n:
        index = np.arange(n, dtype=np.int32)
        h.changeColsCost(n, index, np.zeros(n))
        if not integer and len(program.lp.integrality_):
            kinds = np.array([highspy.HighsVarType.kContinuous] * n)
            h.changeColsIntegrality(n, index, kinds)
    return h


def _units(
    program: MatrixProgram, data: ModelData, nm: Namer
) -> tuple[list[_Unit], dict[int, int]]:
    """Relaxable units of the program, and row -> unit for rule rows."""
    units: list[_Unit] = []
    by_key: dict[tuple[str, str, str, str], int] = {}
    row_unit: dict[int, int] = {}
    links: dict[tuple[str, str, int], list[int]] = defaultdict(list)  # (p, i, a) -> rows
    offer_links: dict[tuple[str, str], list[int]] = defaultdict(list)  # (p, i) -> rows

    def unit_for(rule: Rule) -> int:
        if rule.key not in by_key:
            by_key[rule.key] = len(units)
            units.append(_Unit(rule))
        u = by_key[rule.key]
        if units[u].rule.nation != rule.nation:  # one field over several members
            units[u].rule = replace(
                units[u].rule, nation="", subject=f"the {rule.rule} of {rule.entry}"
            )
        return u

    for r, ((family, index), _sense) in enumerate(program.rows):
        if family in _CAPACITY_LINKS:
            if family == reg.ORDER_TIER_LINK:
                p, i, _n, a, _k = index
                links[p, i, int(a)].append(r)
            elif family == reg.DELIVERY_PERIOD_LINK:
                p, i = data.contracts[tuple(index[:-1])]
                links[p, i, int(index[-1])].append(r)
            else:
                offer_links[data.contracts[tuple(index[:-1])]].append(r)
            continue
        if family not in RULE_FAMILIES or family in _SKIP_RULES:
            continue
        rule = describe(family, index, nm)
        if rule is None:
            continue
        u = unit_for(rule)
        units[u].rows.append(r)
        row_unit[r] = u
    for unit in units:
        if unit.rule.family == reg.CAPACITY_UPPER:
            p, i, a = unit.rule.index
            unit.links.extend(links[p, i, int(a)] + offer_links[p, i])
    for j, var in enumerate(program.columns):
        name = var.parent_component().local_name
        if name == "contrib":
            f, n = var.index()
            fund = data.funds[f]
            if fund.key is not None:
                continue
            if fund.pledge_min[n] > 0:
                units.append(_Unit(pledge_rule(f, n, "min", nm), lower=[(j, 0.0)]))
            if fund.pledge_max[n] is not None:
                units.append(_Unit(pledge_rule(f, n, "max", nm), upper=[(j, INF)]))
        elif name == "lots":
            p, i = var.index()[:2]
            rule = lot_rule(p, i, nm)
            units[unit_for(rule)].integers.append(j)
    return units, row_unit


def _iis_seed(
    program: MatrixProgram, units: list[_Unit], row_unit: dict[int, int], nm: Namer
) -> tuple[set[int], list[str]] | None:
    """Units touched by HiGHS's IIS of the linear relaxation, and its accounting rows."""
    h = _feasibility_model(program, False, None, None)
    h.setOptionValue("iis_strategy", int(highspy.IisStrategy.kIisStrategyIrreducible))
    run_highs(h)
    try:
        status, iis = h.getIis()
    except Exception as exc:  # an older or newer highspy without it
        log.warning("HiGHS IIS unavailable: %s", exc)
        return None
    if status != highspy.HighsStatus.kOk or not iis.valid_:
        return None
    link_unit = {r: u for u, unit in enumerate(units) for r in unit.links}
    seed: set[int] = set()
    ctx: list[str] = []
    for r in iis.row_index_:
        r = int(r)
        if r in row_unit:
            seed.add(row_unit[r])
        elif r in link_unit:
            seed.add(link_unit[r])
        else:
            family, index = program.rows[r][0]
            ctx.append(context(family, index, nm))
    cols = {int(j) for j in iis.col_index_}
    for u, unit in enumerate(units):
        if any(j in cols for j, _ in unit.lower + unit.upper):
            seed.add(u)
    return seed, ctx


def _deletion_filter(board: _Switchboard, candidates: list[int]) -> list[int]:
    """Candidates (all others relaxed) whose relaxation makes the model feasible."""
    needed: list[int] = []
    for u in candidates:
        board.relax(u)
        if board.feasible():
            board.restore(u)
            needed.append(u)
    return needed


def diagnose(
    scenario: Scenario, *, time_limit: float | None = None, threads: int | None = None
) -> Conflict | None:
    """``None`` when the scenario's hard rules can all hold; otherwise a minimal conflict.

    ``time_limit`` bounds each feasibility test (seconds).
    """
    data = prepare(scenario)
    if scenario.settings.participation == "no_worse_than_alone":
        # the rule's bounds come from the going-alone plan, as in aggregate.solve
        alone = solve(scenario, baseline=True, time_limit=time_limit, threads=threads)
        if alone.status.has_plan:
            data.alone_short, data.alone_spent = participation.bounds(alone.tables)
    m = build_model(data)
    drop_redundant_bounds(m)
    nm = Namer(scenario, data)
    program = compile_program(m, integer=True)
    units, row_unit = _units(program, data, nm)
    board = _Switchboard(program, units, True, time_limit, threads)
    if board.feasible():
        return None
    relaxation = _Switchboard(program, units, False, time_limit, threads)
    linear = not relaxation.feasible()
    board = relaxation if linear else board
    method = "iis + deletion filter (LP)" if linear else "deletion filter (MILP)"
    seeded = _iis_seed(program, units, row_unit, nm) if linear else None
    ctx: list[str] = []
    conflict: list[int] | None = None
    if seeded is not None:
        seed, ctx = seeded
        for u in range(len(units)):
            if u not in seed:
                board.relax(u)
        if not board.feasible():
            conflict = _deletion_filter(board, sorted(seed))
        else:  # the seed missed a rule: start again from every rule
            for u in sorted(board.relaxed):
                board.restore(u)
    if conflict is None:
        conflict = _grouped_filter(board, units)
    if not conflict:
        raise ExplainError(
            "the scenario is infeasible but no single rule is to blame: the conflict lies in "
            "the accounting of the model itself; please report it with the scenario"
        )
    log.info("diagnosis: %d feasibility tests (%s)", board.solves, method)
    full = _Switchboard(program, units, not linear, time_limit, threads)
    rows = []
    for u in conflict:
        amount = full.elastic(u)
        enough = not math.isnan(amount) or (not units[u].rows and full.alone(u))
        rows.append(_row(units[u], amount, enough, program, data))
    return Conflict(pd.DataFrame(rows, columns=CONFLICT_COLUMNS), ctx, method, nm.currency)


def _grouped_filter(board: _Switchboard, units: list[_Unit]) -> list[int]:
    """Deletion filter on whole rules (all periods) first, then on their periods."""
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for u, unit in enumerate(units):
        groups[unit.rule.group].append(u)
    kept: list[list[int]] = []
    for members in groups.values():
        for u in members:
            board.relax(u)
        if board.feasible():
            for u in members:
                board.restore(u)
            kept.append(members)
    return _deletion_filter(board, [u for members in kept for u in members])


def _row(
    unit: _Unit, amount: float, enough: bool, program: MatrixProgram, data: ModelData
) -> dict[str, Any]:
    rule = unit.rule
    lp = program.lp
    limit = math.nan
    if unit.rows:
        r = unit.rows[0]
        sense = program.rows[r][1]
        limit = float(lp.row_upper_[r] if sense == LE else lp.row_lower_[r])
        if rule.relax == "widen" or sense not in (LE, GE):
            limit = math.nan
    elif unit.lower:
        limit = float(lp.col_lower_[unit.lower[0][0]])
    elif unit.upper:
        limit = float(lp.col_upper_[unit.upper[0][0]])
    elif rule.family == "lot_size":
        limit = float(data.offers[rule.index].lot or math.nan)
    return {
        "rule": rule.rule,
        "entry": rule.entry,
        "field": rule.field,
        "period": rule.period,
        "relax": rule.relax,
        "unit": rule.unit,
        "limit": limit,
        "relax_by": amount,
        "producer": rule.producer,
        "item": rule.item,
        "nation": rule.nation,
        "fund": rule.fund,
        "supplier": rule.supplier,
        "sentence": _sentence(rule, limit, amount, enough),
    }


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.4g}"


def _sentence(rule: Rule, limit: float, amount: float, enough: bool) -> str:
    where = f" in {rule.period}" if rule.period else ""
    what = f"{rule.entry} field '{rule.field}'{where}"
    now = f" (now {_fmt(limit)})" if not math.isnan(limit) else ""
    if rule.family == "lot_size":
        fix = "a smaller lot size, or none, resolves it" if enough else "relax it"
    elif math.isnan(amount):
        fix = f"{rule.relax} it"
    elif rule.relax == "lower" and not math.isnan(limit):
        fix = f"lower it by at least {_fmt(amount)} {rule.unit}, to {_fmt(limit - amount)}"
    elif rule.relax == "raise" and not math.isnan(limit):
        fix = f"raise it by at least {_fmt(amount)} {rule.unit}, to {_fmt(limit + amount)}"
    else:
        fix = f"{rule.relax} it by at least {_fmt(amount)} {rule.unit}"
    alone = "" if enough else " (relaxing it alone is not enough)"
    return f"{rule.rule.capitalize()}: {what}{now}; {fix}{alone}."
