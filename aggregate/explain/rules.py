"""The model's rows and bounds in the scenario's own terms.

Every constraint family of :mod:`aggregate.model` that a scenario field sets is a *rule*:
a producer's capacity, a nation's budget, a stockpile floor, a fund's cap. :func:`describe`
maps one row (family and index) to a :class:`Rule` naming the scenario entry (as the
validation messages do: ``producers[RHM].offers[155-L52]``), the field, the period and
which way relaxing it goes, all read from the family's declaration in
:mod:`aggregate.model.registry`. Accounting identities (stock balance, demand balance, fund
balance) and the links between decisions are not rules: :func:`describe` returns ``None``
for them and :func:`context` gives a readable label instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aggregate import labels
from aggregate.data import ModelData
from aggregate.model import registry
from aggregate.model.registry import RuleSpec
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


RULE_FAMILIES: tuple[str, ...] = registry.RULE_FAMILIES
"""Row families whose limit a scenario field sets (:mod:`aggregate.model.registry`)."""


def _values(spec: RuleSpec, parts: dict[str, Any], nm: Namer) -> dict[str, Any]:
    """The index parts plus the values a :class:`RuleSpec` template may use."""
    v = dict(parts, currency=nm.currency)
    if "supplier" in v:
        q = nm.data.supplier_component[v["supplier"]]
        # a supplier's rule is about its component
        v.update(item=q, component=q, component_unit=nm.component_unit.get(q, "unit"))
    if "item" in v:
        v["unit"] = nm.unit_of(v["item"])
    if "producer" in v and "item" in v:  # a contract: pooled, or going alone with a nation
        v["contract"] = labels.contract(str(v["producer"]), str(v["item"]), v.get("nation"))
    if "tier" in v:
        v["tier"] = int(v["tier"])
        v["scenario_tier"] = v["tier"] - 1
    return v


def _period(spec: RuleSpec, v: dict[str, Any], nm: Namer) -> str:
    if spec.period == "refill_by":
        return nm.period(nm.data.stocks[v["nation"], v["item"]].refill_by)
    return nm.period(v[spec.period]) if spec.period else ""


def describe(family: str, index: tuple[Any, ...], nm: Namer) -> Rule | None:
    """The scenario rule behind row ``family[index]``, or ``None`` for an accounting row."""
    declared = registry.FAMILIES.get(family)
    if declared is None or declared.rule is None:
        return None
    spec = declared.rule
    ix = tuple(index)
    v = _values(spec, declared.bind(ix), nm)
    return Rule(
        family,
        ix,
        spec.rule,
        spec.entry.format(**v),
        spec.field.format(**v),
        _period(spec, v, nm),
        spec.relax,
        spec.unit.format(**v),
        spec.subject.format(**v),
        **{k: v.get(k, "") for k in spec.about},
    )


def pledge_rule(f: str, n: str, bound: str, nm: Namer) -> Rule:
    """The rule of a pledge bound on ``contrib[f, n]`` (``bound``: ``min`` or ``max``)."""
    relax = "lower" if bound == "min" else "raise"
    word = "least" if bound == "min" else "most"
    return Rule(
        registry.CONTRIBUTION_PLEDGE,
        (f, n, bound),
        f"pledge {bound}imum",
        labels.fund(f),
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
        labels.offer(p, i),
        "lot_size",
        "",
        "lower",
        nm.unit_of(i),
        f"the lot size of {i} at {p}",
        producer=p,
        item=i,
    )


CONTEXT: dict[str, str] = {
    **{name: f.context for name, f in registry.FAMILIES.items() if f.context},
    registry.NEEDS_CAP: "the weighted shortfall of the needs stage",
}
"""Labels of accounting and linking rows: the registry's, and the needs-first driver's cap."""


def _parts(family: str, index: tuple[Any, ...], nm: Namer) -> list[str]:
    """The index as text, periods as their labels (a tier number stays a number)."""
    declared = registry.FAMILIES.get(family)
    try:
        named = list(declared.bind(tuple(index)).items()) if declared is not None else None
    except ValueError:
        named = None
    if named is None:  # not a declared family (needs_cap): guess the periods by type
        return [nm.period(x) if isinstance(x, int) else str(x) for x in index]
    return [nm.period(x) if part == "period" else str(x) for part, x in named]


def context(family: str, index: tuple[Any, ...], nm: Namer) -> str:
    """A readable label for an accounting or linking row."""
    parts = _parts(family, index, nm)
    template = CONTEXT.get(family)
    if template is None:
        return f"{family}[{', '.join(parts)}]"
    try:
        return template.format(*parts)
    except IndexError:
        return f"{family}[{', '.join(parts)}]"
