"""The scenario library, loadable by name: ``aggregate.examples.load("ammo-155mm-2023-2025")``.

The repository keeps its scenarios in ``models/`` at the top level (each one a folder with
``scenario.yaml``, a README deriving every number and its sources). The wheel ships the same
folder inside the package as ``aggregate/_models`` (``pyproject.toml`` maps it), so a
``pip install`` user has the examples too; a source tree or an editable install reads the
repository's ``models/`` directly, so an edited scenario is what loads.

A scenario's name is its folder's path under ``models/``: ``ammo-155mm-2023-2025``,
``teaching/fund-key``.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from aggregate.errors import InputError
from aggregate.schema import Scenario

SCENARIO_FILE = "scenario.yaml"


def root() -> Path:
    """The folder holding the scenario library (installed copy, else the repository's)."""
    package = Path(__file__).resolve().parent
    installed = package / "_models"
    if installed.is_dir():
        return installed
    # a source tree or an editable install: the package sits next to models/
    return package.parent / "models"


def names() -> list[str]:
    """Every scenario's name, sorted: ``ammo-155mm-2023-2025``, ``teaching/fund-key`` ..."""
    base = root()
    found = (p.parent.relative_to(base).as_posix() for p in base.rglob(SCENARIO_FILE))
    return sorted(found)


def path(name: str) -> Path:
    """The ``scenario.yaml`` of the scenario ``name`` (its README and sources sit beside it).

    Raises :class:`~aggregate.errors.InputError` for an unknown name, with the closest
    names and the full list.
    """
    known = names()
    if name not in known:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise InputError(
            f"no example scenario named '{name}': {hint}the examples are {', '.join(known)}"
        )
    return root() / name / SCENARIO_FILE


def load(name: str) -> Scenario:
    """Load and validate the example scenario ``name`` (see :func:`names`)."""
    from aggregate.io import load as load_file  # aggregate.io imports the schema, not this

    return load_file(path(name))


__all__ = ["SCENARIO_FILE", "load", "names", "path", "root"]
