"""Whole units: every quantity of an indivisible item in the plan tables is a whole number."""

from __future__ import annotations

import numpy as np

from aggregate import labels
from aggregate.tables import SPECS
from aggregate.verify.cells import num
from aggregate.verify.outcome import Violation
from aggregate.verify.plan import Plan

WHOLE_TOL = 1e-6
"""Absolute distance from a whole number a quantity may have (at least the solver's integrality
tolerance; the extraction rounds integer decisions, so a plan read back is exact)."""

UNIT_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(c.name for c in spec.columns if c.unit == "units")
    for name, spec in SPECS.items()
    if "item" in spec.names
}
"""Table -> its columns counted in units of the row's item (item tables only)."""


def check_whole_units(plan: Plan) -> list[Violation]:
    """``whole_units``: quantities of an indivisible item (orders, contract volumes, capacity
    used, donations, stock, supply, refill levels) are whole numbers."""
    whole = {i for i, item in plan.ix.items.items() if item.indivisible}
    found: list[Violation] = []
    if not whole:
        return found
    for name, columns in UNIT_COLUMNS.items():
        df = plan.tables[name]
        rows = df[df["item"].isin(whole)]
        for column in columns:
            values = rows[column].to_numpy(dtype=float)
            off = np.abs(values - np.round(values))
            for j in np.flatnonzero(off > WHOLE_TOL).tolist():
                i = rows.index[j]
                value = float(values[j])
                item = str(rows["item"].iloc[j])
                period = next(
                    (str(rows[c].iloc[j]) for c in ("period", "arrival_period") if c in rows), ""
                )
                found.append(
                    Violation(
                        "whole_units",
                        labels.row(name, i),
                        period,
                        f"{column} {num(value)} of indivisible item {item} is not whole",
                        float(abs(value - round(value))),
                    )
                )
    return found
