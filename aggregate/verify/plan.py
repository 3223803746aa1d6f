"""The plan as the checks read it: the solution's tables typed and cleaned, with the
tolerance and the sums several checks share.

:func:`prepare` reads each table of :data:`aggregate.tables.SPECS` with its columns' types,
reports (and leaves out of every sum) rows naming unknown ids, repeated rows and negative
quantities; :class:`Plan` holds the result.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import Any

import pandas as pd

from aggregate import labels
from aggregate.result import Solution
from aggregate.tables import OPTIONAL_TABLES, SPECS
from aggregate.verify.cells import NAN, cell_label, num, records, sums
from aggregate.verify.index import Index
from aggregate.verify.outcome import Violation


def prepare(
    raw: dict[str, pd.DataFrame], ix: Index, tol: float
) -> tuple[dict[str, pd.DataFrame], list[Violation]]:
    """Copy the tables with typed columns; drop (and report) rows naming unknown ids."""
    found: list[Violation] = []
    tables: dict[str, pd.DataFrame] = {}
    for name, spec in SPECS.items():
        columns = spec.names
        df = raw.get(name)
        if df is None:
            # a rule-only table may be left out by plans written before it existed; the
            # rule's own check reports it missing where the scenario states the rule
            if name not in OPTIONAL_TABLES:
                message = "table missing"
                found.append(Violation("table_columns", labels.table(name), "", message, NAN))
            df = pd.DataFrame(columns=list(columns))
        missing = [c for c in columns if c not in df.columns]
        if missing:
            message = f"columns missing: {', '.join(missing)}"
            found.append(Violation("table_columns", labels.table(name), "", message, NAN))
        df = df.reindex(columns=list(columns)).reset_index(drop=True)
        for c in columns:
            if c in spec.numeric:
                df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
            else:
                df[c] = df[c].map(cell_label).astype(object)
        df, bad = _known_rows(name, df, ix)
        found += bad
        df, bad = _duplicates(name, df)
        found += bad
        found += _negatives(name, df, tol)
        tables[name] = df
    tables["payments"], bad = _payment_records(tables["payments"], ix)
    found += bad
    return tables, found


def _known_rows(name: str, df: pd.DataFrame, ix: Index) -> tuple[pd.DataFrame, list[Violation]]:
    """``table_ids``: rows must name ids and periods of the scenario."""
    found: list[Violation] = []
    bad = pd.Series(False, index=df.index)
    for column, kind in SPECS[name].references:
        unknown = ~df[column].isin(ix.known[kind]) & ~bad
        for i in df.index[unknown]:
            message = f"{column} {df.at[i, column]!r} is not a {kind} of the scenario"
            found.append(Violation("table_ids", labels.row(name, i), "", message, NAN))
        bad |= unknown
    if SPECS[name].offered:
        offered = [pair in ix.offers for pair in zip(df["producer"], df["item"], strict=True)]
        unknown = ~pd.Series(offered, index=df.index, dtype=bool) & ~bad
        for i in df.index[unknown]:
            message = f"producer {df.at[i, 'producer']!r} offers no item {df.at[i, 'item']!r}"
            found.append(Violation("table_ids", labels.row(name, i), "", message, NAN))
        bad |= unknown
    return df[~bad], found


def _duplicates(name: str, df: pd.DataFrame) -> tuple[pd.DataFrame, list[Violation]]:
    """``table_keys``: an entity appears once in a table keyed by it (repeats are dropped)."""
    keys = list(SPECS[name].keys)
    if not keys or df.empty:
        return df, []
    twice = df.duplicated(subset=keys, keep="first")
    return df[~twice], [
        Violation(
            "table_keys",
            labels.row(name, i),
            "",
            f"repeats {dict(zip(keys, df.loc[i, keys], strict=True))}; only the first is read",
            NAN,
        )
        for i in df.index[twice]
    ]


def _negatives(name: str, df: pd.DataFrame, tol: float) -> list[Violation]:
    """``nonnegative``: quantities and amounts are >= 0 (NaN lots are allowed)."""
    found: list[Violation] = []
    for column in SPECS[name].nonnegative:
        for i, value in df[column].items():
            if value < -tol:
                message = f"{column} is {num(value)}"
                found.append(Violation("nonnegative", labels.row(name, i), "", message, -value))
    return found


def _payment_records(df: pd.DataFrame, ix: Index) -> tuple[pd.DataFrame, list[Violation]]:
    """``payment_record``: payer, purpose and references of each payment are valid."""
    found: list[Violation] = []
    keep: list[bool] = []
    for i, r in zip(df.index, records(df), strict=True):
        problem = _payment_problem(r, ix)
        keep.append(problem is None)
        if problem is not None:
            entity = labels.row("payments", i)
            found.append(Violation("payment_record", entity, "", problem, r["amount"]))
    return df[pd.Series(keep, index=df.index, dtype=bool)], found


def _payment_problem(r: dict[str, Any], ix: Index) -> str | None:
    payer, kind, purpose = r["payer"], r["payer_type"], r["purpose"]
    if kind not in ("nation", "fund"):
        return f"payer_type {kind!r} is neither 'nation' nor 'fund'"
    if purpose not in ("order", "investment", "contribution", "fixed", "repayment"):
        return (
            f"purpose {purpose!r} is not 'order', 'investment', 'contribution', 'fixed' or "
            "'repayment'"
        )
    period = r.get("period", "")
    # contributions to a fund without tranches are horizon totals; a loan repayment falls in
    # its instalment's period
    if period not in ix.t and (period != "" or purpose != "contribution"):
        return f"period {period!r} is not a period of the scenario"
    if payer not in (ix.nations if kind == "nation" else ix.funds):
        return f"payer {payer!r} is not a {kind} of the scenario"
    if (problem := _channel_problem(r, ix)) is not None:
        return problem
    if purpose == "order":
        if (r["producer"], r["item"]) not in ix.offers:
            return f"producer {r['producer']!r} offers no item {r['item']!r}"
        if r["beneficiary"] not in ix.nations:
            return f"beneficiary {r['beneficiary']!r} is not a nation"
        if kind == "nation" and r["channel"] == labels.OWN and payer != r["beneficiary"]:
            return f"nation {payer} pays for the orders of {r['beneficiary']}"
    elif purpose == "investment":
        e = ix.expansions.get(r["expansion"])
        if e is None:
            return f"expansion {r['expansion']!r} is not an expansion of the scenario"
        if (r["producer"] or e.producer or "") != (e.producer or "") or (
            r["item"] or e.item or ""
        ) != (e.item or ""):
            return f"producer/item {r['producer']}/{r['item']} are not expansion {e.id}'s"
    elif purpose == "repayment":
        if kind != "nation":
            return "only nations repay loans"
        fund = ix.funds.get(r["beneficiary"])
        if fund is None or fund.kind != "loan":
            return f"repayment to {r['beneficiary']!r}, which is not a loan fund"
    elif purpose == "fixed":
        if kind != "nation":
            return "only nations pay contracts' fixed costs"
        if (r["producer"], r["item"]) not in ix.offers:
            return f"producer {r['producer']!r} offers no item {r['item']!r}"
    else:
        if kind != "nation":
            return "only nations pay contributions"
        if r["beneficiary"] not in ix.funds:
            return f"contribution to {r['beneficiary']!r}, which is not a fund"
    return None


def _channel_problem(r: dict[str, Any], ix: Index) -> str | None:
    """The channel a payment names fits its payer: ``own`` for a nation's own orders and
    investment, the fund for a fund's payments and a contribution, a bilateral purchase of
    the payer for the beneficiary's orders."""
    payer, kind, purpose, channel = r["payer"], r["payer_type"], r["purpose"], r["channel"]
    if purpose in ("contribution", "repayment"):
        want = r["beneficiary"]
    elif kind == "fund":
        want = payer
    elif channel == labels.OWN:
        return None
    elif purpose == "order" and channel in ix.channels:
        if labels.bilateral_parts(channel) == (payer, r["beneficiary"]):
            return None
        return f"channel {channel!r} is not {payer}'s purchase for {r['beneficiary']}"
    else:
        return f"channel {channel!r} is neither 'own' nor a bilateral purchase of the scenario"
    if channel != want:
        return f"channel {channel!r}, the {kind}'s payment goes through {want!r}"
    return None


# --- the plan: tables, tolerance and the sums the checks share ------------------------


class Plan:
    """The solution's tables with the scenario, the tolerance and shared sums."""

    def __init__(
        self, ix: Index, tables: dict[str, pd.DataFrame], tol: float, solution: Solution
    ) -> None:
        self.ix = ix
        self.tables = tables
        self.tol = tol
        self.pooled = solution.pooled
        self.objective = solution.objective
        self.status = solution.status
        self.key_figures = solution.key_figures
        self._rows: dict[str, list[dict[str, Any]]] = {}

    # tolerance

    def gap(self, a: float, b: float, scale: float | None = None) -> float | None:
        """``|a - b|`` when it exceeds the tolerance (NaN counts), else None."""
        size = max(1.0, abs(a), abs(b)) if scale is None else max(1.0, scale)
        diff = abs(a - b)
        return None if diff <= self.tol * size else diff

    def excess(self, lhs: float, rhs: float, scale: float | None = None) -> float | None:
        """``lhs - rhs`` when ``lhs <= rhs`` fails beyond the tolerance (NaN counts)."""
        size = max(1.0, abs(rhs)) if scale is None else max(1.0, scale)
        over = lhs - rhs
        return None if over <= self.tol * size else over

    def positive(self, value: float) -> bool:
        return value > self.tol

    # shared sums

    def rows(self, name: str) -> list[dict[str, Any]]:
        """A table's rows as dicts (read once, shared by the checks)."""
        if name not in self._rows:
            self._rows[name] = records(self.tables[name])
        return self._rows[name]

    @cached_property
    def delivered(self) -> dict[tuple[str, ...], float]:
        """(producer, item, period) -> units delivered, orders already placed included."""
        out = sums(self.tables["orders"], ["producer", "item", "arrival_period"], "quantity")
        return self._with_placed(out, "producer")

    @cached_property
    def made(self) -> dict[tuple[str, ...], float]:
        """(producer, item, period) -> units made: the capacity table's ``made`` for an offer
        that builds ahead (``Offer.build_ahead``), else the units delivered (checked
        against each other by ``build_ahead_balance``)."""
        offers = self.ix.offers
        out = {k: u for k, u in self.delivered.items() if not offers[k[0], k[1]].build_ahead}
        for r in self.rows("capacity"):
            if offers[r["producer"], r["item"]].build_ahead:
                out[r["producer"], r["item"], r["period"]] = r["made"]
        return out

    @cached_property
    def arrivals(self) -> dict[tuple[str, ...], float]:
        """(nation, item, period) -> units delivered to the nation, orders already placed
        included."""
        out = sums(self.tables["orders"], ["nation", "item", "arrival_period"], "quantity")
        return self._with_placed(out, "nation")

    def _with_placed(
        self, out: dict[tuple[str, ...], float], who: str
    ) -> dict[tuple[str, ...], float]:
        placed = sums(self.tables["placed_orders"], [who, "item", "period"], "delivered")
        merged = defaultdict(float, out)
        for key, units in placed.items():
            merged[key] += units
        return dict(merged)

    def placed_volume(self, producer: str, item: str, nation: str | None = None) -> float:
        """Units the orders already placed deliver under an offer, net of cancellations (one
        nation's only, given ``nation``): what counts towards the contract's tiers."""
        df = self.tables["placed_orders"]
        rows = df[(df["producer"] == producer) & (df["item"] == item)]
        if nation is not None:
            rows = rows[rows["nation"] == nation]
        return float(rows["delivered"].sum())

    @cached_property
    def placed_outlay(self) -> dict[tuple[str, ...], float]:
        """(nation, period) -> what its orders already placed cost in the period: units
        delivered at their price plus fees of the units cancelled."""
        df = self.tables["placed_orders"]
        return sums(
            df.assign(money=df["cost"] + df["cancellation_cost"]), ["nation", "period"], "money"
        )

    @cached_property
    def placed_spent(self) -> dict[str, float]:
        """nation -> what its orders already placed cost over the horizon."""
        out: dict[str, float] = defaultdict(float)
        for (n, _), amount in self.placed_outlay.items():
            out[n] += amount
        return dict(out)

    @cached_property
    def donated_in(self) -> dict[tuple[str, ...], float]:
        return sums(self.tables["donations"], ["recipient", "item", "period"], "quantity")

    @cached_property
    def donated_out(self) -> dict[tuple[str, ...], float]:
        return sums(self.tables["donations"], ["donor", "item", "period"], "quantity")

    @cached_property
    def given(self) -> dict[tuple[str, ...], float]:
        """(donor, item) -> units donated over the horizon."""
        return sums(self.tables["donations"], ["donor", "item"], "quantity")

    @cached_property
    def drawn(self) -> dict[tuple[str, ...], float]:
        """(nation, item, period) -> units drawn for demands."""
        return sums(self.tables["supply"], ["nation", "item", "period"], "quantity")

    @cached_property
    def order_cost(self) -> dict[tuple[str, ...], float]:
        """(producer, item, nation) -> purchase + delivery cost of the orders."""
        orders = self.tables["orders"].assign(cost=self._order_money)
        return sums(orders, ["producer", "item", "nation"], "cost")

    @cached_property
    def outlay(self) -> dict[tuple[str, ...], float]:
        """(nation, period) -> purchase + delivery cost of the orders paid in the period."""
        orders = self.tables["orders"].assign(cost=self._order_money, paid=self._paid_period)
        return sums(orders, ["nation", "paid"], "cost")

    @cached_property
    def paid_cost(self) -> dict[tuple[str, ...], float]:
        """(producer, item, nation, period) -> purchase + delivery cost of the nation's
        orders paid in the period."""
        orders = self.tables["orders"].assign(cost=self._order_money, paid=self._paid_period)
        return sums(orders, ["producer", "item", "nation", "paid"], "cost")

    @property
    def _paid_period(self) -> pd.Series:
        """Each order's payment period: its arrival, or its order period for a nation that
        pays at award (``Nation.pays_at``)."""
        orders = self.tables["orders"]
        award = {n for n, x in self.ix.nations.items() if x.pays_at == "award"}
        at_award = orders["nation"].isin(award)
        return orders["order_period"].where(at_award, orders["arrival_period"])

    @property
    def _order_money(self) -> pd.Series:
        orders = self.tables["orders"]
        return orders["purchase_cost"] + orders["delivery_cost"]

    @cached_property
    def inventory(self) -> dict[tuple[str, str, str], dict[str, Any]]:
        """(nation, item, period) -> inventory row (first of any repeats)."""
        out: dict[tuple[str, str, str], dict[str, Any]] = {}
        for r in self.rows("inventory"):
            out.setdefault((r["nation"], r["item"], r["period"]), r)
        return out

    def stock(self, nation: str, item: str, period: str) -> dict[str, Any]:
        """An inventory row; a missing row reads as all zeros."""
        row = self.inventory.get((nation, item, period))
        if row is not None:
            return row
        zero = dict.fromkeys(SPECS["inventory"].numeric, 0.0)
        return {**zero, "nation": nation, "item": item, "period": period}

    def payments(self, payer_type: str, purpose: str) -> pd.DataFrame:
        df = self.tables["payments"]
        return df[(df["payer_type"] == payer_type) & (df["purpose"] == purpose)]

    @cached_property
    def fund_order_pay(self) -> dict[tuple[str, ...], float]:
        """(fund or bilateral channel, producer, item, nation) -> payments for the nation's
        orders by funds and by other nations' bilateral purchases."""
        df = self.tables["payments"]
        kind = df["payer_type"]
        others = (kind == "fund") | ((kind == "nation") & (df["channel"] != labels.OWN))
        df = df[(df["purpose"] == "order") & others]
        return sums(df, ["channel", "producer", "item", "beneficiary"], "amount")

    @cached_property
    def own_order_pay(self) -> dict[tuple[str, ...], float]:
        """(producer, item, nation) -> the nation's own payments for its orders."""
        df = self.payments("nation", "order")
        return sums(df[df["channel"] == labels.OWN], ["producer", "item", "beneficiary"], "amount")

    @cached_property
    def bilateral_paid(self) -> dict[str, float]:
        """nation -> what it pays for other nations' orders (its bilateral purchases)."""
        out: dict[str, float] = defaultdict(float)
        for (channel, *_), amount in self.fund_order_pay.items():
            if channel in self.ix.channels:
                out[self.ix.channels[channel].members[0]] += amount
        return out

    @cached_property
    def fund_invest_pay(self) -> dict[tuple[str, ...], float]:
        """(fund, expansion) -> fund payments towards the expansion."""
        return sums(self.payments("fund", "investment"), ["payer", "expansion"], "amount")

    @cached_property
    def nation_invest_pay(self) -> dict[tuple[str, ...], float]:
        """(nation, expansion) -> nation payments towards the expansion."""
        return sums(self.payments("nation", "investment"), ["payer", "expansion"], "amount")

    @cached_property
    def contributions(self) -> dict[tuple[str, ...], float]:
        """(fund, nation) -> amount paid in (contributions table)."""
        return sums(self.tables["contributions"], ["fund", "nation"], "amount")

    @cached_property
    def fund_total(self) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for (f, _), amount in self.contributions.items():
            out[f] += amount
        return out

    @cached_property
    def fund_spent(self) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for (f, *_), amount in self.fund_order_pay.items():
            out[f] += amount
        for (f, _), amount in self.fund_invest_pay.items():
            out[f] += amount
        return out

    @cached_property
    def builds(self) -> dict[str, list[int]]:
        """expansion -> start period indices (one per investments row)."""
        out: dict[str, list[int]] = defaultdict(list)
        for r in self.rows("investments"):
            out[r["expansion"]].append(self.ix.t[r["start_period"]])
        return out
