"""Schema dumps (runsmig.sql.dump): known by what pg_dump/mysqldump write, never edited as text;
kept with the database's names under stored: keep, follow-ups naming their command under migrate."""

from __future__ import annotations

from runsmig.runner import run
from runsmig.sql.dump import dump_tool, generator
from tests.helpers import committed_checkout

TERMS = "version: 1\nname: dump\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
DUMP = ("SELECT pg_catalog.set_config('search_path', '', false);\n"
        "CREATE TABLE app.jobs (\n    id bigint NOT NULL\n);\n"
        "CREATE FUNCTION app.add_job() RETURNS void\n    LANGUAGE sql\n    AS $$\n"
        "  -- one job\n  insert into app.jobs default values;\n$$;\n")
SCHEMA = "CREATE TABLE app.jobs (id bigint NOT NULL);\n"
FILES = {"db/dump.sql": DUMP, "db/schema.sql": SCHEMA,
         "tools/dump.sh": "pg_dump --schema-only app | sed -e '/^--/d' > db/dump.sql\n",
         "package.json": '{"name": "x", "private": true, "scripts": {"db:dump": "sh tools/dump.sh"}}\n'}


def test_dumps_are_known_by_their_tools_marks():
    assert dump_tool(DUMP.encode()) == "pg_dump"
    assert dump_tool(b"--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n") == "pg_dump"
    assert dump_tool(b"-- MySQL dump 10.13  Distrib 8.0.36\n") == "mysqldump"
    assert dump_tool(SCHEMA.encode()) is None
    assert dump_tool(b"-- how to pg_dump this database\nCREATE TABLE t (id int);\n") is None


def test_the_command_that_writes_it_is_named(tmp_path):
    root, _ = committed_checkout(tmp_path, FILES, TERMS)
    files = frozenset(FILES)
    assert generator(root, "db/dump.sql", files, "pg_dump") == "package.json script 'db:dump', which runs tools/dump.sh"
    assert generator(root, "db/other.sql", files, "pg_dump") is None  # the script does not name it
    assert generator(root, "db/dump.sql", files, "mysqldump") is None


def test_under_keep_the_dump_is_untouched_and_its_words_kept(tmp_path):
    root, recipe = committed_checkout(tmp_path, FILES, TERMS + "stored: keep\n")
    o = next(o for o in run(root, recipe, workers=1).outcomes if o.rel == "db/dump.sql")
    assert o.new == o.old and not o.applied and not o.reported
    comment = [f for f in o.allowed if f.line == 8]
    assert comment and all(f.allowed_by == "stored" for f in comment)  # the SQL it holds is the database's


def test_under_migrate_its_words_are_follow_ups_naming_the_command(tmp_path):
    root, recipe = committed_checkout(tmp_path, FILES, TERMS + "stored: migrate\n")
    result = run(root, recipe, workers=1)
    o = next(o for o in result.outcomes if o.rel == "db/dump.sql")
    assert o.new == o.old and not o.applied
    assert {f.line for f in o.reported} == {2, 5, 8, 9} and all(f.rule == "follow-up" for f in o.reported)
    assert all("dump the schema again" in f.message and "'db:dump', which runs tools/dump.sh" in f.message
               for f in o.reported)
    schema = next(o for o in result.outcomes if o.rel == "db/schema.sql")
    assert b"app.runs" in schema.new  # an ordinary schema file is still rewritten
