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


HeadOpt = typer.Option(None, "--head", help="Chain the generated Alembic revisions to this revision "
                       "(needed when the environment has several heads).")
JobsHistoryOpt = typer.Option(None, "--jobs-history", help="migrate (carry job rows into runs) or discard "
                              "(default: the recipe's, else migrate).")


def generator_options(head: str | None, jobs_history: str | None) -> dict:
    from runsmig.errors import UsageError

    if jobs_history is not None and jobs_history not in ("migrate", "discard"):
        raise UsageError(f"--jobs-history '{jobs_history}': use migrate or discard")
    return {"head": head, "jobs_history": jobs_history}


def checkout_root(path: Path) -> Path:
    if not path.exists() or not path.is_dir():
        raise PathNotFound(str(path))
    return path.resolve()
