"""First contact: the bundled recipe travels in the wheel, and apply right after init works."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.helpers import MINI, git, git_copy, runsmig

REPO = Path(__file__).resolve().parents[2]


def test_wheel_carries_the_bundled_recipe_and_the_gate_works_from_it(tmp_path):
    wheels = tmp_path / "wheels"
    source = tmp_path / "source"  # a copy: no build/ left by an earlier build can stand in for this one
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".runsmig_cache", ".hypothesis", ".bench"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", str(wheels)],
                   check=True, capture_output=True)
    (wheel,) = wheels.glob("runsmig-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for rel in (REPO / "rules").rglob("*"):
        if rel.is_file() and "__pycache__" not in rel.parts:
            assert f"runsmig/_rules/{rel.relative_to(REPO / 'rules').as_posix()}" in names
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    root = git_copy(MINI, tmp_path / "co")
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("RUNSMIG_RECIPE", None)
    where = subprocess.run([sys.executable, "-c", "import runsmig; print(runsmig.__file__)"], env=env,
                           capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(site))  # the installed wheel, not the source tree
    (root / "dirty.py").write_text("job_id = 1\n")
    proc = subprocess.run([sys.executable, "-m", "runsmig", "check", "--no-job-terms", "dirty.py", "README.md"],
                          cwd=root, env=env, capture_output=True)
    assert proc.returncode == 1, proc.stderr
    assert b"dirty.py:1:1: [term/identifier] identifier 'job_id' -> 'run_id'" in proc.stdout
    assert b"not in this installation" not in proc.stderr


def test_init_then_apply_is_not_refused_for_the_recipe_folder_init_wrote(tmp_path):
    root = tmp_path / "co"
    root.mkdir()
    git(root, "init", "-q")
    (root / "app.py").write_text("def start_job(job_id):\n    return job_id\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    runsmig("init", str(root), "--term", "job:run", check_rc=0)
    assert (root / ".runsmig" / "recipe.yaml").is_file()
    proc = runsmig("apply", str(root), "--recipe", str(root / ".runsmig"))
    assert proc.returncode == 0, proc.stderr
    assert (root / "app.py").read_text() == "def start_run(run_id):\n    return run_id\n"
    # anything else uncommitted is still refused
    git(root, "checkout", "-q", "--", "app.py")
    (root / "other.py").write_text("job = 1\n")
    proc = runsmig("apply", str(root), "--recipe", str(root / ".runsmig"))
    assert proc.returncode == 4
    assert b"uncommitted change(s), e.g. '?? other.py'" in proc.stderr
