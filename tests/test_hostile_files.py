"""Hostile and damaged scenario files: a clear error, exit code 2, nothing written.

Every case goes through the command line (``aggregate validate`` and ``aggregate solve``,
in-process) and asserts the contract: exit code 2, no traceback, the file named, what is
wrong and how to fix it, and no output left behind. Small text files live in
``tests/hostile/``; damaged workbooks are made here from a valid one.
"""

from __future__ import annotations

import json
import os
import socket
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner, Result

from aggregate.cli import EXIT_INVALID, app
from aggregate.errors import ScenarioError
from aggregate.io import files as files_io
from aggregate.io import load, parse_yaml, save, write_excel
from aggregate.io.cells import guard_formula_text, is_formula_like
from aggregate.validation import validate
from tests.support import tiny_raw

HOSTILE = Path(__file__).parent / "hostile"
runner = CliRunner()


def refused(tmp_path: Path, file: Path, *words: str) -> str:
    """Run ``validate`` and ``solve -o`` on ``file``: exit 2, no traceback, nothing written.

    Returns the output of ``validate``, which names the file and holds every word given.
    """
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "plan-out"
    results: list[Result] = [
        runner.invoke(app, ["validate", str(file)]),
        runner.invoke(app, ["solve", str(file), "-o", str(out)]),
    ]
    for result in results:
        assert result.exit_code == EXIT_INVALID, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        assert "Traceback" not in result.output
    text = results[0].output
    assert str(file) in text
    assert "Fix:" in text
    for word in words:
        assert word in text, f"{word!r} not in:\n{text}"
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    return text


def scenario_file(tmp_path: Path, raw: dict[str, Any], name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(params=["libyaml", "python"])
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "python":
        monkeypatch.setattr(files_io, "SafeScenarioLoader", files_io.PySafeScenarioLoader)
    elif files_io.SafeScenarioLoader is files_io.PySafeScenarioLoader:
        pytest.skip("PyYAML is built without libyaml")
    return str(request.param)


# ------------------------------------------------------------------------------ YAML tags


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("tag-bool.yaml", ["line 1, column 7", "'maybe' is not a valid !!bool", "remove the tag"]),
        ("tag-int-empty.yaml", ["line 2", "'' is not a valid !!int", "remove the tag"]),
        ("tag-timestamp.yaml", ["line 1", "!!timestamp is not allowed", "remove the tag"]),
        ("tag-binary.yaml", ["line 2", "!!binary is not allowed", "plain data only"]),
        ("tag-python.yaml", ["line 1", "!!python/object/apply", "not allowed"]),
    ],
)
def test_explicit_tags_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, words: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # a tag that ran a program would leave PWNED here
    file = tmp_path / name
    file.write_bytes((HOSTILE / name).read_bytes())
    refused(tmp_path, file, *words)


@pytest.mark.parametrize(
    "text",
    [
        "a: !!bool maybe",
        "a: [!!int '']",
        "a: !!timestamp 2024-01-01-x",
        "a: !!float x",
        "a: !!int 0x",
        "a: !!null x",
        "a: !!str [1]",
        "a: !!map [1]",
        "a: !!seq {b: 1}",
        "a: !!set {b: 1}",
        "a: !!omap [b: 1]",
        "a: !!merge x",
        "a: !local x",
        "a: !<tag:example.com,2000:x> x",
        "{<<: 1}",
    ],
)
def test_every_tag_is_handled_by_both_parsers(yaml_parser: str, text: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_yaml(text, "t.yaml")
    (problem,) = info.value.problems
    assert info.value.file == "t.yaml"
    assert "line 1" in problem.message
    assert problem.fix


def test_plain_data_tags_that_fit_are_kept(yaml_parser: str) -> None:
    text = "a: !!int 3\nb: !!float 2\nc: !!str 2024\nd: !!bool true\ne: !!null ~\nf: !!seq [1]\n"
    assert parse_yaml(text) == {"a": 3, "b": 2.0, "c": "2024", "d": True, "e": None, "f": [1]}


def test_deep_nesting_names_line_and_fix(tmp_path: Path) -> None:
    file = tmp_path / "deep.yaml"
    file.write_text("a: " + "[" * 10_000 + "]" * 10_000 + "\n")
    refused(tmp_path, file, "line 1", "nesting deeper", "check the brackets")


# ------------------------------------------------------------------------- special files


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    start = time.perf_counter()
    refused(tmp_path, fifo, "not a regular file", "save the scenario to a file")
    assert time.perf_counter() - start < 30


def test_link_to_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    refused(tmp_path, link, "not a regular file")


def test_device_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "/dev/urandom"])
    assert result.exit_code == EXIT_INVALID
    assert "/dev/urandom" in result.output
    assert "Fix:" in result.output


def test_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    if len(str(path)) > 100:  # AF_UNIX paths are short
        pytest.skip("temporary path too long for a socket")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        refused(tmp_path, path, "not a regular file")


# ------------------------------------------------------------------------- workbooks

DEMANDS_PART = "xl/worksheets/sheet6.xml"
"""The demands sheet of a workbook written by ``write_excel`` (README is sheet 1)."""


def damaged(tmp_path: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A workbook of the tiny scenario with each part passed through ``change``."""
    good = tmp_path / "good.xlsx"
    write_excel(validate(tiny_raw()), good)
    with zipfile.ZipFile(good) as archive:
        assert b"UKR" in archive.read(DEMANDS_PART)  # the part is the demands sheet
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    good.unlink()
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            changed = change(name, data)
            if changed is not None:
                archive.writestr(name, changed)
    return bad


def _in_demands(fn: Callable[[bytes], bytes | None]) -> Callable[[str, bytes], bytes | None]:
    return lambda name, data: fn(data) if name == DEMANDS_PART else data


_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(b'<!ENTITY %c "%s">' % (98 + i, b"&%c;" % (97 + i) * 10) for i in range(9))
    + b"]>"
)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_in_demands(lambda d: None), ["sheet 'demands'", "data is missing", "damaged"]),
        (_in_demands(lambda d: d[: len(d) // 2]), ["sheet 'demands'", "cannot be read"]),
        (
            _in_demands(
                lambda d: (
                    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e "UKR">]>'
                    + d.replace(b">UKR<", b">&e;<")
                )
            ),
            ["sheet6.xml", "DTD", "save it again"],
        ),
        (_in_demands(lambda d: _BOMB + d.replace(b">UKR<", b">&j;<")), ["DTD"]),
        (
            _in_demands(
                lambda d: (
                    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM '
                    b'"file:///etc/passwd">]>' + d.replace(b">UKR<", b">&e;<")
                )
            ),
            ["DTD"],
        ),
        (_in_demands(lambda d: b"\x00\xff not xml"), ["cannot open the workbook"]),
        (
            lambda name, d: d[:100] if name == "xl/workbook.xml" else d,
            ["cannot open the workbook"],
        ),
    ],
    ids=["missing", "truncated", "entity", "bomb", "external-entity", "garbage", "workbook"],
)
def test_damaged_workbook_is_refused(
    tmp_path: Path, change: Callable[[str, bytes], bytes | None], words: list[str]
) -> None:
    refused(tmp_path, damaged(tmp_path, change), *words)


def test_workbook_with_bad_checksum_is_refused(tmp_path: Path) -> None:
    file = damaged(tmp_path, lambda name, data: data)
    raw = bytearray(file.read_bytes())
    with zipfile.ZipFile(file) as archive:
        info = archive.getinfo(DEMANDS_PART)
    # a byte in the middle of the demands part's compressed data
    offset = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    raw[offset] ^= 0xFF
    file.write_bytes(bytes(raw))
    refused(tmp_path, file, "damaged")


# ------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda r: r["demands"][0].update(quantity=9.2e18),
            ["demands[UKR-2025Q2], field 'quantity'", "at or below the bound"],
        ),
        (
            lambda r: r["demands"][0].update(priority=1e-9),
            ["demands[UKR-2025Q2], field 'priority'", "at or above the bound"],
        ),
        (
            lambda r: r["producers"][0]["offers"][0].update(capacity=1e29),
            ["producers[RHM].offers[155-L52], field 'capacity'", "at or below the bound"],
        ),
        (
            lambda r: r["producers"][0]["offers"][0].update(price=1e14),
            ["producers[RHM].offers[155-L52], field 'price'", "at or below the bound"],
        ),
        (
            lambda r: r["demands"][0].update(quantity=1e-5),
            ["demands[UKR-2025Q2], field 'quantity'", "the quantities span", "set it to 0"],
        ),
    ],
    ids=["huge-demand", "tiny-priority", "huge-capacity", "huge-price", "spread"],
)
def test_numbers_the_solver_cannot_resolve_are_refused(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], words: list[str]
) -> None:
    raw = tiny_raw()
    assert raw["demands"][0]["id"] == "UKR-2025Q2"
    change(raw)
    refused(tmp_path, scenario_file(tmp_path, raw), *words)


def test_periods_out_of_order_are_refused(tmp_path: Path) -> None:
    raw = tiny_raw()
    raw["periods"] = ["2025Q1", "2025Q3", "2025Q2", "2025Q4"]
    refused(
        tmp_path,
        scenario_file(tmp_path, raw),
        "scenario, field 'periods'",
        "'2025Q2' after '2025Q3'",
        "list them in time order: 2025Q1, 2025Q2, 2025Q3, 2025Q4",
    )


def test_periods_of_unknown_shape_keep_their_order() -> None:
    raw = tiny_raw()
    text = json.dumps(raw)
    for old, new in zip(raw["periods"], ["spring", "summer", "autumn", "winter"], strict=True):
        text = text.replace(f'"{old}"', f'"{new}"')
    assert validate(json.loads(text)).periods == ["spring", "summer", "autumn", "winter"]


# ------------------------------------------------------------------------- long values


def test_long_values_are_shortened_in_messages(tmp_path: Path) -> None:
    raw = tiny_raw()
    raw["demands"][0]["id"] = "D" * 10_000
    raw["demands"][1]["nation"] = "X" * 10_000
    raw["producers"][0]["offers"][0]["delivery_cost_to"] = {"Z" * 10_000: 1.0}
    text = refused(tmp_path, scenario_file(tmp_path, raw), "field 'id'", "...")
    assert max(len(line) for line in text.splitlines()) < 600, text


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_million_digit_number_is_refused_briefly(tmp_path: Path, suffix: str) -> None:
    raw = tiny_raw()
    raw["demands"][0]["quantity"] = 0
    text = json.dumps(raw).replace('"quantity": 0', '"quantity": ' + "7" * 1_000_000, 1)
    file = tmp_path / f"digits{suffix}"
    file.write_text(text)  # JSON is YAML too
    out = refused(tmp_path, file, "file")
    assert max(len(line) for line in out.splitlines()) < 600, out


# ------------------------------------------------------------------------- alias guard


def test_large_plain_file_passes_the_alias_guard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard counts only the values aliases add: a file with many more values than
    the limit, but no aliases, loads; one alias over the limit is refused."""
    file = save(validate(tiny_raw()), tmp_path / "plain.yaml")
    monkeypatch.setattr(files_io, "MAX_NODES", 50)
    assert load(file).name == "tiny"
    text = "base: &b [" + ", ".join(["1"] * 60) + "]\ncopy: *b\n"
    with pytest.raises(ScenarioError, match="expands to more than 50 values"):
        parse_yaml(text)


@pytest.mark.slow
def test_large_generated_scenario_loads(tmp_path: Path) -> None:
    from benchmarks.generator import generate

    scenario = generate("XL", "lp")
    file = save(scenario, tmp_path / "xl.yaml")
    assert file.stat().st_size > 2**20
    assert load(file) == scenario


# ------------------------------------------------------------------------- formulas


def test_formula_like_text_stays_text_in_workbooks(tmp_path: Path) -> None:
    raw = json.loads(json.dumps(tiny_raw()).replace('"2025Q1"', '"=A1"'))
    raw["nations"][0]["name"] = "=1+1"
    raw["items"][0]["name"] = "@SUM(A1)"
    raw["description"] = "-2+3"
    scenario = validate(raw)
    file = write_excel(scenario, tmp_path / "f.xlsx")
    assert load(file) == scenario
    workbook = openpyxl.load_workbook(file)
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    risky = [c for c in cells if is_formula_like(c.value)]
    assert {"=1+1", "@SUM(A1)", "-2+3"} <= {c.value for c in risky}
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)


def test_formula_helper() -> None:
    assert all(is_formula_like(t) for t in ("=A1", "+1", "-1", "@x", "\tx", "\rx"))
    assert not any(is_formula_like(v) for v in ("A=1", "", 1, None, -1.0))
    ws = openpyxl.Workbook().active
    ws.append(["=HYPERLINK(1)", "plain", 3])
    guard_formula_text(ws[1])
    assert [c.data_type for c in ws[1]] == ["s", "s", "n"]
