"""Property: whatever is wrong with the input, validation ends in a Scenario or a ScenarioError.

Starting from the tiny valid scenario, a few random mutations (a wrong type, None, a negative
or non-finite or huge number, an empty container, a deleted key or entity, an unknown key,
a dangling reference, a duplicated entity) must never surface as a KeyError, TypeError or
any other exception, in Pydantic's stage or in the consistency checks.
"""

from __future__ import annotations

import copy
import io
import json
import random
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from aggregate.cli import EXIT_INVALID, app
from aggregate.errors import ScenarioError
from aggregate.io import write_excel
from aggregate.schema import Scenario
from aggregate.validation import validate
from tests.support import tiny_raw

KeyPath = tuple[str | int, ...]

BAD_VALUES = st.one_of(
    st.sampled_from(
        [
            None,
            -1,
            -1e9,
            0,
            0.5,
            float("nan"),
            float("inf"),
            float("-inf"),
            1e308,
            -1e308,
            10**400,
            2**63,
            True,
            "",
            "lots",
            "2025Q9",
            "XXX",
            [],
            {},
            [None],
            {"x": 1},
            {"2025Q1": -1},
            {2025: 5},
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.text(max_size=5),
)
"""Values of the wrong type, sign, size or shape (and a few right ones)."""

DANGLING = st.sampled_from(["XXX", "NOPE", "2030Q1", "155-XX", "ukr", ""])
"""Ids that nothing defines (and malformed ones)."""


def _paths(node: Any, prefix: KeyPath = ()) -> list[KeyPath]:
    """Every path below ``node`` (dict keys and list indices), depth first."""
    out: list[KeyPath] = []
    if isinstance(node, dict):
        children: list[tuple[str | int, Any]] = list(node.items())
    elif isinstance(node, list):
        children = list(enumerate(node))
    else:
        return out
    for key, child in children:
        out.append((*prefix, key))
        out.extend(_paths(child, (*prefix, key)))
    return out


def _get(raw: Any, path: KeyPath) -> Any:
    for key in path:
        raw = raw[key]
    return raw


def _containers(raw: Any, kind: type) -> list[KeyPath]:
    return [p for p in [(), *_paths(raw)] if isinstance(_get(raw, p), kind)]


def _bad_value(data: st.DataObject) -> Any:
    # a fresh copy: the sampled containers are shared between examples
    return copy.deepcopy(data.draw(BAD_VALUES, label="value"))


def _mutate(raw: dict[str, Any], data: st.DataObject) -> None:
    """Apply one random mutation to ``raw`` in place."""
    kind = data.draw(
        st.sampled_from(["set", "delete", "unknown_key", "dangling", "drop_entity", "duplicate"]),
        label="mutation",
    )
    if kind == "set":
        path = data.draw(st.sampled_from(_paths(raw)), label="path")
        _get(raw, path[:-1])[path[-1]] = _bad_value(data)
    elif kind == "delete":
        path = data.draw(st.sampled_from(_paths(raw)), label="path")
        del _get(raw, path[:-1])[path[-1]]
    elif kind == "unknown_key":
        path = data.draw(st.sampled_from(_containers(raw, dict)), label="mapping")
        key = data.draw(st.sampled_from(["capcity", "extra", "id2", "2026Q1"]), label="key")
        _get(raw, path)[key] = _bad_value(data)
    elif kind == "dangling":
        texts = [p for p in _paths(raw) if isinstance(_get(raw, p), str)]
        path = data.draw(st.sampled_from(texts), label="path")
        _get(raw, path[:-1])[path[-1]] = data.draw(DANGLING, label="id")
    else:
        lists = [p for p in _containers(raw, list) if _get(raw, p)]
        if not lists:
            return
        path = data.draw(st.sampled_from(lists), label="list")
        entries = _get(raw, path)
        index = data.draw(st.integers(0, len(entries) - 1), label="index")
        if kind == "drop_entity":
            del entries[index]
        else:
            entries.append(copy.deepcopy(entries[index]))


@settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data(), count=st.integers(1, 4))
def test_validation_never_crashes(data: st.DataObject, count: int) -> None:
    raw = tiny_raw()
    for _ in range(count):
        if not raw:
            break
        _mutate(raw, data)
    try:
        result = validate(raw)
    except ScenarioError as err:
        assert err.problems
        text = str(err)
        assert all(p.entry and p.message for p in err.problems), text
    else:
        assert isinstance(result, Scenario)


def test_mutations_reach_the_checks() -> None:
    """Guard the property's reach: dangling ids pass Pydantic and are caught by the checks."""
    raw = tiny_raw()
    raw["demands"][0]["capability"] = "155-XX"
    try:
        validate(raw)
    except ScenarioError as err:
        assert [p.check for p in err.problems] == ["demand_references"]
    else:
        raise AssertionError("a dangling capability id passed validation")


# ------------------------------------------------------------------ the command line, fuzzed
#
# The acceptance test of issue #11: ``aggregate validate`` on thousands of mutated library
# scenarios (text-level: tags, huge numbers, unicode, truncation, duplicate keys, deleted or
# repeated lines, swapped types, deep nesting, random bytes, aliases; data-level: a value of
# the wrong type or size; and damaged workbooks) ends with exit code 0 or 2, never a
# traceback. Seeded, so a failure names a mutation that can be replayed.

MODELS = Path(__file__).parent.parent / "models"

_TAGS = [
    "!!bool",
    "!!int",
    "!!float",
    "!!str",
    "!!null",
    "!!seq",
    "!!map",
    "!!binary",
    "!!timestamp",
    "!!set",
    "!!omap",
    "!!merge",
    "!!python/object/apply:os.system",
    "!!python/name:os.system",
    "!local",
    "!<tag:example.com,2000:x>",
]
_NUMBERS = [
    "9.2e18",
    "1e29",
    "1e-9",
    "1e400",
    "-1e400",
    ".nan",
    ".inf",
    "-0",
    "0x1F",
    "1_000",
    "7" * 5000,
    "1e9",
    "1e13",
    "0.001",
    "-5",
]
_VALUES = ["[]", "{}", "''", "~", "true", "[[[]]]", "{a: {b: c}}", "*nope", "&a x", "'=1+1'"]
_UNICODE = ["\u202e", "\u200b", "\ufeff", "é", "😀", "\x00", "\x85", "\u2028", "𝟙", "\t"]


def _library() -> list[tuple[str, str]]:
    """(name, YAML text) of every library scenario and the tiny test scenario."""
    texts = [(str(p.relative_to(MODELS)), p.read_text()) for p in sorted(MODELS.rglob("*.yaml"))]
    return [*texts, ("tiny", yaml.safe_dump(tiny_raw(), sort_keys=False))]


def _text_mutation(rng: random.Random, text: str) -> tuple[str, str | bytes]:
    lines = text.splitlines(keepends=True) or [""]
    i = rng.randrange(len(lines))
    line = lines[i]
    kind = rng.choice(
        [
            "tag", "number", "value", "unicode", "truncate", "duplicate_key", "delete_line",
            "repeat_line", "swap_lines", "deep", "bytes", "indent", "alias", "long_text",
        ]
    )  # fmt: skip
    head, colon, value = line.partition(": ")
    if kind == "tag" and colon:
        lines[i] = f"{head}: {rng.choice(_TAGS)} {value}"
    elif kind == "number" and colon:
        lines[i] = f"{head}: {rng.choice(_NUMBERS)}\n"
    elif kind == "value" and colon:
        lines[i] = f"{head}: {rng.choice(_VALUES)}\n"
    elif kind == "unicode":
        at = rng.randrange(len(line) + 1)
        lines[i] = line[:at] + rng.choice(_UNICODE) + line[at:]
    elif kind == "truncate":
        return kind, text[: rng.randrange(len(text) + 1)]
    elif kind == "duplicate_key" and colon:
        lines.insert(i, line)
    elif kind == "delete_line":
        del lines[i]
    elif kind == "repeat_line":
        lines.insert(rng.randrange(len(lines) + 1), line)
    elif kind == "swap_lines":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "deep" and colon:
        depth = rng.choice([10, 63, 65, 200, 5000])
        lines[i] = f"{head}: {'[' * depth}{']' * depth}\n"
    elif kind == "bytes":
        data = bytearray(text.encode())
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return kind, bytes(data)
    elif kind == "indent":
        lines[i] = " " * rng.randint(1, 5) + line
    elif kind == "alias" and colon:
        lines[i] = f"{head}: &x{i} {value}"
        lines.insert(rng.randrange(i + 1, len(lines) + 1), f"{head}_copy: *x{i}\n")
    elif kind == "long_text" and colon:
        lines[i] = f"{head}: {rng.choice('Xé=9') * rng.choice([100, 10_000])}\n"
    return kind, "".join(lines)


def _data_mutation(rng: random.Random, text: str) -> tuple[str, str]:
    raw = yaml.safe_load(text)
    paths = _paths(raw)
    for _ in range(rng.randint(1, 3)):
        if not paths:
            break
        path = rng.choice(paths)
        try:
            parent = _get(raw, path[:-1])
            if rng.random() < 0.2:
                del parent[path[-1]]
            else:
                parent[path[-1]] = copy.deepcopy(
                    rng.choice([None, -1, 1e300, 2**70, "", "x" * 300, [], {}, True, 1e-12])
                )
        except (KeyError, IndexError, TypeError):
            continue
        paths = _paths(raw)
    return "data", json.dumps(raw, allow_nan=True, default=str)


def _xlsx_mutation(rng: random.Random, workbook: bytes) -> tuple[str, bytes]:
    source = zipfile.ZipFile(io.BytesIO(workbook))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    name = rng.choice(sorted(parts))
    kind = rng.choice(["drop", "truncate", "bytes", "cell", "zip_bytes"])
    if kind == "drop":
        del parts[name]
    elif kind == "truncate":
        parts[name] = parts[name][: rng.randrange(len(parts[name]) + 1)]
    elif kind == "bytes":
        flipped = bytearray(parts[name])
        for _ in range(rng.randint(1, 4)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        parts[name] = bytes(flipped)
    elif kind == "cell":
        sheets = [n for n in parts if n.startswith("xl/worksheets/sheet")]
        name = rng.choice(sheets)
        texts = re.findall(rb"<t>([^<]*)</t>", parts[name])
        if texts:
            new = rng.choice([b"=1+1", b"1e400", b"-5", b"", b"x" * 5000, b"2025Q9", b"TRUE"])
            parts[name] = parts[name].replace(
                b"<t>" + rng.choice(texts) + b"</t>", b"<t>" + new + b"</t>", 1
            )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    data = out.getvalue()
    if kind == "zip_bytes":
        mutable = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            mutable[rng.randrange(len(mutable))] = rng.randrange(256)
        data = bytes(mutable)
    return f"xlsx-{kind}:{name}", data


def _fuzz_cli(tmp_path: Path, count: int, xlsx_count: int, seed: int) -> None:
    rng = random.Random(seed)
    library = _library()
    workbook_path = write_excel(validate(tiny_raw()), tmp_path / "base.xlsx")
    workbook = workbook_path.read_bytes()
    runner = CliRunner()
    failures: list[str] = []
    for n in range(count + xlsx_count):
        if n < count:
            source, text = rng.choice(library)
            if rng.random() < 0.8:
                kind, mutated = _text_mutation(rng, text)
                suffix = rng.choice([".yaml", ".yaml", ".yml", ".json"])
            else:
                kind, mutated = _data_mutation(rng, text)
                suffix = rng.choice([".yaml", ".json"])
        else:
            source, suffix = "tiny.xlsx", ".xlsx"
            kind, mutated = _xlsx_mutation(rng, workbook)
        path = tmp_path / f"m{suffix}"
        if isinstance(mutated, str):
            path.write_text(mutated, encoding="utf-8", errors="surrogatepass")
        else:
            path.write_bytes(mutated)
        result = runner.invoke(app, ["validate", str(path)])
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        if crashed or result.exit_code not in (0, EXIT_INVALID):
            failures.append(
                f"#{n} {source} {kind}{suffix}: exit {result.exit_code} {result.exception!r}"
            )
    assert not failures, f"{len(failures)} of {count + xlsx_count} crashed:\n" + "\n".join(
        failures[:20]
    )


def test_cli_validate_survives_mutations(tmp_path: Path) -> None:
    """2,000 text- and data-level mutations and 100 damaged workbooks: exit 0 or 2 only."""
    _fuzz_cli(tmp_path, count=2000, xlsx_count=100, seed=11)


@pytest.mark.long
def test_cli_validate_survives_many_mutations(tmp_path: Path) -> None:
    _fuzz_cli(tmp_path, count=10_000, xlsx_count=500, seed=12)
