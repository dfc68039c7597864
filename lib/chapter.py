"""The one set-up call at the top of every chapter (chapter 1 introduces it).

>>> config = chapter.start(PROFILES, seed=42)   # doctest: +SKIP

seeds everything and returns the row of the chapter's profile table in force
(see :mod:`lib.profiles`), with ``config.profile`` and ``config.seed`` set, so the
first screen of a chapter is the lesson, not the plumbing.
"""

from __future__ import annotations

from types import SimpleNamespace

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
