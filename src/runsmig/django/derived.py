"""Names the database derives from a Django model's table and columns.

Django names the indexes and constraints it creates after the table and columns
(``<table>_<columns>_<digest><suffix>``: ``BaseDatabaseSchemaEditor._create_index_name``), and
PostgreSQL names what Django leaves unnamed (``<table>_pkey``, ``<table>_<column>_key``,
``<table>_<column>_seq``, ``<table>_<column>_check``). ``RenameModel`` and ``RenameField`` rename the
table and columns, not these names, so a database upgraded by them differs from a fresh install of
the renamed models. Under ``stored: migrate`` the new migration renames them at migrate time
(``RENAMED`` and the ``RunPython`` below, read from the database itself: only a name that follows
the derivation from the old table and columns is renamed, to the one a fresh install gives); the
plan lists the ones a fresh PostgreSQL install of the old models holds, computed here.
"""

from __future__ import annotations

import hashlib

import libcst as cst

from runsmig.django.models import SINGLE, Field, Model, literal, string_value

PG_MAX = 63  # PostgreSQL's NAMEDATALEN - 1
_LIKE = frozenset({"CharField", "TextField", "SlugField", "EmailField", "URLField", "FilePathField",
                   "FileField", "ImageField", "GenericIPAddressField", "IPAddressField"})
_AUTO = frozenset({"AutoField", "BigAutoField", "SmallAutoField"})
_POSITIVE = frozenset({"PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField"})


def digest(*args: str, length: int = 8) -> str:
    """django.db.backends.utils.names_digest."""
    h = hashlib.md5(usedforsecurity=False)
    for arg in args:
        h.update(arg.encode())
    return h.hexdigest()[:length]


def index_name(table: str, columns: list[str], suffix: str = "", max_length: int = PG_MAX) -> str:
    """Django's ``_create_index_name`` (the table's schema left out, as Django does)."""
    table = table.rsplit('"."', 1)[-1].strip('"')
    hashed = digest(table, *columns) + suffix
    name = f"{table}_{'_'.join(columns)}_{hashed}"
    if len(name) <= max_length:
        return name
    if len(hashed) > max_length / 3:
        hashed = hashed[: max_length // 3]
    other = (max_length - len(hashed)) // 2 - 1
    name = f"{table[:other]}_{'_'.join(columns)[:other]}_{hashed}"
    return f"D{name[:-1]}" if name[0] == "_" or name[0].isdigit() else name


def pg_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's name for an object it names itself (makeObjectName: the longer part shortened)."""
    overhead = len(label) + 1 + (1 if name2 else 0)
    n1, n2 = len(name1), len(name2 or "")
    while n1 + n2 > PG_MAX - overhead:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    return name1[:n1] + (f"_{name2[:n2]}" if name2 else "") + f"_{label}"


def _true(f: Field, key: str) -> bool:
    arg = f.keyword(key)
    return arg is not None and literal(arg.value) is True


def _false(f: Field, key: str) -> bool:
    arg = f.keyword(key)
    return arg is not None and literal(arg.value) is False


def postgres_names(model: Model, table: str, targets: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """``(kind, name)`` of what a fresh PostgreSQL install of ``model`` names after its table and
    columns. ``targets``: a ForeignKey's field name -> (its target's table, target column)."""
    out: list[tuple[str, str]] = [("constraint", pg_name(table, None, "pkey"))]
    fields = [f for f in model.fields if not f.many and f.column]
    if not any(_true(f, "primary_key") for f in fields):
        out.append(("sequence", pg_name(table, "id", "seq")))
    for f in fields:
        col = f.column
        pk = _true(f, "primary_key")
        unique = pk or _true(f, "unique") or f.kind == "OneToOneField"
        indexed = _true(f, "db_index") or (f.kind in SINGLE and not _false(f, "db_index"))
        if pk and f.kind in _AUTO:
            out.append(("sequence", pg_name(table, col, "seq")))
        if unique and not pk:
            out.append(("constraint", pg_name(table, col, "key")))
        if indexed and not unique:
            out.append(("index", index_name(table, [col])))
        if (indexed or unique) and f.kind in _LIKE:
            out.append(("index", index_name(table, [col], "_like")))
        if f.kind in _POSITIVE:
            out.append(("constraint", pg_name(table, col, "check")))
        if f.kind in SINGLE and f.name in targets and not _false(f, "db_constraint"):
            to_table, to_col = targets[f.name]
            out.append(("constraint", index_name(table, [col], f"_fk_{to_table}_{to_col}")))
    columns = {f.name: f.column for f in fields}
    for key, kind, suffix in (("unique_together", "constraint", "_uniq"), ("index_together", "index", "_idx")):
        for group in _together(model.options.get(key)):
            if all(name in columns for name in group):
                out.append((kind, index_name(table, [columns[name] for name in group], suffix)))
    return out


def _together(node) -> list[list[str]]:
    """``unique_together`` / ``index_together``: a list of tuples of field names, or one tuple."""
    if not isinstance(node, (cst.List, cst.Tuple)):
        return []
    items = [e.value for e in node.elements]
    if items and all(string_value(x) is not None for x in items):
        return [[string_value(x) for x in items]]
    out = []
    for x in items:
        if isinstance(x, (cst.List, cst.Tuple)) and all(string_value(e.value) is not None for e in x.elements):
            out.append([string_value(e.value) for e in x.elements])
    return out


_RUNTIME = """\
# Names the database derived from the renamed tables and columns (indexes, primary
# and foreign keys, unique and check constraints, sequences): RenameModel and
# RenameField leave them, a fresh install names them after the new names. Only a name
# that follows the derivation is renamed.
RENAMED = [
{rows}
]


def _pg_name(name1, name2, label):
    overhead = len(label) + 1 + (1 if name2 else 0)
    n1, n2 = len(name1), len(name2 or "")
    while n1 + n2 > 63 - overhead:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    return name1[:n1] + ("_" + name2[:n2] if name2 else "") + "_" + label


def _forms(schema_editor, table, columns, info, tables):
    \"\"\"Per kind of derived name: the names it may carry, and a fresh install's.\"\"\"
    make = schema_editor._create_index_name
    out = [
        ([make(table, columns, s)], make(table, columns, s))
        for s in ("", "_like", "_uniq", "_idx")
    ]
    if info.get("foreign_key"):
        to_table, to_column = info["foreign_key"]
        to_table, to_columns = tables.get(to_table, (to_table, {{}}))
        to_column = to_columns.get(to_column, to_column)
        full = make(table, columns, "_fk_%s_%s" % (to_table, to_column))
        # "_fk": a foreign key Django rebuilt when its target's primary key changed type
        out.append(([full, make(table, columns, "_fk")], full))
    check = make(table, columns, "_check")
    if schema_editor.connection.vendor != "postgresql":
        return out + [([check], check)]
    joined = "_".join(columns)
    pkey = _pg_name(table, None, "pkey")
    out.append(([pkey], pkey))
    for label in ("key", "fkey", "idx"):
        name = _pg_name(table, joined, label)
        out.append(([name], name))
    # a column's check: PostgreSQL names it when the column is created, Django
    # when it alters it
    name = _pg_name(table, joined, "check")
    return out + [([check, name], name)]


def _renamed(schema_editor, table, name, info, old_tables, new_tables, forwards):
    old_table, old_of = old_tables[table]
    columns = list(info.get("columns") or [])
    if not columns and not info.get("primary_key"):
        return name
    old_columns = [old_of.get(c, c) for c in columns]
    olds = _forms(schema_editor, old_table, old_columns, info, old_tables)
    news = _forms(schema_editor, table, columns, info, new_tables)
    for old, new in zip(olds, news):
        if name in old[0] + new[0]:
            return (new if forwards else old)[1]
    return name


def _rename_object(schema_editor, cursor, table, name, new, info):
    quote = schema_editor.quote_name
    if schema_editor.connection.vendor == "postgresql":
        if info.get("index"):
            sql = "ALTER INDEX %s RENAME TO %s" % (quote(name), quote(new))
        else:
            sql = "ALTER TABLE %s RENAME CONSTRAINT %s TO %s"
            sql = sql % (quote(table), quote(name), quote(new))
        schema_editor.execute(sql)
        return
    cursor.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name]
    )
    row = cursor.fetchone()
    if row and row[0] and quote(name) in row[0]:
        schema_editor.execute("DROP INDEX %s" % quote(name))
        schema_editor.execute(row[0].replace(quote(name), quote(new), 1))


def _rename_sequences(schema_editor, cursor, table, old_table, old_of, forwards):
    quote = schema_editor.quote_name
    for seq in schema_editor.connection.introspection.get_sequences(cursor, table):
        column = seq.get("column") or "id"
        old = _pg_name(old_table, old_of.get(column, column), "seq")
        new = _pg_name(table, column, "seq")
        source, target = (old, new) if forwards else (new, old)
        if seq["name"] == source and source != target:
            sql = "ALTER SEQUENCE %s RENAME TO %s"
            schema_editor.execute(sql % (quote(source), quote(target)))


def _rename_derived(apps, schema_editor, forwards):
    connection = schema_editor.connection
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    old_tables = {{
        new: (old, {{n: o for o, n in cols.items()}}) for old, new, cols in RENAMED
    }}
    new_tables = {{new: (new, {{}}) for new in old_tables}}
    with connection.cursor() as cursor:
        for table, (old_table, old_of) in old_tables.items():
            found = connection.introspection.get_constraints(cursor, table)
            for name, info in found.items():
                new = _renamed(
                    schema_editor, table, name, info, old_tables, new_tables, forwards
                )
                if new != name and new not in found:
                    _rename_object(schema_editor, cursor, table, name, new, info)
            if connection.vendor == "postgresql":
                _rename_sequences(
                    schema_editor, cursor, table, old_table, old_of, forwards
                )


def rename_derived(apps, schema_editor):
    _rename_derived(apps, schema_editor, True)


def restore_derived(apps, schema_editor):
    _rename_derived(apps, schema_editor, False)

"""


def runtime_code(rows: list[str]) -> list[str]:
    """The migration's ``RENAMED`` table and the functions its ``RunPython`` runs (both ways: it
    runs last, so the tables and columns carry their new names when it runs, forwards or back)."""
    return _RUNTIME.format(rows="\n".join(rows)).split("\n")
