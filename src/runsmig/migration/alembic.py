"""Alembic histories: the released revisions rendered to PostgreSQL SQL offline (Alembic's own
``--sql`` mode: each revision's ``upgrade()`` runs against a MigrationContext that writes SQL
instead of executing it, no database, no ``env.py``), read into a catalog like any SQL folder;
the stored-name migration is a new revision after the head, rendered through the checkout's
``script.py.mako`` with the machinery of the ``database:`` revisions (runsmig.db.render):
``op.rename_table``, ``op.alter_column(..., new_column_name=...)``, ``op.execute`` for what Alembic
has no operation for, and a downgrade doing the reverse.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from runsmig.migration.renames import Rename, StoredMigration
from runsmig.migration.sqlfolder import MARKER, SLUG


def alembic_migration(root: Path, folder: str, rels: list[str], rewrite, values: tuple = ()) -> list:
    from runsmig.db.discover import find_environments, resolve_head
    from runsmig.migration import Written

    envs = [e for e in find_environments(root) if e.rel(e.versions) == folder]
    if not envs:
        return [_note(f"{folder}: Alembic revisions without an alembic.ini naming them: stored names not migrated")]
    env = envs[0]
    script = env.script()
    head = resolve_head(script, None, env.ini_rel)
    try:
        sql = offline_sql(env, script, head)
    except Exception as exc:  # a revision that needs a live database (op.get_bind() queries)
        return [_note(f"{folder}: the revisions could not be rendered as SQL offline "
                      f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}): "
                      "stored names not migrated")]
    from runsmig.migration.renames import plan_renames
    from runsmig.migration.values import attach
    from runsmig.sql.catalog import replay

    cat = replay([(folder, sql)])
    m = plan_renames(cat, rewrite)
    attach(m, cat, values)  # stored task names the rows hold (runsmig.migration.values)
    if not m:
        return []
    rev_id = _rev_id(script, head, m)
    leaf = f"{rev_id}.py" if rev_id.endswith(SLUG) else f"{rev_id}_{SLUG}.py"
    return [Written(f"{folder}/{leaf}", render(env, rev_id, head, m), m, tuple(m.notes))]


def _note(text: str):
    from runsmig.migration import Written

    return Written("", "", None, (text,))


def offline_sql(env, script, head: str) -> str:
    """The PostgreSQL SQL of every revision from base to ``head``, as ``alembic upgrade --sql``."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    revisions = list(script.walk_revisions("base", head))
    revisions.reverse()
    buf = io.StringIO()
    ctx = MigrationContext.configure(dialect_name="postgresql",
                                     opts={"as_sql": True, "output_buffer": buf, "literal_binds": True})
    with Operations.context(ctx):
        for rev in revisions:
            rev.module.upgrade()
    return buf.getvalue()


def _rev_id(script, head: str, m: StoredMigration) -> str:
    """``NNNN_runsmig_stored_names`` after a numbered head, else a hash of what it migrates."""
    n = re.match(r"(\d+)_", head)
    if n:
        rid = f"{int(n.group(1)) + 1:0{len(n.group(1))}d}_{SLUG}"
    else:
        rid = hashlib.sha256(repr((head, m.listing())).encode()).hexdigest()[:12]
    try:
        taken = script.get_revision(rid) is not None
    except Exception:
        taken = False
    return hashlib.sha256(repr((head, rid)).encode()).hexdigest()[:12] if taken else rid


def _op(step: tuple[Rename | None, str], back: bool) -> list[str]:
    from runsmig.db.render import _py_str, _r

    r, sql = step
    sql = sql[:-1] if sql.endswith(";") else sql  # one statement per op.execute
    if r is not None and r.kind == "table":
        old, new = (r.new, r.old) if back else (r.old, r.new)
        return [f"op.rename_table({_r(old)}, {_r(new)})"]
    if r is not None and r.kind == "column":
        old, new = (r.new, r.old) if back else (r.old, r.new)
        return [f"op.alter_column({_r(r.new_table)}, {_r(old)}, new_column_name={_r(new)})"]
    return [f"op.execute({_py_str(sql) if chr(10) in sql else _r(sql)})"]


def render(env, rev_id: str, head: str, m: StoredMigration) -> str:
    from runsmig.db.render import Revision, render_file
    from runsmig.migration import postgres

    up = [line for step in postgres.steps(m) for line in _op(step, False)]
    down = [line for step in postgres.steps(m, back=True) for line in _op(step, True)]
    renames = f"Renames the stored names the rename changes: {postgres.describe(m)}.\n" if m.renames or m.recreates else ""
    if m.values:
        renames += f"Carries the stored values rows hold that the rename changes: {postgres.describe_values(m)}.\n"
    message = (f"{MARKER} (stored: migrate).\n\n"
               f"{renames}"
               "PostgreSQL (indexes, constraints, sequences, types and functions are renamed with its SQL).\n"
               "Read from the revisions before it; once applied it is history: never edit it.")
    marker = f"runsmig:stored-names:{hashlib.sha256(repr(m.listing()).encode()).hexdigest()[:12]}"
    rev = Revision(rev_id, head, message, marker, "", up, down)
    return render_file(env.template, rev)


__all__ = ["alembic_migration", "offline_sql", "render"]
