"""Checks of whole units: the numbers an indivisible item's plan is built from are whole.

An item with ``indivisible: true`` is ordered, delivered, donated and used in whole units
(integer decisions). Its stock then moves by whole units, so its opening stock, floors and
refill target must be whole too: a fractional one would leave a fraction in every stock
figure, or a floor no whole stock meets exactly. These numbers are rejected rather than
rounded, because rounding a floor or a stock silently changes what the scenario states.
"""

from __future__ import annotations

from aggregate import labels
from aggregate.checks.lookups import Index, num
from aggregate.errors import Problem
from aggregate.schema import Scenario

WHOLE_TOL = 1e-9
"""How far from a whole number a quantity of an indivisible item may be (binary noise)."""


def _fractional(x: float) -> bool:
    return abs(x - round(x)) > WHOLE_TOL


def check_whole_units(s: Scenario) -> list[Problem]:
    """Stock figures and lot sizes of indivisible items are whole numbers; so are demands
    for a capability met only by indivisible items with whole factors."""
    ix = Index(s)
    whole = {i.id for i in s.items if i.indivisible}
    if not whole:
        return []
    out: list[Problem] = []

    def problem(entry: str, field: str, what: str, item: str) -> Problem:
        return Problem(
            entry,
            field,
            f"{what}, but item '{item}' is indivisible (whole units only)",
            f"give a whole number, or set indivisible: false on items[{item}]",
        )

    for st in s.stockpiles:
        if st.item not in whole:
            continue
        label = labels.stockpile(st.nation, st.item)
        if _fractional(st.on_hand):
            out.append(problem(label, "on_hand", f"on_hand is {num(st.on_hand)}", st.item))
        floors = ix.series(st.floor)
        bad = [p for p, f in zip(s.periods, floors, strict=True) if _fractional(f)]
        if bad:
            f = floors[s.periods.index(bad[0])]
            out.append(problem(label, "floor", f"the floor in '{bad[0]}' is {num(f)}", st.item))
        if st.refill_target is not None and _fractional(st.refill_target):
            what = f"refill_target is {num(st.refill_target)}"
            out.append(problem(label, "refill_target", what, st.item))
    for prod in s.producers:
        for off in prod.offers:
            if off.item in whole and off.lot_size is not None and _fractional(off.lot_size):
                label = labels.offer(prod.id, off.item)
                what = f"lot_size is {num(off.lot_size)}"
                out.append(problem(label, "lot_size", what, off.item))
    for d in s.demands:
        cap = ix.capabilities.get(d.capability)
        if cap is None or not _fractional(d.quantity):
            continue
        if all(e.item in whole and not _fractional(e.factor) for e in cap.satisfied_by):
            out.append(
                Problem(
                    labels.entry(labels.DEMANDS, d.id),
                    "quantity",
                    f"quantity is {num(d.quantity)}, but capability '{cap.id}' is met only "
                    "by indivisible items with whole factors, so a fraction of it stays short",
                    "give a whole number",
                )
            )
    return out
