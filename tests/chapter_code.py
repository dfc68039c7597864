"""The code a chapter teaches, taken from its text source, so tests can check it against ``lib``.

d2l's pattern, tested: a chapter writes the lines of its lesson in sight (the multi-hot
vectorizer, the convolution loop, the k-fold loop ...); ``lib`` keeps the tested version
that later chapters and the exercises call. ``chapter_namespace`` runs the chapter's cells
that *define* things (functions and classes, and the imports they need) without running
its training cells, and returns the names they define.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]


def definition_cells(chapter: str) -> list[str]:
    """Sources of the code cells of ``chapters/<chapter>.py`` that only import and define."""
    notebook = jupytext.read(ROOT / "chapters" / f"{chapter}.py")
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics: not definitions
            continue
        kinds = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
        if tree.body and all(isinstance(node, kinds) for node in tree.body):
            cells.append(cell.source)
    return cells


def chapter_namespace(chapter: str) -> dict:
    """Everything the chapter's import-and-define cells define, e.g. ``ns["vectorize_sequences"]``."""
    namespace: dict = {"__name__": f"chapter_{chapter}"}
    for source in definition_cells(chapter):
        exec(compile(source, f"chapters/{chapter}.py", "exec"), namespace)  # noqa: S102 -- our own chapter
    return namespace
