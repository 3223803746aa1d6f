"""The model's index sets and decision variables (see docs/model.md, "Decisions")."""

from __future__ import annotations

import math
from typing import Any

import pyomo.environ as pyo

from aggregate.data import ModelData
from aggregate.model.linear import INF, LinearModel
from aggregate.records import OfferData

SET_DIMEN: dict[str, int | None] = {
    "ORDERS": 5,
    "LOTS": 4,
    "CONTRACTS": None,
    "CONTRACT_TIERS": None,
    "DELIVERS": None,
    "BUILDS": 2,
    "MADE": 3,
    "HELD": 3,
    "STOCK": 3,
    "GIFTS": 4,
    "DONATES": 2,
    "SUPPLY": 3,
    "DEMANDS": 1,
    "BELOW": 3,
    "MISSED": 2,
    "WORN": 3,
    "REPAIRS": 4,
    "FEEDS": 3,
    "CONTRIB": 2,
    "FUND_PAYS": 5,
    "FUND_INVESTS": 3,
    "PAID_IN": 3,
    "FUNDS": 1,
    "FUND_USES": None,
    "JOINS": None,
    "ORIGIN": 2,
    "PACKAGES": 1,
    "CANCELS": 2,
}
"""Every index set of the model and its dimension (None: tuples of varying length)."""


def index_sets(data: ModelData) -> dict[str, list]:
    """The members of every sparse index set, each holding only the tuples the data can
    produce. Two scenarios with equal index sets give models of the same structure."""
    periods = range(len(data.periods))
    fund_uses = data.consortium_uses()
    ahead = data.ahead_periods()
    takers: dict[tuple[str, ...], set[str]] = {}
    for (_p, _i, n), c in data.contract_of.items():
        takers.setdefault(c, set()).add(n)
    return {
        "ORDERS": data.orders,
        "LOTS": data.lots,
        "CONTRACTS": list(data.contracts),
        "CONTRACT_TIERS": [
            (*c, k) for c, o in data.contracts.items() for k in range(data.ntiers(o))
        ],
        "DELIVERS": [
            (*c, a)
            for c, o in data.contracts.items()
            for a in periods
            if data.offers[o].period_cost[a] > 0
            and data.offers[o].upper[a] > 0
            and a >= data.offers[o].lead
        ],
        "BUILDS": [(e, s) for e, x in data.expansions.items() for s in x.starts],
        "MADE": [(p, i, a) for (p, i), k in ahead.items() for a in range(k)],
        "HELD": [(p, i, a) for (p, i), k in ahead.items() for a in range(k - 1)],
        "STOCK": [(n, i, t) for (n, i) in _stock_keys(data) for t in periods],
        "GIFTS": [(g, r, i, t) for (g, r, i) in data.gifts for t in periods],
        "DONATES": list(data.donor_needs),
        "SUPPLY": list(data.supply),
        "DEMANDS": list(data.demands),
        "BELOW": [
            (n, i, t)
            for (n, i), s in data.stocks.items()
            if s.soft_penalty is not None and s.floor_from is not None
            for t in periods
            if t >= s.floor_from and s.floor[t] > 0
        ],
        "MISSED": [
            (n, i)
            for (n, i), s in data.stocks.items()
            if s.refill_penalty is not None and s.refill_target is not None
        ],
        "WORN": [(n, i, t) for (n, i) in data.wear for t in periods],
        "REPAIRS": data.repairs,
        "FEEDS": [(s, p, t) for (s, p) in data.feeds for t in periods],
        "CONTRIB": [(f, n) for f, x in data.funds.items() for n in x.members],
        "FUND_PAYS": data.fund_pays_at(),
        "FUND_INVESTS": data.fund_invests,
        "PAID_IN": paid_in_index(data),
        "FUNDS": list(data.funds),
        "FUND_USES": fund_uses,
        "JOINS": sorted({(*c[1:], n) for c in fund_uses for n in takers[c[1:]]}),
        "ORIGIN": data.origin_pairs(),
        "PACKAGES": [f for f, x in data.funds.items() if x.package_size is not None],
        "CANCELS": data.cancels,
    }


def paid_in_index(data: ModelData) -> list[tuple[str, str, int]]:
    """(fund, member, period) of the payments into funds with tranches: only in periods
    with a tranche (nothing else can come in)."""
    return [
        (f, n, t)
        for f, x in data.funds.items()
        if x.tranches is not None
        for n in x.members
        for t in range(len(data.periods))
        if x.is_open(t) and x.tranches[t] > 0
    ]


def add_sets(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Sparse index sets (:func:`index_sets`) as ordered Pyomo sets."""
    for name, members in index_sets(data).items():
        dimen = SET_DIMEN[name]
        if dimen == 1:
            setattr(m, name, pyo.Set(initialize=members, ordered=True))
        elif dimen is None or len(members) < 1000:
            setattr(m, name, pyo.Set(initialize=members, dimen=dimen, ordered=True))
        else:
            setattr(m, name, _large_set(members))


def _large_set(members: list[tuple]) -> pyo.SetOf:
    """A set over ``members`` (flat tuples of one length) that holds them as they are.

    A new :class:`~pyomo.environ.Set` checks every member one by one (normalising the index,
    checking its dimension): for 10^5-10^6 orders that costs more than building the model's
    rows. These members are distinct flat tuples of strings and integers made by
    :func:`index_sets`, so :class:`~pyomo.environ.SetOf` over a dict of them (constant-time
    membership, iterated in the members' order) is the same set without the checks. Pyomo
    counts it unordered (no ``ord``/``at``): nothing here asks a member's position.
    """
    return pyo.SetOf(dict.fromkeys(members))


def _stock_keys(data: ModelData) -> list[tuple[str, str]]:
    keys = set(data.stocks)
    keys.update((n, i) for (_, i, n) in data.routes)
    keys.update((r, i) for (_, r, i) in data.gifts)
    keys.update((data.demands[d].nation, i) for (d, i, _) in data.supply)
    keys.update(data.wear)
    keys.update(data.spares)
    keys.update((x.nation, x.item) for x in data.placed.values())
    return sorted(keys)


def add_variables(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Decision variables with the tightest bounds the data gives for free.

    Each variable is also registered as a block of columns of the model's matrix
    (:class:`aggregate.model.linear.LinearModel`, kept as ``m.linear_model``).
    """
    # anything but a Pyomo block (a re-solve's namespace of sets) only gets the numbers
    lin = LinearModel(pyomo=isinstance(m, pyo.Block))
    m.linear_model = lin
    nn, binary = pyo.NonNegativeReals, pyo.Binary

    def add(
        name: str,
        index: pyo.Set,
        domain: Any,
        upper: list[float] | None = None,
        whole: Any = None,
    ) -> None:
        """``whole``: per index, whether a non-negative column takes whole values only."""
        var = None
        if lin.pyomo:
            var = pyo.Var(index, within=domain)
            setattr(m, name, var)
        keys = list(index)
        if upper is None:
            upper = [1.0 if domain is binary else INF] * len(keys)
        integer: bool | list[bool] = domain is not nn
        if whole is not None and data.indivisible:
            integer = [bool(whole(k)) for k in keys]
        lin.add_columns(name, var, keys, [0.0] * len(keys), upper, integer, yes_no=domain is binary)

    offers = data.offers
    indivisible = data.indivisible
    # Whole units of an indivisible item: orders (unless whole lots already make them whole),
    # donations and use are integer; stock, below-floor and missed-refill quantities then
    # follow as whole numbers from the balances, whose data (on_hand, floor, refill_target,
    # lot size) checks/ requires to be whole for these items.
    add(
        "order",
        m.ORDERS,
        nn,
        [offers[o[0], o[1]].upper[o[3]] for o in data.orders],
        whole=lambda o: o[1] in indivisible and offers[o[0], o[1]].lot is None,
    )
    lot_upper = []
    for p, i, _n, a in data.lots:
        off = offers[p, i]
        assert off.lot is not None
        lot_upper.append(float(math.floor(off.upper[a] / off.lot + 1e-9)))
    add("lots", m.LOTS, pyo.NonNegativeIntegers, lot_upper)
    add("open", m.CONTRACTS, binary)
    add("tier", m.CONTRACT_TIERS, binary)
    add("delivers", m.DELIVERS, binary)
    add("build", m.BUILDS, binary)
    # units made (within the period's capacity) and held at the producer for later delivery,
    # for offers that build ahead; a period makes at most its capacity with every expansion
    add("made", m.MADE, nn, [_made_upper(offers[p, i], a) for p, i, a in m.MADE])
    add("held", m.HELD, nn)
    add("stock", m.STOCK, nn)
    add("give", m.GIFTS, nn, whole=lambda g: g[2] in indivisible)
    add("donates", m.DONATES, binary)
    add("use", m.SUPPLY, nn, whole=lambda s: s[1] in indivisible)
    add("short", m.DEMANDS, nn)
    add("below", m.BELOW, nn)
    add("missed", m.MISSED, nn)
    # worn units awaiting repair, and units a shop takes in: rates, never whole-unit decisions
    # (checks/ keeps worn and spare items divisible)
    add("worn", m.WORN, nn)
    # no upper bound at the shop's capacity: repair_capacity_upper is the rule, and a bound
    # binding beside it would take its dual (explain's price of repair capacity)
    add("repair", m.REPAIRS, nn)
    add("feed", m.FEEDS, nn)
    add("contrib", m.CONTRIB, nn)
    add("fund_pays", m.FUND_PAYS, nn)
    add("fund_invests", m.FUND_INVESTS, nn)
    add("paid_in", m.PAID_IN, nn)
    # a bilateral purchase pays exactly what it buys: nothing is collected ahead to stay unspent
    bilateral = [data.funds[f].channel == "bilateral" for f in m.FUNDS]
    add("unspent", m.FUNDS, nn, [0.0 if b else INF for b in bilateral])
    add("fund_uses", m.FUND_USES, binary)
    add("joins", m.JOINS, binary)
    add("origin_met", m.ORIGIN, binary)
    # whole packages a fund pays for; its cap bounds them (payments never exceed what the
    # members pay in, at most the cap)
    add(
        "packages",
        m.PACKAGES,
        pyo.NonNegativeIntegers,
        [_most_packages(data, f) for f in m.PACKAGES],
    )

    # units of a cancellable placed order cancelled in a delivery period: at most those due
    add(
        "cancel",
        m.CANCELS,
        nn,
        [data.placed[o].deliveries[t] for o, t in data.cancels],
        whole=lambda c: data.placed[c[0]].item in indivisible,
    )


def _made_upper(offer: OfferData, a: int) -> float:
    """The most an offer that builds ahead makes in period ``a``: its capacity with every
    expansion (:attr:`~aggregate.records.OfferData.upper` sums it over the periods)."""
    return offer.upper[a] - (offer.upper[a - 1] if a > 0 else 0.0)


def _most_packages(data: ModelData, fund: str) -> float:
    """The most whole packages fund ``fund`` can pay for: its cap over the package size
    (no bound without a cap)."""
    x = data.funds[fund]
    assert x.package_size is not None
    return INF if x.cap is None else float(math.floor(x.cap / x.package_size + 1e-9))


def paid_columns(
    lin: LinearModel, data: ModelData, f: str, p: str, i: str, n: str, period: int | None = None
) -> list[int]:
    """The columns of fund ``f``'s payments for nation ``n``'s orders of ``i`` from ``p``:
    one per period in which the fund may pay them (``period`` None: all of them, whose sum
    is the fund's payment for the route over the horizon). A fund that is not
    :attr:`~aggregate.records.FundData.timed` has one column over the horizon
    (:data:`~aggregate.data.HORIZON`), which no single period selects. Empty where it pays
    nothing."""
    periods = data.fund_pay_periods.get((f, p, i, n))
    if not periods:
        return []
    pays = lin.col("fund_pays")
    return [pays[f, p, i, n, t] for t in periods if period is None or t == period]
