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


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("runsmig")
        except PackageNotFoundError:  # run from a source tree
            from runsmig import __version__ as v
        print(f"runsmig {v}")
        raise typer.Exit(0)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", help="Print the version and exit.",
                                       callback=_version, is_eager=True)) -> None:
    """Migrate a checkout from 'job' to 'run': plan, apply, check, storage, db."""
