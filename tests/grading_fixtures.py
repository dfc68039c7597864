"""A tiny nbgrader course for the grader's tests, and the submissions graded in them.

The assignment ``fx`` has one notebook with two tasks, each with a solution
cell and a test cell holding visible and hidden tests (5 points):

- ``square(x)`` (2 points): the hidden test checks the *type* of the answer,
  so an object whose ``==`` always holds fails;
- ``column_means(a)`` (3 points): checked with ``numpy.testing``.

The hidden tests carry the markers ``SECRET_SQUARE`` and ``SECRET_MEANS``; a
test asserts they never reach feedback or a kernel's output.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]  # where ``python -m grading`` finds the grader
ASSIGNMENT = "fx"
HIDDEN_MARKERS = ("SECRET_SQUARE", "SECRET_MEANS")
MAX_SCORE = 5.0


def _meta(
    grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False, points: float | None = None
) -> dict:
    nb = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        nb["points"] = points
    return {"nbgrader": nb}


def source_notebook() -> nbformat.NotebookNode:
    """The instructor's notebook: solutions and hidden tests."""
    cells = [
        new_markdown_cell("# Fixture assignment\nTwo small tasks.", metadata=_meta("intro", locked=True)),
        new_code_cell("import math\nimport random", metadata=_meta("setup", locked=True)),
        new_code_cell(
            "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
            metadata=_meta("square", solution=True),
        ),
        new_code_cell(
            'assert square(3) == 9, "square(3) should be 9"\n'
            "### BEGIN HIDDEN TESTS\n"
            "# SECRET_SQUARE: the hidden checks of square\n"
            "result = square(12)\n"
            'assert type(result) is int, "square of an int must be an int"\n'
            'assert result == 144, "square(12) is wrong"\n'
            "### END HIDDEN TESTS",
            metadata=_meta("test_square", grade=True, locked=True, points=2),
        ),
        new_code_cell(
            "import numpy as np\n\ndef column_means(a):\n    ### BEGIN SOLUTION\n"
            "    return np.asarray(a, dtype=float).mean(axis=0)\n    ### END SOLUTION",
            metadata=_meta("means", solution=True),
        ),
        new_code_cell(
            "import numpy as np\n"
            "np.testing.assert_allclose(column_means([[1, 2], [3, 4]]), [2.0, 3.0])\n"
            "### BEGIN HIDDEN TESTS\n"
            "# SECRET_MEANS: the hidden checks of column_means\n"
            "out = column_means(np.arange(12).reshape(4, 3))\n"
            'assert isinstance(out, np.ndarray) and out.shape == (3,), "must return a 1-d array"\n'
            "np.testing.assert_allclose(out, [4.5, 5.5, 6.5])\n"
            "### END HIDDEN TESTS",
            metadata=_meta("test_means", grade=True, locked=True, points=3),
        ),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the nbgrader of this environment in ``cwd``."""
    env = dict(os.environ)
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def grader_command(course: Path, assignment: str, *flags: str) -> list[str]:
    """``python -m grading --course COURSE --assignment ASSIGNMENT FLAGS...``, as an instructor types it."""
    return [sys.executable, "-m", "grading", "--course", str(course), "--assignment", assignment, *flags]


def run_grader(
    course: Path, assignment: str, *flags: str, env: dict | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    """Run :func:`grader_command` from the repository root, its output captured as text.

    ``env`` defaults to this environment with the repository on ``PYTHONPATH``.
    """
    return subprocess.run(
        grader_command(course, assignment, *flags),
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)) if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def build_course(root: Path) -> Path:
    """Create the course (config, source, release via nbgrader, gradebook) at ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'fixture'\nc.Execute.timeout = 30\n"
    )
    source = root / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    nbformat.write(source_notebook(), source / f"{ASSIGNMENT}.ipynb")
    (source / "data.txt").write_text("a data file released with the assignment\n")
    nbgrader("generate_assignment", ASSIGNMENT, "--create", "--force", cwd=root)
    return root


def release_notebook(course: Path) -> nbformat.NotebookNode:
    return nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def find_cell(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(grade_id)


SOLVED = {
    "square": "def square(x):\n    return x * x",
    "means": "import numpy as np\n\ndef column_means(a):\n    return np.asarray(a, dtype=float).mean(axis=0)",
}


def answered(
    course: Path, answers: dict[str, str] | None = None, *, extra_before: dict[str, str] | None = None
) -> nbformat.NotebookNode:
    """The released notebook with ``answers`` (grade id -> source; default: correct answers).

    ``extra_before`` inserts an ungraded code cell right before the cell with
    that grade id (how a student adds their own cells).
    """
    nb = copy.deepcopy(release_notebook(course))
    for grade_id, source in {**SOLVED, **(answers or {})}.items():
        find_cell(nb, grade_id).source = source
    for grade_id, source in (extra_before or {}).items():
        index = nb.cells.index(find_cell(nb, grade_id))
        nb.cells.insert(index, new_code_cell(source))
    return nb


def submit(
    folder: Path, student: str, nb: nbformat.NotebookNode | str | bytes | None, name: str = f"{ASSIGNMENT}.ipynb"
) -> Path:
    """Write a student's submission folder ``folder/student/`` (raw text for malformed files)."""
    directory = folder / student
    directory.mkdir(parents=True, exist_ok=True)
    if nb is None:
        return directory
    path = directory / name
    if isinstance(nb, bytes):
        path.write_bytes(nb)
    elif isinstance(nb, str):
        path.write_text(nb)
    else:
        nbformat.write(nb, path)
    return directory


def copy_course(template: Path, target: Path) -> Path:
    shutil.copytree(template, target, symlinks=True)
    return target


def notebook_json(nb: nbformat.NotebookNode) -> str:
    return json.dumps(nb)


# ---------------------------------------------------------------- hostile submissions

WRONG_SQUARE = "def square(x):\n    return x + x"
WRONG_MEANS = "import numpy as np\n\ndef column_means(a):\n    return np.zeros(np.asarray(a).shape[1])"


def probe_paths_cell(paths: dict[str, str]) -> str:
    """Code that tries to read and write each path and prints OPEN/BLOCKED per label."""
    return (
        "import os, json\n"
        f"targets = {json.dumps(paths)}\n"
        "for label, path in sorted(targets.items()):\n"
        "    try:\n"
        "        if os.path.isdir(path):\n"
        "            names = os.listdir(path)\n"
        "            state = 'OPEN' if names else 'BLOCKED'\n"
        "        else:\n"
        "            with open(path, 'rb') as handle:\n"
        "                data = handle.read()\n"
        "            state = 'OPEN' if data else 'BLOCKED'\n"
        "    except OSError as exc:\n"
        "        state = 'BLOCKED'\n"
        "    print(f'read {label}: {state}')\n"
        "found = []\n"
        "here = os.getcwd()\n"
        "for _ in range(8):\n"
        "    try:\n"
        "        for root, dirs, files in os.walk(here):\n"
        "            for name in files:\n"
        "                if name.endswith(('.ipynb', '.db')):\n"
        "                    try:\n"
        "                        if b'SECRET_' in open(os.path.join(root, name), 'rb').read():\n"
        "                            found.append(os.path.join(root, name))\n"
        "                    except OSError:\n"
        "                        pass\n"
        "            if len(dirs) > 200:\n"
        "                break\n"
        "    except OSError:\n"
        "        pass\n"
        "    here = os.path.dirname(here)\n"
        "print('secrets found:', len(found))\n"
    )


def write_attack_cell(paths: dict[str, str]) -> str:
    """Code that tries to change the gradebook and other files; prints WRITABLE/BLOCKED per label."""
    return (
        "import os, json, sqlite3\n"
        f"targets = {json.dumps(paths)}\n"
        "for label, path in sorted(targets.items()):\n"
        "    try:\n"
        "        if not os.path.exists(path):\n"
        "            raise FileNotFoundError(path)  # not even visible\n"
        "        if path.endswith('.db'):\n"
        "            db = sqlite3.connect(path)\n"
        "            db.execute('UPDATE grade SET manual_score = 999')\n"
        "            db.execute('DELETE FROM submitted_assignment')\n"
        "            db.execute('CREATE TABLE IF NOT EXISTS planted (x)')\n"
        "            db.commit()\n"
        "            db.close()\n"
        "        elif os.path.isdir(path):\n"
        "            with open(os.path.join(path, 'planted.txt'), 'w') as handle:\n"
        "                handle.write('x')\n"
        "        else:\n"
        "            with open(path, 'a') as handle:\n"
        "                handle.write('tampered')\n"
        "        state = 'WRITABLE'\n"
        "    except Exception as exc:\n"
        "        state = 'BLOCKED'\n"
        "    print(f'write {label}: {state}')\n"
    )


NETWORK_CELL = (
    "import socket\n"
    "print('interfaces:', sorted(name for _, name in socket.if_nameindex()))\n"
    "try:\n"
    "    socket.create_connection(('192.0.2.1', 80), timeout=2)\n"
    "    print('network: OPEN')\n"
    "except OSError as exc:\n"
    "    print('network: BLOCKED', type(exc).__name__)\n"
)

SEED_CELL = (
    "import random\nimport numpy as np\nprint('seeded:', random.random(), float(np.random.rand()), hash('abc'))\n"
)


def other_assignment_notebook() -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[
            new_code_cell("def cube(x):\n    return x ** 3", metadata=_meta("cube", solution=True)),
            new_code_cell("assert cube(2) == 8", metadata=_meta("test_cube", grade=True, locked=True, points=1)),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def hostile_submissions(course: Path, folder: Path, secrets: dict[str, str], writes: dict[str, str]) -> dict:
    """Write the suite of broken and hostile submissions; returns {student: expected score or None}.

    ``None`` means the submission must be rejected (not graded). Scores assume
    the cell time limit and memory limit the tests use (a few seconds, 300 MiB).
    """
    expected = {}

    def add(student, nb, score, name=f"{ASSIGNMENT}.ipynb"):
        submit(folder, student, nb, name)
        expected[student] = score

    add("good", answered(course), 5)
    add("wrong", answered(course, {"square": WRONG_SQUARE}), 3)
    # time: an endless test call, and an endless cell that ignores the interrupt
    add("loop", answered(course, {"square": "def square(x):\n    while True:\n        pass"}), 3)
    add(
        "loop_deaf",
        answered(
            course,
            {
                "square": "def square(x):\n    return x * x\n"
                "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                "while True:\n    pass"
            },
        ),
        3,
    )
    # memory: resident growth (killed by the watchdog) and one huge allocation (address-space limit)
    add(
        "hog",
        answered(course, {"means": "import numpy as np\nblocks = []\nwhile True:\n    blocks.append(np.ones(10**7))"}),
        2,
    )
    add("hog_once", answered(course, {"means": "import numpy as np\nhuge = np.ones(10**11)"}), 2)
    # the kernel leaves: exit and segmentation fault
    add("exits", answered(course, {"square": "import os\nos._exit(3)"}), 3)
    add("segfault", answered(course, {"square": "import ctypes\nctypes.string_at(0)"}), 3)
    # a folder named like an installed package, shipped with the notebook: the package still wins
    shadow = "import tqdm\nprint('tqdm from', tqdm.__file__)\n" + SOLVED["square"]
    add("shadows_a_package", answered(course, {"square": shadow}), 5)
    (folder / "shadows_a_package" / "tqdm").mkdir()
    (folder / "shadows_a_package" / "tqdm" / "__init__.py").write_text("raise SystemExit('the shipped tqdm')\n")
    # a fork bomb (2**10 processes at most: a bomb without end would be unsafe where nothing ends it)
    add(
        "fork_bomb",
        answered(course, {"square": "import os, time\nfor _ in range(10):\n    os.fork()\ntime.sleep(60)"}),
        3,
    )
    # files without end in its folder (each empty: RLIMIT_FSIZE never applies)
    add(
        "fills_its_folder",
        answered(
            course, {"square": "import time\nfor i in range(30_000):\n    open(f'f{i}', 'w').close()\ntime.sleep(60)"}
        ),
        3,
    )
    # output floods
    add(
        "flood",
        answered(
            course, extra_before={"square": "for i in range(300000):\n    print('x' * 100)\nprint('y' * 30_000_000)"}
        ),
        5,
    )
    # answers that compare equal to anything
    add(
        "always_equal",
        answered(
            course,
            {
                "square": "class Anything:\n    def __eq__(self, other):\n        return True\n"
                "    def __ne__(self, other):\n        return False\n\ndef square(x):\n    return Anything()",
                "means": "class Sneaky(float):\n    def __eq__(self, other):\n        return True\n\n"
                "def column_means(a):\n    return [Sneaky(0.0)] * len(a[0])",
            },
        ),
        0,
    )
    # tampering with error reporting and with the helpers tests use
    add(
        "hide_tracebacks",
        answered(
            course,
            {"square": WRONG_SQUARE},
            extra_before={"square": "get_ipython().showtraceback = lambda *args, **kwargs: None"},
        ),
        3,
    )
    add(
        "custom_exc",
        answered(
            course,
            {"square": WRONG_SQUARE},
            extra_before={"square": "get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)"},
        ),
        3,
    )
    add(
        "fake_assert",
        answered(
            course,
            {"means": WRONG_MEANS},
            extra_before={
                "square": "import builtins\nclass AssertionError(Warning):\n    pass\n"
                "builtins.AssertionError = AssertionError\n"
                "import numpy as np\nnp.testing.assert_allclose = lambda *args, **kwargs: None"
            },
        ),
        2,
    )
    # test cells: edited, metadata changed, deleted, duplicated
    edited = answered(course, {"square": WRONG_SQUARE})
    find_cell(edited, "test_square").source = "pass"
    add("edited_test", edited, 3)
    unmarked = answered(course, {"square": WRONG_SQUARE})
    find_cell(unmarked, "test_square").metadata["nbgrader"].update(grade=False, locked=False, points=0)
    add("unmarked_test", unmarked, 3)
    deleted = answered(course, {"square": WRONG_SQUARE})
    deleted.cells = [
        c for c in deleted.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in ("test_square", "test_means")
    ]
    add("deleted_tests", deleted, 3)
    duplicated = answered(course, {"square": WRONG_SQUARE})
    copy_cell = copy.deepcopy(find_cell(duplicated, "test_square"))
    copy_cell.source = "pass"
    copy_cell.id = "duplicate-of-test-square"
    duplicated.cells.append(copy_cell)
    add("duplicated_test", duplicated, 3)
    # reading secrets, writing where it must not, the network
    add("reads_secrets", answered(course, extra_before={"square": probe_paths_cell(secrets)}), 5)
    add("writes_gradebook", answered(course, extra_before={"square": write_attack_cell(writes)}), 5)
    add("network", answered(course, extra_before={"square": NETWORK_CELL}), 5)
    # files that are not gradable
    good_json = json.dumps(answered(course))
    add("malformed", good_json[: len(good_json) // 2], None)
    add("foreign", other_assignment_notebook(), None)
    add("foreign_named", other_assignment_notebook(), None, name="other.ipynb")
    add("empty", None, None)
    return expected
