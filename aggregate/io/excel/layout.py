"""The workbook's layout: its sheets, their columns, and the kind of value each cell holds.

One :class:`Sheet` per table of the scenario (or per ``field``/``value`` sheet of its
scalar fields); each :class:`Column` is documented by its schema field, so the template's
README and its header notes say what the schema says. Reading, writing and the template
all follow :data:`SHEETS`.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from aggregate.schema import (
    BilateralPurchase,
    Capability,
    Commitment,
    Component,
    ComponentOrigin,
    ComponentSupplier,
    Demand,
    Equivalence,
    Expansion,
    Fund,
    Item,
    KeyRule,
    Nation,
    Offer,
    PlacedOrder,
    Pledge,
    Producer,
    RepairShop,
    Scenario,
    SolveSettings,
    Spares,
    Stockpile,
    Tier,
    Wear,
)

KINDS: dict[str, str] = {
    "text": "text",
    "label": "text: an id, code or period label",
    "number": "number",
    "whole": "whole number",
    "bool": "TRUE or FALSE",
    "list": "list, comma-separated (blank: empty)",
    "optlist": "list, comma-separated (blank: no restriction; `none`: empty list)",
    "numbers": "numbers, comma-separated (blank: none)",
    "series": "number, or a series `period: value, period: value` (step function)",
    "mapping": "pairs `key: number, key: number`",
    "options": "pairs `key: value, key: value` (a number, TRUE/FALSE or a word)",
    "labels": "period labels, comma-separated; may continue on further `periods` rows",
    "lines": "text, one per row (repeat the field on further rows)",
}
"""Cell kinds and how to write them."""


@dataclass(frozen=True)
class Column:
    """One column of a sheet (or one field of a key/value sheet)."""

    name: str
    kind: str
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    """The values the schema allows (a ``Literal`` or a boolean), for a drop-down list."""
    refers: str = ""
    """``sheet.column`` whose values this column names (``nations.code``): a drop-down of
    the ids written there."""


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    key_value: bool = False
    """``field``/``value`` rows instead of a table."""

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _describe(model: type[BaseModel], name: str) -> str:
    text = model.model_fields[name].description or ""
    return " ".join(text.replace("``", "").split())


_NATION_PATTERN = "^[A-Z]{3}$"

REFERS: dict[str, str] = {
    "item": "items.id",
    "capability": "capabilities.capability",
    "producer": "producers.id",
    "supplier": "component_suppliers.id",
    "component": "components.id",
    "fund": "funds.id",
}
"""Id fields (by name) that name an entry of another sheet; nation codes are found by their
type (:data:`~aggregate.schema.base.NationCode`), wherever they are."""


def _parts(annotation: Any) -> list[Any]:
    """Every type and metadata object inside an annotation (unions, lists, Annotated)."""
    out = [annotation]
    if isinstance(annotation, FieldInfo):
        out.extend(annotation.metadata)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        out.extend([*_parts(base), *meta])
    elif origin in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            out.extend(_parts(arg))
    return out


def choices_of(info: FieldInfo) -> tuple[str, ...]:
    """The values a field allows when the schema fixes them: a ``Literal``'s (or a list of
    one's) values, or TRUE and FALSE for a boolean; empty for any other field."""
    parts = _parts(info.annotation)
    for part in parts:
        if typing.get_origin(part) is typing.Literal:
            return tuple(str(a) for a in typing.get_args(part))
    if bool in parts:
        return ("TRUE", "FALSE")
    return ()


def _refers(model: type[BaseModel], name: str) -> str:
    info = model.model_fields[name]
    nation = any(
        getattr(m, "pattern", None) == _NATION_PATTERN
        for part in [info, *_parts(info.annotation)]
        for m in (part.metadata if isinstance(part, FieldInfo) else [part])
    )
    if nation and model is not Scenario:  # the scenario's currency has the same pattern
        return "nations.code"
    return REFERS.get(name, "")


def _col(
    model: type[BaseModel], name: str, kind: str, column: str | None = None, doc: str = ""
) -> Column:
    """A column documented by the schema field ``model.name``; its drop-down choices and
    the sheet it refers to come from the field's type."""
    info = model.model_fields[name]
    return Column(
        column or name,
        kind,
        doc or _describe(model, name),
        info.is_required(),
        choices_of(info),
        _refers(model, name),
    )


def _consumption_columns(model: type[BaseModel]) -> tuple[Column, ...]:
    """The columns of a sustainment ``wear`` or ``spares`` rule (the same fields)."""
    return tuple(
        _col(model, name, kind)
        for name, kind in (
            ("item", "label"),
            ("by", "label"),
            ("uses_per_unit", "number"),
            ("nations", "list"),
        )
    )


def _key(name: str, doc: str, kind: str = "label") -> Column:
    """A column linking rows of two sheets (always required)."""
    refers = "nations.code" if name == "nation" else REFERS.get(name, "")
    return Column(name, kind, doc, True, refers=refers)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "scenario",
        "The scenario's name, periods and sources: one field per row.",
        (
            _col(Scenario, "name", "text"),
            _col(Scenario, "description", "text"),
            _col(Scenario, "currency", "text"),
            _col(
                Scenario,
                "exchange_rates",
                "mapping",
                doc=_describe(Scenario, "exchange_rates")
                + " In a workbook: one rate per currency for the whole horizon.",
            ),
            _col(Scenario, "periods", "labels"),
            _col(Scenario, "sources", "lines"),
        ),
        key_value=True,
    ),
    Sheet(
        "nations",
        "One row per nation.",
        (
            _col(Nation, "code", "label"),
            _col(Nation, "name", "text"),
            _col(Nation, "gni", "number"),
            _col(Nation, "gdp", "number"),
            _col(Nation, "budget", "number"),
            _col(Nation, "budget_per_period", "series"),
            _col(Nation, "memberships", "list"),
            _col(Nation, "systems", "list"),
            _col(Nation, "donation_policy", "text"),
            _col(Nation, "currency", "label"),
            _col(Nation, "pays_at", "text"),
        ),
    ),
    Sheet(
        "items",
        "One row per item.",
        (
            _col(Item, "id", "label"),
            _col(Item, "name", "text"),
            _col(Item, "unit", "text"),
            _col(Item, "indivisible", "bool"),
            _col(Item, "systems", "list"),
            _col(Item, "components", "mapping"),
        ),
    ),
    Sheet(
        "capabilities",
        "One row per (capability, item): the items that meet each capability. Repeat the "
        "capability's id on each of its rows; its name and unit may be given on any one.",
        (
            _key("capability", _describe(Capability, "id")),
            _col(Capability, "name", "text"),
            _col(Capability, "unit", "text"),
            _col(Equivalence, "item", "label"),
            _col(Equivalence, "factor", "number"),
        ),
    ),
    Sheet(
        "demands",
        "One row per demand.",
        tuple(
            _col(Demand, name, kind)
            for name, kind in (
                ("id", "label"),
                ("nation", "label"),
                ("capability", "label"),
                ("period", "label"),
                ("quantity", "number"),
                ("priority", "number"),
                ("max_lateness", "whole"),
                ("shortfall_penalty", "number"),
                ("lateness_penalty", "number"),
                ("system", "label"),
            )
        ),
    ),
    Sheet(
        "stockpiles",
        "One row per (nation, item) stock.",
        tuple(
            _col(Stockpile, name, kind)
            for name, kind in (
                ("nation", "label"),
                ("item", "label"),
                ("on_hand", "number"),
                ("floor", "series"),
                ("floor_type", "text"),
                ("floor_penalty", "number"),
                ("donor", "bool"),
                ("donation_policy", "text"),
                ("refill_target", "number"),
                ("refill_by", "label"),
                ("refill_penalty", "number"),
                ("holding_cost", "series"),
                ("unit_value", "number"),
            )
        ),
    ),
    Sheet(
        "producers",
        "One row per producer; their offers are on the offers sheet.",
        (
            _col(Producer, "id", "label"),
            _col(Producer, "name", "text"),
            _col(Producer, "country", "label"),
            _col(Producer, "currency", "label"),
        ),
    ),
    Sheet(
        "offers",
        "One row per (producer, item) offer. Discount tiers go on the tiers sheet; a "
        "capacity that varies by period may go on the capacity sheet instead of here.",
        (
            _key("producer", "Producer id (a row of the producers sheet)."),
            *(
                _col(Offer, name, kind)
                for name, kind in (
                    ("item", "label"),
                    ("capacity", "series"),
                    ("price", "series"),
                    ("min_order", "number"),
                    ("lot_size", "number"),
                    ("lead_time", "whole"),
                    ("build_ahead", "bool"),
                    ("contract_cost", "number"),
                    ("order_period_cost", "series"),
                    ("delivery_cost", "number"),
                    ("delivery_cost_to", "mapping"),
                    ("fixed_costs_paid_by", "label"),
                    ("fixed_costs_split", "mapping"),
                    ("buyers", "optlist"),
                    ("excluded_buyers", "list"),
                )
            ),
        ),
    ),
    Sheet(
        "tiers",
        "One row per volume-discount tier of an offer, in increasing volumes.",
        (
            _key("producer", "Producer id of the offer."),
            _key("item", "Item id of the offer."),
            _col(Tier, "min_volume", "number"),
            _col(Tier, "price", "series"),
        ),
    ),
    Sheet(
        "commitments",
        "Optional: one row per nation's commitment to an offer (volume band, joining period).",
        (
            _key("producer", "Producer id of the offer."),
            _key("item", "Item id of the offer."),
            _col(Commitment, "nation", "label"),
            _col(Commitment, "min_volume", "number"),
            _col(Commitment, "max_volume", "number"),
            _col(Commitment, "joins_from", "label"),
        ),
    ),
    Sheet(
        "capacity",
        "Optional: an offer's capacity by period, one row per (producer, item, period); the "
        "value holds until the next period given, and is 0 before the first. Leave the "
        "offer's capacity cell blank when using this sheet.",
        (
            _key("producer", "Producer id of the offer."),
            _key("item", "Item id of the offer."),
            _key("period", "Period from which the capacity holds."),
            _key("capacity", _describe(Offer, "capacity"), kind="number"),
        ),
    ),
    Sheet(
        "expansions",
        "One row per capacity expansion option.",
        tuple(
            _col(Expansion, name, kind)
            for name, kind in (
                ("id", "label"),
                ("producer", "label"),
                ("item", "label"),
                ("supplier", "label"),
                ("added_capacity", "number"),
                ("investment_cost", "number"),
                ("lead_periods", "whole"),
                ("earliest_start", "label"),
                ("latest_start", "label"),
                ("sponsor", "label"),
                ("after", "label"),
                ("ramp", "numbers"),
            )
        ),
    ),
    Sheet(
        "placed_orders",
        "Optional: one row per order placed before the plan starts.",
        tuple(
            _col(PlacedOrder, name, kind)
            for name, kind in (
                ("id", "label"),
                ("producer", "label"),
                ("item", "label"),
                ("nation", "label"),
                ("deliveries", "mapping"),
                ("price", "number"),
                ("cancellable", "bool"),
                ("cancellation_fee", "number"),
            )
        ),
    ),
    Sheet(
        "components",
        "One row per component (the bill of materials is the items sheet's components).",
        (
            _col(Component, "id", "label"),
            _col(Component, "name", "text"),
            _col(Component, "unit", "text"),
            _col(Component, "value", "number"),
        ),
    ),
    Sheet(
        "component_suppliers",
        "One row per component supplier.",
        tuple(
            _col(ComponentSupplier, name, kind)
            for name, kind in (
                ("id", "label"),
                ("name", "text"),
                ("country", "label"),
                ("component", "label"),
                ("capacity", "series"),
                ("serves", "list"),
                ("price", "number"),
            )
        ),
    ),
    Sheet(
        "funds",
        "One row per fund; members (and their key shares or pledges) are on fund_members.",
        (
            _col(Fund, "id", "label"),
            _col(Fund, "name", "text"),
            Column(
                "rule",
                "text",
                "Contribution rule: key (a burden-sharing key, the default) or pledge "
                "(voluntary pledges, given on fund_members).",
                choices=("key", "pledge"),
            ),
            _col(KeyRule, "basis", "text", doc="Key rule: " + _describe(KeyRule, "basis")),
            _col(KeyRule, "tolerance", "number", doc=_describe(KeyRule, "tolerance")),
            _col(
                KeyRule, "max_share", "number", doc="Key rule: " + _describe(KeyRule, "max_share")
            ),
            *(
                _col(Fund, name, kind)
                for name, kind in (
                    ("cap", "number"),
                    ("committed", "number"),
                    ("uses", "list"),
                    ("eligible_producer_countries", "optlist"),
                    ("eligible_beneficiaries", "optlist"),
                    ("eligible_items", "optlist"),
                    ("refill_rate", "number"),
                    ("max_cofinancing_share", "number"),
                    ("max_procurement_share", "number"),
                    ("min_nations_per_contract", "whole"),
                    ("currency", "label"),
                    ("package_size", "number"),
                    ("kind", "text"),
                    ("interest_rate", "number"),
                    ("repayment_start", "label"),
                    ("repayment_periods", "whole"),
                    ("opens", "label"),
                    ("closes", "label"),
                    ("tranches", "mapping"),
                )
            ),
            _col(
                ComponentOrigin,
                "countries",
                "optlist",
                "origin_countries",
                "Component-origin rule (with origin_max_outside_share): "
                + _describe(ComponentOrigin, "countries"),
            ),
            _col(
                ComponentOrigin,
                "max_outside_share",
                "number",
                "origin_max_outside_share",
                "Component-origin rule: " + _describe(ComponentOrigin, "max_outside_share"),
            ),
        ),
    ),
    Sheet(
        "fund_members",
        "One row per (fund, member nation), in the order of the members.",
        (
            _key("fund", "Fund id (a row of the funds sheet)."),
            _key("nation", "Member nation (ISO alpha-3)."),
            Column(
                "key_share",
                "number",
                "Key rule with basis custom: the member's weight (normalised over members).",
            ),
            _col(Pledge, "min", "number", "pledge_min", "Pledge rule: " + _describe(Pledge, "min")),
            _col(Pledge, "max", "number", "pledge_max", "Pledge rule: " + _describe(Pledge, "max")),
        ),
    ),
    Sheet(
        "bilateral_purchases",
        "One row per (paying nation, beneficiary): the nation pays for the beneficiary's "
        "orders directly, without a fund.",
        (
            _key("nation", "Paying nation (a row of the nations sheet)."),
            *(
                _col(BilateralPurchase, name, kind)
                for name, kind in (
                    ("beneficiary", "label"),
                    ("ceiling", "number"),
                    ("uses", "list"),
                    ("eligible_producer_countries", "optlist"),
                    ("eligible_items", "optlist"),
                )
            ),
        ),
    ),
    Sheet(
        "wear",
        "Sustainment: one row per item worn out by the use of another (e.g. a barrel by rounds).",
        _consumption_columns(Wear),
    ),
    Sheet(
        "spares",
        "Sustainment: one row per spare item consumed by the use of another.",
        _consumption_columns(Spares),
    ),
    Sheet(
        "repair_shops",
        "Sustainment: one row per repair shop.",
        tuple(
            _col(RepairShop, name, kind)
            for name, kind in (
                ("id", "label"),
                ("name", "text"),
                ("country", "label"),
                ("items", "list"),
                ("capacity", "series"),
                ("repair_time", "whole"),
                ("cost", "number"),
                ("serves", "list"),
                ("transport_cost", "number"),
                ("transport_time", "whole"),
            )
        ),
    ),
    Sheet(
        "settings",
        "Objective and solver settings: one field per row; a blank value keeps the default.",
        tuple(
            _col(SolveSettings, name, kind)
            for name, kind in (
                ("objective", "text"),
                ("needs_tolerance", "number"),
                ("lateness_weight", "number"),
                ("needs_discount", "number"),
                ("participation", "text"),
                ("default_shortfall_penalty", "number"),
                ("default_lateness_penalty", "number"),
                ("solver", "text"),
                ("time_limit", "number"),
                ("mip_gap", "number"),
                ("first_plan", "text"),
                ("threads", "whole"),
                ("preset", "text"),
                ("highs_options", "options"),
                ("tighten_bounds", "bool"),
                ("split_blocks", "bool"),
            )
        ),
        key_value=True,
    ),
)
"""Every sheet of a scenario workbook, in the order written."""

SHEET_BY_NAME = {s.name: s for s in SHEETS}
SUSTAINMENT_SHEETS = ("wear", "spares", "repair_shops")
"""Sheets of the sustainment block (``Scenario.sustainment``): its three lists."""
README = "README"
NOTES = "notes"
KV_HEADER = ("field", "value", NOTES)
"""Columns of a key/value sheet (``scenario``, ``settings``)."""
