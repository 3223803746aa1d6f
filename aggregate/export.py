"""Write a solution's tables to Excel, Parquet and JSON, and read its JSON back.

Writing is all or nothing (:mod:`aggregate.io.exports`): every file goes into a hidden
staging folder beside the target folder and is moved into place only once all are written.
The plan object has the same as methods: ``plan.to_excel(path)``, ``plan.to_parquet(dir)``
and ``plan.to_json(path)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from aggregate.io.exports import (
    FIGURE_COLUMNS,
    FORMATS,
    check_formats,
    column_types,
    key_figures_frame,
    parquet_available,
    solution_dict,
    write_solution,
)
from aggregate.io.units import units_of
from aggregate.result import Solution, SolveStatus
from aggregate.tables import conform, label_units

__all__ = [
    "FIGURE_COLUMNS",
    "FORMATS",
    "check_formats",
    "column_types",
    "key_figures_frame",
    "parquet_available",
    "read_solution_json",
    "solution_dict",
    "write_solution",
]


def read_solution_json(path: str | Path) -> Solution:
    """Read a ``solution.json`` written by :func:`write_solution` back into a Solution,
    its tables typed and carrying their units in ``df.attrs`` as a solved plan's do
    (:func:`aggregate.tables.units`)."""
    data = json.loads(Path(path).read_text())
    solution = Solution(
        scenario_name=data["scenario"],
        status=SolveStatus(data["status"]),
        pooled=data["pooled"],
        objective=data["objective"],
        message=data["message"],
        periods=data.get("periods", []),
        gap=data["gap"],
        timings=data["timings"],
        solver_settings=data.get("solver_settings", {}),
        key_figures=data["key_figures"],
        tables={
            # JSON has no NaN: a numeric column left all null reads back as NaN, as written
            name: conform(name, _typed(pd.DataFrame(t["rows"], columns=t["columns"]), t))
            for name, t in data["tables"].items()
        },
        **units_of(data),
    )
    # the same units in df.attrs as a solved plan's (a file without units: the defaults)
    label_units(solution.tables, solution.currency, solution.units)
    return solution


_PANDAS_TYPES = {"text": "object", "float": "float64", "int": "int64"}


def _typed(frame: pd.DataFrame, table: dict[str, Any]) -> pd.DataFrame:
    """An empty table read back with the column types it was written with."""
    types = table.get("types", {})
    if not frame.empty or not types:
        return frame
    return frame.astype({c: _PANDAS_TYPES[t] for c, t in types.items() if c in frame})
