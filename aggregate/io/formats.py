"""One front door for scenario files: :func:`load`, :func:`read_raw` and :func:`save` pick
the format by the file's suffix (``.yaml``/``.yml``, ``.json`` or ``.xlsx``).

It sits above both formats: :mod:`aggregate.io.files` (YAML and JSON, safe reading and
atomic writing) and :mod:`aggregate.io.excel` (workbooks, which use those safe reads and
writes too), so neither format module needs the other's entry points.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aggregate.io.excel import load_excel, read_excel, write_excel
from aggregate.io.files import (
    dump_json,
    dump_yaml,
    file_error,
    parse_json,
    parse_yaml,
    read_text,
    scenario_data,
    write_text_atomic,
)
from aggregate.schema import Scenario
from aggregate.validation import validate

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)
EXCEL_SUFFIXES = (".xlsx",)
_READABLE = "use a .yaml, .yml, .json or .xlsx file"


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file (``.yaml``, ``.yml``, ``.json`` or ``.xlsx``).

    Raises :class:`ScenarioError` listing every problem, with the file name attached.
    """
    path = Path(path)
    if _suffix(path) in EXCEL_SUFFIXES:
        return load_excel(path)  # names the sheet and row of each problem
    return validate(read_raw(path), file=str(path))


def read_raw(path: str | Path) -> Any:
    """Parse a scenario file into plain data (dicts, lists, text, numbers) without validating.

    YAML is read with a safe loader (no object construction, dates stay text); JSON
    refuses NaN/Infinity; duplicate keys are errors in both. Workbooks are read by
    :func:`aggregate.io.excel.read_excel`.
    """
    path = Path(path)
    suffix = _suffix(path)
    if suffix in EXCEL_SUFFIXES:
        return read_excel(path)
    if suffix not in YAML_SUFFIXES + JSON_SUFFIXES:
        raise file_error(path, f"unknown file type '{path.suffix}'", _READABLE)
    text = read_text(path)
    if suffix in JSON_SUFFIXES:
        return parse_json(text, str(path))
    data = parse_yaml(text, str(path))
    if data is None:
        raise file_error(path, "the file is empty", "write the scenario's fields in it")
    return data


def save(scenario: Scenario, path: str | Path) -> Path:
    """Write ``scenario`` to ``path`` by its suffix: ``.yaml``/``.yml``, ``.json`` or ``.xlsx``.

    Loading the file gives a scenario equal to ``scenario``. The file is replaced in one
    step (temporary file + rename), so an interrupted write leaves the old file intact.
    Returns the path written.
    """
    path = Path(path)
    suffix = _suffix(path)
    if suffix in EXCEL_SUFFIXES:
        return write_excel(scenario, path)
    if suffix in YAML_SUFFIXES:
        text = dump_yaml(scenario_data(scenario))
    elif suffix in JSON_SUFFIXES:
        text = dump_json(scenario_data(scenario))
    else:
        raise file_error(path, f"cannot write a '{path.suffix}' file", _READABLE)
    write_text_atomic(path, text)
    return path


def _suffix(path: Path) -> str:
    return path.suffix.lower()
