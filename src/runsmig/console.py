"""The one console layer: diffs and machine output to stdout, diagnostics (and the progress bar)
to stderr."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from runsmig.errors import RunsmigError

if TYPE_CHECKING:
    from rich.console import Console


class _Stderr:
    """rich's stderr Console, made on first use: importing rich costs a run about 20 ms, and the
    gate's one summary line (:func:`plain`) needs none of it."""

    _console: Console | None = None

    def __getattr__(self, name: str):
        return getattr(self.made(), name)

    @staticmethod
    def made() -> Console:
        """The Console itself (what rich's own objects, such as a progress bar, must be given)."""
        if _Stderr._console is None:
            from rich.console import Console

            _Stderr._console = Console(stderr=True, highlight=False, soft_wrap=True)
        return _Stderr._console


err = _Stderr()

PROGRESS_DELAY = 0.5  # seconds of work before a bar appears: short runs never flash one (RUNSMIG_PROGRESS_DELAY)
Progress = Callable[[int, int], None]  # update(done, total)


def out_bytes(data: bytes) -> None:
    """Write raw bytes (a diff keeps CRLF and non-ASCII exactly) to stdout."""
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # pragma: no cover - e.g. captured text streams
        sys.stdout.write(data.decode("utf-8", "surrogateescape"))
    else:
        sys.stdout.flush()
        stream.write(data)
        stream.flush()


def out_text(text: str) -> None:
    out_bytes(text.encode("utf-8"))


def info(message: str) -> None:
    err.print(message)


def plain(line: str) -> None:
    """One line of plain text on stderr, as ``err.print(line, markup=False)`` prints it."""
    if isinstance(err, _Stderr) and _Stderr._console is None:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    else:
        err.print(line, markup=False)


def warn(message: str) -> None:
    err.print(f"[yellow]warning[/yellow]: {message}", markup=True)


def error(exc: RunsmigError) -> None:
    """One line naming file and line, then the hint on its own line."""
    plain(f"runsmig: error: {exc.one_line()}")
    if exc.hint:
        plain(f"  hint: {exc.hint}")


@contextmanager
def progress(label: str, quiet: bool = False) -> Iterator[Progress]:
    """A progress bar on stderr for long work: yields ``update(done, total)``.

    The bar (transient: erased when the work ends) shows only when stderr is a terminal, the
    command is not ``--quiet`` and the environment is not CI (``CI`` set), and only once the work
    has lasted ``PROGRESS_DELAY`` seconds; otherwise ``update`` does nothing. stdout is never
    touched; messages printed on stderr meanwhile appear above the bar."""
    if quiet or os.environ.get("CI") or not _on_terminal(err):
        yield _ignore
        return
    bar = _Bar(label, err.made() if isinstance(err, _Stderr) else err, _delay())
    try:
        yield bar.update
    finally:
        bar.stop()


def _ignore(done: int, total: int) -> None:
    pass


def _delay() -> float:
    try:
        return float(os.environ.get("RUNSMIG_PROGRESS_DELAY") or PROGRESS_DELAY)
    except ValueError:
        return PROGRESS_DELAY


def _on_terminal(console: Console | _Stderr) -> bool:
    """The stream itself is a terminal: rich's ``is_terminal`` alone also says yes to FORCE_COLOR in a
    pipe. The stderr console is made only when stderr is a terminal at all."""
    if isinstance(console, _Stderr):
        isatty = getattr(sys.stderr, "isatty", None)
        if isatty is None or not isatty():
            return False
    isatty = getattr(console.file, "isatty", None)
    try:
        return console.is_terminal and not console.is_dumb_terminal and isatty is not None and bool(isatty())
    except ValueError:  # closed stream
        return False


class _Bar:
    """Started by the first update after ``PROGRESS_DELAY`` seconds that is not the last one. An
    update with another total starts the next phase of the work (the bar restarts from it)."""

    def __init__(self, label: str, console: Console, delay: float) -> None:
        self.label = label
        self.console = console
        self.delay = delay
        self.start = time.monotonic()
        self.bar = None
        self.task = None
        self.total = 0

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            if done >= total or time.monotonic() - self.start < self.delay:
                return
            from rich import progress as rp

            self.bar = rp.Progress(rp.TextColumn("{task.description}", markup=False), rp.BarColumn(),
                                   rp.MofNCompleteColumn(), rp.TimeRemainingColumn(), console=self.console,
                                   transient=True, redirect_stdout=False, redirect_stderr=False)
            self.task = self.bar.add_task(self.label, total=total, completed=done)
            self.total = total
            self.bar.start()
        if total != self.total:
            self.total = total
            self.bar.reset(self.task, total=total, completed=done)
        else:
            self.bar.update(self.task, completed=done)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
