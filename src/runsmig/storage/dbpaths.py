"""Stored paths follow the folders: compute the new values, then apply them set-based.

A stored value points into the old layout when it is

* relative to the storage root (ADE stores ``<id>/logs/artifact.json`` relative to ADE_JOBS_DIR):
  its first segment is a folder being moved;
* or starts with the old root (``/srv/ade/data/jobs/<id>/...``, or ``data/jobs/<id>/...`` as
  --from was given): the root is replaced by the new one and the folder segment is mapped.

Each change is journaled as ``{table, column, key, old, new}`` before it happens and applied
as one compare-and-set UPDATE per column, joined to a temporary table of the changes, inside a
single transaction: a row is changed only while it still holds ``old``, so running it again
(after a crash between commit and journal record) changes nothing.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, MetaData, Table, Text, and_, column, exists, inspect, select, table, update
from sqlalchemy.engine import Connection

from runsmig.errors import UsageError
from runsmig.storage.config import PathColumn


@dataclass(frozen=True)
class Dest:
    """Where a moved folder goes: ``root`` (absolute) / ``name``; ``in_new_root`` false for quarantine."""

    root: str
    name: str
    in_new_root: bool


class PathRewriter:
    def __init__(self, old_roots: list[tuple[str, str]], moves: dict[str, Dest]) -> None:
        # (old prefix, new prefix) pairs, longest first; e.g. (/abs/data/jobs, /abs/data/runs)
        self.old_roots = sorted({(o.rstrip("/"), n.rstrip("/")) for o, n in old_roots}, key=lambda p: -len(p[0]))
        self.moves = moves

    def rewrite(self, value: str) -> str:
        for old, new in self.old_roots:
            if value.startswith(old + "/"):
                seg, sep, tail = value[len(old) + 1 :].partition("/")
                dest = self.moves.get(seg)
                if dest is None:
                    return value  # a folder that stays where it is
                if dest.in_new_root:
                    return f"{new}/{dest.name}{sep}{tail}"
                if os.path.isabs(old):
                    return f"{dest.root}/{dest.name}{sep}{tail}"
                return value  # relative spelling cannot name the quarantine; left as is
        if not value.startswith("/"):
            seg, sep, tail = value.partition("/")
            dest = self.moves.get(seg)
            if dest is not None and dest.in_new_root and dest.name != seg:
                return f"{dest.name}{sep}{tail}"
        return value


def _split(name: str) -> tuple[str | None, str]:
    schema, _, tbl = name.rpartition(".")
    return (schema or None), tbl


def _jsonable(v: Any) -> Any:
    return v if isinstance(v, (str, int)) or v is None else str(v)


def plan_updates(conn: Connection, columns: tuple[PathColumn, ...], rw: PathRewriter,
                 notes: list[str]) -> list[dict[str, Any]]:
    """The db-update operations, in a stable order (table, column, key)."""
    ops: list[dict[str, Any]] = []
    insp = inspect(conn)
    for pc in columns:
        schema, tbl = _split(pc.table)
        if not insp.has_table(tbl, schema=schema):
            notes.append(f"stored paths: table {pc.table} not found, {pc.table}.{pc.column} skipped")
            continue
        cols = {c["name"] for c in insp.get_columns(tbl, schema=schema)}
        if pc.column not in cols:
            notes.append(f"stored paths: column {pc.table}.{pc.column} not found, skipped")
            continue
        pk = insp.get_pk_constraint(tbl, schema=schema).get("constrained_columns") or []
        if not pk:
            raise UsageError(f"table {pc.table} has no primary key; its stored paths cannot be rewritten safely")
        t = table(tbl, *(column(k) for k in pk), column(pc.column), schema=schema)
        q = select(*(t.c[k] for k in pk), t.c[pc.column]).where(t.c[pc.column].is_not(None))
        rows = []
        for row in conn.execute(q):
            old = row[-1]
            if not isinstance(old, str):
                continue
            new = rw.rewrite(old)
            if new != old:
                key = {k: _jsonable(row[i]) for i, k in enumerate(pk)}
                rows.append((tuple(str(v) for v in key.values()), key, old, new))
        rows.sort(key=lambda r: r[0])
        for _, key, old, new in rows:
            ops.append({"op": "db-update", "table": pc.table, "column": pc.column, "key": key, "old": old, "new": new})
    return ops


def apply_updates(conn: Connection, ops: list[dict[str, Any]]) -> int:
    """Apply db-update operations (inside the caller's transaction). Returns rows changed."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for op in ops:
        groups[(op["table"], op["column"])].append(op)
    insp = inspect(conn)
    changed = 0
    for (tname, cname), items in groups.items():
        schema, tbl = _split(tname)
        types = {c["name"]: c["type"] for c in insp.get_columns(tbl, schema=schema)}
        pk = list(items[0]["key"].keys())
        tmp = Table(
            "runsmig_path_updates",
            MetaData(),
            *(Column(f"k{i}", types[k], primary_key=True) for i, k in enumerate(pk)),
            Column("old", Text),
            Column("new", Text),
            prefixes=["TEMPORARY"],
        )
        tmp.create(conn)
        conn.execute(
            tmp.insert(),
            [{**{f"k{i}": it["key"][k] for i, k in enumerate(pk)}, "old": it["old"], "new": it["new"]} for it in items],
        )
        t = table(tbl, *(column(k) for k in pk), column(cname), schema=schema)
        match = and_(*(tmp.c[f"k{i}"] == t.c[k] for i, k in enumerate(pk)), tmp.c.old == t.c[cname])
        stmt = (
            update(t)
            .values({cname: select(tmp.c.new).where(match).scalar_subquery()})
            .where(exists().where(match))
        )
        changed += conn.execute(stmt).rowcount or 0
        tmp.drop(conn)
    return changed
