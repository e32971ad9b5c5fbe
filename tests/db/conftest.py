"""Helpers for the database tests: a copy of fixtures/alembic-mini, a recipe with the real
database snippet, Alembic commands on it, and seed rows at the pre-migration head."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

REPO = Path(__file__).resolve().parents[2]
MINI = REPO / "fixtures" / "alembic-mini"
SNIPPET = REPO / "rules" / "jobs-to-runs" / "database.snippet.yaml"
PRE_HEAD = "0004_jobs_config_fk"
ADE_REGISTRY = "apps/ade-api/src/ade_api/features/roles/registry.py"
MINI_REGISTRY = "mini_app/permissions.py"


def write_recipe(folder: Path, extra: str = "", snippet: bool = True) -> Path:
    text = "version: 1\nname: x\nterms:\n  - {from: job, to: run}\n"
    if snippet:
        # the mini project's permission registry stands in for ADE's
        text += SNIPPET.read_text(encoding="utf-8").replace(ADE_REGISTRY, MINI_REGISTRY)
    text += extra
    path = folder / "recipe.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    dst = tmp_path / "checkout"
    shutil.copytree(MINI, dst, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(dst)  # alembic.ini: prepend_sys_path = . (env.py imports mini_app)
    monkeypatch.syspath_prepend(str(dst))
    for name in [m for m in sys.modules if m == "mini_app" or m.startswith("mini_app.")]:
        monkeypatch.delitem(sys.modules, name)
    return dst


@pytest.fixture
def recipe(tmp_path):
    from runsmig.recipe import load_recipe

    folder = tmp_path / "recipe"
    folder.mkdir()
    return load_recipe(write_recipe(folder))


def alembic_cfg(project: Path, url: str) -> Config:
    cfg = Config(str(project / "alembic.ini"))
    cfg.set_main_option("script_location", str(project / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(project: Path, url: str, rev: str = "head") -> None:
    command.upgrade(alembic_cfg(project, url), rev)


def downgrade(project: Path, url: str, rev: str) -> None:
    command.downgrade(alembic_cfg(project, url), rev)


def write_files(project: Path, files) -> None:
    for f in files:
        path = project / f.path
        assert not path.exists(), f.path
        path.write_text(f.content, encoding="utf-8")


T0 = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def ts(minutes: int) -> datetime:
    from datetime import timedelta

    return T0 + timedelta(minutes=minutes)


JOB_DEFAULTS = dict(
    workspace_id="w1", config_id="cfg1", config_version_id="cfg1", submitted_by_user_id="u1", status="succeeded",
    attempt=1, retry_of_job_id=None, input_hash=None, input_documents=[], trace_id=None, artifact_uri=None,
    output_uri=None, logs_uri=None, run_request_uri=None, queued_at=T0, last_heartbeat=None, started_at=None,
    completed_at=None, cancelled_at=None, error_message=None, created_at=T0, updated_at=T0,
)

RUN_DEFAULTS = dict(configuration_id="c1", workspace_id="w1", config_id="cfg1", status="succeeded", exit_code=0,
                    created_at=T0, started_at=None, finished_at=None, summary=None, error_message=None,
                    input_document_id=None, input_sheet_names=None)


DOCUMENTS = [{"id": "d1", "workspace_id": "w1", "name": "a.xlsx"}, {"id": "d2", "workspace_id": "w1", "name": "b.xlsx"}]

# run id -> input_document_id after the upgrade (the only document of the job's input, when the
# run has none and the document still exists)
EXPECTED_INPUT_DOCUMENT = {"run_a": "d1", "run_b": None, "run_c": "d2", "run_d": None, "J2": "d2", "J3": None,
                           "J5": None, "J6": None, "J8": None}


def seed_rows() -> tuple[list[dict], list[dict]]:
    """Jobs and runs covering: linked job, job without run, run without job, cancelled jobs,
    a retry chain, a dangling retry link, a dangling trace id, NULLs in optional columns."""
    runs = [
        dict(RUN_DEFAULTS, id="run_a", started_at=ts(1)),  # linked to J1; finished_at NULL -> job fills it
        dict(RUN_DEFAULTS, id="run_b", summary="no job"),  # run without job
        dict(RUN_DEFAULTS, id="run_c", status="queued", error_message="run's own message",
             input_document_id="d2"),  # J4
        dict(RUN_DEFAULTS, id="run_d", status="canceled", finished_at=ts(9)),  # J7 (cancelled)
    ]
    jobs = [
        dict(JOB_DEFAULTS, id="J1", trace_id="run_a", completed_at=ts(5), started_at=ts(2),
             input_documents=[{"document_id": "d1", "name": "a.xlsx"}],
             artifact_uri="run_a/logs/artifact.json", logs_uri="run_a/logs/events.ndjson", output_uri="run_a/output"),
        dict(JOB_DEFAULTS, id="J2", config_id="cfg2", config_version_id="cfg2", status="failed",
             error_message="boom: bad sheet", artifact_uri="jobs/J2/logs/artifact.json", output_uri="J2/output",
             logs_uri="/abs/elsewhere/events.ndjson", input_documents=[{"document_id": "d2"}]),
        dict(JOB_DEFAULTS, id="J3", status="cancelled", cancelled_at=ts(3), trace_id="run_gone"),
        dict(JOB_DEFAULTS, id="J4", trace_id="run_c", retry_of_job_id="J3", attempt=2, error_message="job message",
             input_documents=[{"document_id": "d1"}]),  # the run already names d2: kept
        dict(JOB_DEFAULTS, id="J5", retry_of_job_id="J1", attempt=2, status="running",
             input_documents=[{"document_id": "d_gone"}]),  # document deleted since: stays NULL
        dict(JOB_DEFAULTS, id="J6", submitted_by_user_id=None, status="queued", input_documents=[]),  # NULLs
        dict(JOB_DEFAULTS, id="J7", trace_id="run_d", status="cancelled", cancelled_at=ts(8)),
        dict(JOB_DEFAULTS, id="J8", retry_of_job_id="J_GONE", attempt=3, status="failed",
             input_documents=[{"document_id": "d1"}, {"document_id": "d2"}]),  # two documents: stays NULL
    ]
    return jobs, runs


def seed(url: str) -> tuple[list[dict], list[dict]]:
    jobs, runs = seed_rows()
    eng = sa.create_engine(url)
    md = sa.MetaData()
    md.reflect(eng)
    with eng.begin() as conn:
        conn.execute(md.tables["users"].insert(), [{"id": "u1", "email": "a@example.com"}])
        conn.execute(md.tables["workspaces"].insert(), [{"id": "w1", "name": "W"}])
        conn.execute(md.tables["documents"].insert(), [dict(DOCUMENTS[0]), dict(DOCUMENTS[1])])
        conn.execute(
            md.tables["configurations"].insert(),
            [
                {"id": "c1", "workspace_id": "w1", "config_id": "cfg1", "display_name": "one", "status": "active"},
                {"id": "c2", "workspace_id": "w1", "config_id": "cfg2", "display_name": "two", "status": "draft"},
            ],
        )
        conn.execute(md.tables["runs"].insert(), runs)
        conn.execute(md.tables["jobs"].insert(), jobs)
        conn.execute(
            md.tables["run_logs"].insert(),
            [{"run_id": "run_a", "message": "line 1"}, {"run_id": "run_b", "message": "line 2"}],
        )
    eng.dispose()
    return jobs, runs


def rows(url: str, sql: str) -> list[dict]:
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.text(sql))]
    finally:
        eng.dispose()


def as_json(v):
    return json.loads(v) if isinstance(v, str) else v
