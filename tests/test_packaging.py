"""The package installs like a library: the wheel's metadata, its contents and the extras.

The wheel is built once (``pip wheel``, isolated, as a user's pip would) from a copy of what
the build reads, so the working tree gets no ``build/`` or ``*.egg-info``. Its ``METADATA``
must require exactly the lean core, offer the extras by name, and the wheel must hold the
scenario library (``aggregate.examples``) and the licence. A missing extra is simulated by
``sys.modules[name] = None``: the error names the extra and the pip command, and the
command line prints it with exit code 2, without a traceback.
"""

from __future__ import annotations

import email.parser
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import aggregate
from aggregate.cli import app
from aggregate.errors import AggregateError, MissingExtraError

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
AMMO = ROOT / "models" / "ammo-155mm-2023-2025" / "scenario.yaml"

CORE = {"pyomo", "highspy", "numpy", "scipy", "pydantic", "pandas", "pyyaml", "openpyxl"}
CORE |= {"typer", "rich"}  # the command line; rich also draws the study progress bar
"""What ``pip install aggregate`` brings: adding to it makes every install bigger."""
EXTRAS = {"plots", "studies", "parquet", "bench", "docs", "all", "dev"}


def _name(requirement: str) -> str:
    """``"pyomo>=6.8"`` -> ``"pyomo"``; ``'dask>=2024.1; extra == "studies"'`` -> ``"dask"``."""
    head = requirement.split(";")[0].strip()
    for stop in "<>=!~[ (":
        head = head.split(stop)[0]
    return head.lower().replace("_", "-")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The wheel built from a copy of the sources, and the build's output."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("aggregate", "models"):
        shutil.copytree(ROOT / folder, src / folder, ignore=skip)
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = out.glob("aggregate-*.whl")
    return wheel, done.stdout + done.stderr


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as z:
        (meta,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(z.read(meta).decode())


@pytest.mark.slow
def test_the_wheel_requires_the_lean_core_and_offers_the_extras(built: tuple[Path, str]) -> None:
    meta = _metadata(built[0])
    requires = meta.get_all("Requires-Dist") or []
    core = {_name(r) for r in requires if "extra ==" not in r}
    assert core == CORE
    assert core == {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert set(meta.get_all("Provides-Extra") or []) == EXTRAS
    assert meta["License-Expression"] == "Apache-2.0"
    # one progress library: rich (the command line's), not tqdm as well
    assert not any(_name(r) == "tqdm" for r in requires)


@pytest.mark.slow
def test_the_wheel_holds_every_package_the_scenario_library_and_the_licence(
    built: tuple[Path, str],
) -> None:
    wheel, log = built
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    scenarios = sorted(p.relative_to(ROOT / "models") for p in (ROOT / "models").rglob("*"))
    missing = [
        str(p)
        for p in scenarios
        if p.suffix in (".yaml", ".md") and f"aggregate/_models/{p.as_posix()}" not in names
    ]
    assert missing == []
    assert "aggregate/_models/ammo-155mm-2023-2025/scenario.yaml" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    # a subpackage left out of [tool.setuptools] packages would be left out of the wheel
    packages = sorted(p.parent for p in (ROOT / "aggregate").rglob("__init__.py"))
    absent = [
        str(p.relative_to(ROOT))
        for p in packages
        if f"{p.relative_to(ROOT).as_posix()}/__init__.py" not in names
    ]
    assert absent == []
    # a folder of models/ not declared as a package is a setuptools deprecation warning
    assert "is absent from the `packages` configuration" not in log


def test_examples_load_by_name_from_the_repository_in_a_source_tree() -> None:
    names = aggregate.examples.names()
    assert "ammo-155mm-2023-2025" in names
    assert "teaching/fund-key" in names
    assert names == sorted(names)
    assert aggregate.examples.path("ammo-155mm-2023-2025") == AMMO
    assert aggregate.examples.load("teaching/fund-key").name
    with pytest.raises(AggregateError, match=r"did you mean 'teaching/fund-key'\?"):
        aggregate.examples.load("teaching/fund-keys")


def _without(monkeypatch: pytest.MonkeyPatch, module: str, *reload: str) -> None:
    """Make ``module`` look uninstalled, and forget ``reload``'s modules so they import anew."""
    monkeypatch.setitem(sys.modules, module, None)
    for name in sorted(sys.modules):
        if any(name == r or name.startswith(r + ".") for r in reload):
            monkeypatch.delitem(sys.modules, name)


def test_a_missing_studies_extra_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    _without(monkeypatch, "duckdb", "aggregate.study")
    with pytest.raises(MissingExtraError) as caught:
        import aggregate.study  # noqa: F401
    assert str(caught.value) == (
        "aggregate.study needs the optional package 'duckdb', which is not installed. "
        "Install the 'studies' extra: pip install \"aggregate[studies]\""
    )
    assert isinstance(caught.value, AggregateError)
    assert caught.value.extra == "studies"


def test_a_missing_plots_extra_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    _without(monkeypatch, "matplotlib", "aggregate.plots")
    with pytest.raises(MissingExtraError, match=r'pip install "aggregate\[plots\]"'):
        import aggregate.plots  # noqa: F401


def test_the_cli_reports_a_missing_extra_with_exit_code_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _without(monkeypatch, "matplotlib", "aggregate.plots")
    result = CliRunner().invoke(app, ["plot", str(AMMO), "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert 'pip install "aggregate[plots]"' in result.output
    assert "aggregate plot needs the optional package 'matplotlib'" in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, MissingExtraError)


def test_citation_and_changelog_follow_the_package() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0"
    assert str(citation["version"]) == PYPROJECT["project"]["version"]
    assert citation["license"] == PYPROJECT["project"]["license"]
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in changelog  # Keep a Changelog: changes land here first


def test_the_study_command_reports_a_missing_studies_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _without(monkeypatch, "duckdb", "aggregate.study")
    study = ROOT / "models" / "studies" / "ammo-fund-timing.yaml"
    result = CliRunner().invoke(app, ["study", str(study)])
    assert result.exit_code == 2, result.output
    assert 'pip install "aggregate[studies]"' in result.output
    assert "Traceback" not in result.output
