"""aggregate: multinational demand aggregation for defence procurement.

The core (load, solve, verify, compare, diff, audit) is imported here; the larger tool sets
are subpackages loaded on first use, so ``import aggregate`` stays quick:
``aggregate.explain`` (bottlenecks, shortfall reasons, infeasibility diagnosis),
``aggregate.games`` (fair shares: Shapley, nucleolus, core), ``aggregate.study``
(variants, parallel and Dask sweeps, resumable store) and ``aggregate.plots``; the last two
need the ``studies`` and ``plots`` extras (see :mod:`aggregate.extras`). The scenario
library loads by name: ``aggregate.examples.load("ammo-155mm-2023-2025")``.
"""

import importlib as _importlib
import importlib.metadata as _metadata
from types import ModuleType as _ModuleType

# loads the path language behind Scenario.with_changes (the schema cannot import it)
import aggregate.overrides as _overrides  # noqa: F401
from aggregate import examples
from aggregate.audit import Audit, audit
from aggregate.baseline import AidComparison, Comparison, compare, compare_aid, without_aid
from aggregate.checks.warnings import scenario_warnings as warnings
from aggregate.differences import PlanDiff, diff
from aggregate.errors import Problem, ScenarioError
from aggregate.io import json_schema, load, save
from aggregate.result import Solution, SolveStatus
from aggregate.schema import *  # noqa: F403
from aggregate.schema import __all__ as _schema_all
from aggregate.solve import solve
from aggregate.validation import check, validate
from aggregate.verify import Verification, verify

try:
    __version__ = _metadata.version("aggregate")
except _metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

_SUBPACKAGES = ("explain", "games", "plots", "study")


def __getattr__(name: str) -> _ModuleType:
    # lazy: DuckDB, Dask and matplotlib load only when their subpackage is used
    if name in _SUBPACKAGES:
        return _importlib.import_module(f"aggregate.{name}")
    raise AttributeError(f"module 'aggregate' has no attribute {name!r}")


__all__ = [
    "AidComparison",
    "Audit",
    "Comparison",
    "PlanDiff",
    "Problem",
    "ScenarioError",
    "Solution",
    "SolveStatus",
    "Verification",
    "audit",
    "check",
    "compare",
    "compare_aid",
    "diff",
    "examples",
    "json_schema",
    "load",
    "save",
    "solve",
    "validate",
    "verify",
    "warnings",
    "without_aid",
    *_schema_all,
]


def __dir__() -> list[str]:
    # what a user reaches for (tab completion): the public names and the lazy subpackages,
    # not the modules the package imports to build itself
    return sorted({*__all__, *_SUBPACKAGES, "__version__"})
