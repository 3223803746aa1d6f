"""One variant's work on a worker: solve, verify, and package the result for the driver.

:func:`run_variant` never raises for a problem of the variant itself (an infeasible
scenario, a solver error, an exception in the model): it returns a failed
:class:`Outcome` with the error, since solving again would fail again. An exception that
reaches the driver therefore means the machinery failed (a worker died, a message was
lost), which the runner retries. :func:`solve_variant` is the only place that solves, so a
faster re-solver can take its place.
"""

from __future__ import annotations

import os
import socket
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from aggregate.result import Solution
from aggregate.schema import Scenario

FIGURES = ("total_cost", "short", "weighted_shortfall", "fill_rate", "on_time_rate", "gap")
"""Key figures of an :class:`Outcome` that the store keeps as columns of ``variants`` (all
are in ``key_figures`` as JSON) and the comparison shows."""
BASELINE_FIGURES = (
    "total_cost_alone", "value_cost", "value_cost_share", "value_short",
    "fill_rate_alone", "weighted_shortfall_alone",
)  # fmt: skip
"""The value of pooling, from an :class:`Outcome`'s ``totals`` (studies with the
baseline)."""


@dataclass(frozen=True)
class Job:
    """What a worker needs to solve one variant (pickled to the worker)."""

    hash: str
    name: str
    scenario: Scenario
    solve_options: dict[str, Any]
    baseline: bool = False
    verify: bool = True


@dataclass
class Outcome:
    """What a worker sends back for one variant."""

    hash: str
    name: str
    ok: bool
    """True when the joint plan exists (optimal, or time limit with a plan)."""
    solve_status: str
    """The joint plan's :class:`~aggregate.result.SolveStatus`, or ``error``."""
    error: str = ""
    """Why the variant failed (solver message or the exception's traceback)."""
    message: str = ""
    """The solver's message (time limit, fallback), also for a plan."""
    key_figures: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    plans: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    """``pooled`` (and ``alone`` with the baseline) -> the plan's tables."""
    alone_status: str | None = None
    """The going-alone plan's status (None without the baseline)."""
    totals: dict[str, Any] = field(default_factory=dict)
    """Value of pooling in total (see :class:`aggregate.baseline.Comparison`)."""
    by_nation: pd.DataFrame | None = None
    """Value of pooling per nation."""
    verified: bool | None = None
    """Whether :func:`aggregate.verify` passed every plan (None: not checked)."""
    violations: int = 0
    seconds: float = 0.0
    """Wall-clock seconds on the worker."""
    worker: str = ""
    """``host:pid`` of the worker."""


def solve_variant(
    scenario: Scenario, options: dict[str, Any], baseline: bool
) -> tuple[Solution, Solution | None, Any]:
    """Solve the joint plan (and the going-alone plan with ``baseline``).

    Returns ``(pooled, alone, comparison)``; ``alone`` and ``comparison`` are None without
    the baseline.
    """
    options = dict(options)
    reuse = options.pop("reuse_model", False)
    if baseline:
        from aggregate.baseline import compare

        cmp = compare(scenario, **options)
        return cmp.pooled, cmp.alone, cmp
    if reuse and options.get("solver", "highs") == "highs":
        from aggregate.resolve import solve_cached

        options.pop("solver", None)
        return solve_cached(scenario, **options), None, None
    from aggregate.solve import solve

    return solve(scenario, **options), None, None


def run_variant(job: Job) -> Outcome:
    """Solve ``job``'s variant and package its result; failures are returned, not raised."""
    started = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        outcome = _run(job)
    except Exception as exc:  # a variant's own failure: report it, the study goes on
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        detail = traceback.format_exc(limit=-6)
        outcome = Outcome(job.hash, job.name, False, "error", error=f"{text}\n{detail}")
    outcome.seconds = time.perf_counter() - started
    outcome.worker = worker
    return outcome


def _run(job: Job) -> Outcome:
    pooled, alone, cmp = solve_variant(job.scenario, job.solve_options, job.baseline)
    if pooled.status.interrupted or (alone is not None and alone.status.interrupted):
        # Ctrl-C, not the variant: storing this would mark the variant done or failed
        raise KeyboardInterrupt
    status = pooled.status
    outcome = Outcome(
        job.hash,
        job.name,
        status.has_plan,
        status.value,
        message=pooled.message,
        key_figures=dict(pooled.key_figures),
        timings=dict(pooled.timings),
    )
    if not status.has_plan:
        outcome.error = f"{status.value}: {pooled.message or 'no plan'}"
        return outcome
    outcome.plans["pooled"] = pooled.tables
    if alone is not None:
        outcome.alone_status = alone.status.value
        if alone.status.has_plan:
            outcome.plans["alone"] = alone.tables
            outcome.totals = dict(cmp.totals)
            outcome.by_nation = cmp.by_nation
    if job.verify:
        from aggregate.verify import verify

        checks = [verify(job.scenario, pooled)]
        if alone is not None and alone.status.has_plan:
            checks.append(verify(job.scenario, alone))
        outcome.violations = sum(len(c.violations) for c in checks)
        outcome.verified = outcome.violations == 0
        if not outcome.verified:
            outcome.message = "; ".join(
                filter(None, [outcome.message, *(str(c) for c in checks if not c.ok)])
            )
    return outcome
