"""Domain facts defined once (schema.facts), one label per entity (aggregate.labels)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import aggregate
from aggregate import labels
from aggregate.overrides import resolve
from aggregate.schema import Expansion, Fund, Item, KeyRule, Nation, Stockpile, facts

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted((ROOT / "models").glob("*/scenario.yaml"))


def test_usable_needs_a_shared_system_only_when_both_name_systems() -> None:
    item = Item(id="shell", systems=["PzH2000"])
    assert facts.usable(item, Nation(code="DEU", name="Germany", systems=["PzH2000"]))
    assert facts.usable(item, Nation(code="FRA", name="France"))
    assert not facts.usable(item, Nation(code="POL", name="Poland", systems=["Krab"]))
    assert facts.usable(Item(id="any"), Nation(code="POL", name="Poland", systems=["Krab"]))


def test_key_shares_normalise_and_split_evenly_without_weights() -> None:
    nations = {
        "AAA": Nation(code="AAA", name="A", gni=300.0),
        "BBB": Nation(code="BBB", name="B", gni=100.0),
    }
    fund = Fund(id="F", members=["AAA", "BBB"])
    assert facts.key_shares(fund, nations) == {"AAA": 0.75, "BBB": 0.25}
    custom = Fund(id="G", members=["AAA", "BBB"], contribution=KeyRule(basis="custom"))
    assert facts.key_shares(custom, nations) == {"AAA": 0.5, "BBB": 0.5}


def test_donation_policy_is_the_stockpiles_else_the_nations_else_surplus() -> None:
    stock = Stockpile(nation="POL", item="shell", donor=True)
    poland = Nation(code="POL", name="Poland")
    assert facts.donation_policy(stock, poland) == "surplus"
    assert facts.donation_policy(stock, None) == "surplus"
    giving = poland.model_copy(update={"donation_policy": "priority"})
    assert facts.donation_policy(stock, giving) == "priority"
    keeping = stock.model_copy(update={"donation_policy": "surplus"})
    assert facts.donation_policy(keeping, giving) == "surplus"


def test_sponsor_is_the_named_nation_else_the_producers_home() -> None:
    e = Expansion(id="E", producer="P", item="shell", added_capacity=5, investment_cost=1)
    assert facts.sponsor(e, "DEU", {"DEU", "FRA"}) == "DEU"
    assert facts.sponsor(e, "USA", {"DEU", "FRA"}) is None
    named = e.model_copy(update={"sponsor": "FRA"})
    assert facts.sponsor(named, "DEU", {"DEU", "FRA"}) == "FRA"


def test_added_capacity_from_the_ready_period_to_the_end() -> None:
    added = facts.added_capacity([("P", "shell", 5.0, 1), ("P", "shell", 2.0, 2)], 4)
    assert [added["P", "shell", t] for t in range(4)] == [0.0, 5.0, 7.0, 7.0]


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.parent.name)
def test_every_entity_label_resolves_to_one_entry(path: Path) -> None:
    raw = yaml.safe_load(path.read_text())
    sc = aggregate.load(path)
    found = [labels.nation(n.code) for n in sc.nations]
    found += [labels.offer(p.id, o.item) for p in sc.producers for o in p.offers]
    found += [labels.stockpile(s.nation, s.item) for s in sc.stockpiles]
    found += [labels.demand(d.id) for d in sc.demands]
    found += [labels.expansion(e.id) for e in sc.expansions]
    found += [labels.supplier(s.id) for s in sc.component_suppliers]
    found += [labels.fund(f.id) for f in sc.funds]
    found += [labels.field(labels.fund(f.id), "members", m) for f in sc.funds for m in f.members]
    for label in found:
        assert len(resolve(raw, label)) == 1, label


def test_added_capacity_follows_the_ramp() -> None:
    added = facts.added_capacity([("P", "shell", 8.0, 1, [0.25, 0.5])], 5)
    assert [added["P", "shell", t] for t in range(5)] == [0.0, 2.0, 4.0, 8.0, 8.0]
