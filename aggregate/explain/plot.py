"""A bar chart of the bottlenecks."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from aggregate.explain.bottlenecks import short_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from aggregate.explain.explanation import Explanation


def plot_bottlenecks(explanation: Explanation, ax: Axes | None = None, top: int = 10) -> Axes:
    """Horizontal bars of the ``top`` bottlenecks' marginal values, the first at the top.

    Needs-first plans show the weighted shortfall avoided per unit; where no rule avoids
    shortfall (and in weighted plans), the cost saved per unit. Each bar is labelled with
    the scenario field to change (``producers[RHM].offers[155-L52].capacity``) and its
    period, and its end with the value and the relaxation it holds over.
    """
    from aggregate.extras import require

    plt = require("matplotlib.pyplot", "plot_bottlenecks")
    if ax is None:
        _fig, ax = plt.subplots(
            figsize=(8, 0.45 * max(min(top, len(explanation.bottlenecks)), 3) + 1)
        )
    frame = explanation.bottlenecks.head(top)
    labels = [
        change + (f" ({period})" if period else "")
        for change, period in zip(frame["change"], frame["period"], strict=True)
    ]
    positions = list(range(len(frame)))[::-1]
    if explanation.needs is not None and frame.shortfall_avoided.fillna(0).gt(0).any():
        values = frame.shortfall_avoided.fillna(0.0)
        ax.barh(positions, values, color="tab:red", label="weighted shortfall avoided per unit")
        ax.set_xlabel("weighted shortfall avoided by one more unit")
    else:
        values = frame.cost_saved.fillna(0.0)
        ax.barh(positions, values, color="tab:blue", label=f"{explanation.currency} saved per unit")
        ax.set_xlabel(f"{explanation.currency} saved by one more unit")
    widest = max([float(v) for v in values] or [0.0])
    for y, value, unit, span in zip(
        positions, values, frame["unit"], frame["holds_up_to"], strict=True
    ):
        text = f"{short_number(value)} per {unit}"
        if isinstance(span, float) and math.isfinite(span):
            text += f", first {short_number(span)}"
        # inside a long bar (the figure's layout does not make room beside it), else after it
        inside = value >= 0.5 * widest
        ax.annotate(
            text,
            (0 if inside else value, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color="white" if inside else "black",
        )
    ax.set_yticks(positions)
    ax.set_yticklabels(labels)
    ax.set_title("Bottlenecks (value per unit of each rule, re-solved)")
    if frame.empty:
        ax.text(0.5, 0.5, "no binding rule", ha="center", va="center", transform=ax.transAxes)
    return ax
