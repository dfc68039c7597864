"""The test run's work units (``tests/chapter_runs.py``): what must share a worker does."""

from chapter_runs import work_group


def test_chapters_and_the_book_checks_share_one_unit():
    for nodeid in (
        "chapters/01_mnist.ipynb::Cell 0",
        "chapters/07_transfer_learning.ipynb::Cell 31",
        "tests/test_book_build.py::test_book_builds_strictly",
        "tests/test_browser.py::test_math_is_typeset[01_mnist]",
    ):
        assert work_group(nodeid) == "book", nodeid


def test_an_assignments_round_trip_is_one_unit():
    assert work_group("tests/test_exercises.py::test_solution_gets_full_marks[03_reuters]") == "round-trip-03_reuters"
    gaming = "tests/test_exercises.py::test_gaming_submissions_get_nothing_for_what_they_skip[03_reuters-scratch-x]"
    assert work_group(gaming) == "round-trip-03_reuters"
    assert work_group("tests/test_exercises.py::test_one_assignment_per_chapter") == "tests/test_exercises.py"


def test_other_tests_are_grouped_by_module():
    assert work_group("tests/test_text.py::test_multi_hot_marks_each_word_once") == "tests/test_text.py"
    assert work_group("tests/test_data.py::test_x[01_mnist]") == "tests/test_data.py"
