"""A Django app wrapping the files of a plain SQL folder gets a wrapper for the new SQL file
(runsmig.migration.django_wrap), only when its latest migration names the folder's latest file."""

from __future__ import annotations

import shutil

from runsmig.plan import build_plan
from runsmig.recipe import load_recipe
from tests.golden import FIXTURES

CASE = FIXTURES / "sql-stored-migrate-django-wrap"


def _plan(tmp_path, edit=None):
    work = tmp_path / "w"
    shutil.copytree(CASE / "before", work)
    if edit:
        edit(work)
    return build_plan(work, load_recipe(CASE / "recipe.yaml"), workers=1)


def test_the_wrapper_follows_the_latest_migration_and_the_apps_leaf(tmp_path):
    created = {c.path: c.new.decode() for c in _plan(tmp_path).changes if c.action == "create"}
    wrapper = created["queue/contrib/dj/migrations/0003_runsmig_stored_names.py"]
    assert 'ApplySqlFile("0003_runsmig_stored_names.sql")' in wrapper
    assert '("queue_dj", "0002_job_lock")' in wrapper and "0002_job_lock.sql" not in wrapper
    assert wrapper.startswith("# Written by runsmig")
    assert "queue/sql/migrations/0003_runsmig_stored_names.sql" in created


def test_no_wrapper_when_the_latest_migration_does_not_name_the_latest_sql_file(tmp_path):
    def unwrap(work):
        p = work / "queue/contrib/dj/migrations/0002_job_lock.py"
        p.write_text(p.read_text().replace('ApplySqlFile("0002_job_lock.sql")', 'migrations.RunSQL("SELECT 1")'))

    created = [c.path for c in _plan(tmp_path, unwrap).changes if c.action == "create"]
    assert created == ["queue/sql/migrations/0003_runsmig_stored_names.sql"]
