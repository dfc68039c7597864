"""Submissions that must not earn what they do not show, one module per assignment.

``tests/submissions/<assignment>.py`` defines

``WRONG``
    ``{"answers": {grade_id: code}, "expected": {test_grade_id: score}}``: a plausible
    wrong answer (solution cells not listed keep the instructor's answer) and the score
    *every* autograded test cell must then get;
``GAMING``
    ``{name: {"answers": {grade_id: code}, "zero": [test_grade_id, ...]}}``: submissions
    that try to get the points without the work (skip the "by hand" part, train on the
    test set, overwrite the reference data, fake a cross-validation, ...). Each must score
    0 on every test cell in ``zero``; its other cells are not constrained.

The round trip in ``tests/test_exercises.py`` autogrades all of them with
``python -m grading`` next to the instructor's solution (full marks), the untouched
release (zero) and :func:`cheating_answers` (zero).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent

# An answer that claims to equal anything: no test may be fooled by it.
ALWAYS_EQUAL = '''
class AlwaysEqual:
    """Equal to everything, with whatever shape a test might ask for."""
    shape = property(lambda self: self._shape)
    def __init__(self, shape=()):
        self._shape = shape
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __bool__(self):
        return True
    def __len__(self):
        return self._shape[0] if self._shape else 1
    def __getattr__(self, name):
        return lambda *args, **kwargs: self
'''


def load(assignment: str) -> ModuleType:
    """The submissions module of one assignment."""
    path = HERE / f"{assignment}.py"
    spec = importlib.util.spec_from_file_location(f"submissions_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cheating_answers(solution_code: dict[str, str]) -> dict[str, str]:
    """Every function of the solution replaced by one returning an ``AlwaysEqual``.

    Solution cells without a function are left unanswered. No test cell may give
    such a submission a single point.
    """
    answers = {}
    for grade_id, text in solution_code.items():
        names = re.findall(r"^def (\w+)\(", text, flags=re.MULTILINE)
        if names:
            answers[grade_id] = ALWAYS_EQUAL + "".join(
                f"\ndef {name}(*args, **kwargs):\n    return AlwaysEqual((3, 10))\n" for name in names
            )
    return answers
