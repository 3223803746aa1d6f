"""From a study to concrete variants: each a validated scenario with a content hash.

The hash is the key of the results store: the SHA-256 of the canonical JSON (sorted keys,
no spaces) of the variant's scenario, the solve options and whether the baseline is
solved. Two variants with the same content (a grid point equal to the base) share a hash
and are solved once; a study re-run after any change solves exactly what changed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aggregate import __version__
from aggregate.errors import Problem, ScenarioError
from aggregate.overrides import (
    OverrideError,
    apply_overrides,
    override_problem,
    resolve,
    scenario_problems,
)
from aggregate.schema import Scenario
from aggregate.study.spec import BASE, Draw, Override, Study
from aggregate.validation import validate

HASH_FORMAT = 1
"""Bumped when what a stored result means changes (old results are then not reused)."""


@dataclass(frozen=True)
class VariantSpec:
    """One concrete variant of a study, ready to solve."""

    name: str
    """``base``, a variant's name, ``<grid>/<axis>=<value>,...`` or ``<sample>/<i>``."""
    kind: str
    """``base``, ``variant``, ``grid`` or ``sample``."""
    group: str
    """The variant, grid or sample it comes from (``base`` for the base)."""
    parameters: dict[str, Any]
    """Grid axis values or sampled values by parameter name (empty for named variants)."""
    description: str
    scenario: Scenario
    hash: str
    overrides: tuple[Override, ...] = field(default=(), repr=False)


def content_hash(scenario: Scenario, solve_options: dict[str, Any], baseline: bool) -> str:
    """SHA-256 (hex) of the canonical JSON of what determines a variant's result."""
    payload = {
        "format": HASH_FORMAT,
        # a new release may solve differently: its results are not mixed with older ones
        "aggregate": __version__,
        "scenario": scenario.model_dump(mode="json"),
        "solve": dict(sorted(solve_options.items())),
        "baseline": baseline,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def base_raw(study: Study) -> dict[str, Any]:
    """The base scenario as raw data (read from its file, or the inline mapping)."""
    if isinstance(study.base, dict):
        return study.base
    from aggregate.io.formats import read_raw

    path = study.base_path()
    assert path is not None
    raw = read_raw(path)
    if not isinstance(raw, dict):
        validate(raw, file=str(path))  # raises the usual "must be a mapping" error
    return dict(raw)


def expand(study: Study, raw: dict[str, Any] | None = None) -> list[VariantSpec]:
    """Every variant of ``study``, validated; raises one :class:`ScenarioError` listing every
    bad override path and every invalid variant scenario."""
    raw = base_raw(study) if raw is None else raw
    file = str(study.base_path()) if study.base_path() is not None else None
    validate(raw, file=file)  # a broken base is reported once, as itself
    options = study.solve.kwargs()
    problems: list[Problem] = []
    out: list[VariantSpec] = []
    for name, kind, group, params, description, overrides in _derive(study, raw, problems):
        where = f"variant {name}"
        try:
            changed = apply_overrides(raw, overrides)
        except OverrideError as exc:
            problems.append(override_problem(where, exc))
            continue
        try:
            scenario = validate(changed)
        except ScenarioError as exc:
            problems.extend(scenario_problems(where, exc))
            continue
        digest = content_hash(scenario, options, study.baseline)
        out.append(VariantSpec(name, kind, group, params, description, scenario, digest, overrides))
    if problems:
        raise ScenarioError(problems, f"study {study.name}")
    return out


_Derived = tuple[str, str, str, dict[str, Any], str, tuple[Override, ...]]


def _derive(study: Study, raw: dict[str, Any], problems: list[Problem]) -> Iterator[_Derived]:
    if study.include_base:
        yield BASE, "base", BASE, {}, "the base scenario", ()
    for v in study.variants:
        yield v.name, "variant", v.name, {}, v.description, tuple(v.overrides)
    for g in study.grids:
        axes = list(g.axes.items())
        options: list[list[tuple[str, Any, tuple[Override, ...]]]] = []
        for _, axis in axes:
            if axis.choices is not None:
                options.append([(label, label, tuple(o)) for label, o in axis.choices.items()])
            else:
                assert axis.path is not None and axis.values is not None
                options.append(
                    [
                        (_show(v), v, (Override(path=axis.path, op=axis.op, value=v),))
                        for v in axis.values
                    ]
                )
        for combo in itertools.product(*options):
            label = ",".join(f"{a}={c[0]}" for (a, _), c in zip(axes, combo, strict=True))
            params = {a: c[1] for (a, _), c in zip(axes, combo, strict=True)}
            overrides = tuple(o for c in combo for o in c[2])
            yield f"{g.name}/{label}", "grid", g.name, params, g.description, overrides
    for s in study.samples:
        for i in range(s.count):
            params = {}
            overrides_list: list[Override] = []
            failed = False
            for pname, draw in s.parameters.items():
                try:
                    value, made = _sampled(raw, s.seed, i, pname, draw)
                except OverrideError as exc:
                    problems.append(override_problem(f"sample {s.name}, parameter {pname}", exc))
                    failed = True
                    break
                params[pname] = value
                overrides_list.extend(made)
            if failed:
                break  # the same path fails in every sample: say it once
            yield f"{s.name}/{i}", "sample", s.name, params, s.description, tuple(overrides_list)


def _sampled(
    raw: dict[str, Any], seed: int, index: int, pname: str, draw: Draw
) -> tuple[Any, list[Override]]:
    """The value(s) drawn for one parameter of sample ``index`` and the overrides they make.

    The generator is seeded by ``(seed, index, crc32(parameter))``: adding a parameter or
    raising the count leaves every other draw unchanged.
    """
    rng = np.random.default_rng([seed, index, zlib.crc32(pname.encode())])
    if not draw.independent:
        value = _draw(rng, draw)
        return value, [Override(path=draw.path, op=draw.op, value=value)]
    locations = resolve(raw, draw.path)
    values = [_draw(rng, draw) for _ in locations]
    overrides = [
        Override(path=loc.label, op=draw.op, value=v)
        for loc, v in zip(locations, values, strict=True)
    ]
    return values, overrides


def _draw(rng: np.random.Generator, d: Draw) -> Any:
    if d.distribution == "choice":
        assert d.values is not None
        return d.values[int(rng.integers(len(d.values)))]
    # the spec's validator guarantees each distribution's parameters are given
    low, high, mean, sd, mode = (
        float(v) if v is not None else math.nan for v in (d.low, d.high, d.mean, d.sd, d.mode)
    )
    if d.distribution == "uniform":
        x = float(rng.uniform(low, high))
    elif d.distribution == "normal":
        x = float(rng.normal(mean, sd))
    elif d.distribution == "lognormal":
        x = float(rng.lognormal(math.log(mean) - sd**2 / 2, sd))
    else:
        x = float(rng.triangular(low, mode, high)) if high > low else low
    if d.min is not None:
        x = max(x, d.min)
    if d.max is not None:
        x = min(x, d.max)
    return x


def _show(value: Any) -> str:
    """A short label for a grid value (``0.8``, ``2024Q1``, ``{...}`` for mappings)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str | int | float | bool):
        return str(value)
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:8]
