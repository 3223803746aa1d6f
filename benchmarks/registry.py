"""Every instance of the suite by name: generated (``lp-S`` ... ``mip-XL``, ``eda-S`` ...
``eda-L``, ``wl-S`` ... ``wl-L``) and reference.

An instance is handed to a measurement as its *raw* dict (as parsed from YAML), so the
validation phase is timed like a user's load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aggregate.reference import orlib_scenario, transport_scenario
from benchmarks.generator import SIZES, generate_raw
from benchmarks.warehouse import WL_SIZES, wl_raw

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"

PUBLISHED: dict[str, float] = {
    "ref-trnsport": 153.675,
    "ref-cap41": 1040444.375,
    "ref-cap51": 1025208.225,
    "ref-cap61": 932615.750,
    "ref-cap71": 932615.750,
}
"""Published optima (tests/reference/README.md: GAMS TRNSPORT; Beasley 1988, OR-Library)."""


def reference_names() -> list[str]:
    """The reference instances present in ``tests/reference`` (``ref-trnsport``, ...)."""
    names = ["ref-trnsport"] if (REFERENCE / "trnsport.json").exists() else []
    names += [
        f"ref-{p.stem.removeprefix('orlib-')}" for p in sorted(REFERENCE.glob("orlib-cap*.txt"))
    ]
    return names


FAMILY_SIZES: dict[str, list[str]] = {
    **{family: list(sizes) for family, sizes in SIZES.items()},
    "wl": list(WL_SIZES),
}
"""Every generated family and its sizes: ``lp``, ``mip``, ``eda`` (:data:`SIZES`) and ``wl``
(:data:`benchmarks.warehouse.WL_SIZES`)."""


def generated_names(family: str, sizes: list[str]) -> list[str]:
    """``family-size`` names for the sizes the family has."""
    return [f"{family}-{s}" for s in sizes if s in FAMILY_SIZES[family]]


def raw_instance(name: str, seed: int = 0) -> dict[str, Any]:
    """The raw scenario dict of instance ``name``."""
    if name == "ref-trnsport":
        return transport_scenario(REFERENCE / "trnsport.json").model_dump()
    if name.startswith("ref-"):
        return orlib_scenario(REFERENCE / f"orlib-{name.removeprefix('ref-')}.txt").model_dump()
    family, _, size = name.partition("-")
    if size not in FAMILY_SIZES.get(family, []):
        raise ValueError(
            f"unknown instance '{name}': use ref-trnsport, ref-cap41..71 or family-size with "
            + ", ".join(f"{f} in {s}" for f, s in FAMILY_SIZES.items())
        )
    if family == "wl":
        return wl_raw(size, seed)
    return generate_raw(size, family, seed)


def family_of(name: str) -> str:
    """``lp``, ``mip``, ``eda``, ``wl`` or ``reference``."""
    return "reference" if name.startswith("ref-") else name.partition("-")[0]
