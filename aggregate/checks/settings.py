"""Checks of settings: lateness weights and penalties that act as intended."""

from __future__ import annotations

from itertools import pairwise

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


def check_needs_discount(s: Scenario) -> list[Problem]:
    """Needs stage: the time preference never reorders priorities. Between the first and
    the last due period the discount ``(1 + needs_discount)^span`` stays below the ratio of
    any two distinct priorities, so a higher-priority unit short always weighs more than a
    lower-priority one, whenever each falls due."""
    r = s.settings.needs_discount
    if r == 0 or not s.demands:
        return []
    at = {p: t for t, p in enumerate(s.periods)}
    dues = [at[d.period] for d in s.demands if d.period in at]
    levels = sorted({d.priority for d in s.demands})
    if not dues or len(levels) < 2:
        return []
    span = max(dues) - min(dues)
    spread = (1.0 + r) ** span
    low, high = min(pairwise(levels), key=lambda pair: pair[1] / pair[0])
    if spread < high / low:
        return []
    safe = (high / low) ** (1.0 / span) - 1.0
    return [
        Problem(
            "settings",
            "needs_discount",
            f"needs_discount ({r:g}) over the {span} periods between the first and the last "
            f"due period makes an early unit short weigh {spread:.4g} times a late one, at "
            f"least the ratio of priorities {num(high)} and {num(low)} ({high / low:.4g}), so "
            "an earlier lower-priority demand could come before a later higher-priority one",
            f"lower needs_discount below {safe:.3g}, or space the priorities further apart",
        )
    ]
