"""Shared fixtures: an isolated data cache per test, offline mode, a loopback file server, and
one strict book build per session (``built_book_html``) that reuses the chapter executions
nbval has just checked (``tests/chapter_runs.py``, loaded for every run by the root conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from book_build import ROOT, jupyter_book
from chapter_runs import seed_book_cache
from local_http import serving


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
