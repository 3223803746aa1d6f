"""Write every plot of a plan to files, each one atomically.

Each file is drawn into a temporary file in the target folder and renamed into place
(:func:`aggregate.io.files.atomic_target`), so an interrupted run never leaves a
half-written image under the final name.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from aggregate.io.files import atomic_target
from aggregate.plots.capacity import plot_capacity_by_producer
from aggregate.plots.deliveries import plot_deliveries, plot_deliveries_by_nation
from aggregate.plots.flows import plot_flows
from aggregate.plots.funds import plot_contributions
from aggregate.plots.shortfall import plot_shortfall
from aggregate.result import Solution

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from aggregate.schema import Scenario

log = logging.getLogger(__name__)

KINDS = ("flows", "deliveries", "shortfall", "capacity", "funds")
"""The kinds of plan plot, in the order they are written."""
FORMATS = ("png", "svg", "pdf")

Drawing = Callable[[], "Figure"]


def plan_plots(
    plan: Solution,
    *,
    kinds: Iterable[str] | None = None,
    scenario: Scenario | None = None,
    weight: str = "auto",
) -> list[tuple[str, Drawing]]:
    """The plots of ``plan`` as (file stem, function drawing its figure), in writing order.

    ``flows``: all items (``weight``: see :data:`aggregate.plots.flows.WEIGHTS`), who paid
    for them when funds or other nations paid some, and one per item when several were
    delivered; ``deliveries``: all nations, and one panel per nation (per capability
    when capabilities are counted in different units); ``shortfall``, ``capacity``,
    ``funds``: one each.
    """
    chosen = list(KINDS if kinds is None else kinds)
    unknown = [k for k in chosen if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown plot kind(s) {unknown}; choose from {list(KINDS)}")
    out: list[tuple[str, Drawing]] = []
    for kind in chosen:
        if kind == "flows":
            out.append(("flows", lambda: _root(plot_flows(plan, weight=weight, scenario=scenario))))
            if _paid_by_others(plan):
                out.append(
                    (
                        "flows-by-payer",
                        lambda: _root(
                            plot_flows(plan, by="payer", weight=weight, scenario=scenario)
                        ),
                    )
                )
            orders = plan.tables.get("orders")
            items = (
                []
                if orders is None
                else sorted(orders.loc[orders["quantity"] > 0, "item"].unique())
            )
            if len(items) > 1:
                for item in items:
                    out.append((f"flows-{_safe(item)}", _flows_of(plan, item, scenario)))
        elif kind == "deliveries":
            capabilities = _capabilities_apart(plan, scenario)
            if not capabilities:
                out.append(("deliveries", lambda: _root(plot_deliveries(plan, scenario=scenario))))
                out.append(
                    (
                        "deliveries-by-nation",
                        lambda: plot_deliveries_by_nation(plan, scenario=scenario),
                    )
                )
            for capability in capabilities:
                out.extend(_deliveries_of(plan, capability, scenario))
        elif kind == "shortfall":
            out.append(("shortfall", lambda: _root(plot_shortfall(plan, scenario=scenario))))
        elif kind == "capacity":
            out.append(("capacity", lambda: plot_capacity_by_producer(plan, scenario=scenario)))
        else:
            out.append(("funds", lambda: _root(plot_contributions(plan, scenario=scenario))))
    return out


def save_plan_plots(
    plan: Solution,
    folder: str | Path,
    formats: Sequence[str] = ("png",),
    *,
    kinds: Iterable[str] | None = None,
    scenario: Scenario | None = None,
    dpi: int = 150,
    weight: str = "auto",
) -> list[Path]:
    """Draw every plot of ``plan`` (or the ``kinds`` asked for) into ``folder``, created if
    needed, once per format (``png``, ``svg``, ``pdf``). Returns the files written, in order.

    An empty plot (no shortfall, no funds) is written as a 'nothing to show' image, so the
    set of files is the same for every plan.
    """
    import matplotlib.pyplot as plt

    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown image format(s) {bad}; choose from {list(FORMATS)}")
    drawings = plan_plots(plan, kinds=kinds, scenario=scenario, weight=weight)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for stem, draw in drawings:
        figure = draw()
        try:
            for fmt in formats:
                path = target / f"{stem}.{fmt}"
                _save_atomically(figure, path, fmt, dpi)
                written.append(path)
                log.debug("wrote %s", path)
        finally:
            plt.close(figure)
    return written


def _save_atomically(figure: Figure, path: Path, fmt: str, dpi: int) -> None:
    with atomic_target(path) as temporary:
        figure.savefig(
            temporary,
            format=fmt,
            dpi=dpi,
            bbox_inches="tight",
            metadata=None if fmt != "png" else {"Software": "aggregate"},
        )


def _paid_by_others(plan: Solution) -> bool:
    """Whether a fund or another nation paid for some of the orders."""
    payments = plan.tables.get("payments")
    if payments is None or payments.empty:
        return False
    orders = payments[payments["purpose"] == "order"]
    others = (orders["payer_type"] == "fund") | (orders["payer"] != orders["beneficiary"])
    return bool(others.any())


def _capabilities_apart(plan: Solution, scenario: Scenario | None) -> list[str]:
    """The demanded capabilities, when they are counted in different units (then each gets
    its own charts: rounds and missiles are never added up); else none."""
    demands = plan.tables.get("demands")
    if scenario is None or demands is None:
        return []
    units = {c.id: c.unit for c in scenario.capabilities}
    demanded = sorted(str(c) for c in demands["capability"].unique())
    return demanded if len({units.get(c, "unit") for c in demanded}) > 1 else []


def _deliveries_of(
    plan: Solution, capability: str, scenario: Scenario | None
) -> list[tuple[str, Drawing]]:
    stem = _safe(capability)
    return [
        (
            f"deliveries-{stem}",
            lambda: _root(plot_deliveries(plan, capability=capability, scenario=scenario)),
        ),
        (
            f"deliveries-by-nation-{stem}",
            lambda: plot_deliveries_by_nation(plan, capability=capability, scenario=scenario),
        ),
    ]


def _flows_of(plan: Solution, item: str, scenario: Scenario | None) -> Drawing:
    return lambda: _root(plot_flows(plan, item=item, scenario=scenario))


def _root(axes: Axes) -> Figure:
    figure = axes.get_figure(root=True)
    assert figure is not None  # axes drawn by the plot functions always belong to a figure
    return figure


def _safe(name: str) -> str:
    """A file-name-safe version of an id (ids may hold slashes or spaces)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "item"
