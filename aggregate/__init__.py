"""aggregate: multinational demand aggregation for defence procurement."""

from aggregate.errors import Problem, ScenarioError
from aggregate.schema import *  # noqa: F403
from aggregate.schema import __all__ as _schema_all
from aggregate.validation import check, validate

__all__ = ["Problem", "ScenarioError", "check", "validate", *_schema_all]
