"""History never moves: recipe renames and deletes of it are conflicts; a folder holding it keeps
its name; what history imports stays; a term-named import of history is a conflict."""

from __future__ import annotations

from pathlib import Path

from runsmig.plan import build_plan
from runsmig.recipe import load_recipe

RECIPE = """version: 1
name: t
terms:
  - {from: job, plural: jobs, to: run, to_plural: runs}
"""
MIGRATION = "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = []\n"


def make(tmp_path: Path, files: dict[str, str], extra: str = ""):
    root = tmp_path / "t"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (tmp_path / "recipe.yaml").write_text(RECIPE + extra)
    return build_plan(root, load_recipe(tmp_path / "recipe.yaml"), workers=1, regenerate=False)


def conflicts(plan) -> list[str]:
    return [f.message for f in plan.follow_ups() if f.rule == "conflict"]


def test_recipe_rename_and_delete_of_history_are_conflicts(tmp_path):
    plan = make(tmp_path, {"migrations/001_jobs.sql": "x", "migrations/002_b.sql": "y", "jobs/migrations/001_a.sql": "z",
                           "jobs/app.py": "job = 1\n"},
                "paths:\n  rename:\n    - {from: migrations/001_jobs.sql, to: migrations/001_runs.sql}\n"
                "    - {from: jobs/, to: tasks/}\n  delete:\n    - {path: migrations/002_b.sql, reason: gone}\n")
    assert plan.history() == {"migrations/001_jobs.sql": "sql-numbered", "migrations/002_b.sql": "sql-numbered",
                              "jobs/migrations/001_a.sql": "sql-numbered"}
    msgs = conflicts(plan)
    assert any("'migrations/001_jobs.sql'" in m for m in msgs)
    assert any("'jobs/' -> 'tasks/'" in m for m in msgs)
    assert any(m.startswith("delete conflict: migrations/002_b.sql") for m in msgs)
    assert [(c.action, c.path, c.new_path) for c in plan.changes] == [("modify", "jobs/app.py", None)]


def test_folder_holding_history_keeps_its_name(tmp_path):
    plan = make(tmp_path, {"svc/jobs/migrations/001_a.sql": "jobs", "svc/jobs/job_worker.py": "x = 1\n",
                           "svc/jobs/sub/jobs_util.py": "y = 1\n"})
    moves = {c.path: c.new_path for c in plan.changes if c.action == "rename"}
    assert moves == {"svc/jobs/job_worker.py": "svc/jobs/run_worker.py",
                     "svc/jobs/sub/jobs_util.py": "svc/jobs/sub/runs_util.py"}


def test_a_module_history_imports_stays_and_its_names_are_kept(tmp_path):
    plan = make(tmp_path, {
        "app/__init__.py": "", "app/migrations/__init__.py": "",
        "app/migrations/0001_initial.py": "from app.job_fields import JobField\n" + MIGRATION,
        "app/job_fields.py": "class JobField:\n    pass\n\n\ndef job_default():\n    return 1\n",
        "app/models.py": "from app.job_fields import JobField, job_default\n\nf = JobField()\n"})
    assert not any(c.path == "app/job_fields.py" and c.action == "rename" for c in plan.changes)
    by_path = {c.path: c.new.decode() for c in plan.changes if c.new is not None}
    assert "class JobField:" in by_path["app/job_fields.py"] and "def run_default" in by_path["app/job_fields.py"]
    assert "from app.job_fields import JobField, run_default" in by_path["app/models.py"]
    assert any("kept 'JobField'" in n for n in plan.notes)


def test_history_importing_a_term_is_a_conflict(tmp_path):
    plan = make(tmp_path, {
        "app/__init__.py": "", "app/migrations/__init__.py": "",
        "app/migrations/0001_initial.py": "from app.models import Job\n" + MIGRATION,
        "app/models.py": "class Job:\n    pass\n"})
    assert any("imports 'Job' from app/models.py" in m for m in conflicts(plan))
