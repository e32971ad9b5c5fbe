"""CLI entry point. Every module in this package registers its commands on
``runsmig.cli.app.app`` when imported: add a command by adding a file."""

from __future__ import annotations

import importlib
import os
import re
import sys

from runsmig.cli.app import app


def _load_commands(argv: list[str] | None = None) -> None:
    """Import the command modules. When ``argv`` starts with a command that the module of the same
    name registers (``check`` in ``check.py``), only that module is imported: the others only
    cost start-up. Anything else (``--help``, a group such as ``recipe``, a typo) loads them all."""
    names = sorted(n[:-3] for folder in __path__ for n in os.listdir(folder)  # pkgutil costs 8 ms to import
                   if n.endswith(".py") and not n.startswith("_") and n[:-3] not in {"app", "common"})
    first = argv[0] if argv else ""
    if first in names:
        importlib.import_module(f"{__name__}.{first}")
        if first in _registered():
            return
    for name in names:
        importlib.import_module(f"{__name__}.{name}")


def _registered() -> set[str]:
    from runsmig.cli.app import app

    commands = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands if c.callback}
    return commands | {g.name for g in app.registered_groups if g.name}


def main() -> None:
    if sys.argv[1:2] == ["check"]:  # the gate's grep and file listings start before typer is imported
        from runsmig.earlygrep import from_argv

        from_argv(sys.argv[2:])
    _load_commands(sys.argv[1:])
    from runsmig.console import error
    from runsmig.errors import EXIT_PARTIAL, RunsmigError, UsageError

    from runsmig.workers import EXIT_SIGINT, install_signal_handlers

    install_signal_handlers()
    try:
        rc = app(standalone_mode=False)
        if isinstance(rc, int):
            sys.exit(rc)
    except RunsmigError as exc:
        error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("runsmig: interrupted\n")
        sys.exit(EXIT_SIGINT)
    except SystemExit:
        raise
    except PermissionError as exc:  # a path it could not get at: undecided (3), one line
        from runsmig.errors import AccessError

        error(AccessError(exc))
        sys.exit(EXIT_PARTIAL)
    except Exception as exc:  # the CLI library's usage errors and aborts (no import of click: Typer vendors it)
        kinds = {c.__name__ for c in type(exc).__mro__}
        if "UsageError" in kinds:
            error(UsageError(_usage_message(exc), hint=_usage_hint(exc)))
            sys.exit(2)
        if "Abort" in kinds:
            sys.exit(130)
        if "Exit" in kinds:
            sys.exit(getattr(exc, "exit_code", 0))
        raise


def _usage_message(exc: Exception) -> str:
    fmt = getattr(exc, "format_message", None)
    msg = fmt() if callable(fmt) else str(exc)
    text = " ".join(str(msg).split())
    for hint in set(re.findall(r"Did you mean [^?]*\?", text)):  # some Typer/click pairs both suggest
        first = text.find(hint) + len(hint)
        text = text[:first] + text[first:].replace(" " + hint, "")
    return text or "bad usage"


def _usage_hint(exc: Exception) -> str:
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None) or "runsmig"
    return f"see '{path} --help'"
