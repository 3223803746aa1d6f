"""One deliberately broken scenario per consistency check (and per type error family).

Each case starts from :func:`tiny_raw`, breaks one thing, and asserts that :func:`validate`
raises a :class:`ScenarioError` naming the entry, the field and what is wrong, found by the
expected check and by no other.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from aggregate.checks import CHECKS, check_scenario
from aggregate.errors import ScenarioError
from aggregate.validation import validate
from tests.support import tiny_raw

Raw = dict[str, Any]


def _error(raw: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        validate(raw)
    return info.value


def _offer(raw: Raw, producer: str, item: str) -> dict[str, Any]:
    prod = next(p for p in raw["producers"] if p["id"] == producer)
    return next(o for o in prod["offers"] if o["item"] == item)


def _by_id(raw: Raw, section: str, ident: str) -> dict[str, Any]:
    key = "code" if section == "nations" else "id"
    return next(e for e in raw[section] if e[key] == ident)


def _stock(raw: Raw, nation: str, item: str) -> dict[str, Any]:
    return next(s for s in raw["stockpiles"] if s["nation"] == nation and s["item"] == item)


def _indivisible(item: str, then: Callable[[Raw], None]) -> Callable[[Raw], None]:
    """Declare ``item`` indivisible, then break the scenario with ``then``."""

    def go(raw: Raw) -> None:
        _by_id(raw, "items", item)["indivisible"] = True
        then(raw)

    return go


@dataclass
class Case:
    """A way to break the tiny scenario, the check that must catch it, and words to expect."""

    name: str
    check: str
    breaks: Callable[[Raw], None]
    expect: list[str]
    also: set[str] = field(default_factory=set)
    """Other checks that may rightly report the same mistake."""


def _set(path: str, value: Any) -> Callable[[Raw], None]:
    """Set a field given by a dotted path; a list step is ``section[id]``."""

    def go(raw: Raw) -> None:
        node: Any = raw
        *steps, last = path.split(".")
        for step in steps:
            if "[" in step:
                section, ident = step[:-1].split("[")
                node = _find(node[section], ident)
            else:
                node = node[step]
        node[last] = value

    return go


def _find(entries: list[dict[str, Any]], ident: str) -> dict[str, Any]:
    for e in entries:
        if ident in (
            e.get("id"),
            e.get("code"),
            e.get("item"),
            f"{e.get('nation')}/{e.get('item')}",
        ):
            return e
    raise KeyError(ident)


def _seq(*fns: Callable[[Raw], None]) -> Callable[[Raw], None]:
    def go(raw: Raw) -> None:
        for fn in fns:
            fn(raw)

    return go


def _dup(section: str, ident: str) -> Callable[[Raw], None]:
    def go(raw: Raw) -> None:
        raw[section].append(copy.deepcopy(_find(raw[section], ident)))

    return go


def _del(path: str) -> Callable[[Raw], None]:
    def go(raw: Raw) -> None:
        *steps, last = path.split(".")
        node: Any = raw
        for step in steps:
            section, ident = step[:-1].split("[") if "[" in step else (step, "")
            node = _find(node[section], ident) if ident else node[section]
        del node[last]

    return go


def _add_polish_krab(raw: Raw) -> None:
    """Poland operates only Krab; a Krab round exists but nobody makes or holds it."""
    raw["nations"].append({"code": "POL", "name": "Poland", "gni": 7e11, "systems": ["Krab"]})
    raw["items"].append({"id": "155-KRAB", "systems": ["Krab"]})
    raw["capabilities"].append({"id": "krab-fire", "satisfied_by": [{"item": "155-KRAB"}]})
    raw["demands"].append(
        {
            "id": "POL-2025Q3",
            "nation": "POL",
            "capability": "krab-fire",
            "period": "2025Q3",
            "quantity": 1000,
        }
    )


def _dup_cases() -> list[Case]:
    sections = [
        ("nations", "FRA", "code"),
        ("items", "155-L39", "id"),
        ("capabilities", "155-fire", "id"),
        ("demands", "DEU-2025Q4", "id"),
        ("producers", "NXT", "id"),
        ("expansions", "RHM-UNT", "id"),
        ("components", "FUZE", "id"),
        ("component_suppliers", "JUN", "id"),
        ("funds", "IFU", "id"),
    ]
    return [
        Case(
            f"duplicate {section}",
            "duplicate_ids",
            _dup(section, ident),
            [f"{section}[{ident}]", f"field '{key}'", f"2 entries of {section} share", ident],
        )
        for section, ident, key in sections
    ]


CASES: list[Case] = [
    *_dup_cases(),
    Case(
        "duplicate period",
        "duplicate_periods",
        lambda r: r["periods"].append("2025Q2"),
        ["scenario, field 'periods'", "'2025Q2'", "more than once"],
    ),
    Case(
        "periods out of time order",
        "period_order",
        lambda r: r["periods"].__setitem__(slice(0, 2), ["2025Q2", "2025Q1"]),
        [
            "scenario, field 'periods'",
            "not in time order: '2025Q1' after '2025Q2'",
            "Fix: list them in time order: 2025Q1, 2025Q2, 2025Q3, 2025Q4",
        ],
        also={"expansion_window"},  # its start window now runs backwards
    ),
    Case(
        "duplicate offer",
        "duplicate_offers",
        lambda r: r["producers"][1]["offers"].append(copy.deepcopy(r["producers"][1]["offers"][0])),
        ["producers[NXT], field 'offers'", "'155-L52' is offered 2 times", "Fix: merge"],
    ),
    Case(
        "duplicate stockpile",
        "duplicate_stockpiles",
        _dup("stockpiles", "UKR/155-L39"),
        ["stockpiles[UKR/155-L39]", "2 stockpiles of item '155-L39'", "Fix: merge"],
    ),
    Case(
        "duplicate fund member",
        "duplicate_fund_members",
        lambda r: r["funds"][0]["members"].append("DEU"),
        ["funds[EPF], field 'members'", "'DEU'", "more than once"],
    ),
    Case(
        "duplicate equivalence",
        "duplicate_equivalences",
        lambda r: r["capabilities"][0]["satisfied_by"].append({"item": "155-L52", "factor": 2}),
        ["capabilities[155-fire], field 'satisfied_by'", "'155-L52'", "more than once"],
    ),
    # ------------------------------------------------------------------ periods
    Case(
        "demand period",
        "period_references",
        _set("demands[UKR-2025Q2].period", "2026Q1"),
        ["demands[UKR-2025Q2], field 'period'", "'2026Q1' is not in periods", "'2025Q1'"],
    ),
    Case(
        "refill_by period",
        "period_references",
        _set("stockpiles[DEU/155-L52].refill_by", "2030Q1"),
        ["stockpiles[DEU/155-L52], field 'refill_by'", "'2030Q1' is not in periods"],
    ),
    Case(
        "floor series",
        "period_references",
        _set("stockpiles[FRA/155-L52].floor", {"2025Q1": 20000, "2025-Q3": 25000}),
        ["stockpiles[FRA/155-L52], field 'floor'", "'2025-Q3' is not in periods"],
    ),
    Case(
        "holding cost series",
        "period_references",
        _set("stockpiles[FRA/155-L52].holding_cost", {"2024Q4": 8}),
        ["stockpiles[FRA/155-L52], field 'holding_cost'", "'2024Q4' is not in periods"],
    ),
    Case(
        "budget series",
        "period_references",
        _set("nations[DEU].budget_per_period", {"2025Q1": 1e9, "Q3": 1e9}),
        ["nations[DEU], field 'budget_per_period'", "'Q3' is not in periods"],
    ),
    Case(
        "capacity series",
        "period_references",
        lambda r: _offer(r, "RHM", "155-L52").update(capacity={"2025Q1": 3e4, "2026Q1": 5e4}),
        ["producers[RHM].offers[155-L52], field 'capacity'", "'2026Q1' is not in periods"],
    ),
    Case(
        "order period cost series",
        "period_references",
        lambda r: _offer(r, "RHM", "155-L52").update(order_period_cost={"2025q1": 5}),
        ["producers[RHM].offers[155-L52], field 'order_period_cost'", "'2025q1'"],
    ),
    Case(
        "expansion earliest start",
        "period_references",
        _set("expansions[RHM-UNT].earliest_start", "2024Q4"),
        ["expansions[RHM-UNT], field 'earliest_start'", "'2024Q4' is not in periods"],
    ),
    Case(
        "expansion latest start",
        "period_references",
        _set("expansions[RHM-UNT].latest_start", "2027Q4"),
        ["expansions[RHM-UNT], field 'latest_start'", "'2027Q4' is not in periods"],
    ),
    Case(
        "supplier capacity series",
        "period_references",
        _set("component_suppliers[JUN].capacity", {"2025": 1e5}),
        ["component_suppliers[JUN], field 'capacity'", "'2025' is not in periods"],
    ),
    # ------------------------------------------------------------------ references
    Case(
        "demand nation",
        "demand_references",
        _set("demands[UKR-2025Q2].nation", "POL"),
        [
            "demands[UKR-2025Q2], field 'nation'",
            "'POL' is not in nations",
            "valid: 'UKR', 'DEU', 'FRA'",
            "Fix: use an id of nations (check spelling and case)",
        ],
    ),
    Case(
        "demand capability",
        "demand_references",
        _set("demands[DEU-2025Q4].capability", "155-fires"),
        [
            "demands[DEU-2025Q4], field 'capability'",
            "'155-fires' is not in capabilities",
            "valid: '155-fire'",
        ],
    ),
    Case(
        "capability item",
        "capability_references",
        lambda r: r["capabilities"][0]["satisfied_by"].append({"item": "155-ER"}),
        ["capabilities[155-fire], field 'satisfied_by'", "'155-ER' is not in items"],
    ),
    Case(
        "stockpile nation",
        "stockpile_references",
        _set("stockpiles[FRA/155-L52].nation", "ITA"),
        ["stockpiles[ITA/155-L52], field 'nation'", "'ITA' is not in nations"],
    ),
    Case(
        "stockpile item",
        "stockpile_references",
        _set("stockpiles[UKR/155-L39].item", "155-L45"),
        [
            "stockpiles[UKR/155-L45], field 'item'",
            "'155-L45' is not in items",
            "valid: '155-L52', '155-L39'",
        ],
    ),
    Case(
        "offer item",
        "offer_references",
        lambda r: _offer(r, "NXT", "155-L52").update(item="155-LR"),
        ["producers[NXT].offers[155-LR], field 'item'", "'155-LR' is not in items"],
    ),
    Case(
        "offer delivery_cost_to",
        "offer_references",
        lambda r: _offer(r, "RHM", "155-L52").update(delivery_cost_to={"UKR": 60, "POL": 9}),
        ["producers[RHM].offers[155-L52], field 'delivery_cost_to'", "'POL' is not in nations"],
    ),
    Case(
        "offer fixed_costs_paid_by",
        "offer_references",
        lambda r: _offer(r, "RHM", "155-L52").update(fixed_costs_paid_by="POL"),
        ["producers[RHM].offers[155-L52], field 'fixed_costs_paid_by'", "'POL' is not in nations"],
    ),
    Case(
        "offer fixed_costs_split",
        "offer_references",
        lambda r: _offer(r, "RHM", "155-L52").update(fixed_costs_split={"POL": 1}),
        ["producers[RHM].offers[155-L52], field 'fixed_costs_split'", "'POL' is not in nations"],
    ),
    Case(
        "expansion producer",
        "expansion_references",
        _set("expansions[RHM-UNT].producer", "RHM2"),
        [
            "expansions[RHM-UNT], field 'producer'",
            "'RHM2' is not in producers",
            "valid: 'RHM', 'NXT'",
        ],
    ),
    Case(
        "expansion item",
        "expansion_references",
        _set("expansions[RHM-UNT].item", "155-ER"),
        ["expansions[RHM-UNT], field 'item'", "'155-ER' is not in items"],
    ),
    Case(
        "expansion item not offered by producer",
        "expansion_references",
        _seq(
            _set("expansions[RHM-UNT].producer", "NXT"), _set("expansions[RHM-UNT].item", "155-L39")
        ),
        [
            "expansions[RHM-UNT], field 'item'",
            "producer 'NXT' has no offer for item '155-L39' (it offers '155-L52')",
        ],
    ),
    Case(
        "expansion sponsor",
        "expansion_references",
        _set("expansions[RHM-UNT].sponsor", "USA"),
        ["expansions[RHM-UNT], field 'sponsor'", "'USA' is not in nations"],
    ),
    Case(
        "item component",
        "component_references",
        _set("items[155-L39].components", {"FUZE": 1, "CHIP": 2}),
        ["items[155-L39], field 'components'", "'CHIP' is not in components", "valid: 'FUZE'"],
    ),
    Case(
        "supplier component",
        "component_references",
        _set("component_suppliers[JUN].component", "FUSE"),
        ["component_suppliers[JUN], field 'component'", "'FUSE' is not in components"],
        also={"component_supply"},  # FUZE is then supplied by no one
    ),
    Case(
        "supplier serves",
        "component_references",
        _set("component_suppliers[JUN].serves", ["RHM", "NXT", "GDOTS"]),
        ["component_suppliers[JUN], field 'serves'", "'GDOTS' is not in producers"],
    ),
    Case(
        "fund member",
        "fund_references",
        _set("funds[EPF].members", ["DEU", "FRA", "POL"]),
        ["funds[EPF], field 'members'", "'POL' is not in nations"],
    ),
    Case(
        "fund beneficiary",
        "fund_references",
        _set("funds[IFU].eligible_beneficiaries", ["UKR", "MDA"]),
        ["funds[IFU], field 'eligible_beneficiaries'", "'MDA' is not in nations"],
    ),
    Case(
        "fund key share of a non-member",
        "fund_references",
        _set(
            "funds[EPF].contribution",
            {"rule": "key", "basis": "custom", "shares": {"DEU": 2, "FRA": 1, "UKR": 1}},
        ),
        [
            "funds[EPF], field 'contribution.shares'",
            "'UKR' is not in the members of funds[EPF]",
            "valid: 'DEU', 'FRA'",
        ],
    ),
    Case(
        "fund pledge of a non-member",
        "fund_references",
        lambda r: r["funds"][1]["contribution"]["pledges"].update(UKR={"min": 1}),
        ["funds[IFU], field 'contribution.pledges'", "'UKR' is not in the members of funds[IFU]"],
    ),
    # ------------------------------------------------------------------ stockpiles
    Case(
        "hard floor above stock without refill_by",
        "stockpile_floor_start",
        _set("stockpiles[UKR/155-L39].floor", 6000),
        [
            "stockpiles[UKR/155-L39], field 'floor'",
            "hard floor in the first period '2025Q1' "
            "(6,000) is above the opening stock on_hand (5,000)",
            "Fix: add refill_by",
        ],
    ),
    Case(
        "refill_target without refill_by",
        "refill_plan",
        _del("stockpiles[DEU/155-L52].refill_by"),
        ["stockpiles[DEU/155-L52], field 'refill_by'", "refill_target (80,000)", "no date"],
    ),
    Case(
        "refill_by without anything to refill",
        "refill_plan",
        _seq(
            _del("stockpiles[DEU/155-L52].refill_target"),
            _del("stockpiles[DEU/155-L52].refill_penalty"),
        ),
        [
            "stockpiles[DEU/155-L52], field 'refill_by'",
            "nothing to refill",
            "floor at the start (40,000) is not above on_hand (60,000)",
        ],
    ),
    Case(
        "refill_penalty without refill_target",
        "refill_plan",
        _set("stockpiles[UKR/155-L39].refill_penalty", 100),
        ["stockpiles[UKR/155-L39], field 'refill_penalty'", "without refill_target", "no effect"],
    ),
    Case(
        "refill target below floor",
        "refill_target_floor",
        _set("stockpiles[DEU/155-L52].refill_target", 30000),
        [
            "stockpiles[DEU/155-L52], field 'refill_target'",
            "refill_target (30,000) is below the floor at refill_by '2025Q4' (40,000)",
            "Fix: raise refill_target",
        ],
    ),
    Case(
        "floor penalty on a hard floor",
        "floor_penalty",
        _set("stockpiles[DEU/155-L52].floor_penalty", 50),
        ["stockpiles[DEU/155-L52], field 'floor_penalty'", "'hard'", "no effect"],
    ),
    Case(
        "donation policy on a stock that is not a donor's",
        "donation_policy",
        _set("stockpiles[UKR/155-L39].donation_policy", "priority"),
        ["stockpiles[UKR/155-L39], field 'donation_policy'", "donor is false", "no effect"],
    ),
    # ------------------------------------------------------------------ industry
    Case(
        "tier volumes out of order",
        "tiers",
        lambda r: _offer(r, "RHM", "155-L52").update(
            tiers=[{"min_volume": 100000, "price": 3800}, {"min_volume": 50000, "price": 3500}]
        ),
        [
            "producers[RHM].offers[155-L52], field 'tiers'",
            "min_volume must increase",
            "tier 2 (50,000) is not above tier 1 (100,000)",
        ],
    ),
    Case(
        "tier price above base price",
        "tiers",
        lambda r: _offer(r, "NXT", "155-L52").update(tiers=[{"min_volume": 4e4, "price": 4300}]),
        [
            "producers[NXT].offers[155-L52], field 'tiers'",
            "must not rise",
            "tier 1 (4,300) is above the base price (4,200)",
        ],
    ),
    Case(
        "tier price above previous tier",
        "tiers",
        lambda r: _offer(r, "RHM", "155-L52").update(
            tiers=[{"min_volume": 50000, "price": 3500}, {"min_volume": 100000, "price": 3800}]
        ),
        ["producers[RHM].offers[155-L52], field 'tiers'", "tier 2 (3,800) is above tier 1 (3,500)"],
    ),
    Case(
        "tier beyond capacity",
        "tier_reachable",
        lambda r: _offer(r, "NXT", "155-L52").update(tiers=[{"min_volume": 70000, "price": 3900}]),
        [
            "producers[NXT].offers[155-L52], field 'tiers'",
            "tier 1 (min_volume 70,000) can never apply",
            "at most 60,000 units",
        ],
    ),
    Case(
        "tier beyond capacity plus expansion",
        "tier_reachable",
        lambda r: _offer(r, "RHM", "155-L52")["tiers"].append({"min_volume": 210000, "price": 1}),
        # 30k + 30k + 50k + 50k, plus 20k in the last two periods (start 2025Q1, 2 periods)
        ["producers[RHM].offers[155-L52], field 'tiers'", "tier 3", "at most 200,000 units"],
    ),
    Case(
        "offer with no buyers",
        "offer_buyers",
        lambda r: _offer(r, "NXT", "155-L52").update(buyers=[]),
        ["producers[NXT].offers[155-L52], field 'buyers'", "no nation may order"],
    ),
    Case(
        "offer whose buyers are all excluded",
        "offer_buyers",
        lambda r: _offer(r, "NXT", "155-L52").update(buyers=["UKR"], excluded_buyers=["UKR"]),
        ["producers[NXT].offers[155-L52], field 'excluded_buyers'", "every buyer ('UKR')"],
    ),
    Case(
        "offer buyer also excluded",
        "offer_buyers",
        lambda r: _offer(r, "NXT", "155-L52").update(
            buyers=["UKR", "DEU"], excluded_buyers=["DEU"]
        ),
        ["field 'excluded_buyers'", "'DEU' listed both in buyers and in excluded_buyers"],
    ),
    Case(
        "offer buyer unknown",
        "offer_references",
        lambda r: _offer(r, "NXT", "155-L52").update(buyers=["UKR", "POL"]),
        ["producers[NXT].offers[155-L52], field 'buyers'", "'POL' is not in nations"],
    ),
    Case(
        "demand whose only offers are closed to it",
        "demand_sources",
        _seq(
            _add_polish_krab,
            lambda r: r["producers"][0]["offers"].append(
                {"item": "155-KRAB", "capacity": 10, "price": 1, "excluded_buyers": ["POL"]}
            ),
        ),
        ["demands[POL-2025Q3]: can never be met", "no producer offers POL any item"],
    ),
    Case(
        "zero capacity",
        "offer_capacity",
        lambda r: _offer(r, "RHM", "155-L39").update(capacity={"2025Q1": 0}),
        ["producers[RHM].offers[155-L39], field 'capacity'", "capacity is 0 in every period"],
    ),
    Case(
        "min_order beyond capacity",
        "offer_capacity",
        lambda r: _offer(r, "RHM", "155-L39").update(min_order=50000),
        [
            "producers[RHM].offers[155-L39], field 'min_order'",
            "min_order (50,000) exceeds",
            "(40,000)",
        ],
    ),
    Case(
        "lot beyond capacity",
        "offer_capacity",
        lambda r: _offer(r, "RHM", "155-L39").update(lot_size=45000),
        ["producers[RHM].offers[155-L39], field 'lot_size'", "lot_size (45,000) exceeds"],
    ),
    Case(
        "escalating price starting late",
        "tiers",
        lambda r: _offer(r, "NXT", "155-L52").update(price={"2025Q2": 4200}),
        [
            "producers[NXT].offers[155-L52], field 'price'",
            "the price series starts after the first period 2025Q1",
        ],
    ),
    Case(
        "commitment of an unknown nation",
        "commitments",
        lambda r: _offer(r, "NXT", "155-L52").update(commitments=[{"nation": "POL"}]),
        ["producers[NXT].offers[155-L52], field 'commitments'", "'POL' is not in nations"],
    ),
    Case(
        "commitment joins in an unknown period",
        "commitments",
        lambda r: _offer(r, "NXT", "155-L52").update(
            commitments=[{"nation": "DEU", "joins_from": "2026Q1"}]
        ),
        [
            "producers[NXT].offers[155-L52].commitments[nation=DEU], field 'joins_from'",
            "'2026Q1' is not in periods",
        ],
    ),
    Case(
        "commitment given twice",
        "commitments",
        lambda r: _offer(r, "NXT", "155-L52").update(
            commitments=[{"nation": "DEU"}, {"nation": "DEU", "min_volume": 5}]
        ),
        ["producers[NXT].offers[155-L52], field 'commitments'", "2 commitments of nation DEU"],
    ),
    Case(
        "commitment to a minimum the nation may not order",
        "commitments",
        lambda r: _offer(r, "RHM", "155-L39").update(
            commitments=[{"nation": "DEU", "min_volume": 5}]
        ),
        [
            "producers[RHM].offers[155-L39].commitments[nation=DEU], field 'min_volume'",
            "DEU must order 5 units of '155-L39' but may order none",
        ],
    ),
    Case(
        "placed order of an offer that does not exist",
        "placed_orders",
        lambda r: r.update(
            placed_orders=[
                {
                    "id": "old",
                    "producer": "NXT",
                    "item": "155-L39",
                    "nation": "POL",
                    "deliveries": {"2026Q1": 10},
                    "price": 1,
                }
            ]
        ),
        [
            "placed_orders[old], field 'item'",
            "producer 'NXT' has no offer for item '155-L39'",
            "placed_orders[old], field 'nation': 'POL' is not in nations",
            "placed_orders[old], field 'deliveries': '2026Q1' is not in periods",
        ],
    ),
    Case(
        "binding placed orders above capacity",
        "placed_orders",
        lambda r: r.update(
            placed_orders=[
                {
                    "id": f"old{k}",
                    "producer": "NXT",
                    "item": "155-L52",
                    "nation": "DEU",
                    "deliveries": {"2025Q2": 10000},
                    "price": 1,
                }
                for k in (1, 2)
            ]
        ),
        [
            "producers[NXT].offers[155-L52], field 'capacity[2025Q2]'",
            "the binding orders already placed deliver 20,000 units in 2025Q2, above the "
            "capacity of 15,000",
        ],
    ),
    Case(
        "placed order of part units of an indivisible item",
        "placed_orders",
        _indivisible(
            "155-L52",
            lambda r: r.update(
                placed_orders=[
                    {
                        "id": "old",
                        "producer": "NXT",
                        "item": "155-L52",
                        "nation": "DEU",
                        "deliveries": {"2025Q2": 0.5},
                        "price": 1,
                    }
                ]
            ),
        ),
        ["placed_orders[old], field 'deliveries'", "'155-L52' is indivisible"],
        also={"whole_units"},
    ),
    Case(
        "lead time beyond horizon",
        "offer_capacity",
        lambda r: _offer(r, "NXT", "155-L52").update(lead_time=4),
        ["producers[NXT].offers[155-L52], field 'lead_time'", "lead_time (4)", "4 periods"],
    ),
    Case(
        "expansion window reversed",
        "expansion_window",
        _seq(
            _set("expansions[RHM-UNT].earliest_start", "2025Q3"),
            _set("expansions[RHM-UNT].latest_start", "2025Q2"),
        ),
        [
            "expansions[RHM-UNT], field 'earliest_start'",
            "'2025Q3' is after latest_start '2025Q2'",
            "can never start",
        ],
    ),
    Case(
        "expansion ready after horizon",
        "expansion_window",
        _set("expansions[RHM-UNT].lead_periods", 4),
        ["expansions[RHM-UNT], field 'lead_periods'", "after the last period '2025Q4'"],
    ),
    Case(
        "expansion after itself",
        "expansion_steps",
        _set("expansions[RHM-UNT].after", "RHM-UNT"),
        ["expansions[RHM-UNT], field 'after'", "cycle (RHM-UNT -> RHM-UNT)"],
    ),
    Case(
        "expansion steps in a cycle",
        "expansion_steps",
        _seq(
            lambda r: r["expansions"].append(
                {**copy.deepcopy(r["expansions"][0]), "id": "RHM-L2", "after": "RHM-UNT"}
            ),
            _set("expansions[RHM-UNT].after", "RHM-L2"),
        ),
        ["expansions[RHM-UNT], field 'after'", "RHM-UNT -> RHM-L2 -> RHM-UNT"],
    ),
    Case(
        "expansion step must start before the step before it may",
        "expansion_steps",
        _seq(
            _set("expansions[RHM-UNT].earliest_start", "2025Q2"),
            lambda r: r["expansions"].append(
                {
                    **copy.deepcopy(r["expansions"][0]),
                    "id": "RHM-L2",
                    "after": "RHM-UNT",
                    "earliest_start": "2025Q1",
                    "latest_start": "2025Q1",
                    "lead_periods": 1,
                }
            ),
        ),
        [
            "expansions[RHM-L2], field 'latest_start'",
            "before the earliest start '2025Q2' of the step before it ('RHM-UNT')",
        ],
    ),
    Case(
        "expansion ramp falls",
        "expansion_steps",
        _set("expansions[RHM-UNT].ramp", [0.5, 0.25]),
        ["expansions[RHM-UNT], field 'ramp'", "falls at position 2 (0.5 then 0.25)"],
    ),
    Case(
        "expansion of an unknown supplier",
        "expansion_references",
        lambda r: r["expansions"].append(
            {"id": "POWDER", "supplier": "NITRO", "added_capacity": 10, "investment_cost": 5}
        ),
        ["expansions[POWDER], field 'supplier'", "'NITRO' is not in component_suppliers"],
    ),
    Case(
        "expansion after an unknown step",
        "expansion_references",
        _set("expansions[RHM-UNT].after", "RHM-HALL"),
        ["expansions[RHM-UNT], field 'after'", "'RHM-HALL' is not in expansions"],
    ),
    Case(
        "component supplier misses a producer",
        "component_supply",
        _set("component_suppliers[JUN].serves", ["RHM"]),
        ["items[155-L52], field 'components'", "'FUZE' for 'NXT'", "cannot make it"],
    ),
    Case(
        "component without supplier",
        "component_supply",
        lambda r: r.update(component_suppliers=[]),
        [
            "items[155-L52], field 'components'",
            "items[155-L39], field 'components'",
            "'FUZE' for 'RHM', 'NXT'",
        ],
    ),
    # ------------------------------------------------------------------ needs
    Case(
        "item for a system nobody operates",
        "item_usable",
        _set("items[155-L39].systems", ["M-777"]),
        [
            "items[155-L39], field 'systems'",
            "no nation operates any of its systems 'M-777'",
            "'CAESAR', 'M777', 'PzH2000'",
        ],
    ),
    Case(
        "demand with no usable item",
        "demand_usable_items",
        _set("nations[DEU].systems", ["Krab"]),
        [
            "demands[DEU-2025Q4], field 'capability'",
            "no item of capability '155-fire' is usable by DEU, which operates 'Krab'",
            "'155-L52' needs 'PzH2000' or 'CAESAR'; '155-L39' needs 'M777'",
        ],
    ),
    Case(
        "demand for a system no item is qualified for",
        "demand_usable_items",
        _set("demands[UKR-2025Q2].system", "Krab"),
        [
            "demands[UKR-2025Q2], field 'system'",
            "no item of capability '155-fire' is qualified for system 'Krab'",
        ],
        also={"demand_system"},  # Ukraine does not operate Krab either
    ),
    Case(
        "demand for a system only items with no systems fit",
        "demand_usable_items",
        _seq(
            lambda r: r["items"].append({"id": "155-ANY", "unit": "round"}),
            lambda r: _by_id(r, "capabilities", "155-fire")["satisfied_by"].append(
                {"item": "155-ANY"}
            ),
            _set("demands[UKR-2025Q2].system", "PzH200"),
        ),
        [
            "demands[UKR-2025Q2], field 'system'",
            "no item of capability '155-fire' is qualified for system 'PzH200'",
            "only the items with no systems ('155-ANY') fit it",
            "likely misspelt",
        ],
        # Ukraine does not operate PzH200 either, and nobody offers or holds 155-ANY
        also={"demand_system", "demand_sources"},
    ),
    Case(
        "demand for a system its nation does not operate",
        "demand_system",
        _set("demands[DEU-2025Q4].system", "CAESAR"),
        [
            "demands[DEU-2025Q4], field 'system'",
            "system 'CAESAR' is not one DEU operates ('PzH2000')",
        ],
    ),
    Case(
        "demand that can never be met",
        "demand_sources",
        _add_polish_krab,
        ["demands[POL-2025Q3]: can never be met", "'155-KRAB'", "no donor"],
    ),
    # ------------------------------------------------------------------ funds
    Case(
        "GNI key with a member lacking GNI",
        "fund_key",
        _del("nations[FRA].gni"),
        ["funds[EPF], field 'contribution.basis'", "based on GNI", "'FRA' have no gni"],
    ),
    Case(
        "GDP key with all figures 0",
        "fund_key",
        _seq(
            _set("funds[EPF].contribution", {"rule": "key", "basis": "gdp"}),
            _set("nations[DEU].gdp", 0),
            _set("nations[FRA].gdp", 0),
        ),
        ["funds[EPF], field 'contribution.basis'", "every member's gdp is 0"],
    ),
    Case(
        "custom key missing a share",
        "fund_key",
        _set("funds[EPF].contribution", {"rule": "key", "basis": "custom", "shares": {"DEU": 1}}),
        ["funds[EPF], field 'contribution.shares'", "share for every member", "none for 'FRA'"],
    ),
    Case(
        "shares with a GNI key",
        "fund_key",
        _set("funds[EPF].contribution", {"rule": "key", "shares": {"DEU": 1, "FRA": 1}}),
        ["funds[EPF], field 'contribution.shares'", "basis is 'gni'", "ignored"],
    ),
    Case(
        "key cap below one over the members",
        "fund_key_cap",
        _set("funds[EPF].contribution", {"rule": "key", "basis": "gni", "max_share": 0.4}),
        [
            "funds[EPF], field 'contribution.max_share'",
            "max_share 0.4 times the 2 member(s) is 0.8",
            "at least 1/2",
        ],
    ),
    Case(
        "key cap leaving the key to members of weight 0",
        "fund_key_cap",
        _seq(
            _set(
                "funds[EPF].contribution",
                {
                    "rule": "key",
                    "basis": "custom",
                    "shares": {"DEU": 1, "FRA": 0},
                    "max_share": 0.6,
                },
            ),
        ),
        [
            "funds[EPF], field 'contribution.max_share'",
            "only 'DEU' have a positive key weight",
            "at least 1/1",
        ],
    ),
    Case(
        "minimum pledges above cap",
        "fund_pledges",
        _set("funds[IFU].cap", 5e7),
        [
            "funds[IFU], field 'contribution.pledges'",
            "minimum pledges add up to 100,000,000",
            "above the fund's cap (50,000,000)",
        ],
    ),
    Case(
        "committed above maximum pledges",
        "fund_pledges",
        _seq(
            _set("funds[IFU].committed", 7e8),
            lambda r: r["funds"][1]["contribution"]["pledges"]["FRA"].update(max=1e8),
        ),
        ["funds[IFU], field 'committed'", "maximum pledges (600,000,000)"],
    ),
    Case(
        "committed above cap",
        "fund_amounts",
        _set("funds[EPF].committed", 3e9),
        ["funds[EPF], field 'committed'", "committed (3,000,000,000) is above cap (2,000,000,000)"],
    ),
    Case(
        "fund closes before it opens",
        "fund_window",
        _seq(_set("funds[EPF].opens", "2025Q3"), _set("funds[EPF].closes", "2025Q2")),
        ["funds[EPF], field 'closes'", "closes in 2025Q2, before it opens in 2025Q3"],
    ),
    Case(
        "tranche outside the open periods",
        "fund_window",
        _seq(
            _set("funds[EPF].closes", "2025Q2"),
            _set("funds[EPF].tranches", {"2025Q1": 4e8, "2025Q3": 4e8}),
        ),
        ["funds[EPF], field 'tranches'", "'2025Q3'", "outside the fund's open periods"],
    ),
    Case(
        "tranches below committed",
        "fund_window",
        _set("funds[EPF].tranches", {"2025Q1": 1e8, "2025Q2": 1e8}),
        ["funds[EPF], field 'tranches'", "add up to 200,000,000, below committed"],
    ),
    Case(
        "tranches below committed once converted",
        "fund_window",
        # 500,000,000 USD committed at 2025Q1's rate (1.0) = 500,000,000 EUR, but the one
        # tranche, in 2025Q2, at that period's rate: 0.8 * 500,000,000 = 400,000,000 EUR
        _seq(
            _set("exchange_rates", {"USD": {"2025Q1": 1.0, "2025Q2": 0.8}}),
            _set("funds[EPF].currency", "USD"),
            _set("funds[EPF].tranches", {"2025Q2": 5e8}),
        ),
        [
            "funds[EPF], field 'tranches'",
            "add up to 400,000,000, below committed (500,000,000)",
            "EUR, converted from the fund's USD",
        ],
    ),
    Case(
        "fund window period unknown",
        "period_references",
        _set("funds[EPF].opens", "2024Q4"),
        ["funds[EPF], field 'opens'", "'2024Q4' is not in periods"],
    ),
    Case(
        "tranche period unknown",
        "period_references",
        _set("funds[IFU].tranches", {"2026Q1": 1e8}),
        ["funds[IFU], field 'tranches'", "'2026Q1' is not in periods"],
    ),
    Case(
        "cofinancing share without investment",
        "fund_cofinancing",
        _set("funds[IFU].max_cofinancing_share", 0.3),
        ["funds[IFU], field 'max_cofinancing_share'", "'investment' is not in uses", "no effect"],
    ),
    Case(
        "procurement share without procurement",
        "fund_procurement_share",
        _seq(
            _set("funds[IFU].uses", ["investment"]), _set("funds[IFU].max_procurement_share", 0.2)
        ),
        ["funds[IFU], field 'max_procurement_share'", "'procurement' is not in uses", "no effect"],
    ),
    Case(
        "component origin rule with a supplier of no value",
        "fund_component_origin",
        _set("funds[IFU].component_origin", {"countries": ["DEU"], "max_outside_share": 0.35}),
        ["field 'price'", "no price", "component_origin rule of 'IFU'"],
    ),
    Case(
        "component origin rule with a supplier of no country",
        "fund_component_origin",
        _seq(
            _set("funds[IFU].component_origin", {"countries": ["DEU"], "max_outside_share": 0.35}),
            lambda r: [s.pop("country", None) for s in r["component_suppliers"]],
        ),
        ["field 'country'", "counts its feeds as outside"],
    ),
    Case(
        "consortium larger than the scenario",
        "fund_consortium",
        _set("funds[IFU].min_nations_per_contract", 4),
        [
            "funds[IFU], field 'min_nations_per_contract'",
            "at least 4 nations",
            "the scenario has 3",
        ],
    ),
    Case(
        "no eligible beneficiary",
        "fund_consortium",
        _set("funds[EPF].eligible_beneficiaries", []),
        ["funds[EPF], field 'eligible_beneficiaries'", "pays for nothing"],
    ),
    Case(
        "origin rule excluding every producer",
        "fund_origin",
        _set("funds[IFU].eligible_producer_countries", ["USA"]),
        [
            "funds[IFU], field 'eligible_producer_countries'",
            "no producer is located in 'USA'",
            "'DEU', 'FRA'",
        ],
    ),
    Case(
        "bilateral purchase for an unknown nation",
        "bilateral_purchases",
        _set("nations[DEU].buys_for", [{"beneficiary": "UKX", "ceiling": 1e8}]),
        ["nations[DEU].buys_for[UKX], field 'beneficiary'", "'UKX' is not in nations"],
    ),
    Case(
        "bilateral purchase for itself",
        "bilateral_purchases",
        _set("nations[DEU].buys_for", [{"beneficiary": "DEU"}]),
        ["nations[DEU].buys_for[DEU], field 'beneficiary'", "DEU buys for itself"],
    ),
    Case(
        "package larger than the fund's cap",
        "fund_packages",
        _set("funds[IFU].package_size", 2e9),
        ["funds[IFU], field 'package_size'", "above cap (1,000,000,000)", "lower package_size"],
    ),
    Case(
        "loan terms on a grant fund",
        "fund_loans",
        _set("funds[EPF].repayment_periods", 10),
        ["funds[EPF], field 'repayment_periods'", "but the fund is a grant", "set kind: loan"],
    ),
    Case(
        "a loan fund with a refill use",
        "fund_loans",
        _set("funds[EPF].kind", "loan"),
        ["funds[EPF], field 'uses'", "lends for procurement only", "'refill', 'investment'"],
    ),
    Case(
        "a loan repaid from an unknown period",
        "period_references",
        _seq(_set("funds[IFU].kind", "loan"), _set("funds[IFU].repayment_start", "2030Q1")),
        ["funds[IFU], field 'repayment_start'", "'2030Q1'"],
    ),
    # ------------------------------------------------------------------ currencies
    Case(
        "a rate for the reporting currency",
        "exchange_rates",
        _set("exchange_rates", {"EUR": 1.0}),
        ["scenario, field 'exchange_rates.EUR'", "is the reporting currency", "remove"],
    ),
    Case(
        "a rate series starting after the first period",
        "exchange_rates",
        _set("exchange_rates", {"USD": {"2025Q2": 0.9}}),
        ["field 'exchange_rates.USD'", "starts after the first period (2025Q1)", "2025Q1 too"],
    ),
    Case(
        "a rate of 0",
        "exchange_rates",
        _set("exchange_rates", {"USD": {"2025Q1": 0.9, "2025Q3": 0.0}}),
        ["field 'exchange_rates.USD'", "the rate is 0 in '2025Q3', '2025Q4'", "above 0"],
    ),
    Case(
        "a rate in an unknown period",
        "exchange_rates",
        _set("exchange_rates", {"USD": {"2025Q1": 0.9, "2026Q1": 0.8}}),
        ["field 'exchange_rates.USD'", "'2026Q1'"],
    ),
    Case(
        "a nation's currency without a rate",
        "currency_rates",
        _set("nations[FRA].currency", "USD"),
        [
            "nations[FRA], field 'currency'",
            "its amounts are in USD but exchange_rates has no rate for USD",
            "add exchange_rates: {USD: <EUR per USD>}",
        ],
    ),
    Case(
        "a producer's currency whose rate changes",
        "currency_rates",
        _seq(
            _set("producers[RHM].currency", "USD"),
            _set("exchange_rates", {"USD": {"2025Q1": 0.9, "2025Q3": 0.95}}),
        ),
        ["producers[RHM], field 'currency'", "changes over the horizon (0.9 to 0.95)"],
    ),
    # ------------------------------------------------------------------ numbers
    Case(
        "quantities spanning more than the solver resolves",
        "coefficient_range",
        _set("demands[UKR-2025Q4].quantity", 1e-6),
        [
            "demands[UKR-2025Q4], field 'quantity'",
            "the quantities span",
            "producers[RHM].offers[155-L52].tiers[#2], field 'min_volume'",
            "Fix: raise this value to at least",
        ],
    ),
    Case(
        "money spanning more than the solver resolves",
        "coefficient_range",
        _set("producers[RHM].offers[155-L52].delivery_cost", 1e-6),
        [
            "producers[RHM].offers[155-L52], field 'delivery_cost'",
            "the amounts of money span",
            "nations[DEU], field 'budget'",
            "or set it to 0",
        ],
    ),
    # ------------------------------------------------------------------ settings
    Case(
        "lateness weight reaching a shortfall",
        "lateness_weight",
        _set("settings.lateness_weight", 0.5),
        ["settings, field 'lateness_weight'", "'UKR-2025Q2 (max_lateness 2)'", "below 1/2"],
    ),
    Case(
        "time preference reordering priorities",
        "needs_discount",
        _set("settings.needs_discount", 0.8),
        [
            "settings, field 'needs_discount'",
            "over the 2 periods",
            "weigh 3.24 times a late one",
            "priorities 3 and 1 (3)",
            "below 0.732",
        ],
    ),
    Case(
        "lateness penalty reaching the shortfall penalty",
        "lateness_penalties",
        _set("demands[UKR-2025Q4].lateness_penalty", 2e5),
        [
            "demands[UKR-2025Q4], field 'lateness_penalty'",
            "(200,000) times max_lateness (1)",
            "shortfall_penalty (200,000)",
        ],
    ),
    Case(
        "fractional opening stock of an indivisible item",
        "whole_units",
        _indivisible("155-L52", _set("stockpiles[DEU/155-L52].on_hand", 60000.5)),
        [
            "stockpiles[DEU/155-L52], field 'on_hand'",
            "on_hand is 60000.5, but item '155-L52' is indivisible (whole units only)",
            "Fix: give a whole number, or set indivisible: false on items[155-L52]",
        ],
    ),
    Case(
        "fractional floor of an indivisible item",
        "whole_units",
        _indivisible("155-L52", _set("stockpiles[DEU/155-L52].floor", {"2025Q3": 400.5})),
        ["stockpiles[DEU/155-L52], field 'floor'", "the floor in '2025Q3' is 400.5"],
    ),
    Case(
        "fractional lot size of an indivisible item",
        "whole_units",
        _indivisible("155-L52", lambda r: _offer(r, "NXT", "155-L52").update(lot_size=2.5)),
        ["producers[NXT].offers[155-L52], field 'lot_size'", "lot_size is 2.5"],
    ),
    Case(
        "wear rule naming an unknown item",
        "sustainment_references",
        lambda r: _sustain(r, wear=[{"item": "barrel", "by": "155-L52", "uses_per_unit": 2500}]),
        ["sustainment.wear[barrel], field 'item'", "'barrel' is not in items"],
    ),
    Case(
        "repair shop serving an unknown nation",
        "sustainment_references",
        lambda r: _sustain(
            r,
            barrel=True,
            wear=[{"item": "barrel", "by": "155-L52", "uses_per_unit": 2500}],
            repair_shops=[
                {
                    "id": "FWD",
                    "country": "POL",
                    "items": ["barrel"],
                    "capacity": 5,
                    "serves": ["XXX"],
                }
            ],
        ),
        ["sustainment.repair_shops[FWD], field 'serves'", "'XXX' is not in nations"],
    ),
    Case(
        "worn item indivisible",
        "sustainment_rules",
        lambda r: _sustain(
            r,
            barrel=True,
            wear=[{"item": "barrel", "by": "155-L52", "uses_per_unit": 2500}],
            then=lambda raw: _by_id(raw, "items", "barrel").update(indivisible=True),
        ),
        [
            "sustainment.wear[barrel], field 'item'",
            "item 'barrel' is indivisible, but wear and spares are rates",
            "Fix: set `indivisible: false` on items[barrel]",
        ],
    ),
    Case(
        "repair shop that never returns a unit",
        "sustainment_rules",
        lambda r: _sustain(
            r,
            barrel=True,
            wear=[{"item": "barrel", "by": "155-L52", "uses_per_unit": 2500}],
            repair_shops=[
                {
                    "id": "DEPOT",
                    "country": "DEU",
                    "items": ["barrel"],
                    "capacity": 5,
                    "repair_time": 3,
                    "transport_time": 1,
                }
            ],
        ),
        [
            "sustainment.repair_shops[DEPOT], field 'repair_time'",
            "3 + 1 = 4 periods, not less than the horizon (4 periods)",
            "Fix: lower repair_time or transport_time below 4 in total",
        ],
    ),
    Case(
        "wear rule whose by item meets no demand",
        "sustainment_rules",
        # France has no demand: its use of rounds wears nothing
        lambda r: _sustain(
            r,
            barrel=True,
            wear=[{"item": "barrel", "by": "155-L52", "uses_per_unit": 2500, "nations": ["FRA"]}],
        ),
        [
            "sustainment.wear[barrel], field 'by'",
            "'155-L52' meets no demand of 'FRA' it can serve",
            "the rule never wears or consumes anything",
        ],
    ),
    Case(
        "repair shop for an item nothing wears out",
        "sustainment_rules",
        lambda r: _sustain(
            r,
            repair_shops=[{"id": "DEPOT", "country": "DEU", "items": ["155-L39"], "capacity": 5}],
        ),
        ["sustainment.repair_shops[DEPOT], field 'items'", "'155-L39' never wear out"],
    ),
]


def _sustain(
    raw: Raw, barrel: bool = False, then: Callable[[Raw], None] | None = None, **block: Any
) -> None:
    """Give the scenario a sustainment block (and a barrel item if ``barrel``)."""
    if barrel:
        raw["items"].append({"id": "barrel", "unit": "barrel"})
    raw["sustainment"] = block
    if then is not None:
        then(raw)


def test_tiny_scenario_is_valid() -> None:
    scenario = validate(tiny_raw())
    assert check_scenario(scenario) == []
    assert validate(copy.deepcopy(tiny_raw())) == scenario


def test_every_check_has_a_case() -> None:
    assert {c.check for c in CASES} == set(CHECKS)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_catches(case: Case) -> None:
    raw = tiny_raw()
    case.breaks(raw)
    err = _error(raw)
    text = str(err)
    for words in case.expect:
        assert words in text, f"{words!r} not in:\n{text}"
    found = {p.check for p in err.problems}
    assert case.check in found, text
    assert found <= {case.check, *case.also}, text
    for p in err.problems:
        assert p.entry and p.message and p.fix, p
        assert not p.message.endswith("."), p.message


def test_soft_floor_above_stock_needs_no_refill_date() -> None:
    raw = tiny_raw()
    _stock(raw, "FRA", "155-L52")["floor"] = 40000  # soft, above on_hand 30000: a penalty
    validate(raw)


def test_refill_by_for_a_floor_above_stock_is_a_plan() -> None:
    raw = tiny_raw()
    _stock(raw, "UKR", "155-L39").update(floor=6000, refill_by="2025Q3")
    validate(raw)


def test_zero_demand_needs_no_source() -> None:
    raw = tiny_raw()
    _add_polish_krab(raw)
    raw["demands"][-1]["quantity"] = 0
    validate(raw)


def test_donor_stock_is_a_source() -> None:
    raw = tiny_raw()
    _add_polish_krab(raw)
    raw["stockpiles"].append({"nation": "DEU", "item": "155-KRAB", "on_hand": 10, "donor": True})
    validate(raw)


def test_tier_below_min_order_is_fine() -> None:
    raw = tiny_raw()
    _offer(raw, "RHM", "155-L52")["min_order"] = 60000  # first tier starts at 50000
    validate(raw)


def test_problems_of_several_checks_come_together() -> None:
    raw = tiny_raw()
    raw["demands"][0]["nation"] = "POL"
    _offer(raw, "NXT", "155-L52")["tiers"] = [{"min_volume": 4e4, "price": 5000}]
    raw["funds"][0]["committed"] = 3e9
    raw["settings"]["lateness_weight"] = 1.0
    err = _error(raw)
    assert [p.check for p in err.problems] == [
        "demand_references",
        "tiers",
        "fund_amounts",
        "lateness_weight",
    ]
    text = str(err)
    assert text.startswith("4 problem(s):")
    for words in (
        "demands[UKR-2025Q2]",
        "producers[NXT].offers[155-L52]",
        "funds[EPF]",
        "settings, field 'lateness_weight'",
    ):
        assert words in text


def test_error_names_the_file() -> None:
    raw = tiny_raw()
    raw["demands"][0]["nation"] = "POL"
    with pytest.raises(ScenarioError) as info:
        validate(raw, "tiny.yaml")
    assert "in tiny.yaml:" in str(info.value)
    assert "tiny.yaml: demands[UKR-2025Q2], field 'nation'" in str(info.value)


# ---------------------------------------------------------------------- type errors


def _type_error(breaks: Callable[[Raw], None]) -> ScenarioError:
    raw = tiny_raw()
    breaks(raw)
    err = _error(raw)
    # Pydantic's, before the checks (only reference and duplicate checks run beside them)
    assert all(p.check == "" for p in err.problems), str(err)
    return err


def test_type_error_text_for_a_number() -> None:
    err = _type_error(_set("demands[UKR-2025Q2].quantity", "lots"))
    assert len(err.problems) == 1
    assert (
        "demands[UKR-2025Q2], field 'quantity': Input should be a valid number (got 'lots')"
        in str(err)
    )
    assert "Fix: write it as a plain number" in str(err)


def test_type_error_negative_capacity_said_once() -> None:
    err = _type_error(lambda r: _offer(r, "RHM", "155-L52").update(capacity=-5))
    assert len(err.problems) == 1, str(err)
    assert "producers[RHM].offers[155-L52], field 'capacity'" in str(err)
    assert "greater than or equal to 0 (got -5)" in str(err)


def test_type_error_in_a_series_names_the_period() -> None:
    err = _type_error(lambda r: _offer(r, "RHM", "155-L39").update(capacity={2025: -5}))
    assert len(err.problems) == 1, str(err)
    assert "producers[RHM].offers[155-L39], field 'capacity.2025'" in str(err)
    assert "[#" not in str(err)


def test_type_error_wrong_value_in_a_series() -> None:
    err = _type_error(_set("stockpiles[DEU/155-L52].floor", {"2025Q1": "x"}))
    assert len(err.problems) == 1, str(err)
    assert "stockpiles[DEU/155-L52], field 'floor.2025Q1'" in str(err)


def test_expansion_of_a_producer_and_a_supplier_at_once() -> None:
    err = _type_error(_set("expansions[RHM-UNT].supplier", "JUN"))
    assert len(err.problems) == 1, str(err)
    assert "expansions[RHM-UNT]" in str(err)
    assert "give producer and item (a production line) or supplier" in str(err)
    assert "not both" in str(err)


def test_expansion_needs_a_producer_and_item_or_a_supplier() -> None:
    err = _type_error(_del("expansions[RHM-UNT].item"))
    assert len(err.problems) == 1, str(err)
    assert "give both producer and item (a production line), or supplier" in str(err)


def test_type_error_unknown_field() -> None:
    err = _type_error(lambda r: _offer(r, "NXT", "155-L52").update(capcity=3))
    assert (
        "producers[NXT].offers[155-L52], field 'capcity': unknown field 'capcity' "
        "(did you mean 'capacity'?)" in str(err)
    )
    assert "Fix: rename it to `capacity`" in str(err)


def test_type_error_missing_field_and_nan() -> None:
    err = _type_error(
        _seq(_del("demands[DEU-2025Q4].quantity"), _set("nations[UKR].gni", float("nan")))
    )
    text = str(err)
    assert "demands[DEU-2025Q4], field 'quantity': Field required. Fix: add this field" in text
    assert "nations[UKR], field 'gni'" in text
    assert "finite" in text


def test_type_error_entry_without_id_is_numbered() -> None:
    err = _type_error(lambda r: r["demands"].append({"nation": "UKR"}))
    assert "demands[#4], field 'id': Field required" in str(err)


def test_type_error_bad_contribution_rule() -> None:
    err = _type_error(_set("funds[IFU].contribution", {"rule": "loan"}))
    assert "funds[IFU], field 'contribution'" in str(err)
    assert "set `rule` to `key` or `pledge`" in str(err)


def test_type_error_pledge_range() -> None:
    err = _type_error(
        lambda r: r["funds"][1]["contribution"]["pledges"].update(DEU={"min": 5, "max": 1})
    )
    assert "funds[IFU], field 'contribution.pledges.DEU'" in str(err)
    assert "swap them" in str(err)


def test_top_level_must_be_a_mapping() -> None:
    err = _error(["not", "a", "scenario"])
    assert "scenario: the top level must be a mapping of fields, got list" in str(err)


def test_needs_discount_just_below_the_priority_ratio_passes() -> None:
    # tiny: priorities 1 and 3, due periods 1..3 (span 2): 1.7^2 = 2.89 < 3 <= 1.8^2 = 3.24
    raw = tiny_raw()
    raw["settings"]["needs_discount"] = 0.7
    assert check_scenario(validate(raw)) == []
    raw["settings"]["needs_discount"] = 0.8
    assert [p.check for p in _error(raw).problems] == ["needs_discount"]
