"""runsmig's temp files in a work tree: named ``.runsmig-<pid>-<anything>.tmp``, recognised, swept.

Every file runsmig writes in a checkout is first written to such a temp file beside its target,
then renamed over it. A run that is killed can leave them behind; the next ``apply`` (holding the
checkout's lock) removes those whose process is gone, and they never count as uncommitted changes.
``.runsmig-<anything>.tmp`` without a pid is what runsmig 0.1.0 left: swept too.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

PREFIX = ".runsmig-"
SUFFIX = ".tmp"
_NAME = re.compile(r"\.runsmig-(?:(\d+)-)?[^/]*\.tmp")


def prefix() -> str:
    """The name prefix of this process's temp files (for ``tempfile.mkstemp``)."""
    return f"{PREFIX}{os.getpid()}-"


def is_temp(name: str) -> bool:
    return _NAME.fullmatch(name.rsplit("/", 1)[-1]) is not None


def owner(name: str) -> int | None:
    m = _NAME.fullmatch(name.rsplit("/", 1)[-1])
    return int(m.group(1)) if m and m.group(1) else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale(name: str) -> bool:
    """A temp file whose writer is gone (or unknown: 0.1.0's names carry no pid)."""
    pid = owner(name)
    return is_temp(name) and (pid is None or not _alive(pid))


def find(root: Path) -> list[str]:
    """Root-relative paths of runsmig temp files in the work tree (ignored folders included)."""
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-o", "-z", "--", f":(glob)**/{PREFIX}*{SUFFIX}"],
                         capture_output=True, check=False)
    if out.returncode == 0:
        names = out.stdout.decode("utf-8", "surrogateescape").split("\0")
        return sorted(n for n in names if n and is_temp(n))
    from runsmig.discover import ALWAYS_SKIP_DIRS

    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git" and d not in ALWAYS_SKIP_DIRS]
        rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
        found += [n if rel == "." else f"{rel}/{n}" for n in filenames if is_temp(n)]
    return sorted(found)


def sweep(root: Path) -> list[str]:
    """Remove the stale temp files under ``root`` (call it holding the checkout's lock). Returns them."""
    removed = []
    for rel in find(root):
        if not stale(rel):
            continue
        p = root / rel
        try:
            if p.is_symlink() or p.is_file():
                p.unlink()
                removed.append(rel)
        except FileNotFoundError:
            pass
    for rel in removed:  # folders that held nothing else (made for a file that never landed)
        folder = (root / rel).parent
        while folder != root:
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent
    return removed


def is_temp_status(line: str) -> bool:
    """Is this ``git status --porcelain`` line an untracked runsmig temp file?"""
    return line.startswith("?? ") and is_temp(line[3:].strip().strip('"'))
