"""Demand side: stock balance, floors, refill targets, donations and demand accounting.

One function per constraint family, returning the family's index and rows; see
:mod:`aggregate.model.contracts` and :mod:`aggregate.model.registry`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pyomo.environ as pyo

from aggregate.data import ModelData
from aggregate.model.contracts import Rows
from aggregate.model.linear import INF, Row, linear
from aggregate.model.sustainment import stock_terms


def stock_balance(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Stock carried over time.

    :math:`stock_{n,i,t} = stock_{n,i,t-1} + \sum_{p,k} x_{p,i,n,t,k} + \sum_g give_{g,n,i,t}
    - \sum_r give_{n,r,i,t} - \sum_d use_{d,i,t} - \sum_u (w_{n,i,u} + s_{n,i,u})
    \sum_{d \in D_n} use_{d,u,t} + \sum_s repair_{s,n,i,t - \tau_s}`, with
    :math:`stock_{n,i,-1} = on\_hand`; as a row: :math:`stock_{n,i,t} - stock_{n,i,t-1} -
    arrivals - gifts\,in + gifts\,out + used + worn\,out + spares - returned = on\_hand`
    (for :math:`t = 0`, else 0). The last three terms come from the sustainment block (0
    without one; built by ``aggregate.model.sustainment.stock_terms``): :math:`w_{n,i,u}`
    units of :math:`i` worn out and :math:`s_{n,i,u}` spares of :math:`i` drawn per unit of
    :math:`u` that nation :math:`n` uses for its demands :math:`D_n` (``1 /
    uses_per_unit`` of a ``wear`` or ``spares`` rule), and the units shop :math:`s` took in
    :math:`\tau_s` periods earlier (repair plus transport time) back repaired.
    Orders already placed arrive too: :math:`placed_{n,i,t} - \sum_o cancel_{o,t}` joins
    the arrivals (the constant on the right side, the cancellable units' columns on the
    left).
    """
    lin = linear(m)
    order, stock, give, use = lin.col("order"), lin.col("stock"), lin.col("give"), lin.col("use")
    cancel = lin.col("cancel")
    gifts_in: dict[tuple[str, str, int], list] = defaultdict(list)
    gifts_out: dict[tuple[str, str, int], list] = defaultdict(list)
    for g, r, i, t in m.GIFTS:
        gifts_in[r, i, t].append((g, r, i, t))
        gifts_out[g, i, t].append((g, r, i, t))
    uses: dict[tuple[str, str, int], list] = defaultdict(list)
    for d, i, t in data.supply:
        uses[data.demands[d].nation, i, t].append((d, i, t))
    sustain = stock_terms(m, data)

    def rows() -> Iterator[Row]:
        for key in m.STOCK:
            n, i, t = key
            cols = [stock[key]]
            coefs = [1.0]
            if t == 0:
                s = data.stocks.get((n, i))
                before = s.on_hand if s is not None else 0.0
            else:
                cols.append(stock[n, i, t - 1])
                coefs.append(-1.0)
                before = 0.0
            arrivals = [order[o] for o in data.by_arrival.get(key, ())]
            gin = [give[g] for g in gifts_in.get(key, ())]
            gout = [give[g] for g in gifts_out.get(key, ())]
            used = [use[u] for u in uses.get(key, ())]
            cols += arrivals + gin + gout + used
            coefs += [-1.0] * (len(arrivals) + len(gin)) + [1.0] * (len(gout) + len(used))
            if key in sustain:
                cols += sustain[key][0]
                coefs += sustain[key][1]
            placed, cut = data.placed_at(key, "nation")
            cols += [cancel[c] for c in cut]
            coefs += [1.0] * len(cut)
            before += placed
            yield key, cols, coefs, before, before

    return m.STOCK, rows()


def stock_floor_lower(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Stockpile floors, with a shortfall ``below`` only for soft floors.

    :math:`stock_{n,i,t} + below_{n,i,t} \ge floor_{n,i,t}`

    The floor binds in every period when the opening stock meets it, otherwise from the
    refill date on.
    """
    lin = linear(m)
    stock, below = lin.col("stock"), lin.col("below")
    keys = [
        (n, i, t)
        for (n, i), s in data.stocks.items()
        if s.floor_from is not None
        for t in range(s.floor_from, len(data.periods))
        if s.floor[t] > 0
    ]

    def rows() -> Iterator[Row]:
        for key in keys:
            n, i, t = key
            floor = data.stocks[n, i].floor[t]
            if key in below:
                yield key, (stock[key], below[key]), (1.0, 1.0), floor, INF
            else:
                yield key, (stock[key],), (1.0,), floor, INF

    return keys, rows()


def refill_target_lower(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Refill by a date, with a shortfall ``missed`` only when a refill penalty is given.

    :math:`stock_{n,i,by} + missed_{n,i} \ge target_{n,i}`
    """
    lin = linear(m)
    stock, missed = lin.col("stock"), lin.col("missed")
    keys = [
        k for k, s in data.stocks.items() if s.refill_target is not None and s.refill_by is not None
    ]

    def rows() -> Iterator[Row]:
        for key in keys:
            s = data.stocks[key]
            assert s.refill_target is not None
            col = stock[(*key, s.refill_by)]
            if key in missed:
                yield key, (col, missed[key]), (1.0, 1.0), s.refill_target, INF
            else:
                yield key, (col,), (1.0,), s.refill_target, INF

    return keys, rows()


def demand_balance(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Every demand is met (on time or late) or short.

    :math:`\sum_{i,t} f_i \, use_{d,i,t} + short_d = q_d`, with :math:`f_i` the item's
    factor towards the capability.
    """
    lin = linear(m)
    use, short = lin.col("use"), lin.col("short")
    by_demand: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for key in data.supply:
        by_demand[key[0]].append(key)

    def rows() -> Iterator[Row]:
        for d in m.DEMANDS:
            keys = by_demand.get(d, [])
            cols = [use[k] for k in keys] + [short[d]]
            coefs = [data.supply[k] for k in keys] + [1.0]
            q = data.demands[d].quantity
            yield d, cols, coefs, q, q

    return m.DEMANDS, rows()


def donation_from_stock_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Donations come from the stock a donor holds at the start, not from new purchases.

    :math:`\sum_{r,t} give_{m,r,i,t} \le on\_hand_{m,i}`. Buying for another nation is an
    order for that nation; without this rule a donor could act as everyone's purchasing
    agent and undo the difference between going alone and pooling.
    """
    lin = linear(m)
    give = lin.col("give")
    given: dict[tuple[str, str], list] = defaultdict(list)
    for g in m.GIFTS:
        given[g[0], g[2]].append(g)
    keys = sorted(given)

    def rows() -> Iterator[Row]:
        for n, i in keys:
            cols = [give[g] for g in given[n, i]]
            yield (n, i), cols, [1.0] * len(cols), -INF, data.stocks[n, i].on_hand

    return keys, rows()


def donation_surplus_link(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A donor under the ``surplus`` policy gives an item only when it decides to donate it.

    :math:`\sum_{r,t} give_{m,r,i,t} \le on\_hand_{m,i} \, donates_{m,i}` for every surplus
    donor :math:`(m, i)` (an arc leaves its stock and :math:`i` can serve some of its own
    demands :math:`D(m, i)`). With ``donates`` 0 nothing is given; with 1 the row is
    ``donation_from_stock_upper`` again, so :math:`on\_hand` is the smallest exact big-M.
    """
    lin = linear(m)
    give, donates = lin.col("give"), lin.col("donates")
    given: dict[tuple[str, str], list] = defaultdict(list)
    for g in m.GIFTS:
        given[g[0], g[2]].append(g)
    keys = list(data.donor_needs)

    def rows() -> Iterator[Row]:
        for key in keys:
            cols = [give[g] for g in given[key]] + [donates[key]]
            coefs = [1.0] * len(given[key]) + [-data.stocks[key].on_hand]
            yield key, cols, coefs, -INF, 0.0

    return keys, rows()


def donation_surplus_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Surplus policy: a donor gives an item only while its own demands the item can serve
    are met in full and on time.

    The policy is the stockpile's ``donation_policy``, else its nation's, else ``surplus``
    (the default). For every surplus donor :math:`(m, i)` and each of its own demands :math:`d \in D(m, i)`
    (a capability :math:`i` meets, which :math:`m` can use; or one whose use of another item
    wears :math:`i` out or consumes it as a spare, under the sustainment block):

    :math:`short_d + \sum_{j,\,t > due_d} f_j \, use_{d,j,t} + q_d \, donates_{m,i} \le q_d`

    The left part is what :math:`d` misses at its due period (never met, or met late, by
    any item); with :math:`donates_{m,i} = 1` (``donation_surplus_link``) it must be 0,
    and it never exceeds :math:`q_d`, so the rule is exact: :math:`m` donates :math:`i` only
    if every demand in :math:`D(m, i)` is met on time, and then gives only stock its own
    demands do not draw (the stock balance) and above its floor and refill target. A
    ``priority`` stock has no such rows (donations limited by ``donation_from_stock_upper``
    and the floor alone); nor does a donor whose item serves none of its own demands.
    """
    lin = linear(m)
    use, short, donates = lin.col("use"), lin.col("short"), lin.col("donates")
    late: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for key in data.supply:
        d, _, t = key
        if t > data.demands[d].due:
            late[d].append(key)
    keys = [(n, i, d) for (n, i), ds in data.donor_needs.items() for d in ds]

    def rows() -> Iterator[Row]:
        for n, i, d in keys:
            q = data.demands[d].quantity
            cols = [short[d]] + [use[k] for k in late[d]] + [donates[n, i]]
            coefs = [1.0] + [data.supply[k] for k in late[d]] + [q]
            yield (n, i, d), cols, coefs, -INF, q

    return keys, rows()
