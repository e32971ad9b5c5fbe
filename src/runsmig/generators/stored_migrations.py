"""``stored: migrate``: the migration of the stored names the rename changes, written as the next
file of the checkout's own migration history (runsmig.migration)."""

from __future__ import annotations

import re
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
        notes = w.notes + tuple(_stale_generated(root, result, w.path)) + tuple(_pinned(root, result, w.path)) \
            if w.migration else w.notes
        out.append(NewFile(w.path, w.content, notes, listing))
    sql_new = [(w.path, w.released) for w in written if w.migration is not None and w.released]
    if sql_new:  # a Django app wrapping the SQL folder's files wraps the new one too
        from runsmig.migration.django_wrap import wrappers

        earlier = [(f.path, f.content) for f in options.get("generated", ()) if f.path]
        for path, content, note in wrappers(root, result.history.kinds, sql_new, earlier):
            out.append(NewFile(path, content, (note,)))
    return out


def _stale_generated(root: Path, result, new: str) -> list[str]:
    """Generated files (left as they are: a tool's output) that hold the history of the new file's
    folder (a module a build step compiles the migrations into, naming ``000019.sql``): they lack
    the new file until their tool runs again."""
    folder, _, leaf = new.rpartition("/")
    released = sorted(rel for rel in result.history.kinds if rel.rpartition("/")[0] == folder)
    if not released:
        return []
    last = released[-1].rpartition("/")[2]
    generated = [rel for rel, why in result.skipped if "generated" in why]  # .gitattributes, by name
    generated += [o.rel for o in result.looked if o.status == "skipped" and o.reason.startswith("generated")]
    out = []
    for rel in generated:
        try:
            text = (root / rel).read_bytes()[:4 << 20].decode("utf-8", "replace")
        except OSError:
            continue
        if last in text:
            out.append(f"{rel}: generated, and it holds the migrations of {folder or '.'}/ (names {last}); "
                       f"run its generator after apply so that it holds {leaf} too")
    return out


_PINNED = re.compile(r"(?i)\b([A-Za-z_]*migration[A-Za-z_]*)\s*(?::[^=\n]{0,40})?=\s*(\d+)\b")


def _pinned(root: Path, result, new: str) -> list[str]:
    """Code that pins the number of the last migration (``const MAX_MIGRATION_NUMBER = 19``, a test
    counting the rows of a migrations table): it says one less than the history now has."""
    folder, _, leaf = new.rpartition("/")
    numbers = [int(m.group(0)) for rel in result.history.kinds if rel.rpartition("/")[0] == folder
               for m in [re.match(r"\d+", rel.rpartition("/")[2])] if m]
    new_number = re.match(r"\d+", leaf)
    if not numbers or new_number is None or len(str(max(numbers))) > 6 or re.match(r"\d+\.\d", leaf):
        return []  # timestamps and release versions (03.04.00_01_x.sql) are not counted
    last = max(numbers)
    out = []
    for o in result.looked:
        if o.rel in result.history.kinds or not o.rel.endswith((".py", ".ts", ".tsx", ".js", ".mjs", ".cjs")):
            continue
        try:
            text = (root / o.rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for m in _PINNED.finditer(text):
            if int(m.group(2)) == last:
                line = text.count("\n", 0, m.start()) + 1
                out.append(f"{o.rel}:{line}: {m.group(1)} = {last} names the last migration of {folder or '.'}/; "
                           f"{leaf} makes it {int(new_number.group(0))}")
    return out
