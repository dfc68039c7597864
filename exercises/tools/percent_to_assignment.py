"""Write an nbgrader source notebook from a percent-format script (authoring aid).

Usage: python exercises/tools/percent_to_assignment.py SOURCE.py exercises/source/ID/ID.ipynb

The percent format is the one of ``tools/percent_to_ipynb.py`` (chapters), with
one word after ``# %%`` that makes a cell an nbgrader cell:

``# %% [markdown]``                       a plain markdown cell (instructions)
``# %%``                                  a plain code cell (students may edit it)
``# %% readonly id=setup``                a locked code cell: autograding restores it
``# %% solution id=task_1``               the student's answer cell; put the instructor's
                                          code between ``### BEGIN SOLUTION`` and
                                          ``### END SOLUTION``
``# %% tests id=test_task_1 points=2``    an autograder test cell (locked); hidden parts go
                                          between ``### BEGIN HIDDEN TESTS`` and
                                          ``### END HIDDEN TESTS``
``# %% [markdown] manual id=q1 points=2``  a written answer graded by hand; the whole cell
                                          is the model answer, and a rubric between
                                          ``=== BEGIN MARK SCHEME ===`` and
                                          ``=== END MARK SCHEME ===`` stays with the instructor

The Colab setup cell of the chapters (``tools/percent_to_ipynb.py``) is
inserted, locked, after the first markdown cell. The notebook is written without
outputs. After editing, regenerate the student version with
``nbgrader generate_assignment ID --force`` (see ``exercises/README.md``).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from percent_to_ipynb import colab_setup_source, repository_url  # noqa: E402

KINDS = ("readonly", "solution", "tests", "manual")


def nbgrader_metadata(kind: str, grade_id: str, points: float | None) -> dict:
    """The ``metadata.nbgrader`` block nbgrader's "Create Assignment" toolbar would write."""
    meta = {"grade_id": grade_id, "schema_version": 3, "task": False,
            "grade": kind in ("tests", "manual"),
            "solution": kind in ("solution", "manual"),
            "locked": kind in ("readonly", "tests")}
    if meta["grade"]:
        if points is None or points <= 0:
            raise ValueError(f"cell {grade_id!r} ({kind}) needs points > 0")
        meta["points"] = points
    return meta


def parse(text: str) -> list:
    cells, header, lines = [], None, []

    def flush():
        if header is None:
            return
        markdown, kind, options = header
        body = "\n".join(lines).strip("\n")
        if markdown:
            body = "\n".join(re.sub(r"^# ?", "", line) for line in body.splitlines())
            cell = nbformat.v4.new_markdown_cell(body)
        else:
            cell = nbformat.v4.new_code_cell(body)
        if kind:
            if "id" not in options:
                raise ValueError(f"a {kind} cell needs id=...: {body[:60]!r}")
            points = float(options["points"]) if "points" in options else None
            if points is not None and points.is_integer():
                points = int(points)
            cell.metadata["nbgrader"] = nbgrader_metadata(kind, options["id"], points)
            if kind == "manual" and not markdown:
                raise ValueError("manual (written) answers must be markdown cells")
        cells.append(cell)

    for line in text.splitlines():
        match = re.match(r"^# %%(.*)$", line)
        if match:
            flush()
            rest = match.group(1).strip()
            markdown = rest.startswith("[markdown]")
            rest = rest.removeprefix("[markdown]").split()
            kind = rest[0] if rest and rest[0] in KINDS else None
            options = dict(word.split("=", 1) for word in rest[1 if kind else 0:])
            header, lines = (markdown, kind, options), []
        elif header is not None:
            lines.append(line)
    flush()
    return cells


def build(source: Path, target: Path) -> None:
    cells = parse(source.read_text())
    setup = nbformat.v4.new_code_cell(colab_setup_source(repository_url()))
    setup.metadata["nbgrader"] = nbgrader_metadata("readonly", "colab_setup", None)
    first_markdown = next(i for i, c in enumerate(cells) if c.cell_type == "markdown")
    cells.insert(first_markdown + 1, setup)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in cells if "nbgrader" in c.metadata]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate nbgrader ids: {sorted(duplicates)}")
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    notebook.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(notebook.cells):
        cell["id"] = f"{target.stem[:20]}-{i:03d}"
    nbformat.validate(notebook)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(nbformat.writes(notebook) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    build(args.source, args.target)
