"""A recipe step run where its end is seen: one forked child process per call, with a time limit.

``call(fn, ctx, timeout)`` runs ``fn(ctx)`` (a recipe transform on one file) in a child forked from
this process, so it sees everything this process holds (the parsed file, the imported transform)
without copying it. Whatever the step does ends as an :class:`Analysis`:

* it returns one: passed back (pickled through a pipe), with the files and questions to the file
  list its run recorded (runsmig.deps), replayed here;
* it raises anything (``SystemExit(0)``, ``KeyboardInterrupt``, a bare ``BaseException``): the
  file fails, "raised SystemExit: 0";
* it ends its process (``os._exit(7)``, a crash, a signal): the file fails, "its process ended
  with exit code 7 ...";
* it runs past ``timeout`` seconds: the child is killed, the file fails, "timed out after N s".

Either way the run goes on. The child ignores SIGINT (this process decides: an interrupt here kills
the child and goes on as an interrupt) and dies with this process (``PR_SET_PDEATHSIG``). Where
``os.fork`` does not exist the step runs in this process and only exceptions are caught.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import time

from runsmig import deps
from runsmig.findings import Analysis


def call(fn, ctx, timeout: float) -> Analysis:
    if not hasattr(os, "fork"):  # pragma: no cover - not POSIX
        return _here(fn, ctx)
    for stream in (sys.stdout, sys.stderr):  # what the child inherits unwritten would be written twice
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(r)
        _child(fn, ctx, w)
    os.close(w)
    data, timed_out = b"", True  # an interruption here kills the child at once
    try:
        data, timed_out = _read(r, timeout)
    finally:
        os.close(r)
        status = _reap(pid, kill=timed_out)
    if timed_out:
        return Analysis(failed=f"timed out after {timeout:g} s (transform-timeout)")
    try:
        kind, *rest = pickle.loads(data) if data else (None,)
    except Exception:  # noqa: BLE001 - a torn message: the process died writing it
        kind = None
    if kind == "ok":
        result, read, asked, whole = rest
        for rel in read:
            deps.note(rel)
        for (k, q), a in asked.items():
            deps.asked(k, q, a)
        if whole:
            deps.whole_listing()
        return result
    if kind == "failed":
        return Analysis(failed=rest[0])
    return Analysis(failed=_death(status))


def _here(fn, ctx) -> Analysis:  # pragma: no cover - not POSIX
    try:
        return _checked(fn(ctx))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - SystemExit too: a step must not end the run
        return Analysis(failed=_raised(exc))


def _child(fn, ctx, w: int) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _die_with_parent()
        try:
            with deps.recording() as record:
                result = _checked(fn(ctx))
            message = ("ok", result, record.read, record.asked, record.whole)
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # noqa: BLE001 - everything the step raises is its failure
            data = pickle.dumps(("failed", _raised(exc)))
        view = memoryview(data)
        while view:
            view = view[os.write(w, view):]
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:  # noqa: BLE001
                pass
    except BaseException:  # noqa: BLE001 - the parent reports the exit code
        code = 70
    finally:
        os._exit(code)


def _checked(result) -> Analysis:
    if not isinstance(result, Analysis):
        raise TypeError(f"returned {type(result).__name__}, not an Analysis")
    return result


def _raised(exc: BaseException) -> str:
    text = str(exc)
    return f"raised {type(exc).__name__}: {text}" if text else f"raised {type(exc).__name__}"


def _read(fd: int, timeout: float) -> tuple[bytes, bool]:
    """Everything the child writes until it closes the pipe; (what came, whether time ran out)."""
    deadline = time.monotonic() + timeout
    parts: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"", True
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(parts), False
        parts.append(chunk)


def _reap(pid: int, kill: bool) -> int | None:
    """Kill the child if it still runs (at once with ``kill``), and wait for it: its wait status."""
    for _ in range(0 if kill else 50):  # a child that closed its pipe exits at once; give it 0.5 s
        try:
            got, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if got:
            return status
        time.sleep(0.01)
    try:
        os.kill(pid, signal.SIGKILL)
        return os.waitpid(pid, 0)[1]
    except (ProcessLookupError, ChildProcessError):
        return None


def _death(status: int | None) -> str:
    if status is not None and os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        return f"its process was killed by signal {sig} ({name}) before returning"
    if status is not None and os.WIFEXITED(status):
        return f"its process ended with exit code {os.WEXITSTATUS(status)} before returning (os._exit or a crash)"
    return "its process ended before returning"


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
