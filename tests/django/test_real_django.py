"""Real Django on what runsmig writes (fixtures django-stored-keep and django-stored-migrate):
apply the rename to before/, then ``makemigrations --check --dry-run`` finds nothing to do, and a
database created by before/'s migrations and holding rows is migrated by the new code, which reads
the old rows. SQLite always; PostgreSQL when a server answers (tests/conftest.py: pg_url)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden import FIXTURES, run_case, same_tree

pytest.importorskip("django")

SEED = """
from shop.models import Job, Step
for i in range(3):
    Step.objects.create(job=Job.objects.create(job_name=f"j{i}"), title="t")
"""

READ = """
import json
from django.db import connection
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from shop import views
from shop.models import Run
tables = sorted(t for t in connection.introspection.table_names() if t.startswith("shop_"))
with connection.cursor() as cur:
    columns = [c.name for c in connection.introspection.get_table_description(cur, Run._meta.db_table)]
print(json.dumps({
    "count": Run.objects.count(),
    "names": views.run_names(),
    "steps": views.steps_of("j1"),
    "tables": tables,
    "columns": sorted(columns),
    "models": sorted(ContentType.objects.filter(app_label="shop").values_list("model", flat=True)),
    "codenames": sorted(Permission.objects.filter(content_type__app_label="shop").values_list("codename", flat=True)),
}))
"""


def _manage(tree: Path, env: dict, *args: str, code: str | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "manage.py", *args] + (["-c", code] if code is not None else [])
    full = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1", **env}
    return subprocess.run(cmd, cwd=tree, env=full, capture_output=True, text=True, timeout=120)


def _ok(res: subprocess.CompletedProcess) -> str:
    assert res.returncode == 0, res.stdout + res.stderr
    return res.stdout


def _database(kind: str, tmp_path: Path, request) -> dict:
    if kind == "sqlite":
        return {"SHOP_DB_NAME": str(tmp_path / "shop.sqlite3")}
    from sqlalchemy.engine import make_url

    url = make_url(request.getfixturevalue("pg_url"))
    return {"SHOP_DB_ENGINE": "django.db.backends.postgresql", "SHOP_DB_NAME": url.database,
            "SHOP_DB_HOST": url.host or "", "SHOP_DB_PORT": str(url.port or ""), "SHOP_DB_USER": url.username or ""}


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("case", ["django-stored-keep", "django-stored-migrate"])
def test_migrations_clean_and_old_rows_read(case, kind, tmp_path, request):
    work, plan, again = run_case(FIXTURES / case, tmp_path)
    assert not same_tree(work, FIXTURES / case / "after")
    assert again.empty
    env = _database(kind, tmp_path, request)
    before = tmp_path / "before"
    shutil.copytree(FIXTURES / case / "before", before)
    _ok(_manage(before, env, "migrate", "-v0"))
    _ok(_manage(before, env, "shell", "-v0", code=SEED))

    check = _manage(work, env, "makemigrations", "--check", "--dry-run")
    assert check.returncode == 0 and "No changes detected" in check.stdout, check.stdout + check.stderr
    _ok(_manage(work, env, "migrate", "-v0"))
    seen = json.loads(_ok(_manage(work, env, "shell", "-v0", code=READ)).strip().splitlines()[-1])

    assert seen["count"] == 3
    assert seen["names"] == ["j0", "j1", "j2"]
    assert seen["steps"] == 1
    assert seen["models"] == ["run", "step"]  # Django renames the content type (RenameModel)
    # the migration renamed the permissions; Django created no second set beside them
    assert [c for c in seen["codenames"] if c.endswith(("_job", "_run"))] == [
        "add_run", "change_run", "delete_run", "view_run"]
    if case == "django-stored-keep":
        assert seen["tables"] == ["shop_job", "shop_step"]  # the database is untouched
        assert "job_name" in seen["columns"] and "run_name" not in seen["columns"]
    else:
        assert seen["tables"] == ["shop_run", "shop_step"]
        assert "run_name" in seen["columns"] and "job_name" not in seen["columns"]


@pytest.mark.parametrize("case", ["django-stored-keep", "django-stored-migrate"])
def test_sqlmigrate_keep_touches_nothing(case, tmp_path):
    """Under keep every operation of the new migration is a no-op for the database."""
    work, _, _ = run_case(FIXTURES / case, tmp_path)
    new = sorted((work / "shop" / "migrations").glob("0004_*.py"))
    assert len(new) == 1
    env = _database("sqlite", tmp_path, None)
    sql = _ok(_manage(work, env, "sqlmigrate", "shop", new[0].stem))
    statements = [ln for ln in sql.splitlines() if ln and not ln.startswith("--") and ln not in ("BEGIN;", "COMMIT;")]
    if case == "django-stored-keep":
        assert statements == []
    else:
        assert any('RENAME TO "shop_run"' in s for s in statements)


NAMES = """
import json
from django.db import connection
out = {}
with connection.cursor() as cur:
    for table in connection.introspection.table_names(cur):
        if not table.startswith("shop_"):
            continue
        names = sorted(n for n in connection.introspection.get_constraints(cur, table)
                       if not n.startswith(("fk_", "__")))  # SQLite's own keys of unnamed constraints
        if connection.vendor == "postgresql":
            names += sorted(s["name"] for s in connection.introspection.get_sequences(cur, table))
        else:
            cur.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
                        "ORDER BY name", [table])
            names += [r[0] for r in cur.fetchall()]
        out[table] = names
print(json.dumps(out))
"""


DERIVED_SEED = """
from datetime import datetime, timezone
from shop.models import Attempt, Job
for i in range(3):
    job = Job.objects.create(key=f"k{i}", job_name=f"j{i}", job_attempts=i, queued_at=datetime.now(timezone.utc))
    Attempt.objects.create(job=job, number=1)
"""

DERIVED_READ = """
from datetime import datetime, timezone
from shop import views
from shop.models import Attempt, Run
assert views.run_names() == ["j0", "j1", "j2"], views.run_names()
assert views.attempts_of("k1") == 1
assert sorted(Run.objects.values_list("run_attempts", flat=True)) == [0, 1, 2]
Attempt.objects.create(run=Run.objects.get(key="k1"), number=2)
Run.objects.create(key="k3", run_name="j3", queued_at=datetime.now(timezone.utc))
print("ok", Run.objects.count(), Attempt.objects.count())
"""


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("case, seed", [("django-stored-migrate", SEED), ("django-stored-migrate-derived", DERIVED_SEED)])
def test_migrate_names_derived_from_tables_like_a_fresh_install(case, seed, kind, tmp_path, request):
    """Under migrate, the names Django and PostgreSQL derive from a table's and its columns' names
    (indexes, unique keys, checks, primary and foreign keys, sequences) are renamed by the migration:
    an upgraded database holds the names a fresh install of the new models gives (no migrations:
    straight from the models), none holds the old term, and migrating back gives the released names
    again."""
    case = FIXTURES / case
    work, _, _ = run_case(case, tmp_path)
    assert not same_tree(work, case / "after")
    env = _database(kind, tmp_path, request)
    before = tmp_path / "before"
    shutil.copytree(case / "before", before)
    _ok(_manage(before, env, "migrate", "-v0"))
    _ok(_manage(before, env, "shell", "-v0", code=seed))
    check = _manage(work, env, "makemigrations", "--check", "--dry-run")
    assert check.returncode == 0 and "No changes detected" in check.stdout, check.stdout + check.stderr
    released = json.loads(_ok(_manage(before, env, "shell", "-v0", code=NAMES)).strip().splitlines()[-1])
    assert any("job" in n for names in released.values() for n in names)  # the released names hold the term

    _ok(_manage(work, env, "migrate", "-v0"))
    if seed is DERIVED_SEED:
        assert _ok(_manage(work, env, "shell", "-v0", code=DERIVED_READ)).split()[-3:] == ["ok", "4", "4"]
    upgraded = json.loads(_ok(_manage(work, env, "shell", "-v0", code=NAMES)).strip().splitlines()[-1])

    (work / "fresh_settings.py").write_text("from proj.settings import *  # noqa\nMIGRATION_MODULES = {'shop': None}\n")
    fresh_env = dict(env, DJANGO_SETTINGS_MODULE="fresh_settings")
    if kind == "sqlite":
        fresh_env["SHOP_DB_NAME"] = str(tmp_path / "fresh.sqlite3")
    else:
        from sqlalchemy.engine import make_url

        fresh_env["SHOP_DB_NAME"] = make_url(request.getfixturevalue("pg_url2")).database
    _ok(_manage(work, fresh_env, "migrate", "--run-syncdb", "-v0"))
    fresh = json.loads(_ok(_manage(work, fresh_env, "shell", "-v0", code=NAMES)).strip().splitlines()[-1])

    assert upgraded == fresh
    assert not [n for names in upgraded.values() for n in names if "job" in n.lower()]

    released_head = max(p.stem for p in (before / "shop" / "migrations").glob("0*.py"))
    _ok(_manage(work, env, "migrate", "shop", released_head, "-v0"))
    back = json.loads(_ok(_manage(work, env, "shell", "-v0", code=NAMES)).strip().splitlines()[-1])
    assert back == released
