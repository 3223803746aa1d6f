"""EDA-scale 155mm framework instances (the ``eda`` family), seeded.

A synthetic stand-in for a European Defence Agency collaborative 155mm framework: up to 27
nations (EU members and Norway, real codes and rough GNI), one capability (155mm fire) met
by up to 14 interchangeable round variants (factors 0.95-1.05) that are each qualified for
a few guns, so a nation can use only the variants its guns take; up to 15 producers, each
offering a few variants, planned month by month over 36 months. Figures follow the public
ones in ``models/ammo-155mm-2023-2025/README.md``:

* capacity in proportion to the producers' public annual output (Rheinmetall's ~600k rounds
  a year the largest; a few tens of thousands for the small makers), ramping up by 25% after
  a year and 50% after two; each producer's output split over the variants it offers;
* demand: about 1.5m rounds a year in all (the EU's ~1m-2m a year of 2024-2025), each
  nation's share growing with its GNI (``gni^0.8``), due quarterly (one demand per nation
  every 3 months, at most 0-3 months late), priorities 1, 2 or 5;
* prices EUR 3,500-6,500 a round (a non-EU maker 30% cheaper), all-units tiers of 4% and 8%
  off at 10% and 30% of an offer's horizon capacity, minimum orders of 5% of it, lots of 1,000
  (5,000 for a non-EU maker), contract costs EUR 0.5-2m, a monthly shipment cost on 30% of
  offers, lead times of 2-6 months; every maker builds ahead (``build_ahead``: a small
  maker's month is often less than a lot, which it delivers once made);
* expansions on 40% of offers (+50% capacity; EUR 800-2,000 per round of added yearly
  output, the order of Unterluess' EUR 500m for 350k a year; ready 6-18 months after start);
* energetics (20 kg a round) and fuzes from suppliers with their own capacity;
* stockpiles of 3-9 months' need with floors (hard or soft) and refill targets by the last
  month; every fifth nation donates;
* funds with a GNI key (joint procurement, EU producers; an ASAP-like investment fund at
  35%; a refill-reimbursing fund), national budgets of 1.3x the nation's need at list
  price.

Dimensions come from :data:`benchmarks.generator.SIZES` ``["eda"]``: ``offers_per_producer``
variants per producer (distinct; every variant offered by some producer), ``tiers`` tiers,
``funds`` funds (at most 3). Randomness only from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.generator import Dims

NATIONS: list[tuple[str, str, float]] = [
    ("DEU", "Germany", 4100),
    ("FRA", "France", 2800),
    ("ITA", "Italy", 2000),
    ("ESP", "Spain", 1400),
    ("NLD", "Netherlands", 1000),
    ("POL", "Poland", 700),
    ("BEL", "Belgium", 570),
    ("SWE", "Sweden", 560),
    ("NOR", "Norway", 510),
    ("AUT", "Austria", 460),
    ("DNK", "Denmark", 400),
    ("IRL", "Ireland", 380),
    ("ROU", "Romania", 300),
    ("CZE", "Czechia", 290),
    ("FIN", "Finland", 280),
    ("PRT", "Portugal", 250),
    ("GRC", "Greece", 220),
    ("HUN", "Hungary", 190),
    ("SVK", "Slovakia", 120),
    ("BGR", "Bulgaria", 90),
    ("HRV", "Croatia", 75),
    ("LTU", "Lithuania", 70),
    ("SVN", "Slovenia", 60),
    ("LUX", "Luxembourg", 50),
    ("LVA", "Latvia", 40),
    ("EST", "Estonia", 37),
    ("CYP", "Cyprus", 28),
]
"""Code, name and rough GNI (EUR bn a year; approximate, rounded)."""

PRODUCERS: list[tuple[str, str, float]] = [
    ("DEU", "Rheinmetall-like", 600),
    ("USA", "US plants (share open to Europe)", 300),
    ("KOR", "Korean maker (non-EU)", 200),
    ("ESP", "Expal-like", 150),
    ("SVK", "MSM-like", 120),
    ("FRA", "KNDS-France-like", 100),
    ("CZE", "CSG-like", 100),
    ("BGR", "Bulgarian maker", 80),
    ("NOR", "Nammo-like", 60),
    ("BEL", "Mecar-like", 60),
    ("GBR", "BAE-like", 40),
    ("FIN", "Nordic filler", 40),
    ("ITA", "Italian maker", 40),
    ("POL", "Mesko-like", 30),
    ("ROU", "Romarm-like", 30),
]
"""Country, label and yearly output (thousand rounds) before the ramp-up."""

NON_EU = {"USA", "KOR", "GBR"}

GUNS = ["PzH2000", "CAESAR", "Krab", "K9", "Zuzana", "M109", "M777", "Archer", "ATMOS", "Dana"]

YEARLY_DEMAND = 1_500_000.0
"""Rounds a year over all 27 nations; fewer nations get their share of it."""


def _series(periods: list[str], value: float, steps: list[tuple[int, float]]) -> dict[str, float]:
    """A step series: ``value`` from the first period, times ``factor`` from period ``t``."""
    out = {periods[0]: round(value, 1)}
    for t, factor in steps:
        if t < len(periods):
            out[periods[t]] = round(value * factor, 1)
    return out


def eda_raw(dims: Dims, size: str, seed: int = 0, objective: str = "weighted") -> dict[str, Any]:
    """The raw scenario of ``eda-<size>`` with dimensions ``dims`` (see the module doc)."""
    rng = np.random.default_rng(seed)
    months = dims.periods
    periods = [f"M{t:02d}" for t in range(months)]
    nations = NATIONS[: dims.nations]
    codes = [c for c, _, _ in nations]
    gni = np.array([g for _, _, g in nations]) * 1e9
    items = [f"155-V{j + 1:02d}" for j in range(dims.items)]

    # guns: every variant is qualified for 2-4 guns, every nation operates 1-3
    guns = GUNS[: max(3, min(len(GUNS), dims.items))]

    def some_guns(low: int, high: int) -> list[str]:
        k = min(int(rng.integers(low, high + 1)), len(guns) - 1)
        return sorted(str(g) for g in rng.choice(guns, size=k, replace=False))

    item_guns = [some_guns(2, 4) for _ in items]
    nation_guns = [some_guns(1, 3) for _ in codes]
    for n, ng in enumerate(nation_guns):  # every nation can use some variant
        if not any(set(ng) & set(ig) for ig in item_guns):
            nation_guns[n] = [item_guns[n % len(items)][0]]
    usable = [[j for j, ig in enumerate(item_guns) if set(ig) & set(ng)] for ng in nation_guns]

    # demand: quarterly, each nation's share by gni^0.8
    weight = gni**0.8 / (np.array([g for _, _, g in NATIONS]) * 1e9).__pow__(0.8).sum()
    monthly = YEARLY_DEMAND / 12 * weight
    demands = []
    for n, code in enumerate(codes):
        priority = float(rng.choice([1.0, 2.0, 5.0]))
        for t in range(int(rng.integers(0, 3)), months, 3):
            demands.append(
                {
                    "id": f"d-{code}-{periods[t]}",
                    "nation": code,
                    "capability": "fire155",
                    "period": periods[t],
                    "quantity": round(float(3 * monthly[n] * rng.uniform(0.7, 1.3)), 0),
                    "priority": priority,
                    "max_lateness": int(rng.integers(0, 4)),
                }
            )

    # producers: the first dims.producers makers, output scaled to the demand of the nations
    makers = PRODUCERS[: dims.producers]
    # 80% of the need at first, 100% after a year, 120% after two (before expansions)
    scale = 0.8 * float(monthly.sum()) / (sum(y for _, _, y in makers) * 1e3 / 12)
    offered: list[list[int]] = []
    for p in range(len(makers)):
        first = (p * dims.offers_per_producer) % dims.items  # cover every variant
        chosen = {(first + k) % dims.items for k in range(min(2, dims.offers_per_producer))}
        rest = [j for j in range(dims.items) if j not in chosen]
        extra = dims.offers_per_producer - len(chosen)
        chosen |= {int(j) for j in rng.choice(rest, size=extra, replace=False)}
        offered.append(sorted(chosen))
    base_price = rng.uniform(3_500.0, 6_500.0, dims.items)
    producers, expansions = [], []
    for p, (country, label, yearly) in enumerate(makers):
        pid = f"P{p + 1:02d}"
        shares = rng.dirichlet(np.full(len(offered[p]), 3.0))
        offers = []
        for j, share in zip(offered[p], shares, strict=True):
            cap = float(yearly * 1e3 / 12 * scale * share)
            cap = max(cap, 100.0)
            price = float(base_price[j] * rng.uniform(0.85, 1.2)) * (0.7 if country == "KOR" else 1)
            horizon = cap * months * 1.25
            lead = min(int(rng.integers(2, 7)), months // 3)
            offer: dict[str, Any] = {
                "item": items[j],
                "capacity": _series(periods, cap, [(12, 1.25), (24, 1.5)]),
                "price": round(price, 0),
                "tiers": [
                    {"min_volume": round(horizon * v, 0), "price": round(price * (1 - off), 0)}
                    for v, off in [(0.1, 0.04), (0.3, 0.08)][: dims.tiers]
                ],
                "min_order": round(horizon * 0.05, 0),
                "lot_size": 5000.0 if country in NON_EU - {"GBR"} else 1000.0,
                "lead_time": lead,
                "build_ahead": True,
                "contract_cost": round(float(rng.uniform(0.5e6, 2e6)), -3),
                "delivery_cost": round(float(rng.uniform(20, 150)), 0),
            }
            if rng.random() < 0.3:
                offer["order_period_cost"] = round(float(rng.uniform(50e3, 200e3)), -3)
            offers.append(offer)
            if rng.random() < 0.4:
                added = cap * 0.5
                ready = min(int(rng.integers(6, 19)), months // 2)
                expansions.append(
                    {
                        "id": f"exp-{pid}-{items[j]}",
                        "producer": pid,
                        "item": items[j],
                        "added_capacity": round(added, 0),
                        "investment_cost": round(added * 12 * float(rng.uniform(800, 2000)), -3),
                        "lead_periods": ready,
                        "latest_start": periods[min(24, months - 1 - ready)],
                        **({"sponsor": country} if country in codes else {}),
                    }
                )
        producers.append({"id": pid, "name": label, "country": country, "offers": offers})

    # components: 20 kg energetics and a fuze a round; capacity 1.1x the peak output
    peak = sum(float(o["capacity"][max(o["capacity"])]) for pr in producers for o in pr["offers"])
    pids = [pr["id"] for pr in producers]
    suppliers = [
        {
            "id": f"energetics{s}",
            "component": "energetics",
            "serves": pids[s::2],
            "capacity": round(20 * peak * 0.55, 0),
        }
        for s in range(2)
    ] + [{"id": "fuzes", "component": "fuze", "capacity": round(peak * 1.1, 0)}]

    # stockpiles: each nation holds its first usable variant
    stockpiles = []
    for n, code in enumerate(codes):
        on_hand = round(float(monthly[n] * rng.uniform(3, 9)), 0)
        hard = bool(rng.random() < 0.5)
        stockpiles.append(
            {
                "nation": code,
                "item": items[usable[n][0]],
                "on_hand": on_hand,
                "floor": round(on_hand * float(rng.uniform(0.3, 0.5)), 0),
                "floor_type": "hard" if hard else "soft",
                **({} if hard else {"floor_penalty": 300.0}),
                "donor": n % 5 == 0,
                "refill_target": round(on_hand * float(rng.uniform(1.2, 1.5)), 0),
                "refill_by": periods[-1],
                "refill_penalty": round(float(base_price.mean() * 1.2), 0),
                "unit_value": round(float(base_price.mean()), 0),
                "holding_cost": 2.0,
            }
        )

    need_value = {
        code: float(monthly[n] * months * base_price.mean()) for n, code in enumerate(codes)
    }
    eu = [c for c in codes if c != "NOR"]
    eu_makers = sorted({c for c, _, _ in makers} - NON_EU)
    kinds: list[dict[str, Any]] = [
        {"id": "joint", "uses": ["procurement"], "eligible_producer_countries": eu_makers},
        {
            "id": "asap",
            "uses": ["investment"],
            "max_cofinancing_share": 0.35,
            "eligible_producer_countries": eu_makers,
        },
        {"id": "refill", "uses": ["refill"]},
    ]
    funds = []
    for kind, share in zip(kinds[: dims.funds], (0.08, 0.02, 0.03), strict=False):
        members = eu or codes
        committed = round(share * sum(need_value[m] for m in members), -3)
        funds.append(
            {
                **kind,
                "members": members,
                "contribution": {"rule": "key", "basis": "gni", "tolerance": 0.1},
                "committed": committed,
                "cap": committed * 2,
            }
        )
    return {
        "name": f"bench-eda-{size}-seed{seed}",
        "description": f"Synthetic EDA-scale 155mm framework (benchmarks/eda.py), size {size}.",
        "sources": ["benchmarks/eda.py", "models/ammo-155mm-2023-2025/README.md"],
        "currency": "EUR",
        "periods": periods,
        "nations": [
            {
                "code": code,
                "name": name,
                "gni": float(gni[n]),
                "budget": round(need_value[code] * 1.3, -3),
                "memberships": ["NATO"] + ([] if code == "NOR" else ["EU"]),
                "systems": nation_guns[n],
            }
            for n, (code, name, _) in enumerate(nations)
        ],
        "items": [
            {"id": it, "systems": item_guns[j], "components": {"energetics": 20.0, "fuze": 1.0}}
            for j, it in enumerate(items)
        ],
        "capabilities": [
            {
                "id": "fire155",
                "satisfied_by": [
                    {"item": it, "factor": round(float(rng.uniform(0.95, 1.05)), 2)} for it in items
                ],
            }
        ],
        "components": [{"id": "energetics", "unit": "kg"}, {"id": "fuze"}],
        "component_suppliers": suppliers,
        "demands": demands,
        "stockpiles": stockpiles,
        "producers": producers,
        "expansions": expansions,
        "funds": funds,
        "settings": {"objective": objective, "mip_gap": 1e-4},
    }
