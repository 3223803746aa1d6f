"""Solver presets: named bundles of HiGHS options, and the HiGHS options input may set.

A preset (``settings.preset``) picks how HiGHS searches; ``settings.highs_options`` adds raw
HiGHS options on top of it. Both are checked here, against :data:`HIGHS_OPTIONS`: an
allowlist of options that change only how HiGHS searches, never what it reads, writes or
prints (no ``*_file``, ``write_*``, ``read_*``, ``output_flag``, ``log_*``), nor what another
setting governs (``threads``, ``mip_gap``, ``time_limit``, ``parallel``) or what the plan's
checks rely on (``mip_feasibility_tolerance``). The table is static so that validating a
scenario does not start HiGHS; ``tests/test_presets.py`` checks it against the installed
HiGHS (names, types and defaults).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic_core import PydanticCustomError

OptionValue = bool | int | float | str
"""A HiGHS option's value as input gives it."""

PresetName = Literal[
    "default", "feasible_first", "bound_first", "lp_simplex", "lp_ipm", "no_presolve"
]
"""The presets a scenario, a study or the command line may name (:data:`PRESETS`)."""


@dataclass(frozen=True)
class Preset:
    """A named bundle of HiGHS options."""

    purpose: str
    """One line: when to use it."""
    options: Mapping[str, OptionValue]


PRESETS: dict[str, Preset] = {
    "default": Preset("HiGHS's own choices: the behaviour without a preset", {}),
    "feasible_first": Preset(
        "more primal heuristics: a good plan early, for MIPs under a time limit",
        {
            "mip_heuristic_effort": 0.3,
            "mip_heuristic_run_zi_round": True,
            "mip_heuristic_run_shifting": True,
        },
    ),
    "bound_first": Preset(
        "few heuristics, cuts kept longer: for proving the bound of a MIP",
        {"mip_heuristic_effort": 0.01, "mip_lp_age_limit": 20, "mip_pool_age_limit": 60},
    ),
    "lp_simplex": Preset("linear programs by the simplex method", {"solver": "simplex"}),
    "lp_ipm": Preset(
        "linear programs by the interior point method, then crossover to a vertex",
        {"solver": "ipm", "run_crossover": "on"},
    ),
    "no_presolve": Preset(
        "no presolve: the fastest on the benchmark suite's MIPs; also for diagnosis",
        {"presolve": "off"},
    ),
}
"""Every preset by name, each with its purpose (``docs/faq.md`` has the measurements)."""


@dataclass(frozen=True)
class HighsOption:
    """One HiGHS option input may set: its type and the values HiGHS accepts."""

    kind: type
    """``bool``, ``int``, ``float`` or ``str`` (HiGHS's kBool, kInt, kDouble, kString)."""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()


_ON_OFF = ("off", "choose", "on")
_EDGE_WEIGHT = HighsOption(int, -1, 2)

HIGHS_OPTIONS: dict[str, HighsOption] = {
    "presolve": HighsOption(str, choices=_ON_OFF),
    # not pdlp: a first-order method's plan is feasible only to about 1e-4, which the
    # verifier's checks would flag
    "solver": HighsOption(str, choices=("choose", "simplex", "ipm")),
    "run_crossover": HighsOption(str, choices=_ON_OFF),
    "random_seed": HighsOption(int, 0, 2147483647),
    "simplex_strategy": HighsOption(int, 0, 4),
    "simplex_scale_strategy": HighsOption(int, 0, 4),
    "simplex_crash_strategy": HighsOption(int, 0, 9),
    "simplex_dual_edge_weight_strategy": _EDGE_WEIGHT,
    "simplex_primal_edge_weight_strategy": _EDGE_WEIGHT,
    "simplex_price_strategy": HighsOption(int, 0, 3),
    "simplex_dualize_strategy": HighsOption(int, -1, 1),
    "ipx_dualize_strategy": HighsOption(int, -1, 3),
    "mip_heuristic_effort": HighsOption(float, 0.0, 1.0),
    "mip_heuristic_run_feasibility_jump": HighsOption(bool),
    "mip_heuristic_run_rens": HighsOption(bool),
    "mip_heuristic_run_rins": HighsOption(bool),
    "mip_heuristic_run_root_reduced_cost": HighsOption(bool),
    "mip_heuristic_run_zi_round": HighsOption(bool),
    "mip_heuristic_run_shifting": HighsOption(bool),
    "mip_detect_symmetry": HighsOption(bool),
    "mip_allow_restart": HighsOption(bool),
    "mip_pscost_minreliable": HighsOption(int, 0, 2147483647),
    "mip_lp_age_limit": HighsOption(int, 0, 32767),
    "mip_pool_age_limit": HighsOption(int, 0, 1000),
    "mip_pool_soft_limit": HighsOption(int, 1, 2147483647),
}
"""HiGHS options that input (``settings.highs_options``, ``--highs-option``) may set."""

GOVERNED: dict[str, str] = {
    "threads": "set `threads` instead (MIPs always run on one thread, for the same plan "
    "on any machine)",
    "mip_rel_gap": "set `mip_gap` instead",
    "mip_abs_gap": "set `mip_gap` instead (a plan stopped at an absolute gap would be "
    "reported optimal)",
    "time_limit": "set `time_limit` instead",
    "parallel": "use `--parallel` instead",
    "output_flag": "use `--log` to see the solver's log",
    "log_to_console": "use `--log` to see the solver's log",
    "mip_feasibility_tolerance": "it is fixed at 1e-7 so that whole-number decisions are "
    "whole within the plan's checks",
}
"""Options other settings govern -> what to do instead."""


def _refusal(name: str) -> str:
    if name in GOVERNED:
        return f"HiGHS option {name!r} cannot be set here: {GOVERNED[name]}"
    if "file" in name or name.startswith(("write_", "read_", "log_")):
        return f"HiGHS option {name!r} cannot be set here: input may not read, write or log files"
    close = difflib.get_close_matches(name, list(HIGHS_OPTIONS), n=3, cutoff=0.6)
    if close:
        hint = f"did you mean {' or '.join(repr(c) for c in close)}?"
    else:
        hint = "allowed: " + ", ".join(sorted(HIGHS_OPTIONS))
    return f"HiGHS option {name!r} is not one input may set; {hint}"


def check_option(name: str, value: OptionValue) -> OptionValue:
    """``value`` as HiGHS takes it for option ``name`` (``on``/``off`` for a yes/no given to
    a text option, a float for a whole number given to a real one); else ``ValueError``
    saying what is wrong and how to fix it."""
    spec = HIGHS_OPTIONS.get(name)
    if spec is None:
        raise ValueError(_refusal(name))
    if spec.kind is str:
        if isinstance(value, bool):
            # YAML reads `off` and `on` as booleans
            value = "on" if value else "off"
        if not isinstance(value, str) or value not in spec.choices:
            raise ValueError(
                f"HiGHS option {name!r} takes one of {', '.join(spec.choices)}, not {value!r}"
            )
        return value
    if spec.kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"HiGHS option {name!r} takes true or false, not {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"HiGHS option {name!r} takes a number, not {value!r}")
    if spec.kind is int:
        if not float(value).is_integer():
            raise ValueError(f"HiGHS option {name!r} takes a whole number, not {value!r}")
        value = int(value)
    else:
        value = float(value)
    low = -math.inf if spec.low is None else spec.low
    high = math.inf if spec.high is None else spec.high
    if not low <= value <= high:  # nan is in no range
        raise ValueError(
            f"HiGHS option {name!r} takes a number from {low:g} to {high:g}, not {value!r}"
        )
    return value


def check_options(options: Mapping[str, OptionValue]) -> dict[str, OptionValue]:
    """Every option of ``options`` through :func:`check_option`; one ``ValueError`` naming
    every option that is wrong."""
    out: dict[str, OptionValue] = {}
    wrong: list[str] = []
    for name, value in options.items():
        try:
            out[str(name)] = check_option(str(name), value)
        except ValueError as exc:
            wrong.append(str(exc))
    if wrong:
        raise ValueError("; ".join(wrong))
    return out


def options_field(value: Any) -> Any:
    """A ``highs_options`` field's validator, before its type check (one message per wrong
    option rather than one per type of the value's union)."""
    if not isinstance(value, dict):
        return value
    try:
        return check_options(value)
    except ValueError as exc:
        # the message as a parameter: it may hold braces
        raise PydanticCustomError("highs_option", "{detail}", {"detail": str(exc)}) from None


def highs_options(preset: str, extra: Mapping[str, OptionValue]) -> dict[str, OptionValue]:
    """The HiGHS options of ``preset`` with ``extra`` on top (both checked)."""
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}")
    return {**PRESETS[preset].options, **check_options(extra)}


def parse_option(text: str) -> tuple[str, OptionValue]:
    """``KEY=VALUE`` from the command line: the value read as HiGHS's type for ``KEY``
    (``true``/``false``, a number or text), then checked."""
    name, sep, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    if not sep or not name or not raw:
        raise ValueError(f"{text!r} is not KEY=VALUE (e.g. mip_heuristic_effort=0.3)")
    spec = HIGHS_OPTIONS.get(name)
    if spec is None:
        raise ValueError(_refusal(name))
    value: OptionValue = raw
    if spec.kind is bool and raw.lower() in ("true", "false", "on", "off", "yes", "no", "1", "0"):
        value = raw.lower() in ("true", "on", "yes", "1")
    elif spec.kind in (int, float):
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"HiGHS option {name!r} takes a number, not {raw!r}") from None
    return name, check_option(name, value)
