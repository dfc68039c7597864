"""The grader's options as nbgrader configuration: ``c.Grader.*`` in the course's ``nbgrader_config.py``.

nbgrader's own apps read their options from ``nbgrader_config.py`` as traitlets
(``c.Execute.timeout = 300``); the grader does the same with one ``Grader``
section, so an instructor finds every setting in one file::

    c.Grader.workers = 4
    c.Grader.memory = "3G"

Command-line flags override these (``python -m grading --memory 4G``); what
neither sets takes the defaults documented on the traits below (and in
``grading/README.md``).
"""

from __future__ import annotations

import re

from traitlets import Bool, Enum, Integer, List, Unicode, validate
from traitlets.config import Configurable

UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def size(text: str | int) -> int:
    """Bytes in a size such as ``3G``, ``512M``, ``1.5GiB`` or a plain number of bytes."""
    if isinstance(text, int):
        return text
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*", str(text), re.IGNORECASE)
    if not match:
        raise ValueError(f"not a size: {text!r} (e.g. 2G, 512M)")
    return int(float(match.group(1)) * UNITS[match.group(2).upper()])


class Grader(Configurable):
    """Options of ``python -m grading`` (section ``c.Grader`` of ``nbgrader_config.py``)."""

    workers = Integer(2, help="Submissions graded at once (one kernel each).").tag(config=True)
    cell_timeout = Integer(0, help="Seconds per cell; 0: the course's Execute.timeout, else 60.").tag(config=True)
    submission_timeout = Integer(
        0, help="Seconds per submission; 0: every code cell's limit plus slack, at least 300."
    ).tag(config=True)
    memory = Unicode(
        "3G",
        help="Memory of a kernel and every process it starts (proportional set size), "
        "e.g. 3G; the kernel is stopped above it.",
    ).tag(config=True)
    address_space = Unicode(
        "", help="Virtual memory per process (RLIMIT_AS), e.g. 64G for GPU kernels; empty: max(8G, 4 x memory)."
    ).tag(config=True)
    max_output = Unicode("1M", help="Output kept per cell.").tag(config=True)
    seed = Integer(0, help="Base seed; each student's seed derives from it, the assignment and the student id.").tag(
        config=True
    )
    sandbox = Enum(
        ["auto", "require", "off"],
        "auto",
        help="auto: contain as far as this machine allows; require: refuse to grade without "
        "namespaces; off: no containment (limits still apply).",
    ).tag(config=True)
    hide = List(Unicode(), help="More paths kernels must not see.").tag(config=True)
    visible = List(
        Unicode(),
        help="Paths under hidden ones that kernels need, read-only (a data "
        "cache); each must be readable by the kernel's user.",
    ).tag(config=True)
    pass_env = List(Unicode(), help="More environment variables (glob patterns) passed to kernels.").tag(config=True)
    feedback = Bool(True, help="Write feedback HTML.").tag(config=True)
    integrity_checks = Bool(True, help="Check the kernel for tampering before test cells.").tag(config=True)

    @validate("memory", "max_output")
    def _valid_size(self, proposal):
        size(proposal["value"])
        return proposal["value"]

    @validate("address_space")
    def _valid_optional_size(self, proposal):
        if proposal["value"]:
            size(proposal["value"])
        return proposal["value"]

    @validate("workers")
    def _at_least_one(self, proposal):
        if proposal["value"] < 1:
            raise ValueError("Grader.workers must be at least 1")
        return proposal["value"]
