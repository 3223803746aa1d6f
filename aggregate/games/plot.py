"""Plot each nation's share under every rule (and the model's and the key's, if given)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from aggregate.extras import require

# before matplotlib's own imports: a missing extra says how to install it
require("matplotlib", "aggregate.games.plot")

from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.ticker import PercentFormatter


def plot_shares(table: pd.DataFrame, ax: Axes | None = None, *, zoom: bool | None = None) -> Axes:
    """Grouped bars: one group per nation, one bar per rule, height = share of the total.

    Every bar is labelled with its share, to as many decimals as it takes to tell apart the
    rules' different shares for a nation (54.5% against 55.7%). ``zoom``: start the axis
    just below the smallest share instead of at 0, so close shares differ visibly; the
    axis label then says where it starts. Default: zoom when every share is positive and
    they all lie within a fifth of the largest.

    ``table`` is either the long table of :func:`aggregate.games.allocations.allocate`
    (columns ``rule``, ``nation``, ``share``) or the wide one of
    :func:`aggregate.games.report.shares_by_nation` (``nation``, ``model_share``,
    ``key_share``, ``share_<rule>``); a sampled Shapley value's ``half_width`` is drawn as
    an error bar.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, 4))
    wide, errors = _wide(table)
    nations = list(wide.index)
    series = [c for c in wide.columns if not wide[c].isna().all()]
    if not nations or not series:
        raise ValueError(
            "the table has no shares to plot: pass allocate()'s or shares_by_nation()'s table"
        )
    width = 0.8 / len(series)
    x = np.arange(len(nations))
    for k, name in enumerate(series):
        err = errors.get(name)
        ax.bar(
            x + (k - (len(series) - 1) / 2) * width,
            wide[name].to_numpy(dtype=float),
            width,
            label=name,
            yerr=None if err is None else err.reindex(nations).to_numpy(dtype=float),
            capsize=2 if err is not None else 0,
        )
    ax.set_xticks(x, nations)
    ax.axhline(0, color="black", linewidth=0.6)
    values = wide[series].to_numpy(dtype=float)
    decimals = _decimals(values)
    for container in ax.containers:
        if isinstance(container, BarContainer):
            ax.bar_label(
                container,
                labels=[_percent(b.get_height(), decimals) for b in container],
                fontsize=8,
                padding=2,
            )
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    if zoom is None:
        zoom = low > 0 and high - low < 0.2 * high
    label = "share of the grand coalition's cost"
    if zoom and high > low:
        start = max(0.0, low - 0.5 * (high - low))
        ax.set_ylim(start, high + 0.25 * (high - low))
        label += f"\n(axis starts at {_percent(start, decimals)}, not 0)"
    ax.set_ylabel(label)
    ax.set_title("Fair shares by rule")
    # outside the axes: the bars of several rules fill the plot area
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def _decimals(values: np.ndarray) -> int:
    """Fewest decimals of a percentage (1 to 3) that tell apart different shares of a nation
    (a row of ``values``)."""
    for decimals in (1, 2, 3):
        clash = False
        for row in values:
            finite = sorted({round(float(v), 9) for v in row if math.isfinite(v)})
            labels = {_percent(v, decimals) for v in finite}
            clash = clash or len(labels) < len(finite)
        if not clash:
            return decimals
    return 3


def _percent(value: float, decimals: int) -> str:
    return "" if not math.isfinite(value) else f"{value:.{decimals}%}"


def _wide(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    if {"rule", "nation", "share"} <= set(table.columns):
        wide = table.pivot(index="nation", columns="rule", values="share")
        wide = wide[list(dict.fromkeys(table["rule"]))]
        wide.index = wide.index.astype(str)
        errors: dict[str, pd.Series] = {}
        if "half_width" in table.columns:
            for rule, part in table.groupby("rule", sort=False):
                total = part["amount"].sum() if "amount" in part.columns else math.nan
                if part["half_width"].abs().sum() > 0 and total:
                    errors[str(rule)] = part.set_index("nation")["half_width"] / abs(total)
        return wide, errors
    if "nation" in table.columns:
        columns = [
            c
            for c in table.columns
            if c == "model_share" or c == "key_share" or c.startswith("share_")
        ]
        wide = table.set_index("nation")[columns]
        labels = {"model_share": "model", "key_share": "key share"}
        wide.columns = [labels.get(c, c.removeprefix("share_")) for c in columns]
        return wide, {}
    raise ValueError("the table needs columns rule, nation, share (or nation and share_<rule>)")
