"""Scenario studies: many variants of a base scenario, solved in parallel, stored as they end.

State a study in YAML or Python (:class:`Study`: named variants, grids, seeded samples of
:class:`Override` s), run it over a local process pool or a Dask cluster
(:func:`run_study`), and read the results from the embedded DuckDB :class:`Store`
(:meth:`Store.comparison`, :meth:`Store.table`). A re-run skips what is stored.
"""

from aggregate.extras import require as _require

# before the modules below import DuckDB: a missing extra says how to install it
_require("duckdb", "aggregate.study")

from aggregate.overrides import OverrideError, apply_overrides, parse_path, resolve
from aggregate.study.compare import by_nation, comparison
from aggregate.study.runner import Finished, StudyResult, default_workers, run_study
from aggregate.study.spec import (
    Axis,
    Draw,
    Grid,
    Override,
    Sample,
    SolveOptions,
    Study,
    Variant,
    load_study,
    parse_study,
)
from aggregate.study.store import Store, StoreLocked
from aggregate.study.task import Job, Outcome, run_variant, solve_variant
from aggregate.study.variants import VariantSpec, content_hash, expand

__all__ = [
    "Axis",
    "Draw",
    "Finished",
    "Grid",
    "Job",
    "Outcome",
    "Override",
    "OverrideError",
    "Sample",
    "SolveOptions",
    "Store",
    "StoreLocked",
    "Study",
    "StudyResult",
    "Variant",
    "VariantSpec",
    "apply_overrides",
    "by_nation",
    "comparison",
    "content_hash",
    "default_workers",
    "expand",
    "load_study",
    "parse_path",
    "parse_study",
    "resolve",
    "run_study",
    "run_variant",
    "solve_variant",
]
