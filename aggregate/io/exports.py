"""Write a solution's tables to Excel, Parquet and JSON, all or nothing
(:mod:`aggregate.export` is the public name; it also reads a ``solution.json`` back).

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

from aggregate.io.excel.solution import write_solution_workbook
from aggregate.io.files import atomic_target
from aggregate.io.units import (
    SolutionLike,
    figure_meaning,
    figure_unit,
    table_units,
    units_metadata,
)
from aggregate.tables import SPECS

FORMATS = ("xlsx", "parquet", "json")

_STAGING = ".aggregate-"
"""Prefix of the staging folders, followed by the writing process id."""

FIGURE_COLUMNS: dict[str, str] = {
    "figure": "text",
    "value": "float",
    "text": "text",
    "unit": "text",
    "meaning": "text",
}
"""The columns of :func:`key_figures_frame` (``key_figures.parquet``) and their types."""


def solution_dict(solution: SolutionLike) -> dict[str, Any]:
    """The solution as plain JSON-ready data (NaN becomes null).

    Besides the plan's fields: ``currency``, ``units`` (what one unit of each item,
    capability and component is), ``indivisible``, ``key_figure_units`` and, per table, its
    columns' ``types`` (``text``, ``float``, ``int``) and ``units`` (``EUR``, ``rounds``).
    """

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
        "solver_settings": solution.solver_settings,
        **units_metadata(solution),
        "key_figures": {k: clean(v) for k, v in solution.key_figures.items()},
        "key_figure_units": {k: figure_unit(solution, k) for k in solution.key_figures},
        "tables": {
            name: {
                "columns": list(df.columns),
                "types": column_types(name, df),
                "units": table_units(solution, name, df),
                "rows": [[clean(v) for v in row] for row in df.itertuples(index=False)],
            }
            for name, df in solution.tables.items()
        },
    }


def column_types(name: str, frame: pd.DataFrame) -> dict[str, str]:
    """Column -> ``text``, ``float`` or ``int``: the table's spec, else the frame's dtype."""
    spec = {c.name: c.dtype for c in SPECS[name].columns} if name in SPECS else {}

    def kind(column: str) -> str:
        if column in spec:
            return spec[column]
        dtype = frame[column].dtype
        if pd.api.types.is_integer_dtype(dtype):
            return "int"
        return "float" if pd.api.types.is_numeric_dtype(dtype) else "text"

    return {str(c): kind(str(c)) for c in frame.columns}


def key_figures_frame(solution: SolutionLike) -> pd.DataFrame:
    """The key figures as a table: ``figure``, ``value`` (a number, NaN where the figure is
    text or unknown), ``text`` (the figure as text: ``optimal``), ``unit`` and ``meaning``."""
    rows = []
    for figure, value in solution.key_figures.items():
        number = isinstance(value, int | float) and not isinstance(value, bool)
        rows.append(
            {
                "figure": figure,
                "value": float(value) if number else math.nan,
                "text": "" if value is None else str(value),
                "unit": figure_unit(solution, figure),
                "meaning": figure_meaning(figure),
            }
        )
    return pd.DataFrame(rows, columns=list(FIGURE_COLUMNS)).astype({"value": "float64"})


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
    solution: SolutionLike, directory: str | Path, formats: Iterable[str] = ("xlsx", "json")
) -> list[Path]:
    """Write ``solution`` into ``directory`` (created if needed) in the given formats.

    ``xlsx``: one workbook ``solution.xlsx``, a ``README`` sheet (which plan, its status,
    gap, solve time, currency and units, what each sheet holds and why one is empty), a
    ``key_figures`` sheet and one sheet per table, with units in the headers, number
    formats, fitted widths, a frozen header row and filters; text that a spreadsheet would
    run as a formula (``=...``) is stored as text (:mod:`aggregate.io.excel.solution`).
    ``parquet``: one file per table and ``key_figures.parquet`` in ``parquet/``, each
    column typed from the table's spec even without rows, the units and currency in each
    file's metadata (needs ``pyarrow``: ``pip install aggregate[parquet]``). ``json``: one
    file ``solution.json`` with everything, units and currency included. Returns the paths
    written.
    """
    chosen = check_formats(formats)
    return _write_all(Path(directory), [f for fmt in chosen for f in _files(solution, fmt)])


def write_parquet(solution: SolutionLike, directory: str | Path) -> list[Path]:
    """Write ``solution`` as Parquet files directly in ``directory`` (created if needed):
    one per table and ``key_figures.parquet``, all or nothing. Returns the paths."""
    check_formats(["parquet"])
    return _write_all(Path(directory), _files(solution, "parquet", folder=""))


def write_json(solution: SolutionLike, path: str | Path) -> Path:
    """Write ``solution`` as one JSON file at ``path`` (replaced in one step)."""
    target = Path(path)
    with atomic_target(target) as tmp:
        _write_json(solution, tmp)
    return target


def write_workbook(solution: SolutionLike, path: str | Path) -> Path:
    """Write ``solution`` as one workbook at ``path`` (replaced in one step)."""
    target = Path(path)
    with atomic_target(target) as tmp:
        write_solution_workbook(solution, tmp)
    return target


def _write_all(target: Path, files: list[tuple[str, Writer]]) -> list[Path]:
    """Write ``files`` (name relative to ``target``, writer) all or nothing."""
    target.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    staging = _staging_folder(target)
    try:
        final: list[Path] = []
        with ExitStack() as moves:
            # each atomic_target moves its file into place when the stack closes, so nothing
            # is moved unless every file was written
            for name, write in files:
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


def _files(solution: SolutionLike, fmt: str, folder: str = "parquet/") -> list[tuple[str, Writer]]:
    """The files of one format: (name relative to the target folder, function writing it);
    ``folder``: where the Parquet files go."""
    if fmt == "json":
        return [("solution.json", lambda path: _write_json(solution, path))]
    if fmt == "xlsx":
        return [("solution.xlsx", lambda path: write_solution_workbook(solution, path))]
    figures = ("key_figures", key_figures_frame(solution))
    return [
        (f"{folder}{name}.parquet", _parquet_writer(_arrow_table(solution, name, df)))
        for name, df in (*solution.tables.items(), figures)
    ]


def _write_json(solution: SolutionLike, path: Path) -> None:
    path.write_text(json.dumps(solution_dict(solution), indent=1, default=str))


def _parquet_writer(table: Any) -> Writer:
    def write(path: Path) -> None:
        import pyarrow.parquet as pq

        pq.write_table(table, path)

    return write


_ARROW_TYPES = {"text": "string", "float": "float64", "int": "int64"}


def _arrow_table(solution: SolutionLike, name: str, frame: pd.DataFrame) -> Any:
    """``frame`` as a pyarrow table: each column of the type its spec says (an empty
    table too, where pandas alone would write untyped ``null`` columns), with the units,
    currency and plan in the schema's ``aggregate`` metadata."""
    import pyarrow as pa

    types: dict[str, str] = {c.name: c.dtype for c in SPECS[name].columns} if name in SPECS else {}
    if name == "key_figures":
        types = FIGURE_COLUMNS
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for index, column in enumerate(table.column_names):
        if column in types:
            kind = getattr(pa, _ARROW_TYPES[types[column]])()
            table = table.set_column(index, pa.field(column, kind), table[column].cast(kind))
    about = {
        "table": name,
        "scenario": solution.scenario_name,
        "status": solution.status.value,
        "pooled": solution.pooled,
        "currency": solution.currency,
        "units": table_units(solution, name, frame),
    }
    metadata = {**(table.schema.metadata or {}), b"aggregate": json.dumps(about).encode()}
    return table.replace_schema_metadata(metadata)
