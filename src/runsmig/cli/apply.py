"""runsmig apply: perform the plan (or a saved plan) on the checkout."""

from __future__ import annotations

from pathlib import Path

import typer

from runsmig.cli.app import app
from runsmig.cli.common import (HeadOpt, JobsHistoryOpt, NoCacheOpt, PathArg, QuietOpt, RecipeOpt, RegenerateOpt,
                                checkout_root, effective, generator_options)
from runsmig.errors import EXIT_OK, EXIT_PARTIAL, RefusedError


@app.command()
def apply(
    path: Path = PathArg,
    recipe: Path | None = RecipeOpt,
    plan_file: Path | None = typer.Option(None, "--plan", help="Apply exactly this saved plan (refused if a file changed since)."),
    allow_dirty: bool = typer.Option(False, "--allow-dirty", help="Run on a checkout with uncommitted changes."),
    workers: int | None = typer.Option(None, "--workers", help="Processes for parsing (default: CPU count)."),
    regenerate: bool = RegenerateOpt,
    head: str | None = HeadOpt,
    jobs_history: str | None = JobsHistoryOpt,
    db: str | None = typer.Option(None, "--db", help="SQLAlchemy URL of the database, for moving the checkout's data/jobs folders by run id."),
    quiet: bool = QuietOpt,
    no_cache: bool = NoCacheOpt,
) -> int:
    """Perform the changes: atomic writes, renames, deletions, new files."""
    from runsmig.apply import apply_plan
    from runsmig.cli.summary import print_summary
    from runsmig.console import progress
    from runsmig.discover import git_dirty, is_git_checkout
    from runsmig.plan import Plan, build_plan
    from runsmig.settings import load_settings
    from runsmig.storage.checkout import move_checkout_storage

    root = checkout_root(path)
    if not allow_dirty and is_git_checkout(root):
        dirty = git_dirty(root)
        if dirty:
            raise RefusedError(
                f"checkout has {len(dirty)} uncommitted change(s), e.g. '{dirty[0].strip()}'", str(root),
                hint="commit or stash them first, or pass --allow-dirty")
    if plan_file is not None:
        p = Plan.load(plan_file, root)
        recipe_path = recipe if recipe is not None else load_settings(root).recipe
    else:
        eff = effective(root, recipe, workers)
        rec = eff.migration_recipe(regenerate)  # recipe code only from a recipe the user chose or trusts
        recipe_path = eff.recipe_path
        with progress("planning", quiet) as update:
            p = build_plan(root, rec, workers=eff.workers, regenerate=regenerate,
                           generator_options=generator_options(head, jobs_history), progress=update,
                           cache=not no_cache)
    with progress("writing", quiet) as update:
        apply_plan(p, progress=update)
    print_summary(p, verb="changed")
    with progress("moving data/jobs", quiet) as update:
        move_checkout_storage(root, recipe_path, db, progress=update)
    return EXIT_PARTIAL if p.failures() else EXIT_OK
