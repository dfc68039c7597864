"""Running ``jupyter-book`` from the environment that runs the tests (used by conftest and the build tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def jupyter_book(*args: str, cwd: Path = ROOT, timeout: int = 3000) -> subprocess.CompletedProcess:
    """Run ``jupyter-book`` from the environment running the tests."""
    executable = Path(sys.executable).with_name("jupyter-book")
    env = dict(os.environ, BDLS_PROFILE=os.environ.get("BDLS_PROFILE", "smoke"))
    # The kernel's inline backend puts the figures on the pages; MPLBACKEND=agg would drop them.
    env.pop("MPLBACKEND", None)
    return subprocess.run([str(executable), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
