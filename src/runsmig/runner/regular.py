"""A checkout file's bytes as ``git grep`` sees them: only a regular file has any. A folder (a git
submodule's checkout), a FIFO, a socket or a device is never read, and never opened in a way that
could wait (a FIFO with no writer would block an ``open`` for ever), with or without the cache."""

from __future__ import annotations

import os
import stat

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def regular_bytes(path: str | os.PathLike, follow: bool = False) -> bytes | None:
    """The bytes of a regular file; None for anything else, a symlink included unless ``follow``
    (then its target counts). OSError when it is missing or cannot be read."""
    if not stat.S_ISREG((os.stat if follow else os.lstat)(path).st_mode):
        return None
    fd = os.open(path, _FLAGS if follow else _FLAGS | os.O_NOFOLLOW)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced since
            return None
        with open(fd, "rb", closefd=False) as fh:
            return fh.read()
    finally:
        os.close(fd)
