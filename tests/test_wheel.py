"""The wheel users install on an offline laptop: it holds every tracked package file and runs on its own.

Users run talkdown from the installed package, not from a checkout, so a template, model or static file that
``pyproject.toml``'s package-data misses works in every other test (they import ``src/``) and fails only on the
laptop. This builds the wheel from the tracked files alone, compares its listing with ``git ls-files``, and
runs commands from the unzipped wheel in a folder with no checkout around it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI") == "true"
# The backend pyproject.toml names: the SPDX ``license = "Apache-2.0"`` needs setuptools >= 77 (PEP 639).
MIN_SETUPTOOLS = (77,)
# What the build reads besides src/: the metadata, the readme it embeds and the licence files it copies.
BUILD_INPUTS = ("src", "pyproject.toml", "README.md", "LICENSE", "NOTICE.md")

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def _need(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def _setuptools_version() -> tuple[int, ...]:
    try:
        import setuptools
    except ImportError:
        return ()
    return tuple(int(part) for part in setuptools.__version__.split(".")[:2] if part.isdigit())


def _tracked(*paths: str) -> list[str]:
    listing = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--", *paths], capture_output=True, check=True
    ).stdout
    return sorted(name for name in listing.decode().split("\0") if name)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build from a copy of the tracked files only, so an untracked or ignored file cannot hide a gap."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():  # a source archive: no list of tracked files
        pytest.skip("the wheel test needs a git checkout to know the tracked files")
    if _setuptools_version() < MIN_SETUPTOOLS:
        _need("the wheel test builds offline with this environment's setuptools >= 77 (pip install -e '.[dev]')")
    tree = tmp_path_factory.mktemp("tree")
    for name in _tracked(*BUILD_INPUTS):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tree / name)
    out = tmp_path_factory.mktemp("dist")
    build = ("wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), str(tree))
    subprocess.run(
        [sys.executable, "-m", "pip", *build],
        check=True,
        capture_output=True,
        env={**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    (built,) = out.glob("talkdown-*.whl")
    return built


@pytest.fixture(scope="module")
def unpacked(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def _from_wheel(site: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m talkdown`` with only the unzipped wheel on the path, far from the checkout."""
    home.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(site),
        "HOME": str(home),
        "TALKDOWN_DATA_DIR": str(home / "data"),
        "LC_ALL": "C.UTF-8",
    }
    return subprocess.run(
        [sys.executable, "-m", "talkdown", *args], cwd=home, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_wheel_holds_every_tracked_package_file_and_nothing_else(wheel: Path) -> None:
    tracked = {name.removeprefix("src/") for name in _tracked("src/talkdown")}
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if name.startswith("talkdown/") and not name.endswith("/")}
    assert sorted(tracked - shipped) == []
    assert sorted(shipped - tracked) == []


def test_the_unzipped_wheel_is_the_copy_python_imports(unpacked: Path, tmp_path: Path) -> None:
    done = _from_wheel(unpacked, tmp_path / "home", "--help")
    assert done.returncode == 0, done.stderr
    probe = subprocess.run(
        [sys.executable, "-c", "import talkdown; print(talkdown.__file__)"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(unpacked), "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(probe.stdout.strip()).parent == unpacked / "talkdown"


def test_the_wheel_analyses_a_line_with_its_shipped_models(unpacked: Path, tmp_path: Path) -> None:
    line = "Back off or I'll shoot her"
    done = _from_wheel(unpacked, tmp_path / "home", "analyze", line, "--as", "subject", "--json")
    assert done.returncode == 0, done.stderr
    labels = {(row["family"], row["label"]) for row in json.loads(done.stdout)["annotations"]}
    assert ("talkdown_cue", "threat") in labels


def test_the_wheel_migrates_a_new_sqlite_database(unpacked: Path, tmp_path: Path) -> None:
    """The Alembic scripts and alembic.ini ship in store/migrations/; ``db upgrade`` is how installed users migrate."""
    home = tmp_path / "home"
    done = _from_wheel(unpacked, home, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    opened = _from_wheel(unpacked, home, "incident", "new", "Barricade, 14 Elm St", "--json")
    assert opened.returncode == 0, opened.stderr
    assert json.loads(opened.stdout)["incident_id"]
