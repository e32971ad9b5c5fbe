"""Carry N job rows (default 1,000,000) into runs with the generated revision, on SQLite and on
PostgreSQL, and compare with hand-written SQL over the same data on the same database.

    python benchmarks/db_carry.py [--jobs 1000000] [--linked 0.5] [--only sqlite|postgresql] [--repeat 1]
                                  [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Workload (fixtures/alembic-mini at 0004): N jobs; a fraction ``--linked`` has a run (trace_id)
and is merged into it, the rest become new runs; statuses cycle through all five values (a fifth
are ``cancelled``); every tenth job retries the previous one; stored paths are in the jobs layout.

Timed, each on its own copy of the same seeded state:
  extend  : revision 1 (``alembic upgrade`` 0004 -> 0005: new runs columns, indexes, FKs)
  carry   : revision 2 (0005 -> head: checks, map, merge UPDATE, INSERT ... SELECT, drop jobs)
  hand-A  : one hand-written INSERT ... SELECT of every job into runs (plain copy, status CASE),
            then DROP TABLE jobs - the floor for moving the same rows
  hand-B  : hand-written equivalent of the carry, the same result row for row: UPDATE ... FROM for
            linked jobs (the greatest job id per run), INSERT ... SELECT for the others; status map,
            retry link to the retried job's run (NULL when that job is gone), stored paths moved to
            runs/<run id>/, run columns filled only where NULL, input_document_id from a single
            input document that exists; then DROP TABLE jobs (SQLite >= 3.33 for UPDATE ... FROM)
Before each timed step the database is settled (SQLite: os.sync() after the file copies;
PostgreSQL: CHECKPOINT after the template copies), so no step pays for the set-up's writes. After
the first round the runs tables left by carry and by hand-B are compared row by row (digest) and
must be equal. With --repeat N each step is timed N times (fresh copies, the order of the steps
reversed every other round) and the best time is kept. The ratio printed is carry / hand-X.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from runsmig.db import plan_revisions  # noqa: E402
from runsmig.recipe import load_recipe  # noqa: E402

PRE = "0004_jobs_config_fk"
EXT = "0005_runs_extend"

JOB_COLS = """id, workspace_id, config_id, config_version_id, submitted_by_user_id, status, attempt,
 retry_of_job_id, input_hash, input_documents, trace_id, artifact_uri, output_uri, logs_uri,
 run_request_uri, queued_at, last_heartbeat, started_at, completed_at, cancelled_at, error_message,
 created_at, updated_at"""


def seed_sql(dialect: str, n: int, linked_every: int) -> list[str]:
    if dialect == "sqlite":
        gen = f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {n})"
        pad = "printf('%08d', n)"
        padp = "printf('%08d', n - 1)"
        ts = "'2025-01-01 00:00:00.000000'"
        status = "CASE n % 5 WHEN 0 THEN 'succeeded' WHEN 1 THEN 'failed' WHEN 2 THEN 'cancelled' WHEN 3 THEN 'running' ELSE 'queued' END"
        src = "s"
    else:
        gen = ""
        pad = "lpad(n::text, 8, '0')"
        padp = "lpad((n - 1)::text, 8, '0')"
        ts = "TIMESTAMPTZ '2025-01-01 00:00:00+00'"
        status = "CAST(CASE n % 5 WHEN 0 THEN 'succeeded' WHEN 1 THEN 'failed' WHEN 2 THEN 'cancelled' WHEN 3 THEN 'running' ELSE 'queued' END AS jobstatus)"
        src = f"generate_series(1, {n}) AS s(n)"
    linked = f"n % {linked_every} = 0"
    run_id = f"'run_' || {pad}"
    job_id = f"'J' || {pad}"
    folder = f"CASE WHEN {linked} THEN {run_id} ELSE 'jobs/' || {job_id} END"
    stmts = [
        "INSERT INTO users (id, email) VALUES ('u1', 'a@example.com')",
        "INSERT INTO workspaces (id, name) VALUES ('w1', 'W')",
        "INSERT INTO configurations (id, workspace_id, config_id, display_name) VALUES "
        "('c1', 'w1', 'cfg1', 'one'), ('c2', 'w1', 'cfg2', 'two')",
        f"""{gen} INSERT INTO runs (id, configuration_id, workspace_id, config_id, status, created_at, started_at)
        SELECT {run_id}, 'c1', 'w1', 'cfg1', 'succeeded', {ts}, {ts} FROM {src} WHERE {linked}""",
        f"""{gen} INSERT INTO jobs ({JOB_COLS})
        SELECT {job_id}, 'w1', CASE WHEN n % 2 = 0 THEN 'cfg1' ELSE 'cfg2' END, 'cfg1',
               CASE WHEN n % 3 = 0 THEN NULL ELSE 'u1' END, {status}, CASE WHEN n % 10 = 0 THEN 2 ELSE 1 END,
               CASE WHEN n % 10 = 0 THEN 'J' || {padp} END, NULL, '[{{"document_id": "d1"}}]',
               CASE WHEN {linked} THEN {run_id} END,
               {folder} || '/logs/artifact.json', {folder} || '/output', {folder} || '/logs/events.ndjson',
               NULL, {ts}, NULL, {ts}, {ts}, CASE WHEN n % 5 = 2 THEN {ts} END, NULL, {ts}, {ts}
        FROM {src}""",
    ]
    # psycopg reads '%' as a placeholder even without parameters
    return stmts if dialect == "sqlite" else [x.replace("%", "%%") for x in stmts]


HAND_A = """INSERT INTO runs (id, configuration_id, workspace_id, config_id, config_version_id, submitted_by_user_id,
 status, attempt, retry_of_run_id, input_documents, trace_id, artifact_uri, output_uri, logs_uri, started_at,
 finished_at, canceled_at, error_message, created_at)
SELECT j.id, c.id, j.workspace_id, j.config_id, j.config_version_id, j.submitted_by_user_id,
 CASE CAST(j.status AS VARCHAR) WHEN 'cancelled' THEN 'canceled' ELSE CAST(j.status AS VARCHAR) END, j.attempt,
 j.retry_of_job_id, j.input_documents, j.trace_id, j.artifact_uri, j.output_uri, j.logs_uri, j.started_at,
 j.completed_at, j.cancelled_at, j.error_message, j.created_at
FROM jobs j JOIN configurations c ON c.config_id = j.config_id"""


def _moved(col: str, run_id: str, job_is_run: bool) -> str:
    """A stored path under jobs/<job id>/, jobs/<run id>/, <job id>/ or <run id>/ moved to runs/<run id>/
    (for a new run, run id = job id: two prefixes)."""
    prefixes = ["'jobs/' || j.id || '/'", "j.id || '/'"]
    if not job_is_run:
        prefixes[1:1] = [f"'jobs/' || {run_id} || '/'"]
        prefixes.append(f"{run_id} || '/'")
    whens = " ".join(f"WHEN substr({col}, 1, length({p})) = {p} THEN 'runs/' || {run_id} || '/' || substr({col}, length({p}) + 1)"
                     for p in prefixes)
    return f"CASE {whens} ELSE {col} END"


def _single_document(dialect: str) -> str:
    """The document_id of the job's only input document, when that document exists."""
    if dialect == "sqlite":
        return ("(SELECT d.id FROM documents d WHERE CASE WHEN json_valid(j.input_documents) THEN json_array_length(j.input_documents) END = 1"
                " AND json_type(j.input_documents, '$[0].document_id') = 'text' AND d.id = json_extract(j.input_documents, '$[0].document_id'))")
    doc = "CAST(j.input_documents AS jsonb)"
    return (f"(SELECT d.id FROM documents d WHERE CASE WHEN jsonb_typeof({doc}) = 'array' THEN jsonb_array_length({doc}) END = 1"
            f" AND jsonb_typeof({doc} -> 0 -> 'document_id') = 'string' AND d.id = ({doc} -> 0 ->> 'document_id'))")


HAND_B_RETRY = "CASE WHEN p.id IS NOT NULL THEN COALESCE(pr.id, p.id) END"  # the retried job's run: its trace run, or the run made from it


def hand_b(dialect: str) -> list[str]:
    cols = ("artifact_uri", "output_uri", "logs_uri")
    update = f"""UPDATE runs SET config_version_id = j.config_version_id, submitted_by_user_id = j.submitted_by_user_id,
 attempt = j.attempt, retry_of_run_id = {HAND_B_RETRY}, input_documents = j.input_documents, trace_id = j.trace_id,
 {", ".join(f"{c} = {_moved('j.' + c, 'runs.id', False)}" for c in cols)},
 started_at = COALESCE(runs.started_at, j.started_at), finished_at = COALESCE(runs.finished_at, j.completed_at),
 canceled_at = j.cancelled_at, error_message = COALESCE(runs.error_message, j.error_message),
 input_document_id = COALESCE(runs.input_document_id, {_single_document(dialect)})
FROM (SELECT MAX(id) AS id FROM jobs WHERE trace_id IS NOT NULL GROUP BY trace_id) pick JOIN jobs j ON j.id = pick.id
 LEFT JOIN jobs p ON p.id = j.retry_of_job_id LEFT JOIN runs pr ON pr.id = p.trace_id
WHERE runs.id = j.trace_id"""
    insert = f"""INSERT INTO runs (id, configuration_id, workspace_id, config_id, config_version_id, submitted_by_user_id,
 status, attempt, retry_of_run_id, input_documents, trace_id, artifact_uri, output_uri, logs_uri, started_at,
 finished_at, canceled_at, error_message, created_at, input_document_id)
SELECT j.id, c.id, j.workspace_id, j.config_id, j.config_version_id, j.submitted_by_user_id,
 CASE CAST(j.status AS VARCHAR) WHEN 'cancelled' THEN 'canceled' ELSE CAST(j.status AS VARCHAR) END, j.attempt,
 {HAND_B_RETRY}, j.input_documents, j.trace_id, {", ".join(_moved('j.' + c, 'j.id', True) for c in cols)},
 j.started_at, j.completed_at, j.cancelled_at, j.error_message, j.created_at, {_single_document(dialect)}
FROM jobs j JOIN configurations c ON c.config_id = j.config_id
 LEFT JOIN jobs p ON p.id = j.retry_of_job_id LEFT JOIN runs pr ON pr.id = p.trace_id
WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = j.trace_id)"""
    return [update, insert, "DROP TABLE jobs"]


def cfg_for(project: Path, url: str) -> Config:
    cfg = Config(str(project / "alembic.ini"))
    cfg.set_main_option("script_location", str(project / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run_sql(url: str, statements: list[str]) -> None:
    eng = sa.create_engine(url)
    with eng.begin() as conn:
        for s in statements:
            conn.exec_driver_sql(s)
    eng.dispose()


def count(url: str, sql: str) -> int:
    eng = sa.create_engine(url)
    with eng.connect() as conn:
        v = conn.exec_driver_sql(sql).scalar()
    eng.dispose()
    return int(v)


def digest(url: str) -> str:
    """Every row of runs, in id order (to compare the carry's result with hand-B's)."""
    h = hashlib.sha256()
    eng = sa.create_engine(url)
    with eng.connect() as conn:
        for row in conn.exec_driver_sql("SELECT * FROM runs ORDER BY id").yield_per(10_000):
            h.update(repr(tuple(row)).encode())
    eng.dispose()
    return h.hexdigest()


def settle(dialect: str, url: str) -> None:
    """Start a timed step from written-out state: the set-up's copies are not flushed during it."""
    if dialect == "sqlite":
        os.sync()
    else:
        run_sql(url, ["CHECKPOINT"])


def bench(dialect: str, project: Path, n: int, linked_every: int, pg_url: str, work: Path, repeat: int) -> dict:
    admin = None
    created: list[str] = []
    if dialect == "sqlite":
        base = work / "base.db"
        url_base = f"sqlite:///{base}"
    else:
        admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
        tag = uuid.uuid4().hex[:8]
        url_of = lambda name: sa.engine.make_url(pg_url).set(database=name).render_as_string(hide_password=False)  # noqa: E731
        created.append(f"runsmig_bench_base_{tag}")
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{created[0]}"')
        url_base = url_of(created[0])

    def fresh_copy(kind: str, rep: int) -> str:
        """A copy of the seeded, extended database for one timed step (each step starts from the same state)."""
        if dialect == "sqlite":
            path = work / f"{kind}-{rep}.db"
            shutil.copy(base, path)
            return f"sqlite:///{path}"
        name = f"runsmig_bench_{kind}_{rep}_{tag}"
        created.append(name)
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{created[0]}"')
        return url_of(name)

    def drop_copy(url: str) -> None:
        if dialect == "sqlite":
            Path(sa.engine.make_url(url).database).unlink()
        else:
            name = sa.engine.make_url(url).database
            with admin.connect() as c:
                c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            created.remove(name)

    steps = {
        "carry": lambda url: command.upgrade(cfg_for(project, url), "head"),
        "hand_a": lambda url: run_sql(url, [HAND_A, "DROP TABLE jobs"]),
        "hand_b": lambda url: run_sql(url, hand_b(dialect)),
    }
    try:
        command.upgrade(cfg_for(project, url_base), PRE)
        t_seed = timed(lambda: run_sql(url_base, seed_sql(dialect, n, linked_every)))
        t_ext = timed(lambda: command.upgrade(cfg_for(project, url_base), EXT))
        if dialect == "postgresql":
            run_sql(url_base, ["ANALYZE"])  # the copies take the statistics (and the hint bits) with them
        jobs = count(url_base, "SELECT count(*) FROM jobs")
        runs0 = count(url_base, "SELECT count(*) FROM runs")
        best: dict[str, float] = {}
        for rep in range(repeat):
            kinds = list(steps) if rep % 2 == 0 else list(reversed(steps))
            urls = {k: fresh_copy(k, rep) for k in kinds}
            for k in kinds:
                settle(dialect, urls[k])
                best[k] = min(best.get(k, float("inf")), timed(lambda: steps[k](urls[k])))
            runs1 = count(urls["carry"], "SELECT count(*) FROM runs")
            assert count(urls["carry"], "SELECT count(*) FROM runs WHERE status = 'cancelled'") == 0
            if rep == 0:
                assert count(urls["hand_b"], "SELECT count(*) FROM runs") == runs1
                assert digest(urls["hand_b"]) == digest(urls["carry"]), "hand-B and the carry left different runs rows"
            for u in urls.values():
                drop_copy(u)
        return dict(dialect=dialect, jobs=jobs, runs_before=runs0, runs_after=runs1, seed=t_seed, extend=t_ext, **best)
    finally:
        if admin is not None:
            with admin.connect() as c:
                for name in created:
                    c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=1_000_000)
    ap.add_argument("--linked", type=float, default=0.5, help="fraction of jobs that have a run (1/k)")
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    ap.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--repeat", type=int, default=1, help="time each step this often (fresh copies, order alternating), keep the best")
    args = ap.parse_args()
    linked_every = max(1, round(1 / args.linked)) if args.linked > 0 else args.jobs + 1
    with tempfile.TemporaryDirectory(prefix="runsmig-bench-") as tmp:
        work = Path(tmp)
        project = work / "checkout"
        shutil.copytree(REPO / "fixtures" / "alembic-mini", project, ignore=shutil.ignore_patterns("__pycache__"))
        sys.path.insert(0, str(project))
        recipe_dir = work / "recipe"
        recipe_dir.mkdir()
        (recipe_dir / "recipe.yaml").write_text(
            "version: 1\nname: bench\nterms:\n  - {from: job, to: run}\n"
            + (REPO / "rules" / "jobs-to-runs" / "database.snippet.yaml").read_text()
        )
        for f in plan_revisions(project, load_recipe(recipe_dir / "recipe.yaml")):
            (project / f.path).write_text(f.content)
        dialects = [args.only] if args.only else ["sqlite", "postgresql"]
        print(f"{'database':<11}{'jobs':>9}{'runs':>9}{'->':>3}{'runs':<9}{'seed s':>8}{'extend s':>10}"
              f"{'carry s':>9}{'hand-A s':>10}{'hand-B s':>10}{'carry/A':>9}{'carry/B':>9}")
        for d in dialects:
            w = work / d
            w.mkdir()
            r = bench(d, project, args.jobs, linked_every, args.pg_url, w, max(1, args.repeat))
            print(f"{r['dialect']:<11}{r['jobs']:>9}{r['runs_before']:>9}{'->':>3}{r['runs_after']:<9}{r['seed']:>8.1f}"
                  f"{r['extend']:>10.1f}{r['carry']:>9.1f}{r['hand_a']:>10.1f}{r['hand_b']:>10.1f}"
                  f"{r['carry'] / r['hand_a']:>9.2f}{r['carry'] / r['hand_b']:>9.2f}", flush=True)


if __name__ == "__main__":
    main()
