#!/usr/bin/env bash
# Set up everything the book needs, idempotently: Debian packages where apt is available
# (python3-venv, the Fashion-MNIST dataset, npm for MathJax), a virtual environment in .venv
# with the pinned requirements, the book's `lib` package installed in editable mode, and a
# pinned MathJax served with the book so that math renders without network.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo -n"
can_apt() { command -v apt-get >/dev/null 2>&1 && $SUDO true 2>/dev/null; }
apt_install() {  # apt_install PACKAGE...: quietly, refreshing the package lists once if needed
  $SUDO apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null 2>&1 || true; $SUDO apt-get install -y -q "$@" >/dev/null 2>&1; }
}

# Stock Debian/Ubuntu ship python3 without ensurepip: `python3 -m venv` needs python3-venv.
if [ ! -x .venv/bin/python ] && ! "$PYTHON" -c "import ensurepip" >/dev/null 2>&1; then
  if can_apt; then
    apt_install python3-venv || true
  fi
  if ! "$PYTHON" -c "import ensurepip" >/dev/null 2>&1; then
    echo "setup: $PYTHON cannot create virtual environments; install python3-venv (sudo apt-get install python3-venv) and run again" >&2
    exit 1
  fi
fi

if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] && can_apt; then
  apt_install dataset-fashion-mnist \
    || echo "setup: could not install the Debian package dataset-fashion-mnist (Fashion-MNIST is then downloaded, or the course's shipped subset is used offline)" >&2
fi

# bubblewrap (bwrap): the grader runs student kernels under it where it is present (grading/README.md);
# without it the grader falls back to its own namespaces.
if ! command -v bwrap >/dev/null 2>&1 && can_apt; then
  apt_install bubblewrap \
    || echo "setup: could not install bubblewrap; the grader will contain kernels with its own namespaces" >&2
fi

# Headless Chromium and its driver for the browser check of the built book (tests/test_browser.py),
# asked for by tools/run-tests.sh (BDLS_SETUP_BROWSER=1); without them that test says it skipped.
if [ "${BDLS_SETUP_BROWSER:-0}" = 1 ] && ! command -v chromedriver >/dev/null 2>&1 && can_apt; then
  apt_install chromium chromium-driver \
    || echo "setup: could not install chromium and chromium-driver; the browser tests will be skipped" >&2
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.bdls-requirements
want="$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.txt
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$want" > "$stamp"
fi
echo "setup: .venv ready ($(.venv/bin/python -c 'import tensorflow as tf, keras; print("TensorFlow", tf.__version__, "Keras", keras.__version__)' 2>/dev/null))"

# MathJax, pinned, served from the book's _static/ (see mathjax_path in _config.yml): the
# book's math must render on a machine without network. npm verifies the registry's checksum;
# we check the tarball's sha256 as well.
MATHJAX=mathjax@3.2.2
MATHJAX_SHA256=1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09
if [ ! -f _static/mathjax/tex-chtml.js ]; then
  command -v npm >/dev/null 2>&1 || { can_apt && apt_install npm; } || true
  if command -v npm >/dev/null 2>&1; then
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$MATHJAX" >/dev/null 2>&1) || true
    tarball=$(ls "$tmp"/mathjax-*.tgz 2>/dev/null || true)
    if [ -n "$tarball" ] && echo "$MATHJAX_SHA256  $tarball" | sha256sum -c --status; then
      tar -xzf "$tarball" -C "$tmp" package/es5/tex-chtml.js package/es5/output/chtml/fonts/woff-v2
      mkdir -p _static && rm -rf _static/mathjax.partial && mv "$tmp/package/es5" _static/mathjax.partial
      mv _static/mathjax.partial _static/mathjax
    else
      echo "setup: could not fetch $MATHJAX with a matching checksum; math in the book needs network" >&2
    fi
    rm -rf "$tmp"
  else
    echo "setup: npm is not available to fetch $MATHJAX; math in the book will need network (install npm and run again)" >&2
  fi
fi

# axe-core, pinned, for the browser check's accessibility audit (tests/test_browser.py), fetched
# with the browser (BDLS_SETUP_BROWSER=1) into the virtual environment: npm verifies the
# registry's checksum, and we check the tarball's sha256 as well.
AXE=axe-core@4.10.3
AXE_SHA256=0f2b4d7dcdf7d1219df8d1959ad68e565f51d14c3f0d88bb71cd59abeb956292
if [ "${BDLS_SETUP_BROWSER:-0}" = 1 ] && [ ! -f .venv/share/axe-core/axe.min.js ] && command -v npm >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$AXE" >/dev/null 2>&1) || true
  tarball=$(ls "$tmp"/axe-core-*.tgz 2>/dev/null || true)
  if [ -n "$tarball" ] && echo "$AXE_SHA256  $tarball" | sha256sum -c --status; then
    tar -xzf "$tarball" -C "$tmp" package/axe.min.js
    mkdir -p .venv/share/axe-core && mv "$tmp/package/axe.min.js" .venv/share/axe-core/axe.min.js
  else
    echo "setup: could not fetch $AXE with a matching checksum; the accessibility audit will be skipped" >&2
  fi
  rm -rf "$tmp"
fi
