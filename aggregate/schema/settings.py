"""How a scenario is solved: objective mode, limits and solver options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import Field, field_validator

from aggregate.schema.base import Money, StrictModel
from aggregate.schema.presets import OptionValue, PresetName, options_field

if TYPE_CHECKING:
    from aggregate.schema.needs import Demand


Solver = Literal[
    "highs",
    "appsi_highs",
    "cbc",
    "glpk",
    "scip",
    "scip_direct",
    "gurobi",
    "gurobi_direct",
    "cplex",
    "cplex_direct",
    "xpress",
    "xpress_direct",
]
"""The solvers a scenario, a study or the command line may name: ``highs`` (HiGHS, direct)
or one of Pyomo's solver interfaces. A fixed list, because Pyomo's ``SolverFactory`` also
runs any executable given by path: input must never be able to run a program."""

SOLVERS: tuple[str, ...] = get_args(Solver)


def check_solver(name: str) -> str:
    """``name`` if it is one of :data:`SOLVERS`; else ``ValueError`` listing them."""
    if name not in SOLVERS:
        raise ValueError(f"unknown solver {name!r}; choose one of: {', '.join(SOLVERS)}")
    return name


def discount(rate: float, period: int) -> float:
    """The needs stage's weight of period ``period`` (0 = the first) at a per-period
    discount ``rate``: ``(1 + rate)^-period``, 1 in the first period."""
    return float((1.0 + rate) ** -period)


class SolveSettings(StrictModel):
    """Objective and solver settings stored with a scenario (overridable at solve time)."""

    objective: Literal["needs_first", "weighted"] = "needs_first"
    """``needs_first``: minimise priority-weighted shortfall and lateness, then cost without
    worsening the first stage. ``weighted``: minimise cost plus shortfall and lateness
    penalties in one objective."""
    needs_tolerance: float = Field(default=0.0, ge=0, le=1)
    """Relative slack allowed on the first stage's optimum when minimising cost."""
    lateness_weight: float = Field(default=0.1, ge=0, le=1)
    """Needs stage: weight of one unit-period late against one unit short."""
    needs_discount: float = Field(default=0.01, ge=0, le=1)
    """Needs stage: time preference, per period. A unit short (and a unit-period late) of a
    demand due in period ``t`` (0 = the first) weighs :func:`discount` ``(1 + r)^-t``
    times its priority, so an earlier unit short weighs more than a later one. The default,
    1% a quarter, spans 1.12 over 12 periods and 1.48 over 40: less than the ratio of
    any two priority classes a scenario would use (1.5 or more), which the checks enforce;
    0 weighs every period alike."""
    participation: Literal["unconditional", "no_worse_than_alone"] = "unconditional"
    """Pooled plans only. ``no_worse_than_alone``: individual rationality, each nation
    takes part only if pooling leaves it no worse: no more units short of any capability
    than in the going-alone plan (with aid kept, solved first), and no more spent from its
    budget for the same met demand (each unit met beyond the going-alone plan may cost its
    list price). ``unconditional``: the pooled plan may leave a nation worse off where that
    serves the needs of all."""
    default_shortfall_penalty: Money = 1e5
    """Weighted objective: currency units per unit short and unit of priority, where a
    demand gives no penalty of its own."""
    default_lateness_penalty: Money = 1e3
    """Weighted objective: currency units per unit-period late and unit of priority."""
    tighten_bounds: bool = True
    """Linking rows (an order, a contract's volume or a delivery period against its binary)
    use the least valid big-M: the producer's capacity or what the route can ever usefully
    take (its nation's reachable demand, stock room, sustainment and donations, or a tier,
    minimum order or commitment that forces more, in whole lots), whichever is smaller.
    Routes whose volume can matter to another nation's payments keep the capacity (a fund
    paying a share of a contract's value or a component-origin share; a consortium's
    members get at least one lot). Offers sold in lots also get their capacity counted in
    whole lots (``capacity_lots_upper``). The optimum is the same; the LP relaxation is
    tighter. ``false``: the capacity alone, in units (as before; for comparison)."""
    solver: Solver = "highs"
    """Solver name: ``highs``, or a Pyomo solver of :data:`SOLVERS` that is installed."""
    time_limit: float | None = Field(default=None, gt=0)
    """Wall-clock limit per solve, seconds. Absent: none."""
    mip_gap: float = Field(default=1e-6, ge=0, le=1)
    """Relative optimality gap at which the solver stops."""
    first_plan: Literal["heuristic", "none"] = "none"
    """MIPs only: the plan HiGHS's search starts from. ``none`` (the default): HiGHS starts
    without a plan (measured faster to a 1% gap on the benchmark suite and the library's
    scenarios: docs/faq.md). ``heuristic``: the linear relaxation
    with contracts, tiers and other yes/no decisions rounded and fixed, contracts closed
    where that saves, whole lots rounded, then re-solved (a share of the time limit, see
    docs/faq.md), or in a re-solve the previous variant's plan where it still fits; the
    cost stage starts from the better of the needs stage's plan and the heuristic's. A
    start already within ``mip_gap`` of the relaxation's bound is the answer, with no
    branch and bound. The optimum is the same either way."""
    threads: int | None = Field(default=None, ge=1, le=1024)
    """Solver threads. Absent: the solver's default. With HiGHS the MIP stages always run on
    one thread (its search path depends on the thread count, so a fixed count keeps the plan
    the same on any machine and setting); this applies to its linear solves."""
    preset: PresetName = "default"
    """HiGHS's way of searching (:data:`aggregate.schema.presets.PRESETS`): ``default``;
    ``feasible_first`` (more heuristics: a good plan early under a time limit);
    ``bound_first`` (fewer heuristics, cuts kept longer: proving the bound); ``lp_simplex``
    or ``lp_ipm`` (the algorithm for linear programs); ``no_presolve`` (HiGHS without its
    presolve: the fastest on the benchmark suite's MIPs; also for diagnosis). Every preset
    reaches the same optimum; they differ in how fast."""
    highs_options: dict[str, OptionValue] = Field(default_factory=dict)
    """Raw HiGHS options on top of the preset, e.g. ``{mip_heuristic_effort: 0.2}``. Only
    options that change how HiGHS searches are accepted (not files, output, threads, the
    gap or the time limit: those have their own settings)."""

    @field_validator("highs_options", mode="before")
    @classmethod
    def _known_highs_options(cls, value: Any) -> Any:
        return options_field(value)

    split_blocks: bool = True
    """Solve independent parts of the scenario apart (HiGHS): where items, producers, funds,
    budgets and stocks of one part share nothing with another's, the cost stage (and a
    weighted solve) runs one problem per part and joins the plans, the same optimum as the
    whole; the needs stage stays whole. Up to ``threads`` parts run at once (absent: one per
    core), each on one HiGHS thread. The ``blocks`` key figure says how many parts were
    solved apart (absent: solved whole)."""

    def penalties(self, demand: Demand) -> tuple[float, float]:
        """The demand's (shortfall, lateness) penalties in the weighted objective: its own,
        or the defaults times its priority."""
        short = (
            demand.shortfall_penalty
            if demand.shortfall_penalty is not None
            else self.default_shortfall_penalty * demand.priority
        )
        late = (
            demand.lateness_penalty
            if demand.lateness_penalty is not None
            else self.default_lateness_penalty * demand.priority
        )
        return short, late
