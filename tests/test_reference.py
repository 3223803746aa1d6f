"""Published optima of real instances (tests/reference), reproduced by special cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregate.reference import orlib_scenario, transport_scenario
from tests.support import solved

REFERENCE = Path(__file__).resolve().parent / "reference"

ORLIB = {
    "orlib-cap41.txt": 1040444.375,
    "orlib-cap51.txt": 1025208.225,
    "orlib-cap61.txt": 932615.750,
    "orlib-cap71.txt": 932615.750,
}


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"reference instance {path} is missing from tests/reference")
    return path


def test_dantzig_transport_problem() -> None:
    sol = solved(transport_scenario(_need(REFERENCE / "trnsport.json")))
    assert sol.key_figures["total_cost"] == pytest.approx(153.675, rel=1e-7)
    assert sol.key_figures["short"] == 0


@pytest.mark.parametrize("name", sorted(ORLIB))
def test_orlib_capacitated_warehouse_location(name: str) -> None:
    sol = solved(orlib_scenario(_need(REFERENCE / name)))
    assert sol.key_figures["total_cost"] == pytest.approx(ORLIB[name], rel=1e-7)
    assert sol.key_figures["short"] == 0
    # each open warehouse paid its fixed cost once
    assert (sol.contracts.nations >= 1).all()


def test_transport_teaching_model_matches_reference() -> None:
    import aggregate

    root = Path(__file__).resolve().parents[1]
    sc = aggregate.load(root / "models" / "teaching" / "transport-dantzig" / "scenario.yaml")
    assert solved(sc).key_figures["total_cost"] == pytest.approx(153.675, rel=1e-7)
