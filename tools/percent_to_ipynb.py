"""Write a chapter or exercise notebook from a percent-format script (authoring aid).

Usage: python tools/percent_to_ipynb.py SOURCE.py TARGET.ipynb [--gpu]

``# %% [markdown]`` starts a markdown cell (its lines lose the leading ``# ``),
``# %%`` a code cell, ``# %% tags=["hide-input"]`` a code cell with tags. The
Colab setup cell (see ``colab_setup_source``) is inserted right after the
first markdown cell, with the repository URL read from ``_config.yml``, the one
place it is set. ``--gpu`` asks Colab for a GPU accelerator. The notebook is
written without outputs: the book build executes it.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SETUP_MARKER = "# Colab setup: install the book's `lib` package"


def repository_url(config: Path = ROOT / "_config.yml") -> str:
    """The repository URL from the ``repository:`` block of ``_config.yml``."""
    text = config.read_text()
    match = re.search(r"^repository:\s*\n(?:\s+.*\n)*?\s+url:\s*(\S+)", text, re.MULTILINE)
    if not match:
        raise ValueError(f"{config} has no repository: url: entry")
    return match.group(1).strip("'\"")


def colab_setup_source(url: str) -> str:
    """The first code cell of every notebook: installs ``lib`` on Colab, does nothing elsewhere."""
    return (f"{SETUP_MARKER} (skipped elsewhere).\n"
            "import sys\n\n"
            "if \"google.colab\" in sys.modules:\n"
            "    import subprocess\n\n"
            "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\",\n"
            f"                    \"bdls-lib[colab] @ git+{url}\"], check=True)")


def parse_percent(text: str) -> list:
    cells, kind, tags, lines = [], None, [], []

    def flush():
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(re.sub(r"^# ?", "", line) for line in body.splitlines())
            cell = nbformat.v4.new_markdown_cell(body)
        else:
            cell = nbformat.v4.new_code_cell(body)
        if tags:
            cell.metadata["tags"] = tags
        cells.append(cell)

    for line in text.splitlines():
        header = re.match(r"^# %%(.*)$", line)
        if header:
            flush()
            rest = header.group(1).strip()
            kind = "markdown" if rest.startswith("[markdown]") else "code"
            tag_match = re.search(r"tags=(\[.*\])", rest)
            tags = json.loads(tag_match.group(1)) if tag_match else []
            lines = []
        elif kind is not None:
            lines.append(line)
    flush()
    return cells


def build(source: Path, target: Path, gpu: bool = False) -> None:
    cells = parse_percent(source.read_text())
    setup = nbformat.v4.new_code_cell(colab_setup_source(repository_url()))
    setup.metadata["tags"] = ["hide-cell"]
    first_markdown = next(i for i, c in enumerate(cells) if c.cell_type == "markdown")
    cells.insert(first_markdown + 1, setup)
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    notebook.metadata["language_info"] = {"name": "python"}
    if gpu:
        notebook.metadata["accelerator"] = "GPU"
        notebook.metadata["colab"] = {"gpuType": "T4", "provenance": []}
    for i, cell in enumerate(notebook.cells):
        cell["id"] = f"{target.stem[:20]}-{i:03d}"
    nbformat.validate(notebook)
    target.write_text(nbformat.writes(notebook) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--gpu", action="store_true", help="ask Colab for a GPU accelerator")
    args = parser.parse_args()
    build(args.source, args.target, args.gpu)
