"""A clone has nothing beside it: no test, doc, docstring or scenario reads or cites a file
outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = {".py", ".md", ".yaml", ".yml", ".json", ".toml", ".ipynb", ".txt", ".cfg"}
SKIP = {".venv", ".venv-latest", ".git", "__pycache__", ".mypy_cache", ".ruff_cache", "out"}
# written in pieces so that this file does not match itself
OUTSIDE = re.compile(
    "|".join(
        [r"\.\./" + "shared", "/work/" + "shared", "shared/" + "reference", "domain" + r"\.md"]
    )
)


def _files() -> list[Path]:
    out = []
    for path in ROOT.rglob("*"):
        if any(part in SKIP for part in path.relative_to(ROOT).parts):
            continue
        if path.is_file() and (path.suffix in SUFFIXES or path.name in {"Makefile", "run"}):
            out.append(path)
    return out


def test_nothing_reads_or_cites_files_beside_the_repository() -> None:
    files = _files()
    assert len(files) > 100  # the walk found the repository
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
        for path in files
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert hits == [], "\n".join(hits)


def test_reference_instances_live_in_the_repository() -> None:
    reference = ROOT / "tests" / "reference"
    names = sorted(p.name for p in reference.iterdir())
    assert names == [
        "README.md",
        *(f"orlib-cap{k}1.txt" for k in range(4, 8)),
        "trnsport.json",
    ]
    # the source note travels with the data
    assert "Beasley" in (reference / "README.md").read_text()
