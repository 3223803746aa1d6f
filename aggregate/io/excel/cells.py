"""One cell's value, read by its column's kind and written back the same way.

Excel gives every number as a float and may have turned a label into a date; readers
give the raw data a YAML file would (whole numbers whole, labels as text) or raise a
:class:`CellError` saying what to write instead. :func:`cell_value` is their inverse.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from aggregate.errors import InputError


class CellError(InputError):
    """A cell whose value its column cannot take; the reader makes it a :class:`Problem`
    naming the sheet, row and column."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.fix = fix


_DATE_FIX = "format the column as Text and type the label again (or start it with ')"


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, bool):
        raise CellError(f"expected text, got {value}", "write text")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        raise CellError(f"Excel stored this as a date ({value})", _DATE_FIX)
    if isinstance(value, float):
        return number_text(value)
    return str(value).strip()


def _number(value: Any) -> float:
    if isinstance(value, bool | dt.datetime | dt.date | dt.time):
        raise CellError(f"expected a number, got {value}", "write a plain number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        try:
            number = float(text)
        except ValueError:
            raise CellError(
                f"expected a number, got '{clip(text)}'",
                "write a plain number without units or thousands separators",
            ) from None
    if not math.isfinite(number):
        raise CellError(f"expected a finite number, got {value}", "write a finite number")
    return number


def _whole(value: Any) -> int:
    number = _number(value)
    if not number.is_integer():
        raise CellError(f"expected a whole number, got {value}", "write a whole number")
    return int(number)


_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0"}


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise CellError(f"expected TRUE or FALSE, got '{clip(str(value))}'", "write TRUE or FALSE")


def _split(value: Any) -> list[str]:
    text = _text(value)
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _numbers(value: Any) -> list[float]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [_number(value)]
    return [_number(part) for part in _split(value)]


def _optlist(value: Any) -> list[str]:
    if isinstance(value, str) and value.strip().lower() == "none":
        return []
    return _split(value)


def _mapping(value: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in _split(value):
        key, colon, number = part.rpartition(":")
        if not colon or not key.strip():
            raise CellError(
                f"expected `key: number` pairs, got '{clip(part)}'",
                "write pairs such as `2025Q3: 6000, 2026Q1: 20000`",
            )
        key = key.strip()
        if key in out:
            raise CellError(f"'{key}' is given twice", "give each key once")
        out[key] = _number(number)
    return out


def _options(value: Any) -> dict[str, bool | float | str]:
    """``key: value`` pairs whose value is a number, TRUE/FALSE or a word (HiGHS options)."""
    out: dict[str, bool | float | str] = {}
    for part in _split(value):
        key, colon, text = part.partition(":")
        key, text = key.strip(), text.strip()
        if not colon or not key or not text:
            raise CellError(
                f"expected `key: value` pairs, got '{clip(part)}'",
                "write pairs such as `mip_heuristic_effort: 0.3, presolve: off`",
            )
        if key in out:
            raise CellError(f"'{key}' is given twice", "give each key once")
        try:
            out[key] = _number(text)
        except CellError:
            lower = text.lower()
            out[key] = lower == "true" if lower in ("true", "false") else text
    return out


def _series(value: Any) -> float | dict[str, float]:
    if isinstance(value, str) and ":" in value:
        return _mapping(value)
    return _number(value)


READERS: dict[str, Callable[[Any], Any]] = {
    "text": _text,
    "label": _text,
    "number": _number,
    "whole": _whole,
    "bool": _bool,
    "list": _split,
    "optlist": _optlist,
    "numbers": _numbers,
    "series": _series,
    "mapping": _mapping,
    "options": _options,
    "labels": _split,
    "lines": _text,
}


def clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _option_text(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return number_text(value) if isinstance(value, int | float) else str(value)


def cell_value(kind: str, value: Any, where: str) -> Any:
    """A value of the raw data as written in a cell of ``kind``."""
    if value is None:
        return None
    if kind == "numbers":
        return ", ".join(number_text(v) for v in value) if value else None
    if kind in ("list", "optlist", "labels"):
        if kind != "optlist" and not value:
            return None
        if not value:
            return "none"
        for entry in value:
            if any(sep in str(entry) for sep in ",;"):
                raise ValueError(
                    f"{where}: '{entry}' contains a comma or semicolon, which a workbook "
                    "cannot hold in a list; save as YAML or JSON instead"
                )
        return ", ".join(str(v) for v in value)
    if kind in ("series", "mapping") and isinstance(value, dict):
        if not value:
            return 0 if kind == "series" else None
        for key in value:
            if any(sep in str(key) for sep in ",;"):
                raise ValueError(f"{where}: the key '{key}' contains a comma or semicolon")
        return ", ".join(f"{k}: {number_text(v)}" for k, v in value.items())
    if kind == "options" and isinstance(value, dict):
        return ", ".join(f"{k}: {_option_text(v)}" for k, v in value.items()) or None
    if kind == "text" and value == "":
        return None
    return value
