"""Set-based SQL of the carry revision: one INSERT … SELECT and one UPDATE with a correlated
row subquery, written in the subset SQLite (>= 3.15) and PostgreSQL (>= 10) share.

Aliases: ``j`` the job row, ``m`` the carry map (job id -> run id, merged 0/1).
The text goes into ``op.execute("...")``, which makes it a ``text()`` construct, so every
literal colon is escaped as ``\\:``.
"""

from __future__ import annotations

import re

from runsmig.db.carry import Carry, CarryPlan

MAP_TABLE = "runsmig_carry_map"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def q(name: str) -> str:
    """Identifiers are validated names ([A-Za-z_][A-Za-z0-9_]*); quote only what needs it."""
    return name if name.islower() and name.isidentifier() else '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    return "'" + value.replace("'", "''").replace(":", "\\:") + "'"


def template_sql(tpl: str, columns: dict[str, str]) -> str:
    """``"run_{id}"`` -> ``'run_' || j.id``; ``"{id}"`` -> ``j.id`` (``||`` accepts any scalar on both)."""
    parts: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(tpl):
        if m.start() > pos:
            parts.append(lit(tpl[pos:m.start()]))
        parts.append(columns[m.group(1)])
        pos = m.end()
    if pos < len(tpl):
        parts.append(lit(tpl[pos:]))
    return " || ".join(parts) if parts else "''"


class CarrySQL:
    def __init__(self, plan: CarryPlan, dialect: str) -> None:
        self.p = plan
        self.s = plan.spec
        self.dialect = dialect
        self.S = q(self.s.source_table)
        self.T = q(self.s.target_table)
        self.spk = q(plan.source_pk)
        self.tpk = q(plan.target_pk)
        self.enums = dict(plan.target_enum_types)

    # -- expressions ---------------------------------------------------------
    def _cols(self, run_id: str) -> dict[str, str]:
        cols = {c.name: f"j.{q(c.name)}" for c in self.p.source.columns}
        cols["run_id"] = run_id
        return cols

    def new_id(self) -> str:
        return template_sql(self.s.new_id, {c.name: f"j.{q(c.name)}" for c in self.p.source.columns})

    def value(self, c: Carry) -> str:
        col = f"j.{q(c.source)}"
        if c.enum_source:
            col = f"CAST({col} AS VARCHAR)"
        if c.reference:
            return f"(SELECT m2.target_id FROM {MAP_TABLE} m2 WHERE m2.source_id = {col})"
        if c.values:
            whens = " ".join(f"WHEN {lit(a)} THEN {lit(b)}" for a, b in c.values)
            col = f"CASE {col} {whens} ELSE {col} END"
        if c.path and self.s.paths:
            cols = self._cols("m.target_id")
            to = template_sql(self.s.paths.to, cols)
            whens = []
            for tpl in self.s.paths.prefixes:
                prefix = template_sql(tpl, cols)
                whens.append(
                    f"WHEN substr({col}, 1, length({prefix})) = {prefix} "
                    f"THEN {to} || substr({col}, length({prefix}) + 1)"
                )
            col = "CASE " + " ".join(whens) + f" ELSE {col} END"
        return col

    def cast_target(self, target: str, expr: str) -> str:
        if self.dialect == "postgresql" and target in self.enums:
            return f"CAST({expr} AS {q(self.enums[target])})"
        return expr

    def lookup(self, target: str) -> str:
        lk = dict(self.p.lookups)[target]
        cond = " AND ".join(f"l.{q(a)} = j.{q(b)}" for a, b in lk.match)
        return f"(SELECT l.{q(lk.take)} FROM {q(lk.table)} l WHERE {cond})"

    def _linked(self, alias: str = "r") -> str:
        return f"SELECT 1 FROM {self.T} {alias} WHERE {alias}.{self.tpk} = j.{q(self.s.link)}"

    # -- statements ----------------------------------------------------------
    def check_lookups(self) -> list[tuple[str, str]]:
        out = []
        for target, lk in self.p.lookups:
            cond = " AND ".join(f"l.{q(a)} = j.{q(b)}" for a, b in lk.match)
            sql = (
                f"SELECT count(*) FROM {self.S} j\n"
                f"WHERE NOT EXISTS ({self._linked()})\n"
                f"  AND NOT EXISTS (SELECT 1 FROM {q(lk.table)} l WHERE {cond})"
            )
            match = " and ".join(f"{lk.table}.{a} = {self.s.source_table}.{b}" for a, b in lk.match)
            out.append((sql, f"have no {self.s.target_table[:-1] if self.s.target_table.endswith('s') else self.s.target_table} "
                        f"and no {lk.table} row where {match} (needed for {self.s.target_table}.{target})"))
        return out

    def check_new_ids(self) -> tuple[str, str]:
        sql = (
            f"SELECT count(*) FROM {self.S} j\n"
            f"WHERE NOT EXISTS ({self._linked()})\n"
            f"  AND EXISTS (SELECT 1 FROM {self.T} r2 WHERE r2.{self.tpk} = {self.new_id()})"
        )
        return sql, f"would get an id ({self.s.new_id}) that an unrelated {self.s.target_table} row already has"

    def fill_map(self) -> str:
        return (
            f"INSERT INTO {MAP_TABLE} (source_id, target_id, merged)\n"
            f"SELECT j.{self.spk}, COALESCE(r.{self.tpk}, {self.new_id()}), "
            f"CASE WHEN r.{self.tpk} IS NULL THEN 0 ELSE 1 END\n"
            f"FROM {self.S} j LEFT JOIN {self.T} r ON r.{self.tpk} = j.{q(self.s.link)}"
        )

    def merge(self) -> str | None:
        if self.dialect == "postgresql":
            return self.merge_from()
        sets, exprs = [], []
        for c in self.p.carries:
            e = self.cast_target(c.target, self.value(c))
            if not c.added:
                e = f"COALESCE({self.T}.{q(c.target)}, {e})"
            sets.append(q(c.target))
            exprs.append(e)
        if not sets:
            return None
        sub = (
            f"SELECT {', '.join(exprs)}\n"
            f"    FROM {self.S} j JOIN {MAP_TABLE} m ON m.source_id = j.{self.spk}\n"
            f"    WHERE m.target_id = {self.T}.{self.tpk} AND m.merged = 1\n"
            f"    ORDER BY j.{self.spk} DESC LIMIT 1"
        )
        lhs = sets[0] if len(sets) == 1 else "(" + ", ".join(sets) + ")"
        return (
            f"UPDATE {self.T} SET {lhs} = (\n    {sub}\n)\n"
            f"WHERE {self.T}.{self.tpk} IN (SELECT m.target_id FROM {MAP_TABLE} m WHERE m.merged = 1)"
        )

    def merge_from(self) -> str | None:
        """PostgreSQL: the same merge as ``UPDATE ... FROM`` - a hash join instead of one
        correlated subplan per run (measured ~2x faster on 100k rows); same result: the job with
        the greatest id fills each run."""
        sets = []
        for c in self.p.carries:
            e = self.cast_target(c.target, self.value(c))
            if not c.added:
                e = f"COALESCE({self.T}.{q(c.target)}, {e})"
            sets.append(f"{q(c.target)} = {e}")
        if not sets:
            return None
        return (
            f"UPDATE {self.T} SET {', '.join(sets)}\n"
            f"FROM (SELECT target_id, MAX(source_id) AS source_id FROM {MAP_TABLE} WHERE merged = 1 GROUP BY target_id) pick\n"
            f"JOIN {self.S} j ON j.{self.spk} = pick.source_id\n"
            f"JOIN {MAP_TABLE} m ON m.source_id = j.{self.spk}\n"
            f"WHERE {self.T}.{self.tpk} = pick.target_id"
        )

    def insert(self) -> str:
        cols, exprs = [self.tpk], ["m.target_id"]
        lookups = dict(self.p.lookups)
        for target in lookups:
            cols.append(q(target))
            exprs.append(self.cast_target(target, self.lookup(target)))
        for c in self.p.carries:
            if c.target in lookups:
                continue
            cols.append(q(c.target))
            exprs.append(self.cast_target(c.target, self.value(c)))
        return (
            f"INSERT INTO {self.T} ({', '.join(cols)})\n"
            f"SELECT {', '.join(exprs)}\n"
            f"FROM {self.S} j JOIN {MAP_TABLE} m ON m.source_id = j.{self.spk}\n"
            f"WHERE m.merged = 0"
        )

    def json_single(self) -> list[str]:
        """Run column <- ``key`` of the only element of a carried JSON list, for runs the jobs
        made or filled that still have none (and, when the column references a table, only a
        value that exists there)."""
        out = []
        for js, list_col, ref in self.p.json_single:
            T, L, C = self.T, f"{self.T}.{q(list_col)}", q(js.target)
            if self.dialect == "postgresql":
                doc = f"CAST({L} AS jsonb)"
                value = f"({doc} -> 0 ->> {lit(js.key)})"
                single = (f"CASE WHEN jsonb_typeof({doc}) = 'array' THEN jsonb_array_length({doc}) END = 1\n"
                          f"  AND jsonb_typeof({doc} -> 0 -> {lit(js.key)}) = 'string'")
            else:
                path = lit(f"$[0].{js.key}")
                value = f"json_extract({L}, {path})"
                single = (f"CASE WHEN json_valid({L}) THEN json_array_length({L}) END = 1\n"
                          f"  AND json_type({L}, {path}) = 'text'")
            exists = ""
            if ref is not None:
                exists = f"\n  AND EXISTS (SELECT 1 FROM {q(ref[0])} x WHERE x.{q(ref[1])} = {value})"
            out.append(
                f"UPDATE {T} SET {C} = {value}\n"
                f"WHERE {T}.{C} IS NULL\n"
                f"  AND {T}.{self.tpk} IN (SELECT m.target_id FROM {MAP_TABLE} m)\n"
                f"  AND {single}{exists}"
            )
        return out
