"""``stored: migrate``: the forward migration of the stored names the rename changes, written as
the next file of the project's own migration history.

The released history (runsmig.history) says what exists: its SQL files (or its Alembic revisions,
rendered to PostgreSQL SQL offline) are read in order with sqlglot (runsmig.sql.catalog); every
object whose name the term map rewrites is renamed, every function, trigger and view whose
definition it rewrites is recreated (runsmig.migration.renames, .postgres). The new file goes
where the history is: the next file of a plain SQL folder (.sqlfolder) or a new Alembic revision
(.alembic). Once applied it is history itself: replayed with the rest, it leaves no name to
migrate, so a second plan writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from runsmig.migration.renames import StoredMigration
from runsmig.migration.sqlfolder import MARKER

REASON = "migration written by runsmig"


@dataclass(frozen=True)
class Written:
    """A migration file to create, and what it migrates."""

    path: str
    content: str
    migration: StoredMigration | None = None  # None: a companion file (a .down.sql)
    notes: tuple[str, ...] = field(default=())
    released: tuple[str, ...] = ()  # a SQL folder's released files, in run order


def writes_migrations(recipe) -> bool:
    """``stored: migrate`` without a ``database:`` section (which has its own revisions)."""
    from runsmig.recipe.sections.stored import stored_of

    return stored_of(recipe).action == "migrate" and "database" not in recipe.sections


def plan_migrations(root: Path, recipe, history, values: tuple = ()) -> list[Written]:
    """The files to write for every migration history of the checkout ([] when nothing to migrate).
    ``values``: stored values rows hold that the rename changes, (kind, old, new) (a task name):
    carried by a SQL folder's migration when its schema says which column stores them
    (runsmig.migration.values)."""
    if not writes_migrations(recipe) or not history:
        return []
    from runsmig.migration.sqlfolder import SQL_KINDS
    from runsmig.recipe.sections.stored import stored_of
    from runsmig.terms import TermEngine

    engine = TermEngine.from_recipe(recipe).with_keep(history.keep)
    dialect = stored_of(recipe).dialect
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rel, kind in history.kinds.items():
        if kind in SQL_KINDS or kind == "alembic":
            groups[(rel.rsplit("/", 1)[0] if "/" in rel else "", kind)].append(rel)
    out: list[Written] = []
    for (folder, kind), rels in sorted(groups.items()):
        if kind == "alembic":
            from runsmig.migration.alembic import alembic_migration

            out += alembic_migration(root, folder, sorted(rels), engine.rewrite, values)
        else:
            out += _sql_folder(root, folder, kind, rels, engine.rewrite, dialect, values)
    return out


def _sql_folder(root: Path, folder: str, kind: str, rels: list[str], rewrite, dialect: str,
                values: tuple = ()) -> list[Written]:
    from runsmig.migration import postgres
    from runsmig.migration.renames import plan_renames
    from runsmig.migration.sqlfolder import next_names, render, sections_of, steps, up_text
    from runsmig.migration.values import attach
    from runsmig.sql.catalog import replay

    ordered = steps(rels, kind)
    ups = [s for s in ordered if s.up]
    if not ups:
        return []
    texts = [(s.rel, (root / s.rel).read_text(encoding="utf-8", errors="replace")) for s in ups]
    section = sections_of([t for _, t in texts])
    cat = replay([(rel, up_text(t)) for rel, t in texts], dialect)
    m = plan_renames(cat, rewrite)
    attach(m, cat, values)
    if not m:
        return []
    from runsmig.migration.versioned import release_tags

    names = next_names(folder, kind, ups, lambda: release_tags(root))
    up, down = postgres.statements(m), postgres.statements(m, back=True)
    header = [f"{MARKER} (stored: migrate)."]
    if m.renames or m.recreates:
        header.append(f"Renames the stored names the rename changes: {postgres.describe(m)}.")
    if m.values:
        header.append(f"Carries the stored values rows hold that the rename changes: {postgres.describe_values(m)}.")
    header.append("Read from the migrations before it; once applied it is history: never edit it.")
    notes = tuple(m.notes)
    if kind == "golang-migrate":
        return [Written(names[0], render(header, up, None, None), m, notes, tuple(s.rel for s in ups)),
                Written(names[1], render(header, down, None, None))]
    return [Written(names[0], render(header, up, down if section else None, section), m, notes, tuple(s.rel for s in ups))]


__all__ = ["MARKER", "REASON", "Written", "plan_migrations", "writes_migrations"]
