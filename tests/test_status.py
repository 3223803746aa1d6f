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


def test_a_late_solve_says_so_once_against_its_own_limit(monkeypatch):
    """The note compares the whole solve with the limit asked for (the CLI prints
    ``message``): the solve's clock jumps 100 s once HiGHS has run, as the analytic centre
    does on eda-L. Both stages of this needs-first scenario see the jump, and the note
    still appears once, about the 30 s asked for (not the time left to the cost stage)."""
    import sys
    import time
    import types

    import aggregate
    from aggregate.examples import load
    from aggregate.model.highs import HighsModel

    solve_module = sys.modules["aggregate.solve"]
    shift = {"s": 0.0}
    real_run = HighsModel.run

    def late_run(self, *args, **kwargs):
        out = real_run(self, *args, **kwargs)
        shift["s"] = 100.0
        return out

    clock = types.SimpleNamespace(perf_counter=lambda: time.perf_counter() + shift["s"])
    monkeypatch.setattr(solve_module, "time", clock)
    monkeypatch.setattr(HighsModel, "run", late_run)
    scenario = load("teaching/pooling-tiers")
    assert scenario.settings.objective == "needs_first"
    solution = aggregate.solve(scenario, time_limit=30.0)
    assert solution.status.has_plan
    assert solution.message.count("past its 30 s time limit") == 1, solution.message
    assert aggregate.verify(scenario, solution).ok
