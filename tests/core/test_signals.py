"""Stopping a run (issue #13): SIGINT and SIGTERM end any command within a second with 130 / 143,
SIGKILL of the main process takes its pool workers with it, no process is left behind and no file
is half-written (each is either its old or its planned new content)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import git

psutil = pytest.importorskip("psutil")

N_FILES = 900
RECIPE = "version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
BODY = 'from x import y\n\n\ndef job_{i}(job):\n    """Run the job."""\n    return job.id  # the job\n'


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sig") / "co"
    (root / "src").mkdir(parents=True)
    for i in range(N_FILES):
        (root / "src" / f"m{i}.py").write_text(BODY.format(i=i), encoding="utf-8")
    (root.parent / "recipe.yaml").write_text(RECIPE, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


def start(args: list[str], cache: Path) -> subprocess.Popen:
    """The command with a cache of its own: results an earlier (stopped) run cached would leave this
    one too few files to start a pool, or answer it from the report memo."""
    cmd = [sys.executable, "-m", "runsmig", *args, "--workers", "2"]
    env = {**os.environ, "RUNSMIG_CACHE_DIR": str(cache)}
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, preexec_fn=_default_sigint)


def _default_sigint() -> None:
    """In the child, before runsmig starts: SIGINT back to its default. A process started with
    SIGINT ignored (the suite run in the background of a non-interactive shell, or under nohup)
    passes that on, and Python then installs no KeyboardInterrupt handler: runsmig would rightly
    keep ignoring the signal this test sends."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _name(proc) -> str:
    """A child's name, or '' when it ended meanwhile (apply starts short-lived git children)."""
    try:
        return proc.name().lower()
    except psutil.NoSuchProcess:
        return ""


def wait_for_workers(p: subprocess.Popen, timeout: float = 60) -> list:
    """Until the pool is up (two children) or the command ended."""
    end = time.time() + timeout
    while time.time() < end and p.poll() is None:
        kids = [k for k in psutil.Process(p.pid).children(recursive=True) if "python" in _name(k)]
        if len(kids) >= 2:
            time.sleep(0.3)  # let them take work
            return psutil.Process(p.pid).children(recursive=True)
        time.sleep(0.05)
    pytest.fail("the pool never started")


EXPECTED = {"SIGINT": 130, "SIGTERM": 143, "SIGKILL": -signal.SIGKILL}


@pytest.mark.parametrize("command", ["check", "plan", "apply"])
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM", "SIGKILL"])
def test_signal_stops_the_command_and_its_workers(tree, tmp_path, command, sig):
    root = tree
    if command == "apply":
        root = tmp_path / "co"
        subprocess.run(["git", "clone", "-q", str(tree), str(root)], check=True)
    old = {p.name: p.read_bytes() for p in (root / "src").iterdir()}
    args = {"check": ["check", str(root), "--no-job-terms"], "plan": ["plan", str(root), "--no-regenerate"],
            "apply": ["apply", str(root), "--no-regenerate"]}[command] + ["--recipe", str(tree.parent / "recipe.yaml")]
    p = start(args, tmp_path / "cache")
    kids = wait_for_workers(p)
    t0 = time.time()
    p.send_signal(getattr(signal, sig))
    rc = p.wait(timeout=10)
    took = time.time() - t0
    assert rc == EXPECTED[sig], p.stderr.read().decode()[-2000:]
    assert took < 1.0, took
    deadline = time.time() + 2.0
    while time.time() < deadline and any(k.is_running() and k.status() != psutil.STATUS_ZOMBIE for k in kids):
        time.sleep(0.05)
    left = [k.pid for k in kids if k.is_running() and k.status() != psutil.STATUS_ZOMBIE]
    assert not left, f"{len(left)} worker(s) left running"
    if command == "apply":
        half = []
        for name, data in old.items():
            path = root / "src" / name
            moved = root / "src" / name  # file names carry no term here
            now = moved.read_bytes()
            if now != data and now != data.replace(b"job", b"run"):
                half.append(name)
        assert not half, half
        temps = [q.name for q in (root / "src").iterdir() if q.name.startswith(".runsmig-")]
        assert sig == "SIGKILL" or not temps, temps
