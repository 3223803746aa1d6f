"""MkDocs hooks: the pages generated from the code at build time, so they cannot drift.

* ``guide/scenario-format.md``, ``guide/tables.md``, ``guide/cli.md``: from
  :mod:`aggregate.io.reference` (the schema, the table declarations, the command line);
* ``api.md``: one mkdocstrings entry per name of ``aggregate.__all__``;
* ``benchmarks.md``, ``changelog.md``, ``contributing.md``: benchmarks/README.md,
  CHANGELOG.md and CONTRIBUTING.md (links to repository files shown as paths);
* ``notebooks/*.ipynb``: the notebooks of notebooks/ (mkdocs-jupyter renders them).
"""

from __future__ import annotations

import importlib
import re
import sys
import types
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]


def _this_tree() -> None:
    """Document this source tree, whichever aggregate is installed (MkDocs restores
    ``sys.path`` after loading a hook, so this runs when the pages are made)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


API_GROUPS: dict[str, list[str]] = {
    "Load, check and save scenarios": ["load", "save", "validate", "check", "json_schema"],
    "Solve and verify": ["solve", "Solution", "SolveStatus", "verify", "Verification"],
    "Compare plans": ["compare", "Comparison", "compare_aid", "AidComparison", "without_aid"],
    "Differences and audit": ["diff", "PlanDiff", "audit", "Audit"],
    "Errors": ["ScenarioError", "Problem"],
}


SUBPACKAGES: dict[str, list[str]] = {
    "explain": ["explain", "diagnose"],
    "games": ["CoalitionGame", "allocate"],
    "study": ["load_study", "run_study"],
    "plots": ["plot_flows", "plot_deliveries", "plot_shortfall", "plot_capacity"],
}
"""The main entry points of the subpackages loaded on first use."""


def _path(module: str, name: str) -> str:
    """Where ``module.name`` is defined: ``aggregate.solve`` is also a module's name, and
    the documentation tool would show the module."""
    obj = getattr(importlib.import_module(module), name)
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    defined_in = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not isinstance(defined_in, str) or not defined_in.startswith("aggregate"):
        return f"{module}.{name}"  # a type alias (typing.Union...) or a constant: as named
    if not isinstance(qualname, str):
        return f"{module}.{name}"
    return f"{defined_in}.{qualname}"


def _entry(path: str, members: bool = True) -> str:
    hidden = "" if members else "      members: false\n"
    return f"::: {path}\n    options:\n      heading_level: 3\n{hidden}"


def _api_page() -> str:
    _this_tree()
    import aggregate

    listed = {name for names in API_GROUPS.values() for name in names}
    schema = [n for n in aggregate.__all__ if n not in listed]
    lines = [
        "# API reference",
        "",
        "The public surface: every name of `aggregate.__all__` (`import aggregate`), then the",
        "main entry points of the subpackages `aggregate.explain`, `aggregate.games`,",
        "`aggregate.study` and `aggregate.plots` (loaded on first use).",
        "",
    ]
    for title, names in API_GROUPS.items():
        lines += [f"## {title}", ""]
        lines += [_entry(_path("aggregate", name)) for name in names]
    lines += ["## Scenario schema", ""]
    lines += [_entry(_path("aggregate", name), members=False) for name in schema]
    for module, names in SUBPACKAGES.items():
        lines += [f"## aggregate.{module}", ""]
        lines += [_entry(_path(f"aggregate.{module}", name)) for name in names]
    return "\n".join(lines)


# a link to a file of the repository ([text](path)), not to a web page or an anchor
_REPOSITORY_LINK = re.compile(r"\[([^\]]+)\]\((?![a-z]+:|#)([^)\s]+)\)")


def _included(path: Path, title: str, missing: str) -> str:
    """A repository file shown as a page. Its links to other repository files (relative to
    the repository, not the site) become their paths in code, so the strict build does not
    fail on a link the site cannot follow."""
    if not path.exists():
        return f"# {title}\n\n{missing}\n"
    text = path.read_text(encoding="utf-8")
    return _REPOSITORY_LINK.sub(lambda m: f"{m.group(1)} (`{m.group(2)}`)", text)


def _pages() -> dict[str, str]:
    _this_tree()
    from aggregate.io.reference import cli_reference, scenario_reference, tables_reference

    return {
        "guide/scenario-format.md": scenario_reference(),
        "guide/tables.md": tables_reference(),
        "guide/cli.md": cli_reference(),
        "api.md": _api_page(),
        "benchmarks.md": _included(ROOT / "benchmarks" / "README.md", "Benchmarks", ""),
        "changelog.md": _included(
            ROOT / "CHANGELOG.md", "Changelog", "No release has been recorded yet."
        ),
        "contributing.md": _included(ROOT / "CONTRIBUTING.md", "Contributing", ""),
    }


@event_priority(100)  # before mkdocs-jupyter, which wraps the notebook files added here
def on_files(files: Files, config: Any) -> Files:
    for src_uri, content in _pages().items():
        files.append(File.generated(config, src_uri, content=content))
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        files.append(
            File(
                f"notebooks/{notebook.name}",
                src_dir=str(ROOT),
                dest_dir=config["site_dir"],
                use_directory_urls=config["use_directory_urls"],
            )
        )
    return files
