"""Published reference instances as scenarios (Dantzig's transport problem, OR-Library CAP).

These map classic problems onto the joint-procurement model's special cases (one period,
one item, no tiers); reproducing their published optima checks the model against the
outside world. See ``tests/reference/README.md`` in the repository for the
mappings and the instances' sources.
"""

from __future__ import annotations

import itertools
import json
import string
from pathlib import Path

from aggregate.schema import (
    Capability,
    Demand,
    Equivalence,
    Item,
    Nation,
    Offer,
    Producer,
    Scenario,
)


def _codes(n: int) -> list[str]:
    """``n`` distinct three-letter codes (``XAA``, ``XAB``, ...) for synthetic nations."""
    letters = string.ascii_uppercase
    return ["X" + a + b for a, b in itertools.islice(itertools.product(letters, letters), n)]


def _one_item_scenario(name: str, markets: dict[str, tuple[str, float]]) -> dict:
    return {
        "name": name,
        "periods": ["P1"],
        "nations": [Nation(code=c, name=label) for c, (label, _) in markets.items()],
        "items": [Item(id="good")],
        "capabilities": [Capability(id="need", satisfied_by=[Equivalence(item="good")])],
        "demands": [
            Demand(id=f"demand-{c}", nation=c, capability="need", period="P1", quantity=q)
            for c, (_, q) in markets.items()
        ],
    }


def transport_scenario(path: str | Path) -> Scenario:
    """Dantzig's transport problem (GAMS TRNSPORT) from its JSON description."""
    ref = json.loads(Path(path).read_text())
    markets = list(ref["markets"])
    codes = dict(zip(markets, _codes(len(markets)), strict=True))
    freight = ref["freight_dollars_per_case_per_thousand_miles"]
    base = _one_item_scenario(
        "Dantzig transport problem",
        {codes[m]: (m, float(q)) for m, q in ref["markets"].items()},
    )
    producers = [
        Producer(
            id=plant,
            country="USA",
            offers=[
                Offer(
                    item="good",
                    capacity=float(capacity),
                    price=0.0,
                    delivery_cost_to={
                        codes[m]: freight * d / 1000
                        for m, d in ref["distance_thousand_miles"][plant].items()
                    },
                )
            ],
        )
        for plant, capacity in ref["plants"].items()
    ]
    return Scenario(currency="USD", producers=producers, **base)


def orlib_scenario(path: str | Path) -> Scenario:
    """An OR-Library capacitated warehouse location instance (Beasley 1988, ``cap*.txt``).

    Warehouses become producers (capacity, fixed contract cost), customers nations with a
    demand; the per-unit delivery cost is the cost of serving the whole demand divided by it.
    """
    numbers = Path(path).read_text().split()
    pos = 0

    def take() -> float:
        nonlocal pos
        pos += 1
        return float(numbers[pos - 1])

    m, n = int(take()), int(take())
    warehouses = [(take(), take()) for _ in range(m)]
    codes = _codes(n)
    demand: dict[str, float] = {}
    unit_cost: list[dict[str, float]] = [{} for _ in range(m)]
    for j in range(n):
        dj = take()
        demand[codes[j]] = dj
        for i in range(m):
            unit_cost[i][codes[j]] = take() / dj if dj > 0 else 0.0
    base = _one_item_scenario(
        f"OR-Library {Path(path).stem}",
        {c: (f"customer {j + 1}", demand[c]) for j, c in enumerate(codes)},
    )
    producers = [
        Producer(
            id=f"W{i + 1:02d}",
            country="USA",
            offers=[
                Offer(
                    item="good",
                    capacity=capacity,
                    price=0.0,
                    contract_cost=fixed,
                    delivery_cost_to=unit_cost[i],
                )
            ],
        )
        for i, (capacity, fixed) in enumerate(warehouses)
    ]
    return Scenario(currency="USD", producers=producers, **base)
