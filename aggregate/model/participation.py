"""The participation rule: no nation is worse off pooled than going alone.

With ``settings.participation: no_worse_than_alone`` the solve driver first solves the
going-alone plan (aid kept: funds, donations and bilateral purchases stay) and hands its
figures to the pooled model as bounds (:func:`bounds`): each nation's units short per
capability, and its spending. The pooled plan must meet both for every nation, so every
nation gains from pooling or at worst keeps what it had alone (individual rationality, the
condition under which a nation would sign up). The going-alone plan meets the bounds
itself except where a pooled rule costs a nation more than going alone did (a fixed cost
the pooled contract charges to a host nation that ordered nothing alone, for example):
then the rule cannot hold and the solve says so (infeasible), naming the rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pandas as pd
import pyomo.environ as pyo

from aggregate.data import ModelData
from aggregate.model.contracts import Rows
from aggregate.model.funds import nation_spending, placed_constant
from aggregate.model.linear import INF, Row, linear
from aggregate.tables import SPECS

SLACK = 1e-9
"""Relative slack on each bound (at least ``SLACK`` absolute): the going-alone figures come
from a solve and hold to the solver's tolerances, not exactly."""


def bound(value: float) -> float:
    """A going-alone figure as a bound of the pooled plan (with :data:`SLACK`)."""
    return value + SLACK * max(1.0, abs(value))


def participation_short_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""No nation is more short of a capability pooled than going alone.

    :math:`\sum_{d: nation_d = n,\ capability_d = c} short_d \le short^{alone}_{n,c}`,
    with :math:`short^{alone}_{n,c}` the units of capability :math:`c` the going-alone plan
    leaves nation :math:`n` short (over all its demands and periods). Only with
    ``settings.participation: no_worse_than_alone``, pooled.
    """
    lin = linear(m)
    short = lin.col("short")
    keys = sorted(data.alone_short)
    demands: dict[tuple[str, str], list[str]] = defaultdict(list)
    for d, x in data.demands.items():
        demands[x.nation, x.capability].append(d)

    def rows() -> Iterator[Row]:
        for n, c in keys:
            cols = [short[d] for d in demands[n, c]]
            if cols:
                yield (n, c), cols, [1.0] * len(cols), -INF, bound(data.alone_short[n, c])

    return keys, rows()


def participation_spend_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""No nation pays more pooled than going alone for the same met demand; each unit more
    met may cost at most its list price.

    :math:`spend_n + \sum_c v_{n,c} \sum_{d: nation_d = n,\ capability_d = c} short_d \le
    spend^{alone}_n + \sum_c v_{n,c} \, short^{alone}_{n,c}`, with :math:`spend_n` the
    nation's spending as in ``budget_upper`` (orders net of what funds pay, purchases for
    others, contributions, sponsored investment, its share of fixed costs),
    :math:`spend^{alone}_n` the same in the going-alone plan, and :math:`v_{n,c}` the
    dearest base price plus delivery of a unit of capability :math:`c` the nation can order
    (0 where none). Only with ``settings.participation: no_worse_than_alone``, pooled.
    """
    lin = linear(m)
    short = lin.col("short")
    keys = sorted(data.alone_spent)
    demands: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for d, x in data.demands.items():
        demands[x.nation].append((d, x.capability))

    def rows() -> Iterator[Row]:
        for n in keys:
            cols, coefs = nation_spending(lin, data, n)
            # orders already placed: the same in both plans, their fixed part on the right
            limit = data.alone_spent[n] - placed_constant(data, n)
            price = {c: data.list_price.get((n, c), 0.0) for _, c in demands[n]}
            for d, c in demands[n]:
                if price[c] > 0:
                    cols.append(short[d])
                    coefs.append(price[c])
            for c, v in price.items():
                limit += v * data.alone_short.get((n, c), 0.0)
            if any(coefs):
                yield n, cols, coefs, -INF, bound(limit)

    return keys, rows()


def bounds(
    tables: dict[str, pd.DataFrame],
) -> tuple[dict[tuple[str, str], float], dict[str, float]]:
    """The going-alone plan's units short per (nation, capability) and spending per nation,
    from its ``demands`` and ``budgets`` tables."""
    demands = tables["demands"]
    short = demands.groupby(["nation", "capability"])["short"].sum()
    spent = tables["budgets"].set_index("nation")["spent"]
    return (
        {(str(k[0]), str(k[1])): float(v) for k, v in short.items() if isinstance(k, tuple)},
        {str(n): float(v) for n, v in spent.items()},
    )


def from_table(table: pd.DataFrame) -> tuple[dict[tuple[str, str], float], dict[str, float]]:
    """The bounds a pooled plan was solved under, read back from its ``participation``
    table (the ``alone`` column): explain re-solves the plan under the same rules."""
    short = table[table["measure"] == "short"]
    spent = table[table["measure"] == "spent"]
    return (
        {
            (str(n), str(c)): float(v)
            for n, c, v in zip(short.nation, short.capability, short.alone, strict=True)
        },
        {str(n): float(v) for n, v in zip(spent.nation, spent.alone, strict=True)},
    )


def table(data: ModelData, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The ``participation`` table: each bound next to the pooled plan's figure (no rows
    without the rule)."""
    if not data.alone_short and not data.alone_spent:
        return SPECS["participation"].frame([])
    short, spent = bounds(tables)
    rows = [
        {
            "nation": n,
            "measure": "short",
            "capability": c,
            "alone": alone,
            "pooled": short.get((n, c), 0.0),
        }
        for (n, c), alone in sorted(data.alone_short.items())
    ]
    rows += [
        {"nation": n, "measure": "spent", "capability": "", "alone": a, "pooled": spent.get(n, 0.0)}
        for n, a in sorted(data.alone_spent.items())
    ]
    return SPECS["participation"].frame(rows)
