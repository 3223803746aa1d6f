"""The EU and NATO instruments' own rules on what a fund pays: a share of each contract's
value (EDIRPA), and the origin of the components in what it buys (SAFE, EDIRPA).

One function per constraint family, returning the family's index and rows; see
:mod:`aggregate.model.contracts` and :mod:`aggregate.model.registry`. Every row reads a
fund's payments for a route through :func:`route_payments`, the one place that knows how
those columns are indexed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pyomo.environ as pyo

from aggregate.data import ContractKey, ModelData, RouteKey
from aggregate.model.contracts import Rows
from aggregate.model.funds import route_cost
from aggregate.model.linear import INF, LinearModel, Row, linear


def route_payments(lin: LinearModel, data: ModelData, f: str, route: RouteKey) -> list[int]:
    """The columns of fund ``f``'s payments for ``route`` (producer, item, nation); none where
    the fund may not pay for it."""
    key = (f, *route)
    return [lin.col("fund_pays")[key]] if key in data.fund_pays else []


def procurement_contracts(data: ModelData) -> dict[tuple[str, ...], list[RouteKey]]:
    """(fund, *contract) -> the contract's routes, for each fund with a procurement share
    below 1 and each contract with a route it pays for as procurement."""
    routes_of: dict[ContractKey, list[RouteKey]] = defaultdict(list)
    for route, c in data.contract_of.items():
        routes_of[c].append(route)
    keys: set[tuple[str, ...]] = set()
    for (f, p, i, n), kind in data.fund_pays.items():
        if kind == "procurement" and data.funds[f].procurement_share < 1:
            keys.add((f, *data.contract_of[p, i, n]))
    return {k: sorted(routes_of[k[1:]]) for k in sorted(keys)}


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
    contracts = procurement_contracts(data)
    keys = list(contracts)

    def rows() -> Iterator[Row]:
        for fc in keys:
            f = fc[0]
            share = data.funds[f].procurement_share
            cols: list[int] = []
            coefs: list[float] = []
            for route in contracts[fc]:
                if data.fund_pays.get((f, *route)) == "procurement":
                    paid = route_payments(lin, data, f, route)
                    cols += paid
                    coefs += [1.0] * len(paid)
                c, v = route_cost(lin, data, *route)
                cols += c
                coefs += [-share * x for x in v]
            yield fc, cols, coefs, -INF, 0.0

    return keys, rows()
