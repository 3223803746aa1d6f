"""The scenario library: every ``models/**/scenario.yaml`` validates and is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import aggregate

MODELS = Path(__file__).resolve().parents[1] / "models"
SCENARIOS = sorted(MODELS.glob("**/scenario.yaml"))

# Names of the sources the library cites (see models/SOURCES.md); a README must name one.
SOURCE_MARKERS = (
    "SOURCES.md",
    "Defense One",
    "DoD",
    "Rheinmetall",
    "NSPA",
    "EDIRPA",
    "ASAP",
    "SAFE",
    "Peace Facility",
    "EDA",
    "Czech",
    "PURL",
    "International Fund for Ukraine",
    "Danish model",
    "Contact Group",
    "World Bank",
    "Dantzig",
    "GAMS",
)
SOURCES_HEADING = re.compile(r"^(#+\s*Sources\b|\*\*Sources\.?\*\*)", re.MULTILINE)


def _name(path: Path) -> str:
    return path.parent.relative_to(MODELS).as_posix()


def test_library_is_not_empty() -> None:
    assert SCENARIOS, f"no scenario.yaml found under {MODELS}"


@pytest.mark.parametrize("path", SCENARIOS, ids=_name)
def test_scenario_validates(path: Path) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    scenario = aggregate.validate(raw, str(path))
    assert scenario.name
    assert scenario.sources, "list the sources of the figures in `sources:`"


@pytest.mark.parametrize("path", SCENARIOS, ids=_name)
def test_scenario_has_readme_with_sources(path: Path) -> None:
    readme = path.parent / "README.md"
    assert readme.is_file(), f"{_name(path)} has no README.md next to scenario.yaml"
    text = readme.read_text(encoding="utf-8")
    assert SOURCES_HEADING.search(text), "the README needs a 'Sources' section"
    cited = [m for m in SOURCE_MARKERS if m in text]
    assert cited, f"the README cites none of the known sources {SOURCE_MARKERS}"


def test_index_lists_every_scenario() -> None:
    index = (MODELS / "README.md").read_text(encoding="utf-8")
    missing = [_name(p) for p in SCENARIOS if f"{_name(p)}/" not in index]
    assert not missing, f"models/README.md does not list {missing}"
