"""aggregate: multinational demand aggregation for defence procurement."""

from aggregate.baseline import Comparison, compare
from aggregate.errors import Problem, ScenarioError
from aggregate.io import json_schema, load, save
from aggregate.result import Solution, SolveStatus
from aggregate.schema import *  # noqa: F403
from aggregate.schema import __all__ as _schema_all
from aggregate.solve import solve
from aggregate.validation import check, validate
from aggregate.verify import Verification, verify

__all__ = [
    "Comparison",
    "Problem",
    "ScenarioError",
    "Solution",
    "SolveStatus",
    "Verification",
    "check",
    "compare",
    "json_schema",
    "load",
    "save",
    "solve",
    "validate",
    "verify",
    *_schema_all,
]
