"""Compute profiles: how much work a chapter does on the machine at hand (chapter 1).

One environment variable, ``BDLS_PROFILE``, selects the profile:

``full``
    the deck's settings on all the data; the default when a GPU is visible.
``cpu``
    the default without a GPU (laptop, Binder): each chapter ≤ 5 min on 2 cores
    and ≤ 1.5 GB of RAM (peak RSS), using the full data where that is affordable.
``smoke``
    for CI: every line still runs, on tiny samples, in ≤ 60 s per chapter.

A chapter states its numbers for all three profiles in one visible table, one
line per setting (:func:`table`), and asks :func:`settings` for the profile in
force, so a reader sees exactly what their run does and what the full run would do.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

PROFILE_ENV = "BDLS_PROFILE"
PROFILES = ("full", "cpu", "smoke")


def gpu_available() -> bool:
    """Whether TensorFlow sees a GPU."""
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def current_profile() -> str:
    """The profile in force: ``BDLS_PROFILE`` if set, else ``full`` with a GPU and ``cpu`` without."""
    requested = os.environ.get(PROFILE_ENV, "").strip().lower()
    if requested:
        if requested not in PROFILES:
            raise ValueError(f"{PROFILE_ENV}={requested!r} is not a profile; choose one of {', '.join(PROFILES)}")
        return requested
    return "full" if gpu_available() else "cpu"


def table(**columns: tuple) -> dict[str, dict]:
    """A profile table written one line per setting, ``name=(full, cpu, smoke)`` (chapter 1).

    >>> table(epochs=(5, 5, 2), batch_size=(128, 128, 128))["smoke"]
    {'epochs': 2, 'batch_size': 128}

    Returns the table :func:`settings` reads: each profile mapped to its values.
    A value that is not a tuple of three, one per profile, is an error.
    """
    for name, values in columns.items():
        if not isinstance(values, tuple) or len(values) != len(PROFILES):
            raise ValueError(f"{name}={values!r}: give one value per profile, as a tuple ({', '.join(PROFILES)})")
    return {profile: {name: values[i] for name, values in columns.items()} for i, profile in enumerate(PROFILES)}


def settings(table: dict[str, dict], profile: str | None = None) -> SimpleNamespace:
    """The row of a chapter's profile table for the profile in force.

    ``table`` maps each of ``full``, ``cpu`` and ``smoke`` to a dict of
    settings with the same keys; a missing profile or a mismatch of keys is an
    error, so no profile can silently lack a setting. The result allows
    attribute access (``config.epochs``) and carries ``config.profile``.
    """
    profile = profile or current_profile()
    if profile not in PROFILES:
        raise ValueError(f"profile {profile!r} is not one of {', '.join(PROFILES)}")
    missing = [name for name in PROFILES if name not in table]
    if missing:
        raise ValueError(f"the profile table lacks {', '.join(missing)}")
    keys = set(table["full"])
    for name in PROFILES:
        if set(table[name]) != keys:
            raise ValueError(f"profile {name!r} has keys {sorted(table[name])}, expected {sorted(keys)}")
    if "profile" in keys:
        raise ValueError("'profile' is reserved: it is added to the settings")
    return SimpleNamespace(profile=profile, **table[profile])
