"""Optional dependencies: which extra installs which package, and one clear error when missing.

The core install (``pip install aggregate``) loads, solves, verifies and explains scenarios
from the command line or Python. The rest is in extras named for what they enable:

- ``plots``: :mod:`aggregate.plots`, ``aggregate plot`` and the plots of explain and games
  (matplotlib);
- ``studies``: :mod:`aggregate.study` and ``aggregate study`` (duckdb, dask, distributed,
  psutil);
- ``parquet``: Parquet export of solution tables (pyarrow);
- ``bench``: ``benchmarks/run.py`` (pyscipopt, psutil, tabulate);
- ``docs``: the documentation site (mkdocs-material, mkdocstrings, mkdocs-jupyter);
- ``all``: plots, studies and parquet.

Every import of an optional package inside :mod:`aggregate` goes through :func:`require`
(lazily, where the feature starts), so a missing extra says which one and how to install it
instead of a bare ``ModuleNotFoundError`` deep in a traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from aggregate.errors import MissingExtraError

EXTRAS: dict[str, str] = {
    "matplotlib": "plots",
    "duckdb": "studies",
    "dask": "studies",
    "distributed": "studies",
    "psutil": "studies",
    "pyarrow": "parquet",
}
"""The extra that installs each optional top-level package."""


def require(module: str, feature: str) -> ModuleType:
    """Import ``module`` (a dotted name) for ``feature``, or raise :class:`MissingExtraError`.

    ``feature`` completes "... needs the optional package": ``"aggregate.study"``,
    ``"Plots"``. Only the package's own absence is translated; an import error inside an
    installed package (a broken install) propagates unchanged.
    """
    top = module.partition(".")[0]
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        # sys.modules[top] = None (how tests simulate an absence) raises with name == top too
        if exc.name not in (top, module):
            raise
        raise MissingExtraError(feature, top, EXTRAS[top]) from None


__all__ = ["EXTRAS", "require"]
