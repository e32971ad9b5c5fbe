"""Stored values the rename changes that rows already hold (``stored: migrate``).

A task registered by a decorator is stored under its dotted path (``shop.tasks.send_job_report``,
runsmig.languages.python.task_names) in every row a queue keeps; renaming the function changes it,
and a worker of the new release does not find rows queued by the old one. The migration written for
the project's SQL history carries them, when the schema it builds says which column stores task
names:

- **which column** is read from the released schema (runsmig.sql.catalog): a column of a text type
  (``TEXT``, ``VARCHAR``, ``CITEXT``) whose name has the word of what the decorators register
  (``task``, ``actor``: ``task_name``, ``task_identifier``, ``actor_name``). That is the column's
  name, not a proof: what makes the statement safe is the value it matches;
- **which rows**: only those whose value is the old name, or the old name after a registry's
  namespace (``builtin:shop.tasks.send_job_report``: one ``ns:`` prefix). Such a value names the
  function the rename moves, whatever the column, and nothing else does; every other row is left
  as it is. A column too short for the new name (``VARCHAR(n)``) is a note;
- no column of the schema is named so (the queue keeps its rows elsewhere: a broker, another
  package's tables): the follow-up stays, with the UPDATE to run on the column that stores them.

The statements come after the renames (the new table and column names) and before the functions and
triggers are created again, so no trigger fires for them; the down migration makes the reverse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from runsmig.sql.catalog import Catalog, Obj

# stored kind -> the words a column storing it is named with (runsmig.languages.python.task_names)
WORDS = {"task name": ("task", "actor")}
_TEXT = re.compile(r"(?i)(TEXT|CITEXT|VARCHAR|CHARACTER VARYING)\b(?:\((\d+)\))?\Z")


@dataclass(frozen=True)
class Carry:
    """Rows of one column that hold an old stored value get the new one."""

    kind: str  # "task name"
    table: str  # the old table name
    new_table: str
    column: str  # the old column name
    new_column: str
    schema: str
    old: str
    new: str


def columns(cat: Catalog, kind: str) -> list[Obj]:
    """The text columns of the released schema named for ``kind`` (see the module's doc)."""
    words = WORDS.get(kind, ())
    out = []
    for o in cat.of("column"):
        named = set(re.split(r"_+|(?<=[a-z0-9])(?=[A-Z])", o.name.lower()))
        if named & set(words) and _TEXT.match(o.type or ""):
            out.append(o)
    return out


def carries(cat: Catalog, values: list[tuple[str, str, str]], tables: dict[str, str],
            cols: dict[tuple[str, str], str]) -> tuple[list[Carry], list[str], set]:
    """(carries, notes, the (kind, old) values carried) for ``values`` = [(kind, old, new)];
    ``tables``/``cols``: the renames the migration makes (old -> new; (table, column) -> new)."""
    out: list[Carry] = []
    notes: list[str] = []
    done: set[tuple[str, str]] = set()
    for kind, old, new in values:
        for col in columns(cat, kind):
            size = _TEXT.match(col.type).group(2)
            if size is not None and len(new) > int(size):
                notes.append(f"stored {kind} '{old}' -> '{new}': not carried in {col.table}.{col.name} "
                             f"({col.type} is too short for it)")
                continue
            table = col.table or ""
            out.append(Carry(kind, table, tables.get(table, table), col.name, cols.get((table, col.name), col.name),
                             col.schema, old, new))
            done.add((kind, old))
    return out, notes, done


def attach(m, cat: Catalog, values) -> None:
    """Add to the migration ``m`` (runsmig.migration.renames.StoredMigration) the carries of
    ``values`` = [(kind, old, new)], under the new table and column names it gives."""
    if not values:
        return
    tables = {r.old: r.new for r in m.renames if r.kind == "table"}
    cols = {(r.table, r.old): r.new for r in m.renames if r.kind == "column"}
    m.values, notes, _ = carries(cat, list(values), tables, cols)
    m.notes += notes


def pattern(value: str) -> str:
    """A PostgreSQL regular expression matching a value that is ``value``, or ``value`` after a
    registry's namespace (``builtin:value``)."""
    return r"^([^:]*:)?" + re.sub(r"([^\w])", r"\\\1", value) + "$"


__all__ = ["WORDS", "Carry", "attach", "carries", "columns", "pattern"]
