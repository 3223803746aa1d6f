"""Independent blocks of the matrix, solved apart and joined.

A scenario can fall into parts that share no row: no capacity, component, budget, fund or
stock links the items of one capability and their producers to another's. The model's
matrix then is block-diagonal after reordering, every objective (needs, cost, weighted) is a
sum over columns, so the optimum of the whole is the sum of the blocks' optima and the
joined plan of optimal blocks is an optimal plan of the whole. Each block is a smaller MIP:
branching in one part no longer multiplies the search of another.

Blocks are the connected components of the bipartite graph of active rows and columns
(:func:`find_blocks`), found on the matrix itself, so a link added by any constraint family
joins its parts without this module knowing the family. :class:`BlockRunner` runs one
objective stage on every block (one :class:`~aggregate.model.highs.HighsModel` each) and
joins the outcomes (:func:`join`).

Which stages run split (measured on two renamed ``mip/M`` instances joined, needs first,
gap 1e-4, on a busy 2-core machine; whole against split, seconds):

* the needs-first cost stage, split. Its cap ``needs . x <= bound`` is one row over every
  block, so in the whole model HiGHS searches it as one problem: 27-57 s whole (or a 170 s
  limit with a 2.4% gap left) against 13-21 s split.
* the needs stage, whole: 14-30 s whole against 41-52 s split (each part must reach the gap
  on its own, the whole only on the sum). Each block's needs in its plan is that block's
  cap in the cost stage. At the needs optimum every block is at its own (else the whole
  could improve), so the caps sum to the whole's cap and the split is exact; within a gap
  or after a time limit the caps are tighter than the whole's one cap, which the needs plan
  meets, so the cost stage stays feasible but may cost a little more.
* with a needs tolerance the slack may be spent in any block: the cost stage runs whole.
* the weighted objective (no cap), split: 15-33 s whole against 16-37 s split, no
  measurable difference on 2 busy cores; split, the parts run side by side where cores
  are free.

End to end, needs first: 43-88 s whole, 58-63 s all split, 23-49 s as above.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from aggregate.model.heuristic import stage_start
from aggregate.model.highs import SEARCH_THREADS, HighsModel, objective_of, use_threads
from aggregate.model.linear import LinearModel
from aggregate.result import SolveStatus
from aggregate.status import Outcome

log = logging.getLogger(__name__)

SMALL_BLOCK = 50
"""Columns below which a part with whole-unit decisions joins the pooled rest: a HiGHS
instance per tiny part costs more in set-up than its search saves."""

_FAILED = (SolveStatus.ERROR, SolveStatus.INFEASIBLE, SolveStatus.UNBOUNDED)
"""Statuses of a block that make the joined run end so, in this order of precedence."""


class Runner(Protocol):
    first_plan_seconds: float | None
    """Seconds spent finding starts: the first MIP stage's, and with the heuristic a
    later stage's (None: not tried)."""

    def run(
        self, model: pyo.ConcreteModel, deadline: float | None, start: Any = None
    ) -> Outcome: ...


@dataclass
class Part:
    """One block: its rows and columns in the whole matrix."""

    rows: np.ndarray
    cols: np.ndarray
    highs: HighsModel | None = None
    first_plan_seconds: float | None = None
    """Seconds spent finding this block's start (None: not tried)."""


def find_blocks(lin: LinearModel, active: np.ndarray | None = None) -> list[Part] | None:
    """The model's independent blocks, or None when it is one block (nothing to split).

    Connected components of rows and columns, where an active row links the columns it
    holds. Components with integer columns and at least :data:`SMALL_BLOCK` columns are
    blocks of their own; the rest (linear parts, tiny parts, columns in no row) join one
    pooled block. Blocks are ordered by their first column, so the split is the same
    whatever the order of solving. None also when fewer than two blocks have integer
    columns (a linear program gains nothing from a split, and keeps its duals whole), or
    when an active empty row cannot hold (the whole model then reports the conflict).
    """
    if not any(lin.integer):
        return None
    nrows, ncols = lin.nrows, lin.ncols
    on = np.ones(nrows, dtype=bool) if active is None else np.asarray(active, dtype=bool)
    lower, upper = np.asarray(lin.row_lower, float), np.asarray(lin.row_upper, float)
    # the stored pattern, not the summed matrix: a duplicate or zero entry can only join two
    # blocks that need not be (still correct), and sparing the sort saves most of the time
    wide = np.int64 if len(lin.indices) + nrows + ncols >= 2**31 else np.int32
    indptr = np.asarray(lin.indptr, dtype=wide)
    indices = np.asarray(lin.indices, dtype=wide)
    counts = np.diff(indptr)
    empty = counts == 0
    if np.any(on & empty & ((lower > 0) | (upper < 0))):
        return None
    if not on.all():  # inactive rows link nothing
        indices = indices[np.repeat(on, counts)]
        indptr = np.concatenate(([0], np.cumsum(np.where(on, counts, 0)))).astype(wide)
    # rows then columns as one graph's nodes, an edge from each row to each of its columns
    nodes = nrows + ncols
    graph = sp.csr_array(
        (
            np.ones(len(indices), dtype=np.int8),
            indices + nrows,
            np.concatenate((indptr, np.full(ncols, indptr[-1], dtype=wide))),
        ),
        shape=(nodes, nodes),
    )
    # weakly connected components of the one-way graph: the undirected components, without
    # the symmetric copy directed=False makes first (half the time on lp-L)
    count, labels = connected_components(graph, directed=True, connection="weak")
    col_label, row_label = labels[nrows:], labels[:nrows]
    size = np.bincount(col_label, minlength=count)
    whole_units = np.bincount(col_label, weights=np.asarray(lin.integer, float), minlength=count)
    own = (size >= SMALL_BLOCK) & (whole_units > 0)
    if own.sum() < 2:
        return None
    # blocks in the order of their first column; the rest (label -1) last
    block_of = np.full(count, -1)
    found, firsts = np.unique(col_label, return_index=True)  # labels of columns, first ones
    ordered = [c for c in found[np.argsort(firsts)] if own[c]]
    block_of[ordered] = np.arange(len(ordered))
    col_block, row_block = block_of[col_label], block_of[row_label]
    row_block[~on | (empty & (row_block < 0))] = -2  # inactive or empty rows: in no block
    cols, rows = _groups(col_block, len(ordered)), _groups(row_block, len(ordered))
    parts = [Part(rows[k], cols[k]) for k in range(len(ordered))]
    if len(cols[-1]):
        parts.append(Part(rows[-1], cols[-1]))
    return parts


def _groups(block: np.ndarray, count: int) -> list[np.ndarray]:
    """Positions (ascending) with each block number 0..count-1, then those with -1."""
    order = np.argsort(block, kind="stable")
    edges = np.searchsorted(block[order], np.arange(-1, count + 1))
    rest = order[edges[0] : edges[1]]
    return [order[edges[k + 1] : edges[k + 2]] for k in range(count)] + [rest]


def sub_model(
    lin: LinearModel, rows: np.ndarray, cols: np.ndarray, a: sp.csr_array | None = None
) -> LinearModel:
    """The rows ``rows`` over the columns ``cols`` of ``lin`` (whose matrix ``a`` is, if
    already made) as a numbers-only :class:`LinearModel` (``pyomo=False``), to hand to
    :class:`HighsModel`. The rows hold no column outside ``cols`` (a block's rows)."""
    a = (lin.matrix() if a is None else a)[rows][:, cols]
    part = LinearModel(pyomo=False)
    part.col_lower = np.asarray(lin.col_lower, float)[cols].tolist()
    part.col_upper = np.asarray(lin.col_upper, float)[cols].tolist()
    part.integer = np.asarray(lin.integer, dtype=bool)[cols].tolist()
    part.indptr = a.indptr.tolist()
    part.indices = a.indices.tolist()
    part.values = a.data.tolist()
    part.row_lower = np.asarray(lin.row_lower, float)[rows].tolist()
    part.row_upper = np.asarray(lin.row_upper, float)[rows].tolist()
    return part


def join(outcomes: list[Outcome], seconds: float) -> Outcome:
    """One outcome of the blocks' runs: the worst status (a failure, else the first early
    stop, without a plan if any block has none), objectives and bounds summed, and every
    early-stopped block's message (each once, in the blocks' order)."""
    for bad in _FAILED:
        failed = next((o for o in outcomes if o.status is bad), None)
        if failed is not None:
            return Outcome(bad, failed.message, seconds=seconds)
    has_plan = all(o.status.has_plan for o in outcomes)
    early = [o for o in outcomes if o.status is not SolveStatus.OPTIMAL]
    # a Ctrl-C says more than the time limit it cut short in later blocks
    early.sort(key=lambda o: not o.status.interrupted)
    status = SolveStatus.OPTIMAL if not early else early[0].status.stopped(has_plan)
    objective = bound = None
    if has_plan:
        objective = sum(float(o.objective or 0.0) for o in outcomes)
        bounds = [o.bound if o.bound is not None or not o.ok else o.objective for o in outcomes]
        if all(b is not None for b in bounds):
            bound = sum(float(b or 0.0) for b in bounds)
    return Outcome(
        status,
        "; ".join(dict.fromkeys(o.message for o in early if o.message)),
        objective,
        bound,
        seconds,
        all(o.has_solution for o in outcomes),
        sum(o.solver_seconds for o in outcomes),
        sum(o.nodes for o in outcomes),
    )


def describe(lin: LinearModel, part: Part) -> str:
    """A block in words: its columns and the items it orders."""
    items: set[str] = set()
    order = lin.columns.get("order")
    if order is not None:
        inside = part.cols[(part.cols >= order.start) & (part.cols < order.stop)]
        items = {str(order.keys[j - order.start][1]) for j in inside.tolist()}
    shown = ", ".join(sorted(items)[:5]) + (", ..." if len(items) > 5 else "")
    return f"{len(part.cols)} columns" + (f" (items {shown})" if items else "")


class BlockRunner:
    """Runs one objective stage on each block (same interface as the direct runner).

    ``whole`` makes a runner on the whole model, used for the needs stage and for a cost
    stage whose cap cannot be split (a needs tolerance above 0); see the module docstring.
    Each block's HiGHS instance is made when a stage first runs split. With ``workers`` above 1 the blocks run in that
    many Python threads at once (highspy releases the GIL while HiGHS runs), each with the
    time left; otherwise one after another, each with an equal share of the time left for
    the blocks not yet run (a block done early leaves its time to the next). Every block's
    HiGHS runs on :data:`SEARCH_THREADS`, so a block's plan does not depend on which
    finishes first, and the joined plan is the same either way.

    A split stage given no start (the weighted objective's) starts each block from the
    first plan of :func:`aggregate.model.heuristic.start_plan` for that block, if
    ``heuristic``, as the whole model's first stage would; a stage given a start (the cost
    stage) gets the heuristic's bound for the block, and its plan only where that is
    cheaper and within the gap (:func:`aggregate.model.heuristic.better_start`).
    """

    def __init__(
        self,
        lin: LinearModel,
        parts: list[Part],
        make: Callable[[LinearModel], HighsModel],
        *,
        needs_tolerance: float,
        whole: Callable[[], Runner],
        workers: int = 1,
        heuristic: bool = False,
        previous: np.ndarray | None = None,
    ) -> None:
        self.lin = lin
        self.previous = previous
        """A related plan's column values (``solve(start=...)``): each block's first stage
        starts from its part of them where they can be repaired."""
        self.parts = parts
        self.workers = max(1, min(workers, len(parts)))
        self._make = make
        self.needs_tolerance = needs_tolerance
        self._whole = whole
        self._whole_runner: Runner | None = None
        self.heuristic = heuristic
        self.needs_optima: list[float] | None = None
        """Each block's needs optimum, from the last needs stage."""
        self.ran_split = False
        """A stage ran block by block (else every stage ran on the whole model)."""

    def run(self, model: pyo.ConcreteModel, deadline: float | None, start: Any = None) -> Outcome:
        """One stage; ``start``: a plan of the whole (column values) feasible for it."""
        lin = self.lin
        assert lin.needs is not None
        t0 = time.perf_counter()
        cost = objective_of(model, lin)
        cap = model.needs_cap["stage1"] if "stage1" in model.needs_cap else None  # noqa: SIM401
        bound = None if cap is None or not cap.active else float(cap.ub)
        if model.needs_obj.active:
            return self._needs_whole(model, deadline, start)
        caps = self._caps(bound)
        if caps is None:
            # the cap's slack may be spent in any block: the whole model runs this stage
            return self._whole_run(model, deadline, start)
        self._make_parts()
        for part, part_cap in zip(self.parts, caps, strict=True):
            assert part.highs is not None
            part.highs.set_cost(cost[part.cols])
            part.highs.set_cap(lin.needs[part.cols], part_cap)

        def run(k: int) -> Outcome:
            part = self.parts[k]
            assert part.highs is not None
            left = None
            if deadline is not None:
                # in parallel each block has the time left; in turn, its share of it
                share = 1 if self.workers > 1 else len(self.parts) - k
                left = max((deadline - time.perf_counter()) / share, 0.01)
            part_start = None if start is None else start[part.cols]
            plan = stage_start(
                part.highs,
                left,
                part_start,
                first=part.first_plan_seconds is None,
                previous=None if self.previous is None else self.previous[part.cols],
                heuristic=self.heuristic,
            )
            if plan is None:
                return part.highs.run(left, part_start)
            part.first_plan_seconds = (part.first_plan_seconds or 0.0) + plan.seconds
            if plan.answer is not None:
                return plan.answer
            if left is not None:
                left = max(left - plan.seconds, 0.01)
            return part.highs.run(left, plan.x)

        if self.workers > 1:
            # one thread count for every run at once: a change would reset HiGHS's
            # scheduler under a running block (see highs.use_threads)
            use_threads(SEARCH_THREADS)
            with ThreadPoolExecutor(self.workers, thread_name_prefix="block") as pool:
                outcomes = list(pool.map(run, range(len(self.parts))))
        else:
            outcomes = [run(k) for k in range(len(self.parts))]
        out = join(outcomes, time.perf_counter() - t0)
        if out.has_solution:
            x = np.full(lin.ncols, np.nan)
            for part in self.parts:
                assert part.highs is not None and part.highs.x is not None
                x[part.cols] = part.highs.x
            lin.load_values(x)
        return out

    @property
    def first_plan_seconds(self) -> float | None:
        """Seconds spent finding first plans: the whole model's and every block's, summed
        (blocks in threads may overlap in time); None where none was tried."""
        whole = None if self._whole_runner is None else self._whole_runner.first_plan_seconds
        tried = [s for s in [whole, *(p.first_plan_seconds for p in self.parts)] if s is not None]
        return sum(tried) if tried else None

    def _whole_run(self, model: pyo.ConcreteModel, deadline: float | None, start: Any) -> Outcome:
        if self._whole_runner is None:
            self._whole_runner = self._whole()
        return self._whole_runner.run(model, deadline, start)

    def _needs_whole(self, model: pyo.ConcreteModel, deadline: float | None, start: Any) -> Outcome:
        """The needs stage on the whole model (measured faster than its blocks, see the
        module docstring); each block's needs in its plan is then that block's cap."""
        out = self._whole_run(model, deadline, start)
        if out.has_solution:
            x = self.lin.column_values()
            assert self.lin.needs is not None
            self.needs_optima = [float(self.lin.needs[p.cols] @ x[p.cols]) for p in self.parts]
        return out

    def _make_parts(self) -> None:
        """Each block's HiGHS instance, made on the first stage that runs split."""
        self.ran_split = True
        if self.parts[0].highs is not None:
            return
        log.info(
            "the model falls into %d independent blocks, solved apart: %s",
            len(self.parts),
            "; ".join(describe(self.lin, p) for p in self.parts),
        )
        a = self.lin.matrix()
        for part in self.parts:
            part.highs = self._make(sub_model(self.lin, part.rows, part.cols, a))
            if self.workers > 1:  # a linear block too: one thread count for all at once
                part.highs.h.setOptionValue("threads", SEARCH_THREADS)

    def _caps(self, bound: float | None) -> list[float | None] | None:
        """Each block's cap on its needs for the whole's ``bound`` (None: no cap), or None
        when the cap cannot be split."""
        if bound is None:
            return [None] * len(self.parts)
        optima = self.needs_optima
        if optima is None or (self.needs_tolerance > 0 and len(self._with_needs()) > 1):
            return None
        # the slack above the sum of the optima: all of it to the one block with needs
        # (exact), else the retry's hair (RETRY_SLACK, numerics only) shared as the whole's
        slack = max(bound - sum(optima), 0.0)
        needy = set(self._with_needs())
        weights = [max(1.0, abs(v)) if k in needy else 0.0 for k, v in enumerate(optima)]
        total = sum(weights) or 1.0
        return [v + slack * w / total for v, w in zip(optima, weights, strict=True)]

    def _with_needs(self) -> list[int]:
        """The blocks with a column in the needs measure."""
        assert self.lin.needs is not None
        return [k for k, p in enumerate(self.parts) if np.any(self.lin.needs[p.cols])]
