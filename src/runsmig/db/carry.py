"""Which job column goes where: the carry plan, derived from the real schemas and the recipe.

Rules (each job column ends in exactly one of them, and the plan summary lists them):

* the primary key: the id of the run made for a job that has none (``new_run_id``);
* ``drop``: not carried, with the reason the recipe gives;
* otherwise carried to ``rename.get(column, column)``; when runs already has that column the
  job fills it only where the run's value is NULL (the run is the record the engine wrote),
  else revision 1 adds it to runs with the job column's type (nullable, unless the job column
  is NOT NULL with a server default, which is kept);
* ``values`` maps stored values (status ``cancelled`` -> ``canceled``), ``references`` turns ids
  of other jobs into ids of their runs, ``paths`` rewrites stored storage paths;
* run columns no job column fills come from ``lookups`` (``configuration_id`` through
  ``configurations.config_id``), a server default, or NULL; a NOT NULL run column with none of
  these stops generation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from runsmig.db.schema import ColumnInfo, ForeignKeyInfo, IndexInfo, Schema, TableInfo
from runsmig.db.spec import DatabaseSpec, JsonSingle, Lookup
from runsmig.errors import RefusedError

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Carry:
    source: str  # job column
    target: str  # run column
    added: bool  # True: revision 1 adds the run column
    values: tuple[tuple[str, str], ...] = ()
    reference: bool = False
    path: bool = False
    enum_source: bool = False  # the job column is an ENUM: compare/cast as text


@dataclass(frozen=True)
class AddedColumn:
    name: str
    source: str
    type: object
    nullable: bool
    default: str | None


@dataclass(frozen=True)
class NewIndex:
    name: str
    columns: tuple[str, ...]
    unique: bool


@dataclass(frozen=True)
class NewForeignKey:
    name: str
    column: str
    ref_table: str
    ref_column: str
    ondelete: str | None
    onupdate: str | None


@dataclass(frozen=True)
class CarryPlan:
    spec: DatabaseSpec
    head: str
    source: TableInfo
    target: TableInfo
    source_pk: str
    target_pk: str
    carries: tuple[Carry, ...]
    added: tuple[AddedColumn, ...]
    indexes: tuple[NewIndex, ...]
    foreign_keys: tuple[NewForeignKey, ...]
    lookups: tuple[tuple[str, Lookup], ...]
    not_carried: tuple[tuple[str, str], ...]  # (what, reason)
    source_indexes: tuple[str, ...]  # to drop with the table
    target_enum_types: tuple[tuple[str, str], ...]  # run column -> native ENUM name (cast on PostgreSQL)
    source_enum_names: tuple[str, ...]  # declared native ENUM types of the job table (dropped on PostgreSQL)
    # run column <- the only element of a carried JSON list: (spec, run column holding the list,
    # (table, column) the run column references or None)
    json_single: tuple[tuple[JsonSingle, str, tuple[str, str] | None], ...] = ()
    stored: tuple = ()  # runsmig.db.stored.StoredRename, one per stored_values entry

    def notes(self) -> list[str]:
        s, t = self.spec.source_table, self.spec.target_table
        out = [f"revisions chain to {self.head}; {s} history: {self.spec.history}"]
        if self.spec.history == "migrate":
            renamed = [f"{c.source} -> {c.target}" for c in self.carries if c.source != c.target]
            out.append(f"{t} gains: " + (", ".join(a.name for a in self.added) or "nothing"))
            if renamed:
                out.append("renamed: " + ", ".join(renamed))
            for js, _, _ in self.json_single:
                out.append(f"{t}.{js.target} of a run still without one: {js.key} of the only element of {s}.{js.list_column}")
            for c in self.carries:
                if c.values:
                    out.append(f"values of {c.source}: " + ", ".join(f"{a} -> {b}" for a, b in c.values))
            for target, lk in self.lookups:
                match = " and ".join(f"{lk.table}.{a} = {s}.{b}" for a, b in lk.match)
                out.append(f"{t}.{target} of a new run: {lk.table}.{lk.take} where {match}")
        else:
            out.append(f"{s} rows are discarded (jobs_history: discard); {t} gains the columns anyway: "
                       + (", ".join(a.name for a in self.added) or "nothing"))
        for what, reason in self.not_carried:
            out.append(f"not carried: {what}: {reason}")
        out += [st.note() for st in self.stored]
        return out


def _enum_native(type_: object) -> str | None:
    if isinstance(type_, sa.Enum) and type_.native_enum and type_.name:
        return type_.name
    return None


def build_plan(schema: Schema, spec: DatabaseSpec) -> CarryPlan | None:
    """The carry plan, or None when the schema has no source table (nothing left to migrate)."""
    s_name, t_name = spec.source_table, spec.target_table
    if s_name not in schema.tables:
        return None
    if t_name not in schema.tables:
        raise RefusedError(f"table '{t_name}' does not exist at revision {schema.revision}")
    src, tgt = schema.tables[s_name], schema.tables[t_name]
    where = f"{s_name} at revision {schema.revision}"
    if len(src.primary_key) != 1 or len(tgt.primary_key) != 1:
        raise RefusedError(f"'{s_name}' and '{t_name}' need a single-column primary key")
    s_pk, t_pk = src.primary_key[0], tgt.primary_key[0]

    def need(table: TableInfo, col: str, what: str) -> ColumnInfo:
        c = table.column(col)
        if c is None:
            raise RefusedError(
                f"{what}: column '{table.name}.{col}' does not exist at revision {schema.revision}",
                hint="the recipe's database section names a column the schema does not have",
            )
        return c

    need(src, spec.link, "database.link")
    for col, _ in spec.rename:
        need(src, col, "database.rename")
    for col, _ in spec.values:
        need(src, col, "database.values")
    for col in spec.references:
        need(src, col, "database.references")
    for col, _ in spec.drop:
        need(src, col, "database.drop")
    for name in _PLACEHOLDER.findall(spec.new_id):
        need(src, name, "database.new_run_id")
    if spec.paths:
        for col in spec.paths.columns:
            need(src, col, "database.paths.columns")
        for tpl in (*spec.paths.prefixes, spec.paths.to):
            for name in _PLACEHOLDER.findall(tpl):
                if name != "run_id":
                    need(src, name, "database.paths")
    for target, lk in spec.lookups:
        need(tgt, target, "database.lookups")
        if lk.table not in schema.tables:
            raise RefusedError(f"database.lookups.{target}: table '{lk.table}' does not exist at {schema.revision}")
        need(schema.tables[lk.table], lk.take, f"database.lookups.{target}.take")
        for a, b in lk.match:
            need(schema.tables[lk.table], a, f"database.lookups.{target}.match")
            need(src, b, f"database.lookups.{target}.match")
    refs = schema.referencing(s_name)
    if refs:
        names = ", ".join(f"{t}.{','.join(fk.columns)}" for t, fk in refs)
        raise RefusedError(
            f"other tables reference '{s_name}' ({names}); they must be migrated before it is dropped",
        )

    drops = spec.drop_map()
    path_cols = set(spec.paths.columns) if spec.paths else set()
    carries: list[Carry] = []
    added: list[AddedColumn] = []
    not_carried: list[tuple[str, str]] = []
    targets_seen: dict[str, str] = {}
    for col in src.columns:
        if col.name == s_pk:
            continue
        if col.name in drops:
            not_carried.append((f"{s_name}.{col.name}", drops[col.name]))
            continue
        target = spec.renamed(col.name)
        if target in targets_seen:
            raise RefusedError(f"'{s_name}.{col.name}' and '{s_name}.{targets_seen[target]}' both go to '{t_name}.{target}'")
        targets_seen[target] = col.name
        if target == t_pk:
            raise RefusedError(f"'{s_name}.{col.name}' would overwrite '{t_name}.{t_pk}'")
        reference = col.name in spec.references
        exists = tgt.column(target) is not None
        carries.append(
            Carry(
                col.name, target, not exists, tuple(spec.value_map(col.name).items()), reference,
                col.name in path_cols, isinstance(col.type, sa.Enum),
            )
        )
        if not exists:
            type_ = tgt.column(t_pk).type if reference else col.type
            keep_not_null = not col.nullable and col.default is not None and not reference
            added.append(AddedColumn(target, col.name, type_, not keep_not_null, col.default if keep_not_null else None))
    filled = {c.target for c in carries} | {t for t, _ in spec.lookups} | {t_pk}
    for c in tgt.columns:
        if c.name not in filled and not c.nullable and c.default is None and spec.history == "migrate":
            raise RefusedError(
                f"'{t_name}.{c.name}' is NOT NULL, has no default and no job column or lookup fills it",
                hint="add it to database.rename or database.lookups in the recipe",
            )

    added_names = {a.name for a in added}
    mapped = {c.source: c.target for c in carries}
    t_index_names = {i.name for i in tgt.indexes}
    t_index_cols = {i.columns for i in tgt.indexes}
    indexes: list[NewIndex] = []
    for ix in src.indexes:
        cols = tuple(mapped.get(c, "") for c in ix.columns)
        name = spec.rename_identifier(ix.name)
        if "" in cols:
            lost = [c for c in ix.columns if c not in mapped]
            not_carried.append((f"index {ix.name}", f"uses {', '.join(lost)}, which {'is' if len(lost) == 1 else 'are'} not carried"))
        elif ix.where:
            not_carried.append((f"index {ix.name}", f"partial index (WHERE {ix.where}); recreate it by hand if runs need it"))
        elif not set(cols) & added_names:
            not_carried.append((f"index {ix.name}", f"covers only columns {t_name} already had; {t_name} keeps its own indexes"))
        elif name in t_index_names or cols in t_index_cols:
            not_carried.append((f"index {ix.name}", f"{t_name} already has an index {name} or on ({', '.join(cols)})"))
        else:
            indexes.append(NewIndex(name, cols, ix.unique))
    fks: list[NewForeignKey] = []
    for fk in src.foreign_keys:
        if len(fk.columns) != 1:
            not_carried.append((f"foreign key on {s_name}({', '.join(fk.columns)})", "multi-column foreign keys are not carried"))
            continue
        col = fk.columns[0]
        if col not in mapped or mapped[col] not in added_names:
            continue  # on a dropped column, or on a column runs already had (runs keeps its own constraints)
        target = mapped[col]
        ref_table, ref_col = fk.ref_table, fk.ref_columns[0]
        if ref_table == s_name:
            ref_table, ref_col = t_name, t_pk
        name = spec.rename_identifier(fk.name) if fk.name else f"{t_name}_{target}_fkey"
        fks.append(NewForeignKey(name, target, ref_table, ref_col, fk.ondelete, fk.onupdate))
    singles = []
    for js in spec.json_single:
        if js.list_column not in mapped:
            raise RefusedError(f"database.json_single.{js.target}: '{s_name}.{js.list_column}' is not carried into {t_name}")
        if tgt.column(js.target) is None and js.target not in added_names:
            raise RefusedError(f"database.json_single: column '{t_name}.{js.target}' does not exist at revision {schema.revision}")
        ref = next(((fk.ref_table, fk.ref_columns[0]) for fk in tgt.foreign_keys if fk.columns == (js.target,)), None)
        ref = ref or next(((fk.ref_table, fk.ref_column) for fk in fks if fk.column == js.target), None)
        singles.append((js, mapped[js.list_column], ref))
    target_enums = tuple((c.name, n) for c in tgt.columns if (n := _enum_native(c.type)))
    source_enums = tuple(sorted({n for c in src.columns if (n := _enum_native(c.type))}))
    return CarryPlan(
        spec=spec, head=schema.revision, source=src, target=tgt, source_pk=s_pk, target_pk=t_pk,
        carries=tuple(carries), added=tuple(added), indexes=tuple(indexes), foreign_keys=tuple(fks),
        lookups=spec.lookups, not_carried=tuple(not_carried),
        source_indexes=tuple(i.name for i in src.indexes), target_enum_types=target_enums,
        source_enum_names=source_enums, json_single=tuple(singles),
    )
