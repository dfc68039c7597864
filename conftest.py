"""Root conftest: the test run's plumbing (``tests/chapter_runs.py``) applies to every item,
chapters' nbval cells included, whichever paths pytest is given."""

from chapter_runs import pytest_collection_modifyitems, pytest_runtest_makereport, pytest_xdist_make_scheduler

__all__ = ["pytest_collection_modifyitems", "pytest_runtest_makereport", "pytest_xdist_make_scheduler"]
