"""Opt-in acceptance on a real ADE checkout (never modified: it is cloned into a temp folder).

Set RUNSMIG_ADE_CHECKOUT (a git checkout of ADE, e.g. at aa9f0407) and RUNSMIG_ADE_PYTHON (a
Python with ADE's apps/ade-api installed, so ADE's own env.py can run ``alembic upgrade``).
Runs on SQLite and, when reachable, PostgreSQL.

ADE's own revisions 0004-0006 use ``batch_alter_table(..., recreate="always")``: on PostgreSQL
that rebuilds the table (copy, drop, rename) and fails as soon as a foreign key points at it
(``cannot drop constraint runs_pkey ... run_logs_run_id_fkey depends on it``), so ADE at
aa9f0407 cannot reach 0006 on PostgreSQL at all. For the PostgreSQL run only, the temp clone's
0004-0006 are switched to ``recreate="auto"`` (native ALTER TABLE there, same end schema); the
generated revisions are used unchanged.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from runsmig.db import model_edits, plan_revisions

from runsmig.recipe import load_recipe

from .conftest import DOCUMENTS, EXPECTED_INPUT_DOCUMENT, REPO, as_json, rows, seed_rows

RECIPE = REPO / "rules" / "jobs-to-runs" / "recipe.yaml"  # the shipped recipe, ADE's registry path included

ADE = os.environ.get("RUNSMIG_ADE_CHECKOUT")
ADE_PY = os.environ.get("RUNSMIG_ADE_PYTHON")
pytestmark = pytest.mark.skipif(not (ADE and ADE_PY), reason="set RUNSMIG_ADE_CHECKOUT and RUNSMIG_ADE_PYTHON")


def _psycopg_path(tmp: Path) -> list[str]:
    """A folder holding this interpreter's psycopg (its pure-Python implementation runs on the
    ADE Python too, through the system libpq) when the ADE Python has no driver of its own."""
    probe = subprocess.run([ADE_PY, "-c", "import psycopg"], capture_output=True)
    if probe.returncode == 0:
        return []
    import psycopg

    shim = tmp / "psycopg-shim"
    if not shim.exists():
        shim.mkdir()
        pkg = Path(psycopg.__file__).parent
        (shim / "psycopg").symlink_to(pkg)
        for info in pkg.parent.glob("psycopg-*.dist-info"):  # its version comes from the metadata
            (shim / info.name).symlink_to(info)
    return [str(shim)]


def _alembic(api: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    # ADE's env.py imports ade_api: take it from this clone, not from wherever the venv points
    path = [str(api / "src")] + (_psycopg_path(api.parent.parent) if url.startswith("postgresql") else [])
    env = dict(os.environ, ALEMBIC_DATABASE_URL=url, PYTHONPATH=os.pathsep.join(path), PSYCOPG_IMPL="python")
    return subprocess.run([ADE_PY, "-m", "alembic", *args], cwd=api, env=env, capture_output=True, text=True, timeout=600)


def _filler(col) -> object:
    t = col.type
    if isinstance(t, sa.Boolean):
        return False
    if isinstance(t, sa.Integer):
        return 0
    if isinstance(t, sa.DateTime):
        return datetime(2025, 1, 1, tzinfo=timezone.utc)
    if isinstance(t, sa.JSON):
        return {}
    return "x"


def _insert(conn, table: sa.Table, values: list[dict]) -> None:
    for v in values:
        row = dict(v)
        for col in table.columns:
            if col.name not in row and not col.nullable and col.server_default is None and not col.primary_key:
                row[col.name] = _filler(col)
        conn.execute(table.insert(), [row])  # rows differ in their keys: one statement each


@pytest.fixture
def ade_copy(tmp_path) -> Path:
    dst = tmp_path / "ade"
    subprocess.run(["git", "-c", "advice.detachedHead=false", "clone", "-q", ADE, str(dst)], check=True)
    return dst


def test_ade_revisions_upgrade_and_carry(ade_copy, db_url):
    recipe = load_recipe(RECIPE)
    api = ade_copy / "apps" / "ade-api"
    if db_url.startswith("postgresql"):
        for f in (api / "migrations" / "versions").glob("000[456]_*.py"):
            f.write_text(f.read_text().replace('recreate="always"', 'recreate="auto"'))
    p = _alembic(api, db_url, "upgrade", "0006_jobs_config_fk")
    assert p.returncode == 0, p.stderr[-3000:]
    jobs, runs_before = seed_rows()
    eng = sa.create_engine(db_url)
    md = sa.MetaData()
    md.reflect(eng)
    with eng.begin() as conn:
        _insert(conn, md.tables["users"], [{"id": "u1", "email": "a@example.com", "email_canonical": "a@example.com"}])
        _insert(conn, md.tables["workspaces"], [{"id": "w1", "name": "W", "slug": "w"}])
        _insert(conn, md.tables["configurations"], [
            {"id": "c1", "workspace_id": "w1", "config_id": "cfg1", "display_name": "one", "status": "active"},
            {"id": "c2", "workspace_id": "w1", "config_id": "cfg2", "display_name": "two"},
        ])
        _insert(conn, md.tables["documents"], [
            {"id": d["id"], "workspace_id": d["workspace_id"], "original_filename": d["name"], "byte_size": 1,
             "sha256": "0" * 64, "stored_uri": d["id"]}
            for d in DOCUMENTS
        ])
        perm = dict(resource="Workspace", scope_type="workspace", description="d")
        _insert(conn, md.tables["permissions"], [
            dict(perm, id="p_jobs_r", key="Workspace.Jobs.Read", action="Jobs.Read", label="Read jobs"),
            dict(perm, id="p_jobs_rw", key="Workspace.Jobs.ReadWrite", action="Jobs.ReadWrite", label="Run jobs"),
            dict(perm, id="p_runs_r", key="Workspace.Runs.Read", action="Runs.Read", label="Read runs"),
        ])
        _insert(conn, md.tables["roles"], [{"id": "r1", "slug": "custom", "name": "Custom", "scope_type": "workspace",
                                            "scope_id": "w1", "built_in": False, "editable": True}])
        _insert(conn, md.tables["role_permissions"], [
            {"id": "rp1", "role_id": "r1", "permission_id": "p_jobs_r"},
            {"id": "rp2", "role_id": "r1", "permission_id": "p_jobs_rw"},
            {"id": "rp3", "role_id": "r1", "permission_id": "p_runs_r"},
        ])
        _insert(conn, md.tables["runs"], runs_before)
        _insert(conn, md.tables["jobs"], jobs)
        _insert(conn, md.tables["run_logs"], [{"run_id": "run_a", "message": "hello"}])
    eng.dispose()

    files = plan_revisions(ade_copy, recipe)
    assert [f.path for f in files] == [
        "apps/ade-api/migrations/versions/0007_runs_extend.py",
        "apps/ade-api/migrations/versions/0008_runs_history.py",
    ]
    assert 'down_revision = "0006_jobs_config_fk"' in files[0].content
    models = api / "src" / "ade_api" / "features" / "runs" / "models.py"
    edits = model_edits(ade_copy, recipe, models.read_text())  # planned with the revisions
    assert edits
    for f in files:
        (ade_copy / f.path).write_text(f.content)
    p = _alembic(api, db_url, "upgrade", "head")
    assert p.returncode == 0, p.stderr[-3000:]
    heads = _alembic(api, db_url, "heads")
    assert heads.stdout.split() == ["0008_runs_history", "(head)"]

    eng = sa.create_engine(db_url)
    assert "jobs" not in sa.inspect(eng).get_table_names()
    runs = {r["id"]: r for r in rows(db_url, "SELECT * FROM runs")}
    merged = [j for j in jobs if j["trace_id"] in {r["id"] for r in runs_before}]
    assert len(jobs) == (len(runs) - len(runs_before)) + len(merged)
    for j in jobs:
        r = runs[j["trace_id"] if j in merged else j["id"]]
        for col in ("config_version_id", "submitted_by_user_id", "attempt", "trace_id"):
            assert r[col] == j[col]
        assert as_json(r["input_documents"]) == j["input_documents"]
    assert not rows(db_url, "SELECT id FROM runs WHERE status = 'cancelled'")
    for r in runs.values():
        assert r["retry_of_run_id"] is None or r["retry_of_run_id"] in runs
    assert runs["run_a"]["artifact_uri"] == "run_a/logs/artifact.json"  # relative to the storage root
    assert runs["J2"]["artifact_uri"] == "J2/logs/artifact.json"
    assert {k: runs[k]["input_document_id"] for k in EXPECTED_INPUT_DOCUMENT} == EXPECTED_INPUT_DOCUMENT
    keys = rows(db_url, "SELECT p.key FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id "
                        "WHERE rp.role_id = 'r1' ORDER BY p.key")
    assert [r["key"] for r in keys] == ["Workspace.Runs.Read", "Workspace.Runs.ReadWrite"]
    assert not rows(db_url, "SELECT key FROM permissions WHERE key LIKE '%Jobs%'")
    assert len(rows(db_url, "SELECT * FROM run_logs")) == 1
    with eng.connect() as conn:
        if eng.dialect.name == "sqlite":
            assert conn.execute(sa.text("PRAGMA foreign_key_check")).all() == []
        else:
            assert not conn.execute(sa.text("SELECT relname FROM pg_class WHERE relname LIKE 'jobs%'")).all()
    eng.dispose()
    # the Run model as the plan edits it (transform ade_api_run_model_columns) agrees with the
    # upgraded database: autogenerate finds no difference on runs (before the edit it finds many)
    assert _runs_model_diff(api, db_url)  # the pristine model lacks the new columns
    text = models.read_text()
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    models.write_text(text)
    assert _runs_model_diff(api, db_url) == []
    assert plan_revisions(ade_copy, recipe) == []
    assert model_edits(ade_copy, recipe, text) == []


_COMPARE = """
import importlib, pkgutil, sys, sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
import ade_api.features as features
for m in pkgutil.iter_modules(features.__path__):
    try:
        importlib.import_module(f"ade_api.features.{m.name}.models")
    except ModuleNotFoundError:
        pass
from ade_api.shared.db import metadata

def table(d):
    op = d[0]
    if op.endswith("_column") or op.startswith("modify_"):
        return d[2]
    if op.endswith("_index") or op.endswith("_constraint"):
        return d[1].table.name
    if op.endswith("_fk"):
        return d[1].parent.name
    return d[1].name if op.endswith("_table") else "?"

eng = sa.create_engine(sys.argv[1])
with eng.connect() as conn:
    diff = compare_metadata(MigrationContext.configure(conn), metadata)
for d in diff:
    d = d[0] if isinstance(d, list) else d
    if table(d) == "runs":
        print(d[0], getattr(d[-1], "name", ""))
"""


def _runs_model_diff(api: Path, url: str) -> list[str]:
    """Autogenerate's differences between ADE's Run model and the database's runs table."""
    path = [str(api / "src")] + (_psycopg_path(api.parent.parent) if url.startswith("postgresql") else [])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path), PSYCOPG_IMPL="python")
    p = subprocess.run([ADE_PY, "-c", _COMPARE, url], env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    return p.stdout.splitlines()
