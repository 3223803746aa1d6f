"""Defensibility of the library scenarios' plans: the audit's red flags per scenario.

Solves each library scenario (``models/*/scenario.yaml``) pooled and going alone, runs
:func:`aggregate.audit.audit` on the joint plan and prints one row per scenario and flag:
the count (demands, unit-periods, instances or nations, see
:data:`aggregate.audit.FLAGS`), the summed quantity and the summed amount::

    python benchmarks/defensibility.py [--out FILE.csv] [--flags FILE.csv] [--time-limit S]

``--out`` writes the summary table as CSV, ``--flags`` every flag instance.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from aggregate.audit import audit  # noqa: E402
from aggregate.io import load  # noqa: E402
from aggregate.solve import solve  # noqa: E402

SCENARIOS = sorted(p.parent.name for p in (ROOT / "models").glob("*/scenario.yaml"))
"""The library scenarios (folders of ``models/`` holding a ``scenario.yaml``)."""


def run(
    names: list[str] | None = None, time_limit: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary, flags) of the scenarios ``names`` (default: every library scenario):
    the audit summary and flag rows, each with a leading ``scenario`` column."""
    summaries, flags = [], []
    for name in names or SCENARIOS:
        scenario = load(ROOT / "models" / name / "scenario.yaml")
        pooled = solve(scenario, time_limit=time_limit)
        alone = solve(scenario, baseline=True, time_limit=time_limit)
        result = audit(scenario, pooled, alone)
        summaries.append(result.summary.assign(scenario=name, status=pooled.status.value))
        flags.append(result.flags.assign(scenario=name))
    summary = pd.concat(summaries, ignore_index=True)
    summary = summary[["scenario", "status", "flag", "count", "quantity", "amount", "measure"]]
    rows = pd.concat(flags, ignore_index=True)
    return summary, rows[["scenario", *[c for c in rows.columns if c != "scenario"]]]


def wide(summary: pd.DataFrame) -> pd.DataFrame:
    """Scenario x flag counts (the table of the issue's acceptance list)."""
    return summary.pivot(index="flag", columns="scenario", values="count").reindex(
        summary.flag.drop_duplicates()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the summary table (CSV)")
    parser.add_argument("--flags", type=Path, help="write every flag instance (CSV)")
    parser.add_argument("--scenarios", help="comma-separated folders of models/ (default all)")
    parser.add_argument("--time-limit", type=float, help="seconds per solve")
    args = parser.parse_args(argv)
    names = args.scenarios.split(",") if args.scenarios else None
    summary, rows = run(names, args.time_limit)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        sys.stdout.write(wide(summary).to_string() + "\n\n")
        sys.stdout.write(summary.drop(columns="measure").to_string(index=False) + "\n")
    if args.out is not None:
        summary.to_csv(args.out, index=False)
    if args.flags is not None:
        rows.to_csv(args.flags, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
