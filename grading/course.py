"""The instructor's nbgrader course as the grader sees it: configuration, paths,
the assignment's cells from the gradebook, and the gradebook's safety copies."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sqlite3
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader


class CourseError(Exception):
    """The course cannot be graded as asked (a clear message for the instructor)."""


@dataclass
class CellInfo:
    name: str
    cell_type: str
    grade: bool = False
    solution: bool = False
    locked: bool = False
    task: bool = False
    points: float | None = None
    checksum: str | None = None
    hidden_lines: list[str] = field(default_factory=list)  # never sent to students

    def metadata(self) -> dict:
        """The nbgrader metadata this cell must carry (what generate_assignment wrote)."""
        meta = {
            "grade": self.grade,
            "grade_id": self.name,
            "locked": self.locked,
            "schema_version": 3,
            "solution": self.solution,
            "cell_type": self.cell_type,
        }
        if self.task:
            meta["task"] = True
        if self.points is not None and (self.grade or self.task):
            meta["points"] = self.points
        if self.checksum:
            meta["checksum"] = self.checksum
        return meta


@dataclass
class NotebookInfo:
    name: str
    cells: list[CellInfo]  # in notebook order
    delimiters: Delimiters  # the course's region markers
    kernelspec: dict | None = None  # the source notebook's: the kernel every submission runs in

    def by_name(self) -> dict[str, CellInfo]:
        return {cell.name: cell for cell in self.cells}

    @property
    def max_score(self) -> float:
        return sum(cell.points or 0 for cell in self.cells if cell.grade or cell.task)


@dataclass
class AssignmentInfo:
    name: str
    notebooks: dict[str, NotebookInfo]

    @property
    def max_score(self) -> float:
        return sum(nb.max_score for nb in self.notebooks.values())


@dataclass(frozen=True)
class Delimiters:
    """The course's region markers, as its nbgrader configuration sets them (``delimiters``).

    Each is a ``(begin, end)`` pair; like nbgrader, a line that *contains* a marker opens
    or closes its region (``### BEGIN HIDDEN TESTS``).
    """

    solution: tuple[str, str]  # ClearSolutions.begin_solution_delimeter / end_solution_delimeter
    hidden_tests: tuple[str, str]  # ClearHiddenTests.begin_test_delimeter / end_test_delimeter
    mark_scheme: tuple[str, str]  # ClearMarkScheme.begin_mark_scheme_delimeter / end_mark_scheme_delimeter

    def inside(self, source: str, region: tuple[str, str]) -> list[tuple[int, str]]:
        """``(line number, line)`` of each line of ``source`` inside ``region`` (markers excluded; 1-based)."""
        begin, end = region
        found, inside = [], False
        for number, line in enumerate(source.splitlines(), start=1):
            if begin in line:
                inside = True
            elif end in line:
                inside = False
            elif inside:
                found.append((number, line))
        return found

    def hidden_lines(self, source: str) -> list[str]:
        """The lines between the hidden-test markers."""
        return [line for _, line in self.inside(source, self.hidden_tests)]

    def strip_hidden(self, source: str, note: str) -> str:
        """``source`` without its hidden tests (markers included); the first region becomes ``note``."""
        hidden = {number for number, _ in self.inside(source, self.hidden_tests)}
        begin, end = self.hidden_tests
        lines, noted = [], False
        for number, line in enumerate(source.splitlines(), start=1):
            if begin in line:
                if not noted:
                    lines.append(line[: len(line) - len(line.lstrip())] + note)
                    noted = True
            elif number not in hidden and end not in line:
                lines.append(line)
        return "\n".join(lines)


def delimiters(course: str | os.PathLike | Config) -> Delimiters:
    """The region markers of a course: from its ``nbgrader_config.py`` (a course root) or a loaded
    config, else nbgrader's defaults. The one place the grader (and the tests) read them."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearSolutions

    config = course if isinstance(course, Config) else Course(course).config
    solutions, hidden, scheme = (
        ClearSolutions(config=config),
        ClearHiddenTests(config=config),
        ClearMarkScheme(config=config),
    )
    return Delimiters(
        solution=(solutions.begin_solution_delimeter, solutions.end_solution_delimeter),
        hidden_tests=(hidden.begin_test_delimeter, hidden.end_test_delimeter),
        mark_scheme=(scheme.begin_mark_scheme_delimeter, scheme.end_mark_scheme_delimeter),
    )


class Course:
    """An nbgrader course root, read with its own ``nbgrader_config.py``."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise CourseError(f"course folder {self.root} does not exist")
        self.config_file = self.root / "nbgrader_config.py"
        self.config = self._load_config()
        self.config.CourseDirectory.root = str(self.root)
        self.coursedir = CourseDirectory(config=self.config)
        self.db_url = self.coursedir.db_url
        self.delimiters = delimiters(self.config)
        self.gradebook_path = Path(self.db_url[len("sqlite:///") :]) if self.db_url.startswith("sqlite:///") else None

    @contextlib.contextmanager
    def grading_lock(self):
        """Held while a grader grades this course; a second grader stops at once with a clear
        message. Two at once would both write the gradebook, and each would take the other's
        writes for tampering and undo them. (A lock of the operating system: it ends with the
        process that held it, however that ended.)"""
        path = Path(f"{self.gradebook_path}.grading-lock") if self.gradebook_path else self.root / ".grading-lock"
        try:
            handle = open(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "r+")
        except OSError as exc:
            raise CourseError(f"cannot create the grading lock {path}: {exc.strerror}") from exc
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = handle.read().strip() or "another process"
                raise CourseError(
                    f"another python -m grading ({holder}) is grading this course: one grader at a time "
                    "writes its gradebook; run this one when that one has ended"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}")
            handle.flush()
            yield

    def _load_config(self) -> Config:
        if not self.config_file.exists():
            return Config()
        try:
            return PyFileConfigLoader(self.config_file.name, path=str(self.root)).load_config()
        except Exception as exc:  # noqa: BLE001 - report any config error plainly
            raise CourseError(f"cannot read {self.config_file}: {exc}") from exc

    def path(self, step: str, student: str, assignment: str) -> Path:
        directory = getattr(self.coursedir, f"{step}_directory")
        return Path(self.coursedir.format_path(directory, student, assignment))

    def source_dir(self, assignment: str) -> Path:
        return self.path("source", ".", assignment)

    # ---------------------------------------------------------- assignment
    def assignment(self, name: str) -> AssignmentInfo:
        if self.gradebook_path is not None and not self.gradebook_path.exists():
            raise CourseError(
                f"no gradebook at {self.gradebook_path}: run `nbgrader generate_assignment {name}` in {self.root} first"
            )
        with Gradebook(self.db_url) as gb:
            try:
                record = gb.find_assignment(name)
            except MissingEntry:
                known = ", ".join(sorted(a.name for a in gb.assignments)) or "none"
                raise CourseError(
                    f"assignment {name!r} is not in the gradebook (known: {known}); run "
                    f"`nbgrader generate_assignment {name}` first"
                ) from None
            notebooks = {}
            for notebook in record.notebooks:
                grade = {c.name: c for c in notebook.grade_cells}
                solution = {c.name for c in notebook.solution_cells}
                task = {c.name: c for c in notebook.task_cells}
                cells = []
                for source in notebook.source_cells:
                    graded = grade.get(source.name) or task.get(source.name)
                    cells.append(
                        CellInfo(
                            name=source.name,
                            cell_type=source.cell_type,
                            grade=source.name in grade,
                            solution=source.name in solution,
                            locked=bool(source.locked),
                            task=source.name in task,
                            points=float(graded.max_score) if graded is not None else None,
                            checksum=source.checksum,
                            hidden_lines=self.delimiters.hidden_lines(source.source or ""),
                        )
                    )
                source_notebook = self.source_dir(name) / f"{notebook.name}.ipynb"
                kernelspec = None
                if source_notebook.is_file():
                    kernelspec = json.loads(source_notebook.read_bytes()).get("metadata", {}).get("kernelspec")
                notebooks[notebook.name] = NotebookInfo(notebook.name, cells, self.delimiters, kernelspec)
        if not notebooks:
            raise CourseError(f"assignment {name!r} has no notebooks in the gradebook")
        return AssignmentInfo(name, notebooks)

    # ---------------------------------------------------------- gradebook copies
    def backup_gradebook(self, target: Path) -> str | None:
        """A consistent copy of the gradebook (SQLite backup API); returns its content digest."""
        if self.gradebook_path is None:
            return None
        copy_sqlite(self.gradebook_path, target)
        return gradebook_digest(self.gradebook_path)

    def make_template(self, assignment: str, target: Path) -> None:
        """The gradebook a worker grades in: this assignment's definitions, no student at all."""
        if self.gradebook_path is None:
            raise CourseError("only SQLite gradebooks (sqlite:/// URLs) are supported")
        copy_sqlite(self.gradebook_path, target)
        with Gradebook(f"sqlite:///{target}") as gb:
            for student in list(gb.students):
                gb.remove_student(student.id)
            for other in list(gb.assignments):
                if other.name != assignment:
                    gb.remove_assignment(other.name)
        with sqlite3.connect(target) as db:  # drop the deleted rows' bytes from the file too
            db.execute("VACUUM")


def copy_sqlite(source: Path, target: Path) -> None:
    """A copy of a SQLite database, complete or absent (written aside, then renamed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    restore_sqlite(source, partial)
    os.chmod(partial, 0o600)
    os.replace(partial, target)


def gradebook_digest(path: Path) -> str:
    """Digest of the gradebook's content (its SQL dump), independent of file layout."""
    digest = hashlib.sha256()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for line in db.iterdump():
            digest.update(line.encode())
    finally:
        db.close()
    return digest.hexdigest()


def restore_sqlite(backup: Path, target: Path) -> None:
    """Put the backup's content back into the gradebook file (in place, via the backup API)."""
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@contextlib.contextmanager
def nbgrader_session_warnings_quiet():
    """nbgrader 0.9 with SQLAlchemy 2 warns about its own session handling when it adds a
    submission (``... not in session, add operation along ...``); the rows are written correctly
    (the tests read them back). Only that warning is silenced, only inside the block."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*not in session, add operation along.*")
        yield
