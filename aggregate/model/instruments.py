"""The EU and NATO instruments' own rules on what a fund pays: a share of each contract's
value (EDIRPA), and the origin of the components in what it buys (SAFE, EDIRPA).

One function per constraint family, returning the family's index and rows; see
:mod:`aggregate.model.contracts` and :mod:`aggregate.model.registry`. Every row reads a
fund's payments for a route through :func:`aggregate.model.variables.paid_columns`, the one
place that knows how those columns are indexed.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyomo.environ as pyo

from aggregate.data import ModelData, RouteKey
from aggregate.model.contracts import Rows
from aggregate.model.funds import route_cost
from aggregate.model.linear import INF, LinearModel, Row, linear
from aggregate.model.variables import paid_columns


def fund_procurement_share_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A fund pays at most its share of the value of each contract it pays for.

    :math:`\sum_{(p,i,n) \in c} pays_{f,p,i,n} \le share_f \sum_{(p,i,n) \in c} cost_{p,i,n}`,
    with :math:`cost_{p,i,n} = \sum_{a,k} (price_k + delivery_{p,n}) \, x_{p,i,n,a,k}` and
    :math:`share_f` the fund's ``max_procurement_share``; the left sum over the routes the
    fund pays for as procurement, the right over every route of contract :math:`c` (pooled:
    every nation's orders of :math:`i` from :math:`p`; going alone: one nation's). Only
    funds with a share below 1 write rows.

    The contract's value is what its orders cost to buy and deliver; its fixed costs
    (contract and period costs), which no fund pays, are not part of it. Refill
    reimbursements are bounded by their own rate (``fund_refill_upper``), not by this share.
    """
    lin = linear(m)
    contracts = data.procurement_contracts()
    kinds = data.fund_routes()
    keys = list(contracts)

    def rows() -> Iterator[Row]:
        for fc in keys:
            f = fc[0]
            share = data.funds[f].procurement_share
            cols: list[int] = []
            coefs: list[float] = []
            for route in contracts[fc]:
                if kinds.get((f, route)) == "procurement":
                    paid = paid_columns(lin, data, f, *route)
                    cols += paid
                    coefs += [1.0] * len(paid)
                c, v = route_cost(lin, data, *route)
                cols += c
                coefs += [-share * x for x in v]
            yield fc, cols, coefs, -INF, 0.0

    return keys, rows()


def _producer_routes(data: ModelData, f: str, p: str) -> list[RouteKey]:
    """The routes of producer ``p``'s orders that fund ``f`` may pay for."""
    return sorted(route for g, route in data.fund_routes() if g == f and route[0] == p)


def origin_pays_bound(data: ModelData, f: str, p: str) -> float:
    r"""The most fund ``f`` can pay for producer ``p``'s orders: for each item the fund may
    pay for, the dearest unit price plus the dearest delivery to a nation it pays for, times
    every unit the offer can deliver (capacity with every expansion, from the lead time on;
    for an offer that builds ahead, at most what it can make up to the last such period)
    in the arrival periods whose orders some of those nations pay while the fund is open
    (:meth:`~aggregate.data.ModelData.paid_period`: the arrival, or the award for a nation
    paying at award; a fund pays only orders paid in its open periods,
    ``fund_payment_upper``); no more than the fund's cap where it has one."""
    routes = _producer_routes(data, f, p)
    fund = data.funds[f]
    bound = 0.0
    for i in sorted({i for _p, i, _n in routes}):
        off = data.offers[p, i]
        nations = [n for _q, j, n in routes if j == i]
        delivery = max(off.delivery[n] for n in nations)
        paid = [
            a
            for a in range(off.lead, len(off.upper))
            if any(fund.is_open(a - off.lead if n in data.pays_award else a) for n in nations)
        ]
        units = sum(off.upper[a] for a in paid)
        if off.ahead and paid:  # upper sums up to each period: the last one holds them all
            units = off.upper[paid[-1]]
        bound += (max(off.prices) + delivery) * units
    cap = data.funds[f].cap
    return bound if cap is None else min(bound, cap)


def component_origin_pays_link(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A fund with a component-origin rule pays for a producer's orders only where the
    producer's components meet the rule.

    :math:`\sum_{i,n,t} pays_{f,p,i,n,t} \le M_{f,p} \, met_{f,p}`, with :math:`M_{f,p} =
    \min(cap_f, \sum_i (\max_k price_{p,i,k} + \max_n delivery_{p,i,n}) \sum_{a \ge lead,
    \exists n: paid_n(a) \in open_f} U_{p,i,a})`, the sums over the items and nations the
    fund may pay for, :math:`paid_n(a)` the period an order arriving in :math:`a` is paid.
    Valid: the funds pay at most the cost of the orders paid in each open period
    (``fund_payment_upper``), no order is dearer per unit than the dearest tier and
    delivery, none delivers more than :math:`U` a period (for an offer that builds ahead,
    the sum over the paid periods is at most :math:`U` summed up to the last of them, which
    is the bound), and a fund pays out no more than it collects (``fund_balance``), at most
    its cap.

    Only pairs where the rule can bind (:meth:`~aggregate.data.ModelData.origin_pairs`):
    an outside supplier of some value can feed the producer, and the outside share is below 1.
    """
    lin = linear(m)
    met = lin.col("origin_met")
    keys = data.origin_pairs()

    def rows() -> Iterator[Row]:
        for f, p in keys:
            cols: list[int] = []
            for route in _producer_routes(data, f, p):
                cols += paid_columns(lin, data, f, *route)
            bound = origin_pays_bound(data, f, p)
            yield (f, p), [*cols, met[f, p]], [1.0] * len(cols) + [-bound], -INF, 0.0

    return keys, rows()


def origin_feed_bound(data: ModelData, f: str, p: str) -> float:
    """The most the outside part of ``component_origin_upper``'s left side can reach: the
    outside share's complement times the value every outside supplier serving ``p`` can
    feed over the horizon: its upper capacity
    (:attr:`~aggregate.data.ModelData.supplier_upper`, base capacity plus the full
    addition of every expansion of the supplier that can start), as
    ``supplier_capacity_upper`` allows no more (a ramp share is at most 1). The base
    capacity alone would not do: with :math:`met = 0` the row would then cap the outside
    feeds at the base capacity, so a fund that pays nothing would cut production."""
    origin = data.funds[f].origin
    assert origin is not None
    value = sum(
        data.supplier_value.get(s, 0.0) * sum(data.supplier_upper[s])
        for s, q in data.feeds
        if q == p and data.outside(f, s)
    )
    return (1.0 - origin[1]) * value


def component_origin_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Where a fund pays for a producer's orders, at most its outside share of the component
    value fed to the producer over the horizon comes from outside its countries.

    :math:`\sum_{s \notin C_f, t} v_s \, feed_{s,p,t} \le share_f \sum_{s,t} v_s \,
    feed_{s,p,t} + M_{f,p} (1 - met_{f,p})`, i.e. :math:`\sum_{s,t} (1[s \notin C_f] -
    share_f) \, v_s \, feed_{s,p,t} + M_{f,p} \, met_{f,p} \le M_{f,p}`, with :math:`v_s` the
    supplier's ``price`` (else the component's ``value``), :math:`C_f` the rule's
    ``countries`` (a supplier without a country is outside), :math:`share_f` its
    ``max_outside_share`` and :math:`M_{f,p} = (1 - share_f) \sum_{s \notin C_f} v_s
    \sum_t \overline{cap}_{s,t}`, over the outside suppliers serving :math:`p`, with
    :math:`\overline{cap}_{s,t}` the supplier's capacity plus the full ``added`` of every
    expansion of the supplier that can start. Valid: the inside terms are at most 0, and an
    outside supplier feeds at most :math:`cap_{s,t} + \sum_e added_e \sum_{s'} ramp \,
    build_{e,s'} \le \overline{cap}_{s,t}` (``supplier_capacity_upper``; a ramp share is
    at most 1 and an expansion is built at most once).

    Over the horizon, not per period: the instruments judge a procurement's component
    value as a whole (the fund pays an order in the period its nation pays it, but the
    components fed to the producer over the whole horizon go into its orders). Per
    producer, not per item: a feed carries no item (a supplier feeds the producer's
    components, whatever item they go into).
    """
    lin = linear(m)
    feed, met = lin.col("feed"), lin.col("origin_met")
    keys = data.origin_pairs()
    periods = range(len(data.periods))

    def rows() -> Iterator[Row]:
        for f, p in keys:
            origin = data.funds[f].origin
            assert origin is not None
            cols: list[int] = []
            coefs: list[float] = []
            for s, q in data.feeds:
                value = data.supplier_value.get(s, 0.0)
                if q != p or value <= 0:
                    continue
                weight = ((1.0 if data.outside(f, s) else 0.0) - origin[1]) * value
                cols += [feed[s, p, t] for t in periods]
                coefs += [weight] * len(periods)
            bound = origin_feed_bound(data, f, p)
            yield (f, p), [*cols, met[f, p]], [*coefs, bound], -INF, bound

    return keys, rows()


def open_origins(lin: LinearModel, data: ModelData, x: np.ndarray) -> None:
    """Set ``origin_met`` in the plan ``x`` (one value per column) to what its feeds allow:
    1 where they meet the rule, else 0. The payer stage, whose feeds are fixed, then lets a
    fund pay wherever the rule holds (the cost stage may have left the binary at 0 where
    the fund's paying changed nothing)."""
    if "origin_met" not in lin.columns:
        return
    feed = lin.col("feed")
    periods = range(len(data.periods))
    for (f, p), j in lin.col("origin_met").items():
        origin = data.funds[f].origin
        assert origin is not None
        outside = total = 0.0
        for s, q in data.feeds:
            value = data.supplier_value.get(s, 0.0)
            if q != p or value <= 0:
                continue
            fed = value * sum(float(x[feed[s, p, t]]) for t in periods)
            total += fed
            outside += fed if data.outside(f, s) else 0.0
        x[j] = 1.0 if outside <= origin[1] * total + 1e-9 * max(1.0, total) else 0.0
