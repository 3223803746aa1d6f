"""Sustainment: wear, repair and spares (the optional ``sustainment`` block).

One function per constraint family, returning the family's index and rows (see
:mod:`aggregate.model.contracts`), plus the terms the stock balance
(:func:`aggregate.model.stocks.stock_balance`) gains: units worn out and spares drawn leave
a nation's serviceable stock, repaired units come back to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pyomo.environ as pyo

from aggregate.data import ModelData
from aggregate.model.contracts import Rows
from aggregate.model.linear import INF, Row, linear

Terms = tuple[list[int], list[float]]


def _used(data: ModelData) -> dict[tuple[str, str, int], list[tuple[str, str, int]]]:
    """(nation, item, period) -> the supply keys drawing the item for the nation's demands."""
    out: dict[tuple[str, str, int], list[tuple[str, str, int]]] = defaultdict(list)
    for key in data.supply:
        d, i, t = key
        out[data.demands[d].nation, i, t].append(key)
    return out


def _consumed(
    m: pyo.ConcreteModel, data: ModelData, rates: dict[tuple[str, str], dict[str, float]]
) -> dict[tuple[str, str, int], Terms]:
    """(nation, item, period) -> columns and rates of the use consuming the item."""
    use = linear(m).col("use")
    used = _used(data)
    out: dict[tuple[str, str, int], Terms] = {}
    for (n, i), by in rates.items():
        for t in range(len(data.periods)):
            cols: list[int] = []
            coefs: list[float] = []
            for u, rate in by.items():
                for k in used.get((n, u, t), ()):
                    cols.append(use[k])
                    coefs.append(rate)
            if cols:
                out[n, i, t] = (cols, coefs)
    return out


def stock_terms(m: pyo.ConcreteModel, data: ModelData) -> dict[tuple[str, str, int], Terms]:
    r"""The sustainment terms of the stock balance row of (nation, item, period), written
    on its left-hand side (stock minus inflows plus outflows):

    :math:`+ \sum_u w_{n,i,u} \sum_d use_{d,u,t} + \sum_u s_{n,i,u} \sum_d use_{d,u,t}
    - \sum_s repair_{s,n,i,t - \tau_s}`, with :math:`w` (worn per unit used) and :math:`s`
    (spares per unit used) from the ``wear`` and ``spares`` rules and :math:`\tau_s` the
    shop's repair plus transport time."""
    if not data.wear and not data.spares:
        return {}
    repair = linear(m).col("repair")
    out: dict[tuple[str, str, int], Terms] = {}
    for part in (_consumed(m, data, data.wear), _consumed(m, data, data.spares)):
        for key, (cols, coefs) in part.items():
            have = out.setdefault(key, ([], []))
            have[0].extend(cols)
            have[1].extend(coefs)
    for r in data.repairs:
        s, n, i, t = r
        have = out.setdefault((n, i, t + data.shops[s].turnaround), ([], []))
        have[0].append(repair[r])
        have[1].append(-1.0)
    return out


def worn_pool_balance(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Worn units wait in the owner's pool until a shop takes them in.

    :math:`worn_{n,i,t} = worn_{n,i,t-1} + \sum_u w_{n,i,u} \sum_d use_{d,u,t} - \sum_s
    repair_{s,n,i,t}`, with :math:`worn_{n,i,-1} = 0` (no worn unit waits at the start),
    :math:`w_{n,i,u} = 1 / uses\_per\_unit` of the ``wear`` rule of item :math:`i` worn by
    the use of :math:`u`, and :math:`use_{d,u,t}` the units of :math:`u` drawn for demand
    :math:`d` of nation :math:`n`. A worn unit no shop takes in stays in the pool (it is
    not scrapped); :math:`worn \ge 0` keeps repairs within the units worn so far.
    """
    lin = linear(m)
    worn, repair = lin.col("worn"), lin.col("repair")
    wear = _consumed(m, data, data.wear)
    taken: dict[tuple[str, str, int], list] = defaultdict(list)
    for r in data.repairs:
        taken[r[1], r[2], r[3]].append(r)

    def rows() -> Iterator[Row]:
        for key in m.WORN:
            n, i, t = key
            cols = [worn[key]]
            coefs = [1.0]
            if t > 0:
                cols.append(worn[n, i, t - 1])
                coefs.append(-1.0)
            used, rates = wear.get(key, ([], []))
            cols += used + [repair[r] for r in taken.get(key, ())]
            coefs += [-x for x in rates] + [1.0] * len(taken.get(key, ()))
            yield key, cols, coefs, 0.0, 0.0

    return m.WORN, rows()


def repair_capacity_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A shop takes in at most its capacity per period, all items and nations together.

    :math:`\sum_{n,i} repair_{s,n,i,t} \le capacity_{s,t}`
    """
    repair = linear(m).col("repair")
    by_shop: dict[tuple[str, int], list] = defaultdict(list)
    for r in data.repairs:
        by_shop[r[0], r[3]].append(r)
    keys = sorted(by_shop)

    def rows() -> Iterator[Row]:
        for s, t in keys:
            cols = [repair[r] for r in by_shop[s, t]]
            yield (s, t), cols, [1.0] * len(cols), -INF, data.shops[s].capacity[t]

    return keys, rows()
