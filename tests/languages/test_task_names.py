"""Task names of job queues (runsmig.languages.python.task_names): under stored: migrate the renamed
task's stored name is a follow-up; a module that moves changes it too."""

from __future__ import annotations

import shutil

from runsmig.plan import build_plan
from runsmig.recipe import load_recipe
from tests.golden import FIXTURES

CASE = FIXTURES / "py-stored-task-names"


def _plan(tmp_path, stored: str):
    work = tmp_path / "w"
    shutil.copytree(CASE / "before", work)
    r = tmp_path / "r.yaml"
    r.write_text(f"version: 1\nname: t\nterms:\n  - {{from: job, to: run}}\nstored: {stored}\n")
    return build_plan(work, load_recipe(r), workers=1)


def _follow(old: str, new: str) -> str:
    return (f"task name '{old}' becomes '{new}' (stored: migrate): rows and messages queued by the previous "
            f"release carry the old name; carry them (UPDATE <table> SET <column> = '{new}' WHERE <column> = "
            f"'{old}', on the column that stores task names) or register the old name as an alias")


def test_migrate_says_which_stored_task_names_change(tmp_path):
    plan = _plan(tmp_path, "migrate")
    follow = sorted(f.message for f in plan.follow_ups() if "task name" in f.message)
    assert follow == [  # no migration history here: nothing carries the rows, the follow-up says how
        _follow("cleanup_job", "cleanup_run"),
        _follow("shop.tasks.remove_old_jobs", "shop.tasks.remove_old_runs"),
        _follow("shop.tasks.send_job_report", "shop.tasks.send_run_report"),
    ]
    new = next(c for c in plan.changes if c.path == "shop/tasks.py").new.decode()
    assert 'name="shop.tasks' not in new


def test_keep_lists_each_task_name(tmp_path):
    plan = _plan(tmp_path, "keep")
    stored = {(s["name"], s["kind"], s["action"]) for s in plan.review()["stored"] if s["kind"] == "task name"}
    assert stored == {("shop.tasks.remove_old_jobs", "task name", "written out"),
                      ("shop.tasks.send_job_report", "task name", "written out"),
                      ("cleanup_job", "task name", "kept")}


VALUES = FIXTURES / "stored-migrate-task-names"


def _values_plan(tmp_path, edit):
    work = tmp_path / "v"
    shutil.copytree(VALUES / "before", work)
    first = work / "db" / "migrations" / "0001_create_queue.sql"
    first.write_text(edit(first.read_text()))
    return build_plan(work, load_recipe(VALUES / "recipe.yaml"), workers=1)


def test_no_column_named_for_tasks_keeps_the_follow_up(tmp_path):
    plan = _values_plan(tmp_path, lambda t: t.replace("task_name varchar(120)", "func varchar(120)")
                        .replace("task text", "target text"))
    assert not [c for c in plan.changes if c.action == "create"] and not plan.migrated
    follow = sorted(f.message for f in plan.follow_ups() if "task name" in f.message)
    assert len(follow) == 2 and all("carry them (UPDATE <table> SET <column> = " in m for m in follow)
    assert "'purge_old_runs' WHERE <column> = 'purge_old_jobs'" in follow[0]  # a literal name= changes too


def test_a_column_too_short_for_the_new_name_is_a_note(tmp_path):
    plan = _values_plan(tmp_path, lambda t: t.replace("task_name varchar(120)", "task_name varchar(20)"))
    assert {(o, t) for _, o, _, t, _ in plan.migrated} == {
        ("shop.tasks.send_job_report", "schedules.task"), ("purge_old_jobs", "queue_items.task_name"),
        ("purge_old_jobs", "schedules.task")}
    assert ("stored task name 'shop.tasks.send_job_report' -> 'shop.tasks.send_run_report': not carried in "
            "queue_items.task_name (VARCHAR(20) is too short for it)") in plan.notes


REVISION = '''"""add task names

Revision ID: 0003_task_names
Revises: 0002_add_events
Create Date: 2024-03-01 12:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_task_names"
down_revision = "0002_add_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("task_name", sa.String(100), nullable=True))


def downgrade() -> None:
    op.drop_column("jobs", "task_name")
'''


def test_an_alembic_history_carries_them_too(tmp_path):
    work = tmp_path / "a"
    shutil.copytree(FIXTURES / "alembic-stored-migrate" / "before", work)
    (work / "migrations" / "versions" / "0003_task_names.py").write_text(REVISION)
    (work / "app" / "tasks.py").write_text("from app import queue\n\n\n@queue.task\ndef send_job_report():\n"
                                            "    return 1\n")
    plan = build_plan(work, load_recipe(FIXTURES / "alembic-stored-migrate" / "recipe.yaml"), workers=1)
    new = next(c for c in plan.changes if c.path == "migrations/versions/0004_runsmig_stored_names.py").new.decode()
    assert "Carries the stored values rows hold that the rename changes: 1 task name (in jobs.task_name)." in new
    up, down = new.split("def downgrade")
    assert ("op.execute(\"UPDATE runs SET task_name = regexp_replace(task_name, '^([^:]*:)?app\\\\.tasks\\\\."
            "send_job_report$', '\\\\1app.tasks.send_run_report') WHERE task_name ~ '^([^:]*:)?app\\\\.tasks\\\\."
            "send_job_report$'\")") in up
    assert "'\\\\1app.tasks.send_job_report')" in down  # and back, before the table gets its old name
    assert down.index("UPDATE runs") < down.index('op.rename_table("runs", "jobs")')
    assert ("task name", "app.tasks.send_job_report", "jobs.task_name") in {(k, o, t) for k, o, _, t, _ in plan.migrated}
    assert not [f for f in plan.follow_ups() if "task name" in f.message]
