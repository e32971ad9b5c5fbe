"""The one console layer: diffs and machine output to stdout, diagnostics to stderr."""

from __future__ import annotations

import sys

from rich.console import Console

from runsmig.errors import RunsmigError

err = Console(stderr=True, highlight=False, soft_wrap=True)


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


def warn(message: str) -> None:
    err.print(f"[yellow]warning[/yellow]: {message}", markup=True)


def error(exc: RunsmigError) -> None:
    """One line naming file and line, then the hint on its own line."""
    err.print(f"runsmig: error: {exc.one_line()}", markup=False)
    if exc.hint:
        err.print(f"  hint: {exc.hint}", markup=False)
