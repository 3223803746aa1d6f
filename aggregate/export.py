"""Write a solution's tables to Excel, Parquet and JSON, all or nothing.

Files are written into a temporary folder beside the target and moved into place at the
end, so an interrupted export never leaves half a result on disk.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from aggregate.result import Solution, SolveStatus

FORMATS = ("xlsx", "parquet", "json")


def solution_dict(solution: Solution) -> dict[str, Any]:
    """The solution as plain JSON-ready data (NaN becomes null)."""

    def clean(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value

    return {
        "scenario": solution.scenario_name,
        "status": solution.status.value,
        "pooled": solution.pooled,
        "objective": solution.objective,
        "message": solution.message,
        "periods": solution.periods,
        "gap": clean(solution.gap),
        "timings": solution.timings,
        "key_figures": {k: clean(v) for k, v in solution.key_figures.items()},
        "tables": {
            name: {
                "columns": list(df.columns),
                "rows": [[clean(v) for v in row] for row in df.itertuples(index=False)],
            }
            for name, df in solution.tables.items()
        },
    }


def read_solution_json(path: str | Path) -> Solution:
    """Read a ``solution.json`` written by :func:`write_solution` back into a Solution."""
    data = json.loads(Path(path).read_text())
    return Solution(
        scenario_name=data["scenario"],
        status=SolveStatus(data["status"]),
        pooled=data["pooled"],
        objective=data["objective"],
        message=data["message"],
        periods=data.get("periods", []),
        gap=data["gap"],
        timings=data["timings"],
        key_figures=data["key_figures"],
        tables={
            name: pd.DataFrame(t["rows"], columns=t["columns"])
            for name, t in data["tables"].items()
        },
    )


def write_solution(
    solution: Solution, directory: str | Path, formats: Iterable[str] = ("xlsx", "json")
) -> list[Path]:
    """Write ``solution`` into ``directory`` (created if needed) in the given formats.

    ``xlsx``: one workbook, a ``key_figures`` sheet and one sheet per table. ``parquet``: one
    file per table (needs ``pyarrow``: ``pip install aggregate[parquet]``). ``json``: one file
    with everything. Returns the paths written.
    """
    formats = list(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format(s) {unknown}; choose from {list(FORMATS)}")
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".aggregate-", dir=target))
    try:
        written = [_write(solution, staging, fmt) for fmt in formats]
        final: list[Path] = []
        for path in written:
            dest = target / path.name
            if dest.is_dir():
                shutil.rmtree(dest)
            os.replace(path, dest)
            final.append(dest)
        return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write(solution: Solution, folder: Path, fmt: str) -> Path:
    if fmt == "json":
        path = folder / "solution.json"
        path.write_text(json.dumps(solution_dict(solution), indent=1, default=str))
        return path
    if fmt == "xlsx":
        path = folder / "solution.xlsx"
        figures = pd.DataFrame(
            [{"figure": k, "value": v} for k, v in solution.key_figures.items()]
        )
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            figures.to_excel(xl, sheet_name="key_figures", index=False)
            for name, df in solution.tables.items():
                df.to_excel(xl, sheet_name=name[:31], index=False)
        return path
    path = folder / "parquet"
    path.mkdir()
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise RuntimeError(
            "Parquet export needs pyarrow: pip install 'aggregate[parquet]'"
        ) from exc
    for name, df in solution.tables.items():
        df.to_parquet(path / f"{name}.parquet", index=False)
    return path
