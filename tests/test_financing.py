"""Currencies, whole packages and loans: the rules bind, and amounts convert as documented.

The hand-computed cases (``tests/cases/currency-usd-offer-eur-and-pln-budgets``,
``tests/cases/package-fund-pays-whole-packages``,
``tests/cases/loan-repayments-charged-to-budget``, ``tests/cases/loan-repaid-after-it-is-drawn``
and ``tests/cases/grants-pay-before-loans``) assert each optimum with the rule; these
tests solve the same scenarios without it and assert the different optimum their READMEs
state, so that each rule is shown to bind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aggregate
import aggregate.model.payers as payers
import aggregate.schema.facts as facts
from aggregate.data import prepare
from aggregate.schema.currency import in_reporting_currency
from aggregate.schema.scenario_index import ScenarioIndex

CASES = Path(__file__).resolve().parent / "cases"


def _load(name: str) -> aggregate.Scenario:
    return aggregate.load(CASES / name / "scenario.yaml")


def _short(solution: aggregate.Solution) -> dict[str, float]:
    demands = solution.tables["demands"]
    return dict(zip(demands["demand"], demands["short"], strict=True))


def test_without_the_package_size_the_fund_pays_up_to_its_cap() -> None:
    scenario = _load("package-fund-pays-whole-packages")
    free = scenario.with_changes({"funds[PURL].package_size": None})
    plan = aggregate.solve(free)
    assert plan.key_figures["short"] == pytest.approx(65)
    assert plan.key_figures["total_cost"] == pytest.approx(650)
    assert _short(plan) == pytest.approx({"u-air": 0, "u-fire": 65})
    assert aggregate.verify(free, plan).ok
    # the verifier holds that plan against the packages: 500 is 2.5 packages of 200
    rules = set(aggregate.verify(scenario, plan).violations["rule"])
    assert "fund_package_whole" in rules


def test_as_a_grant_the_fund_pays_up_to_its_cap_and_nothing_is_repaid() -> None:
    scenario = _load("loan-repayments-charged-to-budget")
    grant = scenario.with_changes(
        {
            "funds[SAFE].kind": "grant",
            "funds[SAFE].interest_rate": 0.0,
            "funds[SAFE].repayment_start": None,
            "funds[SAFE].repayment_periods": 1,
        }
    )
    plan = aggregate.solve(grant)
    assert plan.key_figures["short"] == pytest.approx(0)
    assert plan.key_figures["total_cost"] == pytest.approx(1000)
    payments = plan.tables["payments"]
    assert payments.loc[payments.payer == "SAFE", "amount"].sum() == pytest.approx(800)
    assert plan.tables["loans"].empty
    assert aggregate.verify(grant, plan).ok
    # held against the loan, that plan repays nothing of the 800 the loan paid
    assert "loan_repayment" in set(aggregate.verify(scenario, plan).violations["rule"])


def test_a_loan_repaid_after_the_horizon_costs_no_budget() -> None:
    scenario = _load("loan-repayments-charged-to-budget")
    later = scenario.with_changes({"funds[SAFE].repayment_start": None})
    plan = aggregate.solve(later)
    # nothing falls due within P1..P4: the loan pays up to its cap, Ukraine the rest
    assert plan.key_figures["short"] == pytest.approx(0)
    loans = plan.tables["loans"]
    assert (loans.principal.sum(), loans.repaid.sum()) == pytest.approx((800, 0))
    assert loans.outstanding.sum() == pytest.approx(800)
    assert aggregate.verify(later, plan).ok


def test_a_loan_drawn_late_counted_from_its_repayment_start_repays_it_all() -> None:
    scenario = _load("loan-repaid-after-it-is-drawn")
    real = facts.loan_instalments

    def from_start(fund, at, horizon, drawn=-1):  # type: ignore[no-untyped-def]
        return real(fund, at, horizon)  # the instalments whatever the draw's period

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(facts, "loan_instalments", from_start)
        plan = aggregate.solve(scenario)
    # both instalments (P1, P2) in the horizon: Ukraine repays all it borrows, 10q <= 25
    assert plan.key_figures["short"] == pytest.approx(7.5)
    payments = plan.tables["payments"]
    repaid = payments[payments.purpose == "repayment"]
    assert sorted(repaid.period) == ["P1", "P2"]
    assert repaid.amount.sum() == pytest.approx(25)
    # the verifier reads the draw's period from the payments table: repaid before drawn
    assert "loan_repayment" in set(aggregate.verify(scenario, plan).violations["rule"])


def test_the_late_loan_as_a_grant_buys_everything() -> None:
    scenario = _load("loan-repaid-after-it-is-drawn")
    grant = scenario.with_changes(
        {
            "funds[SAFE].kind": "grant",
            "funds[SAFE].interest_rate": 0.0,
            "funds[SAFE].repayment_start": None,
            "funds[SAFE].repayment_periods": 1,
        }
    )
    plan = aggregate.solve(grant)
    assert plan.key_figures["short"] == pytest.approx(0)
    assert plan.key_figures["total_cost"] == pytest.approx(100)
    assert aggregate.verify(grant, plan).ok


def test_a_loan_is_repaid_after_it_closes() -> None:
    scenario = _load("loan-repaid-after-it-is-drawn")
    closed = scenario.with_changes({"funds[SAFE].closes": "P3"})
    plan = aggregate.solve(closed)
    # the repayment in P4 is Ukraine's, due although the fund no longer pays
    assert plan.key_figures["short"] == pytest.approx(5)
    payments = plan.tables["payments"]
    repaid = payments[payments.purpose == "repayment"]
    assert list(repaid.period) == ["P4"]
    assert aggregate.verify(closed, plan).ok


def _order_payers(plan: aggregate.Solution) -> dict[str, float]:
    payments = plan.tables["payments"]
    orders = payments[payments.purpose == "order"]
    return orders.groupby("payer")["amount"].sum().to_dict()


def test_without_grants_before_loans_the_tie_lets_the_loan_pay() -> None:
    scenario = _load("grants-pay-before-loans")
    real = payers.levels

    def no_loan_level(lin, data):  # type: ignore[no-untyped-def]
        return [(name, c) for name, c in real(lin, data) if name != "loans"]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(payers, "levels", no_loan_level)
        plan = aggregate.solve(scenario)
    # the fixed tie weights of these ids prefer the loan: Ukraine would owe 50
    assert _order_payers(plan) == pytest.approx({"LOAN": 50})
    assert plan.tables["loans"].principal.sum() == pytest.approx(50)


def test_grants_before_loans_whatever_the_funds_ids() -> None:
    scenario = _load("grants-pay-before-loans")
    renamed = scenario.with_changes({"funds[GRANT].id": "ZGRANT", "funds[LOAN].id": "ALOAN"})
    plan = aggregate.solve(renamed)
    assert _order_payers(plan) == pytest.approx({"ZGRANT": 50})
    assert plan.tables["loans"].empty
    assert aggregate.verify(renamed, plan).ok


def test_without_the_currencies_every_amount_reads_as_euros() -> None:
    scenario = _load("currency-usd-offer-eur-and-pln-budgets")
    plain = scenario.with_changes({"producers[LMT].currency": None, "nations[POL].currency": None})
    plan = aggregate.solve(plain)
    assert plan.key_figures["total_cost"] == pytest.approx(24_000_000)
    assert _short(plan) == pytest.approx({"d-air": 6, "p-air": 0})


def test_conversion_by_period_and_once() -> None:
    scenario = _load("currency-usd-offer-eur-and-pln-budgets").with_changes(
        {
            "periods": ["P1", "P2"],
            "exchange_rates": {"USD": 0.9, "PLN": {"P1": 0.25, "P2": 0.2}},
            "nations[POL].budget_per_period": {"P1": 1000, "P2": 2000},
        }
    )
    converted = in_reporting_currency(scenario)
    pol = next(n for n in converted.nations if n.code == "POL")
    # a horizon budget at the first period's rate, a per-period budget at each period's
    assert pol.budget == pytest.approx(16_000_000 * 0.25)
    assert pol.budget_per_period == pytest.approx({"P1": 250, "P2": 400})
    assert pol.currency is None
    assert in_reporting_currency(converted) == converted
    data = prepare(scenario)
    assert data.offers["LMT", "PAC-3"].prices == pytest.approx([3_600_000])
    assert (data.offers["LMT", "PAC-3"].currency, data.offers["LMT", "PAC-3"].rate) == ("USD", 0.9)
    assert data.period_budgets["POL"] == pytest.approx([250, 400])
    # the verifier's index reads the same converted amounts
    ix = ScenarioIndex(scenario)
    assert ix.nations["POL"].budget == pytest.approx(data.budgets["POL"])
    assert ix.offers["LMT", "PAC-3"].price == pytest.approx(3_600_000)


def test_a_fund_in_another_currency_converts_its_amounts() -> None:
    scenario = _load("package-fund-pays-whole-packages").with_changes(
        {"exchange_rates": {"USD": 0.5}, "funds[PURL].currency": "USD"}
    )
    fund = prepare(scenario).funds["PURL"]
    assert (fund.cap, fund.package_size) == pytest.approx((250, 100))
