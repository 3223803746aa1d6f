"""The industrial-base rules without the rule: each hand-computed case of tests/cases/ that
adds one of them is solved here once more with the rule taken out, to show that it binds
(the README of each case states the optimum without it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import aggregate

CASES = Path(__file__).resolve().parent / "cases"


def _solve_without(case: str, change: Callable[[dict[str, Any]], None]) -> dict[str, float]:
    """Key figures of the case's scenario after ``change`` (a verified plan)."""
    raw = yaml.safe_load((CASES / case / "scenario.yaml").read_text())
    change(raw)
    scenario = aggregate.validate(raw)
    plan = aggregate.solve(scenario)
    assert plan.status.has_plan, plan.message
    check = aggregate.verify(scenario, plan)
    assert check.ok, str(check)
    return dict(plan.key_figures)


def test_without_fleets_both_demands_take_the_cheaper_round() -> None:
    def drop_systems(raw: dict[str, Any]) -> None:
        for d in raw["demands"]:
            del d["system"]

    got = _solve_without("demand-tied-to-weapon-system", drop_systems)
    assert got["short"] == pytest.approx(0.0, abs=1e-9)
    assert got["total_cost"] == pytest.approx(200.0)


def _offer(raw: dict[str, Any], producer: str) -> dict[str, Any]:
    return next(p for p in raw["producers"] if p["id"] == producer)["offers"][0]


def test_without_the_export_ban_latvia_buys_from_c() -> None:
    got = _solve_without(
        "offer-open-to-named-buyers", lambda raw: _offer(raw, "C").pop("excluded_buyers")
    )
    assert got["total_cost"] == pytest.approx(50.0)


def test_without_the_licence_both_buy_from_a() -> None:
    got = _solve_without("offer-open-to-named-buyers", lambda raw: _offer(raw, "A").pop("buyers"))
    assert got["total_cost"] == pytest.approx(40.0)


def test_explain_names_the_offers_closed_to_a_short_nation() -> None:
    raw = yaml.safe_load((CASES / "offer-open-to-named-buyers" / "scenario.yaml").read_text())
    _offer(raw, "B")["capacity"] = 4
    scenario = aggregate.validate(raw)
    why = aggregate.explain.explain(scenario, expansions=False, all_reasons=True)
    reasons = why.shortfall_reasons
    lva = reasons[reasons.demand == "lva"]
    assert float(lva.short.iloc[0]) == pytest.approx(6.0)
    closed = lva[lva.reason == "buyers"]
    assert sorted(zip(closed.entry, closed.field, strict=True)) == [
        ("producers[A].offers[shell]", "buyers"),
        ("producers[C].offers[shell]", "excluded_buyers"),
    ]
    assert reasons[reasons.demand == "est"].empty


def test_without_precedence_the_second_step_is_built_alone() -> None:
    def drop_after(raw: dict[str, Any]) -> None:
        for e in raw["expansions"]:
            e.pop("after", None)

    got = _solve_without("expansion-step-needs-the-step-before", drop_after)
    assert got["total_cost"] == pytest.approx(40.0)
    assert got["investment_cost"] == pytest.approx(30.0)


def test_verifier_rejects_a_step_started_without_the_step_before() -> None:
    scenario = aggregate.load(CASES / "expansion-step-needs-the-step-before" / "scenario.yaml")
    plan = aggregate.solve(scenario)
    investments = plan.tables["investments"]
    plan.tables["investments"] = investments[investments.expansion != "hall"]
    assert "expansion_precedence" in aggregate.verify(scenario, plan).rules


def test_without_the_ramp_the_line_covers_everything() -> None:
    got = _solve_without("expansion-ramps-up", lambda raw: raw["expansions"][0].pop("ramp"))
    assert got["total_cost"] == pytest.approx(80.0)


def test_verifier_reads_the_ramp_in_the_capacity_table() -> None:
    scenario = aggregate.load(CASES / "expansion-ramps-up" / "scenario.yaml")
    plan = aggregate.solve(scenario)
    capacity = plan.tables["capacity"]
    at = (capacity.producer == "P") & (capacity.period == "P2")
    capacity.loc[at, "added"] = 20.0  # the full addition, ignoring the ramp
    assert "capacity_table" in aggregate.verify(scenario, plan).rules


def test_without_build_ahead_the_lot_cannot_be_made_and_b_sells_all() -> None:
    got = _solve_without(
        "build-ahead-delivers-a-lot", lambda raw: _offer(raw, "P").pop("build_ahead")
    )
    assert got["short"] == pytest.approx(0.0, abs=1e-9)
    assert got["total_cost"] == pytest.approx(5000.0)


def _build_ahead_raw() -> dict[str, Any]:
    return yaml.safe_load((CASES / "build-ahead-delivers-a-lot" / "scenario.yaml").read_text())


def _verified(raw: dict[str, Any]) -> tuple[aggregate.Scenario, aggregate.Solution]:
    """The scenario of ``raw`` and its plan, which the verifier passes."""
    scenario = aggregate.validate(raw)
    plan = aggregate.solve(scenario)
    assert aggregate.verify(scenario, plan).ok
    return scenario, plan


def _build_ahead_plan() -> tuple[aggregate.Scenario, aggregate.Solution]:
    return _verified(_build_ahead_raw())


@pytest.mark.parametrize(
    ("made", "held", "rule"),
    [
        # the lot delivered in M2 but only 500 made by then
        ([0.0, 500.0, 0.0], [0.0, 0.0, 0.0], "build_ahead_balance"),
        # all 1,000 made in M2, twice the month's capacity
        ([0.0, 1000.0, 0.0], [0.0, 0.0, 0.0], "capacity_upper"),
        # made as planned, but the table says nothing was held at the end of M1
        ([500.0, 500.0, 0.0], [0.0, 0.0, 0.0], "build_ahead_balance"),
    ],
)
def test_verifier_checks_what_was_made_and_held(
    made: list[float], held: list[float], rule: str
) -> None:
    scenario, plan = _build_ahead_plan()
    capacity = plan.tables["capacity"]
    at = capacity.producer == "P"
    capacity.loc[at, "made"] = made
    capacity.loc[at, "held"] = held
    assert rule in aggregate.verify(scenario, plan).rules


def test_verifier_rejects_an_offer_holding_units_without_build_ahead() -> None:
    scenario, plan = _build_ahead_plan()
    capacity = plan.tables["capacity"]
    capacity.loc[(capacity.producer == "B") & (capacity.period == "M1"), "made"] = 10.0
    assert "build_ahead_balance" in aggregate.verify(scenario, plan).rules


def _with_fuzes(raw: dict[str, Any], fuzes: float) -> None:
    """Two fuzes a shell from a supplier sending ``fuzes`` a month; B closed."""
    raw["items"][0]["components"] = {"fuze": 2}
    raw["components"] = [{"id": "fuze"}]
    raw["component_suppliers"] = [{"id": "F", "component": "fuze", "capacity": fuzes}]
    raw["producers"] = [p for p in raw["producers"] if p["id"] == "P"]


def test_components_are_consumed_when_made_not_when_delivered() -> None:
    # 1,000 fuzes a month make 500 shells a month: 500 in M1 (held) and 500 in M2
    raw = _build_ahead_raw()
    _with_fuzes(raw, 1000.0)
    scenario, plan = _verified(raw)
    assert plan.key_figures["short"] == pytest.approx(0.0, abs=1e-9)
    fed = plan.tables["components"].groupby("period")["quantity"].sum()
    assert fed.to_dict() == pytest.approx({"M1": 1000.0, "M2": 1000.0})
    # the fuzes of the M1 shells are counted in M1: moving them to M2 breaks the balance
    components = plan.tables["components"]
    components.loc[components.period == "M1", "quantity"] = 0.0
    assert "component_supply" in aggregate.verify(scenario, plan).rules


def test_a_component_limit_binds_on_making() -> None:
    # 600 fuzes a month make 300 shells a month: 600 by M2, less than the lot of 1,000
    raw = _build_ahead_raw()
    _with_fuzes(raw, 600.0)
    _scenario, plan = _verified(raw)
    assert plan.key_figures["short"] == pytest.approx(1000.0)


@pytest.mark.parametrize("build_ahead", [False, True])
def test_placed_orders_draw_on_the_component_supplier(build_ahead: bool) -> None:
    """component-supplier-bottleneck: 50 fuzes, 2 a shell, 40 shells due (15 short). A
    placed order of 10 shells takes 20 of the fuzes: 15 more can be made, 25 in all, so
    still 15 short (the fuzes, not the placed order, are the limit)."""
    raw = yaml.safe_load((CASES / "component-supplier-bottleneck" / "scenario.yaml").read_text())
    raw["producers"][0]["offers"][0]["build_ahead"] = build_ahead
    raw["placed_orders"] = [
        {"id": "old", "producer": "P", "item": "shell", "nation": "UKR",
         "deliveries": {"P1": 10}, "price": 1}
    ]  # fmt: skip
    _scenario, plan = _verified(raw)
    assert plan.key_figures["short"] == pytest.approx(15.0)


def test_binding_placed_orders_fit_the_component_suppliers() -> None:
    # 30 placed shells need 60 fuzes in P1; F sends at most 50: refused before the solve
    raw = yaml.safe_load((CASES / "component-supplier-bottleneck" / "scenario.yaml").read_text())
    raw["placed_orders"] = [
        {"id": "old", "producer": "P", "item": "shell", "nation": "UKR",
         "deliveries": {"P1": 30}, "price": 1}
    ]  # fmt: skip
    with pytest.raises(aggregate.ScenarioError, match="need 60 fuze in P1, above the 50"):
        aggregate.validate(raw)


def test_binding_placed_orders_of_a_maker_building_ahead_fit_its_capacity_to_date() -> None:
    # 800 placed for M2 fits 500 + 500 made by then; 1,100 does not
    raw = _build_ahead_raw()
    placed = {"id": "old", "producer": "P", "item": "shell", "nation": "UKR", "price": 1}
    raw["placed_orders"] = [{**placed, "deliveries": {"M2": 800}}]
    _verified(raw)
    raw["placed_orders"] = [{**placed, "deliveries": {"M2": 1100}}]
    with pytest.raises(aggregate.ScenarioError, match="1,100 units by M2"):
        aggregate.validate(raw)


def test_audit_sees_no_idle_capacity_in_units_made_and_held() -> None:
    # lots of 1,500 at 500 a month: P makes 500 in each of M1-M3, holds them and delivers
    # one lot in M3 (2,000 due in M2, a month late allowed); nothing of P's is idle
    raw = _build_ahead_raw()
    raw["producers"] = raw["producers"][:1]
    raw["producers"][0]["offers"][0]["lot_size"] = 1500
    raw["nations"][0]["budget"] = 1e6
    raw["demands"][0].update(quantity=2000, max_lateness=1)
    scenario, plan = _verified(raw)
    assert plan.tables["capacity"]["made"].tolist() == pytest.approx([500.0] * 3)
    assert aggregate.audit(scenario, plan).flags.empty


def test_explain_counts_made_units_against_a_builder_ahead_capacity() -> None:
    # 10 a period made ahead, 6 placed for P2: P2's capacity row reads 10 of 10, not 16
    raw = yaml.safe_load((CASES / "placed-order-takes-capacity" / "scenario.yaml").read_text())
    raw["periods"] = ["P1", "P2"]
    raw["producers"] = raw["producers"][:1]
    raw["producers"][0]["offers"][0]["build_ahead"] = True
    raw["demands"] = [
        {"id": "pl", "nation": "POL", "capability": "fire", "period": "P2", "quantity": 20}
    ]
    raw["placed_orders"][0]["deliveries"] = {"P2": 6}
    scenario = aggregate.validate(raw)
    why = aggregate.explain.explain(scenario, aggregate.solve(scenario))
    text = "\n".join(why.sentences())
    assert "in P2" in text and "uses 10 of 10" in text and "16 of 16" not in text


def test_shortfall_reasons_name_capacity_before_the_lead_time() -> None:
    # lead 1: an order arrives in M2 at the soonest, but M1's capacity makes half of it
    raw = _build_ahead_raw()
    raw["periods"] = ["M1", "M2"]
    raw["producers"] = [
        {
            "id": "P",
            "country": "DEU",
            "offers": [{"item": "shell", "capacity": 500, "price": 1, "lead_time": 1,
                        "build_ahead": True}],
        }
    ]  # fmt: skip
    raw["demands"][0]["quantity"] = 1500
    scenario = aggregate.validate(raw)
    why = aggregate.explain.explain(scenario, aggregate.solve(scenario))
    reasons = why.shortfall_reasons
    assert set(reasons[reasons.reason == "capacity"].period) == {"M1", "M2"}


def test_without_the_powder_line_5_shells_stay_short() -> None:
    got = _solve_without(
        "component-supplier-expansion-cofinanced", lambda raw: raw.pop("expansions")
    )
    assert got["short"] == pytest.approx(5.0)
    assert got["total_cost"] == pytest.approx(75.0)


def test_verifier_counts_a_supplier_expansion_in_its_capacity() -> None:
    scenario = aggregate.load(CASES / "component-supplier-expansion-cofinanced" / "scenario.yaml")
    plan = aggregate.solve(scenario)
    assert aggregate.verify(scenario, plan).ok
    plan.tables["investments"] = plan.tables["investments"].iloc[0:0]
    assert "supplier_capacity_upper" in aggregate.verify(scenario, plan).rules


def test_a_group_keeps_only_the_offers_open_to_its_members() -> None:
    from aggregate.games.coalitions import restrict

    scenario = aggregate.load(CASES / "offer-open-to-named-buyers" / "scenario.yaml")
    latvia = restrict(scenario, ["LVA"])
    assert [p.id for p in latvia.producers] == ["B"]
    estonia = restrict(scenario, ["EST"])
    assert sorted(p.id for p in estonia.producers) == ["A", "B", "C"]
    assert next(p for p in estonia.producers if p.id == "C").offers[0].excluded_buyers == []


def test_a_group_drops_a_step_whose_step_before_it_is_dropped() -> None:
    from aggregate.games.coalitions import restrict

    raw = yaml.safe_load(
        (CASES / "expansion-step-needs-the-step-before" / "scenario.yaml").read_text()
    )
    raw["nations"].append({"code": "EST", "name": "Estonia"})
    raw["demands"].append(
        {"id": "e", "nation": "EST", "capability": "fire", "period": "P2", "quantity": 1}
    )
    # the hall belongs to a producer only Ukraine may buy from; the second line to another
    raw["producers"].append(
        {"id": "Q", "country": "DEU", "offers": [{"item": "shell", "capacity": 0, "price": 1}]}
    )
    raw["producers"][0]["offers"][0]["buyers"] = ["UKR"]
    raw["expansions"][1]["producer"] = "Q"
    scenario = aggregate.validate(raw)
    estonia = restrict(scenario, ["EST"])
    assert [e.id for e in estonia.expansions] == []
    plan = aggregate.solve(estonia)  # Q's offer without its expansion: nothing from Q
    assert aggregate.verify(estonia, plan).ok
    assert set(plan.tables["orders"].producer) == {"B"}
    assert [e.id for e in restrict(scenario, ["UKR"]).expansions] == ["hall", "line2"]


@pytest.mark.parametrize(
    "case",
    [
        "demand-tied-to-weapon-system",
        "offer-open-to-named-buyers",
        "expansion-step-needs-the-step-before",
        "expansion-ramps-up",
        "component-supplier-expansion-cofinanced",
    ],
)
def test_workbook_round_trip_keeps_the_industry_fields(tmp_path: Path, case: str) -> None:
    from aggregate.io import load, write_excel

    scenario = load(CASES / case / "scenario.yaml")
    assert load(write_excel(scenario, tmp_path / "case.xlsx")) == scenario
