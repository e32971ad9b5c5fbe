"""The pre-commit hook, for real: ``pre-commit try-repo`` against this repository in a throwaway git
repository. It names HEAD's commit (``--ref``), so what is tested is what is committed, as in CI on a
fresh clone (without a ref, try-repo would mix in the work tree's uncommitted edits)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import GIT_ENV, REPO, git

pre_commit = pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install -e '.[test]')")

HOOKS = REPO / ".pre-commit-hooks.yaml"


def _tracked(path: Path) -> bool:
    proc = subprocess.run(["git", "ls-files", "--error-unmatch", path.name], cwd=path.parent, capture_output=True)
    return proc.returncode == 0


def _pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNSMIG_", "PRE_COMMIT"))}
    env.update(GIT_ENV, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)


def test_manifest_is_valid(tmp_path):
    proc = _pre_commit("validate-manifest", str(HOOKS), cwd=tmp_path, home=tmp_path / "home")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    (root / ".runsmig").mkdir(parents=True)
    (root / ".runsmig" / "recipe.yaml").write_text("version: 1\nname: demo\nterms:\n  - {from: job, to: run}\n")
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n\n[tool.runsmig]\nrecipe = ".runsmig"\n')
    (root / "clean.py").write_text("def start_run():\n    return 1\n")
    (root / "dirty.py").write_text("job_id = 1\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


def test_try_repo_passes_a_clean_file_and_fails_on_the_term(project, tmp_path):
    if not (REPO / ".git").exists():
        pytest.skip(f"{REPO} is not a git checkout: pre-commit try-repo clones one")
    assert _tracked(HOOKS), "commit .pre-commit-hooks.yaml: pre-commit try-repo clones the repository"
    home = tmp_path / "pre-commit-home"
    head = git(REPO, "rev-parse", "HEAD").strip()
    repo = ("try-repo", str(REPO), "runsmig-check", "--ref", head)
    ok = _pre_commit(*repo, "--files", "clean.py", cwd=project, home=home)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "runsmig check" in ok.stdout and "Passed" in ok.stdout
    bad = _pre_commit(*repo, "--files", "clean.py", "dirty.py", cwd=project, home=home)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout and "- exit code: 1" in bad.stdout
    assert "dirty.py:1:1: [term/identifier] identifier 'job_id' -> 'run_id'" in bad.stdout
    assert "1 finding(s), 0 allowlisted, 0 unreadable, 2 files" in bad.stdout
