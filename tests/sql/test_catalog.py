"""The catalog of released SQL migrations (runsmig.sql.catalog) and the renames planned from it
(runsmig.migration.renames, .postgres, .sqlfolder): no database needed."""

from __future__ import annotations

import pytest

from runsmig.migration import postgres
from runsmig.migration.renames import plan_renames
from runsmig.migration.sqlfolder import next_names, steps
from runsmig.sql.catalog import object_name, replay
from runsmig.terms import TermEngine

ENGINE = None


def rewrite(text: str) -> str:
    global ENGINE
    if ENGINE is None:
        from runsmig.recipe.model import Term

        ENGINE = TermEngine((Term("job", "jobs", "run", "runs"),))
    return ENGINE.rewrite(text)


def kinds(sql: str) -> set[tuple[str, str, str | None]]:
    return {(o.kind, o.name, o.table) for o in replay([("m.sql", sql)]).objects}


def test_unnamed_objects_get_postgres_names():
    got = kinds("""
        CREATE TABLE jobs (id SERIAL PRIMARY KEY, name TEXT UNIQUE, n INT CHECK (n > 0));
        CREATE TABLE steps (id BIGINT GENERATED ALWAYS AS IDENTITY, job_id INT REFERENCES jobs(id),
                            pos INT, UNIQUE (job_id, pos), FOREIGN KEY (pos) REFERENCES jobs (id));
        CREATE INDEX ON steps (job_id);
    """)
    assert {("constraint", n, t) for n, t in [
        ("jobs_pkey", "jobs"), ("jobs_name_key", "jobs"), ("jobs_n_check", "jobs"), ("steps_job_id_fkey", "steps"),
        ("steps_job_id_pos_key", "steps"), ("steps_pos_fkey", "steps")]} <= got
    assert ("sequence", "jobs_id_seq", "jobs") in got and ("sequence", "steps_id_seq", "steps") in got
    assert ("index", "steps_job_id_idx", "steps") in got


def test_long_names_are_truncated_as_postgres_does():
    name = object_name("a" * 40, "b" * 40, "fkey")
    assert len(name) == 63 and name.endswith("_fkey") and name.startswith("a" * 29 + "_" + "b" * 28)


def test_history_renames_drops_and_alters_are_followed():
    got = kinds("""
        CREATE TABLE jobs (id INT PRIMARY KEY, job_kind TEXT, gone TEXT);
        ALTER TABLE jobs RENAME job_kind TO kind;
        ALTER TABLE jobs DROP COLUMN gone;
        ALTER TABLE jobs RENAME CONSTRAINT jobs_pkey TO pk_jobs;
        CREATE TYPE s AS ENUM ('a');
        ALTER TYPE s ADD VALUE 'job_done';
        ALTER TYPE s RENAME TO job_state;
        CREATE TABLE old_jobs (id INT);
        DROP TABLE old_jobs;
        CREATE FUNCTION f_job(a INT DEFAULT 1) RETURNS INT LANGUAGE sql AS 'SELECT 1';
        DROP FUNCTION IF EXISTS f_job(a INT);
    """)
    assert ("column", "kind", "jobs") in got and ("column", "job_kind", "jobs") not in got
    assert ("column", "gone", "jobs") not in got
    assert ("constraint", "pk_jobs", "jobs") in got
    assert ("enum value", "job_done", "job_state") in got and ("type", "job_state", None) in got
    assert not any(n == "old_jobs" or n == "f_job" for _, n, _ in got)


def test_renames_and_their_reverse():
    cat = replay([("m.sql", """
        CREATE TYPE job_state AS ENUM ('queued', 'waiting_for_job');
        CREATE TABLE jobs (id SERIAL PRIMARY KEY, state job_state);
        CREATE FUNCTION count_jobs() RETURNS BIGINT LANGUAGE sql AS $$ SELECT count(*) FROM jobs $$;
        CREATE VIEW recent AS SELECT id AS job_id FROM jobs;
        CREATE VIEW recent2 AS SELECT * FROM recent;
    """)])
    m = plan_renames(cat, rewrite)
    assert [(r.kind, r.old, r.new) for r in m.renames] == [
        ("table", "jobs", "runs"), ("constraint", "jobs_pkey", "runs_pkey"), ("sequence", "jobs_id_seq", "runs_id_seq"),
        ("type", "job_state", "run_state"), ("enum value", "waiting_for_job", "waiting_for_run")]
    # the view whose text changes is recreated, and the view reading it with it
    assert [(r.kind, r.old.name, r.new_name) for r in m.recreates] == [
        ("function", "count_jobs", "count_runs"), ("view", "recent", "recent"), ("view", "recent2", "recent2")]
    up, down = postgres.statements(m), postgres.statements(m, back=True)
    assert up[:3] == ["DROP VIEW recent2;", "DROP VIEW recent;", "DROP FUNCTION count_jobs();"]
    assert "ALTER TYPE run_state RENAME VALUE 'waiting_for_job' TO 'waiting_for_run';" in up
    assert up[-2:] == ["CREATE VIEW recent AS SELECT id AS run_id FROM runs;", "CREATE VIEW recent2 AS SELECT * FROM recent;"]
    assert down[:3] == ["DROP VIEW recent2;", "DROP VIEW recent;", "DROP FUNCTION count_runs();"]
    assert "ALTER TABLE runs RENAME TO jobs;" in down
    assert down.index("ALTER TABLE runs RENAME CONSTRAINT runs_pkey TO jobs_pkey;") < down.index("ALTER TABLE runs RENAME TO jobs;")


def test_a_rename_onto_an_existing_name_is_a_note_not_a_statement():
    m = plan_renames(replay([("m.sql", "CREATE TABLE jobs (id INT); CREATE TABLE runs (id INT);")]), rewrite)
    assert not m.renames and "already" in m.notes[0]


def test_unread_statements_are_noted():
    m = plan_renames(replay([("m.sql", "CREATE TABLE jobs (id INT); CREATE RULE r AS ON INSERT TO jobs DO NOTHING;")]),
                     rewrite)
    assert any("not read" in n for n in m.notes)


@pytest.mark.parametrize("kind, files, expected", [
    ("sql-numbered", ["m/001_a.sql", "m/002_b.sql", "m/010_c.sql"], ["m/011_runsmig_stored_names.sql"]),
    ("sql-numbered", ["m/9-a.sql"], ["m/10-runsmig_stored_names.sql"]),
    ("dbmate", ["db/migrations/20241231235959_a.sql"], ["db/migrations/20250101000000_runsmig_stored_names.sql"]),
    ("flyway", ["sql/V1__a.sql", "sql/V1_2__b.sql", "sql/U1_2__b.sql"], ["sql/V1_3__runsmig_stored_names.sql"]),
    # bare numbers (a runner that reads only /^[0-9]{6}\.sql$/): the next is bare too
    ("sql-numbered", ["sql/000001.sql", "sql/000002.sql", "sql/000019.sql"], ["sql/000020.sql"]),
    ("golang-migrate", ["m/000001_a.up.sql", "m/000001_a.down.sql"],
     ["m/000002_runsmig_stored_names.up.sql", "m/000002_runsmig_stored_names.down.sql"]),
])
def test_next_file_follows_the_folders_scheme(kind, files, expected):
    ordered = [s for s in steps(files, kind) if s.up]
    folder = files[0].rsplit("/", 1)[0]
    assert next_names(folder, kind, ordered) == expected


def test_function_and_trigger_renames_are_followed_with_their_statements():
    cat = replay([("m.sql", """CREATE TABLE jobs (id INT, job_id INT);
CREATE FUNCTION unlink() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE jobs SET job_id = NULL; RETURN OLD; END; $$;
CREATE TRIGGER delete_jobs BEFORE DELETE ON jobs FOR EACH ROW EXECUTE PROCEDURE unlink();
ALTER FUNCTION unlink RENAME TO unlink_v1;
ALTER TRIGGER delete_jobs ON jobs RENAME TO delete_jobs_v1;
""")])
    assert not cat.unread
    fn, trig = cat.find("function", "unlink_v1"), cat.find("trigger", "delete_jobs_v1", "jobs")
    assert cat.find("function", "unlink") is None and cat.find("trigger", "delete_jobs") is None
    assert fn.sql.startswith("CREATE FUNCTION unlink_v1()")
    assert trig.sql.startswith("CREATE TRIGGER delete_jobs_v1 ") and trig.sql.endswith("EXECUTE PROCEDURE unlink_v1()")
    m = plan_renames(cat, rewrite)
    up = "\n".join(postgres.statements(m))
    assert "DROP TRIGGER delete_jobs_v1 ON jobs;" in up
    assert "CREATE OR REPLACE FUNCTION unlink_v1()" in up and "SET run_id = NULL" in up
    assert "CREATE TRIGGER delete_runs_v1" in up and "EXECUTE PROCEDURE unlink_v1()" in up


PSQL_HISTORY = [
    ("0001.sql", "create table :APP_SCHEMA.jobs (id bigserial primary key, job_queue_id int, key text unique);\n"
                 "alter table :APP_SCHEMA.jobs enable row level security;\n"
                 "create type :APP_SCHEMA.job_spec as (identifier text, job_key text);\n"),
    ("0002.sql", "alter table :APP_SCHEMA.jobs rename to jobs_legacy;\n"
                 "create table :APP_SCHEMA.jobs (id bigint primary key generated always as identity,"
                 " key text unique);\n"
                 "drop table :APP_SCHEMA.jobs_legacy;\n"
                 "alter table :APP_SCHEMA.jobs rename to _private_jobs;\n"),
]


def test_psql_variables_and_schema_qualifiers_as_written():
    """A history written for psql (:APP_SCHEMA.jobs): names read through the variable, every object
    keeps the schema as written, and statements that name nothing are not 'unread'."""
    cat = replay(PSQL_HISTORY)
    assert not cat.unread
    table = cat.find("table", "_private_jobs")
    assert table is not None and table.schema == ":APP_SCHEMA"
    assert cat.find("attribute", "job_key", "job_spec") is not None


def test_taken_names_get_postgres_numbered_names():
    """A new table beside a renamed one whose constraints and sequence hold the names: PostgreSQL
    names the new ones jobs_pkey1, jobs_key_key1, jobs_id_seq1 (ChooseRelationName)."""
    cat = replay(PSQL_HISTORY)
    names = {(o.kind, o.name) for o in cat.objects if o.table == "_private_jobs"}
    assert {("constraint", "jobs_pkey1"), ("constraint", "jobs_key_key1"), ("sequence", "jobs_id_seq1")} <= names


def test_renames_name_the_schema_as_the_history_does():
    from runsmig.migration import postgres

    m = plan_renames(replay(PSQL_HISTORY), rewrite)
    sql = "\n".join(postgres.statements(m))
    assert "ALTER TABLE :APP_SCHEMA._private_jobs RENAME TO _private_runs;" in sql
    assert "ALTER TABLE :APP_SCHEMA._private_runs RENAME CONSTRAINT jobs_pkey1 TO runs_pkey1;" in sql
    assert "ALTER SEQUENCE :APP_SCHEMA.jobs_id_seq1 RENAME TO runs_id_seq1;" in sql
    assert "ALTER TYPE :APP_SCHEMA.job_spec RENAME TO run_spec;" in sql
    assert "ALTER TYPE :APP_SCHEMA.run_spec RENAME ATTRIBUTE job_key TO run_key;" in sql
    back = "\n".join(postgres.statements(m, back=True))
    assert "ALTER TABLE :APP_SCHEMA._private_runs RENAME TO _private_jobs;" in back


def test_parameters_of_recreated_functions_are_listed():
    cat = replay([("1.sql", "create table jobs (id int);\n"
                            "create function remove_job(job_key text, force boolean) returns void as $$ begin "
                            "delete from jobs where id = job_key::int; end; $$ language plpgsql;")])
    m = plan_renames(cat, rewrite)
    assert ("parameter", "job_key", "run_key", "function remove_job") in m.carried
    assert not any(c[1] == "force" for c in m.carried)


def test_a_generated_module_holding_the_history_gets_a_note(tmp_path):
    """A build step compiles the migrations into a module (skipped: a tool's output); the plan
    says to run its generator, as the new file is not in it yet; and a constant naming the last
    migration's number (a test's MAX_MIGRATION_NUMBER) is noted, not a retry count of 3."""
    from runsmig.plan import build_plan
    from runsmig.recipe import load_recipe

    files = {"sql/000001.sql": "create table jobs (id int);\n", "sql/000002.sql": "create index on jobs (id);\n",
             "sql/000003.sql": "alter table jobs add column n int;\n",
             "src/generated/sql.ts": "/* This file is auto-generated; DO NOT EDIT */\nexport const migrations = {\n"
                                     '  "000003.sql": `alter table jobs add column n int;`,\n};\n',
             "test/migrate.test.ts": "const MAX_MIGRATION_NUMBER = 3;\nconst jobs = 1;\nconst retries = 3;\n"}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    recipe_file = tmp_path.parent / "recipe.yaml"
    recipe_file.write_text("version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
                           "stored: migrate\n")
    plan = build_plan(tmp_path, load_recipe(recipe_file), workers=1)
    assert any(c.path == "sql/000004.sql" for c in plan.changes)
    assert any(n.startswith("src/generated/sql.ts: generated") and "000004.sql" in n for n in plan.notes)
    pinned = [n for n in plan.notes if n.startswith("test/migrate.test.ts:")]
    assert pinned == ["test/migrate.test.ts:1: MAX_MIGRATION_NUMBER = 3 names the last migration of sql/; "
                      "000004.sql makes it 4"]


def test_function_and_trigger_renames_read_through_psql_schema_variables():
    """ALTER FUNCTION/TRIGGER ... RENAME TO on a psql-variable history (:S.unlink): followed, the
    recreated statements keep the schema as written."""
    cat = replay([("0001.sql", """create table :S.jobs (id int, job_id int);
create function :S.unlink() returns trigger language plpgsql as $$ begin update :S.jobs set job_id = null; return old; end; $$;
create trigger delete_jobs before delete on :S.jobs for each row execute procedure :S.unlink();
alter function :S.unlink rename to unlink_v1;
alter trigger delete_jobs on :S.jobs rename to delete_jobs_v1;
""")])
    assert not cat.unread
    fn, trig = cat.find("function", "unlink_v1"), cat.find("trigger", "delete_jobs_v1", "jobs")
    assert fn.schema == ":S" and fn.sql.startswith("create function :S.unlink_v1()")
    assert trig.sql.endswith("execute procedure :S.unlink_v1()")


@pytest.mark.parametrize("rels, expected", [
    (["sql/000001.sql", "sql/000002.sql"], ["sql/000003.sql"]),
    (["m/01.00.00_01_a.sql", "m/01.01.00_01_b.sql"], ["m/01.02.00_01_runsmig_stored_names.sql"]),
])
def test_bare_numbers_and_release_versions_side_by_side(rels, expected):
    folder = rels[0].rsplit("/", 1)[0]
    assert next_names(folder, "sql-numbered", steps(rels, "sql-numbered")) == expected
