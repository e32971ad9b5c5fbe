"""``runsmig compat drop``: remove the deprecated aliases whose window is over (runsmig.compat.drop)."""

from __future__ import annotations

from pathlib import Path

import typer

from runsmig.cli.app import app
from runsmig.cli.common import PathArg, QuietOpt, checkout_root
from runsmig.errors import EXIT_OK, RefusedError, UsageError

compat_app = typer.Typer(help="Deprecated aliases of renamed public names (README 'Deprecated aliases').",
                         no_args_is_help=True)
app.add_typer(compat_app, name="compat")


@compat_app.command("drop")
def drop(
    path: Path = PathArg,
    before: str | None = typer.Option(None, "--before", metavar="RELEASE",
                                      help="Remove the aliases to be removed in RELEASE or earlier (default: the "
                                           "project's current version, from its metadata)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the diff only; change nothing."),
    allow_dirty: bool = typer.Option(False, "--allow-dirty", help="Run on a checkout with uncommitted changes."),
    quiet: bool = QuietOpt,
) -> int:
    """Delete the generated compat files and hook lines whose removal release has come; print the diff."""
    from runsmig.apply import apply_plan
    from runsmig.cli.summary import print_summary
    from runsmig.compat.drop import drop_changes
    from runsmig.compat.settings import read_library
    from runsmig.console import out_bytes
    from runsmig.discover import git_dirty, is_git_checkout
    from runsmig.lock import exclusive, state_dir
    from runsmig.plan import Plan

    root = checkout_root(path)
    if before is None:
        lib = read_library(root)
        if lib is None or not lib.version:
            raise UsageError("no version in the checkout's metadata: say which release the aliases are over for",
                             hint="runsmig compat drop --before RELEASE")
        before = lib.version
    if not dry_run and not allow_dirty and is_git_checkout(root):
        dirty = git_dirty(root)
        if dirty:
            raise RefusedError(f"checkout has {len(dirty)} uncommitted change(s), e.g. '{dirty[0].strip()}'",
                               str(root), hint="commit or stash them first, or pass --allow-dirty")
    p = Plan(root, None, drop_changes(root, before))
    out_bytes(p.diff())
    if not dry_run and p.changes:
        state = state_dir(root)
        with exclusive(state / "runsmig.lock", "compat drop", False):
            apply_plan(p, state=state)
    print_summary(p, verb="would change" if dry_run else "changed")
    return EXIT_OK
