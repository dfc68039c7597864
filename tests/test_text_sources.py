"""Notebooks and their text sources: every pair in sync, no outputs in git, ruff clean.

Chapters (and exercise sources) are written in jupytext's percent format (``NN_name.py``,
the reviewed source) and paired with the ``.ipynb`` that Binder, Colab, nbgrader and the book
use. After editing either, ``jupytext --sync PATH`` brings the other along.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
PAIRED = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "exercises" / "source").glob("*/*.ipynb"))
NOTEBOOKS = PAIRED + sorted((ROOT / "exercises" / "release").glob("*/*.ipynb"))
# nbgrader's cell metadata and the book's cell tags are part of what a text source must carry.
KEPT_METADATA = ("tags", "nbgrader")


def cells(notebook) -> list[tuple]:
    return [
        (cell.cell_type, cell.source.strip(), {key: cell.metadata.get(key) for key in KEPT_METADATA})
        for cell in notebook.cells
    ]


def text_source(notebook_path: Path) -> Path:
    return notebook_path.with_suffix(".py")


@pytest.mark.parametrize("path", PAIRED, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_and_text_source_agree(path):
    source = text_source(path)
    assert source.exists(), (
        f"{source.relative_to(ROOT)} is missing: run `jupytext --set-formats ipynb,py:percent {path}`"
    )
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent", "not paired with jupytext"
    text = jupytext.read(source)
    mismatched = [i for i, (a, b) in enumerate(zip(cells(text), cells(notebook), strict=False)) if a != b]
    assert len(text.cells) == len(notebook.cells) and not mismatched, (
        f"{path.relative_to(ROOT)} and its .py differ (cells {mismatched or 'count'}): run `jupytext --sync {source}`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebooks_carry_no_outputs(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                f"{path.relative_to(ROOT)} has outputs ({cell.source[:60]!r}): the book and grader execute notebooks"
            )


def test_pairs_sync_both_ways(tmp_path):
    """A change to the text source reaches the notebook through jupytext, and back."""
    chapter = PAIRED[0]
    for suffix in (".ipynb", ".py"):
        shutil.copy(chapter.with_suffix(suffix), tmp_path / f"chapter{suffix}")
    text = (tmp_path / "chapter.py").read_text() + "\n# %% [markdown]\n# A new closing remark.\n"
    (tmp_path / "chapter.py").write_text(text)
    jupytext_cli = [sys.executable, "-m", "jupytext"]
    subprocess.run([*jupytext_cli, "--sync", str(tmp_path / "chapter.py")], check=True, capture_output=True)
    notebook = nbformat.read(tmp_path / "chapter.ipynb", as_version=4)
    assert notebook.cells[-1].source == "A new closing remark."


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


#: What the book's code column (and a Jupyter or Colab window) shows without scrolling.
CODE_COLUMN = 88


@pytest.mark.parametrize("path", sorted((ROOT / "chapters").glob("*.ipynb")), ids=lambda p: p.name)
def test_chapter_code_fits_the_books_code_column(path):
    """Every line of a code cell the page shows fits the column (cells removed from the page excepted)."""
    too_long = [
        line
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code" and "remove-cell" not in cell.metadata.get("tags", [])
        for line in cell.source.splitlines()
        if len(line) > CODE_COLUMN
    ]
    assert not too_long, f"{len(too_long)} code lines wider than {CODE_COLUMN} characters: {too_long[:3]}"


def test_ruff_lint_is_clean():
    result = ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout[-4000:]


def test_ruff_format_is_clean():
    result = ruff("format", "--no-cache", "--check", ".")
    assert result.returncode == 0, result.stdout[-4000:]
