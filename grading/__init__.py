"""Trustworthy autograding on top of nbgrader: seeded, contained, leak-free, parallel.

Run ``python -m grading --help`` from the repository root; see ``grading/README.md``.
"""

from .course import CourseError
from .runner import Options, grade
from .seeding import student_seed

__all__ = ["CourseError", "Options", "grade", "student_seed"]
