"""The documentation site cannot rot: it builds with zero warnings, its examples run, its
scenario snippets validate, and the first tutorial's files give the numbers it states.

Conventions of the pages (docs/*.md, docs/*/*.md), checked here:

* every ```` ```python ```` block runs, the blocks of a page in order in one namespace, in a
  temporary folder where ``docs/``, ``models/`` and ``notebooks/`` are the repository's (so
  the pages use the paths a reader in the repository types). A block whose first line is
  ``# not run: <why>`` is skipped (none is at the time of writing);
* a ```` ```yaml ```` block whose first line starts ``# scenario`` is a whole scenario; one
  starting ``# snippet`` is added to the first tutorial's scenario (its lists appended to
  the scenario's, other values set). Either validates, solves to a verified plan and meets
  every demand; other YAML blocks (parts of a file being explained, study files) are not
  checked on their own;
* ``--8<-- "path"`` inside a block shows a repository file as it is (pymdownx.snippets);
* the first tutorial's table after ``<!-- tutorial-figures`` states key figures of the plan
  (``plan.key_figures``) and of the comparison with going alone (``compare(...).totals``).
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

import aggregate

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
TUTORIAL = DOCS / "tutorials" / "first-scenario"
PAGES = sorted(p for p in DOCS.rglob("*.md"))
BLOCK = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.S | re.M)
INCLUDE = re.compile(r'^--8<-- "([^"]+)"\s*$', re.M)


def _blocks(page: Path, language: str) -> list[str]:
    text = page.read_text(encoding="utf-8")
    found = [body for lang, body in BLOCK.findall(text) if lang == language]
    # a block showing a file (--8<-- "path") holds that file
    return [
        INCLUDE.sub(lambda m: (ROOT / m.group(1)).read_text(encoding="utf-8"), b) for b in found
    ]


def _page_id(page: Path) -> str:
    return str(page.relative_to(DOCS))


@pytest.mark.slow
def test_site_builds_with_zero_warnings(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            "mkdocs.yml",
            "-d",
            str(tmp_path / "site"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = run.stdout + run.stderr
    warnings = [line for line in output.splitlines() if "WARNING" in line]
    assert run.returncode == 0, output
    assert warnings == [], "\n".join(warnings)
    site = tmp_path / "site"
    for page in (
        "index",
        "guide/scenario-format",
        "guide/tables",
        "guide/cli",
        "api",
        "notebooks/quickstart",
        "tutorials/first-scenario",
        "model",
        "changelog",
    ):
        assert (site / f"{page}.html").exists(), page
    # the generated pages hold what the code declares: a field, a table column, a command
    assert "max_procurement_share" in (site / "guide" / "scenario-format.html").read_text()
    assert "unspent_fund_balance" in (site / "guide" / "tables.html").read_text()
    assert "aggregate solve" in (site / "guide" / "cli.html").read_text()


PYTHON_PAGES = [p for p in PAGES if _blocks(p, "python")]


@pytest.mark.slow
@pytest.mark.parametrize("page", PYTHON_PAGES, ids=_page_id)
def test_python_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("docs", "models", "notebooks"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    for number, code in enumerate(_blocks(page, "python"), start=1):
        if code.startswith("# not run:"):
            continue
        try:
            exec(compile(code, f"{_page_id(page)} block {number}", "exec"), namespace)
        except Exception as error:  # name the page and block, then fail with the cause
            raise AssertionError(f"{_page_id(page)}, python block {number}:\n{code}") from error
    import matplotlib.pyplot as plt

    plt.close("all")


def _snippet_scenario(snippet: dict[str, Any]) -> dict[str, Any]:
    raw = yaml.safe_load((TUTORIAL / "scenario.yaml").read_text(encoding="utf-8"))
    merged = copy.deepcopy(raw)
    for key, value in snippet.items():
        merged[key] = [*merged.get(key, []), *value] if isinstance(value, list) else value
    return merged


YAML_BLOCKS = [
    pytest.param(body, id=f"{_page_id(page)}:{number}")
    for page in PAGES
    for number, body in enumerate(_blocks(page, "yaml"), start=1)
    if body.startswith(("# scenario", "# snippet"))
]


@pytest.mark.parametrize("body", YAML_BLOCKS)
def test_yaml_scenarios_and_snippets_validate_and_solve(body: str) -> None:
    data = yaml.safe_load(body)
    raw = data if body.startswith("# scenario") else _snippet_scenario(data)
    # valid is the point here: a warning about a pattern that is often a mistake (a snippet
    # shows one mechanism, not a whole sensible scenario) does not fail it
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        scenario = aggregate.validate(raw)
    # and the mechanism works as written: a verified plan that meets every need
    plan = aggregate.solve(scenario, time_limit=60)
    assert aggregate.verify(scenario, plan).ok
    assert plan.key_figures["short"] == pytest.approx(0, abs=1e-6)


MECHANISMS = [
    "EDA",
    "NSPA",
    "EPF",
    "ASAP",
    "EDIRPA",
    "SAFE",
    "IFU",
    "Czech",
    "PURL",
    "Backfill",
    "Danish",
]
"""The real mechanisms issue #17 asks the guide to show (a word of each one's heading)."""


def test_every_mechanism_has_a_checked_snippet() -> None:
    """The mechanisms page writes each real mechanism as a snippet the test above checks."""
    text = (DOCS / "guide" / "mechanisms.md").read_text(encoding="utf-8")
    snippets = [
        b for b in _blocks(DOCS / "guide" / "mechanisms.md", "yaml") if b.startswith("# snippet")
    ]
    assert len(snippets) >= 11
    headings = re.findall(r"^## (.+)$", text, re.M)
    for mechanism in MECHANISMS:
        assert any(mechanism in heading for heading in headings), mechanism


def _stated_figures() -> dict[str, float]:
    """The tutorial's marked table: figure -> the value the page states."""
    text = (DOCS / "tutorials" / "first-scenario.md").read_text(encoding="utf-8")
    # the table: the lines after the marker's line, up to the first blank line
    table = text.split("<!-- tutorial-figures", 1)[1].split("\n", 1)[1].split("\n\n", 1)[0]
    figures = {}
    for row in table.splitlines():
        match = re.match(r"\|\s*`(\w+)`\s*\|\s*([-\d,.]+)\s*\|", row)
        if match:
            figures[match.group(1)] = float(match.group(2).replace(",", ""))
    return figures


@pytest.mark.slow
@pytest.mark.parametrize("file", ["scenario.yaml", "scenario.xlsx"])
def test_first_tutorial_gives_the_numbers_it_states(file: str) -> None:
    stated = _stated_figures()
    assert {"total_cost", "short", "fill_rate", "total_cost_alone", "value_cost"} <= set(stated)
    scenario = aggregate.load(TUTORIAL / file)
    assert scenario == aggregate.load(TUTORIAL / "scenario.yaml")  # the workbook is the YAML
    plan = aggregate.solve(scenario)
    assert aggregate.verify(scenario, plan).ok
    comparison = aggregate.compare(scenario)
    got = {**comparison.totals, **plan.key_figures}
    for figure, value in stated.items():
        assert got[figure] == pytest.approx(value, rel=1e-9, abs=1e-6), figure


def test_the_tutorial_page_shows_the_stored_file() -> None:
    """The whole file on the page is the stored file (an include), not a copy that drifts."""
    text = (DOCS / "tutorials" / "first-scenario.md").read_text(encoding="utf-8")
    assert '--8<-- "docs/tutorials/first-scenario/scenario.yaml"' in text


def test_scenario_reference_lists_every_field_of_the_json_schema() -> None:
    """Checked against the JSON Schema (an independent walk of the same models): every
    model is a section and every field a row, so fields added later appear on their own."""
    from aggregate.io.reference import scenario_reference

    page = scenario_reference()
    schema = aggregate.json_schema()
    models = {"Scenario": schema, **schema.get("$defs", {})}
    for title, model in models.items():
        if "properties" not in model:
            continue  # a named type (an enum), not a section
        assert f"\n## {title}\n" in page, title
        section = page.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
        for field in model["properties"]:
            assert f"| `{field}` |" in section, f"{title}.{field}"


def test_tables_and_cli_references_are_complete() -> None:
    from aggregate.io.reference import cli_reference, tables_reference
    from aggregate.tables import KEY_FIGURES, SPECS

    tables = tables_reference()
    for spec in SPECS.values():
        section = tables.split(f"\n### {spec.name}\n", 1)[1].split("\n### ", 1)[0]
        for column in spec.columns:
            assert f"| `{column.name}` | {column.dtype} | {column.unit or '-'} |" in section
    for key, figure in KEY_FIGURES.items():
        assert f"| `{key}` | {figure.unit or '-'} |" in tables
    cli = cli_reference()
    for command in ("validate", "solve", "explain", "share", "study", "plot", "audit"):
        assert f"\n## aggregate {command}\n" in cli


REWRITE_WORKBOOK = (
    'python -c "import aggregate; from aggregate.io.excel import write_excel; '
    "write_excel(aggregate.load('docs/tutorials/first-scenario/scenario.yaml'), "
    "'docs/tutorials/first-scenario/scenario.xlsx')\""
)


def test_the_tutorial_workbook_is_what_the_library_writes(tmp_path: Path) -> None:
    """The tutorial's workbook is the YAML file written by the library's own writer, as the
    page says: every sheet's cells as `write_excel` writes them today."""
    import openpyxl

    from aggregate.io.excel import write_excel

    fresh = write_excel(aggregate.load(TUTORIAL / "scenario.yaml"), tmp_path / "fresh.xlsx")

    def cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
        book = openpyxl.load_workbook(path, read_only=True)
        try:
            return {s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets}
        finally:
            book.close()

    assert cells(TUTORIAL / "scenario.xlsx") == cells(fresh), (
        f"the workbook writer changed: rewrite the tutorial's workbook with {REWRITE_WORKBOOK}"
    )
