"""Explain a plan: bottlenecks, reasons for each shortfall, and expansion options not taken."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from aggregate.explain.bottlenecks import EXPANSION_COLUMNS, expansion_values, rank_bottlenecks
from aggregate.explain.duals import Marginals, marginal_values
from aggregate.explain.shortfalls import REASONS, shortfall_reasons
from aggregate.result import Solution
from aggregate.schema import Scenario
from aggregate.solve import SolverOptions, solve


@dataclass
class Explanation:
    """Why a plan looks as it does. Every table is a tidy DataFrame."""

    bottlenecks: pd.DataFrame
    """Rules worth relaxing, ranked (columns in :data:`BOTTLENECK_COLUMNS`)."""
    shortfall_reasons: pd.DataFrame
    """The most valuable reasons per short or late demand, one row each
    (:data:`REASON_COLUMNS`)."""
    expansions: pd.DataFrame
    """Each expansion option not taken: what it would change and its break-even cost."""
    marginals: pd.DataFrame
    """Every rule of the plan's LP with slack and marginal values (as re-solving gives them,
    with their range, beside the dual prices), binding or not."""
    objective: str = "needs_first"
    needs: float | None = None
    """Weighted shortfall of the plan's LP (None for a weighted plan)."""
    cost: float = math.nan
    """Cost of the plan's LP (cost stage; weighted plans: cost plus penalties)."""
    currency: str = "EUR"
    notes: list[str] = field(default_factory=list)

    def sentences(self, top: int | None = 10, *, reasons: bool = True) -> list[str]:
        """The ``top`` bottlenecks, the shortfall reasons kept (unless ``reasons=False``)
        and the expansion options, in words."""
        out: list[str] = []
        ranked = self.bottlenecks if top is None else self.bottlenecks.head(top)
        if ranked.empty:
            out.append(
                "No rule binds: one more unit of any capacity, budget or floor changes nothing."
            )
        out.extend(f"{r.rank}. {r.sentence}" for r in ranked.itertuples(index=False))
        if reasons:
            out.extend(self.shortfall_reasons.sentence)
        out.extend(self.expansions.sentence)
        out.extend(self.notes)
        return out


def explain(
    scenario: Scenario,
    plan: Solution | None = None,
    *,
    top: int | None = None,
    expansions: bool = True,
    reasons: int | None = REASONS,
    all_reasons: bool = False,
    **solve_options: Any,
) -> Explanation:
    """Explain ``plan`` (solved here with ``solve_options`` when not given).

    The plan is only read: its integer decisions are fixed in a fresh build of the model and
    the LP re-solved to price every rule (:mod:`aggregate.explain.duals`); each price is
    re-solved with its rule relaxed, so that the values reported are those a re-solve gives,
    with the range over which they hold (:mod:`aggregate.explain.ranging`). ``top`` keeps
    the ``top`` bottlenecks; ``reasons`` the most valuable reasons per short demand (None:
    all); ``all_reasons=True`` keeps every reason, rules met with no slack but no value
    included; ``expansions=False`` skips valuing the expansion options not taken (one full
    solve each).
    """
    if plan is None:
        plan = solve(scenario, **solve_options)
    marginals: Marginals = marginal_values(scenario, plan)
    bottlenecks = rank_bottlenecks(marginals, top)
    why = shortfall_reasons(
        scenario, plan, marginals, None if all_reasons else reasons, every=all_reasons
    )
    options = SolverOptions.from_settings(
        scenario.settings,
        solver=solve_options.get("solver"),
        time_limit=solve_options.get("time_limit"),
        mip_gap=solve_options.get("mip_gap"),
        threads=solve_options.get("threads"),
        parallel=bool(solve_options.get("parallel", False)),
        preset=solve_options.get("preset"),
        highs_options=solve_options.get("highs_options"),
    )
    if expansions:
        table = expansion_values(scenario, plan, marginals, options)
    else:
        table = pd.DataFrame(columns=EXPANSION_COLUMNS)
    notes = list(marginals.notes)
    if not bottlenecks.empty:
        notes.append(
            "Each value is what re-solving the plan with that rule relaxed gives, with its "
            "contracts, tiers, lots and expansions kept, and holds for the relaxation stated; "
            "a full solve may do better by changing those, and cost changes below the plan's "
            "MIP gap may not show in one."
        )
    if plan.status.value != "optimal":
        notes.append(
            f"The plan ended '{plan.status.value}' (gap {plan.gap}); its prices hold for its own "
            "integer decisions, which may not be the best."
        )
    return Explanation(
        bottlenecks=bottlenecks,
        shortfall_reasons=why,
        expansions=table,
        marginals=marginals.frame,
        objective=marginals.data.objective,
        needs=marginals.needs,
        cost=marginals.cost,
        currency=marginals.namer.currency,
        notes=notes,
    )
