"""A study of numbers-only variants solved cold (each built and solved anew) and warm (one
:class:`~aggregate.resolve.Resolver`, each variant starting from the previous plan).

Variants scale every offer's capacity and every demand's quantity by seeded factors in
[0.85, 1.15]: the model's structure stays, its numbers change. Cold and warm solve the
variants alternately (variant 1 cold, variant 1 warm, variant 2 cold, ...) so both see the
same machine load. Every plan is verified; the script checks that cold and warm plans of a
variant reach the same objective within the gap and prints the totals and their ratio.
By default the cold solves are today's plain HiGHS (``first_plan: none``) and the warm
ones start from the heuristic (first variant) or the previous variant's plan::

    python -m benchmarks.warm_study --variants 50 --size M
"""

from __future__ import annotations

import argparse
import copy
import time
from typing import Any

import numpy as np

import aggregate
from aggregate.resolve import Resolver
from aggregate.schema import Scenario
from aggregate.schema.settings import SolveSettings
from benchmarks.generator import generate_raw

LOW, HIGH = 0.85, 1.15


def variant(raw: dict[str, Any], seed: int) -> dict[str, Any]:
    """``raw`` with capacities and demands scaled by factors drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    out = copy.deepcopy(raw)
    out["name"] = f"{raw['name']}-v{seed}"
    for producer in out["producers"]:
        for offer in producer["offers"]:
            offer["capacity"] = round(offer["capacity"] * rng.uniform(LOW, HIGH), 1)
    for demand in out["demands"]:
        demand["quantity"] = round(demand["quantity"] * rng.uniform(LOW, HIGH), 1)
    return out


def objective_value(solution: aggregate.Solution) -> tuple[float, ...]:
    """What the solve minimised: (cost + penalties) for ``weighted``; (needs, cost) for
    ``needs_first``."""
    k = solution.key_figures
    if solution.objective == "weighted":
        return (k["total_cost"] + k["penalty_cost"],)
    return (k["needs_objective"], k["total_cost"])


def close(a: tuple[float, ...], b: tuple[float, ...], gap: float) -> bool:
    """Both plans within ``gap`` of the optimum: their values within ``gap`` of each other
    (plus HiGHS's absolute tolerance on tiny values)."""
    return all(abs(x - y) <= gap * max(abs(x), abs(y)) + 1e-6 for x, y in zip(a, b, strict=True))


def _scenarios(raw: dict[str, Any], variants: int, first_plan: str) -> list[Scenario]:
    out = []
    for seed in range(variants):
        v = variant(raw, seed)
        if first_plan and "first_plan" in SolveSettings.model_fields:
            v["settings"] = {**v["settings"], "first_plan": first_plan}
        out.append(aggregate.validate(v))
    return out


def run(
    variants: int, size: str, objective: str, mip_gap: float, cold_plan: str, warm_plan: str
) -> dict:
    """Cold with ``settings.first_plan = cold_plan`` against warm with ``warm_plan`` (empty:
    the default)."""
    raw = generate_raw(size, "mip", objective=objective)
    raw["settings"] = {**raw.get("settings", {}), "mip_gap": mip_gap}
    colds = _scenarios(raw, variants, cold_plan)
    warms = _scenarios(raw, variants, warm_plan)
    cold = warm = 0.0
    mismatches: list[str] = []
    resolver: Resolver | None = None
    for sc, ws in zip(colds, warms, strict=True):
        t0 = time.perf_counter()
        a = aggregate.solve(sc)
        cold += time.perf_counter() - t0
        t0 = time.perf_counter()
        if resolver is None:
            resolver = Resolver(ws)
        b = resolver.solve(ws)
        warm += time.perf_counter() - t0
        for name, s in (("cold", a), ("warm", b)):
            if not s.status.has_plan or not aggregate.verify(sc, s).ok:
                mismatches.append(f"{sc.name}: {name} plan {s.status.value} or not verified")
        if a.status.has_plan and b.status.has_plan:
            va, vb = objective_value(a), objective_value(b)
            if not close(va, vb, mip_gap):
                mismatches.append(f"{sc.name}: cold {va} warm {vb}")
    assert resolver is not None
    return {
        "variants": variants,
        "cold_s": round(cold, 2),
        "warm_s": round(warm, 2),
        "ratio": round(cold / warm, 2) if warm else None,
        "rebuilds": resolver.rebuilds,
        "reuses": resolver.reuses,
        "mismatches": mismatches,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=50)
    parser.add_argument("--size", default="M")
    parser.add_argument("--objective", default="weighted", choices=["weighted", "needs_first"])
    parser.add_argument("--mip-gap", type=float, default=0.01)
    parser.add_argument(
        "--cold-first-plan",
        default="none",
        help="settings.first_plan of the cold solves (default 'none': HiGHS on its own)",
    )
    parser.add_argument(
        "--warm-first-plan", default="heuristic", help="settings.first_plan of the warm solves"
    )
    args = parser.parse_args(argv)
    result = run(
        args.variants,
        args.size,
        args.objective,
        args.mip_gap,
        args.cold_first_plan,
        args.warm_first_plan,
    )
    print(result)


if __name__ == "__main__":
    main()
