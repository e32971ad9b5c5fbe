"""``stored: migrate``: the migration of the stored names the rename changes, written as the next
file of the checkout's own migration history (runsmig.migration)."""

from __future__ import annotations

from pathlib import Path

from runsmig.generators import NewFile


def generate(root: Path, recipe, result, options: dict) -> list[NewFile]:
    from runsmig.migration import plan_migrations, writes_migrations

    if not writes_migrations(recipe) or not result.history:
        return []
    out = []
    for w in plan_migrations(root, recipe, result.history):
        listing = tuple((k, o, n, t, w.path) for k, o, n, t in w.migration.listing()) if w.migration else ()
        out.append(NewFile(w.path, w.content, w.notes, listing))
    return out
