"""The feedback preprocessors plain ``nbgrader generate_feedback`` runs (grading/feedback.py), without a kernel."""

from __future__ import annotations

import nbformat
from traitlets.config import Config

from grading.feedback import HIDDEN_NOTE, SanitizeFeedback

HIDDEN_TEST = """assert answer() > 0, "answer must be positive"
### BEGIN HIDDEN TESTS
assert answer() == 42, "answer is not what the task asks for"
### END HIDDEN TESTS
"""


def autograded_notebook():
    """What nbgrader's autograder leaves: the instructor's test cell back in full, its failure's traceback."""
    setup = nbformat.v4.new_code_cell("import tensorflow")
    setup.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True, "grade_id": "setup"}
    setup.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="I0000 port.cc:153] oneDNN custom operations\n")
    ]
    test = nbformat.v4.new_code_cell(HIDDEN_TEST)
    test.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "grade_id": "test_answer",
        "points": 1,
    }
    test.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="answer: 41\n"),
        nbformat.v4.new_output(
            "error",
            ename="AssertionError",
            evalue="answer is not what the task asks for\nexpected 42",
            traceback=[
                "Traceback (most recent call last):",
                '  Cell In[3], line 3\n    assert answer() == 42, "answer is not what the task asks for"',
                "AssertionError: answer is not what the task asks for",
            ],
        ),
    ]
    return nbformat.v4.new_notebook(cells=[setup, test])


def test_sanitize_feedback_reads_the_hidden_lines_from_the_notebook_itself():
    preprocessor = SanitizeFeedback(config=Config())
    assert preprocessor.enabled, "nbconvert skips a preprocessor that is not enabled"
    nb, _ = preprocessor.preprocess(autograded_notebook(), {"nbgrader": {"notebook": "answer"}})
    setup, test = nb.cells
    assert setup.outputs == [], "the course's set-up cell keeps no library start-up lines"
    assert "answer() == 42" not in test.source and HIDDEN_NOTE in test.source
    assert 'assert answer() > 0, "answer must be positive"' in test.source
    shown = nbformat.writes(nb)
    assert "== 42" not in shown and "expected 42" not in shown and "answer: 41" not in shown
    (error,) = [output for output in test.outputs if output.output_type == "error"]
    assert error.traceback == ["AssertionError: answer is not what the task asks for"]
