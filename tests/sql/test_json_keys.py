"""Keys of the JSON released SQL builds or reads (runsmig.sql.jsonkeys): what the extraction finds
is what PostgreSQL itself builds, and those keys are kept in the code that reads the same payload
(fixtures/sql-stored-keep-history-json-keys)."""

from __future__ import annotations

import sqlalchemy as sa

from runsmig.sql.jsonkeys import json_keys
from tests.helpers import REPO, committed_checkout

FUNCTION = """CREATE FUNCTION payload(p_id text, p_parent jsonb) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object(
    'jobId', p_id,  -- 'notAKey', in a comment
    'note', 'it''s done, (really)',
    'parentJobId', p_parent ->> 'parentJobId',
    'nested', json_build_object('jobQueue', 'q', 'n', 1)
  )
$$;
"""


def test_keys_are_found_with_quotes_commas_and_comments_inside():
    keys = [k for k, _ in json_keys(FUNCTION)]
    assert keys == ["jobId", "note", "parentJobId", "nested", "jobQueue", "n"]
    assert "notAKey" not in keys and "it" not in keys and "really" not in keys
    at = dict(json_keys(FUNCTION))
    assert FUNCTION[at["jobId"]:at["jobId"] + 5] == "jobId"


def test_the_keys_found_are_the_keys_postgresql_builds(pg_url):
    eng = sa.create_engine(pg_url)
    try:
        with eng.begin() as conn:
            conn.execute(sa.text(FUNCTION))
            built = conn.execute(sa.text("SELECT payload('7', '{\"parentJobId\": \"1\"}'::jsonb)")).scalar_one()
    finally:
        eng.dispose()
    keys = set(built) | set(built["nested"])
    assert keys == {k for k, _ in json_keys(FUNCTION)}
    assert built["jobId"] == "7" and built["parentJobId"] == "1"


def test_released_sql_keys_are_kept_where_the_code_reads_the_payload(tmp_path):
    from runsmig.runner import run

    case = REPO / "fixtures" / "sql-stored-keep-history-json-keys"
    files = {str(p.relative_to(case / "before")): p.read_text("utf-8")
             for p in (case / "before").rglob("*") if p.is_file()}
    root, recipe = committed_checkout(tmp_path, files, (case / "recipe.yaml").read_text("utf-8"))
    result = run(root, recipe)
    listener = next(o for o in result.outcomes if o.rel == "src/events/listener.ts")
    kept = {(f.line, f.word or f.text) for f in listener.allowed if f.allowed_by == "stored"}
    assert {(2, "jobId"), (3, "parentJobId"), (10, "jobId"), (16, "jobId"), (17, "jobId")} <= kept
    renamed = {f.word or f.text for f in listener.applied}
    assert "jobName" in renamed and "jobCount" in renamed and "jobId" not in renamed
    # under stored: migrate the history's keys are not kept (a new revision moves them): the code follows
    root, recipe = committed_checkout(tmp_path / "m", files,
                                      (case / "recipe.yaml").read_text("utf-8") + "stored: migrate\n")
    listener = next(o for o in run(root, recipe).outcomes if o.rel == "src/events/listener.ts")
    assert "jobId" in {f.word or f.text for f in listener.applied}
