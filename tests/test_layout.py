"""The repository's shape: layout, clean notebooks, one repository URL, a complete table of contents."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from book import SETUP_MARKER, colab_setup_source, pages, repository_url

ROOT = Path(__file__).resolve().parents[1]

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
SOURCES = sorted((ROOT / "exercises" / "source").glob("*/*.ipynb"))


def tracked_files() -> list[str]:
    result = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip("not a git checkout")
    return result.stdout.splitlines()


def test_layout_exists():
    for name in (
        "_config.yml",
        "_toc.yml",
        "intro.md",
        "README.md",
        "requirements.txt",
        "pyproject.toml",
        ".ci/run",
        ".gitignore",
        "lib/__init__.py",
        "chapters",
        "exercises",
        "tests",
    ):
        assert (ROOT / name).exists(), name


def test_requirements_are_pinned():
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines
    for line in lines:
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.\-]+", line), f"unpinned requirement: {line}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_conventions(path):
    notebook = nbformat.read(path, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    # The first code cell installs lib on Colab, from the repository URL of _config.yml.
    assert code[0].source == colab_setup_source(repository_url())
    text = "\n".join(c.source for c in code)
    assert "import *" not in text and "filterwarnings" not in text and "simplefilter" not in text
    # one set-up call (seed + profile) and a run card near the start (CONTRIBUTING.md §7)
    assert "chapter.start(" in text and "show_run_card(" in text
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")


def test_repository_url_is_set_in_one_place():
    url = repository_url()
    assert url.startswith("https://github.com/")
    for path in CHAPTERS + SOURCES:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and cell.source.startswith(SETUP_MARKER):
                assert url in cell.source, f"{path.name}: Colab cell uses another URL than _config.yml"


def test_every_chapter_is_in_the_toc():
    listed = set(pages())
    for path in CHAPTERS:
        assert f"chapters/{path.stem}" in listed, f"{path.name} missing from _toc.yml"
    for entry in listed:
        assert any((ROOT / f"{entry}{suffix}").exists() for suffix in (".md", ".ipynb")), entry


#: Data that is committed on purpose: the exercises' checksummed Fashion-MNIST sample (exercises/README.md).
SHIPPED_DATA = {"lib/datasets/fashion_mnist_sample.npz"}


def test_nothing_generated_is_tracked():
    bad = [
        f
        for f in set(tracked_files()) - SHIPPED_DATA
        if f.startswith(("_build/", ".jupyter_cache/", "data/"))
        or "/_build/" in f
        or "__pycache__" in f
        or ".ipynb_checkpoints" in f
        or f.endswith((".keras", ".h5", ".npz", ".db"))
    ]
    assert bad == []
