"""Every option of ``python -m grading``, declared once: a trait of the ``Grader`` application.

Like nbgrader's apps, the grader is a ``traitlets`` ``Application``: its options are read from
the course's ``nbgrader_config.py`` (section ``c.Grader``, next to nbgrader's own settings) and
a command-line flag overrides them for one run (``--memory 4G``; ``--help-all`` lists them).
The flags are made from the traits below; what neither sets takes the trait's default. The
same object, with its typed values (sizes in bytes), goes to the grading steps.
"""

from __future__ import annotations

import os
import re

from traitlets import Bool, Enum, Integer, List, TraitError, TraitType, Unicode, validate
from traitlets.config import Application

from .course import Course

UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def size(text: str | int) -> int:
    """Bytes in a size such as ``3G``, ``512M``, ``1.5GiB`` or a plain number of bytes."""
    if isinstance(text, int):
        return text
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*", str(text), re.IGNORECASE)
    if not match:
        raise ValueError(f"not a size: {text!r} (e.g. 2G, 512M)")
    return int(float(match.group(1)) * UNITS[match.group(2).upper()])


class Size(TraitType):
    """A number of bytes, given as ``3G``, ``512M`` or a plain number (an empty text is 0)."""

    info_text = "a size such as 3G or 512M"

    def validate(self, obj, value):
        try:
            return 0 if value == "" else size(value)
        except ValueError:
            self.error(obj, value)

    def from_string(self, s):
        return s


class Grader(Application):
    """``python -m grading``: its options; ``grading.cli.main`` runs it."""

    name = "python -m grading"
    description = (
        "Autograde a folder of nbgrader submissions: seeded, sandboxed, in parallel, with feedback "
        "that never shows hidden tests. Options not given here come from c.Grader in the course's "
        "nbgrader_config.py. See instructors/grading.md."
    )
    examples = "python -m grading --course exercises --assignment 01_mnist --workers 2"

    # what to grade, and where the run's files go (usually given on the command line)
    course = Unicode(".", help="nbgrader course root (has nbgrader_config.py).").tag(config=True)
    assignment = Unicode("", help="Assignment id, as in the gradebook (required to grade).").tag(config=True)
    submissions = Unicode("", help="Folder with one sub-folder per student; empty: the course's submitted/.").tag(
        config=True
    )
    run_dir = Unicode(
        "", help="Folder for this run's files; run again with the same folder to resume. Empty: a new temp folder."
    ).tag(config=True)
    report = Unicode("", help="Also write the JSON report here.").tag(config=True)
    check_sandbox = Bool(False, help="Only report what the sandbox can do on this machine.").tag(config=True)

    # how to grade
    workers = Integer(2, help="Submissions graded at once (one kernel each).").tag(config=True)
    cell_timeout = Integer(0, help="Seconds per cell; 0: the course's Execute.timeout, else 60.").tag(config=True)
    submission_timeout = Integer(
        0, help="Seconds per submission; 0: every code cell's limit plus slack, at least 300."
    ).tag(config=True)
    memory = Size(
        "3G",
        help="Memory of a kernel and every process it starts (proportional set size); the kernel is stopped above it.",
    ).tag(config=True)
    address_space = Size(
        "", help="Virtual memory per process (RLIMIT_AS), e.g. 64G for GPU kernels; empty: max(8G, 4 x memory)."
    ).tag(config=True)
    max_output = Size("1M", help="Output kept per cell.").tag(config=True)
    seed = Integer(0, help="Base seed; each student's seed derives from it, the assignment and the student id.").tag(
        config=True
    )
    sandbox = Enum(
        ["auto", "require", "off"],
        "auto",
        help="auto: contain as far as this machine allows; require: refuse to grade without "
        "namespaces; off: no containment (limits still apply).",
    ).tag(config=True)
    bwrap = Unicode(
        "bwrap",
        help="bubblewrap, a name on PATH or a path: kernels run under it where it works; empty, missing "
        "or not working: the grader's own namespaces.",
    ).tag(config=True)
    hide = List(Unicode(), help="More paths kernels must not see (repeat the flag).").tag(config=True)
    visible = List(
        Unicode(),
        help="Paths under hidden ones that kernels need, read-only (a data cache); each must be readable "
        "by the kernels' user (repeat the flag).",
    ).tag(config=True)
    pass_env = List(
        Unicode(), help="More environment variables (glob patterns) passed to kernels (repeat the flag)."
    ).tag(config=True)
    feedback = Bool(True, help="Write feedback HTML.").tag(config=True)
    integrity_checks = Bool(True, help="Check the kernel for tampering before test cells.").tag(config=True)

    @validate("workers")
    def _at_least_one(self, proposal):
        if proposal["value"] < 1:
            raise TraitError("Grader.workers must be at least 1")
        return proposal["value"]

    @classmethod
    def for_course(cls, course, **settings) -> Grader:
        """The options of a run in Python: the course's ``c.Grader``, then ``settings`` over it."""
        app = cls(config=Course(course).config)
        app.course = str(course)
        for name, value in settings.items():
            if name not in app.traits(config=True):
                raise TraitError(f"unknown option {name!r}")
            paths = value if isinstance(value, list) else [value]
            paths = [os.fspath(v) if isinstance(v, os.PathLike) else v for v in paths]
            setattr(app, name, paths if isinstance(value, list) else paths[0])
        return app

    def exit(self, exit_status=0):
        # traitlets ends on a bad option with status 1, which means a failed submission here
        super().exit(2 if exit_status == 1 else exit_status)

    def initialize(self, argv=None) -> Course | None:
        """Read the command line, then the course's ``nbgrader_config.py`` under it."""
        self.parse_command_line(argv)
        unknown = [f"--{key}" for key, value in self.cli_config.items() if not hasattr(value, "items")]
        unknown += [f"--Grader.{key}" for key in self.cli_config.get("Grader", {}) if not self.has_trait(key)]
        if unknown or self.extra_args:
            raise TraitError(f"unknown option {' '.join(unknown + self.extra_args)} (see --help-all)")
        course = Course(self.course)
        self.update_config(course.config)
        self.update_config(self.cli_config)  # the command line wins
        return course


def _flags() -> tuple[dict, dict]:
    """``--name VALUE`` for each option, ``--name``/``--no-name`` for each yes/no option."""
    aliases, flags = {}, {}
    for name, trait in Grader.class_traits(config=True).items():
        if Grader.class_traits()[name].this_class is not Grader:
            continue  # Application's own (log level...) keep their --Application.* spelling
        flag = name.replace("_", "-")
        if isinstance(trait, Bool):
            flags[flag] = ({"Grader": {name: True}}, trait.help)
            flags[f"no-{flag}"] = ({"Grader": {name: False}}, f"The opposite of --{flag}.")
        else:
            aliases[flag] = f"Grader.{name}"
    return aliases, flags


Grader.aliases, Grader.flags = _flags()
