"""The plan audit: red flags an analyst would raise reading a solved plan.

A plan can keep every rule of its scenario and still not survive a hostile question: a
donor gives stock while its own forces go short, a fund with money pays nothing, stock sits
idle while a demand due now is short. :func:`audit` reads a scenario and its solved
:class:`~aggregate.result.Solution` (and, for one flag, the going-alone plan from
:func:`aggregate.compare`) and lists every instance of these flags:

``donor_short_while_donating``
    a demand of nation ``n`` is short while ``n`` donates stock of an item that demand can
    use (an item meeting its capability that ``n`` can use); one row per demand.
``idle_stock_while_short``
    ``n`` holds usable stock at the end of a period in which its own demand due then is
    short, beyond its floor in that period and its refill target in the refill period; one
    row per stock and period, the idle units capped at what the short demands could use
    (so the quantities add up to unit-periods).
``investment_fund_pays_nothing``
    a built expansion a fund with the ``investment`` use may co-finance (origin rule, a
    co-financing share above 0), and that fund pays 0 toward it; one row per (expansion,
    fund).
``fractional_indivisible`` / ``fractional_any``
    a quantity (ordered, donated, used, held, short) with a fractional part above
    :data:`FRACTION` of an item declared indivisible, and of any item (informational).
``more_short_pooled_than_alone``
    a nation whose units short or weighted shortfall are larger in the joint plan than going
    alone; only when the going-alone plan is given.
``money_idle_while_short``
    a demand is short, a producer offering an item the demand's nation can use has idle
    capacity in a period it could deliver for that demand, and a nation leaves budget
    unspent (or a fund that may pay for that nation leaves collected money unspent); one row
    per nation or fund, the amount unspent.
``fund_pays_nothing``
    a fund with money (it collected some, or its cap lets it collect some) pays nothing for
    a use it declares; one row per (fund, use), the amount its money.

Each row names its entry in the path language of :mod:`aggregate.labels`. The flags are
measurements, not verdicts: a scenario may state a rule that makes a flag the right answer
(a ``priority`` donation policy, a floor), which the explanation helps to judge.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pandas as pd

from aggregate import labels
from aggregate.errors import InputError
from aggregate.result import Solution
from aggregate.schema import Scenario
from aggregate.schema.facts import open_window, origin_ok
from aggregate.schema.scenario_index import ScenarioIndex

FRACTION = 1e-6
"""A quantity whose distance to the nearest whole number exceeds this is fractional."""

TOL = 1e-6
"""A quantity or amount counts (short, idle, unspent, paid) above ``TOL * max(1, scale)``."""

FLAGS: dict[str, str] = {
    "donor_short_while_donating": "demands short while their nation donates usable stock",
    "idle_stock_while_short": "unit-periods of usable stock held while a demand due is short",
    "investment_fund_pays_nothing": "(built expansion, eligible investment fund) paying 0",
    "fractional_indivisible": "fractional quantities of indivisible items",
    "fractional_any": "fractional quantities of any item (informational)",
    "more_short_pooled_than_alone": "nations more short pooled than going alone",
    "money_idle_while_short": "money unspent while a demand is short and capacity idle",
    "fund_pays_nothing": "(fund with money or a cap, declared use) paying nothing",
}
"""Flag -> what its count measures (the summary's ``measure``)."""

COLUMNS = ["flag", "entry", "nation", "item", "period", "quantity", "unit", "amount", "explanation"]
"""The columns of :attr:`Audit.flags`: ``quantity`` in ``unit``, ``amount`` in the
scenario's currency (NaN where a flag has none). Quantities and amounts add up over a
flag's rows: the units short of each demand, the idle units of each period (unit-periods),
the cost of each expansion, the money left by each nation or fund."""

# where fractional quantities are looked for: table -> (column, nation column, period column)
_FRACTIONAL: dict[str, tuple[str, str, str]] = {
    "orders": ("quantity", "nation", "arrival_period"),
    "donations": ("quantity", "donor", "period"),
    "supply": ("quantity", "nation", "period"),
    "inventory": ("closing", "nation", "period"),
    "demands": ("short", "nation", "due_period"),
}


@dataclass
class Audit:
    """The red flags of one plan."""

    flags: pd.DataFrame
    """One row per flag instance (:data:`COLUMNS`), in :data:`FLAGS` order."""
    summary: pd.DataFrame
    """Per flag: ``count`` (rows; unit-periods for ``idle_stock_while_short``), summed
    ``quantity`` and ``amount``, and the ``measure`` counted. Without the going-alone plan
    ``more_short_pooled_than_alone`` is left out."""


def audit(scenario: Scenario, solution: Solution, alone: Solution | None = None) -> Audit:
    """Audit ``solution`` (a plan of ``scenario``) for the red flags listed in this module.

    ``alone`` is the going-alone plan of the same scenario (``solve(..., baseline=True)``);
    without it ``more_short_pooled_than_alone`` is not evaluated. Raises
    :class:`~aggregate.errors.InputError` when a plan has no tables to audit.
    """
    for plan, what in ((solution, "solution"), (alone, "alone")):
        if plan is not None and not plan.status.has_plan:
            raise InputError(
                f"{what} has no plan to audit (status {plan.status.value}); "
                "solve the scenario to a feasible plan first"
            )
    a = _Auditor(scenario, solution)
    rows: list[dict[str, Any]] = [
        *a.donor_short_while_donating(),
        *a.idle_stock_while_short(),
        *a.investment_fund_pays_nothing(),
        *a.fractional(),
        *(a.more_short_pooled_than_alone(alone) if alone is not None else []),
        *a.money_idle_while_short(),
        *a.fund_pays_nothing(),
    ]
    flags = pd.DataFrame(rows, columns=COLUMNS)
    order = {f: k for k, f in enumerate(FLAGS)}
    flags = flags.sort_values("flag", key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True
    )
    flags = flags.astype({"quantity": "float64", "amount": "float64"})
    return Audit(flags, _summary(flags, evaluated_alone=alone is not None))


def _summary(flags: pd.DataFrame, evaluated_alone: bool) -> pd.DataFrame:
    rows = []
    for flag, measure in FLAGS.items():
        if flag == "more_short_pooled_than_alone" and not evaluated_alone:
            continue
        mine = flags[flags.flag == flag]
        quantity = float(mine.quantity.sum()) if mine.quantity.notna().any() else 0.0
        count = quantity if flag == "idle_stock_while_short" else float(len(mine))
        rows.append(
            {
                "flag": flag,
                "count": count,
                "quantity": quantity,
                "amount": float(mine.amount.sum()) if mine.amount.notna().any() else 0.0,
                "measure": measure,
            }
        )
    return pd.DataFrame(rows, columns=["flag", "count", "quantity", "amount", "measure"])


def number(x: float) -> str:
    """A quantity or amount for an explanation: ``3.90bn``, ``1.85m``, ``478,000``, ``0.939``."""
    if not math.isfinite(x):
        return str(x)
    size = abs(x)
    if size >= 1e9:
        return f"{x / 1e9:.2f}bn"
    if size >= 1e6:
        return f"{x / 1e6:.2f}m"
    if size >= 1e4 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:.9g}"


def _rows(df: pd.DataFrame) -> list[Any]:
    """The rows of ``df`` as objects with one attribute per column."""
    return [SimpleNamespace(**{str(k): v for k, v in r.items()}) for r in df.to_dict("records")]


def _big(x: float, scale: float = 1.0) -> bool:
    return x > TOL * max(1.0, abs(scale))


def _row(
    flag: str,
    entry: str,
    nation: str = "",
    item: str = "",
    period: str = "",
    quantity: float = math.nan,
    unit: str = "",
    amount: float = math.nan,
    explanation: str = "",
) -> dict[str, Any]:
    return {
        "flag": flag,
        "entry": entry,
        "nation": nation,
        "item": item,
        "period": period,
        "quantity": quantity,
        "unit": unit,
        "amount": amount,
        "explanation": explanation,
    }


class _Auditor:
    """One plan's tables, looked up as the flags need them."""

    def __init__(self, scenario: Scenario, solution: Solution) -> None:
        self.ix = ScenarioIndex(scenario)
        self.t = solution.tables
        self.currency = scenario.currency

    # --- helpers ----------------------------------------------------------------------

    def item_unit(self, item: str) -> str:
        it = self.ix.items.get(item)
        return it.unit if it is not None else "unit"

    def cap_unit(self, capability: str) -> str:
        cap = self.ix.capabilities.get(capability)
        return cap.unit if cap is not None else "unit"

    def serving(self, nation: str, capability: str) -> list[tuple[str, float]]:
        """(item, factor) meeting ``capability`` that ``nation`` can use."""
        return [(i, f) for i, f in self.ix.satisfied_by(capability) if self.ix.can_use(nation, i)]

    def short_demands(self) -> list[Any]:
        """The rows of the demands table with units short."""
        return [d for d in _rows(self.t["demands"]) if _big(float(d.short), float(d.quantity))]

    def indivisible(self, item: str) -> bool:
        it = self.ix.items.get(item)
        return it is not None and it.indivisible

    # --- 1 ----------------------------------------------------------------------------

    def donor_short_while_donating(self) -> Iterable[dict[str, Any]]:
        gifts = self.t["donations"].groupby(["donor", "item"])["quantity"].sum()
        for d in self.short_demands():
            given = [
                (i, float(gifts[d.nation, i]))
                for i, _f in self.serving(d.nation, d.capability)
                if (d.nation, i) in gifts.index and _big(gifts[d.nation, i])
            ]
            if not given:
                continue
            gave = ", ".join(f"{number(q)} {self.item_unit(i)} of {i}" for i, q in given)
            yield _row(
                "donor_short_while_donating",
                labels.demand(d.demand),
                d.nation,
                ",".join(i for i, _q in given),
                d.due_period,
                float(d.short),
                self.cap_unit(d.capability),
                explanation=f"{d.nation} donates {gave} while {labels.demand(d.demand)} is "
                f"{number(d.short)} of {number(d.quantity)} short",
            )

    # --- 2 ----------------------------------------------------------------------------

    def required(self, nation: str, item: str, period: str, floor: float) -> float:
        """Stock the plan must hold at the end of ``period``: the floor binding then, and
        the refill target in its refill period."""
        sp = self.ix.stockpiles.get((nation, item))
        if sp is not None and sp.refill_target is not None and sp.refill_by == period:
            return max(floor, float(sp.refill_target))
        return floor

    def idle_stock_while_short(self) -> Iterable[dict[str, Any]]:
        inv = {(r.nation, r.item, r.period): r for r in _rows(self.t["inventory"])}
        due: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for d in self.short_demands():
            due[d.nation, d.due_period].append(d)
        for (n, period), demands in sorted(
            due.items(), key=lambda kv: (kv[0][0], self.ix.t.get(kv[0][1], 0))
        ):
            remaining = {d.demand: float(d.short) for d in demands}
            items = sorted({i for d in demands for i, _f in self.serving(n, d.capability)})
            for i in items:
                row = inv.get((n, i, period))
                if row is None:
                    continue
                excess = float(row.closing) - self.required(n, i, period, float(row.floor))
                left = excess
                served = []
                for d in sorted(demands, key=lambda d: d.demand):
                    f = self.ix.factor(d.capability, i)
                    if f is None or not self.ix.can_use(n, i) or left <= 0:
                        continue
                    take = min(left, remaining[d.demand] / f)
                    if take > 0:
                        remaining[d.demand] -= take * f
                        left -= take
                        served.append(d.demand)
                idle = excess - left if excess > 0 else 0.0
                if not _big(idle):
                    continue
                yield _row(
                    "idle_stock_while_short",
                    labels.stockpile(n, i),
                    n,
                    i,
                    period,
                    idle,
                    "unit-periods",
                    explanation=f"{n} ends {period} with {number(float(row.closing))} "
                    f"{self.item_unit(i)} of {i} ({number(excess)} above floor/target) while "
                    f"{', '.join(labels.demand(x) for x in served)} due then is short",
                )

    # --- 3 ----------------------------------------------------------------------------

    def fund_payments(self) -> pd.DataFrame:
        p = self.t["payments"]
        return p[p.payer_type == "fund"]

    def collected(self) -> pd.Series:
        return self.t["contributions"].groupby("fund")["amount"].sum()

    def unspent(self, fund: str) -> float:
        """What the funds table reports the fund left unspent."""
        funds = self.t["funds"]
        return float(funds.loc[funds.fund == fund, "unspent"].sum())

    def money_note(self, fund: str) -> str:
        """What the fund did with its money, for an explanation."""
        got = float(self.collected().get(fund, 0.0))
        if not _big(got):
            return "the fund collected nothing"
        return f"the fund collected {number(got)} and left {number(self.unspent(fund))} unspent"

    def investment_fund_pays_nothing(self) -> Iterable[dict[str, Any]]:
        inv = self.t["investments"]
        if inv.empty:
            return
        cost = inv.groupby("expansion")["investment_cost"].sum()
        pay = self.fund_payments()
        paid = pay[pay.purpose == "investment"].groupby(["payer", "expansion"])["amount"].sum()
        for e in sorted(cost.index):
            x = self.ix.expansions.get(e)
            if x is None:
                continue
            for f in self.ix.funds.values():
                if "investment" not in f.uses or f.max_cofinancing_share <= 0:
                    continue
                country = self.ix.expansion_country(e)
                if not origin_ok(f, country) or _big(float(paid.get((f.id, e), 0.0))):
                    continue
                built = _rows(inv[inv.expansion == e])[0]
                # nothing to co-finance, or started while the fund was closed
                first, last = open_window(f, self.ix.t, len(self.ix.periods))
                start = self.ix.t.get(str(built.start_period), -1)
                if not _big(float(cost[e])) or not first <= start <= last:
                    continue
                sponsor = str(built.sponsor)
                yield _row(
                    "investment_fund_pays_nothing",
                    labels.part(f.id, labels.expansion(e)),
                    sponsor,
                    x.item or x.supplier or "",
                    str(built.start_period),
                    amount=float(cost[e]),
                    explanation=f"{labels.fund(f.id)} may co-finance up to "
                    f"{f.max_cofinancing_share:.0%} of {labels.expansion(e)} "
                    f"({number(float(cost[e]))} {self.currency}) but pays 0; "
                    f"{sponsor or 'no nation'} pays the rest; {self.money_note(f.id)}",
                )

    # --- 4 ----------------------------------------------------------------------------

    def fractional(self) -> Iterable[dict[str, Any]]:
        indivisible_rows: list[dict[str, Any]] = []
        any_rows: list[dict[str, Any]] = []
        for name, (column, nation_col, period_col) in _FRACTIONAL.items():
            table = self.t[name]
            for pos, r in enumerate(_rows(table)):
                q = float(getattr(r, column))
                if abs(q - round(q)) <= FRACTION:
                    continue
                if name == "demands":
                    items = [i for i, _f in self.ix.satisfied_by(r.capability)]
                    whole = all(
                        self.indivisible(i) and f == 1.0
                        for i, f in self.ix.satisfied_by(r.capability)
                    )
                    item, unit = ",".join(items), self.cap_unit(r.capability)
                else:
                    item = r.item
                    whole, unit = self.indivisible(item), self.item_unit(item)
                explanation = (
                    f"{labels.table(name)} {column} {q:,.10g} {unit}: "
                    f"{abs(q - round(q)):.3g} from {round(q):,}"
                )
                row = _row(
                    "fractional_any",
                    labels.row(name, pos),
                    str(getattr(r, nation_col)),
                    item,
                    str(getattr(r, period_col)),
                    q,
                    unit,
                    explanation=explanation,
                )
                any_rows.append(row)
                if whole:
                    indivisible_rows.append(
                        {
                            **row,
                            "flag": "fractional_indivisible",
                            "explanation": explanation + " (indivisible)",
                        }
                    )
        return [*indivisible_rows, *any_rows]

    # --- 5 ----------------------------------------------------------------------------

    def more_short_pooled_than_alone(self, alone: Solution) -> Iterable[dict[str, Any]]:
        cols = ["short", "weighted_shortfall"]
        zero = SimpleNamespace(short=0.0, weighted_shortfall=0.0)
        pooled = {
            r.nation: r
            for r in _rows(self.t["demands"].groupby("nation")[cols].sum().reset_index())
        }
        single = {
            r.nation: r
            for r in _rows(alone.tables["demands"].groupby("nation")[cols].sum().reset_index())
        }
        for n in sorted(set(pooled) | set(single)):
            p, a = pooled.get(n, zero), single.get(n, zero)
            more = float(p.short - a.short)
            weighted = float(p.weighted_shortfall - a.weighted_shortfall)
            if not (_big(more, a.short) or _big(weighted, a.weighted_shortfall)):
                continue
            yield _row(
                "more_short_pooled_than_alone",
                labels.nation(n),
                n,
                quantity=more,
                unit="capability units",
                explanation=f"{n} is {number(float(p.short))} short pooled and "
                f"{number(float(a.short))} alone (weighted shortfall "
                f"{number(float(p.weighted_shortfall))} vs {number(float(a.weighted_shortfall))})",
            )

    # --- 6 ----------------------------------------------------------------------------

    def idle_capacity(
        self, nation: str, capability: str, due: str, late: int
    ) -> dict[tuple[str, str, str], float]:
        """(producer, item, period) -> capacity left, for the offers of an item meeting
        ``capability`` that ``nation`` can use, in the periods that could still serve a
        demand due in ``due`` (its due period and lateness window, reachable through the
        offer's lead time; for an offer that builds ahead, every period up to the window's
        end, since what it makes earlier can be delivered then). Capacity left is what the
        period did not make (for any other offer, did not deliver)."""
        cap = self.t["capacity"]
        first = self.ix.t[due]
        window = set(self.ix.periods[first : first + late + 1])
        before = set(self.ix.periods[: first + late + 1])
        items = {i for i, _f in self.serving(nation, capability)}
        idle = {}
        for r in _rows(cap[cap.item.isin(items) & cap.period.isin(before)]):
            offer = self.ix.offers.get((r.producer, r.item))
            if offer is None:
                continue
            if first + late < offer.lead_time:
                continue  # nothing ordered can arrive by the window's end
            if not offer.build_ahead and (
                r.period not in window or self.ix.t[r.period] < offer.lead_time
            ):
                continue
            made = r.made if offer.build_ahead else r.used  # the same unless it builds ahead
            left = float(r.base + r.added - made)
            if _big(left, r.base + r.added):
                idle[r.producer, r.item, r.period] = left
        return idle

    def money_idle_while_short(self) -> Iterable[dict[str, Any]]:
        short_with_idle: dict[str, float] = defaultdict(float)
        seen: dict[tuple[str, str, str], float] = {}
        for d in self.short_demands():
            dd = self.ix.demands.get(d.demand)
            late = dd.max_lateness if dd is not None else 0
            found = self.idle_capacity(d.nation, d.capability, d.due_period, late)
            if found:
                short_with_idle[d.nation] += float(d.short)
                seen.update(found)
        if not short_with_idle:
            return
        who = ", ".join(f"{n} {number(q)} short" for n, q in sorted(short_with_idle.items()))
        by_offer: dict[tuple[str, str], float] = defaultdict(float)
        for (p, i, _period), left in seen.items():
            by_offer[p, i] += left
        largest = sorted(by_offer.items(), key=lambda kv: (-kv[1], kv[0]))
        idle = "; ".join(
            f"{labels.offer(p, i)} {number(q)} unit-periods" for (p, i), q in largest[:3]
        )
        idle += " ..." if len(largest) > 3 else ""
        for b in _rows(self.t["budgets"]):
            if not math.isfinite(b.budget):
                continue
            left = float(b.budget - b.spent)
            if _big(left, b.budget):
                yield _row(
                    "money_idle_while_short",
                    labels.field(labels.nation(b.nation), "budget"),
                    b.nation,
                    amount=left,
                    explanation=f"{b.nation} {number(left)} of {number(float(b.budget))} "
                    f"unspent while {who} with capacity idle ({idle})",
                )
        for f in self.ix.funds.values():
            left = self.unspent(f.id)
            reaches = "procurement" in f.uses and any(
                f.eligible_beneficiaries is None or n in f.eligible_beneficiaries
                for n in short_with_idle
            )
            if reaches and _big(left):
                yield _row(
                    "money_idle_while_short",
                    labels.fund(f.id),
                    amount=left,
                    explanation=f"{labels.fund(f.id)} {number(left)} collected and unspent "
                    f"while {who} with capacity idle ({idle})",
                )

    # --- 7 ----------------------------------------------------------------------------

    def fund_pays_nothing(self) -> Iterable[dict[str, Any]]:
        got = self.collected()
        pay = self.fund_payments()
        for f in self.ix.funds.values():
            # the fund's money: what it collected, else what its cap lets it collect
            collected = float(got.get(f.id, 0.0))
            money = collected if _big(collected) else float(f.cap or 0.0)
            if not _big(money):
                continue
            had = "collected" if _big(collected) else "may collect"
            mine = pay[pay.payer == f.id]
            for use in f.uses:
                paid = sum(float(r.amount) for r in _rows(mine) if self.pays_for(f.id, use, r))
                if _big(paid):
                    continue
                yield _row(
                    "fund_pays_nothing",
                    labels.field(labels.fund(f.id), "uses", use),
                    amount=money,
                    explanation=f"{labels.fund(f.id)} {had} {number(money)} "
                    f"{self.currency} and pays 0 for {use}; {self.money_note(f.id)}",
                )

    def pays_for(self, fund: str, use: str, payment: Any) -> bool:
        """Whether a fund's payment counts toward ``use``: a payment named by the use, an
        investment payment for ``investment``, and an order payment for each order use
        (procurement, refill) the route is eligible for (a route eligible for both counts
        toward both, so a use is flagged only when nothing it could pay for was paid)."""
        if payment.purpose == use:
            return True
        if payment.purpose != "order" or use not in ("procurement", "refill"):
            return False
        f = self.ix.funds[fund]
        procurement, refill = self.ix.fund_order_uses(
            f, payment.producer, payment.item, payment.beneficiary
        )
        return procurement if use == "procurement" else refill
