"""The one set-up call at the top of every chapter (chapter 1 introduces it).

>>> config = chapter.start(PROFILES, seed=42)   # doctest: +SKIP

seeds everything and returns the row of the chapter's profile table in force
(see :mod:`lib.profiles`), with ``config.profile`` and ``config.seed`` set, so the
first screen of a chapter is the lesson, not the plumbing.

>>> chapter.glue("test_accuracy", test_accuracy)   # doctest: +SKIP

hands a number of *this* run to the page's text (``{glue:text}`test_accuracy:.3f```
in a markdown cell), so the prose never types in a result.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from lib.profiles import settings
from lib.seeding import seed_everything


def start(table: dict[str, dict], seed: int = 42, profile: str | None = None) -> SimpleNamespace:
    """Seed Python, NumPy and Keras with ``seed``; return the settings of the profile in force."""
    seed_everything(seed)
    config = settings(table, profile)
    if hasattr(config, "seed"):
        raise ValueError("'seed' is reserved: it is added to the settings")
    config.seed = seed
    return config


def glue(name: str, value: Any) -> None:
    """Store ``value`` under ``name`` for MyST-NB's ``{glue:text}`` role, without displaying it.

    NumPy scalars are stored as Python numbers, so a format such as ``:.3f`` applies to
    them. Where MyST-NB is not installed (Colab), nothing is stored: the book is built
    elsewhere, and the chapter's cells print the numbers anyway.
    """
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    myst_glue(name, value, display=False)
