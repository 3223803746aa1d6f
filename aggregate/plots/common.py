"""What every plot shares: input tables, readable names, number formats, colours, empty axes.

Plot functions take a :class:`~aggregate.result.Solution` or the table they draw (a tidy
DataFrame with the columns of :data:`aggregate.tables.TABLES`), and optionally the
:class:`~aggregate.schema.Scenario` for readable names, units and the currency. pyplot is
imported only when a plot creates its own figure, so importing this package never picks a
matplotlib backend.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from aggregate.result import Solution
from aggregate.tables import TABLES

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

    from aggregate.schema import Scenario

PlanOrFrame = Solution | pd.DataFrame | Mapping[str, pd.DataFrame]
"""A solved plan, one of its tables, or a dict of its tables (name -> DataFrame)."""

NOTHING_TO_SHOW = "Nothing to show"
"""How every empty plot's message starts (tests and readers can rely on it)."""

# Colour-blind-friendly qualitative palette (Okabe and Ito, 2008), then tab20 for more.
_PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#56B4E9",
    "#CC79A7",
    "#F0E442",
    "#000000",
)
MET_ON_TIME = "#009E73"
MET_LATE = "#E69F00"
DUE = "#222222"
USED = "#0072B2"
ADDED = "#56B4E9"


@dataclass(frozen=True)
class Names:
    """Readable names, units and the currency of a scenario (ids where it has no name)."""

    nations: Mapping[str, str] = field(default_factory=dict)
    producers: Mapping[str, str] = field(default_factory=dict)
    items: Mapping[str, str] = field(default_factory=dict)
    capabilities: Mapping[str, str] = field(default_factory=dict)
    funds: Mapping[str, str] = field(default_factory=dict)
    item_units: Mapping[str, str] = field(default_factory=dict)
    capability_units: Mapping[str, str] = field(default_factory=dict)
    currency: str = ""

    @classmethod
    def of(cls, scenario: Scenario | None, plan: object = None) -> Names:
        """The names of ``scenario``. Without one every label is the id, and the units and
        currency come from ``plan`` (a solution, or a plan table carrying its units in
        ``attrs``), so that a plan read back from a file still keeps rounds and missiles
        apart."""
        if scenario is None:
            units = getattr(plan, "units", None)
            if not isinstance(units, dict):  # a plan table: its attrs (tables.label_units)
                attrs = getattr(plan, "attrs", {})
                units = attrs.get("id_units", {})
                currency = attrs.get("currency", "")
            else:
                currency = getattr(plan, "currency", "")
            return cls(
                item_units=dict(units.get("item", {})),
                capability_units=dict(units.get("capability", {})),
                currency=currency or "",
            )
        return cls(
            nations={n.code: n.name or n.code for n in scenario.nations},
            producers={p.id: p.name or p.id for p in scenario.producers},
            items={i.id: i.name or i.id for i in scenario.items},
            capabilities={c.id: c.name or c.id for c in scenario.capabilities},
            funds={f.id: f.name or f.id for f in scenario.funds},
            item_units={i.id: i.unit for i in scenario.items},
            capability_units={c.id: c.unit for c in scenario.capabilities},
            currency=scenario.currency,
        )

    def nation(self, code: str) -> str:
        return self.nations.get(code, code)

    def producer(self, pid: str) -> str:
        return self.producers.get(pid, pid)

    def item(self, iid: str) -> str:
        return self.items.get(iid, iid)

    def capability(self, cid: str) -> str:
        return self.capabilities.get(cid, cid)

    def fund(self, fid: str) -> str:
        return self.funds.get(fid, fid)

    def unit_of_items(self, items: Iterable[str]) -> str:
        """The common unit of ``items`` (plural), or ``units`` when they differ or are unknown."""
        return _common_unit(self.item_units.get(i, "unit") for i in items)

    def unit_of_capabilities(self, capabilities: Iterable[str]) -> str:
        return _common_unit(self.capability_units.get(c, "unit") for c in capabilities)

    def money(self) -> str:
        return self.currency or "money"


def _common_unit(units: Iterable[str]) -> str:
    distinct = set(units)
    if len(distinct) != 1:
        return "units"
    (unit,) = distinct
    return unit if unit.endswith("s") else f"{unit}s"


def table(source: PlanOrFrame, name: str) -> pd.DataFrame:
    """The table ``name`` of a plan, or ``source`` itself when it is that table.

    Raises ValueError naming the missing columns when a DataFrame is not the table asked for.
    """
    if isinstance(source, Solution):
        frame = source.tables.get(name)
        if frame is None:
            return pd.DataFrame(columns=list(TABLES[name]))
    elif isinstance(source, pd.DataFrame):
        frame = source
    elif isinstance(source, Mapping):
        frame = source.get(name)
        if frame is None:
            raise ValueError(
                f"no '{name}' table among {sorted(source)}; pass the plan or its tables dict"
            )
    else:
        raise TypeError(
            f"expected a Solution, a DataFrame or a dict of tables, got {type(source).__name__}"
        )
    needed = [c for c in TABLES[name] if c not in frame.columns]
    if needed:
        raise ValueError(
            f"the '{name}' table needs column(s) {needed}; pass the plan itself or its "
            f"'{name}' table (see aggregate.tables.TABLES['{name}'])"
        )
    return frame


def periods_of(
    source: PlanOrFrame, *labels: Iterable[Any], periods: Sequence[str] | None
) -> list[str]:
    """Period labels in the scenario's order: ``periods`` if given, else the plan's, else the
    labels found in the tables, sorted as text (right for ``2024Q1``-like labels)."""
    if periods is not None:
        return list(periods)
    if isinstance(source, Solution) and source.periods:
        return list(source.periods)
    found: set[str] = set()
    for column in labels:
        found.update(str(v) for v in column)
    return sorted(found)


def no_plan_reason(source: PlanOrFrame) -> str | None:
    """Why a plan has nothing to draw (``None`` when it has a plan or is a table)."""
    if isinstance(source, Solution) and not source.status.has_plan:
        return f"the solve ended {source.status.value}, without a plan"
    return None


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new pyplot figure of ``size`` inches (shown inline in notebooks)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, axes = plt.subplots(figsize=size, layout="constrained")
    return axes


def new_figure(fig: Figure | None, size: tuple[float, float]) -> Figure:
    if fig is not None:
        return fig
    import matplotlib.pyplot as plt

    return plt.figure(figsize=size, layout="constrained")


def nothing_to_show(ax: Axes, title: str, reason: str) -> Axes:
    """Turn ``ax`` into a clear message instead of an empty or broken chart."""
    ax.set_title(title, loc="left", fontweight="bold")
    ax.text(
        0.5,
        0.5,
        f"{NOTHING_TO_SHOW}: {reason}",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=11,
        color="#555555",
        wrap=True,
    )
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return ax


def colours(keys: Sequence[str]) -> dict[str, str]:
    """A distinct colour per key, stable for the same ordered keys."""
    import matplotlib as mpl

    extra = [mpl.colors.to_hex(c) for c in mpl.colormaps["tab20"].colors]  # type: ignore[attr-defined]
    palette = list(_PALETTE) + extra
    return {k: palette[i % len(palette)] for i, k in enumerate(keys)}


def thousands(value: float) -> str:
    """``1234567.8`` -> ``1,234,568``; small fractions keep up to 3 significant digits."""
    if not math.isfinite(value):
        return "-"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3g}"


THOUSANDS = FuncFormatter(lambda x, _pos: thousands(x))


def period_steps(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """x and y of a ``where="post"`` step line over each period's whole slot (edges
    -0.5 .. n-0.5, the last level repeated), so one period still draws a line."""
    levels = np.asarray(values, dtype=float)
    edges = np.arange(len(levels) + 1) - 0.5
    return edges, np.append(levels, levels[-1:])


def headroom(ax: Axes, top: float) -> None:
    """y from 0 to a little above ``top`` (the highest bar or line), so a line at the top
    never runs into the title."""
    ax.set_ylim(0.0, 1.08 * top if math.isfinite(top) and top > 0 else 1.0)


def whole_ticks(axis: Axis, values: Any) -> None:
    """Ticks on whole numbers only when every value drawn is whole (missiles, barrels), so
    an axis never reads '12.5 missiles'; fractional data keeps matplotlib's ticks."""
    drawn = np.asarray(values, dtype=float)
    drawn = drawn[np.isfinite(drawn)]
    if drawn.size and np.allclose(drawn, np.round(drawn), rtol=0.0, atol=1e-6):
        axis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))


def money_scale(largest: float) -> tuple[float, str]:
    """Divisor and suffix to show money of magnitude ``largest`` readably (``m``, ``bn``)."""
    if largest >= 1e10:
        return 1e9, " bn"
    if largest >= 1e7:
        return 1e6, " m"
    if largest >= 1e4:
        return 1e3, " k"
    return 1.0, ""


def shorten(text: str, width: int = 45) -> str:
    """``text`` cut at a word boundary to at most ``width`` characters (long names crowd axes)."""
    return textwrap.shorten(text, width=width, placeholder="…")


def caption(ax: Axes, lines: Sequence[str]) -> None:
    """Totals beside the chart, under the legend, where they hide no data and no label."""
    ax.text(
        1.02,
        0.0,
        "\n".join(lines),
        transform=ax.transAxes,
        fontsize=9,
        color="#444444",
        va="bottom",
        ha="left",
        gid="caption",
    )


def percent(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{value:.1%}"


def legend_outside(ax: Axes, **kwargs: Any) -> None:
    """A legend to the right of the data, so it never hides a bar or a line."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, **kwargs)


def period_axis(ax: Axes, periods: Sequence[str]) -> None:
    """Categorical x axis of period labels, rotated when they would crowd."""
    ax.set_xticks(range(len(periods)))
    rotate = len(periods) > 8
    ax.set_xticklabels(periods, rotation=45 if rotate else 0, ha="right" if rotate else "center")
    ax.set_xlim(-0.6, len(periods) - 0.4)
    ax.set_xlabel("period")


def tidy(ax: Axes) -> None:
    """Light grid behind the data, no top and right frame."""
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)


def finish_grid(figure: Figure, axes: Any, used: int, title: str, note: str = "") -> None:
    """Give a grid of panels one look: per-panel legends and captions hidden (they would
    crowd the grid), one period label below the grid, one unit label beside it when every
    panel has the same (else each panel keeps its own), the ``used`` first panels shown,
    one legend below for all panels, and ``title`` (and a ``note`` line) above."""
    for panel in axes.flat:
        if panel.get_legend() is not None:
            panel.get_legend().remove()
        for text in panel.texts:
            if text.get_gid() == "caption":
                text.set_visible(False)
    shown = list(axes.flat)[:used]
    for row in axes[:-1]:  # one period label per grid, not per panel
        for panel in row:
            panel.set_xlabel("")
    units = {panel.get_ylabel() for panel in shown}
    if len(units) == 1:
        # one label for the grid: a label per panel is taller than a panel and overlaps
        for panel in axes.flat:
            panel.set_ylabel("")
        figure.supylabel(units.pop(), fontsize=10)
    for panel in list(axes.flat)[used:]:
        panel.set_visible(False)
    handles: dict[str, Any] = {}
    for panel in axes.flat:
        for handle, label in zip(*panel.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    figure.legend(
        list(handles.values()),
        list(handles),
        loc="outside lower center",
        ncols=max(len(handles), 1),
        frameon=False,
    )
    figure.suptitle(title + (f"\n{note}" if note else ""), fontweight="bold")
