"""Key figures: each recorded figure equals its recomputation from the tables."""

from __future__ import annotations

from aggregate import labels
from aggregate.verify.cells import NAN, num
from aggregate.verify.outcome import Violation
from aggregate.verify.plan import Plan

# --- key figures ----------------------------------------------------------------------

OPTIONAL_FIGURES = frozenset({"repair_cost"})
"""Figures a plan written before they existed may leave out where the tables give 0 (as
:data:`aggregate.tables.OPTIONAL_TABLES` may be left out)."""


def _penalty_cost(plan: Plan) -> float:
    """Soft floor and refill penalties, plus shortfall and lateness in weighted mode."""
    ix, total = plan.ix, 0.0
    for r in plan.rows("inventory"):
        sp = ix.stockpiles.get((r["nation"], r["item"]))
        if sp is not None and sp.floor_penalty is not None:
            total += sp.floor_penalty * r["below_floor"]
    for r in plan.rows("refills"):
        sp = ix.stockpiles.get((r["nation"], r["item"]))
        if sp is not None and sp.refill_penalty is not None:
            total += sp.refill_penalty * r["missed"]
    if plan.objective == "weighted":
        settings = ix.scenario.settings
        for r in plan.rows("demands"):
            d = ix.demands[r["demand"]]
            short, late = settings.penalties(d)
            total += short * r["short"] + late * r["late_unit_periods"]
    return total


def _key_figures(plan: Plan) -> dict[str, float]:
    """Every numeric key figure recomputed from the tables."""
    t = plan.tables
    figures = {
        "purchase_cost": float(t["orders"]["purchase_cost"].sum()),
        "delivery_cost": float(t["orders"]["delivery_cost"].sum()),
        "contract_cost": float(t["contracts"]["contract_cost"].sum()),
        "period_cost": float(t["contracts"]["period_cost"].sum()),
        "investment_cost": float(t["investments"]["investment_cost"].sum()),
        "holding_cost": float(t["inventory"]["holding_cost"].sum()),
        "repair_cost": float(t["repairs"]["repair_cost"].sum()),
        "placed_cost": float(
            t["placed_orders"]["cost"].sum() + t["placed_orders"]["cancellation_cost"].sum()
        ),
    }
    figures["total_cost"] = sum(figures.values())
    demands = t["demands"]
    due = sum(float(d.quantity) for d in plan.ix.demands.values())
    on_time, late = float(demands["met_on_time"].sum()), float(demands["met_late"].sum())
    late_periods = float(demands["late_unit_periods"].sum())
    figures |= {
        "penalty_cost": _penalty_cost(plan),
        "weighted_shortfall": float(demands["weighted_shortfall"].sum()),
        "short": float(demands["short"].sum()),
        "fill_rate": (on_time + late) / due if due > 0 else 1.0,
        "on_time_rate": on_time / due if due > 0 else 1.0,
        "average_lateness": late_periods / late if late > plan.tol else 0.0,
        # a bilateral purchase collects nothing ahead: what it pays is never a fund balance
        "unspent_fund_balance": sum(plan.fund_total.values())
        - sum(v for f, v in plan.fund_spent.items() if f not in plan.ix.channels),
    }
    return figures


def check_key_figures(plan: Plan) -> list[Violation]:
    """``key_figures``: each figure equals its recomputation (status equals the solve's)."""
    found = []
    status = plan.key_figures.get("status")
    if status is not None and getattr(status, "value", status) != plan.status.value:
        message = f"status {status!r}, the solution's is {plan.status.value!r}"
        entity = labels.figure("status")
        found.append(Violation("key_figures", entity, "", message, NAN))
    # a balance of large sums carries their rounding: compare it at the sums' scale
    scales = {"unspent_fund_balance": sum(plan.fund_total.values())}
    for name, value in _key_figures(plan).items():
        recorded = plan.key_figures.get(name)
        if recorded is None and name in OPTIONAL_FIGURES and value == 0:
            continue
        try:
            number = float(recorded)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            message = f"missing or not a number ({recorded!r}); the tables give {num(value)}"
            entity = labels.figure(name)
            found.append(Violation("key_figures", entity, "", message, NAN))
            continue
        if (gap := plan.gap(number, value, scales.get(name))) is not None:
            message = f"{name} {num(number)}, the tables give {num(value)}"
            entity = labels.figure(name)
            found.append(Violation("key_figures", entity, "", message, gap))
    return found
