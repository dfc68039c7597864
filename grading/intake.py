"""Taking submissions in: find each student's notebooks, keep an untouched copy,
reject what cannot be graded with a clear reason, and repair what nbgrader
would otherwise mis-grade (nbgrader metadata edited, graded cells deleted)."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.utils import parse_utc

from .course import AssignmentInfo, NotebookInfo

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")
NOTICE = "# [grader] this cell was missing from the submission and was restored\n"


@dataclass
class Submission:
    student: str
    folder: Path  # the original folder (never written to)
    status: str = "pending"  # pending | rejected | graded | failed
    messages: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256 of the original
    listing: set[str] = field(default_factory=set)  # every path in the folder at intake
    notebooks: dict[str, Path] = field(default_factory=dict)  # assignment notebook -> prepared copy
    archive: Path | None = None  # untouched copy of the originals
    prepared: Path | None = None  # what the worker grades
    timestamp: str | None = None

    def reject(self, message: str) -> Submission:
        self.status = "rejected"
        self.messages.append(message)
        return self


def file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def discover(submissions: Path, assignment: str) -> tuple[list[Submission], list[str]]:
    """One ``Submission`` per student folder; notes about anything else found there.

    Two layouts: ``<student>/<notebooks>`` (a folder of collected submissions), or
    nbgrader's own ``<student>/<assignment>/<notebooks>`` (its ``submitted/``
    folder), recognised when any student folder has a sub-folder named after the
    assignment; there, a student without one has not submitted this assignment.
    """
    found, notes = [], []
    entries = [e for e in sorted(submissions.iterdir()) if not e.name.startswith(".")]
    nested = any(e.is_dir() and not e.is_symlink() and (e / assignment).is_dir() for e in entries)
    for entry in entries:
        if entry.is_symlink():
            notes.append(f"skipped {entry.name}: a symbolic link, not a student folder")
            continue
        if not entry.is_dir():
            notes.append(f"skipped {entry.name}: submissions must be folders named after the student")
            continue
        if nested and not (entry / assignment).is_dir():
            notes.append(f"{entry.name} has not submitted {assignment} (no {entry.name}/{assignment}/ folder)")
            continue
        sub = Submission(student=entry.name, folder=entry / assignment if nested else entry)
        if not STUDENT_ID.match(entry.name):
            sub.reject(f"invalid student id {entry.name!r} (letters, digits, _ . @ - only)")
        elif sub.folder.is_symlink():
            sub.reject(f"{entry.name}/{assignment} is a symbolic link, not a folder")
        found.append(sub)
    return found, notes


def listing(folder: Path) -> set[str]:
    found = set()
    for root, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            found.add(str((Path(root) / name).relative_to(folder)))
    return found


def archive(sub: Submission, target: Path, max_bytes: int, max_total: tuple[int, int]) -> None:
    """Copy the regular files of the submission (an untouched record) and note their digests.

    Files over ``max_bytes`` are ignored, and so are the files beyond ``max_total`` (bytes,
    files) of all but the notebooks, which come first: the submission is copied three times
    (archive, prepared, the kernel's working copy), a folder of data must not fill the disk."""
    target.mkdir(parents=True, exist_ok=True)
    sub.listing = listing(sub.folder)
    found = []
    for root, dirnames, filenames in os.walk(sub.folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        found.extend(Path(root) / name for name in sorted(filenames))
    budget_bytes, budget_files = max_total
    for path in sorted(found, key=lambda path: path.suffix != ".ipynb"):  # (a stable sort: walk order kept)
        relative = path.relative_to(sub.folder)
        if path.is_symlink() or not path.is_file():
            sub.messages.append(f"ignored {relative}: not a regular file")
            continue
        size = path.stat().st_size
        if size > max_bytes:
            sub.messages.append(f"ignored {relative}: larger than {max_bytes // 2**20} MiB")
            continue
        if path.suffix != ".ipynb":
            if size > budget_bytes or budget_files == 0:
                sub.messages.append(
                    f"ignored {relative}: the submission's other files may add up to "
                    f"{max_total[0] // 2**20} MiB and {max_total[1]} files"
                )
                continue
            budget_bytes, budget_files = budget_bytes - size, budget_files - 1
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        sub.files[str(relative)] = file_digest(destination)
    sub.archive = target
    stamp = target / "timestamp.txt"
    if stamp.exists():
        sub.timestamp = stamp.read_text().strip() or None


def grade_ids(nb: nbformat.NotebookNode) -> list[str]:
    return [
        cell.metadata.get("nbgrader", {}).get("grade_id")
        for cell in nb.cells
        if isinstance(cell.metadata.get("nbgrader"), dict) and cell.metadata["nbgrader"].get("grade_id")
    ]


def read_notebook(path: Path, max_bytes: int) -> tuple[nbformat.NotebookNode | None, str | None]:
    """The notebook, or why it cannot be read."""
    if path.stat().st_size > max_bytes:
        return None, f"{path.name} is larger than {max_bytes // 2**20} MiB"
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"{path.name} is not UTF-8 text ({exc.reason} at byte {exc.start})"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, (
            f"{path.name} is not valid notebook JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno} (the file is damaged; ask the student to re-export it)"
        )
    if not isinstance(data, dict) or "cells" not in data or not isinstance(data.get("cells"), list):
        return None, f"{path.name} is JSON but not a notebook (no list of cells)"
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds
        return None, f"{path.name} is not a readable notebook: {exc}"
    for cell in nb.cells:
        if not isinstance(cell.get("source", ""), str):
            return None, f"{path.name} has a cell whose source is not text"
        if not isinstance(cell.get("metadata", {}), dict):
            return None, f"{path.name} has a cell whose metadata is not a mapping"
    return nb, None


def match_notebooks(sub: Submission, assignment: AssignmentInfo, max_bytes: int) -> dict[str, nbformat.NotebookNode]:
    """Map the submission's notebooks to the assignment's (by name, or by content if renamed)."""
    expected = assignment.notebooks
    candidates = sorted(p for p in sub.archive.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not candidates:
        sub.reject("empty submission: no notebook (.ipynb) in the folder")
        return {}
    readable: dict[Path, nbformat.NotebookNode] = {}
    for path in candidates:
        nb, problem = read_notebook(path, max_bytes)
        if problem:
            if path.stem in expected:
                sub.reject(problem)
                return {}
            sub.messages.append(f"ignored {path.relative_to(sub.archive)}: {problem}")
        else:
            readable[path] = nb
    matched: dict[str, nbformat.NotebookNode] = {}
    foreign: list[str] = []
    for path, nb in readable.items():
        ids = set(grade_ids(nb))
        if path.stem in expected and path.parent == sub.archive:
            known = {cell.name for cell in expected[path.stem].cells}
            if ids and not ids & known:
                foreign.append(path.name)
                continue
            matched[path.stem] = nb
    for path, nb in readable.items():  # renamed copies ("fx (1).ipynb") recognised by their cells
        if path.stem in matched:
            continue
        ids = set(grade_ids(nb))
        for name, info in expected.items():
            known = {cell.name for cell in info.cells}
            if name not in matched and ids and len(ids & known) >= max(1, len(known) // 2):
                matched[name] = nb
                sub.messages.append(f"graded {path.relative_to(sub.archive)} as {name}.ipynb (renamed)")
                break
        else:
            if path.name not in foreign:
                sub.messages.append(f"ignored {path.relative_to(sub.archive)}: not a notebook of this assignment")
    if not matched:
        names = ", ".join(f"{n}.ipynb" for n in expected)
        if foreign:
            sub.reject(
                f"{', '.join(foreign)} belongs to another assignment: none of its graded cells are "
                f"cells of {assignment.name!r} (expected {names})"
            )
        else:
            sub.reject(f"no notebook of assignment {assignment.name!r} (expected {names})")
        return {}
    for name in expected:
        if name not in matched:
            sub.messages.append(f"{name}.ipynb is missing: its tasks score zero")
    return matched


def normalize(nb: nbformat.NotebookNode, info: NotebookInfo) -> tuple[nbformat.NotebookNode, list[str]]:
    """Give every known cell the nbgrader metadata the gradebook says it has; restore missing ones.

    Students can edit metadata (un-mark a test as graded, change its points,
    unlock it) or delete graded cells. nbgrader restores a locked cell's source
    but trusts the rest; here the gradebook decides. A missing test or read-only
    cell comes back empty with its id, so nbgrader's ``OverwriteCells`` fills in
    the instructor's source when grading (the grader never writes hidden tests
    anywhere a student can see); a missing answer cell comes back empty.
    """
    nb = copy.deepcopy(nb)
    notes = []
    theirs = nb.metadata.get("kernelspec")
    if info.kernelspec and theirs != info.kernelspec:
        # the kernel the student's notebook names could be one without the grader's start-up file
        name = theirs.get("name") if isinstance(theirs, dict) else None
        if name != info.kernelspec.get("name"):
            notes.append(f"kernel {name!r} replaced by the assignment's, {info.kernelspec.get('name')!r}")
        nb.metadata["kernelspec"] = copy.deepcopy(info.kernelspec)
    known = info.by_name()
    last_copy = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if isinstance(meta, dict) and meta.get("grade_id") in known:
            last_copy[meta["grade_id"]] = index
    cell_ids = set()
    for index, cell in enumerate(nb.cells):
        if cell.get("id") in cell_ids or "id" in cell and not cell.get("id"):
            cell["id"] = f"grader-{index}"
        cell_ids.add(cell.get("id"))
        meta = cell.metadata.get("nbgrader")
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if grade_id in last_copy and last_copy[grade_id] != index:
            # nbgrader grades the last copy of a duplicated cell; earlier copies are plain code
            del cell.metadata["nbgrader"]
            notes.append(
                f"cell {grade_id!r} appears more than once: the last copy is graded, "
                "earlier copies run as ordinary code"
            )
    seen: list[str] = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if grade_id not in known:
            del cell.metadata["nbgrader"]
            if grade_id:
                notes.append(f"cell {grade_id!r} is not part of this assignment: run as ordinary code")
            continue
        truth = known[grade_id].metadata()
        truth.pop("checksum", None)
        changed = sorted(
            k
            for k in ("grade", "solution", "locked", "points", "task")
            if k in truth and meta.get(k) != truth[k] or (k not in truth and meta.get(k))
        )
        if changed and grade_id not in seen:
            notes.append(f"cell {grade_id!r}: nbgrader metadata edited ({', '.join(changed)}); restored")
        cell.metadata["nbgrader"] = {**{k: v for k, v in meta.items() if k == "checksum"}, **truth}
        seen.append(grade_id)
    order = [cell.name for cell in info.cells]
    for name in order:
        if name in seen:
            continue
        meta = known[name].metadata()
        cell_type = known[name].cell_type
        source = "" if known[name].solution else NOTICE.rstrip("\n") if cell_type == "code" else ""
        new = nbformat.v4.new_code_cell(source) if cell_type == "code" else nbformat.v4.new_markdown_cell(source)
        new.metadata["nbgrader"] = meta
        position = _insert_position(nb, order, name)
        nb.cells.insert(position, new)
        seen.append(name)
        kind = "answer" if known[name].solution else ("test" if known[name].grade else "read-only")
        notes.append(
            f"{kind} cell {name!r} was deleted: restored" + (" (empty, scores zero)" if known[name].solution else "")
        )
    return nb, notes


def _insert_position(nb: nbformat.NotebookNode, order: list[str], name: str) -> int:
    index = order.index(name)
    positions = {cell.metadata.get("nbgrader", {}).get("grade_id"): i for i, cell in enumerate(nb.cells)}
    for earlier in reversed(order[:index]):
        if earlier in positions:
            return positions[earlier] + 1
    for later in order[index + 1 :]:
        if later in positions:
            return positions[later]
    return len(nb.cells)


def prepare(
    sub: Submission,
    assignment: AssignmentInfo,
    run_dir: Path,
    *,
    max_notebook_bytes: int,
    max_file_bytes: int,
    max_total: tuple[int, int],
) -> Submission:
    """Archive, check and prepare one submission for the workers."""
    if sub.status == "rejected":
        return sub
    archive(sub, run_dir / "originals" / sub.student, max_file_bytes, max_total)
    if sub.timestamp:
        try:
            parse_utc(sub.timestamp)
        except (ValueError, OverflowError):
            # nbgrader would fail on it; ignoring it would drop a late penalty
            return sub.reject(f"timestamp.txt holds {sub.timestamp[:60]!r}, not a time nbgrader can read")
    matched = match_notebooks(sub, assignment, max_notebook_bytes)
    if sub.status == "rejected":
        return sub
    prepared = run_dir / "prepared" / sub.student
    prepared.mkdir(parents=True)
    notebooks = {p for p in sub.archive.rglob("*.ipynb")}
    for relative in sub.files:
        path = sub.archive / relative
        if path in notebooks:
            continue
        destination = prepared / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    for name, nb in matched.items():
        fixed, notes = normalize(nb, assignment.notebooks[name])
        sub.messages.extend(f"{name}.ipynb: {note}" for note in notes)
        target = prepared / f"{name}.ipynb"
        nbformat.write(fixed, target)
        sub.notebooks[name] = target
    sub.prepared = prepared
    return sub


def verify_originals(subs: list[Submission]) -> list[str]:
    """Check that no original changed during grading; put back any that did (from the archive)
    and remove files that appeared in a student's folder while grading ran."""
    problems = []
    for sub in subs:
        if sub.archive is None:
            continue
        for relative in sorted(listing(sub.folder) - sub.listing, key=len, reverse=True):
            path = sub.folder / relative
            problems.append(f"{sub.student}: {relative} appeared during grading; removed")
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        for relative, digest in sub.files.items():
            original = sub.folder / relative
            if not original.exists() or original.is_symlink() or file_digest(original) != digest:
                problems.append(f"{sub.student}: {relative} changed during grading; restored from the archive")
                original.parent.mkdir(parents=True, exist_ok=True)
                if original.is_symlink():
                    original.unlink()
                shutil.copy2(sub.archive / relative, original)
    return problems


class Snapshot:
    """A copy of instructor files taken before grading, to detect and undo changes made while
    student code ran (possible only when the sandbox could not hide them)."""

    def __init__(self, paths: list[Path], backup: Path):
        self.backup = backup
        self.entries: dict[Path, tuple[str, Path]] = {}
        self.roots = [p for p in paths if p.exists()]
        self.listings = {root: listing(root) for root in self.roots if root.is_dir()}
        for index, root in enumerate(self.roots):
            files = (
                [root] if root.is_file() else [p for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()]
            )
            for path in files:
                copy = backup / str(index) / (path.relative_to(root) if root.is_dir() else path.name)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, copy)
                self.entries[path] = (file_digest(copy), copy)

    def verify_and_restore(self) -> list[str]:
        problems = []
        for path, (digest, saved) in self.entries.items():
            if path.is_symlink() or not path.exists() or file_digest(path) != digest:
                problems.append(f"{path} changed while submissions ran; restored from the copy taken before")
                if path.is_symlink():
                    path.unlink()
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(saved, path)
        for root, before in self.listings.items():
            for relative in sorted(listing(root) - before, key=len, reverse=True):
                path = root / relative
                problems.append(f"{path} appeared while submissions ran; removed")
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
        return problems
