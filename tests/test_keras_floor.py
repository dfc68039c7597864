"""The lowest Keras that `pyproject.toml` allows really runs the book's code.

`pyproject.toml` declares `keras>=X`. This test fetches Keras X itself (the wheel only; its
dependencies are the environment's), puts it in front of the installed one and runs the tests
that execute the chapters' code and the library claims under it; and it checks that the minor
release before X fails them, so the floor is the lowest that works, not just one that does.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
# the tests that run the chapters' own code and the claims the prose makes about Keras
FLOOR_SUITE = [
    "tests/test_claims.py",
    "tests/test_chapter_01.py",
    "tests/test_chapters_2_4.py",
    "tests/test_chapters_5_7.py",
    "tests/test_checks.py",
    "tests/test_freezing.py",
]

pytestmark = pytest.mark.slow


def declared_floor() -> str:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (floor,) = [m.group(1) for d in dependencies if (m := re.fullmatch(r"keras>=([\d.]+)", d.replace(" ", "")))]
    return floor


def keras_release(version: str, into: Path) -> Path:
    """Keras `version`'s wheel from the package index, unpacked into `into`; skipped offline
    (failed under CI, where the index must be reachable)."""
    wheels = into / "wheels"
    fetched = subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "-d", wheels,
         f"keras=={version}"],
        capture_output=True, text=True,
    )  # fmt: skip
    if fetched.returncode != 0:
        message = f"could not download keras=={version} from the package index: {fetched.stderr.strip()[-300:]}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    (wheel,) = wheels.glob("keras-*.whl")
    site = into / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def run_with(site: Path, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd)


def run_floor_suite(site: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """:data:`FLOOR_SUITE` under the Keras unpacked in ``site``."""
    return run_with(
        site, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "t"), *FLOOR_SUITE
    )  # fmt: skip


def test_the_declared_keras_floor_runs_the_chapters_code(tmp_path):
    floor = declared_floor()
    site = keras_release(floor, tmp_path)
    seen = run_with(site, "-c", "import keras; print(keras.__version__, keras.__file__)")
    version, location = seen.stdout.split()
    assert Version(version) == Version(floor) and location.startswith(str(site)), seen.stdout + seen.stderr

    suite = run_floor_suite(site, tmp_path)
    assert suite.returncode == 0, suite.stdout[-4000:] + suite.stderr[-2000:]
    assert re.search(r"\d+ passed", suite.stdout) and "failed" not in suite.stdout.splitlines()[-1]


def test_the_release_before_the_floor_fails_the_same_tests(tmp_path):
    floor = Version(declared_floor())
    site = keras_release(f"{floor.major}.{floor.minor - 1}.0", tmp_path)
    suite = run_floor_suite(site, tmp_path)
    assert suite.returncode == 1, suite.stdout[-4000:] + suite.stderr[-2000:]
