"""Dual prices of a solved plan: fix its integer decisions, re-solve the LP, read the duals.

With every integer decision (contracts placed, price tiers, delivery periods, expansions
built, whole lots, fund consortia) fixed at the plan's values, the model is a linear
program whose optimum is the plan's. Its dual prices say what one more unit of each rule
is worth, in the objective's units:

* needs-first plans: stage 1 minimises the weighted shortfall :math:`N`; the dual of a rule
  in that LP is :math:`\\partial N^* / \\partial b`, so relaxing it by one unit avoids
  :math:`|y|` weighted shortfall. Stage 2 minimises cost :math:`C` with
  :math:`N \\le N^*` added; its dual is the cost saved per unit, with needs held.
* weighted plans: one LP; the dual is in currency (cost plus penalties).

"Value of one more unit" is reported positive: :math:`-y` for a limit (``<=``) and
:math:`y` for a requirement (``>=``), where relaxing means lowering it. The LP is built
afresh from the scenario (:func:`aggregate.data.prepare`, :func:`aggregate.model.build_model`);
the plan is only read. Duals of a degenerate LP are not unique (a rule reported at zero may
be as binding as another that carries the price) and hold from one side only, so each price
is re-solved with its rule relaxed (:mod:`aggregate.explain.ranging`): the values reported
are the re-solve's, with the relaxation over which they hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.common.collections import ComponentMap

from aggregate import labels
from aggregate.data import ModelData, prepare
from aggregate.errors import SolveError
from aggregate.explain.matrix import (
    GE,
    LE,
    MatrixProgram,
    MatrixResult,
    compile_program,
    new_highs,
    run,
)
from aggregate.explain.ranging import Stage, Target, flat_up_to, slope, step_scale
from aggregate.explain.rules import RULE_FAMILIES, Namer, Rule, describe, pledge_rule
from aggregate.model import build_model, participation
from aggregate.model import registry as reg
from aggregate.model.funds import placed_constant
from aggregate.model.highs import active_rows
from aggregate.model.linear import linear
from aggregate.model.objective import needs_cap_bound
from aggregate.model.payers import settle_payers
from aggregate.result import Solution
from aggregate.schema import Scenario

TOL = 1e-7


class ExplainError(SolveError):
    """A plan cannot be explained (no plan, or it does not fit the scenario)."""


MARGINAL_COLUMNS: dict[str, str] = {
    "rule": "kind of rule (capacity, component supply, budget, stockpile floor, ...)",
    "entry": "scenario entry, e.g. producers[RHM].offers[155-L52]",
    "field": "field of the entry that sets the limit",
    "period": "period label (empty for rules over the whole horizon)",
    "relax": "raise (a limit), lower (a requirement) or widen (a band)",
    "unit": "one unit of relaxation",
    "limit": "the rule's right-hand side (NaN for bands and links)",
    "used": "the left-hand side in the plan",
    "slack": "how far the plan is from the limit (0: binding)",
    "shortfall_avoided": "weighted shortfall avoided per unit of relaxation, as a re-solve "
    "gives it (needs stage)",
    "cost_saved": "cost saved per unit of relaxation, needs held, as a re-solve gives it (cost "
    "stage; weighted: objective); NaN where the relaxation avoids shortfall (a re-solve spends "
    "it on the needs first)",
    "holds_up_to": "relaxation (in the rule's unit) over which the two values hold",
    "dual_shortfall_avoided": "the needs stage's dual price (one side only if degenerate)",
    "dual_cost_saved": "the cost stage's dual price",
    "producer": "producer id where the rule is about one",
    "item": "item (or component) id",
    "nation": "nation code",
    "fund": "fund id",
    "supplier": "component supplier id",
    "family": "constraint family in aggregate.model",
}
"""Columns of :attr:`Marginals.frame`."""


@dataclass
class Marginals:
    """Every rule of a plan's LP with its slack and its marginal values."""

    frame: pd.DataFrame
    """One row per rule row; columns :data:`MARGINAL_COLUMNS`."""
    rules: list[Rule]
    """The rules, in the order of :attr:`frame`'s rows."""
    needs: float | None
    """Weighted shortfall of the LP (None for a weighted plan)."""
    cost: float
    """Cost of the LP (weighted plans: cost plus penalties)."""
    data: ModelData
    namer: Namer
    notes: list[str]
    """Remarks on the re-solve (e.g. the plan is optimal only within its gap)."""

    def lookup(self) -> dict[tuple[str, tuple[Any, ...]], int]:
        """(family, index) -> row of :attr:`frame`."""
        return {(r.family, r.index): k for k, r in enumerate(self.rules)}


def rows_of(frame: pd.DataFrame) -> list[Any]:
    """A table's rows as named tuples (attribute access by column name)."""
    return list(frame.itertuples(index=False))


def fresh_model(scenario: Scenario, plan: Solution) -> tuple[ModelData, pyo.ConcreteModel]:
    """A new model of the plan's mode (pooled or alone) and objective."""
    data = prepare(scenario, pooled=plan.pooled)
    data.objective = plan.objective
    stated = plan.tables.get("participation")
    if plan.pooled and stated is not None and not stated.empty:
        # the participation rule's bounds, as the plan was solved under them
        data.alone_short, data.alone_spent = participation.from_table(stated)
    return data, build_model(data)


def plan_integers(plan: Solution, data: ModelData, m: pyo.ConcreteModel) -> ComponentMap:
    """The plan's integer decisions read from its tables: variable data -> value."""
    at = {p: t for t, p in enumerate(data.periods)}
    label = {c: labels.contract(*c) for c in data.contracts}
    contracts = plan.tables["contracts"]
    orders = plan.tables["orders"]
    tier_of = dict(zip(contracts.contract, contracts.tier, strict=True))
    values = ComponentMap()
    for c in m.CONTRACTS:
        c = c if isinstance(c, tuple) else (c,)
        values[m.open[c]] = 1.0 if label[c] in tier_of else 0.0
    for ck in m.CONTRACT_TIERS:
        c, k = tuple(ck[:-1]), int(ck[-1])
        values[m.tier[ck]] = 1.0 if label[c] in tier_of and int(tier_of[label[c]]) == k else 0.0
    delivered = {
        (row.contract, at[row.arrival_period]) for row in rows_of(orders) if row.quantity > TOL
    }
    for ca in m.DELIVERS:
        c, a = tuple(ca[:-1]), int(ca[-1])
        values[m.delivers[ca]] = 1.0 if (label[c], a) in delivered else 0.0
    built = {(r.expansion, at[r.start_period]) for r in rows_of(plan.tables["investments"])}
    for es in m.BUILDS:
        values[m.build[es]] = 1.0 if tuple(es) in built else 0.0
    lots: dict[tuple[str, str, str, int], float] = {}
    for row in rows_of(orders):
        if not (isinstance(row.lots, float) and math.isnan(row.lots)):
            lots[row.producer, row.item, row.nation, at[row.arrival_period]] = float(row.lots)
    for key in m.LOTS:
        values[m.lots[key]] = float(round(lots.get(tuple(key), 0.0)))
    payments = plan.tables["payments"]
    fund_orders = payments[(payments.payer_type == "fund") & (payments.purpose == "order")]
    paid = {
        (r.payer, r.producer, r.item, r.beneficiary) for r in rows_of(fund_orders) if r.amount > TOL
    }
    for fc in m.FUND_USES:
        f, c = fc[0], tuple(fc[1:])
        uses = any((f, c[0], c[1], n) in paid for (_p, _i, n) in data.routes if (_p, _i) == c[:2])
        values[m.fund_uses[fc]] = 1.0 if uses else 0.0
    # the origin rule is met wherever the fund pays for the producer (0 elsewhere: its
    # value row then leaves the feeds free, as the plan did not need the rule)
    paying = {(f, p) for (f, p, _i, _n) in paid}
    for fp in m.ORIGIN:
        values[m.origin_met[fp]] = 1.0 if tuple(fp) in paying else 0.0
    volume = orders.groupby(["producer", "item", "nation"])["quantity"].sum()
    for cn in m.JOINS:
        c, n = tuple(cn[:-1]), cn[-1]
        p, i = data.contracts[c]
        unit = data.offers[p, i].lot or 1.0
        values[m.joins[cn]] = 1.0 if float(volume.get((p, i, n), 0.0)) >= unit - 1e-6 else 0.0
    given = plan.tables["donations"].groupby(["donor", "item"])["quantity"].sum()
    demands = plan.tables["demands"].set_index("demand")
    missed = demands["short"] + demands["met_late"]
    for key in m.DONATES:
        # 1 where the donor gives, or could (its own demands the item serves are all met
        # on time); 0 only where the surplus policy stops it
        n, i = key
        met = all(float(missed.get(d, 0.0)) <= TOL for d in data.donor_needs[n, i])
        values[m.donates[key]] = 1.0 if float(given.get((n, i), 0.0)) > TOL or met else 0.0
    return values


def fix_integers(m: pyo.ConcreteModel, data: ModelData, values: ComponentMap) -> None:
    """Make the integer decisions continuous with both bounds at the plan's value.

    Whole-unit quantities of indivisible items (orders, donations, use) are not among them:
    they stay free and continuous, as in the LP relaxation, so that a capacity or budget
    binding on them keeps its price (fixed, every rule limiting them would be priced 0).

    Kept as columns (not Pyomo-fixed) so they keep their reduced costs. Link rows made
    redundant by a decision fixed at 1 are dropped: ``x <= U tier`` with ``tier = 1`` only
    repeats the capacity limit (``give <= on_hand donates`` the opening stock's), and would
    share its dual when both bind.
    """
    for var, value in values.items():
        var.domain = pyo.Reals
        var.setlb(value)
        var.setub(value)
    for key in list(m.order_tier_link):
        p, i, n, _a, k = key
        if values.get(m.tier[(*data.contract_of[p, i, n], k)], 0.0) > 0.5:
            m.order_tier_link[key].deactivate()
    for key in list(m.delivery_period_link):
        if values.get(m.delivers[key], 0.0) > 0.5:
            m.delivery_period_link[key].deactivate()
    for key in list(m.tier_volume_upper):
        if values.get(m.tier[key], 0.0) > 0.5:
            m.tier_volume_upper[key].deactivate()
    for key in list(m.consortium_pays_link):
        if values.get(m.fund_uses[key], 0.0) > 0.5:
            m.consortium_pays_link[key].deactivate()
    for key in list(m.component_origin_pays_link):
        if values.get(m.origin_met[key], 0.0) > 0.5:
            m.component_origin_pays_link[key].deactivate()
    for key in list(m.donation_surplus_link):
        if values.get(m.donates[key], 0.0) > 0.5:
            m.donation_surplus_link[key].deactivate()


def drop_redundant_bounds(m: pyo.ConcreteModel) -> None:
    """Drop the order, lot and made upper bounds: ``capacity_upper`` (with ``expansion_once``)
    already implies them, and a bound binding beside the capacity row would take its dual
    (or its place in an infeasible subsystem). After :func:`fix_integers` this frees the
    lots upward from the plan's values: the lots (and so the orders) can grow in the
    duals' linear program, so a capacity binding on them keeps its price (fixed on both
    sides, a lot-sold offer's capacity would be priced 0).

    The capacity in whole lots (``capacity_lots_upper``) is dropped too. In the duals' LP
    ``capacity_upper`` prices the same limit; in a conflict's linear relaxation, where the
    lots are continuous, it is tighter than ``capacity_upper`` only by the rounding to
    whole lots, and a conflict naming it would hide the capacity and the lot size behind a
    derived row (the explanation names ``capacity_upper`` and the orders in lots instead)."""
    for var in m.order.values():
        var.setub(None)
    for var in m.lots.values():
        var.setub(None)
    for var in m.made.values():
        var.setub(None)
    m.capacity_lots_upper.deactivate()


def _activate(m: pyo.ConcreteModel, name: str) -> None:
    for obj in ("needs_obj", "cost_obj", "weighted_obj"):
        getattr(m, obj).deactivate()
    getattr(m, name).activate()


def _stage(m: pyo.ConcreteModel, objective: str) -> tuple[MatrixProgram, MatrixResult, Stage]:
    _activate(m, objective)
    program = compile_program(m, integer=False)
    # kept open: confirming each price re-solves this LP warm (aggregate.explain.ranging)
    h = new_highs()
    h.passModel(program.lp)
    result = run(h, program.offset)
    if result.status != "optimal" or result.objective is None:
        raise ExplainError(
            f"the plan's LP with its integer decisions fixed ended '{result.status}' in the "
            f"{objective.removesuffix('_obj')} stage; was the plan solved from this scenario?"
        )
    return program, result, Stage.open(program, h, float(result.objective))


def _row_values(
    program: MatrixProgram,
    result: MatrixResult,
    settled: dict[tuple[str, tuple[Any, ...]], float] | None = None,
    data: ModelData | None = None,
) -> dict[tuple[str, tuple[Any, ...]], tuple[float, float, float, int]]:
    """(family, index) -> (value of one more unit, limit, used, sense) for rule rows.

    Limit and use count what the plan's fixed decisions add to a limit: a capacity row
    ``order - added * build <= capacity`` with the expansion built reads ``order`` against
    ``capacity + added`` (400 of 400 rather than 100 of 100). ``settled`` gives the use of
    rows that hold money with the payers settled as the solve settles them. Orders already
    placed (``data``) count on both sides as the scenario states the limit: a capacity of
    10 with 6 placed reads 10 of 10, not 4 of 4."""
    out: dict[tuple[str, tuple[Any, ...]], tuple[float, float, float, int]] = {}
    lower, upper = np.asarray(program.lp.row_lower_), np.asarray(program.lp.row_upper_)
    added = _fixed_additions(program)
    placed = _placed_constants(data) if data is not None and data.placed else {}
    for r, (key, sense) in enumerate(program.rows):
        if key[0] not in RULE_FAMILIES:
            continue
        y = float(result.row_dual[r])
        limit = float(upper[r] if sense == LE else lower[r])
        value = -y if sense == LE else y if sense == GE else abs(y)
        prev = out.get(key)
        if prev is not None:  # a ranged row: the two sides never both bind
            value += prev[0]
        extra = float(added[r]) if sense != 0 else 0.0
        used = float(result.row_value[r]) + placed.get(key, 0.0)
        if settled is not None and key in settled:
            used = settled[key]
        out[key] = (value, limit - extra + placed.get(key, 0.0), used - extra, sense)
    return out


def _placed_constants(data: ModelData) -> dict[tuple[str, tuple[Any, ...]], float]:
    """(family, index) -> what orders already placed put on a rule row's right-hand side
    (capacity they take, budget they spend if none is cancelled)."""
    out: dict[tuple[str, tuple[Any, ...]], float] = {}
    for (p, i, a), (units, _) in data.placed_flows.get("offer", {}).items():
        # a producer that builds ahead takes placed orders from what it made
        # (build_ahead_balance): its capacity row counts units made, not delivered
        if not data.offers[p, i].ahead:
            out[reg.CAPACITY_UPPER, (p, i, a)] = units
    for n in sorted({x.nation for x in data.placed.values()}):
        out[reg.BUDGET_UPPER, (n,)] = placed_constant(data, n)
        out[reg.PARTICIPATION_SPEND_UPPER, (n,)] = placed_constant(data, n)
        for a in range(len(data.periods)):
            out[reg.BUDGET_PERIOD_UPPER, (n, a)] = placed_constant(data, n, a)
    return out


def settled_use(
    m: pyo.ConcreteModel, data: ModelData, program: MatrixProgram, result: MatrixResult
) -> dict[tuple[str, tuple[Any, ...]], float] | None:
    """The use of each rule row that holds money, with the LP's money columns settled by
    the solve's payer stage (:mod:`aggregate.model.payers`): who pays is a tie in the LP,
    so its own money columns would report other payments than the plan's."""
    lin = linear(m)
    where = {id(v): j for j, v in enumerate(lin.vardata)}
    x = np.array([v.lb if v.lb is not None and v.lb == v.ub else 0.0 for v in lin.vardata])
    for k, var in enumerate(program.columns):
        x[where[id(var)]] = result.col_value[k]
    settled = settle_payers(lin, data, x, active=active_rows(m, lin))
    if settled is None:
        return None
    x = settled
    activity = lin.matrix().tocsr() @ x
    # rows read as the scenario states them: orders already placed on both sides
    placed = _placed_constants(data) if data.placed else {}
    out = {
        (name, _index(key)): float(activity[block.start + k]) + placed.get((name, _index(key)), 0.0)
        for name, block in lin.rows.items()
        if name in RULE_FAMILIES
        for k, key in enumerate(block.keys)
    }
    if "contrib" in lin.columns:  # pledges bound the contribution columns
        out.update({("contrib", _index(key)): float(x[j]) for key, j in lin.col("contrib").items()})
    return out


def plan_use(plan: Solution, data: ModelData) -> dict[tuple[str, tuple[Any, ...]], float]:
    """The plan's own payments where a money rule's use reads them directly: each nation's
    budget (what it pays), each fund's cap and each pledge (what is paid in). The LP at
    the plan's integers may settle an equally good physical plan (who buys what for whom)
    that pays otherwise, so these come from the plan itself."""
    payments = plan.tables.get("payments")
    out: dict[tuple[str, tuple[Any, ...]], float] = {
        (reg.BUDGET_UPPER, (n,)): 0.0 for n in data.budgets
    }
    # orders already placed are paid outside the payments table (the placed_orders table)
    placed = plan.tables.get("placed_orders")
    if placed is not None and not placed.empty:
        money = (placed.cost + placed.cancellation_cost).groupby(placed.nation).sum()
        for n, v in money.items():
            if n in data.budgets:
                out[reg.BUDGET_UPPER, (str(n),)] += float(v)
    if payments is None or payments.empty:
        return out
    own = payments[payments.payer_type == "nation"]
    for n, v in own.groupby("payer")["amount"].sum().items():
        out[reg.BUDGET_UPPER, (str(n),)] = out.get((reg.BUDGET_UPPER, (str(n),)), 0.0) + float(v)
    paid_in = own[own.purpose == "contribution"]
    by_member = paid_in.groupby(["payer", "beneficiary"])["amount"].sum()
    for (n, f), v in zip(by_member.index.tolist(), by_member.tolist(), strict=True):
        out["contrib", (str(f), str(n))] = float(v)
    for f, v in paid_in.groupby("beneficiary")["amount"].sum().items():
        out[reg.FUND_CAP_UPPER, (str(f),)] = float(v)
    return out


def _index(key: Any) -> tuple[Any, ...]:
    if key is None:
        return ()
    return key if isinstance(key, tuple) else (key,)


def _fixed_additions(program: MatrixProgram) -> np.ndarray:
    """Per row, the part of its left-hand side from fixed columns (lower = upper) whose
    coefficient widens the row (negative in ``<=``, positive in ``>=``): capacity added by
    an expansion built, moved to the limit's side."""
    lp = program.lp
    a = sp.csc_array(
        (
            np.asarray(lp.a_matrix_.value_),
            np.asarray(lp.a_matrix_.index_),
            np.asarray(lp.a_matrix_.start_),
        ),
        shape=(lp.num_row_, lp.num_col_),
    ).tocoo()
    lo, up = np.asarray(lp.col_lower_), np.asarray(lp.col_upper_)
    fixed = np.where(lo == up, lo, 0.0)
    sense = np.array([s for _key, s in program.rows] or [0], dtype=float)
    # LE rows (sense 1) move their negative terms, GE rows (sense -1) their positive ones
    widens = np.sign(a.data) == -sense[a.row]
    out = np.zeros(lp.num_row_)
    np.add.at(out, a.row[widens], a.data[widens] * fixed[a.col[widens]])
    return out


def _pledge_values(
    program: MatrixProgram, result: MatrixResult, data: ModelData
) -> dict[tuple[str, str, str], tuple[float, float, float]]:
    """(fund, nation, 'min'|'max') -> (value, bound, contribution) for pledge bounds."""
    out: dict[tuple[str, str, str], tuple[float, float, float]] = {}
    for j, var in enumerate(program.columns):
        if var.parent_component().local_name != "contrib":
            continue
        f, n = var.index()
        fund = data.funds[f]
        if fund.key is not None:
            continue
        x, d = float(result.col_value[j]), float(result.col_dual[j])
        lo, hi = fund.pledge_min[n], fund.pledge_max[n]
        if lo > 0:
            out[f, n, "min"] = (max(d, 0.0) if abs(x - lo) <= 1e-6 * max(1, lo) else 0.0, lo, x)
        if hi is not None:
            near = abs(x - hi) <= 1e-6 * max(1, hi)
            out[f, n, "max"] = (max(-d, 0.0) if near else 0.0, hi, x)
    return out


def marginal_values(scenario: Scenario, plan: Solution) -> Marginals:
    """Re-solve ``plan``'s LP (integer decisions fixed) and price every rule."""
    if not plan.status.has_plan:
        raise ExplainError(
            f"the plan has no solution (status '{plan.status.value}'); "
            "use aggregate.explain.diagnose(scenario) to find the conflicting rules"
        )
    data, m = fresh_model(scenario, plan)
    values = plan_integers(plan, data, m)
    fix_integers(m, data, values)
    drop_redundant_bounds(m)
    nm = Namer(scenario, data)
    needs: float | None = None
    notes: list[str] = []
    if data.objective == "weighted":
        program, result, cost_stage = _stage(m, "weighted_obj")
        need_stage: Stage | None = None
        settled = {**(settled_use(m, data, program, result) or {}), **plan_use(plan, data)}
        cost_rows = _row_values(program, result, settled, data)
        cost_pledges = _pledge_values(program, result, data)
        need_rows: dict[tuple[str, tuple[Any, ...]], tuple[float, float, float, int]] = {}
        need_pledges: dict[tuple[str, str, str], tuple[float, float, float]] = {}
        cost = float(result.objective or 0.0)
    else:
        program, result, need_stage = _stage(m, "needs_obj")
        needs = float(result.objective or 0.0)
        need_rows = _row_values(program, result, data=data)
        need_pledges = _pledge_values(program, result, data)
        reported = plan.key_figures.get("needs_objective")
        if reported is not None and needs < float(reported) - 1e-6 * max(1.0, abs(needs)):
            why = (
                "quantities of indivisible items are priced as if divisible, so that a rule "
                "binding on them keeps its price"
                if data.indivisible
                else "the plan is optimal only within its MIP gap"
            )
            notes.append(
                f"With its integer decisions fixed the plan's LP reaches a weighted shortfall "
                f"of {needs:,.6g}, below the plan's {float(reported):,.6g} ({why}); the prices "
                "are those of the LP optimum."
            )
        bound = needs_cap_bound(needs, data.needs_tolerance)
        m.needs_cap["explain"] = m.needs <= bound
        program, result, cost_stage = _stage(m, "cost_obj")
        settled = {**(settled_use(m, data, program, result) or {}), **plan_use(plan, data)}
        cost_rows = _row_values(program, result, settled, data)
        cost_pledges = _pledge_values(program, result, data)
        cost = float(result.objective or 0.0)
    rules: list[Rule] = []
    records: list[dict[str, Any]] = []
    dropped = 0
    for key, (value, limit, used, sense) in cost_rows.items():
        rule = describe(key[0], key[1], nm)
        if rule is None:
            continue
        need_value = need_rows[key][0] if key in need_rows else math.nan
        records.append(_record(rule, limit, used, sense, need_value, value, needs is None))
        rules.append(rule)
        dropped += not _confirm(records[-1], Target(key), need_stage, cost_stage)
        _within_field(records[-1], rule.item in data.indivisible)
    for (f, n, side), (value, limit, used) in cost_pledges.items():
        if settled is not None:
            used = settled.get(("contrib", (f, n)), used)
        rule = pledge_rule(f, n, side, nm)
        nv = need_pledges[f, n, side][0] if (f, n, side) in need_pledges else math.nan
        sense = GE if side == "min" else LE
        records.append(_record(rule, limit, used, sense, nv, value, needs is None))
        rules.append(rule)
        target = Target((rule.family, rule.index), (f, n), side)
        dropped += not _confirm(records[-1], target, need_stage, cost_stage)
        _within_field(records[-1], rule.item in data.indivisible)
    if dropped:
        notes.append(
            f"{dropped} rule(s) with a dual price were left unpriced: re-solving with them "
            "relaxed found no step over which the price holds."
        )
    frame = pd.DataFrame(records, columns=list(MARGINAL_COLUMNS))
    return Marginals(frame, rules, needs, cost, data, nm, notes)


def _record(
    rule: Rule, limit: float, used: float, sense: int, need: float, cost: float, weighted: bool
) -> dict[str, Any]:
    band = rule.relax == "widen" or rule.family in (reg.CONSORTIUM_PAYS_LINK, reg.FUND_REFILL_UPPER)
    slack = (limit - used) if sense == LE else (used - limit)
    return {
        "rule": rule.rule,
        "entry": rule.entry,
        "field": rule.field,
        "period": rule.period,
        "relax": rule.relax,
        "unit": rule.unit,
        "limit": math.nan if band else limit,
        "used": used,
        "slack": max(slack, 0.0) if abs(slack) > TOL * max(1.0, abs(limit)) else 0.0,
        "shortfall_avoided": math.nan if weighted else _clean(need),
        "cost_saved": _clean(cost),
        "holds_up_to": math.nan,
        "dual_shortfall_avoided": math.nan if weighted else _clean(need),
        "dual_cost_saved": _clean(cost),
        "producer": rule.producer,
        "item": rule.item,
        "nation": rule.nation,
        "fund": rule.fund,
        "supplier": rule.supplier,
        "family": rule.family,
    }


def _confirm(record: dict[str, Any], target: Target, needs: Stage | None, cost: Stage) -> bool:
    """Replace ``record``'s dual prices by the values a re-solve gives, over the range
    they hold (:mod:`aggregate.explain.ranging`). False where a price could not be
    confirmed (its values become NaN)."""
    raw_needs = 0.0 if math.isnan(record["shortfall_avoided"]) else record["shortfall_avoided"]
    raw_cost = record["cost_saved"]
    if raw_needs <= 0.0 and raw_cost <= 0.0:
        return True  # no price to confirm
    scale = step_scale(record["limit"], record["used"])
    flat = math.inf
    if needs is not None:
        got = slope(needs, target, raw_needs, scale)
        if got is None:
            record["shortfall_avoided"] = record["cost_saved"] = math.nan
            return False
        if got.value > 0.0:
            # a re-solve spends the relaxation on the needs first: no cost value
            record.update(shortfall_avoided=got.value, cost_saved=math.nan)
            record["holds_up_to"] = got.holds_up_to
            return True
        record["shortfall_avoided"] = 0.0
        flat = got.holds_up_to
    got = slope(cost, target, raw_cost, scale)
    if got is None:
        record["cost_saved"] = math.nan
        return False
    delta = got.holds_up_to
    if needs is not None and delta > flat and not flat_up_to(needs, target, delta):
        delta = flat  # the needs must stay as they are over the cost's range too
    record["cost_saved"] = got.value
    record["holds_up_to"] = delta if got.value > 0.0 else math.nan
    return True


def _within_field(record: dict[str, Any], whole: bool) -> None:
    """A requirement (floor, refill target, pledge minimum) is lowered at most to 0: the
    range stops there even where the LP's would go on. A rule in whole units of an
    indivisible item holds over whole units only (2.989 missiles: the first 2)."""
    limit = record["limit"]
    if record["relax"] == "lower" and math.isfinite(limit) and limit >= 0:
        record["holds_up_to"] = min(record["holds_up_to"], limit)
    span = record["holds_up_to"]
    if whole and math.isfinite(span) and span >= 1:
        record["holds_up_to"] = float(math.floor(span + 1e-9))


def _clean(x: float) -> float:
    """Solver noise to zero; a value of a rule is never negative at an optimum."""
    if math.isnan(x):
        return x
    return 0.0 if abs(x) <= 1e-9 else max(x, 0.0)
