"""The model's rows and bounds in the scenario's own terms.

Every constraint family of :mod:`aggregate.model` that a scenario field sets is a *rule*:
a producer's capacity, a nation's budget, a stockpile floor, a fund's cap. :func:`describe`
maps one row (family and index) to a :class:`Rule` naming the scenario entry (as the
validation messages do: ``producers[RHM].offers[155-L52]``), the field, the period and
which way relaxing it goes. Accounting identities (stock balance, demand balance, fund
balance) and the links between decisions are not rules: :func:`describe` returns ``None``
for them and :func:`context` gives a readable label instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aggregate.data import ModelData
from aggregate.schema import Scenario


@dataclass(frozen=True)
class Rule:
    """One scenario rule behind a row (or a variable bound) of the model."""

    family: str
    """Constraint family in :mod:`aggregate.model` (or ``contribution_pledge``, ``lot_size``)."""
    index: tuple[Any, ...]
    """The row's index within its family."""
    rule: str
    """Kind of rule: ``capacity``, ``component supply``, ``budget``, ``stockpile floor``, ..."""
    entry: str
    """Scenario entry, e.g. ``producers[RHM].offers[155-L52]`` or ``funds[EPF]``."""
    field: str
    """Field of the entry that sets the limit, e.g. ``capacity`` or ``floor``."""
    period: str
    """Period label where the rule is per period; empty otherwise."""
    relax: str
    """How to relax it: ``raise`` (a limit), ``lower`` (a requirement) or ``widen`` (a band)."""
    unit: str
    """One unit of relaxation, e.g. ``round per period`` or ``EUR``."""
    subject: str
    """A phrase for sentences, e.g. ``capacity for 155-L52 at RHM``."""
    producer: str = ""
    item: str = ""
    nation: str = ""
    fund: str = ""
    supplier: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        """(rule, entry, field, period): what a reader needs to find it in the scenario."""
        return (self.rule, self.entry, self.field, self.period)

    @property
    def group(self) -> tuple[str, str, str]:
        """(rule, entry, field): the rule over all its periods (and members)."""
        return (self.rule, self.entry, self.field)


class Namer:
    """Looks up the units and labels of a scenario to describe rows."""

    def __init__(self, scenario: Scenario, data: ModelData) -> None:
        self.data = data
        self.periods = list(data.periods)
        self.currency = scenario.currency
        self.item_unit = {i.id: i.unit for i in scenario.items}
        self.component_unit = {c.id: c.unit for c in scenario.components}

    def period(self, t: int | None) -> str:
        return "" if t is None else self.periods[int(t)]

    def unit_of(self, item: str) -> str:
        return self.item_unit.get(item, "unit")


def _offer(p: str, i: str) -> str:
    return f"producers[{p}].offers[{i}]"


def _stock(n: str, i: str) -> str:
    return f"stockpiles[{n}/{i}]"


RULE_FAMILIES: tuple[str, ...] = (
    "capacity_upper",
    "supplier_capacity_upper",
    "budget_upper",
    "budget_period_upper",
    "fund_cap_upper",
    "fund_committed_lower",
    "stock_floor_lower",
    "refill_target_lower",
    "donation_from_stock_upper",
    "contribution_key_lower",
    "contribution_key_upper",
    "fund_investment_share_upper",
    "fund_refill_upper",
    "consortium_lower",
    "consortium_pays_link",
    "min_order_lower",
    "tier_volume_lower",
)
"""Constraint families whose limit a scenario field sets (in the order they are reported)."""


def describe(family: str, index: tuple[Any, ...], nm: Namer) -> Rule | None:
    """The scenario rule behind row ``family[index]``, or ``None`` for an accounting row."""
    cur = nm.currency
    ix = tuple(index)
    if family == "capacity_upper":
        p, i, a = ix
        return Rule(
            family,
            ix,
            "capacity",
            _offer(p, i),
            "capacity",
            nm.period(a),
            "raise",
            f"{nm.unit_of(i)} per period",
            f"capacity for {i} at {p}",
            producer=p,
            item=i,
        )
    if family == "supplier_capacity_upper":
        s, t = ix
        q = nm.data.supplier_component[s]
        unit = nm.component_unit.get(q, "unit")
        return Rule(
            family,
            ix,
            "component supply",
            f"component_suppliers[{s}]",
            "capacity",
            nm.period(t),
            "raise",
            f"{unit} of {q} per period",
            f"supply of {q} from {s}",
            item=q,
            supplier=s,
        )
    if family == "budget_upper":
        (n,) = ix
        return Rule(
            family,
            ix,
            "budget",
            f"nations[{n}]",
            "budget",
            "",
            "raise",
            cur,
            f"{n}'s budget",
            nation=n,
        )
    if family == "budget_period_upper":
        n, a = ix
        return Rule(
            family,
            ix,
            "budget per period",
            f"nations[{n}]",
            "budget_per_period",
            nm.period(a),
            "raise",
            cur,
            f"{n}'s budget per period",
            nation=n,
        )
    if family == "fund_cap_upper":
        (f,) = ix
        return Rule(
            family,
            ix,
            "fund cap",
            f"funds[{f}]",
            "cap",
            "",
            "raise",
            cur,
            f"the cap of fund {f}",
            fund=f,
        )
    if family == "fund_committed_lower":
        (f,) = ix
        return Rule(
            family,
            ix,
            "fund committed size",
            f"funds[{f}]",
            "committed",
            "",
            "lower",
            cur,
            f"the committed size of fund {f}",
            fund=f,
        )
    if family == "stock_floor_lower":
        n, i, t = ix
        return Rule(
            family,
            ix,
            "stockpile floor",
            _stock(n, i),
            "floor",
            nm.period(t),
            "lower",
            nm.unit_of(i),
            f"{n}'s floor of {i}",
            item=i,
            nation=n,
        )
    if family == "refill_target_lower":
        n, i = ix
        by = nm.data.stocks[n, i].refill_by
        return Rule(
            family,
            ix,
            "refill target",
            _stock(n, i),
            "refill_target",
            nm.period(by),
            "lower",
            nm.unit_of(i),
            f"{n}'s refill target of {i}",
            item=i,
            nation=n,
        )
    if family == "donation_from_stock_upper":
        n, i = ix
        return Rule(
            family,
            ix,
            "donations from stock",
            _stock(n, i),
            "on_hand",
            "",
            "raise",
            nm.unit_of(i),
            f"{n}'s opening stock of {i} available to donate",
            item=i,
            nation=n,
        )
    if family in ("contribution_key_lower", "contribution_key_upper"):
        f, n = ix
        side = "least" if family.endswith("lower") else "most"
        return Rule(
            family,
            ix,
            "contribution key",
            f"funds[{f}]",
            "contribution.tolerance",
            "",
            "widen",
            cur,
            f"the {side} {n} may pay into fund {f} by its key share",
            nation=n,
            fund=f,
        )
    if family == "fund_investment_share_upper":
        f, e = ix
        return Rule(
            family,
            ix,
            "co-financing share",
            f"funds[{f}]",
            "max_cofinancing_share",
            "",
            "raise",
            cur,
            f"fund {f}'s co-financing of expansion {e}",
            fund=f,
        )
    if family == "fund_refill_upper":
        f, i, n = ix
        return Rule(
            family,
            ix,
            "refill reimbursement",
            _stock(n, i),
            "unit_value",
            "",
            "raise",
            cur,
            f"what fund {f} may reimburse {n} for donated {i}",
            item=i,
            nation=n,
            fund=f,
        )
    if family in ("consortium_lower", "consortium_pays_link"):
        f, p, i, *rest = ix
        return Rule(
            family,
            ix,
            "minimum consortium",
            f"funds[{f}]",
            "min_nations_per_contract",
            "",
            "lower",
            cur,
            f"fund {f}'s payments for contract {'/'.join([p, i, *rest])}",
            producer=p,
            item=i,
            nation=rest[0] if rest else "",
            fund=f,
        )
    if family == "min_order_lower":
        p, i, *_ = ix
        return Rule(
            family,
            ix,
            "minimum order",
            _offer(p, i),
            "min_order",
            "",
            "lower",
            nm.unit_of(i),
            f"the minimum order of {i} at {p}",
            producer=p,
            item=i,
        )
    if family == "tier_volume_lower":
        p, i, *rest = ix
        k = int(rest[-1])
        return Rule(
            family,
            ix,
            "tier volume",
            _offer(p, i),
            f"tiers[{k - 1}].min_volume",
            "",
            "lower",
            nm.unit_of(i),
            f"the volume of price tier {k} of {i} at {p}",
            producer=p,
            item=i,
        )
    return None


def pledge_rule(f: str, n: str, bound: str, nm: Namer) -> Rule:
    """The rule of a pledge bound on ``contrib[f, n]`` (``bound``: ``min`` or ``max``)."""
    relax = "lower" if bound == "min" else "raise"
    word = "least" if bound == "min" else "most"
    return Rule(
        "contribution_pledge",
        (f, n, bound),
        f"pledge {bound}imum",
        f"funds[{f}]",
        f"contribution.pledges.{n}.{bound}",
        "",
        relax,
        nm.currency,
        f"the {word} {n} pledged to fund {f}",
        nation=n,
        fund=f,
    )


def lot_rule(p: str, i: str, nm: Namer) -> Rule:
    """Whole lots of an offer (an integrality rule, for diagnosis)."""
    return Rule(
        "lot_size",
        (p, i),
        "lot size",
        _offer(p, i),
        "lot_size",
        "",
        "lower",
        nm.unit_of(i),
        f"the lot size of {i} at {p}",
        producer=p,
        item=i,
    )


CONTEXT: dict[str, str] = {
    "stock_balance": "stock balance of {0} {1} in {2}",
    "demand_balance": "demand {0} is met, late or short",
    "component_supply": "components {1} consumed at {0} in {2}",
    "fund_balance": "money in and out of fund {0}",
    "fund_payment_upper": "funds pay at most the cost of {2}'s orders of {1} from {0}",
    "fund_investment_upper": "funds pay at most the cost of expansion {0}",
    "tier_choice": "one price tier per contract {0}",
    "order_lots": "whole lots of {1} from {0}",
    "expansion_once": "expansion {0} starts at most once",
    "consortium_join_link": "a nation joins contract {0}/{1} only with an order",
    "needs_cap": "the weighted shortfall of the needs stage",
}


def context(family: str, index: tuple[Any, ...], nm: Namer) -> str:
    """A readable label for an accounting or linking row."""
    parts = [nm.period(x) if isinstance(x, int) else str(x) for x in index]
    template = CONTEXT.get(family)
    if template is None:
        return f"{family}[{', '.join(parts)}]"
    try:
        return template.format(*parts)
    except IndexError:
        return f"{family}[{', '.join(parts)}]"
