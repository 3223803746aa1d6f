"""What a study file says: a base scenario, how to solve it, and the variants to derive.

A study is read from YAML (:func:`load_study`) or built in Python (:class:`Study`). It names
a base scenario (a file, relative to the study file, or an inline mapping) and three ways to
derive variants from it, all applied as :class:`Override` s (see
:mod:`aggregate.overrides` for the path syntax):

- ``variants``: named lists of overrides ("the fund starts a year earlier");
- ``grids``: the Cartesian product of several parameter lists ("capacity x demand");
- ``samples``: seeded random draws ("demand scaled by a factor drawn around 1").

Example::

    name: fund-timing
    base: ../ammo-155mm-2023-2025/scenario.yaml
    solve: {mip_gap: 0.01, time_limit: 60}
    variants:
      - name: plant-slips
        overrides:
          - {path: "expansions[RHM-UNTERLUESS].lead_periods", op: add, value: 2}
    grids:
      - name: capacity
        axes:
          rhm: {path: "producers[RHM].offers[155-L52-DM].capacity", op: scale,
                values: [0.8, 1.2]}
    samples:
      - name: demand
        count: 5
        seed: 1
        parameters:
          ukr: {path: "demands[nation=UKR].quantity", op: scale,
                distribution: normal, mean: 1.0, sd: 0.1, min: 0.5}
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from aggregate.errors import Problem, ScenarioError, problems_from_validation
from aggregate.overrides import Override
from aggregate.schema.presets import OptionValue, PresetName, options_field
from aggregate.schema.settings import Solver

Name = Annotated[
    str,
    Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:+-]*$"),
]
"""A variant, grid or sample name: letters, digits and ``_ . : + -`` (no ``/``, no spaces:
``/`` separates a grid's name from its point)."""

BASE = "base"
"""Name of the variant without overrides (the base scenario itself)."""


class _Spec(BaseModel):
    """Strict like the scenario schema: a misspelt key is an error, not ignored."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, use_attribute_docstrings=True
    )


class Variant(_Spec):
    """A named variant: the base with a list of overrides applied in order."""

    name: Name
    """Unique name of the variant."""
    description: str = ""
    """What the variant asks ("what if the plant slips six months")."""
    overrides: list[Override] = Field(min_length=1)
    """Changes applied to the base, in order."""


class Axis(_Spec):
    """One axis of a grid: a path and the values it takes, or labelled alternatives."""

    path: str | None = None
    """Where each value goes (with ``values``)."""
    op: Literal["set", "scale", "add"] = "set"
    """How each value is applied at ``path``."""
    values: list[Any] | None = Field(default=None, min_length=1)
    """The values the axis takes (with ``path``)."""
    choices: dict[Name, list[Override]] | None = Field(default=None, min_length=1)
    """Labelled alternatives, each a list of overrides (instead of ``path`` and ``values``);
    an empty list is the base."""

    @model_validator(mode="after")
    def _one_form(self) -> Axis:
        by_values = self.path is not None or self.values is not None
        if by_values and self.choices is not None:
            raise ValueError("give either path and values, or choices, not both")
        if self.choices is None and (self.path is None or self.values is None):
            raise ValueError("give path and values (or choices)")
        if self.op == "scale" and self.values and not all(map(_is_number, self.values)):
            raise ValueError("op 'scale' needs numbers as values")
        return self


class Grid(_Spec):
    """Every combination of the axes' values (their Cartesian product)."""

    name: Name
    """Unique name; each point is named ``<grid>/<axis>=<value>,...``."""
    description: str = ""
    """What the grid explores."""
    axes: dict[Name, Axis] = Field(min_length=1)
    """Axis name -> axis, in order."""


Distribution = Literal["uniform", "normal", "lognormal", "triangular", "choice"]


class Draw(_Spec):
    r"""A random parameter of a sample: a value drawn per sample and applied at a path.

    ``uniform``: :math:`U(low, high)`; ``normal``: :math:`N(mean, sd^2)`; ``lognormal``:
    :math:`\exp(N(\ln mean - sd^2/2, sd^2))` (mean ``mean``, about ``sd`` relative spread);
    ``triangular``: from ``low`` to ``high`` with mode ``mode``; ``choice``: one of
    ``values`` with equal probability. Draws are clipped to ``[min, max]``.
    """

    path: str = Field(min_length=1, max_length=500)
    """Where the drawn value goes."""
    op: Literal["set", "scale", "add"] = "scale"
    """How it is applied (``scale``: the drawn value is a factor)."""
    distribution: Distribution
    """Which distribution to draw from."""
    low: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = Field(default=None, ge=0)
    mode: float | None = None
    values: list[Any] | None = Field(default=None, min_length=1)
    min: float | None = None
    """Smallest value kept (draws below are raised to it)."""
    max: float | None = None
    """Largest value kept (draws above are lowered to it)."""
    independent: bool = False
    """One draw per entry the path matches (e.g. each demand its own factor) instead of one
    draw for all of them."""

    @model_validator(mode="after")
    def _parameters(self) -> Draw:
        need = {
            "uniform": ("low", "high"),
            "normal": ("mean", "sd"),
            "lognormal": ("mean", "sd"),
            "triangular": ("low", "mode", "high"),
            "choice": ("values",),
        }[self.distribution]
        missing = [n for n in need if getattr(self, n) is None]
        if missing:
            raise ValueError(f"distribution '{self.distribution}' needs {', '.join(missing)}")
        if self.distribution in ("uniform", "triangular") and self.low > self.high:  # type: ignore[operator]
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        if self.distribution == "triangular" and not (self.low <= self.mode <= self.high):  # type: ignore[operator]
            raise ValueError("mode must lie between low and high")
        if self.distribution == "lognormal" and self.mean is not None and self.mean <= 0:
            raise ValueError("a lognormal mean must be above 0")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        return self


class Sample(_Spec):
    """``count`` random variants; sample ``i`` draws from a generator seeded by
    ``(seed, i, parameter)``, so a larger ``count`` keeps the earlier samples."""

    name: Name
    """Unique name; each sample is named ``<sample>/<i>``."""
    description: str = ""
    """What the sample explores."""
    count: int = Field(ge=1, le=100_000)
    """Number of random variants."""
    seed: int = Field(ge=0)
    """Seed of the random draws (the same seed gives the same variants)."""
    parameters: dict[Name, Draw] = Field(min_length=1)
    """Parameter name -> how it is drawn and applied."""


class SolveOptions(_Spec):
    """Options passed to :func:`aggregate.solve` for every variant (absent: the scenario's)."""

    objective: Literal["needs_first", "weighted"] | None = None
    solver: Solver | None = None
    """``highs`` or another of :data:`aggregate.schema.settings.SOLVERS` (absent: the
    scenario's)."""
    time_limit: float | None = Field(default=None, gt=0)
    """Seconds per solve."""
    mip_gap: float | None = Field(default=None, ge=0, le=1)
    threads: int | None = Field(default=None, ge=1, le=1024)
    """Solver threads per variant (leave it at 1 when running many variants in parallel)."""
    parallel: bool = False
    preset: PresetName | None = None
    """HiGHS's preset (:data:`aggregate.schema.presets.PRESETS`; absent: the scenario's)."""
    highs_options: dict[str, OptionValue] | None = None
    """Raw HiGHS options on top of the preset and the scenario's (as the scenario's
    ``settings.highs_options``)."""
    reuse_model: bool = False
    """Re-solve variants that change only numbers on a model already built in the worker
    (:func:`aggregate.resolve.solve_cached`) instead of building it again; with
    ``first_plan: heuristic`` a MIP then starts from the worker's previous plan. Off by
    default: a warm-started solve may return another plan of equal value within the gap,
    which would make a variant's plan depend on the variant its worker solved before."""

    @field_validator("highs_options", mode="before")
    @classmethod
    def _known_highs_options(cls, value: Any) -> Any:
        return options_field(value)

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`aggregate.solve` (only those given)."""
        return {k: v for k, v in self.model_dump().items() if v is not None and v is not False}


class Study(_Spec):
    """A scenario study: a base scenario, solve options and the variants to run."""

    name: Name
    """Study name (the store keeps several studies apart by it)."""
    description: str = ""
    """The question the study answers."""
    base: str | dict[str, Any]
    """The base scenario: a file (relative to the study file) or the scenario inline."""
    store: str | None = None
    """Results store (DuckDB file, relative to the study file). Absent: next to the study
    file, named after it."""
    solve: SolveOptions = SolveOptions()
    """Solver options for every variant."""
    baseline: bool = False
    """Also solve each variant going alone (every nation its own contracts, aid kept): the
    value of pooling per variant. Doubles the work or more."""
    include_base: bool = True
    """Run the base scenario itself as the variant ``base``."""
    verify: bool = True
    """Re-check every plan with :func:`aggregate.verify` (recorded per variant)."""
    variants: list[Variant] = []
    grids: list[Grid] = []
    samples: list[Sample] = []

    _root: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _unique_names(self) -> Study:
        names = [v.name for v in self.variants] + [g.name for g in self.grids]
        names += [s.name for s in self.samples]
        dups = sorted({n for n in names if names.count(n) > 1})
        if dups:
            raise ValueError(f"names used twice: {', '.join(dups)}; give each a unique name")
        if self.include_base and BASE in names:
            raise ValueError(f"'{BASE}' names the base scenario; choose another name")
        return self

    @property
    def root(self) -> Path:
        """Folder relative paths are resolved against (the study file's, else the cwd)."""
        return self._root if self._root is not None else Path.cwd()

    def at(self, root: str | Path) -> Study:
        """The same study with relative paths resolved against ``root``."""
        copy = self.model_copy()
        copy._root = Path(root)
        return copy

    def base_path(self) -> Path | None:
        """The base scenario file, or None when the base is inline."""
        return None if isinstance(self.base, dict) else self.root / self.base

    def store_path(self, file: str | Path | None = None) -> Path:
        """Where results go: ``store``, else ``<study file stem>.duckdb`` next to ``file``."""
        if self.store is not None:
            return self.root / self.store
        stem = Path(file).stem if file is not None else self.name
        return self.root / f"{stem}.duckdb"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_study(raw: Any, file: str | None = None, root: str | Path | None = None) -> Study:
    """Validate raw data (parsed YAML) as a :class:`Study`; every problem in one error."""
    if not isinstance(raw, dict):
        raise ScenarioError(
            [Problem("study", "", "the top level must be a mapping", "start with `name:`")], file
        )
    try:
        study = Study.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation(exc, raw), file) from None
    return study.at(root) if root is not None else study


def load_study(path: str | Path) -> Study:
    """Read a study file (YAML or JSON); relative paths in it are taken from its folder.

    Raises :class:`~aggregate.errors.ScenarioError` listing every problem of the file.
    """
    from aggregate.io.formats import read_raw  # the safe YAML/JSON reader of scenarios

    path = Path(path)
    raw = read_raw(path)
    return parse_study(raw, str(path), path.resolve().parent)
