"""runsmig plan: print every change as one git diff; write nothing (except --out)."""

from __future__ import annotations

from pathlib import Path

import typer

from runsmig.cli.app import app
from runsmig.cli.common import (HeadOpt, JobsHistoryOpt, NoCacheOpt, PathArg, QuietOpt, RecipeOpt, RegenerateOpt,
                                checkout_root, effective, generator_options)
from runsmig.errors import EXIT_OK, EXIT_PARTIAL


@app.command()
def plan(
    path: Path = PathArg,
    recipe: Path | None = RecipeOpt,
    out: Path | None = typer.Option(None, "--out", help="Save the plan (with content hashes) to this JSON file."),
    workers: int | None = typer.Option(None, "--workers", help="Processes for parsing (default: CPU count)."),
    regenerate: bool = RegenerateOpt,
    head: str | None = HeadOpt,
    jobs_history: str | None = JobsHistoryOpt,
    fmt: str = typer.Option("diff", "--format", help="diff (default) or json: the review as data (changes, "
                            "follow-ups, externals, identifiers in strings with old -> new) instead of the diff."),
    quiet: bool = QuietOpt,
    no_cache: bool = NoCacheOpt,
) -> int:
    """Dry run: print the change set as a git-style unified diff on stdout, a summary on stderr."""
    if fmt not in ("diff", "json"):
        from runsmig.errors import UsageError

        raise UsageError(f"unknown --format '{fmt}' (choose from diff, json)")
    from runsmig.cli.summary import print_summary
    from runsmig.console import out_bytes, progress
    from runsmig.plan import build_plan

    root = checkout_root(path)
    eff = effective(root, recipe, workers)
    rec = eff.migration_recipe(regenerate)  # recipe code only from a recipe the user chose or trusts
    with progress("planning", quiet) as update:
        p = build_plan(root, rec, workers=eff.workers, regenerate=regenerate,
                       generator_options=generator_options(head, jobs_history), progress=update,
                           cache=not no_cache, limits=eff.limits)
    if fmt == "json":
        import json

        from runsmig.console import out_text

        out_text(json.dumps(p.review(), indent=1))
    else:
        out_bytes(p.diff())
    if out is not None:
        from runsmig.textio import atomic_write

        out = out if out.is_absolute() else Path.cwd() / out
        atomic_write(out, p.to_json().encode("utf-8"))
    print_summary(p)
    return EXIT_PARTIAL if p.failures() else EXIT_OK
