"""The sustainment block's rules bind: each hand case (tests/cases/) against the same
scenario without the rule, with the optimum its README states; and the verifier catches a
plan that breaks the sustainment rules."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import aggregate
from aggregate.result import Solution
from aggregate.schema import Scenario
from aggregate.schema.facts import consumption

CASES = Path(__file__).resolve().parent / "cases"


def _case(name: str) -> Scenario:
    return aggregate.load(CASES / name / "scenario.yaml")


def _solve(scenario: Scenario) -> Solution:
    plan = aggregate.solve(scenario)
    assert plan.status.has_plan, plan.message
    assert aggregate.verify(scenario, plan).ok
    return plan


def test_repair_capacity_binds() -> None:
    """With room for every worn barrel the depot repairs all 30 and nothing is bought."""
    sc = _case("repair-cheaper-than-new-capped-by-shop")
    plan = _solve(sc.with_changes({"sustainment.repair_shops[DEPOT].capacity": 10}))
    assert plan.key_figures["purchase_cost"] == pytest.approx(0, abs=1e-9)
    assert plan.key_figures["repair_cost"] == pytest.approx(600)
    assert plan.key_figures["total_cost"] == pytest.approx(600)


def test_without_forward_repair_two_periods_are_short() -> None:
    sc = _case("forward-repair-avoids-shortfall")
    plan = _solve(sc.with_changes({"sustainment.repair_shops[FORWARD]": ("remove", None)}))
    demands = plan.tables["demands"].set_index("demand")
    assert demands.short.to_dict() == {"fire-P1": 0, "fire-P2": 1000, "fire-P3": 1000, "fire-P4": 0}
    assert plan.key_figures["weighted_shortfall"] == pytest.approx(1000 / 1.01 + 1000 / 1.01**2)
    assert plan.key_figures["repair_cost"] == pytest.approx(300)
    assert set(plan.tables["repairs"].returned) == {"P4"}


def test_spares_rule_binds() -> None:
    sc = _case("spares-use-forces-purchase")
    without_rule = _solve(sc.with_changes({"sustainment.spares[kit]": ("remove", None)}))
    assert without_rule.key_figures["total_cost"] == pytest.approx(0, abs=1e-9)
    no_offer = _solve(sc.with_changes({"producers[KITS]": ("remove", None)}))
    assert no_offer.key_figures["short"] == pytest.approx(500)


def test_no_sustainment_block_leaves_the_plan_alone() -> None:
    """Without the block nothing wears out: the repairs table is empty, the columns 0."""
    sc = _case("repair-cheaper-than-new-capped-by-shop").with_changes(
        {"sustainment": ("set", None)}
    )
    plan = _solve(sc)
    assert plan.tables["repairs"].empty
    inventory = plan.tables["inventory"]
    assert (inventory[["worn", "spares_drawn", "repaired", "worn_pool"]] == 0).all().all()
    assert plan.key_figures["total_cost"] == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize(
    ("table", "column", "value", "row", "rules"),
    [
        ("repairs", "quantity", 5.0, 0, {"repair_capacity_upper"}),
        ("repairs", "returned", "P2", 0, {"repair_return"}),
        ("repairs", "repair_cost", 10.0, 0, {"repair_cost"}),
        ("inventory", "worn", 9.0, 0, {"worn_from_use"}),
        ("inventory", "worn_pool", 7.0, 0, {"worn_pool_balance"}),
    ],
)
def test_verifier_catches_broken_sustainment(
    table: str, column: str, value: object, row: int, rules: set[str]
) -> None:
    sc = _case("repair-cheaper-than-new-capped-by-shop")
    plan = aggregate.solve(sc)
    tables = {k: v.copy() for k, v in plan.tables.items()}
    frame = tables[table]
    frame.loc[frame.index[row], column] = value
    plan.tables.clear()
    plan.tables.update(tables)
    found = set(aggregate.verify(sc, plan).violations["rule"])
    assert rules <= found, found


def test_sustainment_round_trips_through_excel(tmp_path: Path) -> None:
    from aggregate.io import write_excel

    for name in ("forward-repair-avoids-shortfall", "spares-use-forces-purchase"):
        scenario = _case(name)
        path = write_excel(scenario, tmp_path / f"{name}.xlsx")
        assert aggregate.load(path) == scenario


def test_surplus_policy_protects_the_donors_wear() -> None:
    """Under the priority policy Germany gives all its barrels and is 500 rounds short."""
    sc = _case("surplus-donor-keeps-barrels-it-wears")
    plan = _solve(sc.with_changes({"stockpiles[DEU/barrel].donation_policy": "priority"}))
    demands = plan.tables["demands"].set_index("demand")
    assert demands.short.to_dict() == {"deu-fire": 500, "ukr-fire": 0}
    assert plan.tables["donations"].quantity.sum() == pytest.approx(10)


def test_explain_names_the_worn_out_item() -> None:
    """A shortfall no rule row holds (no barrel life left) is explained by the wear."""
    from aggregate.explain import explain

    sc = _case("forward-repair-avoids-shortfall")
    sc = sc.with_changes({"sustainment.repair_shops[FORWARD]": ("remove", None)})
    reasons = explain(sc, _solve(sc), expansions=False).shortfall_reasons
    assert set(reasons.demand) == {"fire-P2", "fire-P3"}
    assert set(reasons.reason) == {"worn out"}
    assert set(reasons.entry) == {"sustainment.wear[barrel]"}
    assert "of which UKR had none left in P2" in reasons.sentence.iloc[0]


def test_rule_skips_a_demand_its_by_item_cannot_serve() -> None:
    """A demand tied to a weapon system the ``by`` item is not qualified for draws nothing
    of it, so it consumes no spares (:func:`~aggregate.schema.facts.consumption`); checks
    left out (the demand alone would be reported unservable)."""
    raw = yaml.safe_load((CASES / "spares-use-forces-purchase" / "scenario.yaml").read_text())
    raw["items"][0]["systems"] = ["S1"]
    rate = {("UKR", "kit"): {"round": 1 / 500}}
    for system, expected in (("S2", {}), ("S1", rate)):
        raw["demands"][0]["system"] = system
        assert consumption(Scenario.model_validate(raw), "spares") == expected
