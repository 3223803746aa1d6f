"""Solver comparison on the same model: every solver reads the same MPS file.

Solvers (:data:`SOLVERS`):

* ``highs-serial``: HiGHS with its default serial branch and bound.
* ``highs-parallel``: HiGHS with ``parallel=on`` (parallel search, 2 threads here).
* ``scip``: SCIP through PySCIPOpt (``pip install pyscipopt``, the ``bench`` extra).
* ``cbc``: COIN-OR CBC, if a ``cbc`` executable is on the PATH. None is installed in this
  environment: PyPI packages that ship one exist (``pulp`` bundles it), but the project
  does not depend on them, so the row says ``not available``.

Each run reports its status, objective, dual bound, relative gap and the solver's own
solve time (reading the file excluded). With a time limit, the gap at the limit is the
``gap`` of a ``time_limit`` row.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from benchmarks import direct

SOLVERS = ("highs-serial", "highs-parallel", "scip", "cbc")


def run_solver(
    name: str, mps: Path, time_limit: float | None = None, mip_gap: float = 1e-4
) -> dict[str, Any]:
    """Solve the MPS file with solver ``name``; a row for the comparison table."""
    if name in ("highs-serial", "highs-parallel"):
        result, _read = direct.solve_mps(
            mps, parallel=name == "highs-parallel", time_limit=time_limit, mip_gap=mip_gap
        )
        return {
            "available": True,
            "status": result.status.value,
            "objective": result.objective,
            "bound": result.bound,
            "gap": result.gap,
            "seconds": result.solver_seconds,
            "nodes": result.nodes,
        }
    if name == "scip":
        return _scip(mps, time_limit, mip_gap)
    if name == "cbc":
        return _cbc(mps, time_limit, mip_gap)
    raise ValueError(f"unknown solver '{name}'; use one of {', '.join(SOLVERS)}")


def _scip(mps: Path, time_limit: float | None, mip_gap: float) -> dict[str, Any]:
    try:
        import pyscipopt
    except ImportError:
        return {"available": False, "status": "not available (pip install pyscipopt)"}
    m = pyscipopt.Model()
    m.hideOutput()
    m.readProblem(str(mps))
    m.setParam("limits/gap", mip_gap)
    if time_limit is not None:
        m.setParam("limits/time", float(time_limit))
    m.optimize()
    status = m.getStatus()
    has_plan = m.getNSols() > 0
    return {
        "available": True,
        "status": {"optimal": "optimal", "gaplimit": "optimal", "timelimit": "time_limit"}.get(
            status, status
        ),
        "objective": m.getObjVal() if has_plan else None,
        "bound": m.getDualbound(),
        "gap": m.getGap() if has_plan else None,
        "seconds": m.getSolvingTime(),
        "nodes": m.getNNodes(),
    }


def _cbc(mps: Path, time_limit: float | None, mip_gap: float) -> dict[str, Any]:
    exe = shutil.which("cbc")
    if exe is None:
        return {"available": False, "status": "not available (no cbc executable)"}
    cmd = [exe, str(mps), "-ratioGap", str(mip_gap)]
    if time_limit is not None:
        cmd += ["-sec", str(time_limit)]
    t0 = time.perf_counter()
    out = subprocess.run([*cmd, "-solve", "-quit"], capture_output=True, text=True).stdout
    seconds = time.perf_counter() - t0
    objective = re.search(r"Objective value:\s*([-+0-9.eE]+)", out)
    result = re.search(r"Result - (.*)", out)
    text = result.group(1).strip() if result else "unknown"
    return {
        "available": True,
        "status": "optimal"
        if text.startswith("Optimal")
        else "time_limit"
        if "time" in text.lower()
        else text,
        "objective": float(objective.group(1)) if objective else None,
        "bound": None,
        "gap": 0.0 if text.startswith("Optimal") else None,
        "seconds": seconds,
        "nodes": None,
    }
