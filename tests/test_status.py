"""How a run's end is put into words: the time-limit overrun note."""

from __future__ import annotations

import pytest

from aggregate.status import OVERRUN_GRACE, overrun_note


@pytest.mark.parametrize(
    ("limit", "seconds", "noted"),
    [
        (None, 500.0, False),  # no limit: nothing to overrun
        (float("inf"), 500.0, False),
        (60.0, 60.4, False),  # HiGHS stops a little after its limit
        (60.0, 60.0 + OVERRUN_GRACE + 0.9, False),  # within a tenth of 60 s
        (60.0, 66.5, True),
        (1.0, 1.0 + OVERRUN_GRACE - 0.1, False),  # short limits: the fixed grace
        (1.0, 1.0 + OVERRUN_GRACE + 0.1, True),
        (600.0, 659.0, False),
        (600.0, 661.0, True),
    ],
)
def test_overrun_noted_only_well_past_the_limit(limit, seconds, noted):
    assert bool(overrun_note(limit, seconds)) is noted


def test_overrun_note_says_by_how_much_and_why():
    note = overrun_note(60.0, 137.0)
    assert "77 s past its 60 s time limit" in note
    assert "analytic centre" in note


def test_a_late_run_reaches_the_solution_message(monkeypatch):
    """The note goes from the HiGHS run to the plan (the CLI prints ``message``): the run's
    clock is pushed 100 s past a 30 s limit, as the analytic centre does on eda-L."""
    import dataclasses

    import aggregate
    import aggregate.model.highs as highs_module
    from aggregate.examples import load

    real = highs_module.read_highs

    def late(h, seconds=0.0, mip=None):
        return dataclasses.replace(real(h, seconds, mip=mip), seconds=seconds + 100.0)

    monkeypatch.setattr(highs_module, "read_highs", late)
    scenario = load("teaching/transport-dantzig")
    solution = aggregate.solve(scenario, time_limit=30.0)
    assert solution.status.has_plan
    assert "past its 30 s time limit" in solution.message
    assert aggregate.verify(scenario, solution).ok
