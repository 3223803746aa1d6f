"""Shortfall by nation and capability over time, as a heatmap.

One row per (nation, capability) with any shortfall, one column per period; cell
``(n, c, t)`` is the sum over the demands of nation ``n`` for capability ``c`` due in ``t``
of the chosen measure of the ``demands`` table (``short``: capability units never met, by
default; or ``met_late``, ``late_unit_periods``, ``weighted_shortfall``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aggregate.plots.common import (
    THOUSANDS,
    Names,
    PlanOrFrame,
    new_axes,
    no_plan_reason,
    nothing_to_show,
    period_axis,
    periods_of,
    shorten,
    table,
    thousands,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from aggregate.schema import Scenario

_NONE = {
    "short": "every demand is met, on time or late",
    "met_late": "no demand is met late",
    "late_unit_periods": "no demand is met late",
    "weighted_shortfall": "every demand is met on time",
}
"""What an all-zero heatmap means, per measure."""

MEASURES = {
    "short": "never met",
    "met_late": "met late",
    "late_unit_periods": "unit-periods late",
    "weighted_shortfall": "priority-weighted shortfall",
}
"""Columns of the demands table the heatmap can show, and how the colour bar reads."""

_ANNOTATE_UP_TO = 300
"""Write each cell's value when the grid has at most this many cells."""


def shortfall_frame(
    plan_or_frame: PlanOrFrame,
    *,
    measure: str = "short",
    periods: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The heatmap's numbers: index (nation, capability), one column per period.

    Rows whose measure is zero in every period are left out; "zero" allows the solver's
    tolerance, a millionth of the largest demand (a 1e-5 shortfall of 500 rounds is noise).
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; choose one of {sorted(MEASURES)}")
    demands = table(plan_or_frame, "demands")
    order = periods_of(plan_or_frame, demands["due_period"], periods=periods)
    pivot = demands.pivot_table(
        index=["nation", "capability"],
        columns="due_period",
        values=measure,
        aggfunc="sum",
        fill_value=0.0,
    ).reindex(columns=order, fill_value=0.0)
    pivot = pivot[(pivot.abs() > _noise(demands)).any(axis=1)]
    pivot.columns.name = "period"
    return pivot.astype(float)


def _noise(demands: pd.DataFrame) -> float:
    largest = float(demands["quantity"].abs().max()) if len(demands) else 0.0
    return 1e-6 * max(1.0, largest)


def plot_shortfall(
    plan_or_frame: PlanOrFrame,
    ax: Axes | None = None,
    *,
    measure: str = "short",
    periods: Sequence[str] | None = None,
    scenario: Scenario | None = None,
    title: str | None = None,
) -> Axes:
    """Heatmap of ``measure`` per (nation, capability) and due period (see :data:`MEASURES`).

    ``plan_or_frame``: a plan or its ``demands`` table (then pass ``periods`` to keep the
    scenario's order and show periods without demand).
    """
    names = Names.of(scenario, plan_or_frame)
    heading = title or f"Shortfall by nation and capability: {MEASURES.get(measure, measure)}"
    reason = no_plan_reason(plan_or_frame)
    frame = None if reason else shortfall_frame(plan_or_frame, measure=measure, periods=periods)
    if frame is None or frame.empty:
        return nothing_to_show(
            new_axes(ax, (8, 3)),
            heading,
            reason or _NONE[measure],
        )
    rows, cols = frame.shape
    axes = new_axes(ax, (max(7.0, 0.6 * cols + 4.5), max(2.5, 0.4 * rows + 1.8)))
    values = frame.to_numpy()
    image = axes.imshow(
        values,
        aspect="auto",
        cmap="Reds",
        vmin=0.0,
        vmax=max(float(values.max()), 1e-9),
        interpolation="nearest",
    )
    units = {c: names.unit_of_capabilities([c]) for _, c in frame.index}
    apart = len(set(units.values())) > 1  # then each row names its own unit
    labels = [
        shorten(f"{names.nation(n)} · {names.capability(c)}", 50)
        + (f" ({units[c]})" if apart else "")
        for n, c in frame.index
    ]
    axes.set_yticks(range(rows))
    axes.set_yticklabels(labels)
    period_axis(axes, list(frame.columns))
    axes.set_ylabel("nation · capability")
    axes.set_ylim(rows - 0.5, -0.5)
    # white lines between the cells so equal neighbours stay distinguishable
    axes.set_xticks(np.arange(-0.5, cols, 1), minor=True)
    axes.set_yticks(np.arange(-0.5, rows, 1), minor=True)
    axes.grid(which="minor", color="white", linewidth=1.5)
    axes.tick_params(which="minor", length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    if values.size <= _ANNOTATE_UP_TO:
        dark, noise = 0.6 * values.max(), 1e-6 * max(1.0, float(np.abs(values).max()))
        for (r, c), v in np.ndenumerate(values):
            if abs(v) > noise:
                axes.text(
                    c,
                    r,
                    thousands(v),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if v > dark else "black",
                )
    unit = "each row's units" if apart else next(iter(units.values()))
    bar = axes.figure.colorbar(image, ax=axes, pad=0.02, format=THOUSANDS)
    bar.set_label(
        f"{MEASURES[measure]} ({unit})" if measure != "weighted_shortfall" else MEASURES[measure]
    )
    axes.set_title(heading, loc="left", fontweight="bold")
    return axes
