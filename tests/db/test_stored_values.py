"""``stored: migrate`` carries the stored task names rows hold (runsmig.migration.values), on real
PostgreSQL: the released migrations of fixtures/stored-migrate-task-names, rows queued by the old
code (a task's dotted path, the same under a registry's namespace, a literal ``name=``, one whose
task keeps its name), then the new file: the rows hold the new names, the new code's worker runs
every one of them, and what is not a renamed task name (a longer name, a column not named for
tasks) is left as it was. The tree's own migrations on an empty database give the same schema."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from runsmig.apply import apply_plan
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe

from .pgdump import databases, libpq, psql, schema, schema_diff  # noqa: F401 - databases is a fixture

REPO = Path(__file__).resolve().parents[2]
CASE = REPO / "fixtures" / "stored-migrate-task-names"
SEED = """
    INSERT INTO queue_items (task_name, args, note) VALUES
        ('shop.tasks.send_job_report', '{"to": "a"}', 'shop.tasks.send_job_report'),
        ('builtin:shop.tasks.send_job_report', '{"to": "b"}', NULL),
        ('purge_old_jobs', '{"days": 3}', NULL),
        ('shop.tasks.ping', '{}', NULL);
    INSERT INTO queue_items (task_name, status) VALUES ('shop.tasks.send_job_reports', 'done'),
        ('other.shop.tasks.send_job_report', 'done');
    INSERT INTO schedules (task, every_seconds) VALUES ('shop.tasks.send_job_report', 60), ('purge_old_jobs', 3600),
        ('shop.tasks.ping', 5);
"""


def _rows(url: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(libpq(url)) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


def test_rows_queued_by_the_old_code_run_on_the_new(tmp_path, databases):  # noqa: F811 - the fixture
    work = tmp_path / "work"
    shutil.copytree(CASE / "before", work)
    released = sorted((work / "db" / "migrations").glob("*.sql"))
    recipe = load_recipe(CASE / "recipe.yaml")
    plan = build_plan(work, recipe, workers=1)
    assert [c.path for c in plan.changes if c.action == "create"] == ["db/migrations/0003_runsmig_stored_names.sql"]
    assert not [f for f in plan.follow_ups() if "task name" in f.message]  # carried: no follow-up left
    assert sorted({(k, o, t) for k, o, _, t, _ in plan.migrated}) == [
        ("task name", "purge_old_jobs", "queue_items.task_name"), ("task name", "purge_old_jobs", "schedules.task"),
        ("task name", "shop.tasks.send_job_report", "queue_items.task_name"),
        ("task name", "shop.tasks.send_job_report", "schedules.task")]
    apply_plan(plan)
    assert build_plan(work, recipe, workers=1).empty

    upgraded, fresh = databases.new(), databases.new()
    for f in released:
        psql(upgraded, f)
    psql(upgraded, SEED)
    psql(upgraded, work / "db" / "migrations" / "0003_runsmig_stored_names.sql")
    for f in sorted((work / "db" / "migrations").glob("*.sql")):
        psql(fresh, f)
    assert schema(upgraded) == schema(fresh), "\n".join(schema_diff(schema(upgraded), schema(fresh)))

    assert _rows(upgraded, "SELECT task_name, note FROM queue_items ORDER BY id") == [
        ("shop.tasks.send_run_report", "shop.tasks.send_job_report"),  # a column not named for tasks: as it was
        ("builtin:shop.tasks.send_run_report", None),
        ("purge_old_runs", None),
        ("shop.tasks.ping", None),
        ("shop.tasks.send_job_reports", None),  # another name: left
        ("other.shop.tasks.send_job_report", None)]
    assert _rows(upgraded, "SELECT task FROM schedules ORDER BY id") == [
        ("shop.tasks.send_run_report",), ("purge_old_runs",), ("shop.tasks.ping",)]

    # the new code's worker runs every row the old code queued (the namespaced one by its path)
    psql(upgraded, "UPDATE queue_items SET task_name = split_part(task_name, ':', 2) WHERE task_name LIKE 'builtin:%'")
    script = textwrap.dedent(f"""
        import psycopg
        from shop import queue, tasks
        with psycopg.connect({libpq(upgraded)!r}, autocommit=True) as conn:
            queue.work(conn)
            print(conn.execute("SELECT count(*) FROM queue_items WHERE status = 'todo'").fetchone()[0])
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=work, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(work), "PATH": "/usr/bin:/bin"}, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "0"
