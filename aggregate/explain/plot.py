"""A bar chart of the bottlenecks."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from aggregate.explain.explanation import Explanation


def plot_bottlenecks(explanation: Explanation, ax: Axes | None = None, top: int = 10) -> Axes:
    """Horizontal bars of the ``top`` bottlenecks' marginal values, the first at the top.

    Needs-first plans show the weighted shortfall avoided per unit (and, in a second colour,
    the cost saved for rules that only save cost); weighted plans show the objective saved.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _fig, ax = plt.subplots(
            figsize=(8, 0.45 * max(min(top, len(explanation.bottlenecks)), 3) + 1)
        )
    frame = explanation.bottlenecks.head(top)
    labels = [
        f"{rule}: {entry}" + (f" {period}" if period else "")
        for rule, entry, period in zip(frame["rule"], frame["entry"], frame["period"], strict=True)
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
    ax.set_yticks(positions)
    ax.set_yticklabels(labels)
    ax.set_title("Bottlenecks (value of one more unit of each rule)")
    if frame.empty:
        ax.text(0.5, 0.5, "no binding rule", ha="center", va="center", transform=ax.transAxes)
    return ax
