"""Feedback students may see: every test's result and message, never the source
of hidden tests.

nbgrader's autograded notebook holds the instructor's test cells in full
(hidden tests included), and tracebacks print the failing hidden line. Here
each test cell keeps its visible part; the hidden part becomes one comment
line; a failed test shows only ``Error: message`` (no traceback); hidden-test
cells show no printed output; and any line of hidden-test source that turns
up anywhere in the outputs (a submission can print its caller's source) is
redacted. The HTML is made by nbgrader's own ``GenerateFeedback`` from this
sanitized notebook, with a summary table of all tests on top: the course's own
feedback preprocessors (``c.GenerateFeedback.preprocessors``) run as configured,
after ``SanitizeFeedback``, which sanitizes once more inside nbgrader's pipeline.
The hidden-test markers are the course's own (``grading.course.delimiters``).
"""

from __future__ import annotations

import copy
import html
import os
import re
import shutil
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader import utils
from traitlets import Bool, Dict
from traitlets.config import Config

from .course import CellInfo, NotebookInfo, delimiters

REDACTED = "[hidden test source removed]"
HIDDEN_NOTE = "# (hidden tests: not shown)"


def _secrets(info: NotebookInfo) -> list[str]:
    found = {line.strip() for cell in info.cells for line in cell.hidden_lines}
    return sorted((s for s in found if len(s) >= 6 and any(ch.isalnum() for ch in s)), key=len, reverse=True)


def _redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _redact_output(output: dict, secrets: list[str]) -> None:
    if "text" in output:
        output["text"] = _redact(output["text"], secrets)
    if "evalue" in output:
        output["evalue"] = _redact(output["evalue"], secrets)
    if "traceback" in output:
        output["traceback"] = [_redact(line, secrets) for line in output["traceback"]]
    for key, value in list(output.get("data", {}).items()):
        if isinstance(value, str):
            output["data"][key] = _redact(value, secrets)
        elif isinstance(value, list):
            output["data"][key] = [_redact(v, secrets) if isinstance(v, str) else v for v in value]


GRADER_ERRORS = (  # the names of the errors the grader puts in a cell (kernel.py)
    "IntegrityError",
    "CellTimeoutError",
    "MemoryLimitExceeded",
    "ProcessLimitExceeded",
    "DiskLimitExceeded",
    "KernelDied",
    "SandboxError",
)
TEMPLATES = Path(__file__).resolve().parent / "templates"  # nbconvert templates of the feedback page


def cell_message(cell: dict) -> str:
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    errors.sort(key=lambda o: o.get("ename") not in GRADER_ERRORS)  # the grader's own verdict first
    if errors:
        evalue = errors[0].get("evalue") or ""
        return f"{errors[0].get('ename')}: {evalue}" if evalue else str(errors[0].get("ename"))
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            return "wrote to standard error (nbgrader counts that as a failure)"
    return ""


ANSI = re.compile(r"\x1b\[[0-9;]*m")
CELL_FRAME = re.compile(
    r"(?:Cell In\s*\[\d*\],\s*line|<ipython-input-[^>]*>[^\n]*?line"
    r"|input-\d+-[0-9a-f]+>, line) (\d+)"
)


def failing_line(traceback: list[str]) -> int | None:
    """The line of the cell where an error was raised (its outermost frame), if the traceback says."""
    match = CELL_FRAME.search(ANSI.sub("", "\n".join(traceback)))
    return int(match.group(1)) if match else None


def sanitize(nb: nbformat.NotebookNode, info: NotebookInfo) -> nbformat.NotebookNode:
    """A copy of an autograded notebook that is safe to show the student.

    A failure raised on a hidden line keeps only the first line of its message:
    an explicit message (``assert ok, "must return an int"``) stays, but what
    libraries print below it (``numpy.testing``'s expected values) does not.
    """
    nb = copy.deepcopy(nb)
    secrets = _secrets(info)
    known = info.by_name()
    marks = info.delimiters
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        hidden = grade_id in known and bool(known[grade_id].hidden_lines)
        secret_numbers = {n for n, _ in marks.inside(cell.source, marks.hidden_tests)} if hidden else set()
        if hidden:
            cell.source = marks.strip_hidden(cell.source, HIDDEN_NOTE)
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        instructors = meta.get("locked") and not meta.get("grade") and not meta.get("solution")
        kept = []
        for output in cell.get("outputs", []):
            if instructors and output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue  # the course's own set-up cells: library start-up lines, nothing of the student's
            if output.get("output_type") == "error":
                line = failing_line(output.get("traceback", []))
                if hidden and (line is None or line in secret_numbers):
                    first = next((text for text in str(output.get("evalue", "")).splitlines() if text.strip()), "")
                    output["evalue"] = first.strip()
                output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
            elif hidden and output.get("output_type") in ("stream", "display_data", "execute_result"):
                continue
            _redact_output(output, secrets)
            kept.append(output)
        if hidden and len(kept) < len(cell.get("outputs", [])):
            kept.insert(
                0,
                nbformat.v4.new_output("stream", name="stdout", text="(printed output of hidden tests is not shown)\n"),
            )
        cell.outputs = kept
    return nb


def graded_results(nb: nbformat.NotebookNode, info: NotebookInfo) -> list[dict]:
    """Each graded cell's score and message, from a (sanitized) autograded notebook."""
    results = []
    seen = set()
    for cell in nb.cells:
        if not utils.is_grade(cell):
            continue
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        seen.add(grade_id)
        score, max_score = utils.determine_grade(cell)
        kind = "answer" if utils.is_solution(cell) else ("test" if cell.cell_type == "code" else "task")
        if score is None:
            status = "manual"
        elif score >= max_score:
            status = "passed"
        elif score > 0:
            status = "partial"
        else:
            status = "failed"
        if kind == "answer":
            message = {"manual": "graded by hand", "failed": "not answered"}.get(status, "")
        else:
            message = cell_message(cell) if status != "passed" else ""
        results.append(
            {"id": grade_id, "kind": kind, "status": status, "score": score, "max_score": max_score, "message": message}
        )
    for cell in info.cells:
        if (cell.grade or cell.task) and cell.name not in seen:
            results.append(
                {
                    "id": cell.name,
                    "kind": "test",
                    "status": "failed",
                    "score": 0.0,
                    "max_score": cell.points or 0.0,
                    "message": "missing from the graded notebook",
                }
            )
    return results


def summary_cell(student: str, notebook: str, results: list[dict], notes: list[str]) -> nbformat.NotebookNode:
    rows = ["| test | result | points | message |", "|---|---|---|---|"]
    for r in results:
        score = "–" if r["score"] is None else f"{r['score']:g}"
        message = html.escape(r["message"]).replace("|", "\\|").replace("\n", " ")[:300]
        rows.append(f"| `{r['id']}` | {r['status']} | {score} / {r['max_score']:g} | {message} |")
    text = [f"## Grading summary for {html.escape(student)}: `{notebook}`", "", *rows]
    if notes:
        text += ["", "Notes from the grader:", ""] + [f"- {html.escape(n)}" for n in notes]
    return nbformat.v4.new_markdown_cell("\n".join(text))


def notebook_info(nb: nbformat.NotebookNode, name: str, config: Config) -> NotebookInfo:
    """The cells of an autograded notebook as :func:`sanitize` needs them, read from the notebook
    itself (nbgrader's autograder puts the instructor's test cells back, hidden tests included)."""
    marks = delimiters(config)
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if "grade_id" in meta:
            cells.append(
                CellInfo(
                    name=meta["grade_id"],
                    cell_type=cell.cell_type,
                    grade=bool(meta.get("grade")),
                    solution=bool(meta.get("solution")),
                    locked=bool(meta.get("locked")),
                    task=bool(meta.get("task")),
                    points=meta.get("points"),
                    hidden_lines=marks.hidden_lines(cell.source),
                )
            )
    return NotebookInfo(name, cells, marks)


class SanitizeFeedback(Preprocessor):
    """``sanitize`` inside ``GenerateFeedback``: list it in ``c.GenerateFeedback.preprocessors`` so that
    plain ``nbgrader generate_feedback`` gives the same safe feedback as the grader.

    The grader hands in the cells it read from the gradebook (``notebooks``); nbgrader's own
    ``generate_feedback`` does not, and the cells are then read from the autograded notebook.
    """

    enabled = Bool(True, help="nbconvert runs a preprocessor only when it is enabled").tag(config=True)
    notebooks = Dict(help="notebook name -> its NotebookInfo (cells and hidden lines)")

    def preprocess(self, nb, resources):
        name = resources["nbgrader"]["notebook"]
        info = self.notebooks.get(name) or notebook_info(nb, name, self.config)
        return sanitize(nb, info), resources


PENDING = "*Graded by hand: no score yet ({points:g} points).*"


class PendingManualGrades(Preprocessor):
    """A written answer that waits for its grader shows "graded by hand", not a score of 0.

    Runs after nbgrader's ``GetGrades``, which gives such a cell the gradebook's score, 0 until a
    human has graded it: a cell whose grade still needs a manual grade keeps the student's
    answer, loses its grade mark (so nbgrader's template prints no score for it) and gets a
    note above it.
    """

    enabled = Bool(True, help="nbconvert runs a preprocessor only when it is enabled").tag(config=True)

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            notebook = gradebook.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
            pending = {grade.name for grade in notebook.grades if grade.needs_manual_grade}
        cells = []
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and meta.get("grade_id") in pending:
                meta["grade"] = False
                cells.append(nbformat.v4.new_markdown_cell(PENDING.format(points=meta.get("points") or 0)))
            cells.append(cell)
        nb.cells = cells
        return nb, resources


def write_feedback(
    course,
    assignment: str,
    student: str,
    sanitized: dict[str, nbformat.NotebookNode],
    infos: dict[str, NotebookInfo],
    scratch: Path,
) -> list[Path]:
    """HTML feedback via nbgrader's ``GenerateFeedback`` (scores read from the real gradebook), with
    the course's feedback preprocessors after the grader's sanitizer."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    scratch.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.merge(course.config)
    config.CourseDirectory.root = str(scratch)
    config.CourseDirectory.db_url = course.db_url
    config.CourseDirectory.assignment_id = assignment
    config.CourseDirectory.student_id = student
    own = course.config.GenerateFeedback.get("preprocessors", GenerateFeedback.preprocessors.default())
    config.GenerateFeedback.preprocessors = [SanitizeFeedback(notebooks=infos), *own]
    if not {"template_name", "template_file", "extra_template_basedirs"} & set(course.config.HTMLExporter):
        # nbgrader's page with the language, contrast and spacing axe-core asks for (templates/)
        import nbgrader.converters.generate_feedback as nbgrader_feedback

        own_templates = Path(nbgrader_feedback.__file__).parents[1] / "server_extensions" / "formgrader" / "templates"
        config.HTMLExporter.template_name = "grading_feedback"
        config.HTMLExporter.template_file = "page.html.j2"
        config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(own_templates)]
    if "sanitize_html" not in course.config.HTMLExporter:
        # the page shows the student's outputs, opened by the student and by instructors: no
        # script or event handler a submission printed runs in it (nbconvert's own sanitizer)
        config.HTMLExporter.sanitize_html = True
    coursedir = CourseDirectory(config=config)
    source = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    source.mkdir(parents=True, exist_ok=True)
    for name, nb in sanitized.items():
        nbformat.write(nb, source / f"{name}.ipynb")
    app = GenerateFeedback(coursedir=coursedir, config=config)
    app.force = True
    result = capture_log(app)
    if not result.get("success"):
        raise RuntimeError(f"nbgrader generate_feedback failed: {result.get('error', '')[-2000:]}")
    produced = Path(coursedir.format_path(coursedir.feedback_directory, student, assignment))
    target = course.path("feedback", student, assignment)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    written = []
    for path in sorted(produced.glob("*.html")):
        shutil.copy(path, target / path.name)
        os.chmod(target / path.name, 0o644)
        written.append(target / path.name)
    return written
