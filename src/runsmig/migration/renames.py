"""Which stored names the rename changes: every object of the released schema (a
:class:`runsmig.sql.catalog.Catalog`) whose name the term map rewrites, and every function,
trigger and view whose definition it rewrites (recreated under the new name, the old one dropped).

The new name is the term map's (``TermEngine.rewrite``): the same map that renames the code, so
the code and the migrated database agree. Unnamed objects carry the names PostgreSQL gave them
(``jobs_pkey``), which a fresh install of the renamed schema gives as ``runs_pkey``: they are
renamed too, so an upgraded database equals a fresh one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from runsmig.sql.catalog import RELATIONS, Catalog, Obj

ORDER = ("table", "column", "constraint", "index", "sequence", "type", "enum value", "attribute")


@dataclass(frozen=True)
class Rename:
    kind: str  # table, column, constraint, index, sequence, type, enum value, attribute
    old: str
    new: str
    table: str | None = None  # column, constraint: the table's old name; enum value: the type's old name
    new_table: str | None = None  # ... and its new name
    schema: str = ""  # the schema qualifier as the history writes it ("" when it writes none)


@dataclass(frozen=True)
class Recreate:
    kind: str  # function, trigger, view
    old: Obj
    new_name: str
    new_sql: str
    new_table: str | None = None  # trigger: the new name of its table
    new_args: str | None = None  # function: its argument list under the new names


@dataclass
class StoredMigration:
    renames: list[Rename] = field(default_factory=list)
    recreates: list[Recreate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # names that live in the recreated definitions only (a NOTIFY channel, a value a trigger
    # writes): (kind, old, new, "function add_job")
    carried: list[tuple[str, str, str, str]] = field(default_factory=list)
    # stored values rows hold that the rename changes (a task name): runsmig.migration.values.Carry
    values: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.renames or self.recreates or self.values)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.renames:
            out[r.kind] = out.get(r.kind, 0) + 1
        for r in self.recreates:
            out[r.kind] = out.get(r.kind, 0) + 1
        return out

    def listing(self) -> list[tuple[str, str, str, str | None]]:
        """(kind, old, new, table) of every stored name migrated, deduplicated, in order."""
        out = [(r.kind, r.old, r.new, r.table) for r in self.renames]
        out += [(r.kind, r.old.name, r.new_name, r.old.table) for r in self.recreates]
        out += list(dict.fromkeys(self.carried))
        out += list(dict.fromkeys((v.kind, v.old, v.new, f"{v.table}.{v.column}") for v in self.values))
        return out


def plan_renames(cat: Catalog, rewrite) -> StoredMigration:
    """``rewrite(text) -> text``: the term map."""
    out = StoredMigration()
    tables = {o.name: rewrite(o.name) for o in cat.of("table")}
    types = {o.name: rewrite(o.name) for o in cat.of("type")}
    taken = {k: cat.names(RELATIONS) if k in RELATIONS else cat.names((k,)) for k in ("table", "type", "function")}
    for kind in ORDER:
        for o in cat.of(kind):
            if kind == "index" and cat.find("constraint", o.name, o.table) is not None:
                continue  # the constraint's rename renames it
            new = rewrite(o.name)
            if new == o.name:
                continue
            owner = types if kind in ("enum value", "attribute") else tables
            clash = _clash(cat, o, new, taken)
            if clash:
                out.notes.append(f"stored {kind} '{o.name}' not renamed to '{new}': {clash}")
                continue
            out.renames.append(Rename(kind, o.name, new, o.table, owner.get(o.table, o.table) if o.table else None,
                                      o.schema))
    out.recreates = _recreates(cat, rewrite, tables)
    out.carried = _carried(out.recreates, rewrite)
    for where, head in cat.unread:
        out.notes.append(f"{where}: statement not read ({head} ...): its stored names are not migrated")
    return out


def _clash(cat: Catalog, o: Obj, new: str, taken) -> str | None:
    if o.kind in RELATIONS and new in taken["table"]:
        return "a table, view, index or sequence has that name already"
    if o.kind in ("column", "constraint") and cat.find(o.kind, new, o.table) is not None:
        return f"'{o.table}' has a {o.kind} of that name already"
    if o.kind == "type" and new in taken["type"]:
        return "a type has that name already"
    if o.kind == "attribute" and cat.find("attribute", new, o.table) is not None:
        return f"the type '{o.table}' has an attribute of that name already"
    if o.kind == "enum value" and cat.find("enum value", new, o.table) is not None:
        return f"the type '{o.table}' has that value already"
    return None


def _recreates(cat: Catalog, rewrite, tables: dict[str, str]) -> list[Recreate]:
    out: list[Recreate] = []
    views = cat.of("view")
    changed = {v.name for v in views if rewrite(v.sql) != v.sql}
    grew = True
    while grew:  # a view reading a recreated view is recreated with it
        grew = False
        for v in views:
            if v.name not in changed and any(_mentions(v.sql, n) for n in changed):
                changed.add(v.name)
                grew = True
    for o in cat.objects:
        if o.kind not in ("function", "trigger", "view") or o.sql is None:
            continue
        new_sql = rewrite(o.sql)
        if o.kind == "view" and o.name not in changed:
            continue
        if o.kind != "view" and new_sql == o.sql:
            continue
        out.append(Recreate(o.kind, o, rewrite(o.name), new_sql,
                            tables.get(o.table, o.table) if o.table else None,
                            rewrite(o.args) if o.args is not None else None))
    return out


def _carried(recreates: list[Recreate], rewrite) -> list[tuple[str, str, str, str]]:
    """The parameters, channels and values of the recreated definitions that the term map rewrites
    (a parameter is a stored name too: callers name it, ``add_job(job_key => ...)``)."""
    from runsmig import sql

    out = []
    for r in recreates:
        for param in _params(r.old.args) if r.kind == "function" else ():
            if rewrite(param) != param:
                out.append(("parameter", param, rewrite(param), f"{r.kind} {r.old.name}"))
        reading = sql.read(r.old.sql, known=True, wanted=lambda w: rewrite(w) != w)
        for n in reading.names if reading else ():
            if n.kind in ("channel", "value"):
                out.append((n.kind, n.name, rewrite(n.name), f"{r.kind} {r.old.name}"))
    return out


def _params(args: str | None) -> list[str]:
    """The names in a DROP FUNCTION argument list (``job_ids bigint[], OUT x int``; unnamed: none)."""
    import re

    from runsmig.sql.catalog import _split_top

    out = []
    for part in _split_top(args or ""):
        words = part.split()
        if words and words[0].upper() in ("IN", "OUT", "INOUT", "VARIADIC"):
            words = words[1:]
        if len(words) >= 2 and re.fullmatch(r'[A-Za-z_][\w$]*|"[^"]+"', words[0]):
            out.append(words[0].strip('"'))
    return out


def _mentions(sql: str, name: str) -> bool:
    import re

    return re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", sql, re.I) is not None


__all__ = ["Recreate", "Rename", "StoredMigration", "plan_renames"]
