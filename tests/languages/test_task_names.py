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


def test_migrate_says_which_stored_task_names_change(tmp_path):
    plan = _plan(tmp_path, "migrate")
    follow = sorted(f.message for f in plan.follow_ups() if "task name" in f.message)
    assert follow == [
        "task name 'shop.tasks.remove_old_jobs' becomes 'shop.tasks.remove_old_runs' (stored: migrate): rows and "
        "messages queued by the previous release carry the old name; register it as an alias",
        "task name 'shop.tasks.send_job_report' becomes 'shop.tasks.send_run_report' (stored: migrate): rows and "
        "messages queued by the previous release carry the old name; register it as an alias",
    ]
    new = next(c for c in plan.changes if c.path == "shop/tasks.py").new.decode()
    assert 'name="shop.tasks' not in new


def test_keep_lists_each_task_name(tmp_path):
    plan = _plan(tmp_path, "keep")
    stored = {(s["name"], s["kind"], s["action"]) for s in plan.review()["stored"] if s["kind"] == "task name"}
    assert stored == {("shop.tasks.remove_old_jobs", "task name", "written out"),
                      ("shop.tasks.send_job_report", "task name", "written out"),
                      ("cleanup_job", "task name", "kept")}
