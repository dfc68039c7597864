"""Trustworthy autograding on top of nbgrader: seeded, contained, leak-free, parallel.

Run ``python -m grading --help`` from the repository root; see ``instructors/grading.md`` (use)
and ``grading/README.md`` (design).
"""

from .config import Grader
from .course import CourseError
from .runner import grade
from .seeding import student_seed

__all__ = ["CourseError", "Grader", "grade", "student_seed"]
