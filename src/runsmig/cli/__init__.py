"""CLI entry point. Every module in this package registers its commands on
``runsmig.cli.app.app`` when imported: add a command by adding a file."""

from __future__ import annotations

import importlib
import pkgutil
import sys

from runsmig.cli.app import app


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in {"app", "common"}:
            continue
        importlib.import_module(f"{__name__}.{info.name}")


def main() -> None:
    _load_commands()
    from runsmig.console import error
    from runsmig.errors import RunsmigError, UsageError

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
    return " ".join(str(msg).split()) or "bad usage"


def _usage_hint(exc: Exception) -> str:
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None) or "runsmig"
    return f"see '{path} --help'"
