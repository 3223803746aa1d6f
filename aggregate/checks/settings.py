"""Checks of settings: lateness weights and penalties that act as intended."""

from __future__ import annotations

from aggregate import labels
from aggregate.checks.lookups import num, quoted
from aggregate.errors import Problem
from aggregate.schema import Scenario


def check_lateness_weight(s: Scenario) -> list[Problem]:
    """Needs stage: a unit at its latest (``lateness_weight * max_lateness``) weighs less than
    a unit short, or a shortfall would be as good as a late delivery."""
    w = s.settings.lateness_weight
    late = [d for d in s.demands if w * d.max_lateness >= 1]
    if not late:
        return []
    worst = max(d.max_lateness for d in late)
    return [
        Problem(
            "settings",
            "lateness_weight",
            f"lateness_weight ({w:g}) times max_lateness reaches 1 for demand(s) "
            f"{quoted(f'{d.id} (max_lateness {d.max_lateness})' for d in late)}, so a unit "
            "delivered late would weigh as much as a unit never delivered",
            f"lower lateness_weight below 1/{worst} = {1 / worst:.3g}, or shorten those "
            "demands' max_lateness",
        )
    ]


def check_lateness_penalties(s: Scenario) -> list[Problem]:
    """Weighted objective: a unit at its latest costs less than a unit short
    (``lateness_penalty * max_lateness < shortfall_penalty``, defaults times priority)."""
    cfg = s.settings
    out: list[Problem] = []
    for d in s.demands:
        if d.max_lateness == 0:
            continue
        short, late = cfg.penalties(d)
        if late > 0 and late * d.max_lateness >= short:
            out.append(
                Problem(
                    labels.demand(d.id),
                    "lateness_penalty",
                    f"lateness_penalty ({num(late)}) times max_lateness ({d.max_lateness}) is "
                    f"at least the shortfall_penalty ({num(short)}), so a unit delivered late "
                    "would cost as much as a unit never delivered",
                    f"lower lateness_penalty below {num(short / d.max_lateness)}, raise "
                    "shortfall_penalty, or shorten max_lateness",
                )
            )
    return out
