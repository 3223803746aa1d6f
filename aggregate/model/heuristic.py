"""A first plan for a MIP stage: the linear relaxation rounded, fixed and re-solved.

HiGHS starts its branch and bound without a plan; on the larger models its own heuristics
find a good one late (issue #16: ``mip-L``'s needs stage had no plan within 1% after
120 s). :func:`first_plan` builds one from the stage's own matrix, objective and needs cap
(copied out of the :class:`~aggregate.model.highs.HighsModel`, which it leaves untouched):

1. solve the linear relaxation (every integer column continuous);
2. round the yes/no decisions: a contract with any volume is open, at the tier that carries
   most of its volume; any other yes/no column (delivery periods, expansions, donations,
   fund rules) is 1 where the relaxation gives it any weight, as its linking rows then
   leave the relaxation's quantities possible;
3. fix them and re-solve the relaxation for the quantities;
4. close contracts one by one where the plan gets cheaper without them (their volume moves
   elsewhere), a few linear solves each warm from the last basis;
5. choose whole values for the remaining integer columns (whole lots, whole units,
   packages) with the contract decisions fixed: each at the whole number nearest its
   value in step 4's solve, kept where the re-solved plan is then within the stage's gap
   of the relaxation (one linear solve, no search needed); else a small MIP stopped after
   a fixed number of nodes, first with each column between the whole numbers either side
   of that value (the relaxation-enforced neighbourhood: eda-L's 20,589 lots leave 958
   choices of one lot more or less), then over the full ranges, else each rounded up,
   else down, and solved once more. The plan is the last solve's solution, every
   integer column at a whole value and every row met within HiGHS's tolerances.

Where the rounded decisions of step 2 admit no plan, a fallback fixes only the decisions the
relaxation already takes whole and lets the small MIP choose the others.

The plan is handed to HiGHS as a start (``setSolution``), which checks it; where it is
already within the gap of the relaxation's optimum (:attr:`FirstPlan.bound`) it is the
stage's answer and HiGHS does not search
(:meth:`~aggregate.model.highs.HighsModel.proven`). A later stage that has a start (the
cost stage, from the needs stage's plan) gets the heuristic's bound, and its plan where
that costs less and is within the gap, or costs less and no search follows
(:func:`better_start`, :func:`stage_start`). A re-solve's relaxation starts from the basis of the previous
variant's (same matrix, other numbers). Every step is a simplex solve on one thread, so
the plan is the same on repeats (a re-solve's may depend on the variant solved before it,
as its start does); only the time budget
(a share of the stage's time limit, or all of it where HiGHS's root would not fit, the
one-lot search's plan then searched on to the limit; the contract-closing moves
a quarter of the time left) can cut the steps short, in which case the best plan so far,
or none, is returned. Whether HiGHS's root fits is judged from the relaxation's wall
time, so near that line the answer can be the heuristic's plan on one run and HiGHS's on
another. Where the time the heuristic leaves is too short for
HiGHS's root (:data:`ROOT_FACTOR`), the plan is the stage's answer with status
``time_limit`` and its gap to the relaxation (:func:`stage_start`).
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

import highspy
import numpy as np

from aggregate.model.highs import SEARCH_THREADS, HighsModel, run_highs
from aggregate.model.linear import LinearModel
from aggregate.status import OVERRUN_GRACE, Outcome, SolveStatus, from_highs

__all__ = [
    "BUDGET_SHARE",
    "CLEAR_COLUMNS",
    "MAX_CLOSE_MOVES",
    "MIN_BUDGET",
    "ROOT_FACTOR",
    "SLOW_RELAXATION",
    "FirstPlan",
    "better_start",
    "first_plan",
    "repaired",
    "stage_start",
    "start_plan",
]

log = logging.getLogger(__name__)

BUDGET_SHARE = 0.5
"""The heuristic's share of the stage's time limit (none: :data:`DEFAULT_BUDGET`). Models
the heuristic solves in a second or two never reach it; on eda-L (an 8.5 s relaxation) a
fifth of a 60 s limit did not reach the whole lots, while HiGHS on its own found no plan
in 400 s."""
DEFAULT_BUDGET = 60.0
"""Seconds the heuristic may take when the solve has no time limit."""
MIN_BUDGET = 0.5
"""Below this many seconds of budget the heuristic is not tried: its copy of the model and
first linear solve alone take longer on the library's scenarios, and HiGHS's own root
heuristics are the better use of a very short time limit (measured: the ammunition
scenario with a 0.6 s limit ended without a plan with it, with one without it)."""
MAX_CLOSE_MOVES = 30
"""At most this many contracts are tried closed (each a linear solve)."""
ROOT_FACTOR = 30.0
"""HiGHS's root takes about this many times the heuristic's relaxation, and does not stop
at the time limit within it: on eda-L (an 8.5 s relaxation) 240 s to its first node, 210 s
of them in an interior-point analytic centre that HiGHS 1.16 runs without a time limit
(a 75 s limit ended after 244-278 s with the heuristic's plan and the bound unchanged).
With less time left than that, the heuristic's plan is the stage's answer
(:func:`stage_start`)."""
SLOW_RELAXATION = 4.0
"""Seconds of relaxation below which the root rule never applies: HiGHS keeps to its
time limit on smaller models, whose roots it can stop (mip-L, a 0.3-1.8 s relaxation:
8.06 s at an 8 s limit), and only the largest spend minutes in a step it cannot stop."""
CLEAR_COLUMNS = 50_000
"""Models with at least this many columns re-solve the rounded decisions from scratch
(presolve drops the fixed columns: eda-L, 103,000 columns, 2 s against 9 s warm from the
relaxation's basis); smaller ones warm from the basis (mip-L, 19,000 columns: 0.05 s
against 0.43 s cold; eda-M 0.01 s against 0.07 s). A count, not a time, so the plan does
not depend on the machine's speed."""
MOVE_TIME_SHARE = 0.25
"""The contract-closing moves stop once they have taken this share of the time left."""
MOVE_WORTH = 1e-3
"""Contracts are tried closed only where the rounded plan costs more than this share over
the relaxation (no move can save more than that difference)."""
ACTIVE = 1e-7
"""A yes/no column above this in the relaxation is rounded to 1 (HiGHS's integrality
tolerance in :class:`~aggregate.model.highs.HighsModel`: anything above it lets a linking
row carry volume)."""
WHOLE_NODES = 200
"""Branch-and-bound nodes for the whole lots once every yes/no decision is fixed. Where
the heuristic has the whole time limit, the one-lot search's plan is then searched on
with no node limit until the limit (its plan is the answer; eda-L at a 300 s limit: 5.1%
above the relaxation after the 200 nodes, which took 178 s)."""
WHOLE_GAP = 1e-3
"""Relative gap at which that small MIP stops."""
WHOLE = 1e-6
"""Slack when rounding a near-whole value up or down."""


@dataclass
class FirstPlan:
    """The heuristic's plan with how it got there."""

    x: np.ndarray | None
    """Column values (None: no plan found)."""
    objective: float | None = None
    bound: float | None = None
    """The stage's linear relaxation optimum, where solved: no plan costs less."""
    answer: Outcome | None = None
    """The plan as the stage's outcome where it is proven within the gap of ``bound``
    (:meth:`~aggregate.model.highs.HighsModel.proven`): no search is needed."""
    seconds: float = 0.0
    relaxation_seconds: float = 0.0
    """What the linear relaxation took (HiGHS's root takes :data:`ROOT_FACTOR` times as
    long)."""
    cheaper: np.ndarray | None = None
    """:func:`better_start`: the heuristic's own plan where it costs less than the given
    start but is not proven within the gap (HiGHS searches from the given start); the
    answer instead of it where no search follows (:func:`stage_start`)."""
    lp_solves: int = 0
    closed: int = 0
    """Contracts closed by the local moves."""
    steps: list[str] = field(default_factory=list)
    """What happened, in order (for the log and tests)."""


class _Lp:
    """A copy of the stage's model with every integer column continuous."""

    def __init__(self, model: HighsModel, deadline: float) -> None:
        self.deadline = deadline
        self.h = highspy.Highs()
        h = self.h
        h.setOptionValue("output_flag", False)
        # the MIP's thread count: one scheduler per process (highs.use_threads)
        h.setOptionValue("threads", SEARCH_THREADS)
        h.passModel(model.h.getModel())
        n = h.getNumCol()
        idx = np.flatnonzero(model.integer).astype(np.int32)
        h.changeColsIntegrality(len(idx), idx, np.zeros(len(idx), dtype=np.uint8))
        lp = h.getLp()
        self.model = model
        self.stage = (h.getNumRow(), model.capped)
        basis = model.relaxation_bases.get(self.stage)
        if basis is not None and len(basis.col_status) == n:
            # a re-solve: the previous variant's relaxation of this stage is the same
            # matrix with other numbers, and its basis a warm start for this one
            h.setBasis(basis)
        self.lower = np.asarray(lp.col_lower_, dtype=float)[:n]
        self.upper = np.asarray(lp.col_upper_, dtype=float)[:n]
        self.solves = 0
        self.out_of_time = False
        self.stage_end: float | None = None
        """When the stage's time limit ends (None: no limit)."""
        self.improve = False
        """The heuristic has the whole time limit: the plan of the one-lot search is
        searched on, with no node limit, until the limit."""

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def fix(self, cols: np.ndarray, values: np.ndarray) -> None:
        """``cols`` fixed at ``values``, each kept within its column's bounds (a rounded
        value can fall one past them)."""
        if len(cols):
            values = np.clip(values, self.lower[cols], self.upper[cols])
            self.h.changeColsBounds(len(cols), cols.astype(np.int32), values, values)

    def free(self, cols: np.ndarray) -> None:
        if len(cols):
            self.h.changeColsBounds(
                len(cols), cols.astype(np.int32), self.lower[cols], self.upper[cols]
            )

    def solve_whole(
        self,
        cols: np.ndarray,
        near: np.ndarray | None = None,
        start: np.ndarray | None = None,
    ) -> tuple[float, np.ndarray] | None:
        """The best plan with ``cols`` whole that HiGHS finds within :data:`WHOLE_NODES`
        nodes (a node limit, not a time limit, keeps it the same on repeats), or None. The
        columns are continuous again afterwards. ``near`` (values of ``cols``): each column
        only between the whole numbers either side of its value, a far smaller search
        (the relaxation-enforced neighbourhood); the bounds are restored afterwards.
        ``start`` (a plan found so): no node limit, only the time, searching on from it."""
        h = self.h
        left = self.left()
        if left <= 0:
            return None
        n = len(cols)
        idx = cols.astype(np.int32)
        if near is not None:
            low = np.clip(np.floor(near + WHOLE), self.lower[cols], self.upper[cols])
            high = np.clip(np.ceil(near - WHOLE), self.lower[cols], self.upper[cols])
            h.changeColsBounds(n, idx, low, np.maximum(low, high))
        try:
            return self._whole(idx, start)
        finally:
            if near is not None:
                self.free(cols)

    def _whole(
        self, idx: np.ndarray, start: np.ndarray | None = None
    ) -> tuple[float, np.ndarray] | None:
        h = self.h
        n = len(idx)
        left = self.left()
        h.changeColsIntegrality(n, idx, np.ones(n, dtype=np.uint8))
        h.setOptionValue("time_limit", left)
        h.setOptionValue("mip_max_nodes", WHOLE_NODES if start is None else highspy.kHighsIInf)
        if start is not None:
            sol = highspy.HighsSolution()
            sol.col_value = list(start)
            sol.value_valid = True
            h.setSolution(sol)
        h.setOptionValue("mip_rel_gap", WHOLE_GAP)
        h.setOptionValue("mip_feasibility_tolerance", 1e-7)
        try:
            run_highs(h)
            self.solves += 1
            if not h.getInfo().primal_solution_status:
                return None
            x = np.asarray(h.getSolution().col_value)
            return float(np.dot(np.asarray(h.getLp().col_cost_), x)), x
        finally:
            h.changeColsIntegrality(n, idx, np.zeros(n, dtype=np.uint8))
            h.setOptionValue("mip_max_nodes", highspy.kHighsIInf)

    def solve(self) -> tuple[float, np.ndarray] | None:
        """The relaxation's optimum as (objective, x), or None (infeasible or out of time)."""
        left = self.left()
        if left <= 0:
            self.out_of_time = True
            return None
        self.h.setOptionValue("time_limit", left)
        run_highs(self.h)
        self.solves += 1
        status, _ = from_highs(self.h.getModelStatus(), has_plan=True)
        if status is not SolveStatus.OPTIMAL:
            self.out_of_time = status is SolveStatus.TIME_LIMIT
            return None
        x = np.asarray(self.h.getSolution().col_value)
        return float(self.h.getInfo().objective_function_value), x


@dataclass
class _Columns:
    """The model's integer columns by role."""

    contracts: dict[int, list[int]]
    """open column -> its tier columns, tier 0 first."""
    owned: dict[int, list[int]]
    """open column -> the other columns that must be 0 when the contract is closed (its
    delivery periods and whole lots)."""
    binary: np.ndarray
    """Every yes/no column (open and tier included)."""
    general: np.ndarray
    """Every other integer column (lots, whole units, packages)."""


def _columns(model: HighsModel, lp: _Lp) -> _Columns:
    """The roles, kept on ``model`` where they follow from its structure alone (named
    column blocks: a yes/no column stays one whatever its bounds), so a re-solve reads
    them once (mip-M: 0.017 s of a 0.1 s heuristic)."""
    if isinstance(model.heuristic_columns, _Columns):
        return model.heuristic_columns
    out = _read_columns(model, lp)
    if model.lin.columns:
        model.heuristic_columns = out
    return out


def _read_columns(model: HighsModel, lp: _Lp) -> _Columns:
    lin = model.lin
    integer = model.integer
    binary = integer & (lp.lower >= 0) & (lp.upper <= 1)
    if lin.columns:
        # only yes/no decisions are rounded as such: a count bounded by 1 (whole lots of an
        # offer whose capacity holds one lot a period) rounded up where the relaxation
        # takes any of it would overrun the capacity (eda-L: no plan at all)
        yes_no = np.zeros(len(integer), dtype=bool)
        for block in lin.columns.values():
            if block.yes_no:
                yes_no[block.start : block.stop] = True
        binary &= yes_no
    contracts: dict[int, list[int]] = {}
    owned: dict[int, list[int]] = defaultdict(list)
    opened = lin.columns.get("open")
    if opened is not None:
        open_of = {tuple(k): j for j, k in enumerate(opened.keys, opened.start)}
        tiers = lin.columns.get("tier")
        if tiers is not None:
            for j, key in enumerate(tiers.keys, tiers.start):
                c = open_of.get(tuple(key[:-1]))
                if c is not None:
                    contracts.setdefault(c, []).append(j)
        delivers = lin.columns.get("delivers")
        if delivers is not None:
            for j, key in enumerate(delivers.keys, delivers.start):
                c = open_of.get(tuple(key[:-1]))
                if c is not None:
                    owned[c].append(j)
        lots = lin.columns.get("lots")
        contract_of = _contract_of_route(lin, open_of)
        if lots is not None and contract_of:
            for j, key in enumerate(lots.keys, lots.start):
                c = contract_of.get(tuple(key[:3]))
                if c is not None:
                    owned[c].append(j)
    return _Columns(
        contracts=contracts,
        owned=dict(owned),
        binary=np.flatnonzero(binary),
        general=np.flatnonzero(integer & ~binary),
    )


def _contract_of_route(lin: LinearModel, open_of: dict[tuple, int]) -> dict[tuple, int]:
    """(producer, item, nation) -> open column, read from the order-tier links: an order
    ``x[p,i,n,a,k]`` is linked to its contract's tier ``k``."""
    orders, tiers = lin.columns.get("order"), lin.columns.get("tier")
    link = lin.rows.get("order_tier_link")
    if orders is None or tiers is None or link is None:
        return {}
    tier_keys = {j: tuple(k) for j, k in enumerate(tiers.keys, tiers.start)}
    order_keys = {j: tuple(k) for j, k in enumerate(orders.keys, orders.start)}
    indptr, indices = lin.indptr, lin.indices
    out: dict[tuple, int] = {}
    for r in range(link.start, link.stop):
        cols = indices[indptr[r] : indptr[r + 1]]
        order = next((order_keys[j] for j in cols if j in order_keys), None)
        tier = next((tier_keys[j] for j in cols if j in tier_keys), None)
        if order is None or tier is None:
            continue
        c = open_of.get(tier[:-1])
        if c is not None:
            out.setdefault(order[:3], c)
    return out


def _round_binaries(x: np.ndarray, cols: _Columns) -> np.ndarray:
    """Yes/no values for every binary column (in ``cols.binary`` order)."""
    value = (x > ACTIVE).astype(float)
    for c, tiers in cols.contracts.items():
        weights = x[tiers]
        is_open = weights.max(initial=0.0) > ACTIVE or x[c] > ACTIVE
        value[tiers] = 0.0
        value[c] = 1.0 if is_open else 0.0
        if is_open:
            value[tiers[int(np.argmax(weights))]] = 1.0  # first of equal weights
    for c, others in cols.owned.items():
        if value[c] == 0.0:
            value[others] = 0.0
    return value[cols.binary]


def first_plan(model: HighsModel, time_limit: float | None = None) -> FirstPlan:
    """A complete plan for ``model``'s current stage (objective and cap as set), or
    ``FirstPlan(None)``. ``time_limit``: the stage's; the heuristic takes at most
    :data:`BUDGET_SHARE` of it."""
    started = time.perf_counter()
    budget = DEFAULT_BUDGET if time_limit is None else BUDGET_SHARE * time_limit
    out = FirstPlan(None)
    if not model.mip:
        return out
    lp = _Lp(model, started + budget)
    lp.stage_end = None if time_limit is None else started + time_limit
    try:
        _search(lp, _columns(model, lp), out)
    finally:
        out.lp_solves = lp.solves
        out.seconds = time.perf_counter() - started
    log.info(
        "first plan: %s (objective %s, %d linear solves, %.2f s)",
        "; ".join(out.steps),
        out.objective,
        out.lp_solves,
        out.seconds,
    )
    return out


def _search(lp: _Lp, cols: _Columns, out: FirstPlan) -> None:
    started = time.perf_counter()
    relaxed = lp.solve()
    # a re-solve's relaxation starts warm (mip-M: 0.004 s against 0.09 s cold) but HiGHS's
    # root does not: the cold time of the stage is kept
    out.relaxation_seconds = max(
        time.perf_counter() - started, lp.model.relaxation_seconds.get(lp.stage, 0.0)
    )
    lp.model.relaxation_seconds[lp.stage] = out.relaxation_seconds
    if relaxed is not None:
        lp.model.relaxation_bases[lp.stage] = lp.h.getBasis()
    if relaxed is None:
        out.steps.append("relaxation " + ("out of time" if lp.out_of_time else "not solved"))
        return
    out.steps.append(f"relaxation {relaxed[0]:.6g}")
    if lp.stage_end is not None and _root_overruns(
        out.relaxation_seconds, lp.stage_end - lp.deadline, lp.stage_end - started
    ):
        # HiGHS could not get through its root in the time the heuristic would leave it
        # (stage_start then keeps the heuristic's plan): the heuristic takes all the time
        lp.deadline, lp.improve = lp.stage_end, True
        out.steps.append("all the time limit: too short for HiGHS's root")
    out.bound = relaxed[0]
    x = relaxed[1]
    fixed = _round_binaries(x, cols)
    lp.fix(cols.binary, fixed)
    # the moves below start warm from this solve's basis; a large model's re-solve itself
    # from scratch (CLEAR_COLUMNS)
    if lp.h.getNumCol() >= CLEAR_COLUMNS:
        lp.h.clearSolver()
    best = lp.solve()
    if best is None and lp.out_of_time:
        out.steps.append("out of time")
        return
    if best is None:
        out.steps.append("rounded decisions infeasible")
        rescue = _fallback(lp, cols, x)
        out.steps.append("fallback: " + ("found none" if rescue is None else "a plan"))
        if rescue is not None:
            out.objective, out.x = rescue
        return
    values = dict(zip(cols.binary.tolist(), fixed.tolist(), strict=True))
    # close contracts, least used in the relaxation first (ties: column order); a move
    # fixes more, so it saves at most what the rounding cost over the relaxation: not tried
    # where that is below MOVE_WORTH
    candidates = sorted(
        (c for c in cols.contracts if values[c] == 1.0), key=lambda c: (float(x[c]), c)
    )
    if best[0] - relaxed[0] <= MOVE_WORTH * max(1.0, abs(relaxed[0])):
        candidates = []
    # the moves save little (eda-L: 0.02% in 80 s): they leave the whole values most of
    # the time left
    moves_end = time.perf_counter() + MOVE_TIME_SHARE * lp.left()
    for c in candidates[:MAX_CLOSE_MOVES]:
        if time.perf_counter() >= moves_end:
            break
        shut = np.array([c, *cols.contracts[c], *cols.owned.get(c, [])], dtype=np.int32)
        lp.fix(shut, np.zeros(len(shut)))
        tried = lp.solve()
        if tried is not None and tried[0] < best[0] - 1e-9 * max(1.0, abs(best[0])):
            best = tried
            out.closed += 1
            for j in shut.tolist():
                values[j] = 0.0  # a closed contract's lots stay fixed at none
        else:
            # back to the rounded decisions; lots stay free until the last step
            kept = np.array([j for j in shut.tolist() if j in values], dtype=np.int32)
            lp.fix(kept, np.array([values[j] for j in kept.tolist()]))
            lp.free(np.array([j for j in shut.tolist() if j not in values], dtype=np.int32))
    out.steps.append(f"rounded {best[0]:.6g}, {out.closed} contract(s) closed")
    # whole values for the other integer columns: a small MIP with the contract decisions
    # (and what a closed contract owns) fixed, delivery periods, expansions and the other
    # yes/no columns its to choose again; else each rounded up, or down
    general = np.array([j for j in cols.general.tolist() if j not in values], dtype=np.int32)
    decided = {j for c, tiers in cols.contracts.items() for j in (c, *tiers)}
    decided.update(j for c in cols.contracts if values[c] == 0.0 for j in cols.owned.get(c, []))
    rest = np.array([j for j in cols.binary.tolist() if j not in decided], dtype=np.int32)
    plan: tuple[float, np.ndarray] | None = best
    if len(general) or len(rest):
        lp.free(rest)
        whole = np.concatenate([general, rest]).astype(np.int32)
        # first between the whole numbers either side of the relaxation's values: on the
        # largest models (eda-L: 20,589 whole lots) the small MIP over the full ranges finds
        # nothing within its nodes, and every lot rounded one way is infeasible
        # (the yes/no columns left to choose stay at their rounded values there, so only
        # the wider search re-chooses them: freeing those the relaxation has between 0
        # and 1 made the search slower, eda-L under a 60 s limit 33% above the bound
        # against 5-9%)
        fixed_rest = np.array([values[j] for j in rest.tolist()])
        near = np.concatenate([best[1][general], fixed_rest])
        rounded = _nearest(lp, whole, near)
        if (
            rounded is not None
            and out.bound is not None
            and lp.model.within_gap(rounded[0], out.bound)
        ):
            plan, step = rounded, "whole values rounded to nearest"
        else:
            plan = lp.solve_whole(whole, near=near)
            step = "whole values near the relaxation by a small MIP"
        if plan is not None and lp.improve and lp.left() > 0:
            # the plan is the answer (no search follows): the time left improves it
            better = lp.solve_whole(whole, near=near, start=plan[1])
            if better is not None and better[0] < plan[0]:
                plan, step = better, step + ", searched on to the time limit"
        if plan is None:
            plan = lp.solve_whole(whole)
            step = "whole values by a small MIP"
        if plan is None and rounded is not None:
            # feasible but not within the gap: still a plan, before rounding all up or down
            plan, step = rounded, "whole values rounded to nearest"
        lp.fix(rest, fixed_rest)
        for name, rounder in (("up", math.ceil), ("down", math.floor)):
            if plan is not None:
                break
            shift = -WHOLE if name == "up" else WHOLE
            v = np.array([float(rounder(t + shift)) for t in best[1][general].tolist()])
            lp.fix(general, v)
            plan, step = lp.solve(), f"whole values rounded {name}"
        if plan is None:
            out.steps.append("whole values infeasible")
            return
        out.steps.append(step)
    assert plan is not None
    out.x = plan[1]
    out.objective = plan[0]


def _nearest(lp: _Lp, cols: np.ndarray, near: np.ndarray) -> tuple[float, np.ndarray] | None:
    """``cols`` fixed at the whole numbers nearest ``near`` and the rest re-solved: the
    plan, or None; ``cols`` are continuous again afterwards. One linear solve, where the
    one-lot search is a MIP of its own (mip-M: 0.01 s against 0.1 s); not tried where the
    heuristic has the whole time limit (its plan is then the answer, and the search gives
    a better one)."""
    if lp.improve:
        return None
    lp.fix(cols, np.round(near))
    try:
        return lp.solve()
    finally:
        lp.free(cols)


def repaired(model: HighsModel, previous: np.ndarray, time_limit: float | None = None) -> FirstPlan:
    """``previous`` (a plan of another variant of the model: same columns and rows, other
    numbers) made feasible for ``model``'s numbers: its integer columns kept, the rest
    re-solved as a linear program. ``FirstPlan(None)`` where no such plan exists."""
    started = time.perf_counter()
    budget = DEFAULT_BUDGET if time_limit is None else BUDGET_SHARE * time_limit
    out = FirstPlan(None)
    if not model.mip or len(previous) != model.lin.ncols:
        return out
    if not np.isfinite(previous[model.integer]).all():
        out.steps.append("previous plan incomplete")
        return out
    lp = _Lp(model, started + budget)
    cols = np.flatnonzero(model.integer)
    # whole values within the bounds of this variant (a lower capacity may cut lots)
    lp.fix(cols, np.round(previous[cols]))
    plan = lp.solve()
    out.lp_solves, out.seconds = lp.solves, time.perf_counter() - started
    if plan is None and lp.out_of_time:
        out.steps.append("out of time")
    elif plan is None:
        out.steps.append("previous plan's decisions infeasible")
    else:
        out.steps.append("previous plan's decisions kept")
        out.objective, out.x = plan
    log.info("start from the previous plan: %s (%.2f s)", "; ".join(out.steps), out.seconds)
    return out


def start_plan(
    model: HighsModel,
    time_limit: float | None = None,
    *,
    previous: np.ndarray | None = None,
    heuristic: bool = True,
) -> FirstPlan:
    """The start for the first MIP stage: the better of the heuristic's plan
    (:func:`first_plan`, if ``heuristic``) and ``previous`` repaired (:func:`repaired`,
    where given); the previous plan's decisions can suit the new numbers worse than a
    fresh rounding does, or better (measured: ``needs_first`` variants of ``mip-M``).
    Where the heuristic's plan is already within the gap of its relaxation, no repair is
    tried: nothing can be proven better (``weighted`` variants of ``mip-M``: 0.02 s of a
    0.1 s start saved in most variants, whose previous decisions rarely fit)."""
    if not model.mip or (time_limit is not None and BUDGET_SHARE * time_limit < MIN_BUDGET):
        return FirstPlan(None)
    fresh = first_plan(model, time_limit) if heuristic else FirstPlan(None)
    if previous is None or (
        fresh.objective is not None
        and fresh.bound is not None
        and model.within_gap(fresh.objective, fresh.bound)
    ):
        return fresh
    # one budget for both: what the heuristic took comes off the repair's share
    left = None if time_limit is None else max(time_limit - fresh.seconds / BUDGET_SHARE, 0.0)
    if left is not None and BUDGET_SHARE * left < MIN_BUDGET:
        log.info("start from the previous plan: not tried, no time left")
        return fresh
    kept = repaired(model, previous, left)
    if kept.objective is None or (
        fresh.objective is not None and fresh.objective <= kept.objective
    ):
        fresh.seconds += kept.seconds
        return fresh
    kept.seconds += fresh.seconds
    kept.bound, kept.relaxation_seconds = fresh.bound, fresh.relaxation_seconds
    return kept


def better_start(
    model: HighsModel, start: np.ndarray, time_limit: float | None = None
) -> FirstPlan:
    """The start for a later MIP stage that already has one (the cost stage starts from
    the needs stage's plan), with the heuristic's bound (its relaxation's optimum) so that
    a start already within the gap is the answer
    (:meth:`~aggregate.model.highs.HighsModel.proven`). The heuristic's own plan replaces
    the given start only where it costs less and is within the gap: otherwise HiGHS
    searches from the given start, which it is known to accept (a plan HiGHS rejects by a
    hair would leave the stage without a start, and the air-defence and ammunition cost
    stages find no plan without one)."""
    given = FirstPlan(start, float(np.dot(model.cost, start)))
    # without a heuristic run of its own (too little time), the stage's root is judged
    # from the relaxations already solved (the needs stage's)
    given.relaxation_seconds = max(model.relaxation_seconds.values(), default=0.0)
    if not model.mip or (time_limit is not None and BUDGET_SHARE * time_limit < MIN_BUDGET):
        return given
    fresh = first_plan(model, time_limit)
    if (
        fresh.x is not None
        and fresh.objective is not None
        and fresh.bound is not None
        and fresh.objective < given.objective  # type: ignore[operator]
    ):
        fresh.answer = model.proven(fresh.x, fresh.bound)
        if fresh.answer is not None:
            return fresh
        given.cheaper = fresh.x
    given.bound, given.seconds, given.lp_solves = fresh.bound, fresh.seconds, fresh.lp_solves
    given.relaxation_seconds = fresh.relaxation_seconds
    return given


def stage_start(
    model: HighsModel,
    time_limit: float | None,
    start: np.ndarray | None = None,
    *,
    first: bool,
    previous: np.ndarray | None = None,
    heuristic: bool = True,
) -> FirstPlan | None:
    """How a MIP stage starts, for the whole model and for a block alike: the first stage
    (``first``, no ``start``) from :func:`start_plan`, a later stage given a start (the
    cost stage) from :func:`better_start` where ``heuristic``; None where neither applies.
    The chosen start, checked once, is the stage's :attr:`FirstPlan.answer` where it is
    proven within the gap of the relaxation's bound, or where HiGHS's root would not fit
    in the time left (:func:`_root_overruns`; then the cheaper of the start and the
    heuristic's own plan, status ``time_limit``)."""
    if not model.mip:
        return None
    if start is None and first:
        plan = start_plan(model, time_limit, previous=previous, heuristic=heuristic)
    elif start is not None and heuristic:
        plan = better_start(model, start, time_limit)
    else:
        return None
    if plan.answer is None and plan.x is not None and plan.bound is not None:
        plan.answer = model.proven(plan.x, plan.bound)
    if (
        plan.answer is None
        and plan.x is not None
        and time_limit is not None
        and _root_overruns(plan.relaxation_seconds, time_limit - plan.seconds, time_limit)
    ):
        # HiGHS would not get through its root in the time left, and overruns the limit in
        # it: the cheapest plan at hand as it is, with its gap to the relaxation (none where
        # the relaxation itself ran out of time)
        root = ROOT_FACTOR * plan.relaxation_seconds
        for x in sorted(
            (x for x in (plan.cheaper, plan.x) if x is not None),
            key=lambda x: float(np.dot(model.cost, x)),
        ):
            plan.answer = model.out_of_time(x, plan.bound, root)
            if plan.answer is not None:
                plan.x, plan.objective = x, plan.answer.objective
                break
    return plan


def _root_overruns(relaxation_seconds: float, left: float, time_limit: float) -> bool:
    """A relaxation of at least :data:`SLOW_RELAXATION`, and HiGHS's root
    (:data:`ROOT_FACTOR` times the relaxation) would end past the time ``left`` by more
    than an overrun the solve lets pass unremarked (the larger of
    :data:`~aggregate.status.OVERRUN_GRACE` and a tenth of the limit)."""
    over = ROOT_FACTOR * relaxation_seconds - left
    return relaxation_seconds >= SLOW_RELAXATION and over > max(OVERRUN_GRACE, 0.1 * time_limit)


def _fallback(lp: _Lp, cols: _Columns, x: np.ndarray) -> tuple[float, np.ndarray] | None:
    """Where the rounded decisions admit no plan (opening every contract with any volume
    can break a budget with their fixed costs): only the decisions the relaxation already
    takes whole are fixed, and the small MIP chooses the rest."""
    b = cols.binary
    v = x[b]
    whole = (v <= ACTIVE) | (v >= 1.0 - ACTIVE)
    lp.free(b[~whole])
    lp.fix(b[whole], np.round(v[whole]))
    return lp.solve_whole(np.concatenate([b[~whole], cols.general]).astype(np.int32))
