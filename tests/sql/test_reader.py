"""runsmig.sql: stored names in SQL text, their kinds and exact offsets."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runsmig.sql import looks_like_sql, mask, read


def wanted(name: str) -> bool:
    return re.search(r"(?i)job", name) is not None


def names(text: str, **kw) -> list[tuple[str, str, bool]]:
    r = read(text, wanted=wanted, **kw)
    assert r is not None
    for n in r.names:  # every offset points at the name itself
        assert text[n.start:n.end] == n.name
    return [(n.kind, n.name, n.parsed) for n in r.names]


def test_schema_objects_and_kinds():
    sql = ("CREATE TABLE jobs (id int PRIMARY KEY, job_name text, CONSTRAINT jobs_uq UNIQUE (job_name),"
           " queue_id int REFERENCES job_queues (id));\n"
           "CREATE INDEX ix_jobs_state ON jobs (state);\nCREATE SEQUENCE job_seq;\n"
           "CREATE VIEW job_view AS SELECT id AS job_key FROM jobs;\nCREATE SCHEMA jobs_archive;\n"
           "CREATE TYPE job_state AS ENUM ('waiting', 'job_done');\n"
           "CREATE TRIGGER job_added AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION notify_job();\n"
           "CREATE FUNCTION add_job(job_title text) RETURNS int AS 'SELECT 1' LANGUAGE sql;")
    got = {(k, n) for k, n, _ in names(sql, known=True)}
    assert {("table", "jobs"), ("column", "job_name"), ("constraint", "jobs_uq"), ("table", "job_queues"),
            ("index", "ix_jobs_state"), ("sequence", "job_seq"), ("view", "job_view"), ("column", "job_key"),
            ("schema", "jobs_archive"), ("type", "job_state"), ("enum value", "job_done"),
            ("trigger", "job_added"), ("function", "notify_job"), ("function", "add_job"),
            ("parameter", "job_title")} <= got


def test_aliases_and_ctes_are_not_stored():
    got = names("WITH recent_jobs AS (SELECT * FROM jobs) SELECT job.id FROM recent_jobs AS job")
    assert got == [("table", "jobs", True)]


def test_channels_and_values():
    got = names("NOTIFY job_events, 'job_added'", known=True)
    assert got == [("channel", "job_events", True), ("value", "job_added", True)]
    got = names("SELECT pg_notify('job_events', json_build_object('job_id', 1)::text)")
    assert got == [("channel", "job_events", True), ("value", "job_id", True)]
    assert names("LISTEN job_events") == [("channel", "job_events", True)]


def test_a_quoted_channel_may_hold_any_character():
    assert names('LISTEN "jobs:insert"; LISTEN "worker:migrate";') == [("channel", "jobs:insert", True)]
    assert names('UNLISTEN "jobs:insert"') == [("channel", "jobs:insert", True)]
    assert read("LISTEN jobs:insert") is None  # unquoted, it is not a name: not read as SQL


@pytest.mark.parametrize("text, bind", [
    ("SELECT * FROM jobs WHERE job_name = %(job_name)s AND id = %s", "job_name"),
    ("SELECT * FROM jobs WHERE job_name = :job_name AND t = x::text", "job_name"),
])
def test_placeholders_masked_with_offsets_kept(text, bind):
    r = read(text, wanted=wanted)
    assert [b.name for b in r.binds] == [bind]
    assert [(n.kind, n.name) for n in r.names] == [("table", "jobs"), ("column", "job_name")]
    assert all(text[n.start:n.end] == n.name for n in r.names)


def test_template_holes_keep_offsets():
    text = "SELECT id FROM ${table} JOIN jobs ON jobs.id = ${job.id} WHERE s = $1"
    holes = tuple((m.start(), m.end(), False) for m in re.finditer(r"\$\{[^}]*\}", text))
    got = [(n.kind, n.name, text[n.start:n.end]) for n in read(text, holes, wanted=wanted).names]
    assert got == [("table", "jobs", "jobs"), ("table", "jobs", "jobs")]  # nothing from inside the holes


def test_quotes_left_out_of_spans():
    text = 'SELECT "Job_Name" FROM "Jobs"'
    got = [text[n.start:n.end] for n in read(text, wanted=wanted).names]
    assert got == ["Job_Name", "Jobs"]


def test_unparsed_sql_is_kept_whole():
    body = ("CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN PERFORM pg_notify('job_events', NEW.job_id::text); "
            "RETURN NEW; END $$ LANGUAGE plpgsql; ALTER TYPE job_state ADD VALUE 'job_lost';")
    got = names(body, known=True)
    assert ("name", "job_state", False) in got and ("value", "job_lost", False) in got
    assert any(n == "job_id" and not parsed for _, n, parsed in got)


def test_a_dollar_quoted_body_is_kept_whole():
    """plpgsql variables span the body's statements and its text is what the database stores:
    every word of it that holds the term is kept, comments included; its channel keeps its kind."""
    body = ("create function remove_job(job_key text) returns jobs as $$\ndeclare\n  v_job jobs;\nbegin\n"
            "  -- Delete job if not locked\n  delete from jobs as jobs where jobs.key = job_key returning * into v_job;\n"
            "  perform pg_notify('jobs:insert', '');\n  return v_job;\nend;\n$$ language plpgsql;")
    got = names(body, known=True)
    body_words = [(k, n) for k, n, parsed in got if not parsed]
    assert body_words.count(("name", "v_job")) == 3
    assert ("name", "job") in body_words  # the comment's word
    assert ("channel", "jobs:insert") in body_words


def test_a_body_keeps_what_its_parsed_statements_place():
    """A body the parser reads (LANGUAGE sql) is kept whole too, and its parsed statements' names
    keep their kinds (a table, a column: stored names other files may spell)."""
    got = names("create function finish(job_id bigint) returns void language sql as $$\n"
                "  delete from queue_jobs where id = job_id;\n$$;", known=True)
    assert got == [("parameter", "job_id", True), ("table", "queue_jobs", True), ("column", "job_id", True)]


def test_a_view_definition_keeps_its_aliases():
    got = names("create view job_view as select jobs.id from _private_jobs as jobs", known=True)
    assert [n for k, n, parsed in got if n == "jobs"] == ["jobs", "jobs"]


def test_a_template_starting_with_a_line_continuation_is_read():
    text = "\\\nupdate _private_jobs as jobs set job_queue_id = null"
    holes = ((0, 2, True),)  # the escape sequence: a blank
    got = [(n.kind, n.name) for n in read(text, holes, wanted=wanted).names]
    assert ("table", "_private_jobs") in got and ("column", "job_queue_id") in got


def test_a_hole_standing_alone_may_be_a_clause():
    text = "select jobs.job_queue_id from ${s}._private_jobs as jobs where true ${clause} order by jobs.id"
    holes = tuple((m.start(), m.end(), False) for m in re.finditer(r"\$\{[^}]*\}", text))
    r = read(text, holes, wanted=wanted)
    assert r is not None and r.unparsed == 0
    got = [(n.kind, n.name) for n in r.names]
    assert ("table", "_private_jobs") in got and ("column", "job_queue_id") in got


@pytest.mark.parametrize("text", ["Select a job to run", "Delete the job", "update job status", "with jobs done",
                                  "Create a job", "no SQL here about jobs"])
def test_prose_is_not_sql(text):
    assert read(text, wanted=wanted) is None


def test_looks_like_sql_skips_comments():
    assert looks_like_sql("  -- a comment\n /* more */ select 1")
    assert not looks_like_sql("jobs: select them")


def test_mask_keeps_length_and_skips_quoted_text():
    text = "SELECT ':job', %(a)s, $1, ? FROM t WHERE x = :name AND y::int = 1 -- :no"
    masked, binds = mask(text)
    assert len(masked) == len(text)
    assert "':job'" in masked and "-- :no" in masked and "y::int" in masked
    assert [b.name for b in binds] == ["a", "name"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("SELECT FROM jobs job_id WHERE ;()'\"$%:{}?,.-*/\n\\ab")), max_size=120),
       st.booleans())
def test_random_text_never_raises(text, known):
    r = read(text, wanted=wanted, known=known)
    if r is not None:
        for n in r.names:
            assert 0 <= n.start <= n.end <= len(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_any_text_never_raises(text):
    read("SELECT " + text, wanted=wanted)
    read(text, wanted=wanted, known=True)
