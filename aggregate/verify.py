"""Re-check a solved plan against every rule of ``docs/model.md``, from its tables alone.

The checker is independent of the model: it reads the scenario and the solution's tables
(:data:`aggregate.tables.TABLES`) with plain pandas and Python, recomputes every quantity a
rule bounds, and reports each broken rule as one row of :attr:`Verification.violations`.
It never builds or reads a Pyomo model, so a bug would have to be written twice, in two
different ways, to slip through.

A comparison passes within ``tol * max(1, |magnitude|)``: an absolute tolerance for small
numbers, a relative one for large sums of money (for a sum, the magnitude is the sum of
its terms' sizes, so a balance of large flows is not held to a tighter standard than its
parts).

Every rule name a violation can carry is a key of :data:`RULES`. Model rules keep their
name in ``docs/model.md`` (``capacity_upper``, ``stock_balance``, ...); the accounting
identities of the tables are named after the table and what they tie together
(``order_purchase_cost``, ``stock_arrivals``, ``budget_accounting``, ...).

A solution without a plan (``status.has_plan`` false) is not checked: :func:`verify`
returns a :class:`Verification` with no violations and ``checked=False``.

Readings of the rules where the tables leave a choice (each states what is assumed):

- The scenario is one that passed :func:`aggregate.check`; only the plan is distrusted.
- A missing inventory row reads as an all-zero row; table rows naming unknown ids, and
  repeated rows, are reported and left out of every sum.
- A floor starting above ``on_hand`` binds from ``refill_by`` on, and never without it.
- A nation joins a contract (for ``consortium_lower``) when it orders a positive quantity.
- The sponsor's part of an investment is a ``payments`` row (payer_type ``nation``,
  purpose ``investment``); the budgets' ``investments`` column sums those rows.
- ``lateness_weight`` and the weighted penalties come from ``scenario.settings`` (the
  objective mode from ``solution.objective``).
- ``on_time_rate`` and ``fill_rate`` are 1 without demand.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import pandas as pd

from aggregate.result import Solution
from aggregate.schema import Fund, KeyRule, Offer, Scenario, expand
from aggregate.tables import TABLES

RULES: dict[str, str] = {
    # the tables themselves
    "table_columns": "every table of aggregate.tables is present with all its columns",
    "table_ids": "every id and period in a table is one of the scenario's",
    "table_keys": "no entity appears twice in a table keyed by it",
    "nonnegative": "quantities and amounts are >= 0",
    # orders
    "order_lead_time": "arrival_period - order_period == the offer's lead_time",
    "order_period_horizon": "the order period is a period of the scenario (arrival >= lead time)",
    "order_lots": "quantity == lots * lot_size with whole lots; lots NaN without a lot size",
    "order_purchase_cost": "purchase_cost == unit_price * quantity",
    "order_delivery_cost": "delivery_cost == the route's delivery cost per unit * quantity",
    "order_compatibility": "the receiving nation can use the item (systems) or stocks it",
    "order_route": "the receiving nation needs the item (a demand it meets, or a stockpile)",
    "order_tier_price": "unit_price == the price of the order's tier",
    "order_contract_label": "contract is 'producer/item' pooled, 'producer/item/nation' alone",
    # contracts
    "contract_label": "the contract row's label, nation and mode agree",
    "contract_volume": "volume == sum of the contract's order quantities",
    "tier_choice": "the tier is one of the offer's (0 = base price)",
    "contract_tier_price": "the contract's unit_price is its tier's price",
    "tier_volume_lower": "tier k >= 1 needs volume >= the tier's min_volume",
    "order_tier_link": "every order of a contract has the contract's tier and unit_price",
    "min_order_lower": "a contract with volume has volume >= min_order",
    "contract_nations": "nations == number of distinct nations ordering",
    "contract_order_periods": "order_periods == number of arrival periods with a delivery",
    "contract_period_cost": "period_cost == sum of order_period_cost over delivery periods",
    "contract_alone": "a going-alone contract serves one nation",
    "contract_cost": "contract_cost == the offer's contract_cost for a placed contract",
    # capacity and investments
    "capacity_upper": "deliveries <= base capacity + capacity of expansions ready",
    "capacity_table": "the capacity table's base, added and used agree with the plan",
    "expansion_once": "an expansion is started at most once",
    "expansion_start_window": "an expansion starts between its earliest and latest start",
    "investment_ready_period": "ready_period == start + lead_periods (empty past the horizon)",
    "investment_record": "producer, item, added capacity, cost and sponsor match the scenario",
    # components
    "component_supply": "components needed by deliveries <= components supplied",
    "supplier_capacity_upper": "a supplier's deliveries in a period <= its capacity",
    "supplier_serves": "a supplier sends only its component, only to producers it serves",
    # stock
    "stock_opening": "opening == previous closing (on_hand in the first period)",
    "stock_arrivals": "arrivals == orders delivered to the nation",
    "stock_donations": "donated_in / donated_out == the donations table",
    "stock_used": "used == units drawn for demands (supply table)",
    "stock_balance": "closing == opening + arrivals + donated_in - donated_out - used",
    "stock_nonnegative": "closing >= 0",
    "stock_holding_cost": "holding_cost == holding cost per unit in the period * closing",
    "stock_floor_lower": "closing >= floor - below_floor (below_floor only for soft floors)",
    "stock_floor_table": "the inventory's floor column is the floor binding in the period",
    "refill_target_lower": "closing at refill_by >= target - missed (missed only if soft)",
    "refill_table": "the refills table's target, period and level agree with the plan",
    # donations, supply and demands
    "donation_arc": "donor holds a donor stockpile; recipient differs, can use and needs it",
    "donation_from_stock_upper": "units a donor gives over the horizon <= its opening stock",
    "supply_record": "a supply row's nation and capability are its demand's",
    "supply_equivalent": "the item meets the capability; equivalent == quantity * factor",
    "supply_compatibility": "the demanding nation can use the item",
    "supply_window": "units are drawn between the due period and due + max_lateness",
    "supply_periods_late": "periods_late == period - due period",
    "demand_record": "a demand row's nation, capability, due, priority and quantity are its own",
    "demand_accounting": "met_on_time, met_late and late_unit_periods sum the supply rows",
    "demand_balance": "met_on_time + met_late + short == quantity, short >= 0",
    "demand_weighted_shortfall": "weighted_shortfall == priority * (short + w * late units)",
    # funds
    "alone_no_funds": "going alone, no fund collects or pays anything",
    "contribution_member": "only a fund's members contribute to it",
    "contribution_key": "a member's share lies within key * (1 -/+ tolerance)",
    "contribution_pledge": "a member pays within its pledge range",
    "contribution_table": "share, key_share, lower and upper agree with the amounts",
    "fund_cap_upper": "a fund collects at most its cap",
    "fund_committed_lower": "a fund collects at least its committed size",
    "fund_balance": "a fund spends at most what it collects",
    "fund_payment_eligible": "a fund pays only for orders it is eligible for",
    "fund_payment_upper": "funds pay at most the cost of a nation's orders",
    "fund_refill_upper": "refill-only payments <= unit value * units the nation donated",
    "consortium_lower": "a fund pays for a contract only with enough nations ordering",
    "fund_investment_eligible": "a fund pays only for built expansions it may finance",
    "fund_investment_upper": "investment payments <= cofinancing share (and cost in total)",
    # payments and budgets
    "payment_record": "a payment row's payer, purpose and references are valid",
    "order_payment_balance": "own + fund payments == purchase + delivery cost of the orders",
    "contribution_payments": "contribution payments == the contributions table",
    "investment_payment_balance": "the sponsor pays the part of an investment no fund pays",
    "budget_accounting": "the budgets table sums the nation's payments",
    "budget_upper": "spent <= budget",
    "budget_period_upper": "purchase + delivery of orders arriving in a period <= its budget",
    # key figures
    "key_figures": "each key figure equals its recomputation from the tables",
}
"""Rule name -> what it checks. Every violation's ``rule`` is one of these."""

VIOLATION_COLUMNS = ["rule", "entity", "period", "message", "excess"]

# Columns read as numbers; every other column is read as a label ('' where empty).
_NUMERIC: dict[str, set[str]] = {
    "orders": {"tier", "unit_price", "quantity", "lots", "purchase_cost", "delivery_cost"},
    "contracts": {
        "volume",
        "tier",
        "unit_price",
        "nations",
        "contract_cost",
        "order_periods",
        "period_cost",
    },
    "investments": {"added_capacity", "investment_cost"},
    "capacity": {"base", "added", "used"},
    "components": {"quantity"},
    "donations": {"quantity"},
    "inventory": {
        "opening",
        "arrivals",
        "donated_in",
        "donated_out",
        "used",
        "closing",
        "floor",
        "below_floor",
        "holding_cost",
    },
    "supply": {"quantity", "equivalent", "periods_late"},
    "demands": {
        "priority",
        "quantity",
        "met_on_time",
        "met_late",
        "late_unit_periods",
        "short",
        "weighted_shortfall",
    },
    "refills": {"target", "level", "missed"},
    "contributions": {"amount", "share", "key_share", "lower", "upper"},
    "payments": {"amount"},
    "budgets": {"budget", "spent", "orders", "contributions", "investments"},
}

# Columns holding ids or periods, and which of the scenario's sets they must belong to.
_REFERENCES: dict[str, list[tuple[str, str]]] = {
    "orders": [
        ("producer", "producer"),
        ("item", "item"),
        ("nation", "nation"),
        ("arrival_period", "period"),
    ],
    "contracts": [("producer", "producer"), ("item", "item")],
    "investments": [("expansion", "expansion"), ("start_period", "period")],
    "capacity": [("producer", "producer"), ("item", "item"), ("period", "period")],
    "components": [
        ("supplier", "supplier"),
        ("component", "component"),
        ("producer", "producer"),
        ("period", "period"),
    ],
    "donations": [
        ("donor", "nation"),
        ("recipient", "nation"),
        ("item", "item"),
        ("period", "period"),
    ],
    "inventory": [("nation", "nation"), ("item", "item"), ("period", "period")],
    "supply": [("demand", "demand"), ("item", "item"), ("period", "period")],
    "demands": [("demand", "demand")],
    "refills": [("nation", "nation"), ("item", "item")],
    "contributions": [("fund", "fund"), ("nation", "nation")],
    "budgets": [("nation", "nation")],
}

# Tables whose rows must name an offered (producer, item).
_OFFER_TABLES = ("orders", "contracts", "capacity")

# The columns identifying a row, for tables where an entity may appear only once.
_KEYS: dict[str, list[str]] = {
    "orders": ["contract", "nation", "arrival_period"],
    "contracts": ["contract"],
    "capacity": ["producer", "item", "period"],
    "components": ["supplier", "producer", "period"],
    "donations": ["donor", "recipient", "item", "period"],
    "inventory": ["nation", "item", "period"],
    "supply": ["demand", "item", "period"],
    "demands": ["demand"],
    "refills": ["nation", "item"],
    "contributions": ["fund", "nation"],
    "budgets": ["nation"],
}

_NONNEGATIVE: dict[str, list[str]] = {
    "orders": ["quantity", "lots"],
    "components": ["quantity"],
    "donations": ["quantity"],
    "supply": ["quantity"],
    "inventory": ["below_floor"],
    "refills": ["missed"],
    "contributions": ["amount"],
    "payments": ["amount"],
}

_NAN = math.nan


class Violation(NamedTuple):
    """One broken rule."""

    rule: str
    """Rule name, a key of :data:`RULES`."""
    entity: str
    """What breaks it: contract, ``producer/item``, ``nation/item``, demand, fund, ..."""
    period: str
    """Period label, empty when the rule has no period."""
    message: str
    """What is wrong, with the numbers."""
    excess: float
    """How far the rule is broken, in its units (NaN where it is not a matter of degree)."""


class PlanViolation(AssertionError):
    """A plan breaks rules of the model; :attr:`violations` lists them."""

    def __init__(self, verification: Verification) -> None:
        self.violations = verification.violations
        super().__init__(str(verification))


@dataclass(frozen=True, eq=False)
class Verification:
    """The result of :func:`verify`."""

    violations: pd.DataFrame
    """One row per broken rule: ``rule``, ``entity``, ``period``, ``message``, ``excess``."""
    checked: bool = True
    """False when the solution had no plan to check (then there are no violations)."""

    @property
    def ok(self) -> bool:
        """True when no rule is broken (also when nothing was checked; see ``checked``)."""
        return self.violations.empty

    @property
    def rules(self) -> set[str]:
        """Names of the rules broken."""
        return set(self.violations["rule"])

    def __str__(self) -> str:
        if not self.checked:
            return "not verified: the solution has no plan"
        if self.ok:
            return "the plan satisfies every rule checked"
        lines = [f"{len(self.violations)} violation(s):"]
        for v in _rows(self.violations):
            where = f" in {v['period']}" if v["period"] else ""
            excess = "" if _blank(v["excess"]) else f" (excess {v['excess']:.6g})"
            lines.append(f"  - {v['rule']}: {v['entity']}{where}: {v['message']}{excess}")
        return "\n".join(lines)

    def raise_if_violated(self) -> None:
        """Raise :class:`PlanViolation` listing every violation, if there is any."""
        if not self.ok:
            raise PlanViolation(self)


def verify(scenario: Scenario, solution: Solution, tol: float = 1e-6) -> Verification:
    """Check every rule of the model on ``solution``'s tables for ``scenario``.

    ``tol`` is the tolerance of each comparison relative to its magnitude (absolute below
    1). Rules the solver's tolerances could breach by a hair pass; real breaches are
    reported. Returns a :class:`Verification` (``checked=False`` when there is no plan).
    """
    if not solution.status.has_plan:
        return Verification(_frame([]), checked=False)
    index = _Index(scenario)
    tables, found = _prepare(solution.tables, index, tol)
    plan = _Plan(index, tables, tol, solution)
    for check in _CHECKS:
        found.extend(check(plan))
    return Verification(_frame(found))


def _frame(found: Iterable[Violation]) -> pd.DataFrame:
    rows = list(found)
    frame = pd.DataFrame(rows, columns=VIOLATION_COLUMNS)
    return frame.astype({"excess": float})


# --- the scenario, looked up by id ----------------------------------------------------


class _Index:
    """The scenario looked up by id, with every per-period series expanded."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.periods = list(scenario.periods)
        self.t = {p: k for k, p in enumerate(self.periods)}
        self.nations = {n.code: n for n in scenario.nations}
        self.items = {i.id: i for i in scenario.items}
        self.capabilities = {c.id: c for c in scenario.capabilities}
        self.producers = {p.id: p for p in scenario.producers}
        self.offers: dict[tuple[str, str], Offer] = {
            (p.id, o.item): o for p in scenario.producers for o in p.offers
        }
        self.expansions = {e.id: e for e in scenario.expansions}
        self.suppliers = {s.id: s for s in scenario.component_suppliers}
        self.stockpiles = {(s.nation, s.item): s for s in scenario.stockpiles}
        self.demands = {d.id: d for d in scenario.demands}
        self.funds = {f.id: f for f in scenario.funds}
        self.capacity = {k: self.series(o.capacity) for k, o in self.offers.items()}
        self.period_cost = {k: self.series(o.order_period_cost) for k, o in self.offers.items()}
        self.supplier_capacity = {k: self.series(s.capacity) for k, s in self.suppliers.items()}
        self.floor = {k: self.series(s.floor) for k, s in self.stockpiles.items()}
        self.holding = {k: self.series(s.holding_cost) for k, s in self.stockpiles.items()}
        # (nation, item) pairs where the nation needs the item: a stockpile, or a demand
        # for a capability the item meets
        self.needed: set[tuple[str, str]] = set(self.stockpiles)
        for d in scenario.demands:
            for eq in self._satisfied_by(d.capability):
                self.needed.add((d.nation, eq.item))
        components = {c.id for c in scenario.components}
        components |= {s.component for s in scenario.component_suppliers}
        self.known: dict[str, set[str]] = {
            "producer": set(self.producers),
            "item": set(self.items),
            "nation": set(self.nations),
            "period": set(self.periods),
            "expansion": set(self.expansions),
            "supplier": set(self.suppliers),
            "component": components,
            "demand": set(self.demands),
            "fund": set(self.funds),
        }

    def series(self, value: float | dict[str, float]) -> list[float]:
        return expand(value, self.periods)

    def _satisfied_by(self, capability: str) -> list[Any]:
        cap = self.capabilities.get(capability)
        return list(cap.satisfied_by) if cap is not None else []

    def factor(self, capability: str, item: str) -> float | None:
        """Capability units one unit of ``item`` covers (None: it does not meet it)."""
        for eq in self._satisfied_by(capability):
            if eq.item == item:
                return float(eq.factor)
        return None

    def can_use(self, nation: str, item: str) -> bool:
        n_systems = set(self.nations[nation].systems) if nation in self.nations else set()
        i_systems = set(self.items[item].systems) if item in self.items else set()
        return not n_systems or not i_systems or bool(n_systems & i_systems)

    def tier_price(self, offer: Offer, tier: float) -> float | None:
        """Price of tier ``tier`` (0 = base); None when the offer has no such tier."""
        k = _whole(tier)
        if k is None or not 0 <= k <= len(offer.tiers):
            return None
        return float(offer.price) if k == 0 else float(offer.tiers[k - 1].price)

    def contract_label(self, producer: str, item: str, nation: str, pooled: bool) -> str:
        return f"{producer}/{item}" if pooled else f"{producer}/{item}/{nation}"

    def key(self, fund: Fund) -> dict[str, float] | None:
        """Members' key shares of a key-rule fund (None: pledges, or no weights)."""
        rule = fund.contribution
        if not isinstance(rule, KeyRule):
            return None
        weights: dict[str, float] = {}
        for m in fund.members:
            nation = self.nations.get(m)
            if rule.basis == "custom":
                weights[m] = float(rule.shares.get(m, 0.0))
            elif nation is None:
                weights[m] = 0.0
            else:
                value = nation.gni if rule.basis == "gni" else nation.gdp
                weights[m] = float(value or 0.0)
        total = sum(weights.values())
        if total <= 0:
            return None
        return {m: w / total for m, w in weights.items()}

    def unit_value(self, nation: str, item: str) -> float:
        """Replacement value of a unit: the stockpile's, else the cheapest base price."""
        sp = self.stockpiles.get((nation, item))
        if sp is not None and sp.unit_value is not None:
            return float(sp.unit_value)
        prices = [float(o.price) for (_, i), o in self.offers.items() if i == item]
        return min(prices) if prices else 0.0

    def fund_country_ok(self, fund: Fund, producer: str) -> bool:
        countries = fund.eligible_producer_countries
        prod = self.producers.get(producer)
        return countries is None or (prod is not None and prod.country in countries)

    def sponsor(self, expansion: str) -> str:
        """Nation paying an expansion's remainder ('' when none)."""
        e = self.expansions[expansion]
        if e.sponsor:
            return e.sponsor
        prod = self.producers.get(e.producer)
        return prod.country if prod is not None and prod.country in self.nations else ""


# --- reading the tables ---------------------------------------------------------------


def _label(value: Any) -> str:
    """A table cell as an id or period label ('' when empty)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _whole(value: float) -> int | None:
    """``value`` as an int when it is whole, else None."""
    if value is None or not math.isfinite(value) or abs(value - round(value)) > 1e-9:
        return None
    return round(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _n(value: float) -> str:
    """A number for a message."""
    return f"{value:.6g}"


def _rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in df.to_dict("records")]


def _sums(df: pd.DataFrame, keys: list[str], value: str) -> dict[tuple[str, ...], float]:
    out: dict[tuple[str, ...], float] = defaultdict(float)
    for row in df[[*keys, value]].itertuples(index=False, name=None):
        out[tuple(row[:-1])] += float(row[-1])  # NaN stays NaN and fails every check
    return out


def _prepare(
    raw: dict[str, pd.DataFrame], ix: _Index, tol: float
) -> tuple[dict[str, pd.DataFrame], list[Violation]]:
    """Copy the tables with typed columns; drop (and report) rows naming unknown ids."""
    found: list[Violation] = []
    tables: dict[str, pd.DataFrame] = {}
    for name, columns in TABLES.items():
        df = raw.get(name)
        if df is None:
            found.append(Violation("table_columns", name, "", "table missing", _NAN))
            df = pd.DataFrame(columns=list(columns))
        missing = [c for c in columns if c not in df.columns]
        if missing:
            message = f"columns missing: {', '.join(missing)}"
            found.append(Violation("table_columns", name, "", message, _NAN))
        df = df.reindex(columns=list(columns)).reset_index(drop=True)
        for c in columns:
            if c in _NUMERIC.get(name, ()):
                df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
            else:
                df[c] = df[c].map(_label).astype(object)
        df, bad = _known_rows(name, df, ix)
        found += bad
        df, bad = _duplicates(name, df)
        found += bad
        found += _negatives(name, df, tol)
        tables[name] = df
    tables["payments"], bad = _payment_records(tables["payments"], ix)
    found += bad
    return tables, found


def _known_rows(name: str, df: pd.DataFrame, ix: _Index) -> tuple[pd.DataFrame, list[Violation]]:
    """``table_ids``: rows must name ids and periods of the scenario."""
    found: list[Violation] = []
    bad = pd.Series(False, index=df.index)
    for column, kind in _REFERENCES.get(name, []):
        unknown = ~df[column].isin(ix.known[kind]) & ~bad
        for i in df.index[unknown]:
            message = f"{column} {df.at[i, column]!r} is not a {kind} of the scenario"
            found.append(Violation("table_ids", f"{name}[{i}]", "", message, _NAN))
        bad |= unknown
    if name in _OFFER_TABLES:
        offered = [pair in ix.offers for pair in zip(df["producer"], df["item"], strict=True)]
        unknown = ~pd.Series(offered, index=df.index, dtype=bool) & ~bad
        for i in df.index[unknown]:
            message = f"producer {df.at[i, 'producer']!r} offers no item {df.at[i, 'item']!r}"
            found.append(Violation("table_ids", f"{name}[{i}]", "", message, _NAN))
        bad |= unknown
    return df[~bad], found


def _duplicates(name: str, df: pd.DataFrame) -> tuple[pd.DataFrame, list[Violation]]:
    """``table_keys``: an entity appears once in a table keyed by it (repeats are dropped)."""
    keys = _KEYS.get(name)
    if not keys or df.empty:
        return df, []
    twice = df.duplicated(subset=keys, keep="first")
    return df[~twice], [
        Violation(
            "table_keys",
            f"{name}[{i}]",
            "",
            f"repeats {dict(zip(keys, df.loc[i, keys], strict=True))}; only the first is read",
            _NAN,
        )
        for i in df.index[twice]
    ]


def _negatives(name: str, df: pd.DataFrame, tol: float) -> list[Violation]:
    """``nonnegative``: quantities and amounts are >= 0 (NaN lots are allowed)."""
    found: list[Violation] = []
    for column in _NONNEGATIVE.get(name, []):
        for i, value in df[column].items():
            if value < -tol:
                message = f"{column} is {_n(value)}"
                found.append(Violation("nonnegative", f"{name}[{i}]", "", message, -value))
    return found


def _payment_records(df: pd.DataFrame, ix: _Index) -> tuple[pd.DataFrame, list[Violation]]:
    """``payment_record``: payer, purpose and references of each payment are valid."""
    found: list[Violation] = []
    keep: list[bool] = []
    for i, r in zip(df.index, _rows(df), strict=True):
        problem = _payment_problem(r, ix)
        keep.append(problem is None)
        if problem is not None:
            found.append(Violation("payment_record", f"payments[{i}]", "", problem, r["amount"]))
    return df[pd.Series(keep, index=df.index, dtype=bool)], found


def _payment_problem(r: dict[str, Any], ix: _Index) -> str | None:
    payer, kind, purpose = r["payer"], r["payer_type"], r["purpose"]
    if kind not in ("nation", "fund"):
        return f"payer_type {kind!r} is neither 'nation' nor 'fund'"
    if purpose not in ("order", "investment", "contribution"):
        return f"purpose {purpose!r} is not 'order', 'investment' or 'contribution'"
    if payer not in (ix.nations if kind == "nation" else ix.funds):
        return f"payer {payer!r} is not a {kind} of the scenario"
    if purpose == "order":
        if (r["producer"], r["item"]) not in ix.offers:
            return f"producer {r['producer']!r} offers no item {r['item']!r}"
        if r["beneficiary"] not in ix.nations:
            return f"beneficiary {r['beneficiary']!r} is not a nation"
        if kind == "nation" and payer != r["beneficiary"]:
            return f"nation {payer} pays for the orders of {r['beneficiary']}"
    elif purpose == "investment":
        e = ix.expansions.get(r["expansion"])
        if e is None:
            return f"expansion {r['expansion']!r} is not an expansion of the scenario"
        if (r["producer"] or e.producer) != e.producer or (r["item"] or e.item) != e.item:
            return f"producer/item {r['producer']}/{r['item']} are not expansion {e.id}'s"
    else:
        if kind != "nation":
            return "only nations pay contributions"
        if r["beneficiary"] not in ix.funds:
            return f"contribution to {r['beneficiary']!r}, which is not a fund"
    return None


# --- the plan: tables, tolerance and the sums the checks share ------------------------


class _Plan:
    """The solution's tables with the scenario, the tolerance and shared sums."""

    def __init__(
        self, ix: _Index, tables: dict[str, pd.DataFrame], tol: float, solution: Solution
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
            self._rows[name] = _rows(self.tables[name])
        return self._rows[name]

    @cached_property
    def delivered(self) -> dict[tuple[str, ...], float]:
        """(producer, item, period) -> units delivered."""
        return _sums(self.tables["orders"], ["producer", "item", "arrival_period"], "quantity")

    @cached_property
    def arrivals(self) -> dict[tuple[str, ...], float]:
        """(nation, item, period) -> units delivered to the nation."""
        return _sums(self.tables["orders"], ["nation", "item", "arrival_period"], "quantity")

    @cached_property
    def donated_in(self) -> dict[tuple[str, ...], float]:
        return _sums(self.tables["donations"], ["recipient", "item", "period"], "quantity")

    @cached_property
    def donated_out(self) -> dict[tuple[str, ...], float]:
        return _sums(self.tables["donations"], ["donor", "item", "period"], "quantity")

    @cached_property
    def given(self) -> dict[tuple[str, ...], float]:
        """(donor, item) -> units donated over the horizon."""
        return _sums(self.tables["donations"], ["donor", "item"], "quantity")

    @cached_property
    def drawn(self) -> dict[tuple[str, ...], float]:
        """(nation, item, period) -> units drawn for demands."""
        return _sums(self.tables["supply"], ["nation", "item", "period"], "quantity")

    @cached_property
    def order_cost(self) -> dict[tuple[str, ...], float]:
        """(producer, item, nation) -> purchase + delivery cost of the orders."""
        orders = self.tables["orders"].assign(cost=self._order_money)
        return _sums(orders, ["producer", "item", "nation"], "cost")

    @cached_property
    def outlay(self) -> dict[tuple[str, ...], float]:
        """(nation, arrival period) -> purchase + delivery cost of orders arriving."""
        orders = self.tables["orders"].assign(cost=self._order_money)
        return _sums(orders, ["nation", "arrival_period"], "cost")

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
        zero = dict.fromkeys(_NUMERIC["inventory"], 0.0)
        return {**zero, "nation": nation, "item": item, "period": period}

    def payments(self, payer_type: str, purpose: str) -> pd.DataFrame:
        df = self.tables["payments"]
        return df[(df["payer_type"] == payer_type) & (df["purpose"] == purpose)]

    @cached_property
    def fund_order_pay(self) -> dict[tuple[str, ...], float]:
        """(fund, producer, item, nation) -> fund payments for the nation's orders."""
        return _sums(
            self.payments("fund", "order"), ["payer", "producer", "item", "beneficiary"], "amount"
        )

    @cached_property
    def own_order_pay(self) -> dict[tuple[str, ...], float]:
        """(producer, item, nation) -> the nation's own payments for its orders."""
        return _sums(
            self.payments("nation", "order"), ["producer", "item", "beneficiary"], "amount"
        )

    @cached_property
    def fund_invest_pay(self) -> dict[tuple[str, ...], float]:
        """(fund, expansion) -> fund payments towards the expansion."""
        return _sums(self.payments("fund", "investment"), ["payer", "expansion"], "amount")

    @cached_property
    def nation_invest_pay(self) -> dict[tuple[str, ...], float]:
        """(nation, expansion) -> nation payments towards the expansion."""
        return _sums(self.payments("nation", "investment"), ["payer", "expansion"], "amount")

    @cached_property
    def contributions(self) -> dict[tuple[str, ...], float]:
        """(fund, nation) -> amount paid in (contributions table)."""
        return _sums(self.tables["contributions"], ["fund", "nation"], "amount")

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


# --- orders and contracts -------------------------------------------------------------


def _check_orders(plan: _Plan) -> list[Violation]:
    """Each order row: lead time, lots, costs, compatibility, route, tier price, label."""
    ix, found = plan.ix, []
    for r in plan.rows("orders"):
        p, i, n, a = r["producer"], r["item"], r["nation"], r["arrival_period"]
        offer = ix.offers[(p, i)]
        entity = f"{p}/{i} -> {n}"

        def add(rule: str, message: str, excess: float, entity: str = entity, a: str = a) -> None:
            found.append(Violation(rule, entity, a, message, excess))

        lead = offer.lead_time
        o_idx, a_idx = ix.t.get(r["order_period"]), ix.t[a]
        if o_idx is None:
            add(
                "order_period_horizon",
                f"order period {r['order_period']!r} is not a period of the scenario "
                f"(an arrival in {a} is ordered {lead} period(s) earlier)",
                max(0, lead - a_idx),
            )
        elif a_idx - o_idx != lead:
            add(
                "order_lead_time",
                f"ordered in {r['order_period']}, arrives {a_idx - o_idx} period(s) later; "
                f"the lead time is {lead}",
                abs(a_idx - o_idx - lead),
            )
        q, lots = r["quantity"], r["lots"]
        if offer.lot_size is None:
            if not _blank(lots):
                add("order_lots", f"lots {_n(lots)} given but the offer has no lot size", _NAN)
        elif not math.isfinite(lots) or plan.gap(lots, round(lots)) is not None:
            add("order_lots", f"lots {lots} is not a whole number", _NAN)
        elif (gap := plan.gap(q, lots * offer.lot_size)) is not None:
            add(
                "order_lots",
                f"quantity {_n(q)} != {_n(lots)} lots * {_n(offer.lot_size)}",
                gap,
            )
        price = r["unit_price"]
        if (gap := plan.gap(r["purchase_cost"], price * q)) is not None:
            add(
                "order_purchase_cost",
                f"purchase_cost {_n(r['purchase_cost'])} != {_n(price)} * {_n(q)}",
                gap,
            )
        rate = float(offer.delivery_cost_to.get(n, offer.delivery_cost))
        if (gap := plan.gap(r["delivery_cost"], rate * q)) is not None:
            add(
                "order_delivery_cost",
                f"delivery_cost {_n(r['delivery_cost'])} != {_n(rate)} per unit * {_n(q)}",
                gap,
            )
        if not ix.can_use(n, i) and (n, i) not in ix.stockpiles:
            # a nation may restock an item it holds even without operating it (a donor)
            add("order_compatibility", f"{n} operates no system {i} is qualified for", q)
        elif (n, i) not in ix.needed:
            add("order_route", f"{n} has no stockpile of {i} and no demand it meets", q)
        tier_price = ix.tier_price(offer, r["tier"])
        if tier_price is None:
            add("order_tier_price", f"tier {r['tier']} is not a tier of the offer", _NAN)
        elif (gap := plan.gap(price, tier_price)) is not None:
            add(
                "order_tier_price",
                f"unit_price {_n(price)} but tier {_whole(r['tier'])} costs {_n(tier_price)}",
                gap,
            )
        label = ix.contract_label(p, i, n, plan.pooled)
        if r["contract"] != label:
            mode = "pooled" if plan.pooled else "going alone"
            add("order_contract_label", f"contract {r['contract']!r}, {mode} it is {label!r}", _NAN)
    return found


def _check_contracts(plan: _Plan) -> list[Violation]:
    """Each contract: label, volume, tier, min order, counts, period and fixed costs."""
    ix, found = plan.ix, []
    orders = plan.tables["orders"]
    by_contract = {c: g for c, g in orders.groupby("contract", sort=False)}
    contracts: dict[str, dict[str, Any]] = {}
    for r in plan.rows("contracts"):
        contracts.setdefault(r["contract"], r)
    for c in by_contract:
        if c not in contracts:
            volume = float(by_contract[c]["quantity"].sum())
            message = "orders name this contract but the contracts table lacks it"
            found.append(Violation("contract_volume", str(c), "", message, volume))
    for c, r in contracts.items():
        p, i, n = r["producer"], r["item"], r["nation"]
        offer = ix.offers[(p, i)]
        group = by_contract.get(c, orders.iloc[0:0])
        delivering = group[group["quantity"] > plan.tol]

        def add(rule: str, message: str, excess: float, c: str = c) -> None:
            found.append(Violation(rule, c, "", message, excess))

        if plan.pooled and n:
            add("contract_label", f"pooled contract names a nation ({n})", _NAN)
        if not plan.pooled and not n:
            add("contract_label", "going-alone contract names no nation", _NAN)
        if c != ix.contract_label(p, i, n, plan.pooled):
            add("contract_label", f"label does not match {p}/{i}/{n}", _NAN)
        volume = float(group["quantity"].sum())
        if (gap := plan.gap(r["volume"], volume)) is not None:
            add("contract_volume", f"volume {_n(r['volume'])}, orders sum to {_n(volume)}", gap)
        k = _whole(r["tier"])
        price = ix.tier_price(offer, r["tier"])
        unpriced = _blank(r["tier"]) or _blank(r["unit_price"])
        if unpriced and not plan.positive(volume):
            pass  # a contract not placed needs no tier or price
        elif k is None or price is None:
            add("tier_choice", f"tier {r['tier']} is not 0..{len(offer.tiers)}", _NAN)
        else:
            if (gap := plan.gap(r["unit_price"], price)) is not None:
                add(
                    "contract_tier_price",
                    f"unit_price {_n(r['unit_price'])}, tier {k} costs {_n(price)}",
                    gap,
                )
            if k >= 1:
                need = float(offer.tiers[k - 1].min_volume)
                if (over := plan.excess(need, volume)) is not None:
                    add(
                        "tier_volume_lower",
                        f"tier {k} needs volume {_n(need)}, the orders total {_n(volume)}",
                        over,
                    )
        for o in _rows(group):
            if _whole(o["tier"]) != k or plan.gap(o["unit_price"], r["unit_price"]) is not None:
                found.append(
                    Violation(
                        "order_tier_link",
                        c,
                        o["arrival_period"],
                        f"order to {o['nation']} has tier {o['tier']} at {_n(o['unit_price'])}, "
                        f"the contract tier {r['tier']} at {_n(r['unit_price'])}",
                        abs(o["unit_price"] - r["unit_price"]),
                    )
                )
        if plan.positive(volume) and (over := plan.excess(offer.min_order, volume)) is not None:
            add(
                "min_order_lower",
                f"volume {_n(volume)} below the minimum order {_n(offer.min_order)}",
                over,
            )
        nations = set(delivering["nation"])
        if (gap := plan.gap(r["nations"], len(nations))) is not None:
            add("contract_nations", f"nations {_n(r['nations'])}, {len(nations)} order", gap)
        if not plan.pooled and nations - {n}:
            add("contract_alone", f"orders for {sorted(nations)} under one contract", _NAN)
        active = set(delivering["arrival_period"])
        if (gap := plan.gap(r["order_periods"], len(active))) is not None:
            add(
                "contract_order_periods",
                f"order_periods {_n(r['order_periods'])}, deliveries in {len(active)}",
                gap,
            )
        period_cost = sum(ix.period_cost[(p, i)][ix.t[a]] for a in active)
        if (gap := plan.gap(r["period_cost"], period_cost)) is not None:
            add(
                "contract_period_cost",
                f"period_cost {_n(r['period_cost'])}, deliveries in {sorted(active)} "
                f"cost {_n(period_cost)}",
                gap,
            )
        fixed = float(offer.contract_cost)
        placed = plan.positive(volume)
        if plan.gap(r["contract_cost"], fixed) is not None and (
            placed or plan.gap(r["contract_cost"], 0.0) is not None
        ):
            add(
                "contract_cost",
                f"contract_cost {_n(r['contract_cost'])}, the offer's is {_n(fixed)}",
                abs(r["contract_cost"] - fixed),
            )
    return found


# --- capacity, investments and components ---------------------------------------------


def _added_capacity(plan: _Plan) -> dict[tuple[str, str, int], float]:
    """(producer, item, period index) -> capacity added by expansions ready by then."""
    added: dict[tuple[str, str, int], float] = defaultdict(float)
    for e_id, starts in plan.builds.items():
        e = plan.ix.expansions[e_id]
        for s in starts:
            for t in range(s + e.lead_periods, len(plan.ix.periods)):
                added[(e.producer, e.item, t)] += float(e.added_capacity)
    return added


def _check_capacity(plan: _Plan) -> list[Violation]:
    """``capacity_upper`` per (producer, item, period), and the capacity table."""
    ix, found = plan.ix, []
    added = _added_capacity(plan)
    for (p, i, a), used in plan.delivered.items():
        t = ix.t[a]
        base = ix.capacity[(p, i)][t]
        cap = base + added[(p, i, t)]
        if (over := plan.excess(used, cap)) is not None:
            message = (
                f"delivers {_n(used)}, capacity {_n(cap)} "
                f"(base {_n(base)} + added {_n(added[(p, i, t)])})"
            )
            found.append(Violation("capacity_upper", f"{p}/{i}", a, message, over))
    seen = set()
    for r in plan.rows("capacity"):
        p, i, a = r["producer"], r["item"], r["period"]
        t = ix.t[a]
        seen.add((p, i, a))
        expected = {
            "base": ix.capacity[(p, i)][t],
            "added": added[(p, i, t)],
            "used": plan.delivered.get((p, i, a), 0.0),
        }
        for column, value in expected.items():
            if (gap := plan.gap(r[column], value)) is not None:
                message = f"{column} {_n(r[column])}, the plan gives {_n(value)}"
                found.append(Violation("capacity_table", f"{p}/{i}", a, message, gap))
    for (p, i, a), used in plan.delivered.items():
        if (p, i, a) not in seen and plan.positive(used):
            message = f"no capacity row for a period delivering {_n(used)}"
            found.append(Violation("capacity_table", f"{p}/{i}", a, message, used))
    return found


def _check_investments(plan: _Plan) -> list[Violation]:
    """Each expansion once, inside its start window, ready on time, as in the scenario."""
    ix, found = plan.ix, []
    last = len(ix.periods) - 1
    for e_id, starts in plan.builds.items():
        if len(starts) > 1:
            message = f"started {len(starts)} times"
            found.append(Violation("expansion_once", e_id, "", message, len(starts) - 1))
    for r in plan.rows("investments"):
        e = ix.expansions[r["expansion"]]
        s = ix.t[r["start_period"]]

        def add(rule: str, message: str, excess: float, e_id: str = e.id, s: int = s) -> None:
            found.append(Violation(rule, e_id, ix.periods[s], message, excess))

        earliest = ix.t.get(e.earliest_start or "", 0)
        latest = ix.t.get(e.latest_start or "", last)
        if not earliest <= s <= latest:
            add(
                "expansion_start_window",
                f"starts in {ix.periods[s]}, allowed {ix.periods[earliest]}..{ix.periods[latest]}",
                max(earliest - s, s - latest),
            )
        ready = s + e.lead_periods
        expected = ix.periods[ready] if ready <= last else ""
        if r["ready_period"] != expected:
            add(
                "investment_ready_period",
                f"ready_period {r['ready_period']!r}, start + {e.lead_periods} gives {expected!r}",
                _NAN,
            )
        record = {
            "producer": (r["producer"], e.producer),
            "item": (r["item"], e.item),
            "sponsor": (r["sponsor"], ix.sponsor(e.id)),
        }
        for column, (got, want) in record.items():
            if got != want:
                add("investment_record", f"{column} {got!r}, the scenario's is {want!r}", _NAN)
        for column, value in (
            ("added_capacity", e.added_capacity),
            ("investment_cost", e.investment_cost),
        ):
            if (gap := plan.gap(r[column], value)) is not None:
                message = f"{column} {_n(r[column])}, the scenario's is {_n(value)}"
                add("investment_record", message, gap)
    return found


def _check_components(plan: _Plan) -> list[Violation]:
    """Suppliers' reach and capacity; components supplied cover the deliveries' needs."""
    ix, found = plan.ix, []
    supplied: dict[tuple[str, str, str], float] = defaultdict(float)
    sent: dict[tuple[str, str], float] = defaultdict(float)
    for r in plan.rows("components"):
        s = ix.suppliers[r["supplier"]]
        q, p, t = r["component"], r["producer"], r["period"]
        sent[(s.id, t)] += r["quantity"]
        if q != s.component or (s.serves and p not in s.serves):
            reason = (
                f"sends {q}, it supplies {s.component}"
                if q != s.component
                else f"supplies {p}, it serves only {', '.join(s.serves)}"
            )
            found.append(Violation("supplier_serves", s.id, t, reason, r["quantity"]))
            continue
        supplied[(p, q, t)] += r["quantity"]
    for (s_id, t), quantity in sent.items():
        cap = ix.supplier_capacity[s_id][ix.t[t]]
        if (over := plan.excess(quantity, cap)) is not None:
            message = f"sends {_n(quantity)}, capacity {_n(cap)}"
            found.append(Violation("supplier_capacity_upper", s_id, t, message, over))
    needed: dict[tuple[str, str, str], float] = defaultdict(float)
    for (p, i, a), units in plan.delivered.items():
        for q, per_unit in ix.items[i].components.items():
            needed[(p, q, a)] += per_unit * units
    for (p, q, a), need in needed.items():
        have = supplied.get((p, q, a), 0.0)
        if (over := plan.excess(need, have)) is not None:
            message = f"deliveries need {_n(need)} {q}, suppliers send {_n(have)}"
            found.append(Violation("component_supply", f"{p}/{q}", a, message, over))
    return found


# --- stock ----------------------------------------------------------------------------


def _stock_pairs(plan: _Plan) -> list[tuple[str, str]]:
    """(nation, item) pairs with a stockpile, an inventory row or any flow."""
    pairs = set(plan.ix.stockpiles)
    pairs |= {(n, i) for n, i, _ in plan.inventory}
    for flows in (plan.arrivals, plan.donated_in, plan.donated_out, plan.drawn):
        pairs |= {(k[0], k[1]) for k in flows}
    return sorted(pairs)


def _check_inventory(plan: _Plan) -> list[Violation]:
    """Stock balance per (nation, item, period), each term against its source table.

    A missing inventory row reads as all zeros, so a model may leave out empty rows.
    """
    ix, found = plan.ix, []
    for n, i in _stock_pairs(plan):
        sp = ix.stockpiles.get((n, i))
        entity = f"{n}/{i}"
        previous = float(sp.on_hand) if sp is not None else 0.0
        for t, period in enumerate(ix.periods):
            r = plan.stock(n, i, period)
            key = (n, i, period)

            def add(
                rule: str, message: str, excess: float, entity: str = entity, period: str = period
            ) -> None:
                found.append(Violation(rule, entity, period, message, excess))

            source = "on_hand" if t == 0 else "previous closing"
            if (gap := plan.gap(r["opening"], previous)) is not None:
                add("stock_opening", f"opening {_n(r['opening'])}, {source} {_n(previous)}", gap)
            terms = {
                "stock_arrivals": ("arrivals", plan.arrivals),
                "stock_donations": ("donated_in", plan.donated_in),
                "stock_used": ("used", plan.drawn),
            }
            for rule, (column, flows) in terms.items():
                value = flows.get(key, 0.0)
                if (gap := plan.gap(r[column], value)) is not None:
                    add(rule, f"{column} {_n(r[column])}, the plan gives {_n(value)}", gap)
            out = plan.donated_out.get(key, 0.0)
            if (gap := plan.gap(r["donated_out"], out)) is not None:
                add("stock_donations", f"donated_out {_n(r['donated_out'])}, gives {_n(out)}", gap)
            parts = [r["opening"], r["arrivals"], r["donated_in"], -r["donated_out"], -r["used"]]
            balance = sum(parts)
            scale = sum(abs(x) for x in parts)
            if (gap := plan.gap(r["closing"], balance, scale)) is not None:
                add(
                    "stock_balance",
                    f"closing {_n(r['closing'])}, opening + in - out = {_n(balance)}",
                    gap,
                )
            if r["closing"] < -plan.tol:
                add("stock_nonnegative", f"closing {_n(r['closing'])}", -r["closing"])
            hold = ix.holding[(n, i)][t] if sp is not None else 0.0
            if (gap := plan.gap(r["holding_cost"], hold * r["closing"])) is not None:
                add(
                    "stock_holding_cost",
                    f"holding_cost {_n(r['holding_cost'])}, {_n(hold)} * closing "
                    f"{_n(r['closing'])}",
                    gap,
                )
            previous = r["closing"]
    return found


def _binding_floor(plan: _Plan, n: str, i: str) -> list[float]:
    """The floor binding in each period (0 where none binds).

    A floor binds in every period if the stock starts at or above the first period's
    floor; otherwise from ``refill_by`` on (and never without ``refill_by``).
    """
    ix = plan.ix
    sp = ix.stockpiles.get((n, i))
    if sp is None:
        return [0.0] * len(ix.periods)
    floor = ix.floor[(n, i)]
    if sp.on_hand >= floor[0] - plan.tol * max(1.0, floor[0]):
        start = 0
    else:
        start = ix.t.get(sp.refill_by or "", len(ix.periods))
    return [f if t >= start else 0.0 for t, f in enumerate(floor)]


def _check_floors(plan: _Plan) -> list[Violation]:
    """``stock_floor_lower`` where the floor binds; the inventory's floor column."""
    ix, found = plan.ix, []
    for n, i in _stock_pairs(plan):
        sp = ix.stockpiles.get((n, i))
        entity = f"{n}/{i}"
        soft = sp is not None and sp.floor_type == "soft"
        binding = _binding_floor(plan, n, i)
        for t, period in enumerate(ix.periods):
            r = plan.stock(n, i, period)
            floor, below, closing = binding[t], r["below_floor"], r["closing"]

            def add(
                rule: str, message: str, excess: float, entity: str = entity, period: str = period
            ) -> None:
                found.append(Violation(rule, entity, period, message, excess))

            if (gap := plan.gap(r["floor"], floor)) is not None:
                add("stock_floor_table", f"floor {_n(r['floor'])}, binding {_n(floor)}", gap)
            if not soft and plan.positive(below):
                add("stock_floor_lower", f"below_floor {_n(below)} on a hard floor", below)
            slack = below if soft else 0.0
            if plan.positive(floor) and (over := plan.excess(floor - slack, closing)) is not None:
                message = f"closing {_n(closing)}, floor {_n(floor)}"
                if soft:
                    message += f" - below_floor {_n(below)}"
                add("stock_floor_lower", message, over)
    return found


def _check_refills(plan: _Plan) -> list[Violation]:
    """``refill_target_lower`` at ``refill_by``; the refills table.

    A refill target without ``refill_by`` is not checked (the model has no period for it).
    """
    ix, found = plan.ix, []
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in plan.rows("refills"):
        rows.setdefault((r["nation"], r["item"]), r)
    targets = {
        k: sp
        for k, sp in ix.stockpiles.items()
        if sp.refill_target is not None and sp.refill_by is not None
    }
    for (n, i), r in rows.items():
        if (n, i) not in targets:
            message = "row for a stockpile without a refill target and period"
            found.append(Violation("refill_table", f"{n}/{i}", r["refill_by"], message, _NAN))
    for (n, i), sp in targets.items():
        by, target = str(sp.refill_by), float(sp.refill_target or 0.0)
        closing = plan.stock(n, i, by)["closing"]
        row = rows.get((n, i))

        def add(
            rule: str, message: str, excess: float, n: str = n, i: str = i, by: str = by
        ) -> None:
            found.append(Violation(rule, f"{n}/{i}", by, message, excess))

        missed = 0.0 if row is None else row["missed"]
        if row is None:
            add("refill_table", "no refills row for this refill target", _NAN)
        else:
            if row["refill_by"] != by:
                add("refill_table", f"refill_by {row['refill_by']!r}, the scenario's {by!r}", _NAN)
            for column, value in (("target", target), ("level", closing)):
                if (gap := plan.gap(row[column], value)) is not None:
                    add("refill_table", f"{column} {_n(row[column])}, the plan's {_n(value)}", gap)
        soft = sp.refill_penalty is not None
        if not soft and plan.positive(missed):
            add("refill_target_lower", f"missed {_n(missed)} on a hard refill target", missed)
        slack = missed if soft else 0.0
        if (over := plan.excess(target - slack, closing)) is not None:
            message = f"closing {_n(closing)}, target {_n(target)}"
            if soft:
                message += f" - missed {_n(missed)}"
            add("refill_target_lower", message, over)
    return found


# --- donations, supply and demands ----------------------------------------------------


def _check_donations(plan: _Plan) -> list[Violation]:
    """``donation_arc``: donor stockpile, a different recipient that can use and needs it."""
    ix, found = plan.ix, []
    for r in plan.rows("donations"):
        m, n, i, t, q = r["donor"], r["recipient"], r["item"], r["period"], r["quantity"]
        sp = ix.stockpiles.get((m, i))
        reasons = []
        if sp is None or not sp.donor:
            reasons.append(f"{m} holds no donor stockpile of {i}")
        if m == n:
            reasons.append("donor and recipient are the same")
        if not ix.can_use(n, i):
            reasons.append(f"{n} cannot use {i}")
        elif not any(d.nation == n and ix.factor(d.capability, i) for d in ix.demands.values()):
            reasons.append(f"{n} has no demand {i} meets")
        recipient_stock = ix.stockpiles.get((n, i))
        if recipient_stock is not None and recipient_stock.donor:
            reasons.append(f"{n} is itself a donor of {i} (gifts are not passed on)")
        for reason in reasons:
            found.append(Violation("donation_arc", f"{m} -> {n}: {i}", t, reason, q))
    for (m, i), given in plan.given.items():
        sp = ix.stockpiles.get((m, i))
        on_hand = sp.on_hand if sp is not None else 0.0
        if (gap := plan.excess(given, on_hand)) is not None:
            found.append(
                Violation(
                    "donation_from_stock_upper",
                    f"{m}: {i}",
                    "",
                    f"donated {_n(given)} over the horizon, more than the {_n(on_hand)} "
                    "held at the start",
                    gap,
                )
            )
    return found


def _check_supply(plan: _Plan) -> list[Violation]:
    """Each supply row: its demand's nation, the item's factor, compatibility, window."""
    ix, found = plan.ix, []
    for r in plan.rows("supply"):
        d = ix.demands[r["demand"]]
        i, period, q = r["item"], r["period"], r["quantity"]

        def add(rule: str, message: str, excess: float, d_id: str = d.id, t: str = period) -> None:
            found.append(Violation(rule, d_id, t, message, excess))

        if r["nation"] != d.nation or r["capability"] != d.capability:
            add(
                "supply_record",
                f"row says {r['nation']}/{r['capability']}, the demand is "
                f"{d.nation}/{d.capability}",
                _NAN,
            )
        factor = ix.factor(d.capability, i)
        if factor is None:
            add("supply_equivalent", f"{i} does not meet {d.capability}", q)
        elif (gap := plan.gap(r["equivalent"], q * factor)) is not None:
            add(
                "supply_equivalent",
                f"equivalent {_n(r['equivalent'])}, {_n(q)} * factor {_n(factor)}",
                gap,
            )
        if not ix.can_use(d.nation, i):
            add("supply_compatibility", f"{d.nation} cannot use {i}", q)
        due, t = ix.t[d.period], ix.t[period]
        latest = due + d.max_lateness
        if not due <= t <= latest:
            add(
                "supply_window",
                f"drawn {t - due} period(s) after the due period {d.period}; "
                f"allowed 0..{d.max_lateness}",
                max(due - t, t - latest),
            )
        if (gap := plan.gap(r["periods_late"], t - due)) is not None:
            add("supply_periods_late", f"periods_late {_n(r['periods_late'])}, is {t - due}", gap)
    return found


def _check_demands(plan: _Plan) -> list[Violation]:
    """Each demand: its row, met quantities from the supply rows, balance, weighted short."""
    ix, found = plan.ix, []
    weight = ix.scenario.settings.lateness_weight
    rows: dict[str, dict[str, Any]] = {}
    for r in plan.rows("demands"):
        rows.setdefault(r["demand"], r)
    met: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for s in plan.rows("supply"):
        d = ix.demands[s["demand"]]
        late = ix.t[s["period"]] - ix.t[d.period]
        if late == 0:
            met[d.id]["met_on_time"] += s["equivalent"]
        elif late > 0:
            met[d.id]["met_late"] += s["equivalent"]
            met[d.id]["late_unit_periods"] += s["equivalent"] * late
    for d in ix.demands.values():

        def add(rule: str, message: str, excess: float, d_id: str = d.id) -> None:
            found.append(Violation(rule, d_id, "", message, excess))

        row = rows.get(d.id)
        if row is None:
            add("demand_record", "missing from the demands table", float(d.quantity))
            continue
        for column, want in (
            ("nation", d.nation),
            ("capability", d.capability),
            ("due_period", d.period),
        ):
            if row[column] != want:
                add("demand_record", f"{column} {row[column]!r}, the scenario's {want!r}", _NAN)
        for column, value in (("priority", d.priority), ("quantity", d.quantity)):
            if (gap := plan.gap(row[column], value)) is not None:
                add("demand_record", f"{column} {_n(row[column])}, the scenario's {_n(value)}", gap)
        for column in ("met_on_time", "met_late", "late_unit_periods"):
            value = met[d.id][column]
            if (gap := plan.gap(row[column], value)) is not None:
                add(
                    "demand_accounting",
                    f"{column} {_n(row[column])}, the supply rows give {_n(value)}",
                    gap,
                )
        parts = [row["met_on_time"], row["met_late"], row["short"]]
        if (gap := plan.gap(sum(parts), d.quantity, sum(map(abs, parts)))) is not None:
            add(
                "demand_balance",
                f"met on time {_n(parts[0])} + late {_n(parts[1])} + short {_n(parts[2])} "
                f"!= quantity {_n(d.quantity)}",
                gap,
            )
        if row["short"] < -plan.tol:
            add("demand_balance", f"short {_n(row['short'])} is negative", -row["short"])
        weighted = d.priority * (row["short"] + weight * row["late_unit_periods"])
        if (gap := plan.gap(row["weighted_shortfall"], weighted)) is not None:
            add(
                "demand_weighted_shortfall",
                f"weighted_shortfall {_n(row['weighted_shortfall'])}, priority {_n(d.priority)} * "
                f"(short + {_n(weight)} * late unit-periods) = {_n(weighted)}",
                gap,
            )
    return found


# --- funds ----------------------------------------------------------------------------


def _check_funds(plan: _Plan) -> list[Violation]:
    """Contributions: members, key or pledges, cap, committed size; spending <= income."""
    ix, found = plan.ix, []
    if not plan.pooled:
        for (f, n), amount in plan.contributions.items():
            if plan.positive(amount):
                message = f"{n} pays {_n(amount)} into a fund while going alone"
                found.append(Violation("alone_no_funds", f, "", message, amount))
        for f, amount in plan.fund_spent.items():
            if plan.positive(amount):
                message = f"the fund pays {_n(amount)} while nations go alone"
                found.append(Violation("alone_no_funds", f, "", message, amount))
        return found
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in plan.rows("contributions"):
        rows.setdefault((r["fund"], r["nation"]), r)
    for f_id, fund in ix.funds.items():
        total = plan.fund_total.get(f_id, 0.0)

        def add(
            rule: str, message: str, excess: float, entity: str = f_id, total: float = total
        ) -> None:
            found.append(Violation(rule, entity, "", message, excess))

        for (g, n), amount in plan.contributions.items():
            if g == f_id and n not in fund.members and plan.positive(amount):
                add("contribution_member", f"{n} pays {_n(amount)} but is no member", amount)
        key = ix.key(fund)
        slack = plan.tol * max(1.0, total)
        rule = fund.contribution
        for m in fund.members:
            amount = plan.contributions.get((f_id, m), 0.0)
            entity = f"{f_id}/{m}"
            if isinstance(rule, KeyRule):
                if key is not None and plan.positive(total):
                    low = key[m] * (1 - rule.tolerance) * total
                    high = key[m] * (1 + rule.tolerance) * total
                    if amount < low - slack or amount > high + slack:
                        add(
                            "contribution_key",
                            f"pays {_n(amount)} of {_n(total)} (share {_n(amount / total)}), "
                            f"the key allows {_n(low)}..{_n(high)}",
                            max(low - amount, amount - high),
                            entity,
                        )
            else:
                pledge = rule.pledges.get(m)
                least = float(pledge.min) if pledge is not None else 0.0
                most = pledge.max if pledge is not None else None
                if (over := plan.excess(least, amount)) is not None:
                    add(
                        "contribution_pledge",
                        f"pays {_n(amount)}, pledged min {_n(least)}",
                        over,
                        entity,
                    )
                if most is not None and (over := plan.excess(amount, most)) is not None:
                    add(
                        "contribution_pledge",
                        f"pays {_n(amount)}, pledged max {_n(most)}",
                        over,
                        entity,
                    )
            row = rows.get((f_id, m))
            if row is not None:
                found.extend(_contribution_row(plan, row, total, key))
        if fund.cap is not None and (over := plan.excess(total, fund.cap)) is not None:
            add("fund_cap_upper", f"collects {_n(total)}, cap {_n(fund.cap)}", over)
        if (over := plan.excess(fund.committed, total)) is not None:
            add(
                "fund_committed_lower",
                f"collects {_n(total)}, committed {_n(fund.committed)}",
                over,
            )
        spent = plan.fund_spent.get(f_id, 0.0)
        if (over := plan.excess(spent, total)) is not None:
            add("fund_balance", f"pays out {_n(spent)}, collects {_n(total)}", over)
    return found


def _contribution_row(
    plan: _Plan, r: dict[str, Any], total: float, key: dict[str, float] | None
) -> list[Violation]:
    """``contribution_table``: share, key_share, lower and upper of one row."""
    found: list[Violation] = []
    entity = f"{r['fund']}/{r['nation']}"
    amount = r["amount"]
    share = amount / total if plan.positive(total) else 0.0
    gap = plan.gap(r["share"], share, 1.0)
    if gap is not None and (plan.positive(total) or not _blank(r["share"])):
        message = f"share {_n(r['share'])}, amount / total = {_n(share)}"
        found.append(Violation("contribution_table", entity, "", message, gap))
    if not isinstance(plan.ix.funds[r["fund"]].contribution, KeyRule):
        if not _blank(r["key_share"]):
            message = f"key_share {_n(r['key_share'])} for a pledge fund (NaN expected)"
            found.append(Violation("contribution_table", entity, "", message, _NAN))
    elif key is not None:
        want = key.get(r["nation"], 0.0)
        if (gap := plan.gap(r["key_share"], want, 1.0)) is not None:
            message = f"key_share {_n(r['key_share'])}, the key gives {_n(want)}"
            found.append(Violation("contribution_table", entity, "", message, gap))
    slack = plan.tol * max(1.0, total)
    if not _blank(r["lower"]) and amount < r["lower"] - slack:
        message = f"amount {_n(amount)} below its lower {_n(r['lower'])}"
        found.append(Violation("contribution_table", entity, "", message, r["lower"] - amount))
    if not _blank(r["upper"]) and amount > r["upper"] + slack:
        message = f"amount {_n(amount)} above its upper {_n(r['upper'])}"
        found.append(Violation("contribution_table", entity, "", message, amount - r["upper"]))
    return found


def _order_eligibility(plan: _Plan, fund: Fund, p: str, i: str, n: str) -> tuple[bool, bool]:
    """(via procurement, via refill): how fund may pay for n's orders of i from p."""
    ix = plan.ix
    if not ix.fund_country_ok(fund, p):
        return False, False
    beneficiary = fund.eligible_beneficiaries is None or n in fund.eligible_beneficiaries
    procurement = "procurement" in fund.uses and beneficiary
    sp = ix.stockpiles.get((n, i))
    refill = "refill" in fund.uses and beneficiary and sp is not None and sp.donor
    return procurement, refill


def _check_fund_payments(plan: _Plan) -> list[Violation]:
    """Fund payments for orders and investments: eligibility, limits, consortium."""
    if not plan.pooled:
        return []  # going alone, every fund payment is already an ``alone_no_funds``
    ix, found = plan.ix, []
    refill_paid: dict[tuple[str, str, str], float] = defaultdict(float)
    contract_paid: dict[tuple[str, str, str], float] = defaultdict(float)
    for (f, p, i, n), amount in plan.fund_order_pay.items():
        fund = ix.funds[f]
        procurement, refill = _order_eligibility(plan, fund, p, i, n)
        entity = f"{f}: {p}/{i} -> {n}"
        if plan.positive(amount) and not (procurement or refill):
            found.append(
                Violation(
                    "fund_payment_eligible",
                    entity,
                    "",
                    f"pays {_n(amount)} but is not eligible "
                    f"(uses {', '.join(fund.uses)}; producer country, beneficiary or donor "
                    "stockpile rule fail)",
                    amount,
                )
            )
        if refill and not procurement:
            refill_paid[(f, i, n)] += amount
        contract_paid[(f, p, i)] += amount
    for (f, i, n), amount in refill_paid.items():
        value, given = ix.unit_value(n, i), plan.given.get((n, i), 0.0)
        if (over := plan.excess(amount, value * given)) is not None:
            message = (
                f"reimburses {_n(amount)} for refills, at most {_n(value)} per unit * "
                f"{_n(given)} donated"
            )
            found.append(Violation("fund_refill_upper", f"{f}: {i} -> {n}", "", message, over))
    orders = plan.tables["orders"]
    for (f, p, i), amount in contract_paid.items():
        need = ix.funds[f].min_nations_per_contract
        if need <= 1 or not plan.positive(amount):
            continue
        mine = orders[(orders["producer"] == p) & (orders["item"] == i)]
        nations = set(mine.loc[mine["quantity"] > plan.tol, "nation"])
        if len(nations) < need:
            message = f"pays {_n(amount)} with {len(nations)} nation(s) ordering, needs {need}"
            found.append(
                Violation("consortium_lower", f"{f}: {p}/{i}", "", message, need - len(nations))
            )
    found += _check_fund_investments(plan)
    fund_paid: dict[tuple[str, str, str], float] = defaultdict(float)
    for (_, p, i, n), amount in plan.fund_order_pay.items():
        fund_paid[(p, i, n)] += amount
    for (p, i, n), paid in fund_paid.items():
        cost = plan.order_cost.get((p, i, n), 0.0)
        if (over := plan.excess(paid, cost)) is not None:
            message = f"funds pay {_n(paid)}, the orders cost {_n(cost)}"
            found.append(Violation("fund_payment_upper", f"{p}/{i} -> {n}", "", message, over))
    return found


def _check_fund_investments(plan: _Plan) -> list[Violation]:
    """``fund_investment_eligible`` and ``fund_investment_upper``."""
    ix, found = plan.ix, []
    by_expansion: dict[str, float] = defaultdict(float)
    for (f, e_id), amount in plan.fund_invest_pay.items():
        fund, e = ix.funds[f], ix.expansions[e_id]
        builds = len(plan.builds.get(e_id, []))
        cost = float(e.investment_cost) * builds
        by_expansion[e_id] += amount
        entity = f"{f}: {e_id}"
        if plan.positive(amount):
            reasons = []
            if builds == 0:
                reasons.append("the expansion is not built")
            if "investment" not in fund.uses:
                reasons.append(f"the fund's uses are {', '.join(fund.uses)}")
            if not ix.fund_country_ok(fund, e.producer):
                reasons.append("the producer's country is not eligible")
            for reason in reasons:
                message = f"pays {_n(amount)} but {reason}"
                found.append(Violation("fund_investment_eligible", entity, "", message, amount))
        limit = fund.max_cofinancing_share * cost
        if builds and (over := plan.excess(amount, limit)) is not None:
            message = f"pays {_n(amount)}, at most {_n(fund.max_cofinancing_share)} * {_n(cost)}"
            found.append(Violation("fund_investment_upper", entity, "", message, over))
    for e_id, amount in by_expansion.items():
        cost = float(ix.expansions[e_id].investment_cost) * len(plan.builds.get(e_id, []))
        if (over := plan.excess(amount, cost)) is not None:
            message = f"funds pay {_n(amount)} of a cost of {_n(cost)}"
            found.append(Violation("fund_investment_upper", e_id, "", message, over))
    return found


# --- payments and budgets -------------------------------------------------------------


def _check_payments(plan: _Plan) -> list[Violation]:
    """Orders paid in full; contributions paid as recorded; sponsors pay the remainder."""
    ix, found = plan.ix, []
    fund_paid: dict[tuple[str, ...], float] = defaultdict(float)
    for (_, p, i, n), amount in plan.fund_order_pay.items():
        fund_paid[(p, i, n)] += amount
    for key in sorted(set(plan.order_cost) | set(fund_paid) | set(plan.own_order_pay)):
        p, i, n = key
        cost = plan.order_cost.get(key, 0.0)
        own, funds = plan.own_order_pay.get(key, 0.0), fund_paid.get(key, 0.0)
        if (gap := plan.gap(own + funds, cost, abs(own) + abs(funds))) is not None:
            message = f"{n} pays {_n(own)} + funds {_n(funds)}, the orders cost {_n(cost)}"
            found.append(Violation("order_payment_balance", f"{p}/{i} -> {n}", "", message, gap))
    paid_in = _sums(plan.payments("nation", "contribution"), ["beneficiary", "payer"], "amount")
    for key in sorted(set(paid_in) | set(plan.contributions)):
        paid, recorded = paid_in.get(key, 0.0), plan.contributions.get(key, 0.0)
        if (gap := plan.gap(paid, recorded)) is not None:
            message = f"payments {_n(paid)}, contributions table {_n(recorded)}"
            found.append(Violation("contribution_payments", "/".join(key), "", message, gap))
    fund_for: dict[str, float] = defaultdict(float)
    for (_, e_id), amount in plan.fund_invest_pay.items():
        fund_for[e_id] += amount
    nations_for: dict[str, dict[str, float]] = defaultdict(dict)
    for (n, e_id), amount in plan.nation_invest_pay.items():
        nations_for[e_id][n] = amount
    for e_id in sorted(set(plan.builds) | set(nations_for)):
        e = ix.expansions[e_id]
        cost = float(e.investment_cost) * len(plan.builds.get(e_id, []))
        sponsor = ix.sponsor(e_id)
        due = max(0.0, cost - fund_for.get(e_id, 0.0)) if sponsor else 0.0
        by_nation = nations_for.get(e_id, {})
        for n, amount in by_nation.items():
            if n != sponsor and plan.positive(amount):
                message = f"{n} pays {_n(amount)}, the sponsor is {sponsor or 'no nation'}"
                found.append(Violation("investment_payment_balance", e_id, "", message, amount))
        own = by_nation.get(sponsor, 0.0) if sponsor else 0.0
        if (gap := plan.gap(own, due)) is not None:
            message = (
                f"sponsor {sponsor or '-'} pays {_n(own)}; cost {_n(cost)} minus funds "
                f"{_n(fund_for.get(e_id, 0.0))} leaves {_n(due)}"
            )
            found.append(Violation("investment_payment_balance", e_id, "", message, gap))
    return found


def _check_budgets(plan: _Plan) -> list[Violation]:
    """The budgets table, ``budget_upper`` and ``budget_period_upper`` per nation."""
    ix, found = plan.ix, []
    rows: dict[str, dict[str, Any]] = {}
    for r in plan.rows("budgets"):
        rows.setdefault(r["nation"], r)
    orders_paid: dict[str, float] = defaultdict(float)
    for (_, _, n), amount in plan.own_order_pay.items():
        orders_paid[n] += amount
    invested: dict[str, float] = defaultdict(float)
    for (n, _), amount in plan.nation_invest_pay.items():
        invested[n] += amount
    contributed: dict[str, float] = defaultdict(float)
    for (_, n), amount in plan.contributions.items():
        contributed[n] += amount
    for n, nation in ix.nations.items():
        parts = {
            "orders": orders_paid[n],
            "contributions": contributed[n],
            "investments": invested[n],
        }
        spent = sum(parts.values())

        def add(rule: str, message: str, excess: float, n: str = n, period: str = "") -> None:
            found.append(Violation(rule, n, period, message, excess))

        row = rows.get(n)
        if row is None:
            if plan.positive(spent) or nation.budget is not None:
                add("budget_accounting", f"no budgets row; the nation spends {_n(spent)}", spent)
        else:
            recorded = row["budget"]
            if nation.budget is None:
                if not _blank(recorded):
                    add("budget_accounting", f"budget {_n(recorded)}, the nation has none", _NAN)
            elif (gap := plan.gap(recorded, nation.budget)) is not None:
                add(
                    "budget_accounting",
                    f"budget {_n(recorded)}, the scenario's {_n(nation.budget)}",
                    gap,
                )
            for column, value in (*parts.items(), ("spent", spent)):
                if (gap := plan.gap(row[column], value)) is not None:
                    add(
                        "budget_accounting",
                        f"{column} {_n(row[column])}, the payments give {_n(value)}",
                        gap,
                    )
        if nation.budget is not None and (over := plan.excess(spent, nation.budget)) is not None:
            add(
                "budget_upper",
                f"spends {_n(spent)} (orders {_n(parts['orders'])}, contributions "
                f"{_n(parts['contributions'])}, investments {_n(parts['investments'])}), "
                f"budget {_n(nation.budget)}",
                over,
            )
        if nation.budget_per_period is not None:
            limits = ix.series(nation.budget_per_period)
            for t, period in enumerate(ix.periods):
                outlay = plan.outlay.get((n, period), 0.0)
                if (over := plan.excess(outlay, limits[t])) is not None:
                    message = f"orders arriving cost {_n(outlay)}, budget {_n(limits[t])}"
                    add("budget_period_upper", message, over, period=period)
    return found


# --- key figures ----------------------------------------------------------------------


def _penalty_cost(plan: _Plan) -> float:
    """Soft floor and refill penalties, plus shortfall and lateness in weighted mode."""
    ix, total = plan.ix, 0.0
    for r in plan.rows("inventory"):
        sp = ix.stockpiles.get((r["nation"], r["item"]))
        if sp is not None and sp.floor_penalty is not None:
            total += sp.floor_penalty * r["below_floor"]
    for r in plan.rows("refills"):
        sp = ix.stockpiles.get((r["nation"], r["item"]))
        if sp is not None and sp.refill_penalty is not None:
            total += sp.refill_penalty * r["missed"]
    if plan.objective == "weighted":
        settings = ix.scenario.settings
        for r in plan.rows("demands"):
            d = ix.demands[r["demand"]]
            short = d.shortfall_penalty
            if short is None:
                short = settings.default_shortfall_penalty * d.priority
            late = d.lateness_penalty
            if late is None:
                late = settings.default_lateness_penalty * d.priority
            total += short * r["short"] + late * r["late_unit_periods"]
    return total


def _key_figures(plan: _Plan) -> dict[str, float]:
    """Every numeric key figure recomputed from the tables."""
    t = plan.tables
    figures = {
        "purchase_cost": float(t["orders"]["purchase_cost"].sum()),
        "delivery_cost": float(t["orders"]["delivery_cost"].sum()),
        "contract_cost": float(t["contracts"]["contract_cost"].sum()),
        "period_cost": float(t["contracts"]["period_cost"].sum()),
        "investment_cost": float(t["investments"]["investment_cost"].sum()),
        "holding_cost": float(t["inventory"]["holding_cost"].sum()),
    }
    figures["total_cost"] = sum(figures.values())
    demands = t["demands"]
    due = sum(float(d.quantity) for d in plan.ix.demands.values())
    on_time, late = float(demands["met_on_time"].sum()), float(demands["met_late"].sum())
    late_periods = float(demands["late_unit_periods"].sum())
    figures |= {
        "penalty_cost": _penalty_cost(plan),
        "weighted_shortfall": float(demands["weighted_shortfall"].sum()),
        "short": float(demands["short"].sum()),
        "fill_rate": (on_time + late) / due if due > 0 else 1.0,
        "on_time_rate": on_time / due if due > 0 else 1.0,
        "average_lateness": late_periods / late if late > plan.tol else 0.0,
        "unspent_fund_balance": sum(plan.fund_total.values()) - sum(plan.fund_spent.values()),
    }
    return figures


def _check_key_figures(plan: _Plan) -> list[Violation]:
    """``key_figures``: each figure equals its recomputation (status equals the solve's)."""
    found = []
    status = plan.key_figures.get("status")
    if status is not None and getattr(status, "value", status) != plan.status.value:
        message = f"status {status!r}, the solution's is {plan.status.value!r}"
        found.append(Violation("key_figures", "status", "", message, _NAN))
    for name, value in _key_figures(plan).items():
        recorded = plan.key_figures.get(name)
        try:
            number = float(recorded)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            message = f"missing or not a number ({recorded!r}); the tables give {_n(value)}"
            found.append(Violation("key_figures", name, "", message, _NAN))
            continue
        if (gap := plan.gap(number, value)) is not None:
            message = f"{name} {_n(number)}, the tables give {_n(value)}"
            found.append(Violation("key_figures", name, "", message, gap))
    return found


_CHECKS: tuple[Callable[[_Plan], list[Violation]], ...] = (
    _check_orders,
    _check_contracts,
    _check_capacity,
    _check_investments,
    _check_components,
    _check_inventory,
    _check_floors,
    _check_refills,
    _check_donations,
    _check_supply,
    _check_demands,
    _check_funds,
    _check_fund_payments,
    _check_payments,
    _check_budgets,
    _check_key_figures,
)
"""Every rule family, in the order its violations are listed."""
