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
    written = plan_migrations(root, recipe, result.history, stored_values(result))
    for w in written:
        listing = tuple((k, o, n, t, w.path) for k, o, n, t in w.migration.listing()) if w.migration else ()
        notes, updates = w.notes, ()
        if w.migration and not (root / w.path).exists():
            embedded = _embedded(root, result, w.path, w.content)
            pinned = _pinned(root, result, w.path)
            notes += tuple(n for n, _ in embedded + pinned) + tuple(_dumped(root, result, w.path))
            notes += tuple(_breaking(root, result, w.path))
            updates = tuple(u for _, u in embedded + pinned if u is not None)
        out.append(NewFile(w.path, w.content, notes, listing, updates=updates))
    sql_new = [(w.path, w.released) for w in written if w.migration is not None and w.released]
    if sql_new:  # a Django app wrapping the SQL folder's files wraps the new one too
        from runsmig.migration.django_wrap import wrappers

        earlier = [(f.path, f.content) for f in options.get("generated", ()) if f.path]
        for path, content, note in wrappers(root, result.history.kinds, sql_new, earlier):
            out.append(NewFile(path, content, (note,)))
    return out


def stored_values(result) -> tuple[tuple[str, str, str], ...]:
    """The stored values rows hold that the plan changes, (kind, old, new): the follow-ups of the files'
    analysis that carry them (a task name, runsmig.languages.python.task_names), in order."""
    from runsmig.migration.values import WORDS

    found = ((f.stored, f.word, f.word_replacement) for o in result.looked for f in o.reported
             if f.rule == "follow-up" and f.stored in WORDS and f.word and f.word_replacement)
    return tuple(dict.fromkeys(found))


def _released(result, folder: str) -> list[str]:
    return sorted(rel for rel in result.history.kinds if rel.rpartition("/")[0] == folder)


def _last_number(result, folder: str) -> int | None:
    """The highest leading number of the folder's released files; None when none has one or it is a
    timestamp (more than 6 digits: such a history is not counted)."""
    numbers = [int(m.group(0)) for rel in _released(result, folder)
               for m in [re.match(r"\d+", rel.rpartition("/")[2])] if m]
    return max(numbers) if numbers and len(str(max(numbers))) <= 6 else None


def _planned(root: Path, result, rel: str) -> bytes | None:
    """What the plan makes of ``rel`` so far: its new content when the run changes it, else its bytes."""
    for o in result.looked:
        if o.rel == rel:
            if o.status == "deleted":
                return None
            if o.status == "changed" and o.new is not None:
                return o.new
            break
    try:
        return (root / rel).read_bytes()
    except OSError:
        return None


def _embedded(root: Path, result, new: str, content: str) -> list[tuple[str, tuple[str, bytes] | None]]:
    """Generated files (a tool's output, otherwise left as they are) that hold the history of the new
    file's folder (a module a build step compiles the migrations into, naming ``000019.sql``): the
    new file is appended to them as their generator writes it (runsmig.migration.shape), or, when
    their shape is not one runsmig can reproduce, noted: run the generator after apply."""
    from runsmig.migration.shape import embedded_entry

    folder, _, leaf = new.rpartition("/")
    released = _released(result, folder)
    if not released:
        return []
    names = [rel.rpartition("/")[2] for rel in released]
    generated = [rel for rel, why in result.skipped if "generated" in why]  # .gitattributes, by name
    generated += [o.rel for o in result.looked if o.status == "skipped" and o.reason.startswith("generated")]
    out: list[tuple[str, tuple[str, bytes] | None]] = []
    contents: dict[str, str] | None = None
    for rel in generated:
        data = _planned(root, result, rel)
        if data is None or len(data) > 16 << 20:
            continue
        text = data.decode("utf-8", "replace")
        if names[-1] not in text:
            continue
        if contents is None:
            contents = {n: (root / r).read_bytes().decode("utf-8", "replace") for n, r in zip(names, released)}
        found = embedded_entry(text, rel, names, contents, leaf, content) if "\ufffd" not in text else None
        if found is None:
            note = (f"{rel}: generated, and it holds the migrations of {folder or '.'}/ (names {names[-1]}); "
                    f"run its generator after apply so that it holds {leaf} too")
            out.append((note, None))
            continue
        at, entry = found
        note = f"{rel}: generated, and it holds the migrations of {folder or '.'}/: {leaf} appended as its other entries are written"
        out.append((note, (rel, (text[:at] + entry + text[at:]).encode("utf-8"))))
    return out


def _pinned(root: Path, result, new: str) -> list[tuple[str, tuple[str, bytes] | None]]:
    """Code that pins the number of the last migration (``const MAX_MIGRATION_NUMBER = 19`` in a
    test counting the rows of a migrations table): the new file makes it one more, so it moves with
    the history (runsmig.migration.shape decides which constants, with the syntax tree)."""
    from runsmig.migration.shape import grammar_of, pinned_head

    folder, _, leaf = new.rpartition("/")
    last, new_number = _last_number(result, folder), re.match(r"\d+", leaf)
    if last is None or new_number is None or re.match(r"\d+\.\d", leaf):
        return []  # release versions (03.04.00_01_x.sql) are not counted either
    head = int(new_number.group(0))
    out: list[tuple[str, tuple[str, bytes] | None]] = []
    for rel in [o.rel for o in result.looked] + list(result.unread):
        if rel in result.history.kinds or rel.endswith("/") or grammar_of(rel) is None:
            continue
        data = _planned(root, result, rel)
        if data is None or str(last).encode() not in data:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        spans = pinned_head(text, rel, last)
        for a, b, name, line in reversed(spans):
            text = text[:a] + str(head) + text[b:]
        out.extend((f"{rel}:{line}: {name} = {last} names the last migration of {folder or '.'}/; {leaf} makes it {head}",
                    None) for _, _, name, line in spans)
        if spans:
            out[-1] = (out[-1][0], (rel, text.encode("utf-8")))
    return out


def _dumped(root: Path, result, new: str) -> list[str]:
    """A schema dump outside the history holding the rows of a migrations table up to the last
    migration (a ``pg_dump`` a CI job compares with a fresh one): its row for the new file is the
    migration runner's to write (its other columns: when, whether breaking), so it is a follow-up."""
    from runsmig.migration.shape import dumped_heads

    folder, _, leaf = new.rpartition("/")
    last = _last_number(result, folder)
    if last is None:
        return []
    out = []
    for rel in [o.rel for o in result.looked] + list(result.unread):
        if rel in result.history.kinds or not rel.lower().endswith(".sql"):
            continue
        data = _planned(root, result, rel)
        if data is None or b"FROM stdin;" not in data and b"from stdin;" not in data.lower():
            continue
        for line, table, head in dumped_heads(data.decode("utf-8", "replace")):
            if head == last:
                out.append(f"{rel}:{line}: a dump holding the rows of {table} up to {head}: dump it again after "
                           f"apply and migrate, so that it holds the row {leaf} adds (written by the migration runner)")
    return out


def _breaking(root: Path, result, new: str) -> list[str]:
    """Released files of the folder whose first line is a comment directive marking a breaking change
    (its text begins with the word, three words at most: ``--! breaking-change``, a runner that makes
    older code refuse the upgraded database; not ``-- not breaking anything``): the new
    file renames what the released code names, so it breaks that code too; whether to mark it is
    the runner's convention, so it is a follow-up, not written."""
    folder, _, leaf = new.rpartition("/")
    marked: list[tuple[str, str]] = []
    for rel in _released(result, folder):
        try:
            with open(root / rel, "rb") as fh:
                first = fh.readline(200).decode("utf-8", "replace").strip()
        except OSError:
            continue
        body = re.sub(r"^(?:--|#|//|/\*)[\s!@:#*-]*", "", first).rstrip("*/ ")
        if body != first and re.match(r"(?i)breaking\b", body) and len(body.split()) <= 3:  # a directive
            marked.append((rel.rpartition("/")[2], first))
    if not marked:
        return []
    lines = sorted({m for _, m in marked})
    names = ", ".join(n for n, _ in marked[:5]) + (", ..." if len(marked) > 5 else "")
    return [(f"{folder or '.'}/: {len(marked)} released file(s) start with {' or '.join(repr(x) for x in lines)} "
            f"({names}); {leaf} renames what the released code names, so that code breaks on an upgraded "
            f"database: put the marker on its first line after apply if older code must refuse it")]
