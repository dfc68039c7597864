"""Shared fixtures and the test run's plumbing.

* An isolated data cache per test, offline mode.
* One strict book build per session (``built_book_html``), which reuses the chapter
  executions nbval has just checked: each chapter runs once per test run. nbval's cell
  items record their outputs; a chapter whose every cell passed is handed to the build's
  jupyter-cache, so MyST-NB renders it instead of executing it again.
* Parallel runs (``pytest -n 2``, pytest-xdist with ``--dist loadgroup``): the chapters and
  everything that needs the built book share one worker (in that order), and all the tests of
  one graded assignment share one worker, so nothing is executed or graded twice.
* nbval's chapter items and the modules in ``SLOW_MODULES`` are marked ``slow``, so
  ``-m "not slow"`` is a quick check.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from local_http import serving

ROOT = Path(__file__).resolve().parents[1]
#: chapter notebook path -> the notebook with the outputs nbval's kernel produced (every cell passed)
EXECUTED: dict[Path, nbformat.NotebookNode] = {}
_FAILED: set[Path] = set()


def _nbval_file(item) -> Path | None:
    """The notebook of an nbval cell item (None for other items)."""
    if type(item).__name__ == "IPyNbCell":
        return Path(str(item.parent.fspath)).resolve()
    return None


#: Test modules that train models, build the book, drive a browser or run the grader: minutes each.
SLOW_MODULES = {
    "test_book_build.py",
    "test_browser.py",
    "test_chapter_01.py",
    "test_chapters_2_4.py",
    "test_chapters_5_7.py",
    "test_grading.py",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
        notebook = _nbval_file(item)
        if notebook is not None:
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("book"))
        elif "built_book_html" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("book"))
        elif "graded_course" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(f"graded-{item.callspec.params['assignment']}"))
    # nbval's chapters first, so the book build finds them executed
    items.sort(key=lambda item: _nbval_file(item) is None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    notebook = _nbval_file(item)
    if notebook is None or call.when != "call":
        return
    report = outcome.get_result()
    if not report.passed or notebook in _FAILED:
        _FAILED.add(notebook)
        EXECUTED.pop(notebook, None)
        return
    EXECUTED[notebook] = item.parent.nb  # item.cell is a cell of this notebook
    item.cell.outputs = [nbformat.from_dict(output) for output in (item.test_outputs or [])]


def seed_book_cache(output: Path) -> list[Path]:
    """Hand nbval's executed chapters to the jupyter-cache the build in ``output`` will use."""
    if not EXECUTED:
        return []
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(output / "_build" / ".jupyter_cache")
    for path, notebook in EXECUTED.items():
        cache.cache_notebook_bundle(CacheBundleIn(notebook, str(path)), check_validity=False, overwrite=True)
    return list(EXECUTED)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A fresh, empty data cache (``BDLS_DATA_DIR``) for one test."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("BDLS_DATA_DIR", str(directory))
    return directory


@pytest.fixture(scope="session")
def url_for(tmp_path_factory):
    """``url_for(path)``: an ``http://127.0.0.1`` URL for a file under pytest's temporary folder."""
    base = tmp_path_factory.getbasetemp().resolve()
    with serving(base) as root:
        yield lambda path: root + Path(path).resolve().relative_to(base).as_posix()


@pytest.fixture
def offline(monkeypatch):
    """Force offline mode, as CI does."""
    monkeypatch.setenv("BDLS_OFFLINE", "1")


@pytest.fixture
def online_allowed(monkeypatch):
    """Let loaders try their (test-controlled) real sources."""
    monkeypatch.setenv("BDLS_OFFLINE", "0")


def jupyter_book(*args: str, cwd: Path = ROOT, timeout: int = 3000) -> subprocess.CompletedProcess:
    """Run ``jupyter-book`` from the environment running the tests."""
    executable = Path(sys.executable).with_name("jupyter-book")
    env = dict(os.environ, BDLS_PROFILE=os.environ.get("BDLS_PROFILE", "smoke"))
    # The kernel's inline backend puts the figures on the pages; MPLBACKEND=agg would drop them.
    env.pop("MPLBACKEND", None)
    return subprocess.run([str(executable), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def built_book_html(tmp_path_factory) -> Path:
    """The whole book built once, strictly (``-W``), in the smoke profile; returns ``_build/html``.

    Skips nothing: a failing notebook or a warning fails every test that uses it.
    """
    output = tmp_path_factory.mktemp("book")
    seed_book_cache(output)
    result = jupyter_book("build", str(ROOT), "--path-output", str(output), "--warningiserror", "--keep-going")
    if result.returncode != 0:
        pytest.fail(
            f"strict book build failed (exit {result.returncode}):\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
        )
    html = output / "_build" / "html"
    assert (html / "index.html").exists()
    return html
