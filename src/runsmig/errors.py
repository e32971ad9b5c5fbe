"""Error classes: each has one message shape, one hint and one exit code.

Exit codes (documented in the README):

====  =====================================================================
0     success; ``check``: no remnants
1     ``check``: remnants found
2     usage error, bad PATH, malformed recipe or settings, a checkout's catch-all ignore/allowlist
3     partial / undecided: a file or folder could not be read, decoded or parsed (left
      untouched), a recipe step failed; in ``check`` it wins over 1
4     refused: dirty checkout, stale saved plan, conflict, unsafe path, untrusted recipe code, lock held
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


class MalformedPlan(RunsmigError):
    """A saved plan that is not what 'runsmig plan --out' writes (``PLAN.json: changes[3].mode: ...``)."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None, col: int | None = None) -> None:
        super().__init__(message, path=path, line=line, col=col, exit_code=EXIT_USAGE,
                         hint="a saved plan is written by 'runsmig plan --out'; make a new one, do not edit it")


class UnsafePlan(RunsmigError):
    """A saved plan that names something apply never touches: .git, a device, a symlink, a setuid mode."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message, path=path, exit_code=EXIT_REFUSED,
                         hint="nothing was read or written; make a new plan with 'runsmig plan --out' and review it")


class StalePlan(RunsmigError):
    """A saved plan that no longer matches the checkout (a file's content, mode or presence changed)."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message, path=path, exit_code=EXIT_REFUSED,
                         hint="make a new plan with 'runsmig plan --out', or apply without --plan")


class OperationError(RunsmigError):
    def __init__(self, message: str, path: str | None = None, hint: str = "") -> None:
        super().__init__(
            message,
            path=path,
            hint=hint or "nothing was half-written; fix the cause and run the same command again",
            exit_code=EXIT_OPERATION,
        )


class LockHeld(RunsmigError):
    def __init__(self, what: str, lock_file: str, pid: int | None) -> None:
        holder = f"pid {pid}" if pid else "another process"
        super().__init__(
            f"another runsmig {what} is running on this tree (lock held by {holder})",
            path=lock_file,
            hint="wait for it to finish, or pass --wait to queue behind it",
            exit_code=EXIT_REFUSED,
        )


class UntrustedRecipe(RefusedError):
    """A recipe reached only through the checkout's own ``[tool.runsmig] recipe`` holds code."""

    def __init__(self, message: str, path: str | None, line: int | None, col: int | None, recipe: str) -> None:
        super().__init__(message, path=path, hint=(
            f"read it, then trust it: pass --recipe {recipe} (or list its path in $RUNSMIG_TRUST or "
            "$XDG_CONFIG_HOME/runsmig/trusted); 'runsmig check' needs no trust, it runs no recipe code"))
        self.line, self.col = line, col


class CatchAllEntry(RunsmigError):
    """An ignore or allowlist entry from the checkout itself that would switch the gate off."""

    def __init__(self, message: str, path: str, line: int | None = None, col: int | None = None) -> None:
        super().__init__(message, path=path, line=line, col=col, exit_code=EXIT_USAGE, hint=(
            "a checkout may narrow the gate, never turn it off: name the files or lines (with a reason), "
            "or pin the recipe from outside the checkout with --recipe"))
