"""Money in several currencies: exchange rates and the one conversion of a scenario's
amounts into its reporting currency (``Scenario.currency``).

The model data (:mod:`aggregate.data`), the tables, the checks and the verifier (through
:class:`~aggregate.schema.scenario_index.ScenarioIndex`) all read a scenario through
:func:`in_reporting_currency`, so an amount is converted once, the same way everywhere.
"""

from __future__ import annotations

from aggregate.schema.base import expand
from aggregate.schema.funds import Fund, PledgeRule
from aggregate.schema.industry import Producer
from aggregate.schema.nations import Nation
from aggregate.schema.scenario import Scenario

# --- currencies -----------------------------------------------------------------------


def rates(scenario: Scenario, currency: str | None) -> list[float] | None:
    """Reporting-currency units per unit of ``currency`` in each period: 1 for the reporting
    currency (or None, an entry naming none), the ``exchange_rates`` series otherwise, None
    when the scenario gives no rate for it (:func:`aggregate.check` reports that)."""
    if currency is None or currency == scenario.currency:
        return [1.0] * len(scenario.periods)
    rate = scenario.exchange_rates.get(currency)
    return None if rate is None else expand(rate, list(scenario.periods))


def converted(amount: float, rate: list[float], period: int = 0) -> float:
    """``amount`` of another currency in the reporting currency, at the rate of ``period``
    (a period index; the first period by default): the one conversion every amount goes
    through."""
    return float(amount) * rate[period]


def _converted_series(
    value: float | dict[str, float], rate: list[float], periods: list[str]
) -> float | dict[str, float]:
    """A per-period amount converted period by period, each value at its own period's rate
    (a single number stays one when the rate is one number over the horizon)."""
    if not isinstance(value, dict) and len(set(rate)) <= 1:
        return converted(value, rate)
    return {
        p: converted(v, rate, t)
        for t, (p, v) in enumerate(zip(periods, expand(value, periods), strict=True))
    }


def stated_currency(scenario: Scenario, producer: Producer) -> tuple[str, float]:
    """(currency, rate): the currency ``producer`` states its prices in and the rate they are
    converted at (reporting units per unit; 1 for the reporting currency or a currency
    without a rate, which is left unconverted)."""
    r = rates(scenario, producer.currency)
    code = producer.currency or scenario.currency
    return (code, r[0]) if r is not None else (code, 1.0)


def in_reporting_currency(scenario: Scenario) -> Scenario:
    """``scenario`` with every amount in the reporting currency (``Scenario.currency``).

    Each producer, nation and fund naming another ``currency`` has its amounts multiplied
    by that currency's rate (``exchange_rates``, reporting units per unit) of the period the
    money is paid, through :func:`converted`:

    * a producer's unit prices, tier prices and delivery costs at the rate of the order's
      arrival period, its contract costs at the first period's (contracts are placed at the
      start), each ``order_period_cost`` at its own period's rate, an expansion's
      ``investment_cost`` at its start period's rate, an order already placed's price and
      cancellation fee at the first period's rate. A producer's currency has one rate
      over the horizon (:func:`aggregate.check` requires it while prices are single
      numbers), so all of these are that one rate;
    * a nation's ``budget`` and bilateral ``ceiling`` (horizon totals) at the first period's
      rate, its ``budget_per_period`` at each period's own rate;
    * a fund's ``cap``, ``committed``, pledges and ``package_size`` (horizon totals) at the
      first period's rate, each of its ``tranches`` at its own period's rate.

    Converted entries name no currency, so converting twice changes nothing; an entry whose
    currency has no rate is left as it is (the checks report it). The model's data, the
    plan's tables and the verifier all read the scenario through this one conversion
    (:func:`aggregate.data.prepare`, :class:`ScenarioIndex`).
    """
    periods = list(scenario.periods)
    changes: dict[str, object] = {}

    producers: list[Producer] = []
    producer_rate: dict[str, list[float]] = {}
    for prod in scenario.producers:
        r = rates(scenario, prod.currency)
        if prod.currency is None or r is None:
            producers.append(prod)
            continue
        producer_rate[prod.id] = r
        offers = [
            o.model_copy(
                update={
                    # a price series (escalation) is converted period by period
                    "price": _converted_series(o.price, r, periods),
                    "tiers": [
                        t.model_copy(update={"price": _converted_series(t.price, r, periods)})
                        for t in o.tiers
                    ],
                    "delivery_cost": converted(o.delivery_cost, r),
                    "delivery_cost_to": {n: converted(v, r) for n, v in o.delivery_cost_to.items()},
                    "contract_cost": converted(o.contract_cost, r),
                    "order_period_cost": _converted_series(o.order_period_cost, r, periods),
                }
            )
            for o in prod.offers
        ]
        producers.append(prod.model_copy(update={"offers": offers, "currency": None}))
    if producer_rate:
        changes["producers"] = producers
        changes["expansions"] = [
            e.model_copy(
                update={"investment_cost": converted(e.investment_cost, producer_rate[e.producer])}
            )
            if e.producer in producer_rate
            else e
            for e in scenario.expansions
        ]
        # an order already placed was agreed in its producer's currency, at its first rate
        changes["placed_orders"] = [
            o.model_copy(
                update={
                    "price": converted(o.price, producer_rate[o.producer]),
                    "cancellation_fee": converted(o.cancellation_fee, producer_rate[o.producer]),
                }
            )
            if o.producer in producer_rate
            else o
            for o in scenario.placed_orders
        ]

    nations: list[Nation] = []
    for n in scenario.nations:
        r = rates(scenario, n.currency)
        if n.currency is None or r is None:
            nations.append(n)
            continue
        update: dict[str, object] = {"currency": None}
        if n.budget is not None:
            update["budget"] = converted(n.budget, r)
        if n.budget_per_period is not None:
            update["budget_per_period"] = _converted_series(n.budget_per_period, r, periods)
        update["buys_for"] = [
            b if b.ceiling is None else b.model_copy(update={"ceiling": converted(b.ceiling, r)})
            for b in n.buys_for
        ]
        nations.append(n.model_copy(update=update))
    if any(n.currency is not None for n in scenario.nations):
        changes["nations"] = nations

    funds: list[Fund] = []
    for f in scenario.funds:
        r = rates(scenario, f.currency)
        if f.currency is None or r is None:
            funds.append(f)
            continue
        update = {
            "currency": None,
            "committed": converted(f.committed, r),
            "cap": None if f.cap is None else converted(f.cap, r),
            "package_size": None if f.package_size is None else converted(f.package_size, r),
        }
        if f.tranches is not None:
            at = {p: t for t, p in enumerate(periods)}
            update["tranches"] = {
                p: converted(v, r, at[p]) if p in at else v for p, v in f.tranches.items()
            }
        if isinstance(f.contribution, PledgeRule):
            pledges = {
                m: p.model_copy(
                    update={
                        "min": converted(p.min, r),
                        "max": None if p.max is None else converted(p.max, r),
                    }
                )
                for m, p in f.contribution.pledges.items()
            }
            update["contribution"] = f.contribution.model_copy(update={"pledges": pledges})
        funds.append(f.model_copy(update=update))
    if any(f.currency is not None for f in scenario.funds):
        changes["funds"] = funds
    return scenario.model_copy(update=changes) if changes else scenario
