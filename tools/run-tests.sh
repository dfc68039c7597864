#!/usr/bin/env bash
# Install everything (tools/setup.sh), then run the whole test suite offline in the
# smoke profile: lib unit tests, chapter execution (nbval, reused by the strict book build:
# each chapter runs once), the grader's round trips (never more kernels than cores), the browser
# check, on every core. Extra arguments go to pytest (e.g. -k data, -x, -m "not slow").
set -euo pipefail
cd "$(dirname "$0")/.."
BDLS_SETUP_BROWSER=1 bash tools/setup.sh  # with Chromium for the browser check, where apt can install it
# nbgrader and jupyter start helper programs (alembic, jupyter-*) by name: use the venv's.
export PATH="$PWD/.venv/bin:$PATH"
export BDLS_OFFLINE=1 BDLS_PROFILE=smoke
# Keep the tests' downloads/stand-ins out of the user's cache.
export BDLS_DATA_DIR=${BDLS_TEST_DATA_DIR:-$PWD/.pytest_cache/bdls-data}
# Matplotlib's font cache of this checkout's own environment: a shared ~/.cache/matplotlib built
# by another (since deleted) environment lacks matplotlib's fonts, and its "findfont" warnings
# would land on the pages as stderr.
export MPLCONFIGDIR=$PWD/.pytest_cache/matplotlib
# Every core works (pytest-xdist; tests/chapter_runs.py groups what must share a worker);
# BDLS_TEST_WORKERS=0 runs in one process.
exec .venv/bin/python -m pytest -n "${BDLS_TEST_WORKERS:-auto}" --dist loadscope "$@"
