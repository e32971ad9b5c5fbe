"""Folder name -> run id, read from the database while the jobs table still exists."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import column, inspect, select, table
from sqlalchemy.engine import Connection

from runsmig.errors import UsageError
from runsmig.storage.config import StorageConfig


@dataclass
class IdMapping:
    """What the database says about folder names."""

    run_ids: set[str] = field(default_factory=set)
    job_to_run: dict[str, str | None] = field(default_factory=dict)  # job id -> run id (None: no run)
    keep_without_run: bool = False  # a job without a run keeps its id as folder name
    has_jobs: bool = False
    has_runs: bool = False
    notes: list[str] = field(default_factory=list)

    def classify(self, name: str) -> tuple[str, str | None, str]:
        """-> (kind, target name, reason). kind: 'run' (keeps its name), 'job' (renamed) or 'orphan'."""
        if name in self.run_ids:
            return "run", name, "named by a run id"
        if name in self.job_to_run:
            run = self.job_to_run[name]
            if run is None:
                if self.keep_without_run:
                    return "run", name, "job without a run: keeps its id (without_run: keep)"
                return "orphan", None, "job without a run (its run id column is empty)"
            return "job", run, f"job {name} -> run {run}"
        if not self.has_runs and name in self._known_runs():
            return "run", name, "named by a run id (from the jobs table)"
        return "orphan", None, "no job or run with this id"

    def _known_runs(self) -> set[str]:
        cached = getattr(self, "_runs_from_jobs", None)
        if cached is None:
            cached = {r for r in self.job_to_run.values() if r is not None}
            self._runs_from_jobs = cached
        return cached


def _split(name: str) -> tuple[str | None, str]:
    schema, _, tbl = name.rpartition(".")
    return (schema or None), tbl


def _table_columns(conn: Connection, name: str) -> set[str] | None:
    schema, tbl = _split(name)
    insp = inspect(conn)
    if not insp.has_table(tbl, schema=schema):
        return None
    return {c["name"] for c in insp.get_columns(tbl, schema=schema)}


def load_mapping(conn: Connection, cfg: StorageConfig) -> IdMapping:
    if cfg.jobs is None and cfg.runs is None:
        raise UsageError(
            "the recipe's storage section names neither a jobs nor a runs table",
            hint="add 'storage: {jobs: {table, id, run}, runs: {table, id}}' to the recipe, or omit --db",
        )
    m = IdMapping()
    if cfg.runs is not None:
        cols = _table_columns(conn, cfg.runs.table)
        if cols is None:
            m.notes.append(f"table {cfg.runs.table} not found: no folder is recognised by its run id")
        elif cfg.runs.id not in cols:
            raise UsageError(f"column {cfg.runs.table}.{cfg.runs.id} not found in the database")
        else:
            schema, tbl = _split(cfg.runs.table)
            t = table(tbl, column(cfg.runs.id), schema=schema)
            m.run_ids = {str(r[0]) for r in conn.execute(select(t.c[cfg.runs.id]))}
            m.has_runs = True
    if cfg.jobs is not None:
        cols = _table_columns(conn, cfg.jobs.table)
        if cols is None:
            m.notes.append(
                f"table {cfg.jobs.table} not found: folders named by a job id cannot be mapped to their run"
                " (they are reported as orphans)"
            )
        else:
            for c in (cfg.jobs.id, cfg.jobs.run):
                if c not in cols:
                    raise UsageError(f"column {cfg.jobs.table}.{c} not found in the database")
            schema, tbl = _split(cfg.jobs.table)
            t = table(tbl, column(cfg.jobs.id), column(cfg.jobs.run), schema=schema)
            for job_id, run_id in conn.execute(select(t.c[cfg.jobs.id], t.c[cfg.jobs.run])):
                m.job_to_run[str(job_id)] = None if run_id in (None, "") else str(run_id)
            m.has_jobs = True
            m.keep_without_run = cfg.jobs.without_run == "keep"
    return m
