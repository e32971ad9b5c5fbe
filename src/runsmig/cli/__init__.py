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
    from runsmig.errors import RunsmigError

    try:
        rc = app(standalone_mode=False)
        if isinstance(rc, int):
            sys.exit(rc)
    except RunsmigError as exc:
        error(exc)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors and aborts
        import click

        if isinstance(exc, click.exceptions.UsageError):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        raise
