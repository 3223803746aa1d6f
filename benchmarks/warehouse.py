"""Generated capacitated warehouse-location instances (the ``wl`` family), seeded.

The OR-Library's largest capacitated class (Beasley 1988, sets A-C: 100 warehouses x 1,000
customers) is generated here rather than shipped, with numbers of the same kind as the
published ``capa`` file:

* warehouses and customers are points drawn uniformly in the unit square;
* customer demand ``d_j`` is an integer drawn uniformly from 1..100 (``capa``'s demands lie
  in that range; about 50,000 in all for 1,000 customers);
* every warehouse has the same capacity (as in each of Beasley's classes), a share of the
  total demand: ``s = ceil(share * sum_j d_j)``; ``share`` 0.16 is ``capa``'s tightest
  class (8,000 of about 50,000: at least 7 warehouses must open);
* the fixed cost is drawn uniformly from 1.35m..2.25m (``capa``'s range), times
  ``n / 1000`` so smaller sizes keep the balance of fixed and transport cost;
* the cost of serving all of customer ``j``'s demand from ``i`` is
  ``a_ij = 1000 * distance(i, j) * d_j`` rounded to 5 decimals (``capa``'s per-unit costs
  lie in 0..1,400; OR-Library's convention: a cost per customer, not per unit).

The numbers become a scenario (:func:`wl_raw`) exactly as the published instances in
``tests/reference`` do through :func:`aggregate.reference.orlib_scenario`: warehouses are
producers with a capacity and a contract cost, customers nations with one demand, the
per-unit delivery cost ``a_ij / d_j``. They can also be written in the OR-Library
``cap*.txt`` format (:func:`orlib_text`), which is how the tests check the two mappings
agree. :mod:`benchmarks.textbook` solves the same numbers with the textbook formulation.
"""

from __future__ import annotations

import itertools
import math
import string
from dataclasses import dataclass
from typing import Any

import numpy as np

WL_SIZES: dict[str, tuple[int, int, float]] = {
    "S": (10, 50, 0.16),
    "M": (30, 200, 0.16),
    "L": (100, 1000, 0.16),
}
"""size -> (warehouses, customers, capacity share of the total demand). ``L`` is the
OR-Library's largest class (100 x 1,000: 100,000 flows) at its tightest capacity."""


@dataclass(frozen=True)
class Warehouses:
    """One capacitated warehouse-location instance in OR-Library terms."""

    capacity: np.ndarray
    """``s_i`` per warehouse."""
    fixed: np.ndarray
    """``f_i``, paid once if the warehouse serves anybody."""
    demand: np.ndarray
    """``d_j`` per customer."""
    cost: np.ndarray
    """``a_ij`` (warehouses x customers): the cost of serving ALL of ``d_j`` from ``i``."""

    @property
    def shape(self) -> tuple[int, int]:
        m, n = self.cost.shape
        return int(m), int(n)

    def unit_cost(self) -> np.ndarray:
        """``c_ij = a_ij / d_j``, per unit (0 where a customer demands nothing), computed as
        :func:`aggregate.reference.orlib_scenario` does."""
        d = self.demand
        return np.where(d > 0, self.cost / np.where(d > 0, d, 1.0), 0.0)


def generate_warehouses(size: str = "S", seed: int = 0) -> Warehouses:
    """The numbers of instance ``wl-<size>`` (see :data:`WL_SIZES`), seeded."""
    try:
        m, n, share = WL_SIZES[size]
    except KeyError:
        raise ValueError(
            f"unknown warehouse-location size {size!r}; sizes {list(WL_SIZES)}"
        ) from None
    rng = np.random.default_rng(seed)
    where_w = rng.uniform(0.0, 1.0, (m, 2))
    where_c = rng.uniform(0.0, 1.0, (n, 2))
    demand = rng.integers(1, 101, n).astype(float)
    capacity = float(math.ceil(share * demand.sum()))
    fixed = np.round(rng.uniform(1.35e6, 2.25e6, m) * n / 1000)
    distance = np.sqrt(((where_w[:, None, :] - where_c[None, :, :]) ** 2).sum(axis=2))
    cost = np.round(1000.0 * distance * demand[None, :], 5)
    return Warehouses(np.full(m, capacity), fixed, demand, cost)


def orlib_text(w: Warehouses) -> str:
    """``w`` in the OR-Library ``cap*.txt`` format (numbers written so they read back
    exactly)."""
    m, n = w.shape
    lines = [f"{m} {n}"]
    lines += [f"{float(w.capacity[i])!r} {float(w.fixed[i])!r}" for i in range(m)]
    for j in range(n):
        lines.append(repr(float(w.demand[j])))
        lines.append(" ".join(repr(float(v)) for v in w.cost[:, j]))
    return "\n".join(lines) + "\n"


def read_orlib(text: str) -> Warehouses:
    """Parse the OR-Library format (whitespace-separated numbers; see
    ``tests/reference/README.md``)."""
    numbers = np.array(text.split(), dtype=float)
    m, n = int(numbers[0]), int(numbers[1])
    pairs = numbers[2 : 2 + 2 * m].reshape(m, 2)
    body = numbers[2 + 2 * m : 2 + 2 * m + n * (m + 1)].reshape(n, m + 1)
    return Warehouses(pairs[:, 0].copy(), pairs[:, 1].copy(), body[:, 0].copy(), body[:, 1:].T)


def customer_codes(n: int) -> list[str]:
    """``n`` distinct three-letter codes: ``XAA`` ... ``XZZ`` as
    :func:`aggregate.reference.orlib_scenario` names its customers, then ``YAA`` ... and
    ``ZAA`` ... (that function stops at 676 customers; the largest class has 1,000)."""
    letters = string.ascii_uppercase
    codes = [f + a + b for f in "XYZ" for a, b in itertools.product(letters, letters)]
    if n > len(codes):
        raise ValueError(f"at most {len(codes)} customers, not {n}")
    return codes[:n]


def wl_raw(size: str = "S", seed: int = 0, objective: str = "weighted") -> dict[str, Any]:
    """The raw scenario of ``wl-<size>``: the generated numbers mapped as
    :func:`aggregate.reference.orlib_scenario` maps an OR-Library file (warehouses are
    producers with a capacity and a contract cost, customers nations with one demand in one
    period, unit price 0, per-unit delivery cost ``a_ij / d_j``), with the benchmark's
    objective and a ``1e-6`` gap (optimal, as the textbook comparison is timed to).
    ``tests/test_benchmark_families.py`` checks it against ``orlib_scenario`` on the same
    numbers."""
    w = generate_warehouses(size, seed)
    m, n = w.shape
    codes = customer_codes(n)
    unit = w.unit_cost()
    return {
        "name": f"bench-wl-{size}-seed{seed}",
        "description": (
            f"Generated capacitated warehouse location (benchmarks/warehouse.py), size {size}."
        ),
        "currency": "USD",
        "periods": ["P1"],
        "nations": [{"code": c, "name": f"customer {j + 1}"} for j, c in enumerate(codes)],
        "items": [{"id": "good"}],
        "capabilities": [{"id": "need", "satisfied_by": [{"item": "good"}]}],
        "demands": [
            {
                "id": f"demand-{c}",
                "nation": c,
                "capability": "need",
                "period": "P1",
                "quantity": float(w.demand[j]),
            }
            for j, c in enumerate(codes)
        ],
        "producers": [
            {
                "id": f"W{i + 1:02d}",
                "country": "USA",
                "offers": [
                    {
                        "item": "good",
                        "capacity": float(w.capacity[i]),
                        "price": 0.0,
                        "contract_cost": float(w.fixed[i]),
                        "delivery_cost_to": dict(zip(codes, unit[i].tolist(), strict=True)),
                    }
                ],
            }
            for i in range(m)
        ],
        "settings": {"objective": objective, "mip_gap": 1e-6},
    }
