"""Read a solved model into the solution's tidy tables (columns in :mod:`aggregate.tables`)."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from aggregate import labels
from aggregate.data import HORIZON, ModelData
from aggregate.model import participation
from aggregate.model.linear import LinearModel, linear
from aggregate.model.payers import MONEY
from aggregate.schema.facts import added_capacity
from aggregate.schema.settings import discount
from aggregate.tables import SPECS

EPS = 1e-7
MONEY_EPS = 1e-3
"""Money columns (currency units) at or below this are 0 in the tables."""

COST_TERMS = (
    "purchase",
    "delivery",
    "contract",
    "period",
    "investment",
    "holding",
    "repair",
    "placed",
)
"""The terms of ``total_cost`` (each also a key figure ``<term>_cost``); penalties are not
among them (their own key figure, ``penalty_cost``)."""


def _clean(x: np.ndarray) -> np.ndarray:
    """Solver noise cleaned: |x| <= EPS (or unset) is 0, within 1e-6 of an integer is it."""
    x = np.where(np.isnan(x) | (np.abs(x) <= EPS), 0.0, x)
    r = np.round(x)
    return np.where(np.abs(x - r) <= 1e-6, r, x)


def _values(lin: LinearModel, x: np.ndarray, name: str) -> dict[Any, float]:
    """Non-zero values of variable ``name`` (from the cleaned column values ``x``)."""
    block = lin.columns[name]
    part = x[block.start : block.stop]
    keys = block.keys
    nz = np.flatnonzero(part)
    return dict(zip([keys[j] for j in nz.tolist()], part[nz].tolist(), strict=True))


def _frame(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    return SPECS[name].frame(rows)


def label(contract: tuple[str, ...]) -> str:
    """The tables' label of a contract key ((producer, item) or (producer, item, nation))."""
    return labels.contract(*contract)


def extract(
    m: pyo.ConcreteModel, data: ModelData, values: np.ndarray | None = None
) -> tuple[dict[str, pd.DataFrame], dict]:
    """All tables and the key figures of the plan held in ``m``'s variable values
    (``values``: those values, where the caller has already read them)."""
    lin = linear(m)
    x = _clean(lin.column_values() if values is None else values)
    # money flows below a tenth of a cent are the LP's rounding on sums of billions (the
    # ammunition plan had EUR 0.00002 through EDIRPA, split off its key by 1e-6): none
    for name in MONEY:
        if name in lin.columns:
            block = slice(lin.columns[name].start, lin.columns[name].stop)
            x[block] = np.where(np.abs(x[block]) <= MONEY_EPS, 0.0, x[block])
    # integer columns are whole within HiGHS's integrality tolerance (mip_feasibility_tolerance,
    # set in model/highs.py): report them whole
    whole = np.asarray(lin.integer, dtype=bool)
    x[whole] = np.round(x[whole])
    v = {
        name: _values(lin, x, name)
        for name in (
            "order",
            "lots",
            "open",
            "tier",
            "build",
            "made",
            "held",
            "stock",
            "give",
            "use",
            "short",
            "below",
            "missed",
            "worn",
            "repair",
            "feed",
            "contrib",
            "fund_pays",
            "fund_invests",
            "unspent",
            "paid_in",
            "cancel",
        )
    }
    tables = {
        "orders": _orders(data, v),
        "contracts": _contracts(data, v),
        "investments": _investments(data, v),
        "capacity": _capacity(data, v),
        "components": _components(data, v),
        "donations": _donations(data, v),
        "inventory": _inventory(m, data, v),
        "repairs": _repairs(data, v),
        "supply": _supply(data, v),
        "demands": _demands(data, v),
        "refills": _refills(data, v),
        "contributions": _contributions(data, v),
        "placed_orders": _placed_orders(data, v),
    }
    tables["payments"] = _payments(data, v, tables["orders"], tables["contracts"])
    tables["budgets"] = _budgets(data, tables["payments"], tables["placed_orders"])
    tables["funds"] = _funds(data, v)
    tables["loans"] = _loans(data, v)
    tables["participation"] = participation.table(data, tables)
    return tables, _key_figures(lin, x, data, tables)


def _orders(data: ModelData, v: dict) -> pd.DataFrame:
    rows = []
    for (p, i, n, a, k), q in v["order"].items():
        off = data.offers[p, i]
        lots = v["lots"].get((p, i, n, a), 0.0) if off.lot is not None else math.nan
        rows.append(
            {
                "contract": label(data.contract_of[p, i, n]),
                "producer": p,
                "item": i,
                "nation": n,
                "order_period": data.periods[a - off.lead],
                "arrival_period": data.periods[a],
                "tier": k,
                "unit_price": off.price(k, a),
                "quantity": q,
                "lots": lots,
                "purchase_cost": off.price(k, a) * q,
                "delivery_cost": off.delivery[n] * q,
                "price_currency": off.currency or data.currency,
                "stated_unit_price": off.price(k, a) / off.rate,
            }
        )
    return _frame("orders", rows)


def _placed_orders(data: ModelData, v: dict) -> pd.DataFrame:
    rows = []
    for o, x in data.placed.items():
        for t, ordered in enumerate(x.deliveries):
            if ordered <= 0:
                continue
            cut = v["cancel"].get((o, t), 0.0)
            rows.append(
                {
                    "placed_order": o,
                    "producer": x.producer,
                    "item": x.item,
                    "nation": x.nation,
                    "period": data.periods[t],
                    "ordered": ordered,
                    "cancelled": cut,
                    "delivered": ordered - cut,
                    "unit_price": x.price,
                    "cost": x.price * (ordered - cut),
                    "cancellation_fee": x.fee,
                    "cancellation_cost": x.fee * cut,
                }
            )
    return _frame("placed_orders", rows)


def _placed_deliveries(data: ModelData, v: dict, by: str) -> dict[tuple[str, str, int], float]:
    """(producer or nation, item, period) -> units placed orders deliver, net of cancels."""
    out: dict[tuple[str, str, int], float] = defaultdict(float)
    for o, x in data.placed.items():
        who = x.producer if by == "offer" else x.nation
        for t, units in enumerate(x.deliveries):
            if units > 0:
                out[who, x.item, t] += units - v["cancel"].get((o, t), 0.0)
    return out


def _contracts(data: ModelData, v: dict) -> pd.DataFrame:
    volume: dict[tuple, float] = defaultdict(float)
    nations: dict[tuple, set[str]] = defaultdict(set)
    periods: dict[tuple, set[int]] = defaultdict(set)
    for (p, i, n, a, _k), q in v["order"].items():
        c = data.contract_of[p, i, n]
        volume[c] += q
        nations[c].add(n)
        periods[c].add(a)
    rows = []
    for c in v["open"]:
        off = data.offers[data.contracts[c]]
        tier = next((k for k in range(len(off.prices)) if v["tier"].get((*c, k), 0) > 0.5), 0)
        rows.append(
            {
                "contract": label(c),
                "producer": c[0],
                "item": c[1],
                "nation": c[2] if len(c) > 2 else "",
                "volume": volume[c],
                "tier": tier,
                # the tier's price for an order placed in the first period (an escalating
                # offer's orders each pay their own order period's: the orders table)
                "unit_price": off.price_by_period[tier][0],
                "nations": len(nations[c]),
                "contract_cost": off.contract_cost,
                "order_periods": len(periods[c]),
                "period_cost": sum(off.period_cost[a] for a in periods[c]),
            }
        )
    return _frame("contracts", rows)


def _investments(data: ModelData, v: dict) -> pd.DataFrame:
    rows = []
    for e, s in v["build"]:
        x = data.expansions[e]
        ready = s + x.lead
        rows.append(
            {
                "expansion": e,
                "producer": x.producer,
                "item": x.item,
                "start_period": data.periods[s],
                "ready_period": data.periods[ready] if ready < len(data.periods) else "",
                "added_capacity": x.added,
                "investment_cost": x.cost,
                "sponsor": x.sponsor or "",
                "supplier": x.supplier or "",
            }
        )
    return _frame("investments", rows)


def _capacity(data: ModelData, v: dict) -> pd.DataFrame:
    used = _placed_deliveries(data, v, "offer")
    for (p, i, _n, a, _k), q in v["order"].items():
        used[p, i, a] += q
    built = [
        (x.producer, x.item, x.added, s + x.lead, x.ramp)
        for e, s in v["build"]
        for x in [data.expansions[e]]
        if x.supplier is None
    ]
    added = added_capacity(built, len(data.periods))
    made, held = v["made"], v["held"]
    rows = [
        {
            "producer": p,
            "item": i,
            "period": data.periods[a],
            "base": off.capacity[a],
            "added": added[p, i, a],
            "used": used[p, i, a],
            # an offer that does not build ahead makes what it delivers
            "made": made.get((p, i, a), 0.0) if off.ahead else used[p, i, a],
            "held": held.get((p, i, a), 0.0),
        }
        for (p, i), off in data.offers.items()
        for a in range(len(data.periods))
    ]
    return _frame("capacity", rows)


def _components(data: ModelData, v: dict) -> pd.DataFrame:
    rows = [
        {
            "supplier": s,
            "component": data.supplier_component[s],
            "producer": p,
            "period": data.periods[t],
            "quantity": q,
            "country": data.supplier_country.get(s) or "",
            "value": q * data.supplier_value[s] if s in data.supplier_value else math.nan,
        }
        for (s, p, t), q in v["feed"].items()
    ]
    return _frame("components", rows)


def _donations(data: ModelData, v: dict) -> pd.DataFrame:
    rows = [
        {"donor": g, "recipient": r, "item": i, "period": data.periods[t], "quantity": q}
        for (g, r, i, t), q in v["give"].items()
    ]
    return _frame("donations", rows)


def _inventory(m: pyo.ConcreteModel, data: ModelData, v: dict) -> pd.DataFrame:
    flows: dict[str, dict[tuple[str, str, int], float]] = {
        k: defaultdict(float) for k in ("arrivals", "in", "out", "used")
    }
    flows["arrivals"].update(_placed_deliveries(data, v, "nation"))
    for (_p, i, n, a, _k), q in v["order"].items():
        flows["arrivals"][n, i, a] += q
    for (g, r, i, t), q in v["give"].items():
        flows["in"][r, i, t] += q
        flows["out"][g, i, t] += q
    for (d, i, t), q in v["use"].items():
        flows["used"][data.demands[d].nation, i, t] += q
    worn, spares, repaired = _sustainment_flows(data, v)
    rows = []
    for n, i, t in linear(m).columns["stock"].keys:
        s = data.stocks.get((n, i))
        opening = (s.on_hand if s else 0.0) if t == 0 else v["stock"].get((n, i, t - 1), 0.0)
        closing = v["stock"].get((n, i, t), 0.0)
        binds = s is not None and s.floor_from is not None and t >= s.floor_from
        rows.append(
            {
                "nation": n,
                "item": i,
                "period": data.periods[t],
                "opening": opening,
                "arrivals": flows["arrivals"][n, i, t],
                "donated_in": flows["in"][n, i, t],
                "donated_out": flows["out"][n, i, t],
                "used": flows["used"][n, i, t],
                "closing": closing,
                "floor": s.floor[t] if binds and s else 0.0,
                "below_floor": v["below"].get((n, i, t), 0.0),
                "holding_cost": (s.holding[t] * closing) if s else 0.0,
                "worn": worn[n, i, t],
                "spares_drawn": spares[n, i, t],
                "repaired": repaired[n, i, t],
                "worn_pool": v["worn"].get((n, i, t), 0.0),
            }
        )
    return _frame("inventory", rows)


def _sustainment_flows(data: ModelData, v: dict) -> tuple[defaultdict, defaultdict, defaultdict]:
    """(nation, item, period) -> units worn out, spares drawn and repaired units back."""
    used: dict[tuple[str, str, int], float] = defaultdict(float)
    for (d, i, t), q in v["use"].items():
        used[data.demands[d].nation, i, t] += q
    out: list[defaultdict] = []
    for rates in (data.wear, data.spares):
        flow: defaultdict = defaultdict(float)
        for (n, i), by in rates.items():
            for u, rate in by.items():
                for t in range(len(data.periods)):
                    if (n, u, t) in used:
                        flow[n, i, t] += rate * used[n, u, t]
        out.append(flow)
    repaired: defaultdict = defaultdict(float)
    for (s, n, i, t), q in v["repair"].items():
        repaired[n, i, t + data.shops[s].turnaround] += q
    return out[0], out[1], repaired


def _repairs(data: ModelData, v: dict) -> pd.DataFrame:
    rows = [
        {
            "shop": s,
            "nation": n,
            "item": i,
            "period": data.periods[t],
            "returned": data.periods[t + data.shops[s].turnaround],
            "quantity": q,
            "repair_cost": data.shops[s].cost * q,
        }
        for (s, n, i, t), q in v["repair"].items()
    ]
    return _frame("repairs", rows)


def _supply(data: ModelData, v: dict) -> pd.DataFrame:
    rows = []
    for (d, i, t), q in v["use"].items():
        dd = data.demands[d]
        rows.append(
            {
                "demand": d,
                "nation": dd.nation,
                "capability": dd.capability,
                "item": i,
                "period": data.periods[t],
                "quantity": q,
                "equivalent": q * data.supply[d, i, t],
                "periods_late": t - dd.due,
            }
        )
    return _frame("supply", rows)


def _demands(data: ModelData, v: dict) -> pd.DataFrame:
    on_time: dict[str, float] = defaultdict(float)
    late: dict[str, float] = defaultdict(float)
    late_periods: dict[str, float] = defaultdict(float)
    for (d, i, t), q in v["use"].items():
        eq = q * data.supply[d, i, t]
        lateness = t - data.demands[d].due
        if lateness == 0:
            on_time[d] += eq
        else:
            late[d] += eq
            late_periods[d] += eq * lateness
    rows = []
    for d, dd in data.demands.items():
        short = v["short"].get(d, 0.0)
        rows.append(
            {
                "demand": d,
                "nation": dd.nation,
                "capability": dd.capability,
                "due_period": data.periods[dd.due],
                "priority": dd.priority,
                "quantity": dd.quantity,
                "met_on_time": on_time[d],
                "met_late": late[d],
                "late_unit_periods": late_periods[d],
                "short": short,
                "weighted_shortfall": dd.priority
                * discount(data.needs_discount, dd.due)
                * (short + data.lateness_weight * late_periods[d]),
            }
        )
    return _frame("demands", rows)


def _refills(data: ModelData, v: dict) -> pd.DataFrame:
    rows = [
        {
            "nation": n,
            "item": i,
            "refill_by": data.periods[s.refill_by],
            "target": s.refill_target,
            "level": v["stock"].get((n, i, s.refill_by), 0.0),
            "missed": v["missed"].get((n, i), 0.0),
        }
        for (n, i), s in data.stocks.items()
        if s.refill_target is not None and s.refill_by is not None
    ]
    return _frame("refills", rows)


def _contributions(data: ModelData, v: dict) -> pd.DataFrame:
    rows = []
    for f, x in data.funds.items():
        if x.channel == "bilateral":
            continue  # the payer pays the orders directly (payments table), nothing is pooled
        total = sum(v["contrib"].get((f, n), 0.0) for n in x.members)
        for n in x.members:
            amount = v["contrib"].get((f, n), 0.0)
            if x.key is not None:
                key = x.key[n]
                lower, upper = key * (1 - x.tolerance) * total, key * (1 + x.tolerance) * total
            else:
                key = math.nan
                lower = x.pledge_min[n]
                upper = x.pledge_max[n] if x.pledge_max[n] is not None else math.nan
            rows.append(
                {
                    "fund": f,
                    "nation": n,
                    "amount": amount,
                    "share": amount / total if total > 0 else math.nan,
                    "key_share": key,
                    "lower": lower,
                    "upper": upper,
                }
            )
    return _frame("contributions", rows)


def _payments(
    data: ModelData, v: dict, orders: pd.DataFrame, contracts: pd.DataFrame
) -> pd.DataFrame:
    """Every payment, in the period it falls (:meth:`~aggregate.data.ModelData.paid_period`
    for orders)."""
    rows: list[dict[str, Any]] = []
    cost: dict[tuple[str, str, str, int], float] = defaultdict(float)
    for o, q in v["order"].items():
        p, i, n, a, k = o
        off = data.offers[p, i]
        cost[p, i, n, data.paid_period(o)] += (off.price(k, a) + off.delivery[n]) * q
    funded: dict[tuple[str, str, str, int], float] = defaultdict(float)
    for (f, p, i, n, t), amount in sorted(_fund_periods(data, v, cost).items()):
        funded[p, i, n, t] += amount
        fx, period = data.funds[f], data.periods[t]
        if fx.channel == "bilateral":  # the payer pays the producer itself
            rows.append(_pay(fx.members[0], "nation", "order", p, i, n, "", amount, f, period))
        else:
            rows.append(_pay(f, "fund", "order", p, i, n, "", amount, f, period))
    for (p, i, n, t), total in sorted(cost.items()):
        own = total - funded[p, i, n, t]
        if own > EPS:
            rows.append(_pay(n, "nation", "order", p, i, n, "", own, period=data.periods[t]))
    fund_share: dict[str, float] = defaultdict(float)
    for (f, e, s), amount in v["fund_invests"].items():
        x = data.expansions[e]
        fund_share[e] += amount
        period = data.periods[s]
        rows.append(_pay(f, "fund", "investment", x.producer, x.item, "", e, amount, f, period))
    for e, s in v["build"]:
        x = data.expansions[e]
        own = x.cost - fund_share[e]
        if x.sponsor and own > EPS:
            rows.append(
                _pay(
                    x.sponsor,
                    "nation",
                    "investment",
                    x.producer,
                    x.item,
                    "",
                    e,
                    own,
                    period=data.periods[s],
                )
            )
    scheduled = {f for f, x in data.funds.items() if x.tranches is not None}
    for (f, n, t), amount in v["paid_in"].items():
        rows.append(_pay(n, "nation", "contribution", "", "", f, "", amount, f, data.periods[t]))
    for (f, n), amount in v["contrib"].items():
        if data.funds[f].channel != "bilateral" and f not in scheduled:
            rows.append(_pay(n, "nation", "contribution", "", "", f, "", amount, f))
    # loans: the beneficiary repays the instalments falling within the horizon to the fund,
    # each in its period
    for (f, n, u), repaid in sorted(_loan_repayments(data, v).items()):
        if repaid > EPS:
            rows.append(_pay(n, "nation", "repayment", "", "", f, "", repaid, f, data.periods[u]))
    rows += _fixed_payments(data, v, contracts)
    return _frame("payments", rows)


def _fund_periods(
    data: ModelData, v: dict, cost: dict[tuple[str, str, str, int], float]
) -> dict[tuple[str, str, str, str, int], float]:
    """Fund payments by period: a fund with a schedule as solved; one without
    (:data:`~aggregate.data.HORIZON`) pays the route's orders in the order they are paid,
    what the scheduled funds leave of each period's cost first (its total is within the
    route's cost: ``fund_payment_upper``)."""
    out: dict[tuple[str, str, str, str, int], float] = defaultdict(float)
    whole: list[tuple[tuple[str, str, str, str], float]] = []
    for (f, p, i, n, t), amount in v["fund_pays"].items():
        if t == HORIZON:
            whole.append(((f, p, i, n), amount))
        else:
            out[f, p, i, n, t] += amount
    left = dict(cost)
    for (_f, p, i, n, t), amount in out.items():
        left[p, i, n, t] = left.get((p, i, n, t), 0.0) - amount
    paid_in: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for p, i, n, t in sorted(cost):
        paid_in[p, i, n].append(t)
    for (f, p, i, n), amount in sorted(whole):
        periods = paid_in.get((p, i, n), [])
        for t in periods:
            part = min(amount, max(0.0, left[p, i, n, t]))
            if t == periods[-1]:
                part = amount  # what rounding leaves lands in the last period
            if part > 0:
                out[f, p, i, n, t] += part
                left[p, i, n, t] -= part
                amount -= part
            if amount <= 0:
                break
    return out


def _fixed_payments(data: ModelData, v: dict, contracts: pd.DataFrame) -> list[dict[str, Any]]:
    """Fixed costs as the contracts table charges them, split by the offer's stated rule:
    the contract cost in the first period, each period cost in its period."""
    periods: dict[tuple, set[int]] = defaultdict(set)
    for p, i, n, a, _k in v["order"]:
        periods[data.contract_of[p, i, n]].add(a)
    rows: list[dict[str, Any]] = []
    for r in contracts.to_dict("records"):
        p, i, n = str(r["producer"]), str(r["item"]), str(r["nation"] or "")
        c = (p, i, n) if n else (p, i)
        off = data.offers[p, i]
        due: dict[int, float] = defaultdict(float)
        due[0] += float(r["contract_cost"])
        for a in periods[c]:
            due[a] += off.period_cost[a]
        for payer, share in sorted(data.fixed_payers.get(c, {}).items()):
            for t, amount in sorted(due.items()):
                if share * amount > EPS:
                    period = data.periods[t]
                    rows.append(
                        _pay(payer, "nation", "fixed", p, i, "", "", share * amount, period=period)
                    )
    return rows


def _loan_drawn(data: ModelData, v: dict) -> dict[tuple[str, str, int], float]:
    """(loan fund, nation, period) -> what the loan paid for the nation's orders in the
    period (a loan's payments are always split by period)."""
    out: dict[tuple[str, str, int], float] = defaultdict(float)
    for (f, _p, _i, n, t), amount in v["fund_pays"].items():
        if data.funds[f].loan and amount > EPS:
            out[f, n, t] += amount
    return out


def _loan_principal(data: ModelData, v: dict) -> dict[tuple[str, str], float]:
    """(loan fund, nation) -> what the loan paid for the nation's orders (its principal)."""
    out: dict[tuple[str, str], float] = defaultdict(float)
    for (f, n, _t), amount in _loan_drawn(data, v).items():
        out[f, n] += amount
    return out


def _loan_repayments(data: ModelData, v: dict) -> dict[tuple[str, str, int], float]:
    """(loan fund, nation, period) -> the instalments due in the period within the horizon:
    ``1 / repayment_periods`` of each payment the loan made before it
    (:attr:`~aggregate.records.FundData.instalments`)."""
    out: dict[tuple[str, str, int], float] = defaultdict(float)
    for (f, n, t), amount in _loan_drawn(data, v).items():
        x = data.funds[f]
        for u in x.instalments[t]:
            out[f, n, u] += amount / x.repayment_periods
    return out


def _loans(data: ModelData, v: dict) -> pd.DataFrame:
    """Each loan's principal per beneficiary, what is repaid within the horizon (charged to
    the beneficiary's budget), what is still owed at its end, and the interest over the
    schedule (:func:`aggregate.schema.facts.loan_schedule`)."""
    rows = []
    repaid: dict[tuple[str, str], float] = defaultdict(float)
    for (f, n, t), amount in _loan_drawn(data, v).items():
        repaid[f, n] += data.funds[f].repaid[t] * amount
    for (f, n), principal in sorted(_loan_principal(data, v).items()):
        x = data.funds[f]
        rows.append(
            {
                "fund": f,
                "nation": n,
                "principal": principal,
                "repaid": repaid[f, n],
                "outstanding": principal - repaid[f, n],
                "interest": x.interest * principal,
            }
        )
    return _frame("loans", rows)


def _pay(
    payer: str,
    kind: str,
    purpose: str,
    producer: str,
    item: str,
    beneficiary: str,
    expansion: str,
    amount: float,
    channel: str = labels.OWN,
    period: str = "",
) -> dict[str, Any]:
    return {
        "payer": payer,
        "payer_type": kind,
        "purpose": purpose,
        "producer": producer,
        "item": item,
        "beneficiary": beneficiary,
        "expansion": expansion,
        "period": period,
        "amount": amount,
        "channel": channel,
    }


def _budgets(data: ModelData, payments: pd.DataFrame, placed: pd.DataFrame) -> pd.DataFrame:
    own = payments[payments.payer_type == "nation"]
    # an order payment through a bilateral channel is spent for another nation
    purpose = own.purpose.where(
        (own.purpose != "order") | (own.channel == labels.OWN), "for_others"
    )
    by = own.groupby([own.payer, purpose])["amount"].sum()
    placed_cost = (placed.cost + placed.cancellation_cost).groupby(placed.nation).sum()
    nations = sorted(
        {n for _p, _i, n in data.routes}
        | set(data.budgets)
        | set(own.payer)
        | {x.nation for x in data.placed.values()}
    )
    rows = []
    kinds = ("order", "for_others", "contribution", "investment", "fixed", "repayment")
    for n in nations:
        parts = {k: float(by.get((n, k), 0.0)) for k in kinds}
        parts["placed"] = float(placed_cost.get(n, 0.0))
        rows.append(
            {
                "nation": n,
                "budget": data.budgets.get(n, math.nan),
                "spent": sum(parts.values()),
                "orders": parts["order"],
                "for_others": parts["for_others"],
                "contributions": parts["contribution"],
                "investments": parts["investment"],
                "fixed_costs": parts["fixed"],
                "repayments": parts["repayment"],
                "placed_orders": parts["placed"],
            }
        )
    return _frame("budgets", rows)


def _funds(data: ModelData, v: dict) -> pd.DataFrame:
    """Each fund's money in, money out and what stays unspent (bilateral purchases are not
    funds: the payments table shows them under their channel)."""
    rows = []
    for f, x in data.funds.items():
        if x.channel == "bilateral":
            continue
        collected = sum(v["contrib"].get((f, n), 0.0) for n in x.members)
        orders = sum(a for k, a in v["fund_pays"].items() if k[0] == f)
        invested = sum(a for k, a in v["fund_invests"].items() if k[0] == f)
        rows.append(
            {
                "fund": f,
                "collected": collected,
                "orders": orders,
                "investments": invested,
                # from the balance, not the column: tables add up exactly
                "unspent": max(0.0, collected - orders - invested),
                "packages": math.nan
                if x.package_size is None
                else float(round((orders + invested) / x.package_size)),
            }
        )
    return _frame("funds", rows)


def _key_figures(
    lin: LinearModel, x: np.ndarray, data: ModelData, tables: dict[str, pd.DataFrame]
) -> dict[str, Any]:
    terms = {k: float(c @ x) for k, c in lin.objective_terms.items()}
    # A plan stopped at a time limit may switch a delivery period on with nothing delivered
    # in it; nobody pays for a delivery that does not happen, so the period cost is what the
    # contracts table charges for the periods that have orders (equal at an optimum).
    if "period" in terms and not tables["contracts"].empty:
        terms["period"] = float(tables["contracts"]["period_cost"].sum())
    # the model holds only the decided part of the placed orders' cost: report all of it
    placed = tables["placed_orders"]
    terms["placed"] = float(placed["cost"].sum() + placed["cancellation_cost"].sum())
    demands, funds = tables["demands"], tables["funds"]
    due = float(demands.quantity.sum())
    met = float(demands.met_on_time.sum() + demands.met_late.sum())
    late = float(demands.met_late.sum())
    if data.objective == "weighted":
        # in the weighted objective, shortfall and lateness are priced too
        for d, short, late_units in zip(
            demands.demand, demands.short, demands.late_unit_periods, strict=True
        ):
            dd = data.demands[d]
            terms["penalty"] += dd.shortfall_penalty * short + dd.lateness_penalty * late_units
    figures: dict[str, Any] = {
        "total_cost": sum(terms[k] for k in COST_TERMS),
        **{f"{k}_cost": terms[k] for k in (*COST_TERMS, "penalty")},
        "weighted_shortfall": float(demands.weighted_shortfall.sum()),
        "short": float(demands.short.sum()),
        "fill_rate": met / due if due > 0 else 1.0,
        "on_time_rate": float(demands.met_on_time.sum()) / due if due > 0 else 1.0,
        "average_lateness": float(demands.late_unit_periods.sum()) / late if late > 0 else 0.0,
        "unspent_fund_balance": _balance(funds),
    }
    return figures


def _balance(funds: pd.DataFrame) -> float:
    """The funds' balance itself (not the table's unspent, floored at 0): money in minus out,
    0 where it is rounding of sums of billions (a relative 1e-9 of the money collected)."""
    collected = float(funds.collected.sum())
    balance = collected - float(funds.orders.sum()) - float(funds.investments.sum())
    return balance if abs(balance) > 1e-9 * max(1.0, collected) else 0.0
