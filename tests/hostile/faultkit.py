"""Kill `runsmig apply` at chosen or random points, rerun it, and compare with a clean apply.

Used by tests/hostile/test_faults.py and scripts/kill_trials.py. A trial copies a generated git
checkout, runs `python -m runsmig apply` with RUNSMIG_TEST_KILL_AFTER=N (it SIGKILLs itself after its
Nth write step) or kills it after a random delay, reruns plain `apply` until it exits, then
compares `git add -A; git write-tree` with the tree of an apply that was never interrupted and
counts the runsmig temp files left anywhere (work tree and git folder) and the tracebacks printed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
RECIPE = "version: 1\nname: faults\nterms:\n  - {from: job, to: run}\n"
TEMP = re.compile(r"\.runsmig-.*\.tmp$")


def git(root: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=root, capture_output=True, env={**os.environ, **GIT_ENV})
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout.decode()


def make_tree(root: Path, n: int) -> Path:
    """A git checkout whose apply modifies files, renames files with and without new content, moves a
    folder (so a new folder is made), and retargets symlinks to renamed files and folders."""
    for i in range(n):
        g = root / "pkg" / f"g{i % 4}"
        (g / "jobs").mkdir(parents=True, exist_ok=True)
        (g / "jobs" / f"job_{i}.py").write_text(f"def job_{i}(job):\n    return job\n")
        (g / f"mod_{i}.py").write_text(f"from pkg.g{i % 4}.jobs.job_{i} import job_{i}\nJOB_{i} = job_{i}(1)\n")
        (g / f"jobs_{i}.txt").write_text(f"plain data {i}\n")
        (g / f"keep_{i}.txt").write_text("nothing to change\n")
    (root / "README.md").write_text("# jobs\n\nEach job is listed in pkg.\n")
    os.symlink("pkg/g0/jobs/job_0.py", root / "alias.py")
    (root / "docs").mkdir()
    os.symlink("../pkg/g1/jobs", root / "docs" / "folder_link")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


def write_recipe(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "recipe.yaml"
    p.write_text(RECIPE)
    return p


def apply_cmd(root: Path, recipe: Path) -> list[str]:
    return [sys.executable, "-m", "runsmig", "apply", str(root), "--recipe", str(recipe), "--workers", "1", "-q",
            "--no-cache"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "RUNSMIG_TEST_KILL_AFTER"}
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def tree_id(root: Path) -> str:
    git(root, "add", "-A")
    return git(root, "write-tree").strip()


def temp_files(root: Path) -> list[str]:
    """runsmig temp files anywhere under the checkout, its git folder included."""
    out = []
    for dirpath, _dirs, names in os.walk(root):
        out += [os.path.join(dirpath, n) for n in names if TEMP.search(n)]
    return out


@dataclass
class Trial:
    killed: bool  # the first run died of SIGKILL
    reruns: int
    rc: int  # exit code of the last rerun: 0, or 4 when the killed run had finished its writes
    converged: bool  # the work tree equals the tree of an uninterrupted apply
    temps: int
    tracebacks: int
    stderr: str


def reference(base: Path, work: Path, recipe: Path) -> str:
    """The tree id of an uninterrupted apply of ``base``."""
    clean = work / "clean"
    shutil.copytree(base, clean, symlinks=True)
    out = subprocess.run(apply_cmd(clean, recipe), capture_output=True, env=_env())
    assert out.returncode == 0, out.stderr.decode()[-3000:]
    return tree_id(clean)


def trial(base: Path, work: Path, recipe: Path, expected: str, kill_after: int | None = None,
          delay: float | None = None, max_reruns: int = 3) -> Trial:
    """One kill (after ``kill_after`` write steps, or ``delay`` seconds), then reruns until one exits."""
    root = work
    shutil.copytree(base, root, symlinks=True)
    errs = []
    if kill_after is not None:
        first = subprocess.run(apply_cmd(root, recipe), capture_output=True,
                               env=_env(RUNSMIG_TEST_KILL_AFTER=str(kill_after)))
        rc, err = first.returncode, first.stderr.decode()
    else:
        proc = subprocess.Popen(apply_cmd(root, recipe), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
        time.sleep(delay or 0)
        proc.send_signal(signal.SIGKILL)
        _, e = proc.communicate()
        rc, err = proc.returncode, e.decode()
    errs.append(err)
    killed = rc == -signal.SIGKILL
    reruns = 0
    while reruns < max_reruns:
        reruns += 1
        out = subprocess.run(apply_cmd(root, recipe), capture_output=True, env=_env())
        rc = out.returncode
        errs.append(out.stderr.decode())
        if rc == 0 or (rc == 4 and "uncommitted change" in errs[-1]):
            break  # done; or refused because the killed run had finished (a plain rerun refuses then too)
    temps = temp_files(root)
    text = "\n".join(errs)
    return Trial(killed, reruns, rc, tree_id(root) == expected, len(temps), text.count("Traceback"), text)


def steps_of_clean_apply(base: Path, work: Path, recipe: Path) -> int:
    """How many write steps an uninterrupted apply of ``base`` takes (counted by the kill hook)."""
    root = work / "count"
    shutil.copytree(base, root, symlinks=True)
    code = ("import runsmig.applylog as a, runpy, sys\n"
            "orig = a.step\n"
            "def counted():\n    orig()\n    sys.stderr.write('STEP\\n')\n"
            "a.step = counted\n"
            "sys.argv = ['runsmig'] + sys.argv[1:]\n"
            "from runsmig.cli import main\nmain()\n")
    out = subprocess.run([sys.executable, "-c", code, *apply_cmd(root, recipe)[3:]], capture_output=True, env=_env())
    assert out.returncode == 0, out.stderr.decode()[-3000:]
    return out.stderr.decode().count("STEP\n")
