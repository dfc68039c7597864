"""Change the repository URL everywhere it is used (run after forking or moving the book).

Usage: python tools/set_repository_url.py https://github.com/OWNER/REPO

The URL is set in ``_config.yml`` (``repository: url:``), the one documented place
(the launch buttons are generated from it). This command writes it there, rewrites the
Colab set-up cell of every chapter and exercise source (the notebook and its jupytext
text source), and regenerates the students' releases through nbgrader, so that
``exercises/release/`` stays exactly what nbgrader makes of ``exercises/source/``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
from book import ROOT, SETUP_MARKER, colab_setup_source, paired_notebooks


def nbgrader_command() -> str:
    """nbgrader from the running environment (the project's .venv), else from PATH."""
    beside = Path(sys.executable).with_name("nbgrader")
    found = str(beside) if beside.exists() else shutil.which("nbgrader")
    if not found:
        raise SystemExit("nbgrader is not installed: run `bash tools/setup.sh` and use .venv/bin/python")
    return found


def set_url(url: str, root: Path = ROOT) -> None:
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise SystemExit(f"not a GitHub repository URL: {url!r}")
    config = root / "_config.yml"
    text, count = re.subn(
        r"(^repository:\s*\n(?:\s+.*\n)*?\s+url:\s*)\S+",
        rf"\g<1>{url}",
        config.read_text(),
        count=1,
        flags=re.MULTILINE,
    )
    if count != 1:
        raise SystemExit("_config.yml has no repository: url: entry")
    config.write_text(text)

    notebooks = paired_notebooks(root)
    for path in notebooks:
        notebook = jupytext.read(path)
        for cell in notebook.cells:
            if cell.cell_type == "code" and cell.source.startswith(SETUP_MARKER):
                cell.source = colab_setup_source(url)
        jupytext.write(notebook, path)
        if path.with_suffix(".py").exists():
            jupytext.write(notebook, path.with_suffix(".py"), fmt="py:percent")

    course = root / "exercises"
    assignments = sorted(p.parent.name for p in course.glob("source/*/*.ipynb"))
    for assignment in assignments:
        subprocess.run(
            [nbgrader_command(), "generate_assignment", assignment, "--force", "--no-db"],
            cwd=course,
            check=True,
            capture_output=True,
            text=True,
        )
    print(
        f"repository URL set to {url} in _config.yml and {len(notebooks)} notebooks; "
        f"{len(assignments)} releases regenerated"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    set_url(sys.argv[1])
