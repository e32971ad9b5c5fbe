"""Worker processes that never outlive the command.

* ``tie_to_parent()`` (in each worker's initializer): the worker ignores SIGINT (the parent
  decides), asks Linux to SIGKILL it when its parent dies (``PR_SET_PDEATHSIG``), and, on every
  system, watches its parent id from a daemon thread and exits when the parent is gone;
* ``stopping(pool)``: when the parent is interrupted (SIGINT, SIGTERM, any exception) the workers
  are killed at once and queued work is cancelled, instead of waiting for the pool to drain.
* ``install_signal_handlers()``: SIGTERM becomes ``SystemExit(143)`` so the same clean-up runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

EXIT_SIGINT = 130
EXIT_SIGTERM = 143


def tie_to_parent() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="runsmig-parent-watch", daemon=True).start()


@contextlib.contextmanager
def stopping(pool):
    """Run ``pool`` work; on any interruption kill its processes now, then re-raise."""
    try:
        yield pool
    except BaseException:
        procs = list(getattr(pool, "_processes", {}).values())
        for p in procs:
            with contextlib.suppress(Exception):
                p.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            with contextlib.suppress(Exception):
                p.join(1)
        raise
    else:
        pool.shutdown(wait=True)


def install_signal_handlers() -> None:
    def on_term(signum, frame):
        raise SystemExit(EXIT_SIGTERM)

    with contextlib.suppress(ValueError):  # not the main thread
        signal.signal(signal.SIGTERM, on_term)
