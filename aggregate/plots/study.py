"""A study's key figures across its variants.

Input: the study's comparison table, one row per variant with a name column (``variant``)
and one column per key figure (``cost``, ``shortfall``, ``fill_rate``, ...). Each figure
gets one panel: a bar per variant (up to :data:`BARS_UP_TO` variants; beyond that the
values sorted, as a line), the base variant highlighted and marked by a dashed line so every
other variant reads as better or worse than it. Variants without a value (failed, or no
plan) are named as such instead of silently missing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aggregate.plots.common import (
    DUE,
    THOUSANDS,
    USED,
    new_axes,
    new_figure,
    nothing_to_show,
    thousands,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

BARS_UP_TO = 40
"""Most variants drawn as one bar each; more are drawn as a sorted line."""

_OTHER = "#9ecae1"


def _is_share(column: str, percent: Sequence[str] | None) -> bool:
    if percent is not None:
        return column in percent
    return any(word in column for word in ("rate", "share", "fraction"))


def _check(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"column(s) {missing} not in the study table; it has {list(frame.columns)}. "
            "Pass the names of its variant and figure columns."
        )


def plot_variants(
    frame: pd.DataFrame,
    ax: Axes | None = None,
    *,
    column: str = "cost",
    variant: str = "variant",
    base: str | None = None,
    label: str | None = None,
    percent: Sequence[str] | None = None,
    status: str = "status",
    title: str | None = None,
) -> Axes:
    """One key figure (``column``) across the variants (``variant`` column) of a study.

    ``base``: the variant to compare against (highlighted, with a dashed line at its value).
    ``label``: axis label (default: the column name). ``percent``: columns holding shares
    (default: names with ``rate``, ``share`` or ``fraction``). ``status``: column whose value
    explains a missing figure (e.g. ``failed``, ``infeasible``), when the table has it.
    """
    _check(frame, [variant, column])
    name = label or column.replace("_", " ")
    heading = title or name[:1].upper() + name[1:]
    values = pd.to_numeric(frame[column], errors="coerce").astype(float)
    if frame.empty or values.isna().all():
        return nothing_to_show(new_axes(ax, (8, 3)), heading, f"no variant has a {name}")
    share = _is_share(column, percent)
    scale = 100.0 if share else 1.0

    def fmt(v: float) -> str:
        return f"{v:.1f}%" if share else thousands(v)

    unit = f"{name} (%)" if share else name
    names = frame[variant].astype(str).tolist()
    base_value = math.nan
    if base is not None:
        if base not in names:
            raise ValueError(f"base variant {base!r} is not among the variants {names[:10]}...")
        base_value = float(values[frame[variant].astype(str) == base].iloc[0]) * scale
    if len(frame) > BARS_UP_TO:
        axes = new_axes(ax, (8, 4))
        ordered = np.sort(values.dropna().to_numpy()) * scale
        axes.plot(
            np.arange(1, len(ordered) + 1),
            ordered,
            color=USED,
            marker=".",
            linewidth=1,
            label="variants, sorted",
        )
        axes.set_xlabel("variants, ranked by value")
        axes.set_ylabel(unit)
        axes.yaxis.set_major_formatter(THOUSANDS if not share else "{x:.0f}%")
        if math.isfinite(base_value):
            axes.axhline(base_value, color=DUE, linestyle="--", label=f"base: {base}")
        missing = int(values.isna().sum())
        if missing:
            axes.text(
                0.0,
                -0.18,
                f"{missing} variant(s) without a value",
                fontsize=9,
                transform=axes.transAxes,
                color="#555555",
                va="top",
            )
    else:
        axes = new_axes(ax, (8, max(2.5, 0.35 * len(frame) + 1.2)))
        y = np.arange(len(frame))
        width = values.fillna(0.0).to_numpy() * scale
        axes.barh(y, width, height=0.65, color=[DUE if n == base else _OTHER for n in names])
        span = float(np.nanmax(np.abs(width))) or 1.0
        reasons = frame[status].astype(str).tolist() if status in frame.columns else None
        for k, v in enumerate(values.to_numpy() * scale):
            if math.isfinite(v):
                axes.text(
                    v + 0.01 * span if v >= 0 else v - 0.01 * span,
                    k,
                    fmt(v),
                    va="center",
                    ha="left" if v >= 0 else "right",
                    fontsize=8,
                )
            else:
                why = reasons[k] if reasons else "no value"
                axes.text(
                    0.01 * span,
                    k,
                    why,
                    va="center",
                    ha="left",
                    fontsize=8,
                    color="#b00020",
                    fontstyle="italic",
                )
        if math.isfinite(base_value):
            axes.axvline(base_value, color=DUE, linestyle="--", linewidth=1, label=f"base: {base}")
        axes.set_yticks(y)
        axes.set_yticklabels(names)
        axes.set_ylim(len(frame) - 0.5, -0.5)
        axes.set_xlabel(unit)
        axes.xaxis.set_major_formatter(THOUSANDS if not share else "{x:.0f}%")
        axes.margins(x=0.12)
        axes.grid(axis="x", color="#dddddd", linewidth=0.8)
        axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(heading, loc="left", fontweight="bold")
    return axes


def plot_study(
    frame: pd.DataFrame,
    fig: Figure | None = None,
    *,
    columns: Sequence[str] | None = None,
    variant: str = "variant",
    base: str | None = None,
    labels: Mapping[str, str] | None = None,
    percent: Sequence[str] | None = None,
    status: str = "status",
    title: str = "Key figures across variants",
) -> Figure:
    """One :func:`plot_variants` panel per key figure, side by side, variants in rows.

    ``columns``: the figure columns to show (default: every numeric column except the
    variant's). ``labels``: column -> readable axis label (e.g. ``{"cost": "cost (EUR)"}``).
    """
    _check(frame, [variant, *(columns or [])])
    chosen = (
        list(columns)
        if columns is not None
        else [
            c
            for c in frame.columns
            if c != variant
            and pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])
        ]
    )
    if frame.empty or not chosen:
        figure = new_figure(fig, (8, 3))
        nothing_to_show(
            figure.add_subplot(),
            title,
            "the study table has no variants"
            if frame.empty
            else "the study table has no numeric figure columns",
        )
        return figure
    height = max(2.5, 0.35 * min(len(frame), BARS_UP_TO) + 1.5)
    figure = new_figure(fig, (3.6 * len(chosen) + 1.5, height))
    axes = figure.subplots(1, len(chosen), squeeze=False, sharey=len(frame) <= BARS_UP_TO)
    for k, (panel, column) in enumerate(zip(axes.flat, chosen, strict=True)):
        plot_variants(
            frame,
            panel,
            column=column,
            variant=variant,
            base=base,
            label=(labels or {}).get(column),
            percent=percent,
            status=status,
        )
        if k > 0 and len(frame) <= BARS_UP_TO:
            panel.tick_params(labelleft=False)
    figure.suptitle(
        title + (f" (dashed line: variant '{base}')" if base else ""), fontweight="bold"
    )
    return figure
