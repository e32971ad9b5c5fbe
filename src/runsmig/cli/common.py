"""Options and helpers shared by command modules."""

from __future__ import annotations

from pathlib import Path

import typer

from runsmig.errors import PathNotFound

PathArg = typer.Argument(Path("."), help="Root of the checkout (default: current folder).", show_default=False)
RecipeOpt = typer.Option(None, "--recipe", help="Recipe file or folder (default: the bundled jobs-to-runs recipe).")


def checkout_root(path: Path) -> Path:
    if not path.exists() or not path.is_dir():
        raise PathNotFound(str(path))
    return path.resolve()
