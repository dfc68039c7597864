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
