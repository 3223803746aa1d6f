"""Seeded scenario generator with named sizes: the benchmark registry.

Two families, each in named sizes:

* ``lp``: LP-dominant. No tiers, minimum orders, lots, fixed costs or expansions, so the
  only integer variables are one ``open`` and one ``tier`` binary per contract (a few
  hundred against up to a million continuous orders). Capacity is ample on average, so some
  demands are met late or from stock and the LP is not trivial.
* ``mip``: MIP-hard. All-units discount tiers, minimum orders, lots on some offers, fixed
  contract and per-delivery-period costs, capacity expansions and capacity below demand.

Every instance also has stockpiles (floors, donors), one component with suppliers, funds
with a GNI key and national budgets, so every part of the model is exercised.

Order variables: every nation demands every capability and every item meets one
capability, so each offer ``(p, i)`` has one route per nation and

    orders = producers * offers_per_producer * nations * (periods - lead) * (1 + tiers)

(lead times are 0 in the ``lp`` family, 0 or 1 in ``mip``). :func:`order_count` counts
them exactly after :func:`aggregate.data.prepare`.

Randomness comes only from ``numpy.random.default_rng(seed)``: the same (family, size,
seed) always gives the same scenario.
"""

from __future__ import annotations

import itertools
import string
from dataclasses import dataclass
from typing import Any

import numpy as np

from aggregate.data import prepare
from aggregate.schema import Scenario
from aggregate.validation import validate


@dataclass(frozen=True)
class Dims:
    """The dimensions of one named size."""

    nations: int
    items: int
    producers: int
    offers_per_producer: int
    """Items each producer offers (distinct, drawn at random)."""
    periods: int
    tiers: int
    """Discount tiers per offer above the base price (0 in the LP family)."""
    funds: int
    items_per_capability: int = 2
    """Interchangeable items meeting one capability."""
    due_every: int = 2
    """A nation has a demand for each capability every ``due_every`` periods."""

    @property
    def capabilities(self) -> int:
        return -(-self.items // self.items_per_capability)

    def nominal_orders(self, lead: int = 0) -> int:
        """Order variables with every lead time equal to ``lead``."""
        return (
            self.producers
            * self.offers_per_producer
            * self.nations
            * (self.periods - lead)
            * (1 + self.tiers)
        )


SIZES: dict[str, dict[str, Dims]] = {
    "lp": {
        "S": Dims(
            nations=4, items=4, producers=3, offers_per_producer=2, periods=4, tiers=0, funds=1
        ),
        "M": Dims(
            nations=15, items=12, producers=10, offers_per_producer=4, periods=12, tiers=0, funds=2
        ),
        "L": Dims(
            nations=50, items=20, producers=40, offers_per_producer=5, periods=20, tiers=0, funds=3
        ),
        "XL": Dims(
            nations=100, items=40, producers=80, offers_per_producer=6, periods=24, tiers=0, funds=4
        ),
    },
    "mip": {
        "S": Dims(
            nations=4, items=3, producers=3, offers_per_producer=2, periods=4, tiers=2, funds=1
        ),
        "M": Dims(
            nations=8, items=6, producers=6, offers_per_producer=3, periods=6, tiers=2, funds=2
        ),
        "L": Dims(
            nations=15, items=10, producers=10, offers_per_producer=4, periods=8, tiers=2, funds=2
        ),
        "XL": Dims(
            nations=30, items=16, producers=16, offers_per_producer=4, periods=12, tiers=3, funds=3
        ),
    },
    "eda": {
        "S": Dims(
            nations=4, items=3, producers=3, offers_per_producer=2, periods=6, tiers=1, funds=1
        ),
        "M": Dims(
            nations=10, items=6, producers=6, offers_per_producer=2, periods=12, tiers=2, funds=2
        ),
        "L": Dims(
            nations=27, items=14, producers=15, offers_per_producer=3, periods=36, tiers=2, funds=3
        ),
    },
}
"""family -> size -> dimensions. ``lp/XL`` has at least 1,000,000 order variables. The
``eda`` family (:mod:`benchmarks.eda`) reads ``periods`` as months."""

FAMILIES = tuple(SIZES)


def _codes(n: int) -> list[str]:
    """``n`` distinct ISO-like alpha-3 codes ``NAA``, ``NAB``, ... (synthetic nations)."""
    letters = string.ascii_uppercase
    return ["N" + a + b for a, b in itertools.islice(itertools.product(letters, letters), n)]


def generate_raw(
    size: str = "S", family: str = "lp", seed: int = 0, objective: str = "weighted"
) -> dict[str, Any]:
    """The raw scenario (plain dicts, as parsed from YAML) of ``family``/``size``.

    ``objective`` is stored in the scenario's settings: ``weighted`` (one solve, the default
    for benchmarks) or ``needs_first`` (two solves).
    """
    try:
        dims = SIZES[family][size]
    except KeyError:
        raise ValueError(
            f"unknown benchmark instance {family}/{size}; families {list(SIZES)}, "
            f"sizes {list(SIZES.get(family, SIZES['lp']))}"
        ) from None
    if family == "eda":
        from benchmarks.eda import eda_raw  # eda imports Dims from here

        return eda_raw(dims, size, seed, objective)
    rng = np.random.default_rng(seed)
    mip = family == "mip"
    periods = [f"T{t:02d}" for t in range(dims.periods)]
    codes = _codes(dims.nations)
    items = [f"item{j:02d}" for j in range(dims.items)]
    caps = [f"cap{c:02d}" for c in range(dims.capabilities)]
    cap_of = {it: caps[j // dims.items_per_capability] for j, it in enumerate(items)}

    gni = rng.uniform(1e10, 4e12, dims.nations)
    base_price = rng.uniform(1_000.0, 5_000.0, dims.items)
    # demand per (nation, capability) and due period: larger nations need more
    demand_scale = rng.uniform(50.0, 500.0, (dims.nations, dims.capabilities))
    demands = []
    for (n, code), (c, cap) in itertools.product(enumerate(codes), enumerate(caps)):
        for t in range(int(rng.integers(0, dims.due_every)), dims.periods, dims.due_every):
            demands.append(
                {
                    "id": f"d-{code}-{cap}-{periods[t]}",
                    "nation": code,
                    "capability": cap,
                    "period": periods[t],
                    "quantity": round(float(demand_scale[n, c] * rng.uniform(0.5, 1.5)), 1),
                    "priority": float(rng.choice([1.0, 2.0, 5.0])),
                    "max_lateness": int(rng.integers(0, 3)),
                }
            )
    need_per_period = np.zeros(dims.items)
    for c in range(dims.capabilities):
        meeting = [j for j, it in enumerate(items) if cap_of[it] == caps[c]]
        per_period = demand_scale[:, c].sum() / dims.due_every
        need_per_period[meeting] += per_period / len(meeting)

    # producers: each offers distinct items; capacity relative to what the item is needed
    makers_of = np.zeros(dims.items, dtype=int)
    offered: list[list[int]] = []
    for _ in range(dims.producers):
        chosen = rng.choice(dims.items, size=dims.offers_per_producer, replace=False)
        offered.append(sorted(int(j) for j in chosen))
        makers_of[chosen] += 1
    tightness = 0.7 if mip else 1.3  # total capacity / average demand
    producers: list[dict[str, Any]] = []
    expansions: list[dict[str, Any]] = []
    for p in range(dims.producers):
        pid = f"prod{p:03d}"
        country = codes[int(rng.integers(0, dims.nations))]
        offers: list[dict[str, Any]] = []
        for j in offered[p]:
            share = need_per_period[j] / max(makers_of[j], 1)
            capacity = round(float(share * tightness * rng.uniform(0.6, 1.4)), 1)
            price = round(float(base_price[j] * rng.uniform(0.8, 1.25)), 2)
            offer: dict[str, Any] = {
                "item": items[j],
                "capacity": capacity,
                "price": price,
                "delivery_cost": round(float(rng.uniform(5.0, 60.0)), 2),
            }
            if mip:
                horizon_volume = capacity * dims.periods
                offer["tiers"] = [
                    {
                        "min_volume": round(horizon_volume * (k + 1) / (dims.tiers + 2), 1),
                        "price": round(price * (1 - 0.06 * (k + 1)), 2),
                    }
                    for k in range(dims.tiers)
                ]
                offer["min_order"] = round(horizon_volume * 0.15, 1)
                offer["contract_cost"] = round(float(price * rng.uniform(20, 80)), 2)
                offer["lead_time"] = int(rng.integers(0, 2))
                if rng.random() < 0.3:
                    offer["lot_size"] = float(rng.choice([10.0, 25.0, 50.0]))
                if rng.random() < 0.3:
                    offer["order_period_cost"] = round(float(price * rng.uniform(2, 10)), 2)
                if rng.random() < 0.4:
                    expansions.append(
                        {
                            "id": f"exp-{pid}-{items[j]}",
                            "producer": pid,
                            "item": items[j],
                            "added_capacity": round(capacity * 0.5, 1),
                            "investment_cost": round(
                                float(price * capacity * rng.uniform(1, 3)), 2
                            ),
                            "lead_periods": 1,
                            "latest_start": periods[max(dims.periods - 3, 0)],
                        }
                    )
            offers.append(offer)
        producers.append({"id": pid, "country": country, "offers": offers})

    # every item needs one fuze; two suppliers with ample capacity between them
    total_capacity = sum(float(o["capacity"]) for pr in producers for o in pr["offers"])
    suppliers = [
        {"id": f"fuzes{s}", "component": "fuze", "capacity": round(total_capacity * 0.75, 1)}
        for s in range(2)
    ]

    # stockpiles: every fourth nation holds its first capability's first item, half donate
    stockpiles = []
    for n in range(0, dims.nations, 4):
        on_hand = round(float(demand_scale[n, 0] * rng.uniform(1, 3)), 1)
        stockpiles.append(
            {
                "nation": codes[n],
                "item": items[0],
                "on_hand": on_hand,
                "floor": round(on_hand * 0.3, 1),
                "donor": n % 8 == 0,
                "holding_cost": round(float(base_price[0] * 0.002), 3),
            }
        )

    # funds: GNI-key funds over nation groups, paying for procurement; loose budgets
    yearly = {
        code: float(sum(demand_scale[n]) * np.mean(base_price) * dims.periods / dims.due_every)
        for n, code in enumerate(codes)
    }
    funds = []
    for f in range(dims.funds):
        members = codes[f :: dims.funds + 1] or codes[:1]
        committed = round(0.05 * sum(yearly[m] for m in members), 0)
        funds.append(
            {
                "id": f"fund{f}",
                "members": members,
                "contribution": {"rule": "key", "basis": "gni", "tolerance": 0.1},
                "committed": committed,
                "cap": committed * 2,
                "uses": ["procurement"],
            }
        )
    nations = [
        {
            "code": code,
            "name": f"Nation {code}",
            "gni": round(float(gni[n]), 0),
            "budget": round(yearly[code] * 1.5, 0),
        }
        for n, code in enumerate(codes)
    ]
    return {
        "name": f"bench-{family}-{size}-seed{seed}",
        "description": f"Synthetic benchmark instance ({family} family, size {size}).",
        "sources": ["benchmarks/generator.py"],
        "periods": periods,
        "nations": nations,
        "items": [{"id": it, "components": {"fuze": 1.0}} for it in items],
        "capabilities": [
            {
                "id": cap,
                "satisfied_by": [
                    {"item": it, "factor": 1.0 if k == 0 else 0.9}
                    for k, it in enumerate(i for i in items if cap_of[i] == cap)
                ],
            }
            for cap in caps
        ],
        "demands": demands,
        "stockpiles": stockpiles,
        "producers": producers,
        "expansions": expansions,
        "components": [{"id": "fuze"}],
        "component_suppliers": suppliers,
        "funds": funds,
        "settings": {"objective": objective, "mip_gap": 1e-4},
    }


def generate(
    size: str = "S", family: str = "lp", seed: int = 0, objective: str = "weighted"
) -> Scenario:
    """A validated scenario of ``family``/``size`` (see :data:`SIZES`), seeded."""
    return validate(generate_raw(size, family, seed, objective))


def order_count(scenario: Scenario) -> int:
    """Order variables ``x[p,i,n,a,k]`` the model of ``scenario`` has (after ``prepare``)."""
    return len(prepare(scenario).orders)


def instance_names() -> list[str]:
    """Every generated instance as ``family-size`` (e.g. ``lp-L``)."""
    return [f"{f}-{s}" for f, sizes in SIZES.items() for s in sizes]
