"""Checks of stockpiles: floors, refill plans and their penalties agree with each other."""

from __future__ import annotations

from aggregate import labels
from aggregate.checks.lookups import Index, num
from aggregate.errors import Problem
from aggregate.schema import Scenario


def check_stockpile_floor_start(s: Scenario) -> list[Problem]:
    """A hard floor above the opening stock needs ``refill_by`` (the floor binds from then)."""
    ix = Index(s)
    out: list[Problem] = []
    for st in s.stockpiles:
        if st.floor_type != "hard" or st.refill_by is not None:
            continue
        start = ix.series(st.floor)[0]
        if start > st.on_hand:
            out.append(
                Problem(
                    labels.stockpile(st.nation, st.item),
                    "floor",
                    f"the hard floor in the first period '{s.periods[0]}' ({num(start)}) is "
                    f"above the opening stock on_hand ({num(st.on_hand)}) and there is no "
                    "refill_by, so the floor is broken from the start",
                    "add refill_by (the period by which the stock is back at the floor), "
                    "lower the floor, raise on_hand, or make the floor soft with a floor_penalty",
                )
            )
    return out


def check_refill_plan(s: Scenario) -> list[Problem]:
    """``refill_target`` and ``refill_by`` come together (``refill_by`` alone only with a floor
    above the opening stock); ``refill_penalty`` needs a target."""
    ix = Index(s)
    out: list[Problem] = []
    for st in s.stockpiles:
        label = labels.stockpile(st.nation, st.item)
        if st.refill_target is not None and st.refill_by is None:
            out.append(
                Problem(
                    label,
                    "refill_by",
                    f"refill_target ({num(st.refill_target)}) is set without refill_by, so "
                    "the target has no date",
                    "add refill_by (a period of `periods`), or remove refill_target",
                )
            )
        if st.refill_by is not None and st.refill_target is None:
            start = ix.series(st.floor)[0]
            if start <= st.on_hand:
                out.append(
                    Problem(
                        label,
                        "refill_by",
                        f"refill_by ('{st.refill_by}') is set but there is nothing to refill: "
                        f"no refill_target, and the floor at the start ({num(start)}) is not "
                        f"above on_hand ({num(st.on_hand)})",
                        "add refill_target (units to hold by refill_by), or remove refill_by",
                    )
                )
        if st.refill_penalty is not None and st.refill_target is None:
            out.append(
                Problem(
                    label,
                    "refill_penalty",
                    "refill_penalty is set without refill_target, so it has no effect",
                    "add refill_target and refill_by, or remove refill_penalty",
                )
            )
    return out


def check_refill_target_floor(s: Scenario) -> list[Problem]:
    """A refill target is not below the floor in force at ``refill_by`` (a likely typo)."""
    ix = Index(s)
    out: list[Problem] = []
    for st in s.stockpiles:
        if st.refill_target is None or st.refill_by not in ix.periods:
            continue
        floor = ix.series(st.floor)[ix.periods[st.refill_by]]
        if st.refill_target < floor:
            out.append(
                Problem(
                    labels.stockpile(st.nation, st.item),
                    "refill_target",
                    f"refill_target ({num(st.refill_target)}) is below the floor at refill_by "
                    f"'{st.refill_by}' ({num(floor)}), so the target asks for less than the "
                    "floor already does",
                    f"raise refill_target to at least the floor ({num(floor)}), or lower the floor",
                )
            )
    return out


def check_floor_penalty(s: Scenario) -> list[Problem]:
    """``floor_penalty`` only acts on a soft floor."""
    return [
        Problem(
            labels.stockpile(st.nation, st.item),
            "floor_penalty",
            "floor_penalty is set but floor_type is 'hard', so it has no effect",
            "set floor_type: soft to allow going below the floor at this penalty, or remove "
            "floor_penalty",
        )
        for st in s.stockpiles
        if st.floor_type == "hard" and st.floor_penalty is not None
    ]


def check_donation_policy(s: Scenario) -> list[Problem]:
    """A stockpile's ``donation_policy`` only acts on a donor stockpile."""
    return [
        Problem(
            labels.stockpile(st.nation, st.item),
            "donation_policy",
            f"donation_policy is '{st.donation_policy}' but donor is false, so it has no effect",
            "set donor: true to let the nation donate from this stock under that policy, or "
            "remove donation_policy",
        )
        for st in s.stockpiles
        if not st.donor and st.donation_policy is not None
    ]
