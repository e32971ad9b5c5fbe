"""The PostgreSQL statements of a stored-name migration, forward and back.

Forward: the triggers, views and renamed functions to recreate are dropped (under their old names,
on their old tables); then tables, columns, constraints, indexes, sequences, types and enum values
are renamed (``ALTER ... RENAME``); then the functions, views and triggers are created again from
their released definitions with the term map applied. Back: the same in reverse, ending with the
released definitions as they were. Every statement ends with ``;``.
"""

from __future__ import annotations

import re

from runsmig.migration.renames import Recreate, Rename, StoredMigration

_BARE = re.compile(r"[a-z_][a-z0-9_$]*\Z")
_RESERVED = {"all", "analyse", "analyze", "and", "any", "array", "as", "asc", "both", "case", "cast", "check",
             "collate", "column", "constraint", "create", "default", "desc", "distinct", "do", "else", "end",
             "except", "false", "for", "foreign", "from", "grant", "group", "having", "in", "into", "is", "join",
             "limit", "not", "null", "offset", "on", "only", "or", "order", "primary", "references", "select",
             "table", "then", "to", "true", "union", "unique", "user", "using", "when", "where", "window", "with"}
_CREATE = re.compile(r"\A(\s*CREATE)\s+(?!OR\s+REPLACE\b)", re.I)


def ident(name: str) -> str:
    if _BARE.match(name) and name not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def qualified(schema: str, name: str) -> str:
    """``schema.name`` with the schema as the history writes it (a psql ``:VARIABLE`` too)."""
    return f"{schema}.{ident(name)}" if schema else ident(name)


def _rename(r: Rename, back: bool = False) -> str:
    old, new = (r.new, r.old) if back else (r.old, r.new)
    table = r.new_table  # tables are renamed first forward, last back: the others see the new name
    q = r.schema
    if r.kind == "table":
        return f"ALTER TABLE {qualified(q, old)} RENAME TO {ident(new)};"
    if r.kind == "column":
        return f"ALTER TABLE {qualified(q, table)} RENAME COLUMN {ident(old)} TO {ident(new)};"
    if r.kind == "constraint":
        return f"ALTER TABLE {qualified(q, table)} RENAME CONSTRAINT {ident(old)} TO {ident(new)};"
    if r.kind == "index":
        return f"ALTER INDEX {qualified(q, old)} RENAME TO {ident(new)};"
    if r.kind == "sequence":
        return f"ALTER SEQUENCE {qualified(q, old)} RENAME TO {ident(new)};"
    if r.kind == "type":
        return f"ALTER TYPE {qualified(q, old)} RENAME TO {ident(new)};"
    if r.kind == "attribute":
        return f"ALTER TYPE {qualified(q, table)} RENAME ATTRIBUTE {ident(old)} TO {ident(new)};"
    if r.kind == "enum value":
        return f"ALTER TYPE {qualified(q, table)} RENAME VALUE {literal(old)} TO {literal(new)};"
    raise ValueError(r.kind)


def _drop(kind: str, name: str, table: str | None, args: str | None, schema: str = "") -> str:
    if kind == "trigger":
        return f"DROP TRIGGER {ident(name)} ON {qualified(schema, table)};"
    if kind == "view":
        return f"DROP VIEW {qualified(schema, name)};"
    return f"DROP FUNCTION {qualified(schema, name)}({args or ''});"


def _create(sql: str, replace: bool) -> str:
    sql = sql.rstrip().rstrip(";").rstrip()
    if replace:
        sql = _CREATE.sub(r"\1 OR REPLACE ", sql, count=1)
    return sql + ";"


def statements(m: StoredMigration, back: bool = False) -> list[str]:
    """The statements of the forward migration, or (``back``) of its reverse."""
    return [sql for _, sql in steps(m, back)]


def steps(m: StoredMigration, back: bool = False) -> list[tuple[Rename | None, str]]:
    """Each statement with the rename it makes (None: a drop or a create), in order."""
    recs = m.recreates
    triggers = [r for r in recs if r.kind == "trigger"]
    views = [r for r in recs if r.kind == "view"]
    functions = [r for r in recs if r.kind == "function"]
    renamed_fns = [r for r in functions if r.new_name != r.old.name]
    out: list[str] = []
    if not back:
        out += [_drop("trigger", r.old.name, r.old.table, None, r.old.schema) for r in triggers]
        out += [_drop("view", r.old.name, None, None, r.old.schema) for r in reversed(views)]
        out += [_drop("function", r.old.name, None, r.old.args, r.old.schema) for r in renamed_fns]
        renames = [(r, _rename(r)) for r in m.renames]
        creates = [_create(r.new_sql, r.new_name == r.old.name) for r in functions]
        creates += [_create(r.new_sql, False) for r in views]
        creates += [_create(r.new_sql, False) for r in triggers]
    else:
        out += [_drop("trigger", r.new_name, r.new_table, None, r.old.schema) for r in triggers]
        out += [_drop("view", r.new_name, None, None, r.old.schema) for r in reversed(views)]
        out += [_drop("function", r.new_name, None, r.new_args, r.old.schema) for r in renamed_fns]
        renames = [(r, _rename(r, back=True)) for r in reversed(m.renames)]
        creates = [_create(r.old.sql, r.new_name == r.old.name) for r in functions]
        creates += [_create(r.old.sql, False) for r in views]
        creates += [_create(r.old.sql, False) for r in triggers]
    values = [(None, _carry(v, back)) for v in (reversed(m.values) if back else m.values)]
    if back:  # the rows are carried back under the new names, before the renames are undone
        return [(None, s) for s in out] + values + renames + [(None, s) for s in creates]
    return [(None, s) for s in out] + renames + values + [(None, s) for s in creates]


def _carry(v, back: bool = False) -> str:
    """The rows of a column holding an old stored value (runsmig.migration.values) get the new one."""
    from runsmig.migration.values import pattern

    old, new = (v.new, v.old) if back else (v.old, v.new)
    col, found = ident(v.new_column), literal(pattern(old))
    return (f"UPDATE {qualified(v.schema, v.new_table)} SET {col} = regexp_replace({col}, {found}, "
            f"{literal(chr(92) + '1' + new.replace(chr(92), chr(92) * 2).replace('&', chr(92) + '&'))}) "
            f"WHERE {col} ~ {found};")


def describe(m: StoredMigration) -> str:
    counts = m.counts()
    return ", ".join(f"{n} {_plural(k) if n != 1 else k}" for k, n in counts.items())


def describe_values(m: StoredMigration) -> str:
    """``2 task names, in procrastinate_jobs.task_name, ...``: the stored values the rows carry."""
    kinds: dict[str, set[str]] = {}
    for v in m.values:
        kinds.setdefault(v.kind, set()).add(v.old)
    where = ", ".join(dict.fromkeys(f"{v.table}.{v.column}" for v in m.values))
    return ", ".join(f"{len(o)} {_plural(k) if len(o) != 1 else k}" for k, o in kinds.items()) + f" (in {where})"


def _plural(kind: str) -> str:
    return kind + "es" if kind.endswith("x") else kind + "s"


__all__ = ["Recreate", "describe", "ident", "literal", "statements"]
