"""The Typer application; command modules in this package register on it."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="runsmig",
    help="Migrate a checkout from 'job' to 'run': plan, apply, check, storage, db.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
