"""runsmig db: Alembic revisions that extend runs, carry job history into runs and drop jobs."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from runsmig.cli.app import app
from runsmig.cli.common import HeadOpt, JobsHistoryOpt, PathArg, QuietOpt, RecipeOpt, checkout_root, generator_options
from runsmig.console import info, out_text, progress
from runsmig.errors import EXIT_OK, RefusedError, UsageError

db_app = typer.Typer(
    name="db",
    help="Database: generate the Alembic revisions that fold jobs into runs.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(db_app, name="db")

IniOpt = typer.Option(None, "--ini", help="alembic.ini to use, relative to PATH (when the checkout has several).")


def _recipe(recipe: Path | None):
    from runsmig.db import database_spec
    from runsmig.recipe import load_recipe

    rec = load_recipe(recipe)
    if database_spec(rec) is None:
        raise UsageError(
            f"the recipe has no 'database:' section ({rec.source})",
            hint="paste rules/jobs-to-runs/database.snippet.yaml into the recipe, or pass --recipe",
        )
    return rec


def new_file_diff(path: str, content: str) -> str:
    lines = content.splitlines()
    out = [f"diff --git a/{path} b/{path}", "new file mode 100644", "--- /dev/null", f"+++ b/{path}",
           f"@@ -0,0 +1,{len(lines)} @@"]
    out += ["+" + ln for ln in lines]
    if content and not content.endswith("\n"):
        out.append("\\ No newline at end of file")
    return "\n".join(out) + "\n"


def _write(root: Path, rel: str, content: str) -> None:
    target = root / rel
    if target.exists():
        raise RefusedError("file already exists; not overwritten", path=rel)
    tmp = target.with_name(f".{target.name}.runsmig-tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@db_app.command("revisions")
def revisions(
    path: Path = PathArg,
    head: str | None = HeadOpt,
    jobs_history: str | None = JobsHistoryOpt,
    write: bool = typer.Option(False, "--write", help="Create the revision files (default: print them as a diff)."),
    recipe: Path | None = RecipeOpt,
    ini: str | None = IniOpt,
    quiet: bool = QuietOpt,
) -> int:
    """Print (or --write) the two Alembic revisions: extend runs; carry job history and drop jobs."""
    from runsmig.db import plan_revisions

    root = checkout_root(path)
    rec = _recipe(recipe)
    opts = generator_options(head, jobs_history)
    with progress("db revisions", quiet) as update:
        files = plan_revisions(root, rec, head=opts["head"], jobs_history=opts["jobs_history"], ini=ini,
                               progress=update)
    if not files:
        info("db: nothing to generate (no Alembic environment, no jobs table at the head, or the revisions exist)")
        return EXIT_OK
    for f in files:
        if write:
            _write(root, f.path, f.content)
            info(f"created {f.path}")
        else:
            out_text(new_file_diff(f.path, f.content))
    for f in files:
        for note in f.notes:
            info(f"  {note}")
    if not write:
        info(f"db: {len(files)} revision file(s) would be created; run again with --write to create them")
    return EXIT_OK


@db_app.command("model")
def model(
    path: Path = PathArg,
    head: str | None = HeadOpt,
    recipe: Path | None = RecipeOpt,
    ini: str | None = IniOpt,
    quiet: bool = QuietOpt,
) -> int:
    """Print the declarations the Run model must gain once the revisions are applied."""
    from runsmig.db import model_declarations

    root = checkout_root(path)
    rec = _recipe(recipe)
    with progress("db model", quiet) as update:
        text = model_declarations(root, rec, head=head, ini=ini, progress=update)
    if text:
        out_text(text)
    else:
        info("db: nothing to declare (no Alembic environment or no jobs table at the head)")
    return EXIT_OK
