"""Shared building blocks of the scenario schema: the strict base model and annotated types."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field


class StrictModel(BaseModel):
    """Base of every schema class.

    Unknown fields are rejected (a misspelt ``capcity`` must not be silently ignored),
    numbers must be finite, strings are not coerced into numbers, and every field's
    attribute docstring becomes its description in the exported JSON Schema.
    """

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        allow_inf_nan=False,
        use_attribute_docstrings=True,
        validate_default=True,
    )


def _label(value: Any) -> Any:
    """Period labels and ids are text; YAML reads ``2024`` as a number, so accept that."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


Id = Annotated[
    str,
    BeforeValidator(_label),
    Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/+ -]*$"),
]
"""An identifier: letters, digits and ``_ . : / + -`` (spaces allowed inside)."""

PeriodLabel = Annotated[str, BeforeValidator(_label), Field(min_length=1, max_length=40)]
"""A period label such as ``2024-01`` or ``2024Q1``; order is given by ``Scenario.periods``."""

NationCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
"""An ISO 3166-1 alpha-3 country code in capitals, e.g. ``DEU``, ``UKR``."""

# Ranges of the numbers a scenario holds. The solver works in double precision with
# feasibility and optimality tolerances of about 1e-7 to 1e-9: a model whose numbers span
# more than about nine orders of magnitude loses the small ones in the rounding (a demand
# of 9.2e18 "met" by ordering nothing; a priority of 1e-9 weighing nothing against the
# tolerance; a quantity of 1e29 refused by the solver outright). The bounds sit far
# above real procurement figures and keep every scenario inside that range; the check
# `coefficient_range` also bounds the spread of one scenario's numbers.

MAX_NUMBER = 1e15
"""Largest value of any number in a scenario (a national income in currency units)."""

MAX_QUANTITY = 1e9
"""Largest quantity, capacity or stock, in units: a billion rounds, far above any demand."""

MAX_MONEY = 1e13
"""Largest price, cost, penalty, budget or fund amount, in currency units (ten trillion)."""

MIN_FACTOR, MAX_FACTOR = 1e-6, 1e6
"""Range of a ratio between units (components per item, capability per item)."""

NonNeg = Annotated[float, Field(ge=0, le=MAX_NUMBER), AfterValidator(_finite)]
"""A finite number between 0 and :data:`MAX_NUMBER`."""

Positive = Annotated[float, Field(gt=0, le=MAX_NUMBER), AfterValidator(_finite)]
"""A finite number above 0, at most :data:`MAX_NUMBER`."""

Quantity = Annotated[float, Field(ge=0, le=MAX_QUANTITY), AfterValidator(_finite)]
"""Units of an item, capability or component: between 0 and :data:`MAX_QUANTITY` (1e9)."""

PositiveQuantity = Annotated[float, Field(gt=0, le=MAX_QUANTITY), AfterValidator(_finite)]
"""Units above 0, at most :data:`MAX_QUANTITY` (1e9)."""

Money = Annotated[float, Field(ge=0, le=MAX_MONEY), AfterValidator(_finite)]
"""Currency units: between 0 and :data:`MAX_MONEY` (1e13)."""

PositiveMoney = Annotated[float, Field(gt=0, le=MAX_MONEY), AfterValidator(_finite)]
"""Currency units above 0, at most :data:`MAX_MONEY` (1e13)."""

Factor = Annotated[float, Field(ge=MIN_FACTOR, le=MAX_FACTOR), AfterValidator(_finite)]
"""A ratio between units, between :data:`MIN_FACTOR` (1e-6) and :data:`MAX_FACTOR` (1e6)."""

Share = Annotated[float, Field(ge=0, le=1)]
"""A fraction between 0 and 1."""

PerPeriod = NonNeg | dict[PeriodLabel, NonNeg]
"""A quantity that may vary over time.

Either one number (the same in every period) or a series ``{period: value}``: each value
holds from its period until the next period given; before the first period given the
value is 0 (so a new plant's capacity can be written ``{2025Q3: 6000, 2026Q1: 20000}``).
"""

PerPeriodQuantity = Quantity | dict[PeriodLabel, Quantity]
"""A :data:`PerPeriod` quantity in units, each value at most :data:`MAX_QUANTITY` (1e9)."""

PerPeriodMoney = Money | dict[PeriodLabel, Money]
"""A :data:`PerPeriod` amount in currency units, each at most :data:`MAX_MONEY` (1e13)."""

CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
"""An ISO 4217 currency code in capitals, e.g. ``EUR``, ``USD``."""

Rate = Annotated[float, Field(ge=0, le=MAX_FACTOR), AfterValidator(_finite)]
"""An exchange rate: reporting-currency units per unit of another currency, at most
:data:`MAX_FACTOR` (1e6); 0 is rejected by :func:`aggregate.check` with the entry named."""

PerPeriodRate = Rate | dict[PeriodLabel, Rate]
"""A :data:`PerPeriod` exchange rate (a step series); it must hold from the first period."""


def expand(value: float | dict[str, float], periods: list[str]) -> list[float]:
    """Turn a :data:`PerPeriod` value into one number per period (step function)."""
    if not isinstance(value, dict):
        return [float(value)] * len(periods)
    out: list[float] = []
    current = 0.0
    for p in periods:
        if p in value:
            current = float(value[p])
        out.append(current)
    return out
