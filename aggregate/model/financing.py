"""Financial instruments of funds beyond plain grants: whole packages (as NATO's PURL) and
loans (as the EU's SAFE).

One function per constraint family, returning the family's index and rows; see
:mod:`aggregate.model.contracts` and :mod:`aggregate.model.registry`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyomo.environ as pyo

from aggregate.data import ModelData
from aggregate.model.contracts import Rows
from aggregate.model.linear import LinearModel, Row, linear
from aggregate.model.variables import paid_columns

Terms = tuple[list[int], list[float]]


def fund_order_columns(
    lin: LinearModel, data: ModelData, fund: str, nation: str | None = None
) -> list[int]:
    """The columns of fund ``fund``'s payments for orders (every route and period; only
    ``nation``'s orders when given), through :func:`aggregate.model.variables.paid_columns`."""
    return [
        c
        for k in data.fund_pays
        if k[0] == fund and nation in (None, k[-1])
        for c in paid_columns(lin, data, *k)
    ]


def fund_payment_columns(lin: LinearModel, data: ModelData, fund: str) -> list[int]:
    """The columns of everything fund ``fund`` pays out: its payments for orders
    (:func:`fund_order_columns`) and its co-financing of expansions."""
    invests = lin.col("fund_invests")
    cols = fund_order_columns(lin, data, fund)
    return cols + [invests[k] for k in data.fund_invests if k[0] == fund]


def fund_package_whole(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A fund with a package size pays out a whole number of packages.

    :math:`\sum_{p,i,n} pays_{f,p,i,n} + \sum_e invests_{f,e} - size_f \, packages_f = 0`,
    with :math:`packages_f \in \{0, 1, 2, \dots\}` and :math:`size_f` the fund's
    ``package_size`` (reporting currency); only funds with a ``package_size``.

    A package buys from a prioritised list: the needs-first objective weighs each unit short
    by its demand's priority, so the money of the packages goes to the highest-priority
    demands the fund may pay for first; the payer stage then lets the fund pay as many whole
    packages as its members' money allows before the beneficiaries' own budgets. Money paid
    in beyond the packages stays unspent in the fund. The variable is bounded by
    :math:`\lfloor cap_f / size_f \rfloor` (payments never exceed the contributions, at most
    the cap).
    """
    lin = linear(m)
    packages = lin.col("packages")
    keys = list(m.PACKAGES)

    def rows() -> Iterator[Row]:
        for f in keys:
            size = data.funds[f].package_size
            assert size is not None
            cols = fund_payment_columns(lin, data, f)
            yield f, [*cols, packages[f]], [1.0] * len(cols) + [-size], 0.0, 0.0

    return keys, rows()


def loan_repayment_terms(lin: LinearModel, data: ModelData, nation: str) -> Terms:
    r"""What ``nation`` repays within the horizon of the loans that paid for its orders
    (columns and coefficients), charged to its budget (:func:`aggregate.model.funds.budget_upper`).

    :math:`\sum_{f\ \mathrm{loan}} \sum_{p,i,t} repaid_{f,t} \, pays_{f,p,i,n,t}`, with
    :math:`repaid_{f,t}` the share of what the loan pays in period :math:`t` whose
    instalments fall within the horizon, the first no earlier than :math:`t + 1`
    (:func:`aggregate.schema.facts.loan_schedule`; a loan's payments are always split by
    period, :attr:`~aggregate.records.FundData.timed`). The per-period budget is not
    charged: it limits a nation's purchases before any fund pays, so a loan-financed order
    already counts there at its full cost."""
    cols: list[int] = []
    coefs: list[float] = []
    loans = {f for f, x in data.funds.items() if x.loan}
    if not loans:  # called once per nation: no pass over every payment column without loans
        return cols, coefs
    pays = lin.col("fund_pays")
    for key in data.fund_pays_at():
        f, _p, _i, n, t = key
        x = data.funds[f]
        if f not in loans or n != nation:
            continue
        # a loan is always timed: every payment column has its period
        assert t >= 0
        if x.repaid[t] > 0:
            cols.append(pays[key])
            coefs.append(x.repaid[t])
    return cols, coefs
