"""Per-student seeds: the same student, assignment and base seed always give the same seed."""

from __future__ import annotations

import hashlib


def student_seed(base: int, assignment: str, student: str) -> int:
    """A 31-bit seed derived from the base seed, the assignment and the student id."""
    digest = hashlib.sha256(f"{base}:{assignment}:{student}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF
