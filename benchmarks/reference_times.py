"""Time the reference instances and the scenario library, phase by phase.

Usage: ``python benchmarks/reference_times.py [--repeat N]``; writes
``benchmarks/results/reference_times.csv`` and ``.md`` (medians over the repetitions).
The full benchmark suite (sizes S-XL, direct-highspy reference) is future work (issue 5).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from importlib.metadata import version
from pathlib import Path

import pandas as pd

import aggregate
from aggregate.reference import orlib_scenario, transport_scenario

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"


def instances() -> dict[str, aggregate.Scenario]:
    out = {"trnsport": transport_scenario(REFERENCE / "trnsport.json")}
    for path in sorted(REFERENCE.glob("orlib-cap*.txt")):
        out[path.stem] = orlib_scenario(path)
    for path in sorted(ROOT.glob("models/*/scenario.yaml")):
        out[path.parent.name] = aggregate.load(path)
    return out


def run(repeat: int) -> pd.DataFrame:
    rows = []
    for name, sc in instances().items():
        samples: dict[str, list[float]] = {}
        for _ in range(repeat):
            plan = aggregate.solve(sc)
            t0 = time.perf_counter()
            ok = aggregate.verify(sc, plan).ok
            plan.timings["verify"] = time.perf_counter() - t0
            for phase, seconds in plan.timings.items():
                samples.setdefault(phase, []).append(seconds)
        row = {
            "instance": name,
            "status": plan.status.value,
            "verified": ok,
            "total_cost": plan.key_figures.get("total_cost"),
        }
        row.update({f"{k}_s": statistics.median(v) for k, v in samples.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    table = run(args.repeat)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "reference_times.csv", index=False)
    machine = (
        f"{platform.machine()}, {platform.python_version()}, pyomo {version('pyomo')}, "
        f"highspy {version('highspy')}, repeat {args.repeat} (medians)"
    )
    (out / "reference_times.md").write_text(
        f"# Reference instances and scenario library\n\n{machine}\n\n"
        + table.to_markdown(index=False, floatfmt=".3f")
        + "\n"
    )
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
