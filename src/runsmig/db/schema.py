"""Learn the real schema at a revision by replaying the project's own revision scripts.

Why replay and not read the models: the revision scripts *are* the database schema (models can
drift from them, and ADE's ``Job`` model already disagrees with its migrations about foreign
keys), and running ``env.py`` is not an option because ADE's imports the whole application
(settings, feature models, their dependencies). So we build our own minimal migration context:
an in-memory SQLite connection, :class:`alembic.migration.MigrationContext` plus
:class:`alembic.operations.Operations`, and call each revision's ``upgrade()`` from base to the
head, in order. No ``env.py``, no application import, no server.

SQLite reflection loses some type detail (``DateTime(timezone=True)`` comes back as
``DATETIME``, a named ENUM as ``VARCHAR``), so while replaying we also record the column types as
the revisions *declared* them (``create_table``, ``add_column``, ``alter_column(type_=...)``) and
prefer a declared type whenever it compiles to the same SQLite DDL as the reflected one.
Structure (columns, nullability, defaults, indexes, foreign keys) comes from reflection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from sqlalchemy.dialects import sqlite
from sqlalchemy.pool import StaticPool

from runsmig.errors import OperationError

TMP_PREFIX = "_alembic_tmp_"


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: Any  # a SQLAlchemy TypeEngine (declared where known)
    nullable: bool
    default: str | None  # server default as SQL text


@dataclass(frozen=True)
class IndexInfo:
    name: str
    columns: tuple[str, ...]
    unique: bool
    where: str | None  # partial-index predicate, if any


@dataclass(frozen=True)
class ForeignKeyInfo:
    name: str | None
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    ondelete: str | None
    onupdate: str | None


@dataclass(frozen=True)
class TableInfo:
    name: str
    columns: tuple[ColumnInfo, ...]
    primary_key: tuple[str, ...]
    indexes: tuple[IndexInfo, ...]
    foreign_keys: tuple[ForeignKeyInfo, ...]
    uniques: tuple[tuple[str, ...], ...] = ()  # unique constraints and unique indexes (column sets)

    def column(self, name: str) -> ColumnInfo | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class Schema:
    revision: str
    tables: dict[str, TableInfo]

    def referencing(self, table: str) -> list[tuple[str, ForeignKeyInfo]]:
        """Foreign keys of *other* tables that point at ``table``."""
        return [
            (t.name, fk)
            for t in self.tables.values()
            if t.name != table
            for fk in t.foreign_keys
            if fk.ref_table == table
        ]


def _sqlite_ddl(type_: Any) -> str:
    try:
        return str(type_.compile(dialect=sqlite.dialect()))
    except Exception:
        return repr(type_)


class _TypeRecorder:
    """Remember column types as the revision scripts declared them."""

    def __init__(self) -> None:
        self.declared: dict[str, dict[str, Any]] = {}

    @staticmethod
    def _table(name: str) -> str:
        return name[len(TMP_PREFIX):] if name.startswith(TMP_PREFIX) else name

    def record(self, table: str, column: str, type_: Any, force: bool = False) -> None:
        cols = self.declared.setdefault(self._table(table), {})
        prev = cols.get(column)
        if force or prev is None or _sqlite_ddl(prev) != _sqlite_ddl(type_):
            cols[column] = type_

    def install(self, impl: Any) -> None:
        rec = self
        create_table, add_column, alter_column = impl.create_table, impl.add_column, impl.alter_column

        def _create_table(table, **kw):
            for col in table.columns:
                rec.record(table.name, col.name, col.type)
            return create_table(table, **kw)

        def _add_column(table_name, column, **kw):
            rec.record(table_name, column.name, column.type)
            return add_column(table_name, column, **kw)

        def _alter_column(table_name, column_name, **kw):
            if kw.get("type_") is not None:
                rec.record(table_name, column_name, kw["type_"], force=True)
            new = kw.get("name")
            if new and new != column_name:
                cols = rec.declared.get(rec._table(table_name), {})
                if column_name in cols:
                    cols[new] = cols.pop(column_name)
            return alter_column(table_name, column_name, **kw)

        impl.create_table, impl.add_column = _create_table, _add_column
        impl.alter_column = _alter_column
        # drop_table is not tracked: batch mode drops the old table and renames the copy, and a
        # table re-created with other types records them anyway (their DDL differs)


def replay_schema(script: ScriptDirectory, head: str, naming_convention: dict[str, str] | None = None,
                  progress=None) -> Schema:
    """Upgrade an in-memory SQLite database to ``head`` with the revision scripts, then reflect it.

    ``naming_convention`` is the one of the project's target metadata: Alembic names constraints
    the revisions leave unnamed with it (ADE's 0006 drops ``jobs_config_id_fkey``, a name 0001
    never wrote), so the replay must use it too. ``progress(done, total)`` as revisions are replayed.
    """
    revisions = list(script.walk_revisions("base", head))
    revisions.reverse()
    engine = sa.create_engine("sqlite://", poolclass=StaticPool)
    recorder = _TypeRecorder()
    try:
        with engine.connect() as conn:
            opts: dict[str, Any] = {"render_as_batch": True}
            if naming_convention:
                opts["target_metadata"] = sa.MetaData(naming_convention=dict(naming_convention))
            ctx = MigrationContext.configure(conn, opts=opts)
            recorder.install(ctx.impl)
            with conn.begin(), Operations.context(ctx):
                for i, rev in enumerate(revisions, start=1):
                    try:
                        rev.module.upgrade()
                    except Exception as exc:
                        raise OperationError(
                            f"replaying revision {rev.revision} on a scratch SQLite database failed: "
                            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                            path=rev.path,
                            hint="runsmig learns the schema by running each revision's upgrade() in order "
                            "(without env.py); fix that revision or pass --head",
                        ) from exc
                    if progress is not None:
                        progress(i, len(revisions))
            return _reflect(conn, head, recorder.declared)
    finally:
        engine.dispose()


def _reflect(conn: sa.Connection, revision: str, declared: dict[str, dict[str, Any]]) -> Schema:
    insp = sa.inspect(conn)
    tables: dict[str, TableInfo] = {}
    for name in insp.get_table_names():
        if name == "alembic_version" or name.startswith(TMP_PREFIX):
            continue
        dec = declared.get(name, {})
        cols = []
        for c in insp.get_columns(name):
            t = c["type"]
            d = dec.get(c["name"])
            if d is not None and _sqlite_ddl(d) == _sqlite_ddl(t):
                t = d
            default = c.get("default")
            cols.append(ColumnInfo(c["name"], t, bool(c["nullable"]), None if default is None else str(default)))
        pk = tuple(insp.get_pk_constraint(name).get("constrained_columns") or ())
        idx = []
        for i in insp.get_indexes(name):
            opts = i.get("dialect_options") or {}
            where = opts.get("sqlite_where")
            idx.append(
                IndexInfo(
                    i["name"], tuple(x for x in i["column_names"] if x), bool(i["unique"]),
                    None if where is None else str(where),
                )
            )
        fks = []
        for f in insp.get_foreign_keys(name):
            o = f.get("options") or {}
            fks.append(
                ForeignKeyInfo(
                    f.get("name"), tuple(f["constrained_columns"]), f["referred_table"],
                    tuple(f["referred_columns"]), o.get("ondelete"), o.get("onupdate"),
                )
            )
        uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints(name) if u.get("column_names")}
        uniques |= {i.columns for i in idx if i.unique and i.where is None and i.columns}
        if pk:
            uniques.add(pk)
        tables[name] = TableInfo(
            name, tuple(cols), pk, tuple(sorted(idx, key=lambda i: i.name)), tuple(fks), tuple(sorted(uniques)),
        )
    return Schema(revision, tables)
