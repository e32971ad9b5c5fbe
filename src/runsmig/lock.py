"""One writer at a time: an exclusive lock per checkout (``apply``) or per storage tree (``storage move``).

The lock is ``flock(2)`` on a file that holds the pid of its holder: the kernel releases it when the
holder dies, however it dies, so a lock is never left behind by a kill. A second run refuses at once
(exit 4, naming the lock file and the pid holding it) or, with ``wait``, blocks until it is free.

Where runsmig keeps a checkout's own state (this lock, the journal of ``apply``): the git folder of
the checkout (``git rev-parse --absolute-git-dir``: per work tree, never in the work tree itself),
or, outside git, the checkout's cache folder.
"""

from __future__ import annotations

import errno
import fcntl
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from runsmig.errors import LockHeld, OperationError


def state_dir(root: Path) -> Path:
    """The folder holding runsmig's lock and journal for the checkout at ``root``."""
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--absolute-git-dir"],
                             capture_output=True, text=True, check=False)
    except FileNotFoundError:  # pragma: no cover - git missing
        out = None
    if out is not None and out.returncode == 0 and out.stdout.strip():
        return Path(out.stdout.strip())
    from runsmig.runner.cache import cache_dir

    return cache_dir(root)


@contextmanager
def exclusive(lock_file: Path, what: str, wait: bool = False) -> Iterator[Path]:
    """Hold ``lock_file`` exclusively for the ``with`` block (``what``: the work it guards).

    The file is removed on release; a run that locked a file removed meanwhile tries again, so two
    runs never hold two different files of the same name."""
    while True:
        fd = _locked(lock_file, what, wait)
        try:
            same = os.fstat(fd).st_ino == os.stat(lock_file).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield lock_file
    finally:
        try:
            os.unlink(lock_file)  # still locked: a run waiting on this file sees it gone and starts over
        except OSError:
            pass
        os.close(fd)  # closing the descriptor releases the lock


def _locked(lock_file: Path, what: str, wait: bool) -> int:
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise OperationError(f"cannot open the lock file: {exc.strerror}", str(lock_file)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError as exc:
        pid = _holder(fd)
        os.close(fd)
        if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise OperationError(f"cannot lock: {exc.strerror}", str(lock_file)) from None
        raise LockHeld(what, str(lock_file), pid) from None
    return fd


def _holder(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:  # pragma: no cover
        return None
    return int(text) if text.isdigit() else None


def checkout_lock(root: Path, wait: bool = False):
    """The lock of ``apply`` on the checkout at ``root``."""
    return exclusive(state_dir(root) / "runsmig.lock", "apply", wait)


def storage_lock(dst_abs: Path, wait: bool = False):
    """The lock of ``storage move`` on the storage tree whose new root is ``dst_abs``."""
    return exclusive(dst_abs.parent / f".runsmig-storage-{dst_abs.name}.lock", "storage move", wait)
