#!/usr/bin/env bash
# Install everything (tools/setup.sh), then build the HTML book into _build/html.
# Notebooks are executed through jupyter-cache; the build fails if any cell fails.
# The profile is BDLS_PROFILE if set, else `full` with a GPU and `cpu` without.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
unset MPLBACKEND   # the kernels' inline backend must put figures on the pages
start=$(date +%s)
.venv/bin/jupyter-book build . --warningiserror --keep-going "$@"
echo "build-book: _build/html/index.html written in $(( $(date +%s) - start )) s"
