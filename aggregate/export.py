"""Write a solution's tables to Excel, Parquet and JSON, all or nothing.

Every file is written into a hidden staging folder beside the target folder (not in it)
and moved into place, one ``os.replace`` per file, only once all are written: an export
that fails leaves the target as it was, and one killed at any moment leaves only complete
files there. A staging folder left by a killed export is removed by the next one.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pandas as pd

from aggregate.io.cells import guard_formula_text
from aggregate.io.files import atomic_target
from aggregate.result import Solution, SolveStatus
from aggregate.tables import conform

FORMATS = ("xlsx", "parquet", "json")

_STAGING = ".aggregate-"
"""Prefix of the staging folders, followed by the writing process id."""


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
            # JSON has no NaN: a numeric column left all null reads back as NaN, as written
            name: conform(name, pd.DataFrame(t["rows"], columns=t["columns"]))
            for name, t in data["tables"].items()
        },
    )


def parquet_available() -> bool:
    """Whether Parquet files can be written (``pyarrow`` is installed)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def check_formats(formats: Iterable[str]) -> list[str]:
    """The export formats asked for, or a ValueError saying which are unknown or unusable.

    Callers check before solving, so a typo costs no solve.
    """
    chosen = list(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ValueError(
            f"unknown export format(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(FORMATS)}, separated by commas"
        )
    if "parquet" in chosen and not parquet_available():
        raise ValueError(
            "Parquet export needs pyarrow: pip install 'aggregate[parquet]' (or choose xlsx,json)"
        )
    return chosen


def write_solution(
    solution: Solution, directory: str | Path, formats: Iterable[str] = ("xlsx", "json")
) -> list[Path]:
    """Write ``solution`` into ``directory`` (created if needed) in the given formats.

    ``xlsx``: one workbook, a ``key_figures`` sheet and one sheet per table; text that a
    spreadsheet would run as a formula (``=...``) is stored as text. ``parquet``: one file
    per table in ``parquet/`` (needs ``pyarrow``: ``pip install aggregate[parquet]``).
    ``json``: one file with everything. Returns the paths written.
    """
    chosen = check_formats(formats)
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    staging = _staging_folder(target)
    try:
        final: list[Path] = []
        with ExitStack() as moves:
            # each atomic_target moves its file into place when the stack closes, so nothing
            # is moved unless every file was written
            for fmt in chosen:
                for name, write in _files(solution, fmt):
                    dest = target / name
                    write(moves.enter_context(atomic_target(dest, staging)))
                    final.append(dest)
            for dest in final:
                dest.parent.mkdir(exist_ok=True)  # parquet/: made only once all is written
        return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _staging_folder(target: Path) -> Path:
    # beside the target, on its file system (os.replace cannot cross one); in it only when
    # its parent takes no new entries
    prefix = f"{_STAGING}{os.getpid()}-"
    try:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    except OSError:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=target))


def _remove_stale(target: Path) -> None:
    """Remove staging folders whose export was killed (its process is gone)."""
    for folder in (target.parent, target):
        try:
            candidates = [p for p in folder.glob(f"{_STAGING}*") if p.is_dir()]
        except OSError:
            continue
        for path in candidates:
            if not _alive(path.name.removeprefix(_STAGING).split("-", 1)[0]):
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid_text: str) -> bool:
    if not pid_text.isdigit():
        return False  # an older version's staging folder, named without its process
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True


Writer = Callable[[Path], None]


def _files(solution: Solution, fmt: str) -> list[tuple[str, Writer]]:
    """The files of one format: (name relative to the target folder, function writing it)."""
    if fmt == "json":
        return [("solution.json", lambda path: _write_json(solution, path))]
    if fmt == "xlsx":
        return [("solution.xlsx", lambda path: _write_xlsx(solution, path))]
    return [
        (f"parquet/{name}.parquet", _parquet_writer(df)) for name, df in solution.tables.items()
    ]


def _write_json(solution: Solution, path: Path) -> None:
    path.write_text(json.dumps(solution_dict(solution), indent=1, default=str))


def _parquet_writer(frame: pd.DataFrame) -> Writer:
    def write(path: Path) -> None:
        frame.to_parquet(path, index=False)

    return write


def _write_xlsx(solution: Solution, path: Path) -> None:
    figures = pd.DataFrame([{"figure": k, "value": v} for k, v in solution.key_figures.items()])
    # the file has a .tmp name: name the engine, pandas would guess it from the suffix
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        figures.to_excel(xl, sheet_name="key_figures", index=False)
        for name, df in solution.tables.items():
            df.to_excel(xl, sheet_name=name[:31], index=False)
        # the tables hold data only: no cell is meant to be a formula
        for sheet in xl.book.worksheets:
            for row in sheet.iter_rows():
                guard_formula_text(row)
