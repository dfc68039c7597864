"""The strict book build: it succeeds on the book and fails on a notebook that raises."""

from __future__ import annotations

import shutil

import nbformat
from book_build import ROOT, jupyter_book


def test_book_builds_strictly_with_every_chapter(built_book_html):
    for chapter in sorted((ROOT / "chapters").glob("*.ipynb")):
        page = built_book_html / "chapters" / f"{chapter.stem}.html"
        assert page.exists(), page
        html = page.read_text()
        assert "bdls-run-card" in html, f"{chapter.name}: no run card on the page"
        assert "_images/" in html, f"{chapter.name}: no figure on the page"
        assert "Traceback" not in html


def test_chapter_1_page_shows_model_and_provenance(built_book_html):
    html = (built_book_html / "chapters" / "01_mnist.html").read_text()
    assert "407,050" in html
    assert "MNIST: real" in html or "MNIST: STAND-IN" in html


def test_build_fails_when_a_cell_raises(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(ROOT / "_config.yml", book / "_config.yml")
    shutil.copy(ROOT / "references.bib", book / "references.bib")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: broken\n")
    (book / "intro.md").write_text("# Intro\n")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise RuntimeError('boom')")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, book / "broken.ipynb")
    result = jupyter_book("build", str(book), "--warningiserror", timeout=600)
    assert result.returncode != 0, "a notebook that raises must fail the strict build"
    assert "boom" in result.stdout + result.stderr
