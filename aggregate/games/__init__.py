"""Fair shares: cooperative cost games over a scenario's nations.

:mod:`~aggregate.games.solutions` holds the pure solutions of a coalition-cost function
(Shapley value, nucleolus, least core, core check); :mod:`~aggregate.games.coalitions`
turns a scenario into such a function (one model solve per group of nations, cached and
parallel); :mod:`~aggregate.games.allocations` applies the sharing rules; ``report`` and
``plot`` show them next to what the model decided. See ``docs/games.md``.
"""

from aggregate.games.allocations import RULES, allocate
from aggregate.games.coalitions import CoalitionGame, CoalitionValue, coalition_value, restrict
from aggregate.games.solutions import (
    Game,
    GameError,
    LeastCore,
    SampledShapley,
    core_violations,
    in_core,
    least_core,
    nucleolus,
    shapley_exact,
    shapley_sampled,
)

__all__ = [
    "RULES",
    "CoalitionGame",
    "CoalitionValue",
    "Game",
    "GameError",
    "LeastCore",
    "SampledShapley",
    "allocate",
    "coalition_value",
    "core_violations",
    "in_core",
    "least_core",
    "nucleolus",
    "restrict",
    "shapley_exact",
    "shapley_sampled",
]
