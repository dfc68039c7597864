"""Seeding for repeatable runs (chapter 1 introduces it; every chapter and exercise uses it)."""

from __future__ import annotations

import os


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and the backend (``keras.utils.set_random_seed``) for repeatable runs.

    Seed *before* building a model: its initial weights are drawn when its layers are built.
    """
    import keras

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    keras.utils.set_random_seed(seed)


#: Set by the course's grader (``python -m grading``) in every student's kernel.
GRADING_SEED_ENV = "GRADING_SEED"


def exercise_seed(default: int = 42) -> int:
    """The seed of an exercise notebook: ``default`` when you run it, the grader's seed when it grades.

    The grader gives every student a seed of their own, so no answer passes or fails by the luck
    of one seed: the thresholds of the hidden tests hold for any seed (``tools/exercise_margins.py``).
    """
    raw = os.environ.get(GRADING_SEED_ENV, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ValueError(f"{GRADING_SEED_ENV}={raw!r} is not a non-negative integer")
    return int(raw) % 2**32
