"""The model uses Pyomo through its public API only, and one module reads solver statuses.

* No module of the package writes an underscore attribute of a Pyomo object (``x._y = ...``,
  ``setattr(x, "_y", ...)``, a slot's ``__set__``): Pyomo's private slots change between
  releases. A class of our own may keep private attributes (``self._cache = ...``) unless
  it derives from a Pyomo class.
* Only :mod:`aggregate.status` maps a solver's own status (HiGHS's model status, Pyomo's
  termination conditions) to a :class:`~aggregate.result.SolveStatus`.
* The model built for HiGHS makes its Pyomo constraints only when something reads them, and
  they then say what the matrix says.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyomo.environ as pyo
import pytest

import aggregate
from aggregate.data import ModelData, prepare
from aggregate.model import build_model, linear

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "aggregate"
SCENARIO = ROOT / "models" / "teaching" / "pooling-tiers" / "scenario.yaml"

ALLOWED: set[tuple[str, str]] = {
    # (file, assignment target): private attributes of our own classes, set from outside
    # their methods
    ("aggregate/study/spec.py", "copy._root"),
}
"""Underscore writes that are not on Pyomo objects."""


def _modules(*roots: Path) -> list[Path]:
    return sorted(p for root in roots for p in root.rglob("*.py"))


def _pyomo_names(tree: ast.Module) -> set[str]:
    """Names bound by ``import pyomo...`` / ``from pyomo... import ...`` in a module."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(
                (a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("pyomo")
            )
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pyomo"):
            names.update(a.asname or a.name for a in node.names)
    return names


def _is_pyomo_class(cls: ast.ClassDef, pyomo: set[str]) -> bool:
    for base in cls.bases:
        root = base
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in pyomo:
            return True
    return False


def _underscore_writes(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line: target`` of every write to an underscore attribute that may be a Pyomo
    object's."""
    text = path.read_text()
    tree = ast.parse(text)
    pyomo = _pyomo_names(tree)
    rel = path.relative_to(root).as_posix()
    found: list[str] = []

    def visit(node: ast.AST, cls: ast.ClassDef | None) -> None:
        if isinstance(node, ast.ClassDef):
            cls = node
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for t in ast.walk(target):
                if not isinstance(t, ast.Attribute):
                    continue
                name = t.attr
                if not name.startswith("_") or name.startswith("__"):
                    continue
                own = (
                    isinstance(t.value, ast.Name)
                    and t.value.id in ("self", "cls")
                    and cls is not None
                    and not _is_pyomo_class(cls, pyomo)
                )
                where = ast.unparse(t)
                if not own and (rel, where) not in ALLOWED:
                    found.append(f"{rel}:{t.lineno}: {where} = ...")
        for child in ast.iter_child_nodes(node):
            visit(child, cls)

    visit(tree, None)
    for n, line in enumerate(text.splitlines(), 1):
        if re.search(r"""setattr\([^,]+,\s*['"]_""", line) or re.search(r"\.__set__\(", line):
            found.append(f"{rel}:{n}: {line.strip()}")
        if re.search(r"object\.__setattr__\(", line):
            found.append(f"{rel}:{n}: {line.strip()}")
    return found


def test_no_module_writes_pyomo_private_attributes() -> None:
    found = [w for path in _modules(PACKAGE) for w in _underscore_writes(path)]
    assert not found, "writes to private attributes (Pyomo's?):\n" + "\n".join(found)


def test_the_scan_catches_private_writes(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import pyomo.environ as pyo\n"
        "from pyomo.core.base.constraint import ConstraintData\n"
        "s = pyo.Set()\n"
        "s._values = {}\n"
        "setattr(s, '_ordered_values', None)\n"
        "ConstraintData._expr.__set__(s, None)\n"
        "class Row(ConstraintData):\n"
        "    def f(self):\n"
        "        self._row = 1\n"
        "class Mine:\n"
        "    def f(self):\n"
        "        self._cache = 1\n"
    )
    found = _underscore_writes(sample, tmp_path)
    assert [f.split(":")[1] for f in found] == ["4", "9", "5", "6"], found


STATUS_NAMES = re.compile(
    r"HighsModelStatus|\bk(Optimal|Infeasible|TimeLimit|ModelEmpty|Unbounded|Interrupt)\b"
    r"|modelStatusToString|TerminationCondition|termination_condition"
)


def test_only_the_status_module_maps_solver_statuses() -> None:
    found = [
        path.relative_to(ROOT).as_posix()
        for path in _modules(PACKAGE, ROOT / "benchmarks")
        if STATUS_NAMES.search(path.read_text())
    ]
    assert found == ["aggregate/status.py"]


# --- the model's Pyomo side ------------------------------------------------------------------


@pytest.fixture(scope="module")
def data() -> ModelData:
    return prepare(aggregate.load(SCENARIO))


def test_constraints_are_made_when_read_and_match_the_matrix(data: ModelData) -> None:
    m = build_model(data)
    lin = linear(m)
    assert [c.local_name for c in m.made_constraints()] == ["needs_cap"]
    assert sum(1 for _ in m.component_data_objects(pyo.Var)) == lin.ncols  # makes none
    assert [c.local_name for c in m.made_constraints()] == ["needs_cap"]
    con = m.capacity_upper  # made on first read, by name
    assert con is m.component("capacity_upper")
    block = lin.rows["capacity_upper"]
    assert list(con.keys()) == block.keys
    r = block.start
    assert con[block.keys[0]].upper == lin.row_upper[r]
    n = sum(1 for _ in m.component_data_objects(pyo.Constraint))  # walking makes all
    assert n == lin.nrows
    assert {c.local_name for c in m.made_constraints()} == {*lin.rows, "needs_cap"}
    # the matrix's numbers reach a made constraint
    lin.set_row_bounds(r, lin.row_lower[r], 1234.0)
    assert con[block.keys[0]].upper == 1234.0


def test_pyomo_route_and_matrix_route_agree() -> None:
    scenario = aggregate.load(SCENARIO)
    direct = aggregate.solve(scenario)
    through_pyomo = aggregate.solve(scenario, solver="appsi_highs")
    assert direct.status == through_pyomo.status == "optimal"
    assert through_pyomo.key_figures["total_cost"] == pytest.approx(
        direct.key_figures["total_cost"], rel=1e-9
    )


def test_a_built_model_writes_an_lp_file(data: ModelData, tmp_path: Path) -> None:
    m = build_model(data)
    m.needs_obj.activate()
    path = tmp_path / "model.lp"
    m.write(str(path), io_options={"symbolic_solver_labels": True})
    text = path.read_text()
    assert "capacity_upper" in text and "tier_choice" in text
