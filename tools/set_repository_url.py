"""Change the repository URL everywhere it is used (run after forking or moving the book).

Usage: python tools/set_repository_url.py https://github.com/OWNER/REPO

The URL is set in ``_config.yml`` (``repository: url:``), the one documented
place; this script writes it there and regenerates the Colab setup cell of every
chapter and exercise notebook from it. ``tests/test_layout.py`` fails when they
disagree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from percent_to_ipynb import ROOT, SETUP_MARKER, colab_setup_source  # noqa: E402


def notebooks() -> list[Path]:
    """Every notebook that carries a Colab setup cell."""
    return sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("exercises/*/*/*.ipynb"))


def set_url(url: str) -> None:
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise SystemExit(f"not a GitHub repository URL: {url!r}")
    config = ROOT / "_config.yml"
    text, count = re.subn(r"(^repository:\s*\n(?:\s+.*\n)*?\s+url:\s*)\S+", rf"\g<1>{url}",
                          config.read_text(), count=1, flags=re.MULTILINE)
    if count != 1:
        raise SystemExit("_config.yml has no repository: url: entry")
    config.write_text(text)
    for path in notebooks():
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code" and cell.source.startswith(SETUP_MARKER):
                cell.source = colab_setup_source(url)
        nbformat.write(notebook, path)
    print(f"repository URL set to {url} in _config.yml and {len(notebooks())} notebooks")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    set_url(sys.argv[1])
