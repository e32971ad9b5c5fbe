"""Stored names kept across files (runsmig.runner.storedset): a string in Python or TS/JS that
spells a stored name another file's SQL keeps (whole, or a fragment of a templated name that holds
a term) is kept and reported as 'stored'; the result cache gives what a run without it gives."""

from __future__ import annotations

import pytest

from runsmig.runner import run
from runsmig.runner.storedset import StoredSet
from tests.helpers import committed_checkout, git, spy_on_analysis

TERMS = "version: 1\nname: xfile\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
SCHEMA_TS = ('export function schemaSql(t: string): string {\n'
             '  return `CREATE UNIQUE INDEX IF NOT EXISTS "${t}_single_job_idx" ON "${t}" (name);`;\n}\n')
FILES = {
    "pg/schema.ts": SCHEMA_TS,
    "pg/schema.test.ts": "export const has = (n: string) => n.includes('single_job') || n === 'job_idx';\n",
    "db/schema.sql": "CREATE TABLE tasks (id INTEGER PRIMARY KEY, job_name TEXT);\n",
    "app/store.py": 'def name_of(row):\n    return row["job_name"], row["job_title"]\n',
}


@pytest.fixture
def cache_env(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNSMIG_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _view(result) -> dict:
    return {o.rel: (o.status, o.new, sorted(repr(f) for f in o.applied + o.reported + o.allowed), o.raw,
                    sorted(o.coverage.items())) for o in result.outcomes}


def _out(result, rel):
    return next(o for o in result.outcomes if o.rel == rel)


def test_strings_spelling_another_files_stored_name_are_kept(tmp_path):
    root, recipe = committed_checkout(tmp_path, FILES, TERMS)
    result = run(root, recipe, workers=1)
    test = _out(result, "pg/schema.test.ts")
    assert test.new == test.old  # 'single_job' and 'job_idx': fragments of the kept index name
    kept = [f for f in test.allowed if f.allowed_by == "stored"]
    assert {f.stored for f in kept} == {"index"} and len(kept) == 2
    assert all("kept at pg/schema.ts:2" in f.message and "_single_job_idx" in f.message for f in kept)
    store = _out(result, "app/store.py")
    assert b'row["job_name"]' in store.new and b'row["run_title"]' in store.new  # only the stored one stays
    (col,) = [f for f in store.allowed if f.allowed_by == "stored"]
    assert col.stored == "column" and "kept at db/schema.sql:1" in col.message
    sql = _out(result, "db/schema.sql")  # its own name is still its own, not the code's decision
    assert [f.stored for f in sql.allowed] == ["column"] and not sql.allowed[0].message


def test_fragments_only_for_a_templated_name(tmp_path):
    files = {"db/schema.sql": "CREATE INDEX single_job_idx ON tasks (id);\n",
             "app/q.py": 'A = "single_job"\nB = "single_job_idx"\n'}
    root, recipe = committed_checkout(tmp_path, files, TERMS)
    q = _out(run(root, recipe, workers=1), "app/q.py")
    assert q.new == b'A = "single_run"\nB = "single_job_idx"\n'  # a whole name only: it has no hole


def test_no_stored_set_with_stored_migrate(tmp_path):
    root, recipe = committed_checkout(tmp_path, FILES, TERMS + "stored: migrate\n")
    test = _out(run(root, recipe, workers=1), "pg/schema.test.ts")
    assert b"single_run" in test.new


def test_stored_set_first_place_speaks(tmp_path):
    class O:
        def __init__(self, rel, spelled):
            self.rel, self.stored_spellings = rel, spelled

    s = StoredSet.of([O("b.sql", [["job_id", "column", "job_id", 1]]), O("a.sql", [["job_id", "column", "job_id", 9]])])
    assert s.get("job_id") == ("column", "job_id", "a.sql:9")
    assert s.key_of(b"x = 'job_id'") and s.key_of(b"nothing here") == ""


def test_cached_equals_uncached_when_the_schema_changes(tmp_path, cache_env, monkeypatch):
    root, recipe = committed_checkout(tmp_path, FILES, TERMS)
    first = run(root, recipe, workers=1, cache=True)
    assert _view(first) == _view(run(root, recipe, workers=1))
    assert b"'single_job'" in _out(first, "pg/schema.test.ts").new
    # the index is renamed in the schema (no longer a stored name to keep): the test's bytes are the same
    (root / "pg/schema.ts").write_text(SCHEMA_TS.replace("CREATE UNIQUE INDEX IF NOT EXISTS", "// index"))
    git(root, "commit", "-qam", "no index")
    seen = spy_on_analysis(monkeypatch)
    cached = run(root, recipe, workers=1, cache=True)
    assert "pg/schema.test.ts" in seen
    fresh = run(root, recipe, workers=1)
    assert _view(cached) == _view(fresh)
    assert b"single_run" in _out(fresh, "pg/schema.test.ts").new
    # and back: the cache serves the first results again
    (root / "pg/schema.ts").write_text(SCHEMA_TS)
    git(root, "commit", "-qam", "index again")
    assert _view(run(root, recipe, workers=1, cache=True)) == _view(first)
    seen.clear()
    assert _view(run(root, recipe, workers=1, cache=True)) == _view(first)
    assert seen == []
