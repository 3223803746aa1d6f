"""Domain facts of a scenario, defined once: the rules every layer reads the same way.

The schema says what a scenario holds; these functions say what it *means* where more than
one layer needs the answer: whether a nation can use an item, a fund's key shares, who
sponsors an expansion, what a donated unit is worth, which capacity expansions add, where a
floor starts to bind, what a fund may pay for. The model data (:mod:`aggregate.data`), the
plan tables (:mod:`aggregate.extract`), the verifier (:mod:`aggregate.verify`), the checks
and the explanations read them here, so a rule cannot drift between layers.

The functions are pure (schema objects in, plain values out).
:class:`~aggregate.schema.scenario_index.ScenarioIndex` looks a validated scenario up by id
and answers the same facts by id, with the per-period series expanded once and every amount
in the reporting currency (:func:`~aggregate.schema.currency.in_reporting_currency`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence

from aggregate import labels
from aggregate.schema.base import expand
from aggregate.schema.funds import Fund, KeyRule, PledgeRule
from aggregate.schema.industry import ComponentSupplier, Expansion, Offer, Producer
from aggregate.schema.materiel import Component, Item
from aggregate.schema.nations import DonationPolicy, Nation
from aggregate.schema.needs import Stockpile
from aggregate.schema.scenario import Scenario

Build = tuple[str, str, float, int] | tuple[str, str, float, int, Sequence[float]]
"""An expansion built: (producer, item, units added per period, first period ready), with
its ramp as a fifth part where it has one (the shares of the units available in the first
periods once ready, ``Expansion.ramp``)."""


# --- compatibility --------------------------------------------------------------------


def usable(item: Item, nation: Nation) -> bool:
    """Whether ``nation`` can use ``item``: an item qualified for named systems needs a nation
    operating one of them; an item or a nation without systems goes with everything."""
    return not item.systems or not nation.systems or bool(set(item.systems) & set(nation.systems))


def fits_system(item: Item, system: str | None) -> bool:
    """Whether ``item`` may meet a demand tied to weapon ``system`` (``Demand.system``): any
    item when the demand names no system, else an item qualified for it or with no systems."""
    return system is None or not item.systems or system in item.systems


def usable_pairs(scenario: Scenario) -> set[tuple[str, str]]:
    """(nation, item) pairs where the nation can use the item (:func:`usable`)."""
    return {
        (nation.code, item.id)
        for nation in scenario.nations
        for item in scenario.items
        if usable(item, nation)
    }


# --- offers ---------------------------------------------------------------------------


def tier_prices(offer: Offer, periods: list[str]) -> list[list[float]]:
    """Unit price per tier and ORDER period: ``[k][o]`` is what a unit of tier ``k`` (0 the
    base price, k the k-th discount tier) costs when ordered in period ``o`` (arrival minus
    lead time). A constant price is the same in every period; a series (escalation) is a
    step function of the order (award) period, the price agreed when the order is placed.
    The one definition of an order's price: the model's data and the verifier read it."""
    return [expand(offer.price, periods), *(expand(t.price, periods) for t in offer.tiers)]


def price_values(price: float | Mapping[str, float]) -> list[float]:
    """The values a price (a number or a series) takes."""
    return [float(v) for v in price.values()] if isinstance(price, Mapping) else [float(price)]


def escalates(offer: Offer) -> bool:
    """Whether any price of the offer (base or tier) is a series."""
    return any(isinstance(x, Mapping) for x in (offer.price, *(t.price for t in offer.tiers)))


def tier_minimums(offer: Offer) -> list[float]:
    """Pooled volume from which each tier applies; 0 for the base tier."""
    return [0.0, *(float(t.min_volume) for t in offer.tiers)]


def may_buy(offer: Offer, nation: str) -> bool:
    """Whether ``nation`` may order from ``offer``: listed in its ``buyers`` (when given)
    and not in its ``excluded_buyers``."""
    listed = offer.buyers is None or nation in offer.buyers
    return listed and nation not in offer.excluded_buyers


def delivery_rate(offer: Offer, nation: str) -> float:
    """Delivery cost per unit of ``offer`` to ``nation``: the named rate, else the default."""
    return float(offer.delivery_cost_to.get(nation, offer.delivery_cost))


def fixed_cost_shares(
    offer: Offer, country: str | None, nations: Mapping[str, Nation], takers: Iterable[str]
) -> dict[str, float]:
    """Nation -> its share of a pooled contract's fixed costs: the offer's
    ``fixed_costs_paid_by`` pays all, or its ``fixed_costs_split`` weights normalised; neither:
    the producer's ``country`` if it is a nation of the scenario, else an equal split among
    ``takers``, the nations that may order the item, leaving out those with a budget of 0 (an
    aid recipient that pays nothing itself would otherwise keep every other nation from
    opening the contract; all takers share when none has money). Empty: no nation may order,
    so no contract is ever placed."""
    if offer.fixed_costs_paid_by is not None:
        return {offer.fixed_costs_paid_by: 1.0}
    if offer.fixed_costs_split:
        total = sum(offer.fixed_costs_split.values())
        return {n: w / total for n, w in sorted(offer.fixed_costs_split.items()) if w > 0}
    if country is not None and country in nations:
        return {country: 1.0}
    who = sorted(set(takers))
    paying = [n for n in who if n not in nations or nations[n].budget != 0]
    who = paying or who
    return {n: 1.0 / len(who) for n in who}


def cheapest_prices(producers: Iterable[Producer]) -> dict[str, float]:
    """item -> the cheapest base price any producer offers it at (the lowest value of an
    escalating price)."""
    cheapest: dict[str, float] = {}
    for prod in producers:
        for off in prod.offers:
            low = min(price_values(off.price))
            cheapest[off.item] = min(cheapest.get(off.item, low), low)
    return cheapest


# --- stock ----------------------------------------------------------------------------


def unit_value(stockpile: Stockpile | None, cheapest: Mapping[str, float], item: str) -> float:
    """Replacement value of one donated unit of ``item`` (what a refill fund reimburses at
    most): the stockpile's ``unit_value``, else the cheapest base price, else 0."""
    if stockpile is not None and stockpile.unit_value is not None:
        return float(stockpile.unit_value)
    return float(cheapest.get(item, 0.0))


def floor_start(
    stockpile: Stockpile, floor: list[float], at: Mapping[str, int], tol: float = 0.0
) -> int | None:
    """First period index where the floor binds; None when it never does.

    A floor binds from the first period if the stock starts at or above the first period's
    floor (within ``tol`` relative to it); otherwise from ``refill_by`` on, and never
    without ``refill_by``. A floor that is 0 throughout never binds.
    """
    if max(floor, default=0.0) <= 0:
        return None
    if stockpile.on_hand >= floor[0] - tol * max(1.0, floor[0]):
        return 0
    return at[stockpile.refill_by] if stockpile.refill_by is not None else None


def donation_policy(stockpile: Stockpile, nation: Nation | None) -> DonationPolicy:
    """How far a donor stockpile may give: its own ``donation_policy``, else its nation's,
    else ``surplus`` (donate only what the nation's own demands do not need)."""
    if stockpile.donation_policy is not None:
        return stockpile.donation_policy
    return nation.donation_policy if nation is not None else "surplus"


# --- expansions -----------------------------------------------------------------------


def sponsor(expansion: Expansion, country: str | None, nations: Container[str]) -> str | None:
    """Nation paying the part of an expansion no fund pays: its ``sponsor``, else the
    ``country`` of its producer (or component supplier) if that is a nation of the
    scenario, else none."""
    if expansion.sponsor:
        return expansion.sponsor
    return country if country is not None and country in nations else None


def start_window(expansion: Expansion, at: Mapping[str, int], horizon: int) -> tuple[int, int]:
    """(earliest, latest) start period index of ``expansion`` (both inclusive)."""
    first = at[expansion.earliest_start] if expansion.earliest_start is not None else 0
    last = at[expansion.latest_start] if expansion.latest_start is not None else horizon - 1
    return first, last


def ramp_share(ramp: Sequence[float], since_ready: int) -> float:
    """Share of an expansion's added capacity available ``since_ready`` periods after it is
    ready (0 in the period it is ready): 0 before, ``ramp[since_ready]`` while ramping up,
    1 after the ramp."""
    if since_ready < 0:
        return 0.0
    return float(ramp[since_ready]) if since_ready < len(ramp) else 1.0


def added_capacity(
    builds: Iterable[Build], horizon: int
) -> defaultdict[tuple[str, str, int], float]:
    """(producer, item, period index) -> capacity added by the expansions ready by then
    (0 for any other key).

    An expansion started in period ``s`` with lead ``L`` adds its capacity in every period
    from ``s + L`` to the end of the horizon, the share :func:`ramp_share` of it in period
    ``s + L + j`` while it ramps up.
    """
    added: defaultdict[tuple[str, str, int], float] = defaultdict(float)
    for build in builds:
        producer, item, units, ready = build[:4]
        ramp = build[4] if len(build) > 4 else ()
        for t in range(max(ready, 0), horizon):
            added[producer, item, t] += float(units) * ramp_share(ramp, t - ready)
    return added


# --- funds ----------------------------------------------------------------------------


def key_weights(fund: Fund, nations: Mapping[str, Nation]) -> dict[str, float] | None:
    """Members' raw key weights (GNI, GDP or custom shares; 0 where unknown), None for a
    pledge fund."""
    rule = fund.contribution
    if not isinstance(rule, KeyRule):
        return None
    weights: dict[str, float] = {}
    for m in fund.members:
        if rule.basis == "custom":
            weights[m] = float(rule.shares.get(m, 0.0))
        else:
            nation = nations.get(m)
            weights[m] = float(getattr(nation, rule.basis) or 0.0) if nation is not None else 0.0
    return weights


def key_shares(fund: Fund, nations: Mapping[str, Nation]) -> dict[str, float]:
    """Each member's key share: its GNI (GDP, custom weight) over the members' total, cut to
    the rule's ``max_share`` (:func:`capped_shares`); equal shares when every weight is 0
    (which :func:`aggregate.check` rejects). A key-rule fund only."""
    weights = key_weights(fund, nations)
    if weights is None:
        raise TypeError(f"fund {fund.id} has pledges, not a key")
    total = sum(weights.values())
    if total <= 0:
        weights = dict.fromkeys(weights, 1.0)
    assert isinstance(fund.contribution, KeyRule)
    return capped_shares(weights, fund.contribution.max_share)


def capped_shares(weights: Mapping[str, float], cap: float | None) -> dict[str, float]:
    r"""Normalised shares of ``weights`` (positive total), none above ``cap`` (water-filling).

    Start from :math:`s_m = w_m / \sum_j w_j`. While some uncapped share is above the cap,
    fix every such share at the cap and give what is left, :math:`1 - cap \cdot |C|` (C the
    capped members), to the uncapped members in proportion to their weights:
    :math:`s_m = (1 - cap |C|) \, w_m / \sum_{j \notin C} w_j`. Each round caps at least
    one more member, so it ends within one round per member; raising the others' shares
    never lowers a capped one, so the result is the unique key that is proportional to the
    weights below the cap. E.g. weights 60/30/10 with cap 0.4: 0.6 is cut to 0.4 and 0.6 is
    spread 30:10 (0.45, 0.15); 0.45 is above the cap, so it is cut too and the last 0.2 goes
    to the third member: 0.4, 0.4, 0.2.

    Without a cap, or with ``cap * members < 1`` (no key can meet it;
    :func:`aggregate.check` rejects it), the plain normalised shares. Uncapped members whose
    weights are all 0 share what is left equally (their key would otherwise be undefined;
    :func:`aggregate.check` rejects that too)."""
    total = sum(weights.values())
    shares = {m: w / total for m, w in weights.items()}
    if cap is None or cap * len(weights) < 1 - 1e-12:
        return shares
    capped: set[str] = set()
    while True:
        over = [m for m in weights if m not in capped and shares[m] > cap + 1e-12]
        if not over:
            return shares
        capped.update(over)
        left = 1.0 - cap * len(capped)
        free = [m for m in weights if m not in capped]
        free_total = sum(weights[m] for m in free)
        for m in weights:
            if m in capped:
                shares[m] = cap
            elif free_total > 0:
                shares[m] = left * weights[m] / free_total
            else:
                shares[m] = left / len(free)


def open_window(fund: Fund, at: Mapping[str, int], horizon: int) -> tuple[int, int]:
    """(first, last) period index in which ``fund`` pays and collects: its ``opens`` to its
    ``closes`` (absent: the horizon's first and last period)."""
    first = at[fund.opens] if fund.opens is not None else 0
    last = at[fund.closes] if fund.closes is not None else horizon - 1
    return first, last


def origin_ok(fund: Fund, country: str | None) -> bool:
    """Whether ``fund`` may buy from a producer in ``country`` (its origin rule)."""
    allowed = fund.eligible_producer_countries
    return allowed is None or (country is not None and country in allowed)


def fund_order_uses(
    fund: Fund, country: str | None, nation: str, item: str, donor_stock: bool
) -> tuple[bool, bool]:
    """(procurement, refill): whether ``fund`` may pay for ``nation``'s orders of ``item``
    from a producer in ``country`` as procurement, and as a refill of a donor stock
    (``donor_stock``: the nation holds a donor stockpile of the item)."""
    if not origin_ok(fund, country):
        return False, False
    if fund.eligible_items is not None and item not in fund.eligible_items:
        return False, False
    listed = fund.eligible_beneficiaries is None or nation in fund.eligible_beneficiaries
    procurement = "procurement" in fund.uses and listed
    refill = "refill" in fund.uses and listed and donor_stock
    return procurement, refill


def supplier_value(supplier: ComponentSupplier, component: Component | None) -> float | None:
    """Value of one unit a supplier feeds, for component-origin rules: its ``price``, else its
    component's ``value``; None where neither is given."""
    if supplier.price is not None:
        return float(supplier.price)
    if component is not None and component.value is not None:
        return float(component.value)
    return None


def origin_inside(countries: Container[str], country: str | None) -> bool:
    """Whether a supplier in ``country`` counts as inside a component-origin rule's
    ``countries`` (a supplier without a country counts as outside)."""
    return country is not None and country in countries


def loan_instalments(fund: Fund, at: Mapping[str, int], horizon: int, drawn: int = -1) -> list[int]:
    r"""The period indices, within the horizon's :math:`T` periods, of the instalments of
    what loan ``fund`` pays in period index ``drawn`` (-1: before the horizon); [] for a
    grant.

    A loan is repaid in :math:`R` = ``repayment_periods`` equal instalments of :math:`1/R`
    of the principal, one a period from :math:`\max(s, d + 1)`, with :math:`s` the index
    of ``repayment_start`` (:math:`T`, after the horizon, when absent) and :math:`d` the
    period it is drawn (paid out): no instalment falls before the period after the draw, so
    a loan drawn in the last period is repaid after the horizon whatever its
    ``repayment_start``."""
    if fund.kind != "loan":
        return []
    start = at[fund.repayment_start] if fund.repayment_start is not None else horizon
    first = max(start, drawn + 1)
    return list(range(first, min(first + fund.repayment_periods, horizon)))


def loan_schedule(
    fund: Fund, at: Mapping[str, int], horizon: int, drawn: int = -1
) -> tuple[float, float]:
    r"""(repaid, interest): the share of what loan ``fund`` pays in period index ``drawn``
    (-1: before the horizon) repaid within the horizon, and the interest over the whole
    schedule per unit of principal; (0, 0) for a grant.

    ``repaid`` is the count of the :math:`R` = ``repayment_periods`` instalments within the
    horizon (:func:`loan_instalments`) over :math:`R`: with the first instalment in
    :math:`u = \max(s, d + 1)`, :math:`\max(0, \min(R, T - u)) / R`. Interest at rate
    :math:`r` a period is paid on the principal still owed in each repayment period,
    :math:`1, (R-1)/R, \dots, 1/R` of it: :math:`r \sum_{k=0}^{R-1} (R - k)/R = r (R + 1)/2`
    per unit of principal (interest between the draw and the first instalment is not
    counted).
    """
    if fund.kind != "loan":
        return 0.0, 0.0
    within = len(loan_instalments(fund, at, horizon, drawn))
    return within / fund.repayment_periods, float(fund.interest_rate) * (
        fund.repayment_periods + 1
    ) / 2


def bilateral_funds(nations: Iterable[Nation]) -> dict[str, Fund]:
    """Each bilateral purchase as the fund it acts as, by channel id
    (:func:`aggregate.labels.bilateral`): the payer its one member, paying what it buys (a
    pledge from 0 without limit), the ceiling its cap, nothing committed, the beneficiary its
    only eligible beneficiary, uses, origin and items as stated on the purchase. The model,
    the tables and the verifier read a purchase through this one translation."""
    out: dict[str, Fund] = {}
    for n in nations:
        for b in n.buys_for:
            channel = labels.bilateral(n.code, b.beneficiary)
            # built without validation: a channel id holds ``>``, which no fund id may
            out[channel] = Fund.model_construct(
                id=channel,
                name=channel,
                members=[n.code],
                contribution=PledgeRule(),
                cap=b.ceiling,
                committed=0.0,
                uses=list(b.uses),
                eligible_producer_countries=b.eligible_producer_countries,
                eligible_beneficiaries=[b.beneficiary],
                eligible_items=b.eligible_items,
                max_cofinancing_share=0.0,
                min_nations_per_contract=1,
            )
    return out


# --- sustainment ---------------------------------------------------------------------


def consumption(scenario: Scenario, kind: str) -> dict[tuple[str, str], dict[str, float]]:
    """(nation, consumed item) -> used item -> units consumed per unit used, for the
    sustainment block's ``wear`` or ``spares`` rules (``kind``).

    A rule applies to a nation (of its ``nations``, or any) with a demand for a capability
    its ``by`` item meets, can use and may serve (:func:`fits_system`, the demand's weapon
    system): what that nation draws of ``by`` to meet demands
    wears out ``1 / uses_per_unit`` of ``item`` (or consumes as many spares) per unit.
    Unknown ids (which the checks report) are left out."""
    out: dict[tuple[str, str], dict[str, float]] = {}
    if scenario.sustainment is None:
        return out
    rules = scenario.sustainment.wear if kind == "wear" else scenario.sustainment.spares
    nations = {n.code: n for n in scenario.nations}
    items = {i.id: i for i in scenario.items}
    meets = {c.id: {eq.item for eq in c.satisfied_by} for c in scenario.capabilities}
    for r in rules:
        if r.by not in items or r.item not in items:
            continue
        for d in sorted(scenario.demands, key=lambda d: d.id):
            n = nations.get(d.nation)
            if n is None or r.by not in meets.get(d.capability, ()) or not usable(items[r.by], n):
                continue
            if not fits_system(items[r.by], d.system):
                continue  # the demand is tied to a system the by item is not qualified for
            if r.nations and d.nation not in r.nations:
                continue
            rates = out.setdefault((d.nation, r.item), {})
            rates[r.by] = 1.0 / r.uses_per_unit
    return dict(sorted(out.items()))


def sustained_pairs(scenario: Scenario) -> set[tuple[str, str]]:
    """(nation, item) pairs a nation needs because its use wears the item out or consumes
    it as a spare (:func:`consumption`): it may order them."""
    return set(consumption(scenario, "wear")) | set(consumption(scenario, "spares"))
