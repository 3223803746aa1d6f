"""The key figures of a plan, declared once: group, label, unit and meaning of each key of
``Solution.key_figures``. The terminal report, the exports (Excel README sheet, JSON) and
:func:`aggregate.tables.figure_unit` read them here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyFigure:
    """One key figure of a plan (a key of ``Solution.key_figures``), as readers see it."""

    group: str
    """Where it is shown: ``costs``, ``penalties``, ``needs``, ``funds`` or ``solve``."""
    label: str
    """What a reader calls it (the terminal report's wording)."""
    unit: str
    """Its unit, in :attr:`Column.unit`'s words: ``currency``, ``capability units``,
    ``share``, ``periods``; '' for none (the status)."""
    meaning: str
    """How it is worked out."""


KEY_FIGURES: dict[str, KeyFigure] = {
    "status": KeyFigure(
        "solve", "solve status", "", "solve status (optimal, time_limit, infeasible, ...)"
    ),
    "gap": KeyFigure(
        "solve",
        "relative MIP gap of the last stage",
        "share",
        "relative MIP gap of the last solve stage (0 = proven optimal)",
    ),
    "needs_objective": KeyFigure(
        "solve",
        "needs stage objective (weighted shortfall)",
        "capability units",
        "weighted shortfall the needs stage reached (the cost stage keeps it)",
    ),
    "blocks": KeyFigure(
        "solve",
        "independent parts solved apart",
        "",
        "how many independent parts the model fell into, each solved on its own (absent: "
        "solved whole; settings.split_blocks)",
    ),
    "total_cost": KeyFigure(
        "costs",
        "total cost (penalties not included)",
        "currency",
        "purchase + delivery + contract + period + investment + holding + repair costs + "
        "orders already placed (the same pooled and going alone)",
    ),
    "purchase_cost": KeyFigure(
        "costs",
        "purchases (unit price x quantity)",
        "currency",
        "sum of unit price times quantity",
    ),
    "delivery_cost": KeyFigure("costs", "delivery", "currency", "sum of delivery costs"),
    "contract_cost": KeyFigure(
        "costs", "fixed costs of contracts", "currency", "fixed costs of contracts placed"
    ),
    "period_cost": KeyFigure(
        "costs",
        "fixed costs of delivery periods",
        "currency",
        "fixed costs of periods with deliveries",
    ),
    "investment_cost": KeyFigure(
        "costs", "capacity investments", "currency", "cost of expansions started"
    ),
    "holding_cost": KeyFigure("costs", "holding stock", "currency", "cost of holding stock"),
    "repair_cost": KeyFigure("costs", "repairs", "currency", "repair and transport of worn units"),
    "placed_cost": KeyFigure(
        "costs", "orders already placed", "currency", "units delivered x price + cancellation fees"
    ),
    "penalty_cost": KeyFigure(
        "penalties",
        "penalties: soft floors, refill targets (weighted: shortfall, lateness); not in total cost",
        "currency",
        "soft floor and refill penalties (and, weighted mode, shortfall/lateness)",
    ),
    "short": KeyFigure(
        "needs",
        "short, never met (all capabilities)",
        "capability units",
        "capability units never met",
    ),
    "weighted_shortfall": KeyFigure(
        "needs",
        "weighted shortfall (priority, discount)",
        "capability units",
        "sum of the demands' weighted shortfall",
    ),
    "fill_rate": KeyFigure(
        "needs",
        "fill rate (met on time or late / due)",
        "share",
        "share of demanded quantity met (on time or late)",
    ),
    "on_time_rate": KeyFigure(
        "needs",
        "on-time rate (met on time / due)",
        "share",
        "share of demanded quantity met on time",
    ),
    "average_lateness": KeyFigure(
        "needs",
        "average lateness of late units",
        "periods",
        "late unit-periods per unit met late (0 if none)",
    ),
    "unspent_fund_balance": KeyFigure(
        "funds",
        "fund money collected, not spent",
        "currency",
        "contributions not spent by funds",
    ),
}
"""Key figure (the keys of ``Solution.key_figures``, which code and studies read) -> its
group, label, unit and meaning; :func:`figure_unit` gives the unit of a plan."""

FIGURE_GROUPS = ("costs", "penalties", "needs", "funds", "solve")
"""The key figures' groups in reading order."""
