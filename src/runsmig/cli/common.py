"""Options and helpers shared by command modules."""

from __future__ import annotations

from pathlib import Path

import typer

from runsmig.errors import PathNotFound

PathArg = typer.Argument(Path("."), help="Root of the checkout (default: current folder).", show_default=False)
RecipeOpt = typer.Option(None, "--recipe", help="Recipe file or folder (default: the bundled jobs-to-runs recipe).")
RegenerateOpt = typer.Option(
    True, "--regenerate/--no-regenerate",
    help="Run the recipe's 'generated:' commands on the migrated code in a temporary copy, and plan their output "
         "(default); --no-regenerate keeps the structural rewrite of generated files.")


def checkout_root(path: Path) -> Path:
    if not path.exists() or not path.is_dir():
        raise PathNotFound(str(path))
    return path.resolve()
