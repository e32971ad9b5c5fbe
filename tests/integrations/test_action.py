"""The GitHub Action (action.yml, composite): valid against the published schema for action
metadata (SchemaStore's, as vendored by check-jsonschema), and its steps run for real here the way
a runner runs them: inputs and github.action_path filled in, bash -e, GITHUB_ENV and GITHUB_OUTPUT."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.helpers import MINI, REPO, git, git_copy

ACTION = REPO / "action.yml"


def _check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is not installed (pip install -e '.[test]')")
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True)


def test_action_metadata_is_valid():
    proc = _check_jsonschema("vendor.github-actions", ACTION)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_schema_check_catches_a_broken_action(tmp_path):
    broken = tmp_path / "action.yml"
    # a composite run step without 'shell' is not valid action metadata
    broken.write_text(re.sub(r"\n\s+shell: bash", "", ACTION.read_text(), count=1))
    proc = _check_jsonschema("vendor.github-actions", broken)
    assert proc.returncode == 1, proc.stdout


def test_readme_workflow_is_a_valid_workflow(tmp_path):
    blocks = re.findall(r"```yaml\n(.*?)```", (REPO / "README.md").read_text(), re.S)
    flows = [b for b in blocks if "upload-sarif" in b]
    assert len(flows) == 1, "README shows one workflow using the action"
    wf = tmp_path / "runsmig.yml"
    wf.write_text(flows[0])
    proc = _check_jsonschema("vendor.github-workflows", wf)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "uses: actions/checkout" in flows[0] and "sarif-file:" in flows[0]


# -- running the steps -------------------------------------------------------------------------
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Runner:
    """Just enough of a GitHub runner for this action's run steps."""

    def __init__(self, tmp: Path) -> None:
        self.action = YAML(typ="safe").load(ACTION.read_text())
        self.temp = tmp / "runner-temp"
        self.temp.mkdir()
        self.env: dict[str, str] = {}

    def value(self, text: str, inputs: dict[str, str]) -> str:
        def one(m: re.Match) -> str:
            expr = m.group(1)
            if expr == "github.action_path":
                return str(REPO)
            if expr.startswith("inputs."):
                return inputs[expr[len("inputs."):]]
            raise AssertionError(f"expression not simulated: {expr}")
        return EXPR.sub(one, str(text))

    def condition(self, cond: str | None, inputs: dict[str, str], failed: bool) -> bool:
        if cond is None:
            return not failed
        parts = [p.strip() for p in str(cond).split("&&")]
        ok = True
        if parts[0] == "always()":
            parts = parts[1:]
        elif failed:
            return False
        for p in parts:
            m = re.fullmatch(r"inputs\.([\w-]+) != ''", p)
            assert m, f"condition not simulated: {p}"
            ok = ok and inputs[m.group(1)] != ""
        return ok

    def run(self, workdir: Path, **given: str) -> tuple[bool, dict[str, subprocess.CompletedProcess], dict]:
        inputs = {k: str(v.get("default", "")) for k, v in self.action["inputs"].items()}
        unknown = set(given) - set(inputs)
        assert not unknown, unknown
        inputs.update(given)
        failed = False
        done: dict[str, subprocess.CompletedProcess] = {}
        outputs: dict[str, dict[str, str]] = {}
        for step in self.action["runs"]["steps"]:
            if "uses" in step or not self.condition(step.get("if"), inputs, failed):
                continue  # actions/setup-python: the test's own python is used
            if step["name"] == "Install runsmig" and "RUNSMIG_BIN" in self.env:
                continue  # installed by an earlier run of this module (a runner starts afresh)
            gh_env, gh_out = self.temp / "env", self.temp / "output"
            gh_env.write_text("")
            gh_out.write_text("")
            env = {k: v for k, v in os.environ.items() if not k.startswith("RUNSMIG_")}
            env.update(self.env, RUNNER_TEMP=str(self.temp), GITHUB_ENV=str(gh_env), GITHUB_OUTPUT=str(gh_out),
                       PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
            env.update({k: self.value(v, inputs) for k, v in (step.get("env") or {}).items()})
            cwd = workdir / self.value(step.get("working-directory", "."), inputs)
            assert step["shell"] == "bash"
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                  cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
            done[step["name"]] = proc
            failed = failed or proc.returncode != 0
            for line in gh_env.read_text().splitlines():
                k, _, v = line.partition("=")
                self.env[k] = v
            if "id" in step:
                outputs[step["id"]] = dict(line.partition("=")[::2] for line in gh_out.read_text().splitlines())
        return not failed, done, outputs


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    if not shutil.which("bash"):
        pytest.skip("bash is needed to run the action's steps")
    return Runner(tmp_path_factory.mktemp("action"))


def test_action_installs_runsmig_and_fails_with_annotations_and_sarif(runner, tmp_path):
    work = git_copy(MINI, tmp_path / "ws")
    ok, steps, outputs = runner.run(work, **{"sarif-file": "runsmig.sarif"})
    assert not ok
    install = steps["Install runsmig"]
    assert install.returncode == 0 and install.stdout.strip().startswith("runsmig "), install.stderr
    gate = steps["Check"]
    assert gate.returncode == 1, gate.stderr
    notes = gate.stdout.splitlines()
    assert notes and all(n.startswith("::error file=") for n in notes)
    assert any(n.startswith("::error file=README.md,line=") for n in notes)
    assert steps["Write SARIF"].returncode == 0, steps["Write SARIF"].stderr
    assert outputs["sarif"] == {"file": "runsmig.sarif"}
    sarif = json.loads((work / "runsmig.sarif").read_text())
    assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == len(notes)


def test_action_passes_on_clean_files_with_inputs(runner, tmp_path):
    work = tmp_path / "ws"
    (work / "sub" / "rules").mkdir(parents=True)
    (work / "sub" / "rules" / "recipe.yaml").write_text("version: 1\nname: demo\nterms:\n  - {from: job, to: run}\n")
    (work / "sub" / "clean.py").write_text("def start_run():\n    return 1\n")
    (work / "sub" / "dirty.py").write_text("job = 1\n")
    git(work / "sub", "init", "-q")
    git(work / "sub", "add", "-A")
    git(work / "sub", "commit", "-qm", "init")
    (work / "sub" / "new.py").write_text("run = 2\n")
    ok, steps, outputs = runner.run(work, **{"working-directory": "sub", "recipe": "rules", "paths": "clean.py new.py"})
    assert ok, {k: (v.stdout, v.stderr) for k, v in steps.items()}
    assert "Write SARIF" not in steps and steps["Check"].stdout == ""
    assert "0 finding(s), 0 allowlisted, 0 unreadable, 2 files" in steps["Check"].stderr
    ok, steps, _ = runner.run(work, **{"working-directory": "sub", "recipe": "rules", "since": "HEAD",
                                       "format": "text"})
    assert ok and "1 files" in steps["Check"].stderr  # only new.py changed since HEAD
    (work / "sub" / "new.py").write_text("job_id = 2\n")
    ok, steps, _ = runner.run(work, **{"working-directory": "sub", "recipe": "rules", "since": "HEAD",
                                       "format": "text"})
    assert not ok and steps["Check"].stdout == "new.py:1:1: [term/identifier] identifier 'job_id' -> 'run_id'\n"
