"""Output options are checked before any solve, and writes leave nothing half-written.

Every command with an output path refuses one it cannot write (a file where a folder is
wanted, no permission, an unknown format) with exit code 2 and no traceback, before it
solves; a full disk is one line; a killed export leaves only complete files; text that a
spreadsheet would run as a formula is written as text.
"""

from __future__ import annotations

import errno
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from aggregate import export
from aggregate.cli import app
from aggregate.io import exports
from aggregate.result import Solution, SolveStatus

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "models" / "teaching" / "pooling-tiers" / "scenario.yaml"
runner = CliRunner(env={"COLUMNS": "400"})  # usage errors in one line, not a wrapped box


@pytest.fixture
def no_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any command gets as far as solving."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("solved although an option was bad")

    # import_module: the package's own names hide some modules (aggregate.solve is a function)
    monkeypatch.setattr(importlib.import_module("aggregate.solve"), "solve", refuse)
    monkeypatch.setattr(importlib.import_module("aggregate.baseline"), "compare", refuse)
    coalitions = importlib.import_module("aggregate.games.coalitions")
    monkeypatch.setattr(coalitions.CoalitionGame, "grand_plan", refuse)


def _refused(result: Any, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    text = " ".join(result.output.split())  # rich wraps the usage error's box
    for word in words:
        assert word in text, (word, result.output)


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# ----------------------------------------------------------------- --out checked up front


@pytest.mark.usefixtures("no_solve")
def test_solve_out_that_is_a_file_is_refused_before_solving(tmp_path: Path) -> None:
    target = tmp_path / "plan"
    target.write_text("keep me")
    result = runner.invoke(app, ["solve", str(SCENARIO), "--out", str(target)])
    _refused(result, "--out", "is a file, not a folder")
    assert target.read_text() == "keep me"
    assert _listing(tmp_path) == ["plan"]


@pytest.mark.usefixtures("no_solve")
def test_out_below_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = runner.invoke(app, ["solve", str(SCENARIO), "--out", str(tmp_path / "file" / "p")])
    _refused(result, "--out", "is a file, not a folder")
    assert _listing(tmp_path) == ["file"]


@pytest.mark.usefixtures("no_solve")
def test_unwritable_out_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # tests may run as root, for whom no permission bit refuses: pretend the folder refuses
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == locked else real(p, mode))
    result = runner.invoke(app, ["solve", str(SCENARIO), "--out", str(locked / "plan")])
    _refused(result, "--out", "no permission")
    assert _listing(tmp_path) == ["locked"]


@pytest.mark.usefixtures("no_solve")
def test_unknown_format_lists_the_known_ones(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["solve", str(SCENARIO), "--out", str(tmp_path / "p"), "--formats", "xlsx,csv"]
    )
    _refused(result, "--formats", "csv", "xlsx, parquet, json")
    assert _listing(tmp_path) == []


@pytest.mark.usefixtures("no_solve")
def test_parquet_without_pyarrow_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "parquet_available", lambda: False)
    result = runner.invoke(
        app, ["solve", str(SCENARIO), "--out", str(tmp_path / "p"), "--formats", "parquet"]
    )
    _refused(result, "--formats", "pyarrow", "pip install")
    assert _listing(tmp_path) == []


@pytest.mark.usefixtures("no_solve")
@pytest.mark.parametrize(
    "command",
    [
        ["explain", str(SCENARIO), "--out", "{file}"],
        ["plot", str(SCENARIO), "--out", "{file}"],
        ["schema", "--out", "{folder}"],
        ["template", "{folder}"],
        ["share", str(SCENARIO), "--plot", "{folder}"],
        ["study", "missing-study.yaml", "--out", "{folder}"],
    ],
    ids=["explain", "plot", "schema", "template", "share", "study"],
)
def test_every_output_option_is_checked_first(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "file").write_text("keep me")
    (tmp_path / "folder.xlsx").mkdir()
    names = {"file": str(tmp_path / "file"), "folder": str(tmp_path / "folder.xlsx")}
    result = runner.invoke(app, [part.format(**names) for part in command])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "is a file" in result.output or "is a folder" in result.output
    assert (tmp_path / "file").read_text() == "keep me"
    assert _listing(tmp_path) == ["file", "folder.xlsx"]


# ----------------------------------------------------------------- options range-checked


@pytest.mark.usefixtures("no_solve")
@pytest.mark.parametrize(
    "args",
    [
        ["solve", str(SCENARIO), "--threads", "100000"],
        ["solve", str(SCENARIO), "--threads", "0"],
        ["solve", str(SCENARIO), "--time-limit", "-1"],
        ["solve", str(SCENARIO), "--time-limit", "nan"],
        ["solve", str(SCENARIO), "--time-limit", "inf"],
        ["solve", str(SCENARIO), "--gap", "2"],
        ["solve", str(SCENARIO), "--gap", "nan"],
        ["explain", str(SCENARIO), "--top", "0"],
        ["explain", str(SCENARIO), "--threads", "5000"],
        ["explain", str(SCENARIO), "--time-limit", "0"],
        ["share", str(SCENARIO), "--samples", "1"],
        ["share", str(SCENARIO), "--workers", "0"],
        ["share", str(SCENARIO), "--time-limit", "-5"],
        ["share", str(SCENARIO), "--rule", "fairest"],
        ["plot", str(SCENARIO), "--dpi", "0"],
        ["plot", str(SCENARIO), "--time-limit", "nan"],
        ["study", "missing.yaml", "--workers", "0"],
        ["study", "missing.yaml", "--connect-timeout", "-1"],
    ],
    ids=lambda args: " ".join(args[:1] + args[2:]),
)
def test_out_of_range_options_are_usage_errors(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "Invalid value" in result.output


# ---------------------------------------------------------------------- failed writes


def _solution(text: str = "FR") -> Solution:
    return Solution(
        scenario_name="s",
        status=SolveStatus.OPTIMAL,
        pooled=True,
        objective="needs_first",
        message="",
        periods=["2025"],
        gap=0.0,
        timings={"total": 0.1},
        key_figures={"total_cost": 10.0},
        tables={
            "orders": pd.DataFrame(
                {"nation": [text, "-x", "+1", "@sum(A1)", "plain"], "quantity": [1, 2, 3, 4, 5]}
            )
        },
    )


def test_full_disk_is_one_line_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(solution: Solution, path: Path) -> None:
        path.write_text("partial")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(exports, "_write_json", full)
    out = tmp_path / "plan"
    result = runner.invoke(app, ["solve", str(SCENARIO), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if "No space left" in line]
    assert len(lines) == 1 and lines[0].startswith(f"cannot write into {out}")
    assert _listing(tmp_path) == ["plan"]  # the folder, with not even the workbook in it
    assert _listing(out) == []


def test_failed_export_keeps_the_earlier_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export.write_solution(_solution("old"), tmp_path / "plan")
    before = (tmp_path / "plan" / "solution.json").read_text()

    def broken(table: Any) -> Any:
        def write(path: Path) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        return write

    monkeypatch.setattr(exports, "_parquet_writer", broken)
    with pytest.raises(OSError):
        export.write_solution(_solution("new"), tmp_path / "plan", ["json", "parquet"])
    assert (tmp_path / "plan" / "solution.json").read_text() == before
    assert _listing(tmp_path) == ["plan", "plan/solution.json", "plan/solution.xlsx"]


_SLOW_EXPORT = """
import sys, time
from pathlib import Path
from aggregate import export
from aggregate.io import exports
from tests.test_outputs import _solution

def slow(solution, path):
    path.write_text('{"partial": ')  # half a file, then stall until killed
    Path(sys.argv[2]).write_text("ready")
    time.sleep(120)

exports._write_json = slow
export.write_solution(_solution(), sys.argv[1], ["xlsx", "parquet", "json"])
"""


def test_killed_export_leaves_no_debris(tmp_path: Path) -> None:
    out = tmp_path / "results" / "plan"
    out.mkdir(parents=True)
    (out / "notes.txt").write_text("mine")
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_EXPORT, str(out), str(ready)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert proc.poll() is None, "the export ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        proc.kill()
    # killed mid-write: the user's folder holds what it held, nothing partial or hidden
    assert _listing(out) == ["notes.txt"]
    assert [p.name for p in (tmp_path / "results").iterdir() if p.name != "plan"] != []
    written = export.write_solution(_solution(), out, ["xlsx", "json"])
    assert sorted(p.name for p in written) == ["solution.json", "solution.xlsx"]
    assert json.loads((out / "solution.json").read_text())["scenario"] == "s"
    # the next export removed the staging folder the killed one left beside the target
    assert _listing(tmp_path / "results") == [
        "plan", "plan/notes.txt", "plan/solution.json", "plan/solution.xlsx"
    ]  # fmt: skip


def test_export_of_a_new_folder_leaves_only_it(tmp_path: Path) -> None:
    written = export.write_solution(_solution(), tmp_path / "a" / "b", export.FORMATS)
    assert all(p.is_file() for p in written)
    assert _listing(tmp_path) == [
        "a", "a/b", "a/b/parquet", "a/b/parquet/key_figures.parquet",
        "a/b/parquet/orders.parquet", "a/b/solution.json", "a/b/solution.xlsx",
    ]  # fmt: skip


# ------------------------------------------------------------------------- formula text


def test_formula_like_text_is_written_as_text(tmp_path: Path) -> None:
    text = '=HYPERLINK("http://example.invalid","x")'
    export.write_solution(_solution(text), tmp_path, ["xlsx"])
    book = openpyxl.load_workbook(tmp_path / "solution.xlsx")
    cells = {c.value: c for row in book["orders"].iter_rows(min_col=1, max_col=1) for c in row}
    for value in (text, "-x", "+1", "@sum(A1)", "plain"):
        assert cells[value].data_type == "s", value
    assert cells[text].quotePrefix and cells["-x"].quotePrefix
    assert not cells["plain"].quotePrefix
    # numbers stay numbers
    assert [c.value for c in book["orders"]["B"][1:]] == [1, 2, 3, 4, 5]


def test_solved_tables_follow_their_typed_spec(tmp_path: Path) -> None:
    """Every table has its spec's columns in order, numbers where the spec says numbers and
    labels elsewhere; read back from JSON, it still does (an all-NaN column stays numeric)."""
    import aggregate
    from aggregate.tables import SPECS, TABLES

    assert {name: spec.names for name, spec in SPECS.items()} == {
        name: list(columns) for name, columns in TABLES.items()
    }
    solution = aggregate.solve(aggregate.load(SCENARIO))
    export.write_solution(solution, tmp_path, ["json"])
    back = export.read_solution_json(tmp_path / "solution.json")
    for plan in (solution, back):
        assert set(plan.tables) == set(SPECS)
        for name, spec in SPECS.items():
            frame = plan.tables[name]
            assert list(frame.columns) == spec.names, name
            for column in spec.numeric:
                assert pd.api.types.is_numeric_dtype(frame[column]), (name, column)
            for column in spec.text:
                values = frame[column].dropna()
                assert all(isinstance(v, str) for v in values), (name, column)
