"""runsmig db revisions / db model through the real console entry point."""

from __future__ import annotations

import subprocess
import sys

from .conftest import write_recipe


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "runsmig", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_db_revisions_prints_then_writes_then_has_nothing_to_do(project, tmp_path):
    recipe = write_recipe(tmp_path)
    p = _run("db", "revisions", str(project), "--recipe", str(recipe))
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("diff --git a/migrations/versions/0005_runs_extend.py b/migrations/versions/0005_runs_extend.py\nnew file mode 100644\n")
    assert "+++ b/migrations/versions/0006_runs_history.py" in p.stdout
    assert "not carried: jobs.input_hash" in p.stderr
    assert not (project / "migrations" / "versions" / "0005_runs_extend.py").exists()
    w = _run("db", "revisions", str(project), "--recipe", str(recipe), "--write")
    assert w.returncode == 0, w.stderr
    written = (project / "migrations" / "versions" / "0005_runs_extend.py").read_text()
    assert "+" + written.splitlines()[0] in p.stdout  # plan == apply
    again = _run("db", "revisions", str(project), "--recipe", str(recipe), "--write")
    assert again.returncode == 0 and again.stdout == "" and "nothing to generate" in again.stderr


def test_db_revisions_discard_and_bad_option(project, tmp_path):
    recipe = write_recipe(tmp_path)
    p = _run("db", "revisions", str(project), "--recipe", str(recipe), "--jobs-history", "discard")
    assert p.returncode == 0 and "jobs history: discard" in p.stderr and "INSERT INTO runs" not in p.stdout
    bad = _run("db", "revisions", str(project), "--recipe", str(recipe), "--jobs-history", "keep")
    assert bad.returncode == 2 and "--jobs-history 'keep'" in bad.stderr


def test_db_revisions_several_heads_exit_4(project, tmp_path):
    from .test_discover_render import BRANCH

    (project / "migrations" / "versions" / "0004b_side.py").write_text(BRANCH)
    recipe = write_recipe(tmp_path)
    p = _run("db", "revisions", str(project), "--recipe", str(recipe))
    assert p.returncode == 4 and "several heads" in p.stderr and "--head" in p.stderr
    ok = _run("db", "revisions", str(project), "--recipe", str(recipe), "--head", "0004_jobs_config_fk")
    assert ok.returncode == 0, ok.stderr


def test_recipe_without_database_section(project, tmp_path):
    recipe = write_recipe(tmp_path, snippet=False)
    p = _run("db", "revisions", str(project), "--recipe", str(recipe))
    assert p.returncode == 2 and "no 'database:' section" in p.stderr


def test_db_model(project, tmp_path):
    p = _run("db", "model", str(project), "--recipe", str(write_recipe(tmp_path)))
    assert p.returncode == 0, p.stderr
    line = "    retry_of_run_id: Mapped[str | None] = mapped_column(String(40), nullable=True)"
    assert line + "\n" in p.stdout


def test_plan_and_apply_take_jobs_history_and_head(project, tmp_path):
    recipe = write_recipe(tmp_path)
    migrate = _run("plan", str(project), "--recipe", str(recipe))
    assert migrate.returncode == 0, migrate.stderr
    assert "INSERT INTO runs" in migrate.stdout and "jobs history: migrate" in migrate.stderr
    discard = _run("plan", str(project), "--recipe", str(recipe), "--jobs-history", "discard")
    assert discard.returncode == 0, discard.stderr
    assert "INSERT INTO runs" not in discard.stdout and "jobs history: discard" in discard.stderr
    bad = _run("plan", str(project), "--recipe", str(recipe), "--jobs-history", "keep")
    assert bad.returncode == 2 and "--jobs-history 'keep'" in bad.stderr
    unknown = _run("plan", str(project), "--recipe", str(recipe), "--head", "no_such_revision")
    assert unknown.returncode != 0 and "no_such_revision" in unknown.stderr
    applied = _run("apply", str(project), "--recipe", str(recipe), "--allow-dirty", "--jobs-history", "discard")
    # the mini app's 'Job' model beside its 'Run' is a conflict left unapplied: apply does the rest, exits 4
    assert applied.returncode == 4, applied.stderr
    assert "1 conflict(s) left unapplied" in applied.stderr and "'Run' is already defined" in applied.stderr
    history = next((project / "migrations" / "versions").glob("*_runs_history.py")).read_text()
    assert "INSERT INTO runs" not in history


def test_plan_with_several_heads_needs_head(project, tmp_path):
    from .test_discover_render import BRANCH

    (project / "migrations" / "versions" / "0004b_side.py").write_text(BRANCH)
    recipe = write_recipe(tmp_path)
    p = _run("plan", str(project), "--recipe", str(recipe))
    assert p.returncode == 4 and "several heads" in p.stderr and "--head" in p.stderr
    ok = _run("plan", str(project), "--recipe", str(recipe), "--head", "0004_jobs_config_fk")
    assert ok.returncode == 0, ok.stderr
    assert "+down_revision = '0004_jobs_config_fk'" in ok.stdout or '+down_revision = "0004_jobs_config_fk"' in ok.stdout
