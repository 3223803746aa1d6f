"""Reading table cells: labels, whole numbers, blanks, numbers in messages, sums."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import pandas as pd

NAN = math.nan
"""The excess of a violation that is not a matter of degree."""


def cell_label(value: Any) -> str:
    """A table cell as an id or period label ('' when empty)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def whole(value: float) -> int | None:
    """``value`` as an int when it is whole, else None."""
    if value is None or not math.isfinite(value) or abs(value - round(value)) > 1e-9:
        return None
    return round(value)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def num(value: float) -> str:
    """A number for a message."""
    return f"{value:.6g}"


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in df.to_dict("records")]


def sums(df: pd.DataFrame, keys: list[str], value: str) -> dict[tuple[str, ...], float]:
    out: dict[tuple[str, ...], float] = defaultdict(float)
    for row in df[[*keys, value]].itertuples(index=False, name=None):
        out[tuple(row[:-1])] += float(row[-1])  # NaN stays NaN and fails every check
    return out
