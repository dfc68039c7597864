"""The test run's plumbing, for every pytest run (the repository's root ``conftest.py`` loads it).

* Each chapter executes once per run: nbval's cell items record their outputs, and a chapter
  whose every cell passed is handed to the strict book build's jupyter-cache
  (:func:`seed_book_cache`), so MyST-NB renders it instead of executing it again.
* The chapters' cells run first, so the book build finds them executed.
* Every core works: pytest-xdist hands out work units (:func:`work_group`). The chapters, the
  book build and the browser check are one unit that one worker runs in order (nbval's cells
  of a notebook share one kernel, and the build needs every chapter's outputs in its process);
  each assignment's round trip is a unit (the assignment is graded once, on the worker that
  runs its tests); every other module is a unit, so module fixtures are built once.
  (xdist's own ``loadgroup`` marks cannot do this with pytest 9, whose node ids ignore them.)
* nbval's chapter items and the modules in ``SLOW_MODULES`` are marked ``slow``, so
  ``-m "not slow"`` is a quick check.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

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


#: Modules that need the chapters' executions: they run on the worker that executed them.
BOOK_MODULES = {"test_book_build.py", "test_browser.py"}
#: an assignment's id as the first parameter of a test (``test_x[03_reuters]``, ``test_y[03_reuters-name]``)
ASSIGNMENT_PARAMETER = re.compile(r"\[(\d\d_[a-z_]+)[\]-]")


def work_group(nodeid: str) -> str:
    """The pytest-xdist work unit of a test: the tests of one unit run on one worker, in order."""
    path, _, test = nodeid.partition("::")
    name = Path(path).name
    if name.endswith(".ipynb") or name in BOOK_MODULES:
        return "book"
    assignment = ASSIGNMENT_PARAMETER.search(test) if name == "test_exercises.py" else None
    return f"round-trip-{assignment.group(1)}" if assignment else path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's scope scheduling with :func:`work_group` as the scope (largest units first)."""
    from xdist.scheduler import LoadScopeScheduling

    class WorkGroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_group(nodeid)

    return WorkGroupScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
        if _nbval_file(item) is not None:
            item.add_marker(pytest.mark.slow)
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
