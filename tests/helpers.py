"""Test helpers: run the CLI as a user would, make git checkouts."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "fixtures" / "ade-mini"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def runsmig(*args: str, cwd: Path | None = None, check_rc: int | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.run([sys.executable, "-m", "runsmig", *args], cwd=cwd, capture_output=True, env=env)
    if check_rc is not None:
        assert proc.returncode == check_rc, (proc.returncode, proc.stderr.decode()[-2000:])
    return proc


def git(root: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=root, capture_output=True, env={**os.environ, **GIT_ENV})
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout.decode()


def git_copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    git(dst, "init", "-q")
    git(dst, "add", "-A")
    git(dst, "commit", "-qm", "init")
    return dst


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts}


def runsmig_on_pty(args: list[str], cwd: Path, **env: str) -> tuple[int, bytes, bytes]:
    """Run runsmig with stderr on a pseudo-terminal and stdout on a file: (rc, stdout, stderr).
    Outside CI, and with no delay before a progress bar appears."""
    master, slave = pty.openpty()
    full = {k: v for k, v in os.environ.items() if k != "CI"}
    full.update(RUNSMIG_PROGRESS_DELAY="0", COLUMNS="100", **env)
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([sys.executable, "-m", "runsmig", *args], cwd=cwd, stdout=out, stderr=slave,
                                stdin=subprocess.DEVNULL, env=full)
        os.close(slave)
        err = b""
        while True:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                err += chunk
            elif proc.poll() is not None:
                break
        os.close(master)
        rc = proc.wait(timeout=120)
        out.seek(0)
        return rc, out.read(), err


def runsmig_piped(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """The same, with stdout and stderr on pipes."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    return subprocess.run([sys.executable, "-m", "runsmig", *args], cwd=cwd, capture_output=True,
                          env={**env, "RUNSMIG_PROGRESS_DELAY": "0", "COLUMNS": "100"})


def spy_on_analysis(monkeypatch) -> list[str]:
    """The checkout-relative paths ``runsmig.runner.analyze.analyze_file`` is called with, in order
    (the runner calls it through the module, so the spy sees every file it analyses in-process)."""
    from runsmig.runner import analyze

    seen: list[str] = []
    real = analyze.analyze_file

    def spy(root, rel, *args):
        seen.append(rel)
        return real(root, rel, *args)

    monkeypatch.setattr(analyze, "analyze_file", spy)
    return seen


def committed_checkout(tmp_path: Path, files: dict[str, str], recipe_text: str):
    """``tmp_path/co``: the files, committed in a new git repository; ``tmp_path/recipe.yaml``:
    the recipe. Returns (checkout root, loaded recipe)."""
    from runsmig.recipe import load_recipe

    root = tmp_path / "co"
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")
    (tmp_path / "recipe.yaml").write_text(recipe_text, "utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root, load_recipe(tmp_path / "recipe.yaml")


def cache_payload(path: Path) -> bytes:
    """A cache entry's payload, its seal (runner.seal: a head line with the HMAC) taken off."""
    raw = path.read_bytes()
    return raw.split(b"\n", 1)[1] if raw.startswith(b"runsmig-sealed-1 ") else raw


def reseal(path: Path, kind: str, payload: bytes) -> None:
    """Store ``payload`` at ``path`` sealed with this machine's key, as runsmig would (an entry
    that verifies, whatever it says): the checks after the seal are then what is tested."""
    from runsmig.runner import seal

    name = path.stem
    seal.write_whole(path, seal.seal(seal.machine_key(), kind, name, payload))


def cst_spans(text: str):
    """(module, span): the LibCST module of ``text`` and ``span(node) -> (start, end)`` offsets in it,
    as the Python passes compute them (for tests of one pass's span-based helpers)."""
    import libcst as cst

    wrapper = cst.MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    pos = wrapper.resolve(cst.metadata.PositionProvider)
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def span(node):
        r = pos[node]
        return starts[r.start.line - 1] + r.start.column, starts[r.end.line - 1] + r.end.column

    return wrapper.module, span


def applied_case(case: Path, tmp_path: Path) -> Path:
    """``case``'s before/ copied to ``tmp_path/lib`` (a git repository) with its recipe applied."""
    work = git_copy(case / "before", tmp_path / "lib")
    runsmig("apply", str(work), "--recipe", str(case / "recipe.yaml"), "-q", check_rc=0)
    return work
