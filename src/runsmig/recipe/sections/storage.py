"""The ``storage:`` recipe section: how ``runsmig storage move`` finds a folder's run.

Example (the ADE values, see rules/jobs-to-runs/storage.snippet.yaml)::

    storage:
      jobs: {table: jobs, id: id, run: trace_id}   # job id -> the id of its run
                                                   # without_run: orphan (default) | keep
      runs: {table: runs, id: id}                  # folders named by these keep their name
      paths:                                       # columns storing paths into the storage root
        - {table: jobs, column: artifact_uri}
      env:                                         # .env keys renamed by --env-file
        - {from: ADE_JOBS_DIR, to: ADE_RUNS_DIR}
      env_values:                                  # path segments replaced in their values
        - {from: data/jobs, to: data/runs}
      orphans_dir: runs-orphans                    # quarantine folder, a sibling of --to

Every key is optional except that ``jobs`` or ``runs`` is needed for a database mapping.
"""

from __future__ import annotations

import re
from pathlib import Path

from runsmig.recipe.yamlnode import Node
from runsmig.storage.config import JobsTable, PathColumn, RunsTable, StorageConfig

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TABLE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*")
_ENV_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse(node: Node, folder: Path) -> StorageConfig:
    m = node.mapping(allowed={"jobs", "runs", "paths", "env", "env_values", "orphans_dir"})
    jobs = None
    if "jobs" in m:
        j = m["jobs"].mapping(allowed={"table", "id", "run", "without_run"}, required={"table", "id", "run"})
        without = j["without_run"].choice({"orphan", "keep"}) if "without_run" in j else "orphan"
        jobs = JobsTable(_table(j["table"]), _ident(j["id"]), _ident(j["run"]), without)
    runs = None
    if "runs" in m:
        r = m["runs"].mapping(allowed={"table", "id"}, required={"table", "id"})
        runs = RunsTable(_table(r["table"]), _ident(r["id"]))
    paths: list[PathColumn] = []
    seen: set[tuple[str, str]] = set()
    for item in m["paths"].sequence() if "paths" in m else []:
        p = item.mapping(allowed={"table", "column"}, required={"table", "column"})
        pc = PathColumn(_table(p["table"]), _ident(p["column"]))
        if (pc.table, pc.column) in seen:
            raise item.fail(f"{pc.table}.{pc.column} is listed twice")
        seen.add((pc.table, pc.column))
        paths.append(pc)
    env_keys = _pairs(m.get("env"), _env_key)
    env_values = _pairs(m.get("env_values"), _segment_path)
    orphans_dir = "runs-orphans"
    if "orphans_dir" in m:
        orphans_dir = m["orphans_dir"].string()
        if orphans_dir in {".", ".."} or "/" in orphans_dir or "\\" in orphans_dir:
            raise m["orphans_dir"].fail("a single folder name is expected (it is created next to --to)")
    return StorageConfig(jobs, runs, tuple(paths), env_keys, env_values, orphans_dir)


def _pairs(node: Node | None, check) -> tuple[tuple[str, str], ...]:
    if node is None:
        return ()
    out = []
    for item in node.sequence():
        p = item.mapping(allowed={"from", "to"}, required={"from", "to"})
        out.append((check(p["from"]), check(p["to"])))
    return tuple(out)


def _ident(n: Node) -> str:
    s = n.string()
    if not _IDENT.fullmatch(s):
        raise n.fail(f"'{s}' is not a plain SQL identifier (letters, digits, '_')")
    return s


def _table(n: Node) -> str:
    s = n.string()
    if not _TABLE.fullmatch(s):
        raise n.fail(f"'{s}' is not a table name (optionally 'schema.table')")
    return s


def _env_key(n: Node) -> str:
    s = n.string()
    if not _ENV_KEY.fullmatch(s):
        raise n.fail(f"'{s}' is not an environment variable name")
    return s


def _segment_path(n: Node) -> str:
    s = n.string().strip("/")
    if not s or any(part in {"", ".", ".."} for part in s.split("/")):
        raise n.fail("expected path segments such as 'data/jobs'")
    return s
