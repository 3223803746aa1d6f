"""The solution's tables, specified once: columns, types, units, meanings, keys, references.

Every table is a tidy :class:`pandas.DataFrame` with exactly these columns, one row per
entity (and period where it has one). Money is in the scenario's currency; quantities in
the item's (or capability's) unit; periods are the scenario's labels.

:data:`SPECS` is the typed specification the model's extraction (:mod:`aggregate.extract`),
the verifier (:mod:`aggregate.verify`), the study store and the exporters read: per table
its columns (each with a type, a unit, a meaning, the scenario set its values must belong
to, and whether it is never negative), the columns identifying a row, and whether rows name
an offered (producer, item). :data:`TABLES` is the same as table -> column -> meaning.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from aggregate.key_figures import KEY_FIGURES

Dtype = Literal["text", "float", "int"]
"""How a column is read: ``text`` an id or period label ('' where empty), ``float`` a
number (NaN where empty), ``int`` a whole number (a count or an index)."""

Reference = Literal[
    "producer", "item", "nation", "period", "expansion", "supplier", "component", "demand", "fund"
]
"""A set of the scenario's ids (or its periods) a column's values must belong to."""


@dataclass(frozen=True)
class Column:
    """One column of a plan table."""

    name: str
    description: str
    dtype: Dtype = "text"
    unit: str = ""
    """Unit of a number: ``units`` (of the item), ``capability units``, ``currency``,
    ``currency/unit``, ``price_currency/unit`` (the row's ``price_currency``),
    ``units/period``, ``periods``, ``unit-periods``, ``count``, ``share``; empty for
    labels."""
    references: Reference | None = None
    """Scenario set the values belong to (None: not an id checked against the scenario)."""
    nonnegative: bool = False
    """Never below 0 (NaN allowed where the column may be empty)."""

    @property
    def numeric(self) -> bool:
        return self.dtype != "text"


@dataclass(frozen=True)
class Table:
    """One plan table: its columns in order, and the columns identifying a row."""

    name: str
    description: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...] = ()
    """Columns identifying a row (an entity appears once); empty: rows may repeat."""
    offered: bool = False
    """Rows name a (producer, item) the producer must offer."""

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def numeric(self) -> set[str]:
        return {c.name for c in self.columns if c.numeric}

    @property
    def text(self) -> set[str]:
        return {c.name for c in self.columns if not c.numeric}

    @property
    def integer(self) -> set[str]:
        return {c.name for c in self.columns if c.dtype == "int"}

    @property
    def references(self) -> list[tuple[str, Reference]]:
        """(column, scenario set) for every column holding ids or periods to check."""
        return [(c.name, c.references) for c in self.columns if c.references is not None]

    @property
    def nonnegative(self) -> list[str]:
        return [c.name for c in self.columns if c.nonnegative]

    def dtypes(self) -> dict[str, str]:
        """Column -> pandas dtype of an empty table (numbers typed, labels ``object``)."""
        kinds = {"text": "object", "float": "float64", "int": "int64"}
        return {c.name: kinds[c.dtype] for c in self.columns}

    def frame(self, rows: list[dict[str, Any]]) -> pd.DataFrame:
        """The table of ``rows`` (dicts by column), its columns in order; typed even when
        there is no row."""
        if not rows:
            return _empty(self).copy()
        return pd.DataFrame(rows, columns=self.names)


@functools.cache
def _empty(table: Table) -> pd.DataFrame:
    """``table`` with no row, typed; made once (pandas takes 3-6 ms to type an empty
    frame, a re-solve of mip-M has about eight of them), handed out as copies."""
    return pd.DataFrame([], columns=table.names).astype(table.dtypes())


def _id(name: str, description: str, references: Reference | None = None) -> Column:
    return Column(name, description, "text", "", references)


def _num(
    name: str, description: str, unit: str, dtype: Dtype = "float", nonnegative: bool = False
) -> Column:
    return Column(name, description, dtype, unit, None, nonnegative)


SPECS: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "orders",
            "units delivered per route (producer, item, nation) and arrival period",
            (
                _id(
                    "contract",
                    "contract label: 'producer/item' pooled, 'producer/item/nation' alone",
                ),
                _id("producer", "producer id", "producer"),
                _id("item", "item id", "item"),
                _id("nation", "receiving nation", "nation"),
                _id("order_period", "period the order is placed (arrival minus lead time)"),
                _id("arrival_period", "period the units are delivered", "period"),
                _num(
                    "tier", "price tier of the contract (0 = base price, k = k-th tier)", "", "int"
                ),
                _num("unit_price", "the tier's unit price in the order period", "currency/unit"),
                _num("quantity", "units delivered", "units", nonnegative=True),
                _num(
                    "lots",
                    "whole lots ordered (NaN where the offer has no lot size)",
                    "count",
                    nonnegative=True,
                ),
                _num("purchase_cost", "unit_price * quantity", "currency"),
                _num("delivery_cost", "delivery cost per unit of the route * quantity", "currency"),
                _id("price_currency", "ISO 4217 currency the producer states its prices in"),
                _num("stated_unit_price", "unit_price / exchange rate", "price_currency/unit"),
            ),
            keys=("contract", "nation", "arrival_period"),
            offered=True,
        ),
        Table(
            "contracts",
            "contracts placed: volume, tier and fixed costs",
            (
                _id("contract", "contract label"),
                _id("producer", "producer id", "producer"),
                _id("item", "item id", "item"),
                _id("nation", "the single nation of a going-alone contract; empty when pooled"),
                _num("volume", "units ordered under the contract over the horizon", "units"),
                _num("tier", "price tier reached (0 = base price)", "", "int"),
                _num("unit_price", "the tier's unit price ordered in period 1", "currency/unit"),
                _num("nations", "number of nations ordering under the contract", "count", "int"),
                _num("contract_cost", "fixed cost of placing the contract", "currency"),
                _num("order_periods", "number of periods with a delivery", "count", "int"),
                _num(
                    "period_cost",
                    "sum of the fixed cost of each period with a delivery",
                    "currency",
                ),
            ),
            keys=("contract",),
            offered=True,
        ),
        Table(
            "investments",
            "capacity expansions started",
            (
                _id("expansion", "expansion option id", "expansion"),
                _id("producer", "producer id (empty for a component supplier's expansion)"),
                _id("item", "item id (empty for a component supplier's expansion)"),
                _id("start_period", "period the investment starts (and is paid)", "period"),
                _id(
                    "ready_period",
                    "first period the added capacity is available (empty past the horizon)",
                ),
                _num(
                    "added_capacity",
                    "units per period added (of the item, or the supplier's component)",
                    "units/period",
                ),
                _num("investment_cost", "cost of the investment", "currency"),
                _id("sponsor", "nation paying the part no fund pays (empty: no nation)"),
                _id("supplier", "component supplier id (empty for a producer's expansion)"),
            ),
        ),
        Table(
            "capacity",
            "capacity and use per offer and period",
            (
                _id("producer", "producer id", "producer"),
                _id("item", "item id", "item"),
                _id("period", "period", "period"),
                _num("base", "capacity before expansions", "units/period"),
                _num("added", "capacity added by expansions ready by this period", "units/period"),
                _num("used", "units delivered in this period", "units"),
                _num(
                    "made",
                    "units made in this period (the units delivered, unless the offer "
                    "builds ahead)",
                    "units",
                    nonnegative=True,
                ),
                _num(
                    "held",
                    "units made by the end of this period and not yet delivered",
                    "units",
                    nonnegative=True,
                ),
            ),
            keys=("producer", "item", "period"),
            offered=True,
        ),
        Table(
            "components",
            "components supplied to producers",
            (
                _id("supplier", "component supplier id", "supplier"),
                _id("component", "component id", "component"),
                _id("producer", "producer supplied", "producer"),
                _id("period", "period", "period"),
                _num("quantity", "units of the component supplied", "units", nonnegative=True),
                _id("country", "supplier's country ('' when not given), for origin rules"),
                _num(
                    "value",
                    "quantity * the supplier's price (else the component's value); NaN "
                    "without either",
                    "currency",
                ),
            ),
            keys=("supplier", "producer", "period"),
        ),
        Table(
            "donations",
            "units donated from donor stocks",
            (
                _id("donor", "donating nation", "nation"),
                _id("recipient", "receiving nation", "nation"),
                _id("item", "item id", "item"),
                _id("period", "period of the transfer", "period"),
                _num("quantity", "units donated", "units", nonnegative=True),
            ),
            keys=("donor", "recipient", "item", "period"),
        ),
        Table(
            "inventory",
            "stock per nation, item and period",
            (
                _id("nation", "holding nation", "nation"),
                _id("item", "item id", "item"),
                _id("period", "period", "period"),
                _num("opening", "stock at the start of the period", "units"),
                _num("arrivals", "units delivered by producers", "units"),
                _num("donated_in", "units received as donations", "units"),
                _num("donated_out", "units donated to others", "units"),
                _num("used", "units drawn to meet demands", "units"),
                _num("closing", "stock at the end of the period", "units"),
                _num("floor", "floor binding in this period (0 where none binds)", "units"),
                _num(
                    "below_floor",
                    "units below the floor (soft floors only)",
                    "units",
                    nonnegative=True,
                ),
                _num("holding_cost", "holding cost of the closing stock", "currency"),
                # sustainment (0 without it): closing also takes out worn and spares_drawn and
                # adds repaired
                _num("worn", "units worn out by use (to the worn pool)", "units"),
                _num("spares_drawn", "units drawn as spares for use", "units"),
                _num("repaired", "repaired units back from repair shops", "units"),
                _num("worn_pool", "worn units awaiting repair at the end", "units"),
            ),
            keys=("nation", "item", "period"),
        ),
        Table(
            "repairs",
            "worn units a repair shop takes in (sustainment)",
            (
                _id("shop", "repair shop id"),
                _id("nation", "owner of the worn units", "nation"),
                _id("item", "item repaired", "item"),
                _id("period", "period the shop takes them in", "period"),
                _id("returned", "period they are back in the owner's stock", "period"),
                _num("quantity", "units taken in", "units", nonnegative=True),
                _num("repair_cost", "repair and transport cost", "currency"),
            ),
            keys=("shop", "nation", "item", "period"),
        ),
        Table(
            "supply",
            "units drawn from stock to meet demands",
            (
                _id("demand", "demand id", "demand"),
                _id("nation", "nation"),
                _id("capability", "capability id"),
                _id("item", "item used", "item"),
                _id("period", "period the units are drawn", "period"),
                _num("quantity", "units of the item", "units", nonnegative=True),
                _num(
                    "equivalent",
                    "units of the capability covered (quantity * factor)",
                    "capability units",
                ),
                _num("periods_late", "periods after the due period", "periods", "int"),
            ),
            keys=("demand", "item", "period"),
        ),
        Table(
            "demands",
            "each demand: met on time, late and short",
            (
                _id("demand", "demand id", "demand"),
                _id("nation", "nation"),
                _id("capability", "capability id"),
                _id("due_period", "due period"),
                _num("priority", "priority weight", ""),
                _num("quantity", "capability units due", "capability units"),
                _num("met_on_time", "capability units met in the due period", "capability units"),
                _num("met_late", "capability units met late", "capability units"),
                _num(
                    "late_unit_periods",
                    "sum over late units of the periods late",
                    "unit-periods",
                ),
                _num("short", "capability units never met", "capability units"),
                _num(
                    "weighted_shortfall",
                    "priority * (1 + needs_discount)^-due * (short + lateness_weight * "
                    "late_unit_periods), due counted from the first period",
                    "capability units",
                ),
            ),
            keys=("demand",),
        ),
        Table(
            "refills",
            "refill targets: level reached and missed",
            (
                _id("nation", "nation", "nation"),
                _id("item", "item id", "item"),
                _id("refill_by", "period"),
                _num("target", "units to hold by then", "units"),
                _num("level", "closing stock in that period", "units"),
                _num(
                    "missed",
                    "units below the target (soft refill targets only)",
                    "units",
                    nonnegative=True,
                ),
            ),
            keys=("nation", "item"),
        ),
        Table(
            "contributions",
            "members' payments into funds",
            (
                _id("fund", "fund id", "fund"),
                _id("nation", "member", "nation"),
                _num("amount", "amount paid in", "currency", nonnegative=True),
                _num("share", "amount / fund total", "share"),
                _num("key_share", "member's key share (NaN for pledges)", "share"),
                _num(
                    "lower",
                    "least the member could pay under the rule, at this fund total",
                    "currency",
                ),
                _num(
                    "upper", "most the member could pay under the rule (NaN: no limit)", "currency"
                ),
            ),
            keys=("fund", "nation"),
        ),
        Table(
            "payments",
            "every payment: who pays whom for what",
            (
                _id("payer", "nation code or fund id (a bilateral purchase: the paying nation)"),
                _id("payer_type", "'nation' or 'fund'"),
                _id(
                    "purpose",
                    "'order', 'investment', 'contribution', 'fixed' (a contract's fixed costs) "
                    "or 'repayment' (a loan repaid within the horizon)",
                ),
                _id("producer", "producer id (orders, investments)"),
                _id("item", "item id (orders, investments)"),
                _id("beneficiary", "nation receiving the orders, or the fund paid into or repaid"),
                _id("expansion", "expansion id (investments)"),
                _id(
                    "period",
                    "period label the payment falls in: an order's arrival period, or its "
                    "order period for a nation paying at award (pays_at; a fund without "
                    "tranches or open window pays a route's orders in the order they are "
                    "paid); an investment's start; a fixed cost's period (contract costs in "
                    "the first); a contribution's tranche period ('' for a fund without "
                    "tranches: a horizon total); a loan repayment's instalment period",
                ),
                _num("amount", "amount paid", "currency", nonnegative=True),
                _id(
                    "channel",
                    "how the money flows: 'own' (a nation's own orders or investment), the "
                    "fund id (fund payments, contributions, repayments) or 'bilateral "
                    "PAYER->BENEFICIARY' "
                    "(a nation paying another's orders)",
                ),
            ),
        ),
        Table(
            "budgets",
            "each nation's spending against its budget",
            (
                _id("nation", "nation", "nation"),
                _num("budget", "total budget (NaN: unlimited)", "currency"),
                _num(
                    "spent",
                    "own order payments + purchases for others + contributions + sponsored "
                    "investment + fixed costs + loan repayments + orders already placed",
                    "currency",
                ),
                _num("orders", "payments for the nation's own orders", "currency"),
                _num(
                    "for_others",
                    "bilateral purchases: payments for other nations' orders",
                    "currency",
                ),
                _num("contributions", "fund contributions", "currency"),
                _num("investments", "sponsored investment not paid by funds", "currency"),
                _num("fixed_costs", "its share of contracts' fixed costs", "currency"),
                _num("repayments", "loan instalments it repays within the horizon", "currency"),
                _num(
                    "placed_orders", "orders already placed: cost + cancellation fees", "currency"
                ),
            ),
            keys=("nation",),
        ),
        Table(
            "funds",
            "each fund's money in and out, and what stays unspent",
            (
                _id("fund", "fund id", "fund"),
                _num("collected", "members' contributions", "currency", nonnegative=True),
                _num("orders", "payments for orders", "currency", nonnegative=True),
                _num("investments", "co-financing of expansions", "currency", nonnegative=True),
                _num(
                    "unspent",
                    "collected but not spent: stays in the fund (never bought away)",
                    "currency",
                    nonnegative=True,
                ),
                _num("packages", "(orders + investments) / package_size (NaN: none)", "count"),
            ),
            keys=("fund",),
        ),
        Table(
            "loans",
            "each loan fund's lending to each nation whose orders it paid for",
            (
                _id("fund", "loan fund id (kind: loan)", "fund"),
                _id("nation", "the borrower: the nation whose orders the loan paid for", "nation"),
                _num("principal", "what the loan paid for the nation's orders", "currency"),
                _num(
                    "repaid", "instalments due within the horizon (charged to budget)", "currency"
                ),
                _num("outstanding", "principal - repaid: owed after the horizon", "currency"),
                _num(
                    "interest",
                    "principal * interest_rate * (repayment_periods + 1) / 2",
                    "currency",
                ),
            ),
            keys=("fund", "nation"),
        ),
        Table(
            "placed_orders",
            "orders placed before the plan (scenario placed_orders) per delivery period: units "
            "ordered, cancelled by the plan and delivered, and their cost",
            (
                _id("placed_order", "placed order id"),
                _id("producer", "producer id", "producer"),
                _id("item", "item id", "item"),
                _id("nation", "ordering (receiving and paying) nation", "nation"),
                _id("period", "delivery period", "period"),
                *(
                    _num(name, meaning, unit, nonnegative=True)
                    for name, meaning, unit in (
                        ("ordered", "units the order delivers in the period", "units"),
                        ("cancelled", "units cancelled (0 for a binding order)", "units"),
                        ("delivered", "ordered - cancelled", "units"),
                        ("unit_price", "price per unit, delivery included", "currency/unit"),
                        ("cost", "unit_price * delivered", "currency"),
                        ("cancellation_fee", "fee per unit cancelled", "currency/unit"),
                        ("cancellation_cost", "cancellation_fee * cancelled", "currency"),
                    )
                ),
            ),
            keys=("placed_order", "period"),
            offered=True,
        ),
        Table(
            "participation",
            "the participation rule (settings.participation: no_worse_than_alone): each "
            "nation's going-alone figure, the pooled plan's bound, next to its pooled figure",
            (
                _id("nation", "nation", "nation"),
                _id("measure", "short (capability units short) or spent (from its budget)"),
                _id("capability", "capability id (short rows; '' for spent)"),
                _num(
                    "alone",
                    "the going-alone plan's figure: the pooled bound (spent: plus list price for "
                    "each unit met beyond it)",
                    "capability units or currency",
                ),
                _num("pooled", "the pooled plan's figure", "capability units or currency"),
            ),
            keys=("nation", "measure", "capability"),
        ),
    )
}
"""Table name -> its typed specification."""

OPTIONAL_TABLES: frozenset[str] = frozenset({"participation", "loans", "repairs", "placed_orders"})
"""Tables only a rule the scenario may not state writes rows to: a plan without them (one
exported before they existed) reads as having them empty."""

TABLES: dict[str, dict[str, str]] = {
    name: {c.name: c.description for c in spec.columns} for name, spec in SPECS.items()
}
"""Table name -> column -> meaning (the columns in order)."""

TEXT_COLUMNS: frozenset[str] = frozenset(c for spec in SPECS.values() for c in spec.text)
"""Every column, in any table, that holds labels (ids, periods, kinds)."""

INTEGER_COLUMNS: frozenset[str] = frozenset(c for spec in SPECS.values() for c in spec.integer)
"""Every column, in any table, that holds whole numbers."""


def conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (table ``name`` read back, e.g. from JSON) typed as the solver wrote it:
    a table without rows gets its spec's dtypes, and a numeric column left all missing
    (JSON nulls) is NaN rather than ``None``."""
    spec = SPECS.get(name)
    if spec is None:
        return frame
    dtypes = spec.dtypes()
    if frame.empty:
        return frame.astype({c: dtypes[c] for c in frame.columns if c in dtypes})
    out = frame
    for column in spec.numeric & set(frame.columns):
        values = frame[column]
        if values.dtype == object and values.isna().all():
            out = out.assign(**{column: values.astype(float)})
    return out


# --- units as data -------------------------------------------------------------------------
# Every plan table carries its units in ``df.attrs`` (set by :func:`label_units` when the
# plan is solved or read back); pandas keeps attrs through filtering, sorting and copying:
#   attrs["table"]    the table's name in SPECS
#   attrs["currency"] the scenario's currency code ("EUR")
#   attrs["id_units"] {"item"|"capability"|"component": {id: unit}} from the scenario
#   attrs["units"]    {column: unit} for every numeric column, as units(df) gives it
# Read them with units(df) (column -> unit, for headers) and row_units(df, column) (each
# row's unit, where one column holds several items' quantities). The exports
# (aggregate.io.units) show the same units, with counts in the plural ("rounds").

MIXED_ITEMS = "item units"
"""Unit of a quantity column whose rows hold different units (each row's: :func:`row_units`)."""
MIXED_CAPABILITIES = "capability units"
"""Unit of a capability column whose rows hold different units (each row's: :func:`row_units`)."""
MIXED_COMPONENTS = "component units"
"""Unit of a component column whose rows hold different units."""
_MIXED = {"item": MIXED_ITEMS, "capability": MIXED_CAPABILITIES, "component": MIXED_COMPONENTS}

_BASIS = {"units": "item", "units/period": "item", "currency/unit": "item"}
_BASIS["price_currency/unit"] = "item"  # a stated price: per item unit, in the row's currency
"""Spec unit -> the id column whose entry's unit it is (components use ``component``)."""

Naming = Callable[[str], str]
"""How a count of a thing's unit is named (``round`` -> ``rounds`` in an export's header);
money per unit keeps the thing's unit as it is (``EUR/round``)."""


def _as_is(unit: str) -> str:
    return unit


def unit_basis(table: str, column: str) -> str | None:
    """The kind of id (``item``, ``capability``, ``component``), named by the row's column
    of that name, whose own unit ``column`` of plan table ``table`` counts in; None where
    the unit depends on no id (money totals, shares, counts, labels)."""
    unit = {c.name: c for c in SPECS[table].columns}[column].unit
    if unit == "capability units":
        return "capability"
    if unit in _BASIS:
        return "component" if table == "components" else _BASIS[unit]
    return None


def _shared(units: Iterable[str]) -> str:
    """The one unit all of ``units`` are, '' when they differ (or there is none)."""
    found = set(units)
    return found.pop() if len(found) == 1 else ""


def _one_unit(frame: pd.DataFrame, basis: str, id_units: dict[str, dict[str, str]]) -> str:
    """The unit every row's ``basis`` id shares ('' when they differ or one is unknown); a
    table without rows (or without the id column) takes the scenario's, when all its ids
    share one."""
    known = id_units.get(basis, {})
    if basis in frame.columns and not frame.empty:
        return _shared(known.get(str(i), "") for i in frame[basis].unique())
    return _shared(known.values())


def _context(
    frame: pd.DataFrame, currency: str | None, id_units: dict[str, dict[str, str]] | None
) -> tuple[str, dict[str, dict[str, str]]]:
    """The currency and ids' units to label ``frame`` with: those given, else its attrs."""
    code = currency or frame.attrs.get("currency") or "currency"
    return code, frame.attrs.get("id_units", {}) if id_units is None else id_units


def _compose(spec_unit: str, thing: str, basis: str, currency: str, name: Naming) -> str:
    """The unit of a column counting in ``thing`` ('' where rows differ)."""
    if spec_unit in ("currency/unit", "price_currency/unit"):
        return f"{currency}/{thing or 'unit'}"
    counted = name(thing) if thing else _MIXED[basis]
    return f"{counted}/period" if spec_unit == "units/period" else counted


def column_unit(
    table: str,
    column: str,
    frame: pd.DataFrame,
    currency: str | None = None,
    id_units: dict[str, dict[str, str]] | None = None,
    name: Naming = _as_is,
) -> str:
    """The unit of ``column`` of plan table ``table`` for ``frame``'s rows: the currency
    code, the item's or capability's own unit (e.g. ``round``, ``EUR/round``,
    ``round/period``), :data:`MIXED_ITEMS` (``item units/period``, ``EUR/unit``) where rows
    hold different items' units, or the spec's unit (``share``, ``count``, ...); '' for
    labels. ``currency`` and ``id_units`` default to ``frame.attrs``; ``name`` names a count
    of a thing's unit (see :data:`Naming`)."""
    spec_unit = {c.name: c for c in SPECS[table].columns}[column].unit
    code, ids = _context(frame, currency, id_units)
    if spec_unit == "currency":
        return code
    basis = unit_basis(table, column)
    if basis is None:
        return spec_unit
    if spec_unit == "price_currency/unit":  # the currency the rows' producers state
        codes = set(frame["price_currency"]) if "price_currency" in frame.columns else set()
        code = str(codes.pop()) if len(codes) == 1 else "price_currency"
    return _compose(spec_unit, _one_unit(frame, basis, ids), basis, code, name)


def _row_things(
    frame: pd.DataFrame, table: str, column: str, id_units: dict[str, dict[str, str]]
) -> pd.Series | None:
    """Each row's own unit of the thing ``column`` counts (``round``; '' where the id is
    unknown); None where the unit depends on no row's id."""
    basis = unit_basis(table, column)
    if basis is None or basis not in frame.columns:
        return None
    known = id_units.get(basis, {})
    return frame[basis].map(lambda i: known.get(str(i), "")).astype(object)


def mixed(
    table: str,
    column: str,
    frame: pd.DataFrame,
    id_units: dict[str, dict[str, str]] | None = None,
) -> bool:
    """Whether the rows of ``column`` count in different units (rounds and missiles), so
    that each row must say its own (:func:`row_units`)."""
    things = _row_things(frame, table, column, _context(frame, None, id_units)[1])
    return things is not None and len({u for u in things if u}) > 1


class _Shared(dict[str, Any]):
    """A dict pandas shares rather than copies: pandas deep-copies ``attrs`` on every
    operation (each column read), and a scenario's ids can number thousands. Read-only by
    convention; still a dict, so ``attrs`` stay JSON (Parquet stores them)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Shared:
        return self


def label_units(
    tables: dict[str, pd.DataFrame], currency: str, id_units: dict[str, dict[str, str]]
) -> None:
    """Write each plan table's units into its ``attrs`` (the shape is described above)."""
    shared = _Shared(id_units)
    for name, frame in tables.items():
        if name not in SPECS:
            continue
        frame.attrs.update(table=name, currency=currency, id_units=shared)
        frame.attrs["units"] = {
            c.name: column_unit(name, c.name, frame) for c in SPECS[name].columns if c.numeric
        }


def units(frame: pd.DataFrame) -> dict[str, str]:
    """Column -> unit of ``frame``'s numeric columns: ``EUR``, ``round``, ``EUR/round``,
    ``share``, ... (:data:`MIXED_ITEMS` where rows hold different items).

    For a plan table (``solution.tables[...]``, or a filtered copy of one) the units are
    worked out for the rows it holds now, so ``orders[orders.item == "155-L52"]`` says
    ``round`` where the whole table says :data:`MIXED_ITEMS`; any other frame gives its
    ``attrs["units"]`` (report tables set them), or {} when it has none.
    """
    table = frame.attrs.get("table")
    if table in SPECS:
        known = {c.name for c in SPECS[table].columns if c.numeric}
        return {c: column_unit(table, c, frame) for c in frame.columns if c in known}
    return dict(frame.attrs.get("units", {}))


def row_units(
    frame: pd.DataFrame,
    column: str,
    currency: str | None = None,
    id_units: dict[str, dict[str, str]] | None = None,
    name: Naming = _as_is,
    table: str | None = None,
) -> pd.Series:
    """Each row's unit of ``column`` of a plan table (e.g. ``round`` / ``missile`` for the
    ``quantity`` of an orders table holding both; ``unit`` where an id's is unknown); the
    column's one unit on every row where the unit does not depend on the row.
    ``currency``, ``id_units`` and ``table`` default to ``frame.attrs``; ``name`` as in
    :func:`column_unit`."""
    table = table or frame.attrs.get("table")
    if table not in SPECS:
        return pd.Series(units(frame).get(column, ""), index=frame.index, dtype=object)
    code, ids = _context(frame, currency, id_units)
    things = _row_things(frame, table, column, ids)
    if things is None:
        one = column_unit(table, column, frame, code, ids, name)
        return pd.Series(one, index=frame.index, dtype=object)
    spec_unit = {c.name: c for c in SPECS[table].columns}[column].unit
    basis = str(unit_basis(table, column))
    codes = [code] * len(frame)
    if spec_unit == "price_currency/unit" and "price_currency" in frame.columns:
        codes = [str(c) for c in frame["price_currency"]]
    each = [
        _compose(spec_unit, u or "unit", basis, c, name) for u, c in zip(things, codes, strict=True)
    ]
    return pd.Series(each, index=frame.index, dtype=object)


def figure_unit(
    figure: str,
    currency: str,
    id_units: dict[str, dict[str, str]],
    name: Naming = _as_is,
) -> str:
    """The unit of key figure ``figure`` of a plan in ``currency`` whose ids have
    ``id_units``: the currency, ``share``, ``periods``, the capabilities' one unit
    (``round``; :data:`MIXED_CAPABILITIES` where they differ) or '' (the status, or a
    figure :data:`KEY_FIGURES` does not know); ``name`` as in :func:`column_unit`."""
    unit = KEY_FIGURES[figure].unit if figure in KEY_FIGURES else ""
    if unit == "currency":
        return currency or "currency"
    if unit == "capability units":
        one = _shared(id_units.get("capability", {}).values())
        return name(one) if one else MIXED_CAPABILITIES
    return unit
