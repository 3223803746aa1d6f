"""The independent checker: a hand-written feasible plan passes; each broken rule is caught.

Every tampering case changes one number (of the plan or of the scenario) of the plans in
``tests/support.py`` and names the rule(s) that must then be reported. Where ``exact`` is set,
no other rule may be reported: the checker must point at the cause, not at its echoes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from aggregate.errors import AggregateError, PlanError
from aggregate.overrides import parse_path, resolve
from aggregate.result import Solution, SolveStatus
from aggregate.verify import RULES, VIOLATION_COLUMNS, PlanViolation, Verification, verify
from tests.support import NAN, alone_solution, make_scenario, pooled_solution
from tests.support import verify_scenario_data as scenario_data

Data = dict[str, Any]


def set_cell(solution: Solution, table: str, column: str, value: Any, **where: Any) -> None:
    """Set ``column`` of the one row of ``table`` matching ``where``."""
    df = solution.tables[table]
    mask = pd.Series(True, index=df.index)
    for key, wanted in where.items():
        mask &= df[key] == wanted
    assert mask.sum() == 1, f"{table} {where} matches {mask.sum()} rows"
    df.loc[mask, column] = value


def check(data: Data, solution: Solution) -> Verification:
    return verify(make_scenario(data), solution)


def shell_offer(data: Data) -> Data:
    offer: Data = data["producers"][0]["offers"][0]
    return offer


def fund(data: Data) -> Data:
    entry: Data = data["funds"][0]
    return entry


def stockpile(data: Data) -> Data:
    entry: Data = data["stockpiles"][0]
    return entry


def nation(data: Data, code: str) -> Data:
    return next(n for n in data["nations"] if n["code"] == code)


def set_contributions(solution: Solution, aaa: float, bbb: float) -> None:
    """Change the contributions to EPF consistently in every table (spending unchanged)."""
    total = aaa + bbb
    for code, amount in (("AAA", aaa), ("BBB", bbb)):
        set_cell(solution, "contributions", "amount", amount, nation=code)
        set_cell(solution, "contributions", "share", amount / total, nation=code)
        set_cell(solution, "contributions", "lower", 0.0, nation=code)
        set_cell(solution, "contributions", "upper", total, nation=code)
        set_cell(solution, "payments", "amount", amount, payer=code, purpose="contribution")
        set_cell(solution, "budgets", "contributions", amount, nation=code)
    set_cell(solution, "budgets", "spent", 260.0 + aaa + 100.0 + 110.0, nation="AAA")
    set_cell(solution, "budgets", "spent", 700.0 + bbb, nation="BBB")
    solution.key_figures["unspent_fund_balance"] = total - 200.0


# --- the hand-written plans pass ----------------------------------------------------


def test_pooled_plan_satisfies_every_rule() -> None:
    result = verify(make_scenario(), pooled_solution())
    assert result.checked
    assert result.ok, str(result)
    assert list(result.violations.columns) == VIOLATION_COLUMNS
    assert str(result) == "the plan satisfies every rule checked"
    result.raise_if_violated()


def test_going_alone_plan_satisfies_every_rule() -> None:
    result = verify(make_scenario(), alone_solution())
    assert result.ok, str(result)


def test_solver_noise_within_tolerance_passes() -> None:
    solution = pooled_solution()
    set_cell(solution, "orders", "purchase_cost", 240.0 + 1e-5, nation="AAA", order_period="P1")
    set_cell(solution, "inventory", "closing", 30.0 - 1e-7, nation="AAA", period="P1")
    solution.key_figures["total_cost"] += 1e-4
    assert verify(make_scenario(), solution).ok


def test_no_plan_is_not_checked() -> None:
    solution = Solution(scenario_name="x", status=SolveStatus.INFEASIBLE)
    result = verify(make_scenario(), solution)
    assert not result.checked
    assert result.ok
    assert result.violations.empty
    assert "no plan" in str(result)


def test_violations_are_listed_and_raised() -> None:
    solution = pooled_solution()
    solution.key_figures["total_cost"] = 1400.0
    result = verify(make_scenario(), solution)
    assert not result.ok
    row = result.violations.iloc[0]
    assert (row["rule"], row["entity"], row["excess"]) == (
        "key_figures",
        "key_figures[total_cost]",
        20.0,
    )
    assert "key_figures: key_figures[total_cost]" in str(result)
    with pytest.raises(PlanViolation, match="total_cost 1400, the tables give 1420") as info:
        result.raise_if_violated()
    assert isinstance(info.value, PlanError)
    assert isinstance(info.value, AggregateError)
    assert len(info.value.violations) == 1


def test_soft_floor_below_with_penalty_passes() -> None:
    data = scenario_data()
    stockpile(data).update(floor=35.0, floor_type="soft", floor_penalty=2.0)
    solution = pooled_solution()
    for period, below in (("P1", 5.0), ("P2", 5.0), ("P3", 0.0)):
        set_cell(solution, "inventory", "floor", 35.0, nation="AAA", period=period)
        set_cell(solution, "inventory", "below_floor", below, nation="AAA", period=period)
    solution.key_figures["penalty_cost"] = 20.0
    assert check(data, solution).ok, str(check(data, solution))


def test_soft_refill_target_missed_with_penalty_passes() -> None:
    data = scenario_data()
    stockpile(data).update(refill_target=50.0, refill_penalty=3.0)
    solution = pooled_solution()
    set_cell(solution, "refills", "target", 50.0, nation="AAA")
    set_cell(solution, "refills", "missed", 10.0, nation="AAA")
    solution.key_figures["penalty_cost"] = 30.0
    assert check(data, solution).ok


def test_key_tolerance_band_allows_a_share_off_the_key() -> None:
    data = scenario_data()
    solution = pooled_solution()
    set_contributions(solution, 160.0, 40.0)
    assert "contribution_key" in check(data, solution).rules
    fund(data)["contribution"]["tolerance"] = 0.2
    result = check(data, solution)
    assert result.ok, str(result)


def test_floor_below_opening_binds_from_refill_by() -> None:
    data = scenario_data()
    stockpile(data)["floor"] = 45.0  # above the 40 on hand: binds from P3 (refill_by) on
    result = check(data, pooled_solution())
    floor = result.violations[result.violations["rule"] == "stock_floor_lower"]
    assert list(floor["period"]) == ["P3"]
    assert list(floor["excess"]) == [5.0]


def test_every_rule_reported_is_documented() -> None:
    solution = pooled_solution()
    solution.pooled = False
    solution.tables["orders"]["quantity"] *= 3
    result = verify(make_scenario(), solution)
    assert result.rules <= set(RULES)
    assert len(result.rules) > 10


# --- tampering: each rule family ----------------------------------------------------

Tamper = Callable[[Data, Solution], None]


def _order(column: str, value: Any, **where: Any) -> Tamper:
    return lambda data, solution: set_cell(solution, "orders", column, value, **where)


def _cell(table: str, column: str, value: Any, **where: Any) -> Tamper:
    return lambda data, solution: set_cell(solution, table, column, value, **where)


def _key(name: str, value: Any) -> Tamper:
    return lambda data, solution: solution.key_figures.__setitem__(name, value)


AAA_P2 = {"nation": "AAA", "arrival_period": "P2"}


def _route(data: Data, solution: Solution) -> None:
    data["nations"].append({"code": "CCC", "name": "C"})
    set_cell(solution, "orders", "nation", "CCC", nation="BBB", item="shell")


def _tier_price(data: Data, solution: Solution) -> None:
    set_cell(solution, "orders", "unit_price", 10.0, **AAA_P2)
    set_cell(solution, "orders", "purchase_cost", 300.0, **AAA_P2)


def _two_nations_alone(data: Data, solution: Solution) -> None:
    set_cell(solution, "orders", "nation", "AAA", contract="PRD/rocket/BBB", arrival_period="P2")


def _fund_pays_alone(data: Data, solution: Solution) -> None:
    """EPF (consortium of two) pays 100 of AAA's going-alone shell contract: AAA is its only
    nation, so the consortium cannot form."""
    payments = solution.tables["payments"]
    paid = payments.iloc[[0]].assign(payer="EPF", payer_type="fund", channel="EPF", amount=100.0)
    solution.tables["payments"] = pd.concat([payments, paid], ignore_index=True)


def _drop_investment(data: Data, solution: Solution) -> None:
    solution.tables["investments"] = solution.tables["investments"].iloc[0:0]


def _repeat_investment(data: Data, solution: Solution) -> None:
    df = solution.tables["investments"]
    solution.tables["investments"] = pd.concat([df, df], ignore_index=True)


def _drop_column(data: Data, solution: Solution) -> None:
    solution.tables["supply"] = solution.tables["supply"].drop(columns=["equivalent"])


def _repeat_demand_row(data: Data, solution: Solution) -> None:
    df = solution.tables["demands"]
    solution.tables["demands"] = pd.concat([df, df.iloc[[0]]], ignore_index=True)


def _fund_pays_more(data: Data, solution: Solution) -> None:
    set_cell(solution, "payments", "amount", 220.0, payer="EPF", purpose="order")
    # AAA pays 50 of its P2 orders (270 - 220) and all 90 of P3's: 140
    set_cell(solution, "payments", "amount", 50.0, payer="AAA", purpose="order", period="P2")
    set_cell(solution, "budgets", "orders", 140.0, nation="AAA")
    set_cell(solution, "budgets", "spent", 500.0, nation="AAA")
    stockpile(data)["unit_value"] = 100.0  # so only the fund's balance breaks


def _tranches(tranches: dict[str, float], periods: dict[str, str]) -> Tamper:
    """EPF collects in ``tranches``; each member pays its contribution in its period."""

    def go(data: Data, solution: Solution) -> None:
        fund(data)["tranches"] = tranches
        for n, period in periods.items():
            set_cell(solution, "payments", "period", period, payer=n, purpose="contribution")

    return go


def _stranger_contributes(data: Data, solution: Solution) -> None:
    data["nations"].append({"code": "CCC", "name": "C"})
    df = solution.tables["contributions"]
    stranger = pd.DataFrame([("EPF", "CCC", 10.0, 0.0, NAN, 0.0, NAN)], columns=df.columns)
    solution.tables["contributions"] = pd.concat([df, stranger], ignore_index=True)


def _with(change: Callable[[Data], None]) -> Tamper:
    def tamper(data: Data, solution: Solution) -> None:
        change(data)

    return tamper


CASES: list[Any] = [
    # orders
    pytest.param(_order("order_period", "P2", **AAA_P2), {"order_lead_time"}, True,
                 id="lead time"),
    pytest.param(_order("order_period", "P0", **AAA_P2), {"order_period_horizon"}, True,
                 id="ordered before the horizon"),
    pytest.param(_order("lots", 2.0, **AAA_P2), {"order_lots"}, True, id="lots"),
    pytest.param(_order("lots", 2.5, **AAA_P2), {"order_lots"}, True, id="fractional lots"),
    pytest.param(_order("lots", 1.0, nation="BBB", arrival_period="P1"), {"order_lots"}, True,
                 id="lots without lot size"),
    pytest.param(_order("purchase_cost", 250.0, **AAA_P2), {"order_purchase_cost"}, False,
                 id="purchase cost"),
    pytest.param(_with(lambda d: shell_offer(d)["delivery_cost_to"].update(BBB=3.0)),
                 {"order_delivery_cost"}, True, id="delivery cost"),
    pytest.param(_with(lambda d: nation(d, "BBB").update(systems=["S2"])),
                 {"order_compatibility", "donation_arc", "supply_compatibility"}, True,
                 id="compatibility"),
    pytest.param(_route, {"order_route"}, False, id="route"),
    pytest.param(_tier_price, {"order_tier_price", "order_tier_link"}, False, id="tier price"),
    pytest.param(_order("contract", "PRD/rocket/BBB", nation="BBB", arrival_period="P1"),
                 {"order_contract_label", "contract_volume"}, False, id="contract label"),
    # contracts
    pytest.param(_with(lambda d: shell_offer(d)["tiers"][0].update(min_volume=60.0)),
                 {"tier_volume_lower"}, True, id="tier not reached"),
    pytest.param(_with(lambda d: shell_offer(d).update(min_order=60.0)),
                 {"min_order_lower"}, True, id="min order"),
    pytest.param(_cell("contracts", "volume", 40.0, contract="PRD/shell"),
                 {"contract_volume"}, True, id="contract volume"),
    pytest.param(_cell("contracts", "nations", 1, contract="PRD/shell"),
                 {"contract_nations"}, True, id="contract nations"),
    pytest.param(_cell("contracts", "order_periods", 1, contract="PRD/rocket"),
                 {"contract_order_periods"}, True, id="contract order periods"),
    pytest.param(_with(lambda d: shell_offer(d).update(order_period_cost={"P1": 5.0, "P3": 7.0})),
                 {"contract_period_cost"}, True, id="period cost"),
    pytest.param(_cell("contracts", "contract_cost", 50.0, contract="PRD/shell"),
                 {"contract_cost", "fixed_cost_payments", "key_figures"}, True, id="contract cost"),
    pytest.param(_cell("contracts", "tier", 2, contract="PRD/shell"),
                 {"tier_choice", "order_tier_link"}, True, id="no such tier"),
    pytest.param(_cell("contracts", "unit_price", 25.0, contract="PRD/rocket"),
                 {"contract_tier_price", "order_tier_link"}, True, id="contract tier price"),
    # capacity and investments
    pytest.param(_with(lambda d: d["producers"][0]["offers"][1].update(capacity=10.0)),
                 {"capacity_upper", "capacity_table"}, True, id="capacity"),
    pytest.param(_drop_investment, {"capacity_upper", "fund_investment_eligible"}, False,
                 id="capacity without the expansion"),
    pytest.param(_cell("capacity", "used", 25.0, item="shell", period="P2"),
                 {"capacity_table"}, True, id="capacity table"),
    pytest.param(_repeat_investment, {"expansion_once"}, False, id="expansion twice"),
    pytest.param(_with(lambda d: d["expansions"][0].update(latest_start="P1")),
                 {"expansion_start_window"}, True, id="expansion start window"),
    pytest.param(_cell("investments", "ready_period", "P2", expansion="EXP"),
                 {"investment_ready_period"}, True, id="ready period"),
    pytest.param(_with(lambda d: d["expansions"][0].update(lead_periods=2)),
                 {"investment_ready_period", "capacity_upper", "capacity_table"}, True,
                 id="ready past the horizon"),
    pytest.param(_cell("investments", "investment_cost", 150.0, expansion="EXP"),
                 {"investment_record"}, False, id="investment cost"),
    # components
    pytest.param(_with(lambda d: d["component_suppliers"][0].update(capacity=25.0)),
                 {"supplier_capacity_upper"}, True, id="supplier capacity"),
    pytest.param(_cell("components", "quantity", 15.0, period="P3"),
                 {"component_supply"}, True, id="component supply"),
    pytest.param(_with(lambda d: d["component_suppliers"][0].update(serves=["OTHER"])),
                 {"supplier_serves", "component_supply"}, True, id="supplier serves"),
    # stock
    pytest.param(_cell("inventory", "closing", 31.0, nation="AAA", period="P2"),
                 {"stock_balance", "stock_opening", "stock_holding_cost"}, False,
                 id="stock balance"),
    pytest.param(_cell("inventory", "arrivals", 20.0, nation="AAA", period="P2"),
                 {"stock_arrivals", "stock_balance"}, True, id="stock arrivals"),
    pytest.param(_cell("donations", "quantity", 12.0, donor="AAA"),
                 {"stock_donations"}, False, id="stock donations"),
    pytest.param(_cell("inventory", "used", 14.0, nation="BBB", item="rocket", period="P1"),
                 {"stock_used", "stock_balance"}, True, id="stock used"),
    pytest.param(_cell("inventory", "closing", -2.0, nation="BBB", item="shell", period="P1"),
                 {"stock_nonnegative"}, False, id="negative stock"),
    pytest.param(_cell("inventory", "holding_cost", 16.0, nation="AAA", period="P1"),
                 {"stock_holding_cost", "key_figures"}, True, id="holding cost"),
    pytest.param(_with(lambda d: stockpile(d).update(floor=35.0)),
                 {"stock_floor_lower", "stock_floor_table"}, True, id="hard floor"),
    pytest.param(_cell("inventory", "below_floor", 1.0, nation="AAA", period="P1"),
                 {"stock_floor_lower"}, True, id="below a hard floor"),
    pytest.param(_with(lambda d: stockpile(d).update(refill_target=50.0)),
                 {"refill_target_lower", "refill_table"}, True, id="refill target"),
    pytest.param(_cell("refills", "level", 30.0, nation="AAA"),
                 {"refill_table"}, True, id="refill table"),
    # donations, supply and demands
    pytest.param(_with(lambda d: stockpile(d).update(donor=False)),
                 {"donation_arc", "fund_payment_eligible"}, True, id="not a donor"),
    pytest.param(_cell("donations", "recipient", "AAA", donor="AAA"),
                 {"donation_arc"}, False, id="donation to oneself"),
    pytest.param(_with(lambda d: nation(d, "AAA").pop("donation_policy")),
                 {"donation_surplus_upper"}, True, id="default surplus policy, donor short"),
    pytest.param(_with(lambda d: stockpile(d).update(donation_policy="surplus")),
                 {"donation_surplus_upper"}, True, id="stockpile's surplus policy overrides"),
    pytest.param(_with(lambda d: d["demands"][1].update(max_lateness=0)),
                 {"supply_window"}, True, id="too late"),
    pytest.param(_cell("supply", "periods_late", 2, demand="DB", period="P2"),
                 {"supply_periods_late"}, True, id="periods late"),
    pytest.param(_cell("supply", "equivalent", 15.0, demand="DB", item="rocket", period="P1"),
                 {"supply_equivalent", "demand_accounting"}, True, id="equivalent"),
    pytest.param(_cell("supply", "nation", "AAA", demand="DB", item="rocket", period="P2"),
                 {"supply_record"}, False, id="supply record"),
    pytest.param(_cell("demands", "met_late", 9.0, demand="DB"),
                 {"demand_accounting", "demand_balance"}, False, id="demand accounting"),
    pytest.param(_cell("demands", "short", 6.0, demand="DA"),
                 {"demand_balance", "demand_weighted_shortfall"}, False, id="demand balance"),
    pytest.param(_cell("demands", "weighted_shortfall", 12.0, demand="DA"),
                 {"demand_weighted_shortfall", "key_figures"}, True, id="weighted shortfall"),
    pytest.param(_cell("demands", "priority", 3.0, demand="DA"),
                 {"demand_record"}, False, id="demand record"),
    # funds
    pytest.param(lambda d, s: set_contributions(s, 160.0, 40.0), {"contribution_key"}, True,
                 id="key share"),
    pytest.param(_with(lambda d: fund(d).update(
        contribution={"rule": "pledge", "pledges": {"AAA": {"min": 200.0}}})),
                 {"contribution_pledge", "contribution_table"}, True, id="pledge"),
    pytest.param(_with(lambda d: fund(d).update(cap=150.0)), {"fund_cap_upper"}, True,
                 id="fund cap"),
    pytest.param(_with(lambda d: fund(d).update(committed=300.0)), {"fund_committed_lower"},
                 True, id="fund committed"),
    pytest.param(_stranger_contributes, {"contribution_member"}, False, id="not a member"),
    pytest.param(_cell("payments", "amount", 400.0, payer="EPF", purpose="order"),
                 {"fund_payment_upper", "order_payment_balance"}, False, id="funds overpay"),
    pytest.param(_fund_pays_more, {"fund_balance", "funds_accounting", "key_figures"}, True,
                 id="fund balance"),
    pytest.param(_with(lambda d: stockpile(d).update(unit_value=5.0)), {"fund_refill_upper"},
                 True, id="refill reimbursement limit"),
    pytest.param(_with(lambda d: fund(d).update(max_cofinancing_share=0.25)),
                 {"fund_investment_upper"}, True, id="cofinancing share"),
    pytest.param(_with(lambda d: fund(d).update(uses=["refill"])),
                 {"fund_investment_eligible"}, True, id="fund may not invest"),
    pytest.param(_with(lambda d: fund(d).update(min_nations_per_contract=3)),
                 {"consortium_lower"}, True, id="consortium"),
    pytest.param(_with(lambda d: fund(d).update(eligible_producer_countries=["BBB"])),
                 {"fund_payment_eligible", "fund_investment_eligible"}, True,
                 id="producer country"),
    pytest.param(_with(lambda d: fund(d).update(eligible_beneficiaries=["BBB"])),
                 {"fund_payment_eligible"}, True, id="beneficiary"),
    pytest.param(_with(lambda d: fund(d).update(uses=["procurement", "investment"])),
                 set(), True, id="procurement use lifts the refill limit"),
    pytest.param(_with(lambda d: fund(d).update(closes="P1")), {"fund_open_window"}, True,
                 id="fund pays after it closes"),
    pytest.param(_with(lambda d: fund(d).update(tranches={"P1": 200.0})),
                 {"contribution_periods", "fund_cash_balance"}, False,
                 id="contributions without their tranche periods"),
    pytest.param(_tranches({"P2": 150.0}, {"AAA": "P2", "BBB": "P2"}), {"fund_tranche_upper"},
                 True, id="tranche"),
    pytest.param(_tranches({"P1": 100.0, "P3": 200.0}, {"AAA": "P3", "BBB": "P1"}),
                 {"fund_cash_balance"}, True, id="cash balance"),
    pytest.param(_with(lambda d: nation(d, "AAA").update(pays_at="award")),
                 {"order_payment_balance", "fund_payment_upper"}, False,
                 id="orders paid at award"),
    # payments and budgets
    pytest.param(_cell("payments", "amount", 160.0, payer="AAA", purpose="order", period="P2"),
                 {"order_payment_balance", "budget_accounting"}, True, id="order payments"),
    pytest.param(_cell("payments", "amount", 140.0, payer="AAA", purpose="contribution"),
                 {"contribution_payments"}, False, id="contribution payments"),
    pytest.param(_cell("payments", "amount", 90.0, payer="AAA", purpose="investment"),
                 {"investment_payment_balance", "budget_accounting"}, True,
                 id="sponsor payment"),
    pytest.param(_cell("payments", "payer", "BBB", payer="AAA", purpose="investment"),
                 {"investment_payment_balance"}, False, id="wrong sponsor"),
    pytest.param(_cell("payments", "payer_type", "bank", payer="BBB", purpose="contribution"),
                 {"payment_record"}, False, id="payment record"),
    pytest.param(_with(lambda d: nation(d, "AAA").update(budget=500.0)),
                 {"budget_upper", "budget_accounting"}, True, id="budget"),
    pytest.param(_with(lambda d: nation(d, "BBB").update(budget_per_period=400.0)),
                 {"budget_period_upper"}, True, id="budget per period"),
    pytest.param(_cell("budgets", "spent", 500.0, nation="AAA"),
                 {"budget_accounting"}, True, id="budget table"),
    # key figures
    pytest.param(_key("total_cost", 1400.0), {"key_figures"}, True, id="total cost"),
    pytest.param(_key("fill_rate", 1.0), {"key_figures"}, True, id="fill rate"),
    pytest.param(_key("unspent_fund_balance", 5.0), {"key_figures"}, True, id="unspent"),
    pytest.param(_key("status", "time_limit"), {"key_figures"}, True, id="status"),
    pytest.param(lambda d, s: s.key_figures.pop("short"), {"key_figures"}, True,
                 id="missing key figure"),
    # the tables themselves
    pytest.param(_drop_column, {"table_columns"}, False, id="missing column"),
    pytest.param(_cell("budgets", "nation", "ZZZ", nation="BBB"), {"table_ids"}, False,
                 id="unknown id"),
    pytest.param(_repeat_demand_row, {"table_keys"}, True, id="repeated row"),
    pytest.param(_cell("donations", "quantity", -1.0, donor="AAA"), {"nonnegative"}, False,
                 id="negative quantity"),
]  # fmt: skip


@pytest.mark.parametrize(("tamper", "expected", "exact"), CASES)
def test_tampered_plan_breaks_the_rule(tamper: Tamper, expected: set[str], exact: bool) -> None:
    data, solution = scenario_data(), pooled_solution()
    tamper(data, solution)
    result = check(data, solution)
    assert result.rules <= set(RULES)
    if exact:
        assert result.rules == expected, str(result)
    else:
        assert expected <= result.rules, str(result)


ALONE_CASES: list[Any] = [
    pytest.param(lambda d, s: setattr(s, "pooled", True),
                 {"order_contract_label", "contract_label"}, True, id="labels of a pooled plan"),
    pytest.param(_two_nations_alone, {"order_contract_label", "contract_alone"}, False,
                 id="two nations under one contract"),
    pytest.param(_fund_pays_alone, {"consortium_lower"}, False,
                 id="consortium fund pays going alone"),
]  # fmt: skip


@pytest.mark.parametrize(("tamper", "expected", "exact"), ALONE_CASES)
def test_tampered_alone_plan(tamper: Tamper, expected: set[str], exact: bool) -> None:
    data, solution = scenario_data(), alone_solution()
    tamper(data, solution)
    result = check(data, solution)
    if exact:
        assert result.rules == expected, str(result)
    else:
        assert expected <= result.rules, str(result)


def test_pooled_plan_declared_alone_is_caught() -> None:
    solution = pooled_solution()
    solution.pooled = False
    rules = verify(make_scenario(), solution).rules
    # EPF's payment for AAA's shells needs two nations in the contract: alone, only AAA
    assert {"order_contract_label", "contract_label", "consortium_lower"} <= rules


ENTRIES = ("nations[", "producers[", "demands[", "expansions[", "funds[", "component_suppliers[")


def test_entities_are_labels_in_the_path_language() -> None:
    """Each violation names its entity as scenario paths (``producers[PRD].offers[shell]``)
    joined by ``->`` (a flow) or ``:`` (a fund's part), or as a part of the solution
    (``tables.orders[3]``, ``key_figures[total_cost]``); scenario entries resolve."""
    seen: set[str] = set()
    for case in [*CASES, *ALONE_CASES]:
        tamper = case.values[0]
        data = scenario_data()
        solution = alone_solution() if case in ALONE_CASES else pooled_solution()
        tamper(data, solution)
        for entity in check(data, solution).violations["entity"]:
            seen.add(entity)
            for part in re.split(r" -> |: ", entity):
                steps = parse_path(part)  # a malformed path raises
                if part.startswith(ENTRIES):
                    # a member may be named as it pays in without being one
                    entry = part.split(".members[")[0]
                    assert resolve(data, entry), f"{entry} (of {entity!r}) names nothing"
                else:
                    assert steps[0].text in ("tables", "key_figures", "stockpiles", "components")
    assert "producers[PRD].offers[rocket]" in seen
    assert "producers[PRD].offers[shell] -> nations[AAA]" in seen
    assert "tables.contracts[PRD/shell]" in seen
