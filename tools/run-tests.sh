#!/usr/bin/env bash
# Install everything (tools/setup.sh), then run the whole test suite offline in the
# smoke profile: lib unit tests, chapter execution (nbval, reused by the strict book build),
# the grader's round trips, the browser check. Both cores: pytest-xdist with
# BDLS_TEST_WORKERS workers (default 2; 0 runs in one process), grouped so that nothing runs
# twice (tests/conftest.py). Extra arguments go to pytest (e.g. -k data, -x, -m "not slow").
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
# nbgrader and jupyter start helper programs (alembic, jupyter-*) by name: use the venv's.
export PATH="$PWD/.venv/bin:$PATH"
export BDLS_OFFLINE=1 BDLS_PROFILE=smoke
# Keep the tests' downloads/stand-ins out of the user's cache.
export BDLS_DATA_DIR=${BDLS_TEST_DATA_DIR:-$PWD/.pytest_cache/bdls-data}
exec .venv/bin/python -m pytest -n "${BDLS_TEST_WORKERS:-2}" --dist loadgroup "$@"
