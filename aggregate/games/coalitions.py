r"""Coalition values of a scenario: what each group of nations pays when it buys on its own.

The value of a group :math:`S` (a *coalition*) is the optimum of the **weighted** objective
of the same model (``SolveSettings.objective = "weighted"``) on the scenario restricted to
:math:`S`:

.. math:: c(S) = \text{cost}(S) + \sum_{d \in S} \bigl(\text{shortfall\_penalty}_d\,
          \text{short}_d + \text{lateness\_penalty}_d\,\text{late}_d\bigr)
          + \text{floor and refill penalties}

so a group that cannot meet its demand on its own is charged its shortfall penalties (the
needs-first objective would give two numbers; a game needs one). :math:`c(\emptyset) = 0`.

Restricting to :math:`S` (:func:`restrict`) keeps the members' nations, demands, stocks and
budgets, and every producer, expansion and supplier at its full capacity: the nations
outside :math:`S` are absent (they buy on their own elsewhere and do not compete for
:math:`S`'s capacity). Funds keep their members in :math:`S` (see :func:`restrict` for the
rules); a single nation has no funds. This differs from :func:`aggregate.compare`'s
going-alone plan, which keeps every nation, fund and donation and removes only the pooling.
The grand coalition is the scenario itself, so :math:`c(N)` is the pooled plan's weighted
objective, and, where capacity does not bind between nations, no nation donates to
another and no fund collects money, :math:`c(\{i\})` is nation :math:`i`'s cost in the
going-alone baseline.

Solving is cached by group and runs over any :class:`concurrent.futures.Executor`: a local
process pool by default, or a Dask ``distributed.Client``'s ``client.get_executor()``.
With ``warm_start`` a group's solve starts from the plan of the largest group inside it
already solved (its contracts, tiers and lots kept all together where they fit, the new
members' lots at none, the rest re-solved). It can help where HiGHS needs long for a
first plan (on six ``mip-M`` nations it saved nothing), but a value is then any plan
within the gap that the start leads to, so it can differ (within the gap) with the groups
solved before it. Off by default: every value is then the same on any run.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from aggregate.checks import check_scenario
from aggregate.errors import ScenarioError
from aggregate.games.solutions import Coalition, GameError, subsets
from aggregate.model.linear import Decisions
from aggregate.result import Solution
from aggregate.schema import (
    BilateralPurchase,
    Fund,
    KeyRule,
    Nation,
    Offer,
    PledgeRule,
    Scenario,
)
from aggregate.schema.facts import consumption, key_shares, key_weights, may_buy, usable_pairs
from aggregate.schema.sustainment import RepairShop, Spares, Sustainment, Wear
from aggregate.solve import solve

log = logging.getLogger(__name__)

TOLERATED_CHECKS = frozenset({"demand_sources", "item_usable", "offer_capacity", "tier_reachable"})
"""Checks a restricted scenario may fail and still be solved: a member's demand that only
an outsider's donation could meet (it is short, and charged its penalty), an item a
member holds in stock but cannot use, and an offer whose capacity (or a tier's volume)
came from an expansion step the group leaves out because the step before it is outside
the group (nothing, or less, can be ordered from it)."""


# ---------------------------------------------------------------------------------------
# restricting a scenario to a group


def restrict(scenario: Scenario, group: Iterable[str]) -> Scenario:
    """The scenario as the nations of ``group`` would face it on their own.

    * nations, demands, stockpiles, budgets: the members' only;
    * items: those a member can use or holds; offers, expansions, capabilities' items and
      component suppliers follow (a producer left with no offer is dropped);
    * ``delivery_cost_to``, an offer's ``commitments`` and an expansion's ``sponsor`` keep
      members only; orders already placed: the members' (their cost is the group's; the
      producers keep their full capacity, as for every group); a member's commitment to a
      minimum keeps the offer's item;
    * sustainment: a wear or spares rule stays when its items stay and it applies to a
      member (``nations`` keep the members; a list that empties drops the rule); the items
      a kept rule wears or consumes stay with the item that wears them; a repair shop
      keeps the worn items left and the members it serves (a ``serves`` list that empties,
      or no item left, drops it); a rule that then wears or consumes nothing (its ``by``
      item meets no demand of the group) leaves too; see :func:`_restrict_sustainment`;
    * funds: none for a single nation. For a larger group a fund keeps its
      members in the group, its eligible beneficiaries in the group, the members' key
      shares and pledges; its ``cap``, ``committed`` and ``tranches`` scale with the
      remaining members' part of the key (a pledge fund: their part of the members'
      count). A fund with no member or no eligible beneficiary left, whose
      ``min_nations_per_contract`` exceeds the group, or whose scaled ``cap`` is below
      one ``package_size`` (the package keeps its size: it is what the seller sells), is
      dropped.

    The grand coalition returns ``scenario`` itself. The result passes the consistency
    checks except those in :data:`TOLERATED_CHECKS`; any other problem raises
    :class:`~aggregate.errors.ScenarioError`.
    """
    members = frozenset(group)
    codes = [n.code for n in scenario.nations]
    unknown = sorted(members - set(codes))
    if unknown:
        raise GameError(
            f"group names nations not in the scenario: {', '.join(unknown)} (nations are "
            f"{', '.join(codes)})"
        )
    if not members:
        raise GameError("the empty group has no scenario (its cost is 0)")
    if members == frozenset(codes):
        return scenario
    nations = [n for n in scenario.nations if n.code in members]
    stockpiles = [s for s in scenario.stockpiles if s.nation in members]
    placed = [o for o in scenario.placed_orders if o.nation in members]
    can_use = usable_pairs(scenario)
    items = {
        i.id
        for i in scenario.items
        if any((n, i.id) in can_use for n in members)
        or any(s.item == i.id for s in stockpiles)
        or any(o.item == i.id for o in placed)
        or any(
            c.nation in members and c.min_volume > 0
            for p in scenario.producers
            for o in p.offers
            if o.item == i.id
            for c in o.commitments
        )
    }
    if not items:
        # the group can use and holds nothing: it has no demand either (a demand has a
        # usable item in a valid scenario); keep every item so the scenario stays well formed
        items = {i.id for i in scenario.items}
    items |= _worn_and_spare_items(scenario, members, items)
    producers = []
    for p in scenario.producers:
        offers = [
            o.model_copy(update=_restrict_offer(o, members))
            for o in p.offers
            if o.item in items and any(may_buy(o, n) for n in members)
        ]
        if offers:
            producers.append(p.model_copy(update={"offers": offers}))
    kept_producers = {p.id for p in producers}
    kept_offers = {(p.id, o.item) for p in producers for o in p.offers}
    capabilities = []
    for c in scenario.capabilities:
        eqs = [e for e in c.satisfied_by if e.item in items]
        if eqs:
            capabilities.append(c.model_copy(update={"satisfied_by": eqs}))
    if not capabilities:
        # the group holds only items no capability is met with (spare barrels, say) and has
        # no demand; a scenario needs a capability: keep the first one with its items, which
        # the group cannot order (no offer is added for them) and has no use for
        capabilities = scenario.capabilities[:1]
        items |= {e.item for e in capabilities[0].satisfied_by}
    suppliers = []
    for s in scenario.component_suppliers:
        serves = [p for p in s.serves if p in kept_producers]
        if s.serves and not serves:
            continue
        suppliers.append(s.model_copy(update={"serves": serves}))
    kept_suppliers = {s.id for s in suppliers}
    kept = {
        e.id
        for e in scenario.expansions
        if (e.producer, e.item) in kept_offers or e.supplier in kept_suppliers
    }
    # a step whose step before it is left out cannot start: leave it out too
    while dropped := {e.id for e in scenario.expansions if e.id in kept and e.after} - {
        e.id for e in scenario.expansions if e.after in kept
    }:
        kept -= dropped
    expansions = [
        e.model_copy(update={"sponsor": e.sponsor if e.sponsor in members else None})
        for e in scenario.expansions
        if e.id in kept
    ]
    funds = [] if len(members) < 2 else _restrict_funds(scenario, members, items)
    # a bilateral purchase stays where its beneficiary is in the group (for items it keeps)
    nations = [
        n.model_copy(update={"buys_for": _restrict_purchases(n, members, items)}) for n in nations
    ]
    raw = scenario.model_dump()
    raw.update(
        nations=[n.model_dump() for n in nations],
        items=[i.model_dump() for i in scenario.items if i.id in items],
        capabilities=[c.model_dump() for c in capabilities],
        demands=[d.model_dump() for d in scenario.demands if d.nation in members],
        stockpiles=[s.model_dump() for s in stockpiles],
        producers=[p.model_dump() for p in producers],
        expansions=[e.model_dump() for e in expansions],
        component_suppliers=[s.model_dump() for s in suppliers],
        funds=[f.model_dump() for f in funds],
        placed_orders=[o.model_dump() for o in placed],
        sustainment=_restrict_sustainment(scenario.sustainment, members, items),
    )
    sub = _without_idle_rules(Scenario.model_validate(raw, strict=False))
    problems = [p for p in check_scenario(sub) if p.check not in TOLERATED_CHECKS]
    if problems:
        raise ScenarioError(problems, f"{scenario.name} restricted to {_label(members)}")
    return sub


def _without_idle_rules(sub: Scenario) -> Scenario:
    """``sub`` without the sustainment rules that wear or consume nothing in it (their
    ``by`` item meets no demand of the group they apply to, which the checks refuse), and
    without the repair shops left with no worn item."""
    block = sub.sustainment
    if block is None:
        return sub
    active = {
        kind: {(i, by) for (_n, i), uses in consumption(sub, kind).items() for by in uses}
        for kind in ("wear", "spares")
    }
    wear = [r for r in block.wear if (r.item, r.by) in active["wear"]]
    spares = [r for r in block.spares if (r.item, r.by) in active["spares"]]
    if len(wear) == len(block.wear) and len(spares) == len(block.spares):
        return sub
    worn = {r.item for r in wear}
    shops = [
        s.model_copy(update={"items": [i for i in s.items if i in worn]})
        for s in block.repair_shops
        if any(i in worn for i in s.items)
    ]
    kept = (
        None
        if not (wear or spares or shops)
        else block.model_copy(update={"wear": wear, "spares": spares, "repair_shops": shops})
    )
    raw = sub.model_dump()
    raw["sustainment"] = None if kept is None else kept.model_dump()
    return Scenario.model_validate(raw, strict=False)


def _applies(nations: list[str], members: frozenset[str]) -> bool:
    """Whether a rule listing ``nations`` (empty: every nation) applies to a member."""
    return not nations or any(n in members for n in nations)


def _worn_and_spare_items(scenario: Scenario, members: frozenset[str], items: set[str]) -> set[str]:
    """Items a sustainment rule wears out or consumes when the group uses an item it keeps:
    without them the group could use the item with no wear and no spares, and be charged
    less than the same use costs in the grand coalition."""
    if scenario.sustainment is None:
        return set()
    rules: list[Wear | Spares] = [*scenario.sustainment.wear, *scenario.sustainment.spares]
    return {r.item for r in rules if r.by in items and _applies(r.nations, members)}


def _restrict_sustainment(
    block: Sustainment | None, members: frozenset[str], items: set[str]
) -> dict[str, Any] | None:
    """The sustainment block for the group: a wear or spares rule stays when both its items
    stay and it applies to a member (its ``nations`` keep the members; a list that empties
    drops the rule, as an empty list would mean every nation); a repair shop keeps the worn
    items it repairs that a kept wear rule wears out, and the members it serves (a ``serves``
    list that empties, or a shop with no item left, drops the shop). Capacity, times and
    costs are kept whole: as producers, a shop is open to the group at full capacity."""
    if block is None:
        return None

    def kept(rules: list[Wear] | list[Spares]) -> list[dict[str, Any]]:
        return [
            r.model_copy(update={"nations": [n for n in r.nations if n in members]}).model_dump()
            for r in rules
            if r.item in items and r.by in items and _applies(r.nations, members)
        ]

    wear, spares = kept(block.wear), kept(block.spares)
    worn = {r["item"] for r in wear}
    shops: list[RepairShop] = []
    for shop in block.repair_shops:
        repaired = [i for i in shop.items if i in worn]
        if repaired and _applies(shop.serves, members):
            serves = [n for n in shop.serves if n in members]
            shops.append(shop.model_copy(update={"items": repaired, "serves": serves}))
    if not (wear or spares or shops):
        return None
    return {"wear": wear, "spares": spares, "repair_shops": [s.model_dump() for s in shops]}


def _restrict_purchases(
    nation: Nation, members: frozenset[str], items: set[str]
) -> list[BilateralPurchase]:
    out: list[BilateralPurchase] = []
    for b in nation.buys_for:
        eligible = None if b.eligible_items is None else [i for i in b.eligible_items if i in items]
        if b.beneficiary in members and eligible != []:
            out.append(b.model_copy(update={"eligible_items": eligible}))
    return out


def _restrict_offer(offer: Offer, members: frozenset[str]) -> dict[str, Any]:
    """An offer's fields naming nations, kept for the group's members: a fixed-cost payer
    outside the group leaves the group's contract to the default rule (an offer open to no
    member is left out of the group's scenario)."""
    split = {n: w for n, w in offer.fixed_costs_split.items() if n in members}
    return {
        "buyers": None if offer.buyers is None else [n for n in offer.buyers if n in members],
        "excluded_buyers": [n for n in offer.excluded_buyers if n in members],
        "delivery_cost_to": {n: c for n, c in offer.delivery_cost_to.items() if n in members},
        "fixed_costs_paid_by": (
            offer.fixed_costs_paid_by if offer.fixed_costs_paid_by in members else None
        ),
        "fixed_costs_split": split if any(w > 0 for w in split.values()) else {},
        "commitments": [c for c in offer.commitments if c.nation in members],
    }


def _restrict_funds(scenario: Scenario, members: frozenset[str], items: set[str]) -> list[Fund]:
    nations = {n.code: n for n in scenario.nations}
    out: list[Fund] = []
    for f in scenario.funds:
        stay = [m for m in f.members if m in members]
        beneficiaries = (
            None
            if f.eligible_beneficiaries is None
            else [b for b in f.eligible_beneficiaries if b in members]
        )
        eligible = None if f.eligible_items is None else [i for i in f.eligible_items if i in items]
        if (
            not stay
            or beneficiaries == []
            or eligible == []
            or f.min_nations_per_contract > len(members)
        ):
            continue
        rule = f.contribution
        if isinstance(rule, KeyRule):
            keys = key_shares(f, nations)
            part = sum(keys[m] for m in dict.fromkeys(stay))
            weights = key_weights(f, nations) or {}
            carriers = len({m for m in stay if weights.get(m, 0.0) > 0})
            cap_share = rule.max_share
            if cap_share is not None and cap_share * carriers < 1 - 1e-12:
                # too few members left to keep every share under the cap: they carry it all
                cap_share = None
            rule = rule.model_copy(
                update={
                    "shares": {m: w for m, w in rule.shares.items() if m in stay},
                    "max_share": cap_share,
                }
            )
        else:
            part = len(set(stay)) / len(set(f.members))
            rule = rule.model_copy(
                update={"pledges": {m: p for m, p in rule.pledges.items() if m in stay}}
            )
        cap = None if f.cap is None else f.cap * part
        committed = f.committed * part
        paid_in = part  # the tranches' scale: the members' part, as the cap's
        if isinstance(rule, PledgeRule):
            least = sum(p.min for p in rule.pledges.values())
            cap = None if cap is None else max(cap, least)
            scheduled = sum(f.tranches.values()) if f.tranches else 0.0
            if scheduled * part < least:
                # the members' least pledges must fit in the schedule
                paid_in = min(1.0, least / scheduled) if scheduled > 0 else part
            maxima = [rule.pledges[m].max if m in rule.pledges else None for m in set(stay)]
            if all(x is not None for x in maxima):
                committed = min(committed, sum(x for x in maxima if x is not None))
        if cap is not None:
            committed = min(committed, cap)
            if f.package_size is not None and cap < f.package_size:
                # a package is what the seller sells, whoever buys it: the group keeps its
                # size, and a share of the fund below one package buys nothing
                continue
        out.append(
            f.model_copy(
                update={
                    "members": stay,
                    "eligible_beneficiaries": beneficiaries,
                    "eligible_items": eligible,
                    "contribution": rule,
                    "cap": cap,
                    "committed": committed,
                    "tranches": (
                        None
                        if f.tranches is None
                        else {p: t * paid_in for p, t in f.tranches.items()}
                    ),
                }
            )
        )
    return out


def _label(group: Iterable[str]) -> str:
    return "+".join(sorted(group)) or "(none)"


# ---------------------------------------------------------------------------------------
# one coalition's value


@dataclass(frozen=True)
class CoalitionValue:
    """What one group pays on its own (see the module docstring for the definition)."""

    group: Coalition
    value: float
    """:math:`c(S)`: weighted objective; ``inf`` when the group has no feasible plan."""
    cost: float
    """Total cost (purchase, delivery, fixed, investment, holding, orders already placed)."""
    penalties: float
    """Shortfall, lateness, soft floor and refill penalties."""
    unspent: float
    """Fund money paid in and not spent (reported; not part of the value: money that stays
    in a fund is not a cost)."""
    short: float
    """Capability units never met."""
    status: str
    """The solve's status (``optimal``, ``time_limit``, ``infeasible``, ...)."""
    seconds: float
    verified: bool | None = None
    """Whether :func:`aggregate.verify` accepted the plan (None: not checked)."""


def empty_value() -> CoalitionValue:
    return CoalitionValue(frozenset(), 0.0, 0.0, 0.0, 0.0, 0.0, "optimal", 0.0, None)


def value_of(group: Iterable[str], plan: Solution, verified: bool | None = None) -> CoalitionValue:
    """A group's value read from its solved (weighted) plan."""
    k = plan.key_figures
    seconds = float(plan.timings.get("total", 0.0))
    if not plan.status.has_plan:
        return CoalitionValue(
            frozenset(group),
            math.inf,
            math.inf,
            0.0,
            0.0,
            math.nan,
            plan.status.value,
            seconds,
            verified,
        )
    cost, penalties, unspent = (
        float(k["total_cost"]),
        float(k["penalty_cost"]),
        float(k["unspent_fund_balance"]),
    )
    return CoalitionValue(
        frozenset(group),
        cost + penalties,
        cost,
        penalties,
        unspent,
        float(k["short"]),
        plan.status.value,
        seconds,
        verified,
    )


def solve_group(
    scenario: Scenario,
    group: Iterable[str],
    *,
    verify: bool = False,
    start: Decisions | None = None,
    **solve_options: Any,
) -> tuple[CoalitionValue, Solution | None]:
    """Solve ``scenario`` restricted to ``group`` with the weighted objective; ``start``:
    a smaller group's decisions to start from (``aggregate.solve(start=...)``)."""
    members = frozenset(group)
    if not members:
        return empty_value(), None
    sub = restrict(scenario, members)
    held = sub.demands or sub.stockpiles or sub.placed_orders
    if not (held or any(f.committed > 0 for f in sub.funds)):
        # nothing to buy or hold: the group spends nothing (and HiGHS rejects an empty model)
        return replace(empty_value(), group=members, verified=True if verify else None), None
    plan = solve(sub, objective="weighted", start=start, **solve_options)
    if plan.status.interrupted:
        # Ctrl-C stopped this solve: no value to cache, and the caller means to stop
        raise KeyboardInterrupt
    verified = None
    if verify and plan.status.has_plan:
        from aggregate.verify import verify as check_plan

        verified = check_plan(sub, plan).ok
    return value_of(members, plan, verified), plan


def coalition_value(
    scenario: Scenario, group: Iterable[str], *, verify: bool = False, **solve_options: Any
) -> CoalitionValue:
    """:math:`c(S)` of one group (see the module docstring)."""
    return solve_group(scenario, group, verify=verify, **solve_options)[0]


def _solve_batch(
    scenario: Scenario,
    groups: list[tuple[Coalition, Decisions | None]],
    verify: bool,
    options: dict[str, Any],
    keep: bool = False,
) -> list[tuple[CoalitionValue, Decisions | None]]:
    # top-level so that process pools and Dask can pickle it; each group with its start,
    # and (keep) its own plan's decisions back as a start for larger groups
    out = []
    for group, start in groups:
        value, plan = solve_group(scenario, group, verify=verify, start=start, **options)
        out.append((value, plan.decisions if keep and plan is not None else None))
    return out


# ---------------------------------------------------------------------------------------
# the game over a scenario


class CoalitionGame:
    """The cost game of a scenario's nations: :math:`c(S)` solved on demand and cached.

    Call it as a game (``game(frozenset({"DEU", "FRA"}))``) or hand it to the functions of
    :mod:`aggregate.games.solutions`. :meth:`solve_groups` solves many groups at once over
    ``executor`` (any :class:`concurrent.futures.Executor`, e.g. a Dask client's
    ``get_executor()``); without one, ``workers`` local processes (1: in this process).

    ``solve_options`` go to :func:`aggregate.solve` (``time_limit``, ``mip_gap``,
    ``threads``, ...); ``verify=True`` re-checks every plan with :func:`aggregate.verify`.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        executor: Executor | None = None,
        workers: int | None = None,
        verify: bool = False,
        cache: Mapping[Coalition, CoalitionValue] | None = None,
        progress: Callable[[int, int], object] | None = None,
        warm_start: bool = False,
        **solve_options: Any,
    ) -> None:
        self.scenario = scenario
        self.warm_start = warm_start
        self.decisions: dict[Coalition, Decisions] = {}
        """Solved groups' decisions, kept as starts for larger groups (``warm_start``): the
        groups of the largest size solved and of one size less."""
        self.players: tuple[str, ...] = tuple(n.code for n in scenario.nations)
        self.executor = executor
        self.workers = workers
        self.verify = verify
        self.progress = progress
        self.solve_options = solve_options
        self.cache: dict[Coalition, CoalitionValue] = {frozenset(): empty_value()}
        if cache:
            self.cache.update(cache)
        self._grand_plan: Solution | None = None

    @property
    def grand(self) -> Coalition:
        return frozenset(self.players)

    def __call__(self, group: Coalition) -> float:
        return self.value(group)

    def value(self, group: Iterable[str]) -> float:
        """:math:`c(S)`, solved now if not cached."""
        members = frozenset(group)
        if members not in self.cache:
            if members == self.grand:
                self.grand_plan()
            else:
                value, plan = solve_group(
                    self.scenario,
                    members,
                    verify=self.verify,
                    start=self.start_for(members),
                    **self.solve_options,
                )
                self._keep(value, None if plan is None else plan.decisions)
        return self.cache[members].value

    def start_for(self, group: Coalition) -> Decisions | None:
        """With ``warm_start``: the decisions of the largest solved group inside ``group``
        (ties: the first by sorted members), else None."""
        if not self.warm_start:
            return None
        inside = [g for g in self.decisions if g < group]
        if not inside:
            return None
        best = min(inside, key=lambda g: (-len(g), sorted(g)))
        return self.decisions[best]

    def _keep(self, value: CoalitionValue, decisions: Decisions | None) -> None:
        self.cache[value.group] = value
        if self.warm_start and decisions:
            self.decisions[value.group] = decisions
            # a group starts from one a size smaller: smaller ones are not needed once a
            # group of this size is solved (2^n plans of eda-L's size would not fit)
            size = len(value.group)
            for group in [g for g in self.decisions if len(g) < size - 1]:
                del self.decisions[group]

    def grand_plan(self) -> Solution:
        """The grand coalition's (weighted) plan, solved once and kept."""
        if self._grand_plan is None:
            value, plan = solve_group(
                self.scenario,
                self.grand,
                verify=self.verify,
                start=self.start_for(self.grand),
                **self.solve_options,
            )
            assert plan is not None
            self._grand_plan = plan
            self._keep(value, plan.decisions)
        return self._grand_plan

    def solve_groups(self, groups: Iterable[Iterable[str]]) -> dict[Coalition, CoalitionValue]:
        """Solve every group not yet cached (in parallel) and return all of them."""
        wanted = [frozenset(g) for g in groups]
        todo = sorted({g for g in wanted if g not in self.cache}, key=lambda g: (len(g), sorted(g)))
        if todo:
            self._solve_many(todo)
        return {g: self.cache[g] for g in wanted}

    def _solve_many(self, todo: list[Coalition]) -> None:
        started = time.perf_counter()
        workers = self.workers if self.workers is not None else (os.cpu_count() or 1)
        if self.executor is None and (workers <= 1 or len(todo) <= 2):
            for k, g in enumerate(todo, 1):
                self.value(g)
                if self.progress is not None:
                    self.progress(k, len(todo))
        else:
            own = self.executor is None
            pool: Executor = self.executor or ProcessPoolExecutor(max_workers=workers)
            # with warm starts, one size of group at a time: each starts from a smaller
            # group's plan, solved before it
            levels = (
                [[g for g in todo if len(g) == k] for k in sorted({len(g) for g in todo})]
                if self.warm_start
                else [todo]
            )
            done = 0
            try:
                for level in levels:
                    size = max(1, min(16, len(level) // (4 * max(workers, 1))))
                    batches = [
                        [(g, self.start_for(g)) for g in level[i : i + size]]
                        for i in range(0, len(level), size)
                    ]
                    futures = [
                        pool.submit(
                            _solve_batch,
                            self.scenario,
                            b,
                            self.verify,
                            self.solve_options,
                            self.warm_start,
                        )
                        for b in batches
                    ]
                    for future in futures:
                        values = future.result()
                        for value, decisions in values:
                            self._keep(value, decisions)
                        done += len(values)
                        if self.progress is not None:
                            self.progress(done, len(todo))
            finally:
                if own:
                    pool.shutdown()
        log.info("solved %d coalitions in %.1f s", len(todo), time.perf_counter() - started)

    def prefetch(self, groups: Iterable[Coalition]) -> None:
        """Solve ``groups`` ahead (used by sampled Shapley to solve its orders in parallel)."""
        self.solve_groups(groups)

    def all_values(self) -> dict[Coalition, float]:
        """:math:`c(S)` of all :math:`2^n` groups (solved in parallel, then cached)."""
        self.solve_groups(subsets(self.players))
        return {g: self.cache[g].value for g in subsets(self.players)}

    def table(self) -> pd.DataFrame:
        """The cached groups as a tidy table: one row per group, smallest first."""
        rows = [
            {
                "coalition": _label(v.group),
                "size": len(v.group),
                "value": v.value,
                "cost": v.cost,
                "penalties": v.penalties,
                "unspent": v.unspent,
                "short": v.short,
                "status": v.status,
                "seconds": v.seconds,
                "verified": v.verified,
            }
            for v in self.cache.values()
            if v.group
        ]
        frame = pd.DataFrame(
            rows,
            columns=[
                "coalition",
                "size",
                "value",
                "cost",
                "penalties",
                "unspent",
                "short",
                "status",
                "seconds",
                "verified",
            ],
        )
        return frame.sort_values(["size", "coalition"], ignore_index=True)

    def failed(self) -> list[CoalitionValue]:
        """Cached groups whose solve ended without a proven optimum."""
        return [v for v in self.cache.values() if v.status != "optimal"]


__all__ = [
    "TOLERATED_CHECKS",
    "CoalitionGame",
    "CoalitionValue",
    "coalition_value",
    "restrict",
    "solve_group",
    "value_of",
]
