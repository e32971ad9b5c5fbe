"""Error classes: each has one message shape, one hint and one exit code.

Exit codes (documented in the README):

====  =====================================================================
0     success; ``check``: no remnants
1     ``check``: remnants found
2     usage error, bad PATH, malformed recipe
3     partial / undecided: a file or folder could not be read, decoded or parsed (left
      untouched); in ``check`` it wins over 1
4     refused: dirty checkout, stale saved plan, conflict, unsafe path
5     storage/database operation failed (nothing half-written; rerun resumes)
====  =====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_REFUSED = 4
EXIT_OPERATION = 5


@dataclass
class RunsmigError(Exception):
    """Base error: ``path:line:col: message`` plus a hint, and an exit code."""

    message: str
    path: str | None = None
    line: int | None = None
    col: int | None = None
    hint: str = ""
    exit_code: int = EXIT_USAGE

    def location(self) -> str:
        if not self.path:
            return ""
        loc = self.path
        if self.line is not None:
            loc += f":{self.line}"
            if self.col is not None:
                loc += f":{self.col}"
        return loc

    def one_line(self) -> str:
        loc = self.location()
        return f"{loc}: {self.message}" if loc else self.message

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.one_line()


class AccessError(RunsmigError):
    """A file or folder the command could not get at, outside any per-file step (those report the file
    and go on): the command stops undecided (3), never with a traceback, never as "clean"."""

    def __init__(self, exc: PermissionError) -> None:
        super().__init__(exc.strerror or type(exc).__name__, path=exc.filename and str(exc.filename),
                         hint="give runsmig access to it, or ignore it (.runsmigignore), and run again",
                         exit_code=EXIT_PARTIAL)


class UsageError(RunsmigError):
    def __init__(self, message: str, path: str | None = None, hint: str = "see 'runsmig --help'") -> None:
        super().__init__(message, path=path, hint=hint, exit_code=EXIT_USAGE)


class PathNotFound(RunsmigError):
    def __init__(self, path: str) -> None:
        super().__init__(
            "path does not exist or is not a folder",
            path=path,
            hint="pass the root of a checkout, e.g. 'runsmig plan fixtures/ade-mini'",
            exit_code=EXIT_USAGE,
        )


class RecipeError(RunsmigError):
    def __init__(self, message: str, path: str, line: int | None = None, col: int | None = None) -> None:
        super().__init__(
            message,
            path=path,
            line=line,
            col=col,
            hint="fix the recipe; its format is described in the README under 'Recipe format'",
            exit_code=EXIT_USAGE,
        )


class RefusedError(RunsmigError):
    def __init__(self, message: str, path: str | None = None, hint: str = "") -> None:
        super().__init__(message, path=path, hint=hint, exit_code=EXIT_REFUSED)


class OperationError(RunsmigError):
    def __init__(self, message: str, path: str | None = None, hint: str = "") -> None:
        super().__init__(
            message,
            path=path,
            hint=hint or "nothing was half-written; fix the cause and run the same command again",
            exit_code=EXIT_OPERATION,
        )
