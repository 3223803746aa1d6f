"""Explain a plan and diagnose infeasible scenarios.

* :func:`explain` prices every rule of a solved plan (capacities, component supply,
  budgets, fund caps, floors, refill targets) by the dual prices of its LP with the integer
  decisions fixed, each confirmed by re-solving with the rule relaxed and given with the
  range over which it holds; ranks the bottlenecks, gives the most valuable reasons for
  each shortfall (naming the scenario field to change) and values the expansion options
  not taken.
* :func:`diagnose` names a minimal set of conflicting hard rules when no plan exists.
* :func:`plot_bottlenecks` draws the ranking.

::

    from aggregate.explain import diagnose, explain

    why = explain(scenario)           # or explain(scenario, plan)
    why.bottlenecks                   # rank, rule, entry, field, period, shortfall_avoided, ...
    why.shortfall_reasons             # the top reasons per short demand, with their values
    print("\\n".join(why.sentences()))
"""

from aggregate.explain.bottlenecks import BOTTLENECK_COLUMNS, EXPANSION_COLUMNS
from aggregate.explain.conflicts import CONFLICT_COLUMNS, Conflict, diagnose
from aggregate.explain.duals import MARGINAL_COLUMNS, ExplainError
from aggregate.explain.explanation import Explanation, explain
from aggregate.explain.plot import plot_bottlenecks
from aggregate.explain.shortfalls import REASON_COLUMNS

__all__ = [
    "BOTTLENECK_COLUMNS",
    "CONFLICT_COLUMNS",
    "EXPANSION_COLUMNS",
    "MARGINAL_COLUMNS",
    "REASON_COLUMNS",
    "Conflict",
    "ExplainError",
    "Explanation",
    "diagnose",
    "explain",
    "plot_bottlenecks",
]
