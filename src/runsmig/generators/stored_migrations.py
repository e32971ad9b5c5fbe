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
    written = plan_migrations(root, recipe, result.history)
    for w in written:
        listing = tuple((k, o, n, t, w.path) for k, o, n, t in w.migration.listing()) if w.migration else ()
        out.append(NewFile(w.path, w.content, w.notes, listing))
    sql_new = [(w.path, w.released) for w in written if w.migration is not None and w.released]
    if sql_new:  # a Django app wrapping the SQL folder's files wraps the new one too
        from runsmig.migration.django_wrap import wrappers

        earlier = [(f.path, f.content) for f in options.get("generated", ()) if f.path]
        for path, content, note in wrappers(root, result.history.kinds, sql_new, earlier):
            out.append(NewFile(path, content, (note,)))
    return out
