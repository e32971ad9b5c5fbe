"""Stored values: identifiers the application writes into its database that the code migration
renames (ADE's permission keys ``Workspace.Jobs.Read`` -> ``Workspace.Runs.Read``).

After the upgrade the code only knows the new names, so the database must hold them too, or
the application behaves differently: ADE's startup sync deletes every permission row the
registry no longer defines, and the delete cascades into ``role_permissions`` - custom roles
would silently lose their run permissions.

Where the pairs come from: the plan itself. For each ``stored_values`` entry, the string
literals of the files it names are read before and after the plan's rewrite (Python ``ast``,
in source order, f-string parts excluded) and aligned (``difflib`` on the literal sequence);
every literal the plan replaced one for one, whose old value fully matches ``match``, is a pair.
So the database gets exactly the renames the code got - no second term engine, no guessing
from the values present.

What the history revision does with them (set-based SQL, through a scratch table of pairs):

* column not unique: ``UPDATE table SET column = new WHERE column = old``;
* column unique, and a row with the new value already exists (the application's own sync
  created it while the old row was still there): rows of every table whose foreign key points
  at the old row are repointed to the new one - a row that would then duplicate another
  (same values in a unique key of its table) is deleted instead - and the old row is deleted;
  the remaining old values are renamed in place. No duplicate, no lost reference.
"""

from __future__ import annotations

import ast
import difflib
import fnmatch
import re
from dataclasses import dataclass

from runsmig.db.schema import Schema
from runsmig.db.spec import StoredValues
from runsmig.errors import RefusedError

VALUE_MAP = "runsmig_value_map"


@dataclass(frozen=True)
class Reference:
    table: str
    column: str  # points at the stored table's primary key
    collisions: tuple[tuple[str, ...], ...]  # other columns of each unique key that contains ``column``


@dataclass(frozen=True)
class StoredRename:
    table: str
    column: str
    pk: str | None
    unique: bool
    pairs: tuple[tuple[str, str], ...]
    references: tuple[Reference, ...]
    files: tuple[str, ...]
    vanished: tuple[str, ...] = ()  # matching literals the plan removes without a counterpart

    def note(self) -> str:
        what = ", ".join(f"{a} -> {b}" for a, b in self.pairs) or "nothing to rename"
        if self.vanished:
            what += ("; no longer in the code, left as they are: " + ", ".join(self.vanished))
        return f"stored values {self.table}.{self.column} (literals of {', '.join(self.files) or 'no file of this checkout'}): {what}"


def _constants(text: str) -> list[str]:
    tree = ast.parse(text)
    inside_fstrings = {
        id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in ast.walk(node)
    }
    nodes = [
        n for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in inside_fstrings
    ]
    nodes.sort(key=lambda n: (n.lineno, n.col_offset))
    return [n.value for n in nodes]


def rewritten_literals(old: str, new: str) -> list[tuple[str, str]]:
    """String literals of ``old`` that ``new`` replaces one for one (aligned in source order)."""
    a, b = _constants(old), _constants(new)
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            out.extend(zip(a[i1:i2], b[j1:j2]))
    return out


def literal_pairs(entry: StoredValues, outcomes) -> tuple[list[tuple[str, str]], list[str]]:
    """(pairs, files) for one entry from the plan's file outcomes (``rel``, ``status``,
    ``old``, ``new``). Files the plan deletes or leaves alone give no pair."""
    pattern = re.compile(entry.match) if entry.match else None
    found: dict[str, str] = {}
    files: list[str] = []
    for o in sorted(outcomes, key=lambda o: o.rel):
        if not any(fnmatch.fnmatchcase(o.rel, g) for g in entry.literals):
            continue
        files.append(o.rel)
        if o.status != "changed" or o.old is None or o.new is None or not o.rel.endswith(".py"):
            continue
        try:
            pairs = rewritten_literals(o.old.decode("utf-8"), o.new.decode("utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            raise RefusedError(
                f"database.stored_values: {o.rel} is not parseable Python before or after the plan",
                hint="stored_values.literals must name Python files",
            ) from None
        for old, new in pairs:
            if old == new or (pattern is not None and not pattern.fullmatch(old)):
                continue
            if found.get(old, new) != new:
                raise RefusedError(
                    f"database.stored_values {entry.table}.{entry.column}: '{old}' becomes both "
                    f"'{found[old]}' and '{new}' in the plan",
                    hint="narrow 'literals' or 'match' so each stored value has one new name",
                )
            found[old] = new
    merged = sorted(n for n in set(found.values()) if list(found.values()).count(n) > 1)
    if merged:
        raise RefusedError(
            f"database.stored_values {entry.table}.{entry.column}: several values become '{merged[0]}'",
        )
    chained = sorted(set(found) & set(found.values()))
    if chained:
        raise RefusedError(
            f"database.stored_values {entry.table}.{entry.column}: '{chained[0]}' is both renamed and a new name",
        )
    return sorted(found.items()), files


def vanished_literals(entry: StoredValues, outcomes, pairs: list[tuple[str, str]]) -> list[str]:
    """Literals matching the entry that the plan removes without a one-for-one replacement
    (a removed permission, or a rewrite too irregular to align): reported, never guessed."""
    pattern = re.compile(entry.match) if entry.match else None
    paired = {a for a, _ in pairs}
    out: set[str] = set()
    for o in outcomes:
        if not any(fnmatch.fnmatchcase(o.rel, g) for g in entry.literals) or not o.rel.endswith(".py") or o.old is None:
            continue
        if o.status not in ("changed", "deleted"):
            continue
        try:
            before = set(_constants(o.old.decode("utf-8")))
            after = set(_constants(o.new.decode("utf-8"))) if o.status == "changed" and o.new is not None else set()
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        out |= {v for v in before - after - paired if pattern is None or pattern.fullmatch(v)}
    return sorted(out)


def build_stored(schema: Schema, entries, outcomes) -> tuple[StoredRename, ...]:
    out: list[StoredRename] = []
    for entry in entries:
        pairs, files = literal_pairs(entry, outcomes)
        vanished = tuple(vanished_literals(entry, outcomes, pairs))
        if not pairs:  # nothing renamed (e.g. a checkout without the registry): nothing to check either
            out.append(StoredRename(entry.table, entry.column, None, False, (), (), tuple(files), vanished))
            continue
        table = schema.tables.get(entry.table)
        if table is None:
            raise RefusedError(f"database.stored_values: table '{entry.table}' does not exist at revision {schema.revision}")
        col = table.column(entry.column)
        if col is None:
            raise RefusedError(
                f"database.stored_values: column '{entry.table}.{entry.column}' does not exist at revision {schema.revision}"
            )
        if type(col.type).__name__ == "Enum" and getattr(col.type, "native_enum", False) and getattr(col.type, "name", None):
            raise RefusedError(
                f"database.stored_values: '{entry.table}.{entry.column}' is a native ENUM; its type would need the new values",
            )
        unique = (entry.column,) in table.uniques
        pk = table.primary_key[0] if len(table.primary_key) == 1 else None
        refs: list[Reference] = []
        for other, fk in schema.referencing(entry.table):
            if entry.column in fk.ref_columns:
                raise RefusedError(
                    f"database.stored_values: {other}.{','.join(fk.columns)} references "
                    f"{entry.table}.{entry.column} itself; rename those values in the same entry list first",
                )
            if not unique:
                continue
            if len(fk.columns) != 1 or pk is None or fk.ref_columns != (pk,):
                raise RefusedError(
                    f"database.stored_values: {other}({', '.join(fk.columns)}) references {entry.table} "
                    "through a multi-column key; repointing it is not supported",
                )
            rcol = fk.columns[0]
            coll = tuple(
                tuple(c for c in u if c != rcol) for u in schema.tables[other].uniques if rcol in u
            )
            refs.append(Reference(other, rcol, coll))
        if unique and pk is None and refs:
            raise RefusedError(f"database.stored_values: '{entry.table}' needs a single-column primary key")
        out.append(StoredRename(entry.table, entry.column, pk, unique, tuple(pairs), tuple(refs), tuple(files), vanished))
    return tuple(out)


def _q(name: str) -> str:
    return name if name.islower() and name.isidentifier() else '"' + name.replace('"', '""') + '"'


def stored_sql(s: StoredRename) -> list[str]:
    """The statements for one entry, in order; the pairs are in ``runsmig_value_map``
    (old_value, new_value) while they run."""
    T, C, M = _q(s.table), _q(s.column), VALUE_MAP
    stmts: list[str] = []
    if s.unique and s.pk:
        P = _q(s.pk)
        superseded = (
            f"SELECT o.{P} FROM {T} o JOIN {M} m ON m.old_value = o.{C} JOIN {T} n ON n.{C} = m.new_value"
        )
        for ref in s.references:
            R, F = _q(ref.table), _q(ref.column)
            for others in ref.collisions:
                same = "".join(f" AND r2.{_q(c)} = {R}.{_q(c)}" for c in others)
                stmts.append(
                    f"DELETE FROM {R}\n"
                    f"WHERE {R}.{F} IN ({superseded})\n"
                    f"  AND EXISTS (SELECT 1 FROM {R} r2 WHERE r2.{F} = (\n"
                    f"    SELECT n.{P} FROM {T} o JOIN {M} m ON m.old_value = o.{C} JOIN {T} n ON n.{C} = m.new_value\n"
                    f"    WHERE o.{P} = {R}.{F}){same})"
                )
            stmts.append(
                f"UPDATE {R} SET {F} = (\n"
                f"    SELECT n.{P} FROM {T} o JOIN {M} m ON m.old_value = o.{C} JOIN {T} n ON n.{C} = m.new_value\n"
                f"    WHERE o.{P} = {R}.{F})\n"
                f"WHERE {F} IN ({superseded})"
            )
        stmts.append(
            f"DELETE FROM {T}\n"
            f"WHERE {C} IN (SELECT m.old_value FROM {M} m JOIN {T} n ON n.{C} = m.new_value)"
        )
    stmts.append(
        f"UPDATE {T} SET {C} = (SELECT m.new_value FROM {M} m WHERE m.old_value = {T}.{C})\n"
        f"WHERE {C} IN (SELECT m.old_value FROM {M} m)"
    )
    return stmts
