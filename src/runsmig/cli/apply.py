"""runsmig apply: perform the plan (or a saved plan) on the checkout."""

from __future__ import annotations

import hashlib
from pathlib import Path

import typer

from runsmig.cli.app import app
from runsmig.cli.common import (HeadOpt, JobsHistoryOpt, NoCacheOpt, PathArg, QuietOpt, RecipeOpt, RegenerateOpt,
                                checkout_root, effective, generator_options)
from runsmig.errors import EXIT_OK, EXIT_PARTIAL, RefusedError
from runsmig.lock import exclusive, state_dir


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
    wait: bool = typer.Option(False, "--wait", help="If another apply holds this checkout's lock, wait for it "
                              "instead of refusing (exit 4)."),
) -> int:
    """Perform the changes: atomic writes, renames, deletions, new files. One apply at a time per checkout;
    an apply that was killed is completed or undone by the next."""
    root = checkout_root(path)
    state = state_dir(root)
    with exclusive(state / "runsmig.lock", "apply", wait):
        return _apply_locked(root, state, recipe, plan_file, allow_dirty, workers, regenerate, head, jobs_history,
                             db, quiet, no_cache)


def _apply_locked(root: Path, state: Path, recipe, plan_file, allow_dirty, workers, regenerate, head, jobs_history,
                  db, quiet, no_cache) -> int:
    """Holding the checkout's lock: finish or undo an interrupted apply, sweep its temp files, then apply."""
    from runsmig import console, tempfiles
    from runsmig.applylog import close, recover
    from runsmig.apply import apply_plan
    from runsmig.cli.summary import print_summary
    from runsmig.console import progress
    from runsmig.discover import git_dirty, is_git_checkout
    from runsmig.plan import Plan, build_plan
    from runsmig.settings import load_settings
    from runsmig.storage.checkout import check_checkout_storage, move_checkout_storage

    rec = recover(state)
    if rec is not None:
        console.warn(f"{'completed' if rec.completed else 'undid'} an apply of {rec.changes} file(s) "
                     f"interrupted in this checkout (pid {rec.pid})")
    swept = tempfiles.sweep(root)
    if swept:
        console.warn(f"removed {len(swept)} temp file(s) left by an interrupted run, e.g. {swept[0]}")
    if not allow_dirty and not (rec is not None and rec.completed) and is_git_checkout(root):
        dirty = [line for line in git_dirty(root, _recipe_inside(root, recipe)) if not tempfiles.is_temp_status(line)]
        if dirty:
            raise RefusedError(
                f"checkout has {len(dirty)} uncommitted change(s), e.g. '{dirty[0].strip()}'", str(root),
                hint="commit or stash them first, or pass --allow-dirty")
    check_checkout_storage(root)
    digest = hashlib.sha256(plan_file.read_bytes()).hexdigest() if plan_file is not None and plan_file.is_file() else None
    if digest is not None and rec is not None and rec.completed and rec.plan == digest:
        console.warn("this saved plan was applied by the interrupted run (completed above)")
        p = Plan(root, None, [])
        recipe_path = recipe if recipe is not None else load_settings(root).recipe
    elif plan_file is not None:
        p = Plan.load(plan_file, root)
        recipe_path = recipe if recipe is not None else load_settings(root).recipe
    else:
        eff = effective(root, recipe, workers)
        rec = eff.migration_recipe(regenerate)  # recipe code only from a recipe the user chose or trusts
        recipe_path = eff.recipe_path
        with progress("planning", quiet) as update:
            p = build_plan(root, rec, workers=eff.workers, regenerate=regenerate,
                           generator_options=generator_options(head, jobs_history), progress=update,
                           cache=not no_cache, limits=eff.limits)
    with progress("writing", quiet) as update:
        apply_plan(p, progress=update, state=state, digest=digest, keep_journal=True)
    print_summary(p, verb="changed")
    with progress("moving data/jobs", quiet) as update:
        move_checkout_storage(root, recipe_path, db, progress=update)
    close(state)  # a kill before this line: the next apply knows the tree's changes are its own
    conflicts = [f for f in p.follow_ups() if f.rule == "conflict"]
    if conflicts:
        raise RefusedError(f"{len(conflicts)} conflict(s) left unapplied (listed above); everything else was applied",
                           conflicts[0].path, hint="resolve each one (an existing name is never overwritten), "
                           "commit, and run apply again")
    return EXIT_PARTIAL if p.failures() else EXIT_OK


def _recipe_inside(root: Path, recipe: Path | None) -> tuple[str, ...]:
    """The recipe this run was given (``--recipe``, else ``[tool.runsmig] recipe``), as a
    root-relative path when it lies in the checkout: a recipe ``init`` has just written there is not
    an uncommitted change that apply should refuse for (it is never rewritten: see runsmig.paths)."""
    from runsmig.settings import load_settings

    path = recipe if recipe is not None else load_settings(root).recipe
    if path is None:
        return ()
    try:
        rel = Path(path).resolve().relative_to(root)
    except ValueError:
        return ()
    if Path(path).resolve().name == "recipe.yaml" and rel.parent != Path("."):
        rel = rel.parent
    return () if rel == Path(".") else (rel.as_posix(),)
