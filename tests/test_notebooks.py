"""Every notebook in ``notebooks/`` runs from top to bottom in this virtualenv's Python.

Each notebook is executed with nbclient in a fresh kernel started from ``sys.executable``
(a kernelspec written to a temporary folder, so a ``python3`` kernel installed elsewhere on
the machine can never be picked up), with ``notebooks/`` as the working directory and a
time limit per cell. A failing cell fails the test with that cell's source and error.

Each notebook's source is the ``.py`` beside it, in jupytext's percent format and paired with
the ``.ipynb`` (``make notebooks`` writes the ``.ipynb`` from it). The ``.ipynb`` are
committed without outputs, and their cells must be those of their ``.py``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT = 300
"""Seconds a single cell may take on a busy 2-core CI machine."""
KERNEL = "aggregate-test-venv"
PROBE = "import sys; print(sys.executable)"

PAIRING = "ipynb,py:percent"
"""The jupytext formats every notebook is paired in: the .ipynb and a percent-format .py."""

notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
sources = sorted(NOTEBOOKS.glob("*.py"))


@pytest.fixture(scope="module")
def kernel_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Jupyter data folder holding one kernelspec: this interpreter running ipykernel."""
    home = tmp_path_factory.mktemp("jupyter")
    spec = home / "kernels" / KERNEL
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "aggregate tests (venv)",
                "language": "python",
            }
        )
    )
    return home


def test_there_is_a_notebook() -> None:
    assert any(p.name == "quickstart.ipynb" for p in notebooks)


def test_notebooks_are_committed_without_outputs() -> None:
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        with_output = [
            k
            for k, cell in enumerate(nb.cells)
            if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
        ]
        assert not with_output, f"{path.name}: clear the outputs of cells {with_output}"


def test_every_notebook_has_a_paired_source() -> None:
    assert [p.stem for p in notebooks] == [p.stem for p in sources], (
        "each notebooks/X.ipynb needs its source notebooks/X.py (jupytext percent format; "
        f"jupytext --set-formats {PAIRING} X.ipynb writes it) and each .py its .ipynb "
        "(make notebooks writes them)"
    )
    for path in [*notebooks, *sources]:
        formats = jupytext.read(path).metadata.get("jupytext", {}).get("formats")
        assert formats == PAIRING, (
            f"{path.name} is paired as {formats!r}, not {PAIRING!r}: "
            f"run jupytext --set-formats {PAIRING} {path.with_suffix('.py')}"
        )


@pytest.mark.parametrize("path", sources, ids=[p.stem for p in sources])
def test_notebook_matches_its_source(path: Path) -> None:
    """The cells of X.ipynb (type and source) are those jupytext reads from X.py."""
    source = jupytext.read(path)
    written = jupytext.read(path.with_suffix(".ipynb"))
    nbformat.validate(written)
    expected = [(cell.cell_type, cell.source) for cell in source.cells]
    actual = [(cell.cell_type, cell.source) for cell in written.cells]
    stale = (
        f"notebooks/{path.stem}.ipynb differs from notebooks/{path.name}; "
        "run make notebooks (the .py is the source)"
    )
    for k, (want, got) in enumerate(zip(expected, actual, strict=False)):
        assert got == want, f"{stale}: cell {k} is\n{got[1]}\ninstead of\n{want[1]}"
    assert len(actual) == len(expected), f"{stale}: {len(actual)} cells instead of {len(expected)}"


@pytest.mark.slow
@pytest.mark.parametrize("path", notebooks, ids=[p.stem for p in notebooks])
def test_notebook_runs(path: Path, kernel_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    # the kernel spec manager reads JUPYTER_PATH when the client starts the kernel
    monkeypatch.setenv(
        "JUPYTER_PATH", os.pathsep.join([str(kernel_home), os.environ.get("JUPYTER_PATH", "")])
    )
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    nb = nbformat.read(path, as_version=4)
    # first, a probe: the kernel must be this virtualenv's interpreter
    nb.cells.insert(0, nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        allow_errors=False,
    )
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as error:
        failing = next(
            (
                k
                for k, cell in enumerate(nb.cells)
                if cell.cell_type == "code"
                and any(out.get("output_type") == "error" for out in cell.get("outputs", []))
            ),
            None,
        )
        where = "" if failing is None else f" (cell {failing - 1} of the notebook)"
        pytest.fail(f"{path.name}: a cell failed{where}:\n{error}", pytrace=False)
    printed = "".join(out.get("text", "") for out in nb.cells[0].outputs).strip()
    assert Path(printed) == Path(sys.executable), (
        f"the notebook ran in {printed}, not in this virtualenv's {sys.executable}"
    )
