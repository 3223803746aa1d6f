"""The package's shape: no import cycle, no oversized module, one exception root.

The import graph counts every import of an :mod:`aggregate` module wherever it is written:
at module level, inside a function (a deferred import only hides a cycle, it does not break
it) and under ``if TYPE_CHECKING:``. ``from aggregate.x import y`` is an edge to
``aggregate.x.y`` when ``y`` is a submodule and to ``aggregate.x`` otherwise; importing a
submodule also runs its parent packages, but those edges are left out: a package that
re-exports its children (``aggregate.io`` from ``aggregate.io.files``) would otherwise be
in a cycle with each of them by construction.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import aggregate

PACKAGE = "aggregate"
ROOT = Path(aggregate.__file__).resolve().parent
MAX_LINES = 800
"""Most lines of one module (the project's "one job per module" rule, measured)."""

INTERNAL_EXCEPTIONS = {
    # PyYAML's composer raises it and parse_yaml catches it as a yaml.MarkedYAMLError (it
    # carries the position in the file), turning it into a ScenarioError: it never escapes
    "aggregate.io.files._RefusedYAML",
}
"""Private exception classes exempt from the root: each is raised and caught inside its
own module, which turns it into a public error."""


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (packages by their ``__init__``)."""
    found: dict[str, Path] = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join([PACKAGE, *parts])] = path
    return found


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _target(name: str) -> str | None:
    """The module ``name`` names, or its deepest enclosing module of the package."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, text: str | None = None) -> set[str]:
    """The package's modules that ``module`` imports, anywhere in its text (``text``: instead
    of the module's file)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8") if text is None else text)
    package = module if _is_package(module) else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base != PACKAGE and not base.startswith(PACKAGE + "."):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    edges = {t for name in found if (t := _target(name)) is not None}
    edges.discard(module)
    return edges


def _graph() -> dict[str, set[str]]:
    return {name: _imports(name) for name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component with more than one module
    (Tarjan's algorithm), so a failure names a concrete loop to break."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_loop(graph, component) for component in components]


def _loop(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle inside ``component`` from its first module (breadth first)."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & component):
            if nxt == start:
                return [*paths[node], start]
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    return sorted(component)  # unreachable for a strongly connected component


def test_the_graph_sees_deferred_and_relative_imports() -> None:
    """The walker itself: imports in functions, under TYPE_CHECKING and relative ones count,
    a submodule named in ``from package import name`` is the submodule, and a cycle hidden
    in a function body is found."""
    text = """
from typing import TYPE_CHECKING

from aggregate.io import files
from aggregate.schema import Scenario
from . import formats
from .excel.read import load_excel
import aggregate.errors as errors

if TYPE_CHECKING:
    from aggregate.study.store import Store

def later():
    from aggregate.checks import check_scenario
    from ..tables import TABLES
"""
    assert _imports("aggregate.io.jsonschema", text) == {
        "aggregate.io.files",
        "aggregate.schema",
        "aggregate.io.formats",
        "aggregate.io.excel.read",
        "aggregate.errors",
        "aggregate.study.store",
        "aggregate.checks",
        "aggregate.tables",
    }
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    # the package's own graph resolves real modules only
    graph = _graph()
    assert set(graph) == set(MODULES)
    assert all(t in MODULES for targets in graph.values() for t in targets)


def test_no_import_cycle() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "import cycles (a -> b means a imports b):\n" + "\n".join(
        "  " + " -> ".join(cycle) for cycle in cycles
    )


def test_no_module_is_too_long() -> None:
    lengths = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()
    }
    long = {name: n for name, n in sorted(lengths.items()) if n > MAX_LINES}
    assert not long, f"modules above {MAX_LINES} lines (split them by job):\n" + "\n".join(
        f"  {name} ({MODULES[name].relative_to(ROOT.parent)}): {n} lines"
        for name, n in long.items()
    )


def _exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined in a module of the package, by qualified name."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(aggregate.__path__, PACKAGE + "."):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == info.name:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def test_every_exception_derives_from_the_root() -> None:
    from aggregate.errors import AggregateError

    classes = _exception_classes()
    assert "aggregate.errors.ScenarioError" in classes
    assert not INTERNAL_EXCEPTIONS - set(classes), "an exempt class is gone: drop it"
    assert all(name.rpartition(".")[2].startswith("_") for name in INTERNAL_EXCEPTIONS)
    stray = sorted(
        name
        for name, cls in classes.items()
        if not issubclass(cls, AggregateError) and name not in INTERNAL_EXCEPTIONS
    )
    assert not stray, (
        "exceptions outside AggregateError (derive them from InputError, SolveError, "
        "PlanError or AggregateError, keeping any builtin base callers catch):\n"
        + "\n".join(f"  {name}" for name in stray)
    )
