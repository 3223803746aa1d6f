"""What the verifier reports: violations, the verification, and the error raising them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from aggregate.errors import PlanError
from aggregate.verify.cells import blank, records

VIOLATION_COLUMNS = ["rule", "entity", "period", "message", "excess"]


class Violation(NamedTuple):
    """One broken rule."""

    rule: str
    """Rule name, a key of :data:`RULES`."""
    entity: str
    """What breaks it, as a label of :mod:`aggregate.labels`: ``producers[RHM].offers[155-L52]``,
    ``stockpiles[DEU/155-L52]``, ``demands[D1]``, ``funds[EPF]``,
    ``producers[RHM].offers[155-L52] -> nations[DEU]``, ``tables.contracts[RHM/155-L52]``,
    ``tables.orders[3]``, ``key_figures[total_cost]``, ..."""
    period: str
    """Period label, empty when the rule has no period."""
    message: str
    """What is wrong, with the numbers."""
    excess: float
    """How far the rule is broken, in its units (NaN where it is not a matter of degree)."""


class PlanViolation(PlanError):
    """A plan breaks rules of the model; :attr:`violations` lists them."""

    def __init__(self, verification: Verification) -> None:
        self.violations = verification.violations
        super().__init__(str(verification))


@dataclass(frozen=True, eq=False)
class Verification:
    """The result of :func:`verify`."""

    violations: pd.DataFrame
    """One row per broken rule: ``rule``, ``entity``, ``period``, ``message``, ``excess``."""
    checked: bool = True
    """False when the solution had no plan to check (then there are no violations)."""

    @property
    def ok(self) -> bool:
        """True when no rule is broken (also when nothing was checked; see ``checked``)."""
        return self.violations.empty

    @property
    def rules(self) -> set[str]:
        """Names of the rules broken."""
        return set(self.violations["rule"])

    def __str__(self) -> str:
        if not self.checked:
            return "not verified: the solution has no plan"
        if self.ok:
            return "the plan satisfies every rule checked"
        lines = [f"{len(self.violations)} violation(s):"]
        for v in records(self.violations):
            where = f" in {v['period']}" if v["period"] else ""
            excess = "" if blank(v["excess"]) else f" (excess {v['excess']:.6g})"
            lines.append(f"  - {v['rule']}: {v['entity']}{where}: {v['message']}{excess}")
        return "\n".join(lines)

    def raise_if_violated(self) -> None:
        """Raise :class:`PlanViolation` listing every violation, if there is any."""
        if not self.ok:
            raise PlanViolation(self)


def frame(found: Iterable[Violation]) -> pd.DataFrame:
    """The violations as a table with :data:`VIOLATION_COLUMNS`."""
    table = pd.DataFrame(list(found), columns=VIOLATION_COLUMNS)
    return table.astype({"excess": float})
