"""End to end on SQLite and PostgreSQL: seed the pre-migration head, generate the revisions,
``alembic upgrade head`` through the project's own env.py, check every job survived as a run."""

from __future__ import annotations

from datetime import timezone

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from runsmig.db import plan_revisions

from .conftest import EXPECTED_INPUT_DOCUMENT, PRE_HEAD, alembic_cfg, as_json, downgrade, rows, seed, upgrade, write_files


def _utc(v):
    if v is None:
        return None
    if isinstance(v, str):
        from datetime import datetime

        v = datetime.fromisoformat(v)
    return v.replace(tzinfo=timezone.utc) if v.tzinfo is None else v.astimezone(timezone.utc)


def test_carry_jobs_into_runs(project, recipe, db_url):
    upgrade(project, db_url, PRE_HEAD)
    jobs, runs_before = seed(db_url)
    files = plan_revisions(project, recipe)
    assert [f.path for f in files] == [
        "migrations/versions/0005_runs_extend.py",
        "migrations/versions/0006_runs_history.py",
    ]
    write_files(project, files)
    upgrade(project, db_url)

    eng = sa.create_engine(db_url)
    insp = sa.inspect(eng)
    tables = set(insp.get_table_names())
    assert "jobs" not in tables and "runsmig_carry_map" not in tables
    assert {"runs", "run_logs"} <= tables
    runs = {r["id"]: r for r in rows(db_url, "SELECT * FROM runs")}
    by_id = {r["id"]: r for r in runs_before}

    # count(jobs) == runs gained + merged
    merged = [j for j in jobs if j["trace_id"] in by_id]
    gained = len(runs) - len(runs_before)
    assert len(jobs) == gained + len(merged)
    assert (gained, len(merged)) == (5, 3)

    for j in jobs:
        run_id = j["trace_id"] if j["trace_id"] in by_id else j["id"]
        r = runs[run_id]
        before = by_id.get(run_id)
        # job-only columns: carried as they were
        for col in ("config_version_id", "submitted_by_user_id", "attempt", "trace_id"):
            assert r[col] == j[col], (j["id"], col)
        assert as_json(r["input_documents"]) == j["input_documents"], j["id"]
        assert _utc(r["canceled_at"]) == _utc(j["cancelled_at"]), j["id"]
        # columns runs already had: the run's value wins, the job fills NULLs
        for jcol, rcol in (("workspace_id", "workspace_id"), ("config_id", "config_id"),
                           ("error_message", "error_message"), ("started_at", "started_at"),
                           ("completed_at", "finished_at")):
            want = before[rcol] if before is not None and before[rcol] is not None else j[jcol]
            got = r[rcol]
            if rcol.endswith("_at"):
                want, got = _utc(want), _utc(got)
            assert got == want, (j["id"], rcol)
        want_status = before["status"] if before else {"cancelled": "canceled"}.get(j["status"], j["status"])
        assert r["status"] == want_status, j["id"]
        if before is None:
            assert r["configuration_id"] == {"cfg1": "c1", "cfg2": "c2"}[j["config_id"]]

    # statuses, retry links, stored paths
    assert not rows(db_url, "SELECT id FROM runs WHERE status = 'cancelled'")
    assert runs["run_c"]["retry_of_run_id"] == "J3"  # J4 retried J3, which had no run
    assert runs["J5"]["retry_of_run_id"] == "run_a"  # J5 retried J1, whose run is run_a
    assert runs["J8"]["retry_of_run_id"] is None  # J_GONE never existed
    for r in runs.values():
        if r["retry_of_run_id"] is not None:
            assert r["retry_of_run_id"] in runs
    assert runs["run_a"]["artifact_uri"] == "runs/run_a/logs/artifact.json"
    assert runs["run_a"]["logs_uri"] == "runs/run_a/logs/events.ndjson"
    assert runs["run_a"]["output_uri"] == "runs/run_a/output"
    assert runs["J2"]["artifact_uri"] == "runs/J2/logs/artifact.json"
    assert runs["J2"]["output_uri"] == "runs/J2/output"
    assert runs["J2"]["logs_uri"] == "/abs/elsewhere/events.ndjson"  # not in a jobs layout: untouched
    assert runs["J6"]["submitted_by_user_id"] is None and runs["J6"]["artifact_uri"] is None
    # input_document_id: the job's only input document, where the run had none and it still exists
    assert {k: runs[k]["input_document_id"] for k in EXPECTED_INPUT_DOCUMENT} == EXPECTED_INPUT_DOCUMENT
    # a run without a job keeps its values and gets the defaults of the new columns
    assert runs["run_b"]["summary"] == "no job" and runs["run_b"]["attempt"] == 1
    assert runs["run_b"]["retry_of_run_id"] is None and runs["run_b"]["input_documents"] is None
    # run_logs survived the rebuild of runs
    assert len(rows(db_url, "SELECT * FROM run_logs")) == 2

    # schema: jobs indexes and enum gone, runs indexes and foreign keys there
    run_indexes = {i["name"] for i in insp.get_indexes("runs")}
    assert {"runs_retry_of_idx", "runs_config_version_idx"} <= run_indexes
    fk_names = {fk["name"] for fk in insp.get_foreign_keys("runs")}
    assert {"runs_submitted_by_user_id_fkey", "runs_config_version_id_fkey"} <= fk_names
    with eng.connect() as conn:
        if eng.dialect.name == "postgresql":
            assert not conn.execute(sa.text("SELECT relname FROM pg_class WHERE relname LIKE 'jobs%'")).all()
            assert not conn.execute(sa.text("SELECT typname FROM pg_type WHERE typname = 'jobstatus'")).all()
        else:
            assert not conn.execute(sa.text("SELECT name FROM sqlite_master WHERE name LIKE 'jobs%'")).all()
            assert conn.execute(sa.text("PRAGMA foreign_key_check")).all() == []
            assert conn.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0006_runs_history"
    eng.dispose()

    script = ScriptDirectory.from_config(alembic_cfg(project, db_url))
    assert script.get_heads() == ["0006_runs_history"]
    assert plan_revisions(project, recipe) == []  # idempotent: nothing new to generate


def test_downgrade_of_the_carry_fails_clearly_and_changes_nothing(project, recipe, db_url):
    upgrade(project, db_url, PRE_HEAD)
    seed(db_url)
    write_files(project, plan_revisions(project, recipe))
    upgrade(project, db_url)
    before = rows(db_url, "SELECT * FROM runs ORDER BY id")
    with pytest.raises(RuntimeError, match="cannot be downgraded.*Restore the database from the backup"):
        downgrade(project, db_url, "-1")
    assert rows(db_url, "SELECT version_num FROM alembic_version") == [{"version_num": "0006_runs_history"}]
    assert rows(db_url, "SELECT * FROM runs ORDER BY id") == before


def test_downgrade_of_the_extension_restores_runs(project, recipe, db_url):
    upgrade(project, db_url, PRE_HEAD)
    seed(db_url)
    write_files(project, plan_revisions(project, recipe))
    eng = sa.create_engine(db_url)
    cols_before = [c["name"] for c in sa.inspect(eng).get_columns("runs")]
    eng.dispose()
    runs_before = rows(db_url, "SELECT * FROM runs ORDER BY id")
    upgrade(project, db_url, "0005_runs_extend")
    downgrade(project, db_url, PRE_HEAD)
    eng = sa.create_engine(db_url)
    assert [c["name"] for c in sa.inspect(eng).get_columns("runs")] == cols_before
    eng.dispose()
    assert rows(db_url, "SELECT * FROM runs ORDER BY id") == runs_before
    assert len(rows(db_url, "SELECT * FROM jobs")) == 8
    assert len(rows(db_url, "SELECT * FROM run_logs")) == 2


def test_discard_drops_jobs_without_carrying(project, recipe, db_url):
    upgrade(project, db_url, PRE_HEAD)
    _, runs_before = seed(db_url)
    files = plan_revisions(project, recipe, jobs_history="discard")
    assert "discarded" in files[1].content
    write_files(project, files)
    upgrade(project, db_url)
    eng = sa.create_engine(db_url)
    assert "jobs" not in sa.inspect(eng).get_table_names()
    if eng.dialect.name == "postgresql":
        with eng.connect() as conn:
            assert not conn.execute(sa.text("SELECT typname FROM pg_type WHERE typname = 'jobstatus'")).all()
    eng.dispose()
    assert sorted(r["id"] for r in rows(db_url, "SELECT id FROM runs")) == sorted(r["id"] for r in runs_before)


def test_precondition_failure_stops_before_writing(project, recipe, db_url):
    """A job with no run whose configuration cannot be found: the revision refuses, nothing is lost."""
    upgrade(project, db_url, PRE_HEAD)
    seed(db_url)
    eng = sa.create_engine(db_url)
    with eng.begin() as conn:  # jobs.config_id has a FK; drop the configuration's referencing rows' guard
        conn.execute(sa.text("INSERT INTO configurations (id, workspace_id, config_id, display_name) "
                             "VALUES ('c9', 'w1', 'cfg9', 'nine')"))
        conn.execute(sa.text("UPDATE jobs SET config_id = 'cfg9' WHERE id = 'J6'"))
        conn.execute(sa.text("UPDATE configurations SET config_id = 'cfg9x' WHERE id = 'c9'")
                     if eng.dialect.name == "sqlite" else sa.text("SELECT 1"))
    eng.dispose()
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL enforces jobs.config_id -> configurations.config_id: such a row cannot exist there")
    write_files(project, plan_revisions(project, recipe))
    with pytest.raises(RuntimeError, match=r"1 jobs rows have no run and no configurations row"):
        upgrade(project, db_url)
    assert len(rows(db_url, "SELECT * FROM jobs")) == 8
    assert rows(db_url, "SELECT version_num FROM alembic_version") == [{"version_num": "0005_runs_extend"}]
    assert "runsmig_carry_map" not in rows(db_url, "SELECT name FROM sqlite_master")


def test_sqlite_refuses_batch_rebuild_with_foreign_keys_on(project, recipe, tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'fk.db'}"
    upgrade(project, url, PRE_HEAD)
    seed(url)
    write_files(project, plan_revisions(project, recipe))
    eng = sa.create_engine(url)
    with eng.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        cfg = alembic_cfg(project, url)
        cfg.attributes["connection"] = conn
        with pytest.raises(RuntimeError, match="SQLite enforces foreign keys"):
            command.upgrade(cfg, "head")
    eng.dispose()
    assert len(rows(url, "SELECT * FROM run_logs")) == 2


def test_literal_colons_and_quotes_in_recipe_values_survive_op_execute(project, tmp_path, db_url):
    """op.execute("...") turns the SQL into text(): a literal ':' must be escaped, a quote doubled."""
    from runsmig.recipe import load_recipe

    from .conftest import write_recipe

    path = write_recipe(tmp_path)
    text = path.read_text().replace('to: "runs/{run_id}/"', "to: \"store:runs/{run_id}/it's:\"")
    text = text.replace("status: {cancelled: canceled}", "status: {cancelled: 'x:cancelled'}")
    path.write_text(text)
    rec = load_recipe(path)
    upgrade(project, db_url, PRE_HEAD)
    seed(db_url)
    files = plan_revisions(project, rec)
    assert "\\:" in files[1].content
    write_files(project, files)
    upgrade(project, db_url)
    runs = {r["id"]: r for r in rows(db_url, "SELECT * FROM runs")}
    assert runs["J2"]["artifact_uri"] == "store:runs/J2/it's:logs/artifact.json"
    assert runs["J3"]["status"] == "x:cancelled"


def test_two_jobs_naming_one_run_merge_into_it_greatest_id_wins(project, recipe, db_url):
    from .conftest import JOB_DEFAULTS

    upgrade(project, db_url, PRE_HEAD)
    jobs, runs_before = seed(db_url)
    eng = sa.create_engine(db_url)
    md = sa.MetaData()
    md.reflect(eng)
    with eng.begin() as conn:
        conn.execute(md.tables["jobs"].insert(), [dict(JOB_DEFAULTS, id="J9", trace_id="run_a", attempt=5)])
    eng.dispose()
    write_files(project, plan_revisions(project, recipe))
    upgrade(project, db_url)
    runs = {r["id"]: r for r in rows(db_url, "SELECT * FROM runs")}
    gained = len(runs) - len(runs_before)
    assert len(jobs) + 1 == gained + 4  # J1, J4, J7, J9 merged
    assert runs["run_a"]["attempt"] == 5 and "J9" not in runs


def test_new_run_id_collision_is_refused_before_writing(project, recipe, db_url):
    """A job without a run whose id an unrelated run already has: refused on both databases."""
    from .conftest import RUN_DEFAULTS

    upgrade(project, db_url, PRE_HEAD)
    seed(db_url)
    eng = sa.create_engine(db_url)
    md = sa.MetaData()
    md.reflect(eng)
    with eng.begin() as conn:
        conn.execute(md.tables["runs"].insert(), [dict(RUN_DEFAULTS, id="J6")])
    eng.dispose()
    write_files(project, plan_revisions(project, recipe))
    with pytest.raises(RuntimeError, match=r"1 jobs rows would get an id \(\{id\}\) that an unrelated runs row already has"):
        upgrade(project, db_url)
    assert len(rows(db_url, "SELECT * FROM jobs")) == 8
    eng = sa.create_engine(db_url)
    assert "runsmig_carry_map" not in sa.inspect(eng).get_table_names()
    eng.dispose()
    # PostgreSQL rolls the whole upgrade back; SQLite keeps revision 1 (pysqlite does not wrap DDL)
    version = rows(db_url, "SELECT version_num FROM alembic_version")[0]["version_num"]
    assert version == (PRE_HEAD if db_url.startswith("postgresql") else "0005_runs_extend")
