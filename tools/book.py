"""The book's table of contents, read once, with the parser Jupyter Book itself uses.

``pages()`` lists every page of ``_toc.yml`` in reading order (root first, without suffix);
``chapters()`` the chapter notebooks among them. Used by the tests, the benchmark and the
browser check, so there is one TOC walker.
"""

from __future__ import annotations

from pathlib import Path

from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parents[1]


def pages(toc: Path = ROOT / "_toc.yml") -> list[str]:
    """Every document of the table of contents in reading order, root first."""
    site = parse_toc_yaml(toc)
    ordered: list[str] = []

    def walk(docname: str) -> None:
        ordered.append(docname)
        for subtree in site[docname].subtrees:
            for item in subtree.items:
                if isinstance(item, str):  # a document (URLs and globs are not pages)
                    walk(item)

    walk(site.root.docname)
    return ordered


def chapters(toc: Path = ROOT / "_toc.yml") -> list[Path]:
    """The chapter notebooks, in reading order."""
    return [ROOT / f"{page}.ipynb" for page in pages(toc) if page.startswith("chapters/")]


# -- the repository URL and the Colab set-up cell ------------------------------------------------

SETUP_MARKER = "# Colab setup: install the book's `lib` package"


def repository_url(config: Path = ROOT / "_config.yml") -> str:
    """The repository URL from the ``repository:`` block of ``_config.yml``, the one place it is set."""
    import yaml

    url = (yaml.safe_load(config.read_text()).get("repository") or {}).get("url")
    if not url:
        raise ValueError(f"{config} has no repository: url: entry")
    return str(url)


def colab_setup_source(url: str) -> str:
    """The first code cell of every notebook: installs ``lib`` on Colab, does nothing elsewhere."""
    # Written as ruff formats it, so the text sources stay format-clean.
    return (
        f"{SETUP_MARKER} (skipped elsewhere).\n"
        "import sys\n\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n\n"
        f'    package = "bdls-lib[colab] @ git+{url}"\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)'
    )


def paired_notebooks(root: Path = ROOT) -> list[Path]:
    """The notebooks with a jupytext text source: chapters and exercise sources."""
    return sorted(root.glob("chapters/*.ipynb")) + sorted(root.glob("exercises/source/*/*.ipynb"))
