"""Forking the book: the README's fork step leaves a consistent book and course.

In a temporary copy of the repository, ``python tools/set_repository_url.py URL`` is run as
the README says; then the copy's own checks of the repository URL, the Colab set-up cells
and the releases (``release/`` is what nbgrader generates from ``source/``) must pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORK = "https://github.com/someone-else/their-dl-course"


def repository_copy(target: Path) -> Path:
    """The files git would commit (tracked, and new ones not ignored), copied to ``target``."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.mark.slow
def test_forking_keeps_the_book_and_the_course_consistent(tmp_path):
    fork = repository_copy(tmp_path / "fork")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    step = subprocess.run(
        [sys.executable, "tools/set_repository_url.py", FORK],
        cwd=fork,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert step.returncode == 0, step.stdout + step.stderr
    assert FORK in (fork / "_config.yml").read_text()
    checks = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "tests/test_exercises.py::test_release_matches_source",
            "tests/test_layout.py",
            "tests/test_text_sources.py",
            "tests/test_binder_colab.py",
            "-k",
            "release_matches or repository or colab or agree",
        ],
        cwd=fork,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert checks.returncode == 0, checks.stdout[-6000:] + checks.stderr[-3000:]
    assert " passed" in checks.stdout and " failed" not in checks.stdout
    untouched = [path for path in (fork / "exercises" / "release").glob("*/*.ipynb") if FORK not in path.read_text()]
    assert not untouched, f"releases still install lib from the old repository: {untouched}"
