"""Seeding for repeatable runs (chapter 1 introduces it; every chapter and exercise uses it)."""

from __future__ import annotations


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and the backend (``keras.utils.set_random_seed``) for repeatable runs.

    Seed *before* building a model: its initial weights are drawn when its layers are built.
    """
    import keras

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    keras.utils.set_random_seed(seed)
