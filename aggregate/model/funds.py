"""Money: fund payments, contribution rules, fund balances and national budgets.

One function per constraint family, returning the family's index and rows; see
:mod:`aggregate.model.contracts` and :mod:`aggregate.model.registry`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pyomo.environ as pyo

from aggregate import labels
from aggregate.data import HORIZON, ModelData
from aggregate.model import financing
from aggregate.model.bounds import contract_bounds
from aggregate.model.contracts import Rows
from aggregate.model.linear import INF, LinearModel, Row, linear
from aggregate.model.variables import paid_columns

Terms = tuple[list[int], list[float]]


def route_cost(lin: LinearModel, data: ModelData, p: str, i: str, n: str) -> Terms:
    """Purchase plus delivery cost of nation ``n``'s orders of ``i`` from ``p`` (columns and
    coefficients)."""
    off = data.offers[p, i]
    order = lin.col("order")
    keys = data.by_route.get((p, i, n), [])
    return [order[o] for o in keys], [off.price(o[4], o[3]) + off.delivery[n] for o in keys]


def paid_cost(lin: LinearModel, data: ModelData, p: str, i: str, n: str, t: int) -> Terms:
    """Purchase plus delivery cost of the route's orders paid in period ``t``
    (:meth:`~aggregate.data.ModelData.paid_period`)."""
    off = data.offers[p, i]
    order = lin.col("order")
    keys = data.by_route_paid.get((p, i, n, t), [])
    return [order[o] for o in keys], [off.price(o[4], o[3]) + off.delivery[n] for o in keys]


def fund_payment_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Funds pay at most the cost of what they pay for, over the horizon and, for funds
    with a schedule, in the period it is paid.

    :math:`\sum_{f,t} pays_{f,p,i,n,t} \le cost_{p,i,n}` for a route some fund without a
    schedule may pay, and :math:`\sum_{f\ timed} pays_{f,p,i,n,t} \le cost_{p,i,n,t}`
    for each period :math:`t` a fund with a schedule may pay it in, with
    :math:`cost_{p,i,n,t} = \sum_{a,k: paid(a) = t} (price_k + delivery_{p,n}) \, x_{p,i,n,a,k}`,
    :math:`cost_{p,i,n} = \sum_t cost_{p,i,n,t}` and :math:`paid(a)` the arrival period
    :math:`a`, or the order period :math:`a - lead_{p,i}` for a nation that pays at award
    (``pays_at``).

    A fund pays only where it is eligible: its ``uses`` has ``procurement`` and :math:`n` is
    an eligible beneficiary, or ``refill`` and :math:`n` holds a donor stockpile of
    :math:`i` (and is an eligible beneficiary if the fund lists them), and the producer's
    country is eligible. A fund with a schedule (tranches, or ``opens``/``closes`` inside
    the horizon) pays only in its open periods, so orders paid after it closes are paid by
    their nation; a fund without one has a single column per route over the horizon
    (:math:`t` = ``horizon``): when it pays changes no rule.
    """
    lin = linear(m)
    pays = lin.col("fund_pays")
    timed: dict[tuple[str, str, str, int], list[str]] = defaultdict(list)
    every: dict[tuple[str, str, str], list[tuple]] = defaultdict(list)
    whole: set[tuple[str, str, str]] = set()
    for key in data.fund_pays_at():
        f, p, i, n, t = key
        every[p, i, n].append(key)
        if t == HORIZON:
            whole.add((p, i, n))
        else:
            timed[p, i, n, t].append(f)
    keys: list[tuple] = [*sorted(whole), *sorted(timed)]

    def rows() -> Iterator[Row]:
        for key in keys:
            if len(key) == 3:
                p, i, n = key
                funds = [pays[k] for k in every[p, i, n]]
                cols, costs = route_cost(lin, data, p, i, n)
            else:
                p, i, n, t = key
                funds = [pays[f, p, i, n, t] for f in timed[p, i, n, t]]
                cols, costs = paid_cost(lin, data, p, i, n, t)
            yield key, funds + cols, [1.0] * len(funds) + [-c for c in costs], -INF, 0.0

    return keys, rows()


def fund_refill_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Refill reimbursements up to the fund's rate of the replacement value of what the
    nation gave away.

    :math:`\sum_{p,t} pays_{f,p,i,n,t} \le rate_f \, value_{n,i} \sum_{r,t} give_{n,r,i,t}` where
    the fund's only ground for paying :math:`n`'s orders is ``refill`` (:math:`rate_f` its
    ``refill_rate``, 1 by default).
    """
    lin = linear(m)
    give = lin.col("give")
    refill: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for (f, p, i, n), kind in data.fund_pays.items():
        if kind == "refill":
            refill[f, i, n].append(p)
    given: dict[tuple[str, str], list] = defaultdict(list)
    for g in m.GIFTS:
        given[g[0], g[2]].append(g)
    keys = sorted(refill)

    def rows() -> Iterator[Row]:
        for f, i, n in keys:
            paid = [j for p in refill[f, i, n] for j in paid_columns(lin, data, f, p, i, n)]
            gifts = [give[g] for g in given.get((n, i), ())]
            value = data.funds[f].refill_rate * data.stocks[n, i].unit_value
            yield (f, i, n), paid + gifts, [1.0] * len(paid) + [-value] * len(gifts), -INF, 0.0

    return keys, rows()


def _invested(m: pyo.ConcreteModel, data: ModelData) -> tuple[dict, dict]:
    """(columns of ``fund_invests``, expansion -> [(start) build column])."""
    lin = linear(m)
    build = lin.col("build")
    built = {e: [build[e, s] for s in x.starts] for e, x in data.expansions.items()}
    return lin.col("fund_invests"), built


def fund_investment_share_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A fund co-finances at most its share of a built expansion's cost, paid when the
    build starts.

    :math:`invests_{f,e,s} \le share_f \, cost_e \, build_{e,s}`; only funds with the
    ``investment`` use and an eligible producer country, and only starts :math:`s` in the
    fund's open periods.
    """
    lin = linear(m)
    invests, build = lin.col("fund_invests"), lin.col("build")

    def rows() -> Iterator[Row]:
        for f, e, s in m.FUND_INVESTS:
            limit = data.funds[f].cofinancing * data.expansions[e].cost
            yield (f, e, s), [invests[f, e, s], build[e, s]], [1.0, -limit], -INF, 0.0

    return m.FUND_INVESTS, rows()


def fund_investment_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Funds together pay at most the cost of a built expansion.

    :math:`\sum_{f,s} invests_{f,e,s} \le cost_e \sum_s build_{e,s}`
    """
    invests, built = _invested(m, data)
    by_exp: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for key in data.fund_invests:
        by_exp[key[1]].append(key)
    keys = sorted(by_exp)

    def rows() -> Iterator[Row]:
        for e in keys:
            paid = [invests[k] for k in by_exp[e]]
            b = built[e]
            cost = data.expansions[e].cost
            yield e, paid + b, [1.0] * len(paid) + [-cost] * len(b), -INF, 0.0

    return keys, rows()


def _paid_in(lin: LinearModel, data: ModelData, f: str) -> list[int]:
    contrib = lin.col("contrib")
    return [contrib[f, n] for n in data.funds[f].members]


def fund_balance(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Money in equals money out plus what stays unspent.

    :math:`\sum_{p,i,n,t} pays_{f,p,i,n,t} + \sum_{e,s} invests_{f,e,s} + unspent_f - \sum_m contrib_{f,m} = 0`
    """
    lin = linear(m)
    pays, invests, unspent = lin.col("fund_pays"), lin.col("fund_invests"), lin.col("unspent")
    paid: dict[str, list] = defaultdict(list)
    for key in data.fund_pays_at():
        paid[key[0]].append(key)
    invested: dict[str, list] = defaultdict(list)
    for fi in data.fund_invests:
        invested[fi[0]].append(fi)

    def rows() -> Iterator[Row]:
        for f in m.FUNDS:
            out = [pays[k] for k in paid[f]] + [invests[k] for k in invested[f]] + [unspent[f]]
            into = _paid_in(lin, data, f)
            yield f, out + into, [1.0] * len(out) + [-1.0] * len(into), 0.0, 0.0

    return m.FUNDS, rows()


def contribution_periods(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A member's contribution to a fund with tranches is what it pays in over the periods.

    :math:`\sum_t paidin_{f,m,t} - contrib_{f,m} = 0`, over the periods :math:`t` with a
    tranche while the fund is open. The horizon rules (key band, pledges, cap, committed
    size, budgets) read :math:`contrib_{f,m}`; the schedule and the cash balance read
    :math:`paidin_{f,m,t}`.
    """
    lin = linear(m)
    contrib, paid_in = lin.col("contrib"), lin.col("paid_in")
    periods: dict[tuple[str, str], list[int]] = defaultdict(list)
    for f, n, t in m.PAID_IN:
        periods[f, n].append(t)
    keys = [(f, n) for f, x in data.funds.items() if x.tranches is not None for n in x.members]

    def rows() -> Iterator[Row]:
        for f, n in keys:
            cols = [paid_in[f, n, t] for t in periods.get((f, n), [])]
            yield (f, n), [*cols, contrib[f, n]], [1.0] * len(cols) + [-1.0], 0.0, 0.0

    return keys, rows()


def fund_tranche_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""The members together pay into a fund at most its tranche in each period.

    :math:`\sum_m paidin_{f,m,t} \le tranche_{f,t}` for each period :math:`t` with a tranche
    while the fund is open (nothing comes in in other periods: they have no
    :math:`paidin` columns).
    """
    lin = linear(m)
    paid_in = lin.col("paid_in")
    members: dict[tuple[str, int], list[str]] = defaultdict(list)
    for f, n, t in m.PAID_IN:
        members[f, t].append(n)
    keys = sorted(members, key=lambda k: (k[0], k[1]))

    def rows() -> Iterator[Row]:
        for f, t in keys:
            cols = [paid_in[f, n, t] for n in members[f, t]]
            tranches = data.funds[f].tranches
            assert tranches is not None
            yield (f, t), cols, [1.0] * len(cols), -INF, tranches[t]

    return keys, rows()


def fund_cash_balance(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""By the end of each period a fund with tranches has paid out at most what it has
    collected so far.

    :math:`\sum_{\tau \le t} \big(\sum_{p,i,n} pays_{f,p,i,n,\tau} + \sum_e invests_{f,e,\tau}\big) - \sum_{\tau \le t} \sum_m paidin_{f,m,\tau} \le 0`
    for each open period :math:`t` of the fund; an investment is paid in the period its
    build starts. Money collected and not yet spent stays in the fund.
    """
    lin = linear(m)
    pays, invests, paid_in = lin.col("fund_pays"), lin.col("fund_invests"), lin.col("paid_in")
    out: dict[tuple[str, int], list[int]] = defaultdict(list)
    for key in data.fund_pays_at():
        out[key[0], key[4]].append(pays[key])
    for f, e, start in data.fund_invests:
        out[f, start].append(invests[f, e, start])
    into: dict[tuple[str, int], list[int]] = defaultdict(list)
    for key in m.PAID_IN:
        into[key[0], key[2]].append(paid_in[key])
    keys = [
        (f, t)
        for f, x in data.funds.items()
        if x.tranches is not None
        for t in range(x.opens, x.closes + 1)
    ]

    def rows() -> Iterator[Row]:
        for f, t in keys:
            spent = [j for tau in range(t + 1) for j in out.get((f, tau), [])]
            came = [j for tau in range(t + 1) for j in into.get((f, tau), [])]
            if spent:
                yield (f, t), spent + came, [1.0] * len(spent) + [-1.0] * len(came), -INF, 0.0

    return keys, rows()


def fund_cap_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A fund collects at most its cap.

    :math:`\sum_m contrib_{f,m} \le cap_f`
    """
    lin = linear(m)
    keys = [f for f, x in data.funds.items() if x.cap is not None and x.channel == "fund"]

    def rows() -> Iterator[Row]:
        for f in keys:
            cols, cap = _paid_in(lin, data, f), data.funds[f].cap
            assert cap is not None
            yield f, cols, [1.0] * len(cols), -INF, cap

    return keys, rows()


def bilateral_ceiling_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A nation's bilateral purchases for another nation within their ceiling.

    :math:`\sum_{p,i,t} pays_{b,p,i,r,t} \le ceiling_b` for each purchase :math:`b` of payer
    :math:`n` for beneficiary :math:`r` (``nations[n].buys_for[r]``) with a ceiling.

    A bilateral purchase is a fund with one member, the payer, that pays for the
    beneficiary's eligible orders (origin, items and uses as a fund's); it collects exactly
    what it pays (:math:`unspent_b = 0`), so its payments count against the payer's budget
    through :math:`contrib_{b,n}` and cost the beneficiary nothing. It is aid, not pooling:
    going alone keeps it.
    """
    lin = linear(m)
    pays = lin.col("fund_pays")
    paid: dict[str, list] = defaultdict(list)
    for key in data.fund_pays_at():
        paid[key[0]].append(key)
    channels: dict[tuple[str, str], str] = {}
    for f, x in data.funds.items():
        parts = labels.bilateral_parts(f)
        if x.channel == "bilateral" and x.cap is not None and parts is not None:
            channels[parts] = f
    keys = sorted(channels)

    def rows() -> Iterator[Row]:
        for key in keys:
            f = channels[key]
            cols = [pays[k] for k in paid[f]]
            cap = data.funds[f].cap
            assert cap is not None
            yield key, cols, [1.0] * len(cols), -INF, cap

    return keys, rows()


def fund_committed_lower(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A fund collects at least its committed size.

    :math:`\sum_m contrib_{f,m} \ge committed_f`
    """
    lin = linear(m)
    keys = [f for f, x in data.funds.items() if x.committed > 0]

    def rows() -> Iterator[Row]:
        for f in keys:
            cols = _paid_in(lin, data, f)
            yield f, cols, [1.0] * len(cols), data.funds[f].committed, INF

    return keys, rows()


def _key_rows(m: pyo.ConcreteModel, data: ModelData, sign: float) -> Rows:
    """The rows of a key band's lower (``sign`` -1) or upper (+1) side."""
    contrib = linear(m).col("contrib")
    keys = [(f, n) for f, x in data.funds.items() if x.key is not None for n in x.members]

    def rows() -> Iterator[Row]:
        for f, n in keys:
            x = data.funds[f]
            assert x.key is not None
            factor = x.key[n] * (1 + sign * x.tolerance)
            cols = [contrib[f, j] for j in x.members]
            coefs = [(1.0 if j == n else 0.0) - factor for j in x.members]
            if sign < 0:
                yield (f, n), cols, coefs, 0.0, INF
            else:
                yield (f, n), cols, coefs, -INF, 0.0

    return keys, rows()


def contribution_key_lower(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A member pays at least its key share of the fund, less the tolerance.

    :math:`contrib_{f,m} \ge key_{f,m} (1 - tol_f) \sum_j contrib_{f,j}`, with
    :math:`key_{f,m}` the member's GNI (GDP, custom weight) over the members' total.
    """
    return _key_rows(m, data, -1.0)


def contribution_key_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A member pays at most its key share of the fund, plus the tolerance.

    :math:`contrib_{f,m} \le key_{f,m} (1 + tol_f) \sum_j contrib_{f,j}`
    """
    return _key_rows(m, data, 1.0)


def contribution_pledge(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""Pledges within their range, as bounds on the contribution (no rows).

    :math:`min_{f,m} \le contrib_{f,m} \le max_{f,m}`
    """
    lin = linear(m)
    contrib = lin.col("contrib")
    for f, x in data.funds.items():
        if x.key is not None:
            continue
        for n in x.members:
            upper = x.pledge_max[n]
            lin.set_col_bounds(contrib[f, n], x.pledge_min[n], INF if upper is None else upper)


def consortium_pays_link(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A fund with a minimum consortium pays for a contract only if it uses that contract.

    :math:`\sum_{n,t} pays_{f,p,i,n,t} \le M_c \, uses_{f,c}`, with :math:`M_c` the worst unit
    price plus delivery times the big-M of the contract's volume (``tier_volume_upper``: the
    least of the offer's capacity and what its routes can usefully take); only funds with
    ``min_nations_per_contract > 1``.
    """
    lin = linear(m)
    uses = lin.col("fund_uses")
    pays: dict[tuple, list[int]] = defaultdict(list)
    for f, p, i, n in data.fund_pays:
        if data.funds[f].min_nations > 1:
            pays[(f, *data.contract_of[p, i, n])] += paid_columns(lin, data, f, p, i, n)

    volume = contract_bounds(data)

    def big_m(c: tuple) -> float:
        p, i = data.contracts[c]
        off = data.offers[p, i]
        worst = max(off.prices) + max(off.delivery.values(), default=0.0)
        return worst * volume[c][0]

    def rows() -> Iterator[Row]:
        for fc in m.FUND_USES:
            cols = pays[fc]
            yield fc, [*cols, uses[fc]], [1.0] * len(cols) + [-big_m(fc[1:])], -INF, 0.0

    return m.FUND_USES, rows()


def _joiners(m: pyo.ConcreteModel) -> dict[tuple, list[str]]:
    joiners: dict[tuple, list[str]] = defaultdict(list)
    for *c, n in m.JOINS:
        joiners[tuple(c)].append(n)
    return joiners


def consortium_lower(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A contract a fund uses has at least the fund's minimum number of nations.

    :math:`\sum_n joins_{c,n} \ge minnations_f \, uses_{f,c}`
    """
    lin = linear(m)
    uses, joins = lin.col("fund_uses"), lin.col("joins")
    joiners = _joiners(m)

    def rows() -> Iterator[Row]:
        for fc in m.FUND_USES:
            f, c = fc[0], tuple(fc[1:])
            cols = [joins[(*c, n)] for n in joiners[c]]
            need = data.funds[f].min_nations
            yield fc, [*cols, uses[fc]], [1.0] * len(cols) + [-need], 0.0, INF

    return m.FUND_USES, rows()


def consortium_join_link(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""A nation joins a contract only with an order of at least one unit (lot).

    :math:`Q_{c,n} \ge unit_{p,i} \, joins_{c,n}`, with :math:`Q_{c,n} = \sum_{a,k} x_{p,i,n,a,k}`
    and :math:`unit_{p,i}` the lot size (1 without lots).
    """
    lin = linear(m)
    order, joins = lin.col("order"), lin.col("joins")

    def rows() -> Iterator[Row]:
        for cn in m.JOINS:
            c, n = tuple(cn[:-1]), cn[-1]
            p, i = data.contracts[c]
            unit = data.offers[p, i].lot or 1.0
            cols = [order[o] for o in data.by_route.get((p, i, n), [])]
            yield cn, [*cols, joins[cn]], [1.0] * len(cols) + [-unit], 0.0, INF

    return m.JOINS, rows()


def budget_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""Each nation's spending within its budget: orders net of what funds pay, contributions,
    the part of the investments it sponsors that no fund pays, its share of contracts'
    fixed costs, and its loan repayments within the horizon.

    :math:`\sum_{p,i} (cost_{p,i,n} - \sum_{f,t} pays_{f,p,i,n,t}) + \sum_f contrib_{f,n} + \sum_{e: sponsor_e = n} (cost_e \sum_s build_{e,s} - \sum_{f,s} invests_{f,e,s}) + fixed_n + repay_n \le budget_n`,
    with :math:`repay_n = \sum_{f\ \mathrm{loan}, p, i, t} repaid_{f,t} \, pays_{f,p,i,n,t}` what
    it repays within the horizon of loans that paid for its orders in period :math:`t`
    (:func:`aggregate.model.financing.loan_repayment_terms`; 0 without loans),
    :math:`fixed_n = \sum_c share_{c,n} (contractcost_c \, open_c + \sum_a periodcost_{c,a} \, delivers_{c,a})`
    and :math:`share_{c,n}` set by the offer's ``fixed_costs_paid_by`` or
    ``fixed_costs_split`` (default: the producer's country if a nation of the scenario, else
    an equal split among the nations that may order the item; going alone, the contract's
    own nation).

    Orders already placed are the nation's own (no fund pays them):
    :math:`placed_n = \sum_{o: nation_o = n} \sum_t (price_o (D_{o,t} - cancel_{o,t}) + fee_o
    \, cancel_{o,t})` joins its spending, the constant part on the right side.
    """
    lin = linear(m)
    keys = sorted(data.budgets)

    def rows() -> Iterator[Row]:
        for n in keys:
            cols, coefs = nation_spending(lin, data, n)
            # a nation that can neither buy nor contribute has nothing to limit
            if any(coefs):
                yield n, cols, coefs, -INF, data.budgets[n] - placed_constant(data, n)

    return keys, rows()


def nation_spending(lin: LinearModel, data: ModelData, n: str) -> Terms:
    """What nation ``n`` pays itself: orders net of funds, contributions, sponsored
    investment, fixed costs, and loan repayments within the horizon."""
    contrib = lin.col("contrib")
    build, invests = lin.col("build"), lin.col("fund_invests")
    cols: list[int] = []
    coefs: list[float] = []
    routes = data.routes_of.get(n, [])
    for p, i, r in routes:
        c, v = route_cost(lin, data, p, i, r)
        cols += c
        coefs += v
    for f in data.funds:
        for p, i, r in routes:
            paid = paid_columns(lin, data, f, p, i, r)
            cols += paid
            coefs += [-1.0] * len(paid)
    for f, x in data.funds.items():
        if n in x.members:
            cols.append(contrib[f, n])
            coefs.append(1.0)
    c, v = fixed_cost_terms(lin, data, n)
    cols += c
    coefs += v
    # loans: the instalments falling within the horizon come back out of the budget
    c, v = financing.loan_repayment_terms(lin, data, n)
    cols += c
    coefs += v
    c, v = placed_terms(lin, data, n)
    cols += c
    coefs += v
    for e, sponsor in data.sponsor_of.items():
        if sponsor != n:
            continue
        cost = data.expansions[e].cost
        for s in data.expansions[e].starts:
            cols.append(build[e, s])
            coefs.append(cost)
        for f in data.funds:
            for s in data.expansions[e].starts:
                if (f, e, s) in invests:
                    cols.append(invests[f, e, s])
                    coefs.append(-1.0)
    return cols, coefs


def placed_terms(lin: LinearModel, data: ModelData, n: str, period: int | None = None) -> Terms:
    r"""Nation ``n``'s spending on its orders already placed that the plan decides: each unit
    cancelled saves its price and costs the fee (:math:`(fee_o - price_o) \, cancel_{o,t}`),
    in the period of the cancelled delivery; ``period`` None: every period. The rest,
    :func:`placed_constant`, is fixed."""
    cancel = lin.col("cancel")
    cols: list[int] = []
    coefs: list[float] = []
    for o, t in data.cancels:
        x = data.placed[o]
        if x.nation == n and period in (None, t) and x.fee != x.price:
            cols.append(cancel[o, t])
            coefs.append(x.fee - x.price)
    return cols, coefs


def placed_constant(data: ModelData, n: str, period: int | None = None) -> float:
    """What nation ``n``'s orders already placed cost if none is cancelled: price times the
    units delivered, in the delivery period (``period`` None: every period)."""
    return sum(
        x.price * (sum(x.deliveries) if period is None else x.deliveries[period])
        for x in data.placed.values()
        if x.nation == n
    )


def fixed_cost_terms(lin: LinearModel, data: ModelData, n: str, period: int | None = None) -> Terms:
    """Nation ``n``'s share of contracts' fixed costs (columns and coefficients): the contract
    cost falls in the horizon's first period (contracts are placed at the start), each period
    cost in its period; ``period`` None: every period."""
    opened, delivers = lin.col("open"), lin.col("delivers")
    cols: list[int] = []
    coefs: list[float] = []
    for c, shares in data.fixed_payers.items():
        share = shares.get(n, 0.0)
        if share <= 0:
            continue
        off = data.offers[data.contracts[c]]
        if off.contract_cost > 0 and period in (None, 0):
            cols.append(opened[c])
            coefs.append(share * off.contract_cost)
        for a, cost in enumerate(off.period_cost):
            key = (*c, a)
            if cost > 0 and period in (None, a) and key in delivers:
                cols.append(delivers[key])
                coefs.append(share * cost)
    return cols, coefs


def budget_period_upper(m: pyo.ConcreteModel, data: ModelData) -> Rows:
    r"""The nation's cash outlay per period: orders paid in the period (arriving, or ordered
    for a nation paying at award), before any fund reimbursement, and its share of
    contracts' fixed costs falling in the period.

    :math:`\sum_{p,i,a,k: paid(a) = t} (price_k + delivery_{p,n}) \, x_{p,i,n,a,k} + \sum_c share_{c,n} (contractcost_c \, open_c [t = 0] + periodcost_{c,t} \, delivers_{c,t}) \le budget_{n,t}`,
    with :math:`paid(a) = a` (``pays_at: delivery``) or :math:`a - lead_{p,i}` (``award``).

    Orders already placed are paid on delivery, a cancellation's fee in the period of the
    cancelled delivery (:math:`placed_{n,a}` of ``budget_upper`` in period :math:`a`).
    """
    lin = linear(m)
    order = lin.col("order")
    keys = [(n, a) for n, limits in data.period_budgets.items() for a in range(len(data.periods))]
    by_nation_period: dict[tuple[str, int], list] = defaultdict(list)
    for o in data.orders:
        by_nation_period[o[2], data.paid_period(o)].append(o)

    def rows() -> Iterator[Row]:
        for n, a in keys:
            terms = by_nation_period.get((n, a), [])
            coefs = [
                data.offers[o[0], o[1]].price(o[4], o[3]) + data.offers[o[0], o[1]].delivery[n]
                for o in terms
            ]
            cols = [order[o] for o in terms]
            fixed_cols, fixed_coefs = fixed_cost_terms(lin, data, n, a)
            cols += fixed_cols
            coefs += fixed_coefs
            placed_cols, placed_coefs = placed_terms(lin, data, n, a)
            cols += placed_cols
            coefs += placed_coefs
            if any(coefs):
                limit = data.period_budgets[n][a] - placed_constant(data, n, a)
                yield (n, a), cols, coefs, -INF, limit

    return keys, rows()
