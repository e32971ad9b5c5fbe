"""Stored texts under stored: keep (runsmig.runner.storedtext): a quoted text the kept SQL emits (a
RAISE message of a kept plpgsql body) is a stored value; a code literal spelling it, or a piece of
three or more of its words, keeps its spelling, is allowlisted as 'stored' and listed by plan; the
result cache gives what a run without it gives (fixtures/sql-stored-keep-raise-text in a checkout)."""

from __future__ import annotations

import re

import pytest

from runsmig.findings import SqlRegion
from runsmig.runner import run
from runsmig.runner.storedset import TEXT, StoredSet
from runsmig.runner.storedtext import anchors, is_text, literal_of, spells
from tests.helpers import committed_checkout, git, spy_on_analysis

TERMS = "version: 1\nname: text\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\nstored: keep\n"
MESSAGE = 'Job was not found or not in "doing" status (job id: %)'
SCHEMA = ("CREATE TABLE jobs (id BIGINT PRIMARY KEY, status TEXT);\n"
          "CREATE FUNCTION finish_job(job_id bigint) RETURNS void LANGUAGE plpgsql AS $$\n"
          "BEGIN\n"
          "    UPDATE jobs SET status = 'done' WHERE id = job_id;\n"
          "    IF NOT FOUND THEN\n"
          f"        RAISE '{MESSAGE}', job_id;\n"
          "    END IF;\n"
          "END;\n$$;\n")
TEST = ('import pytest\n\n\n'
        'def test_finish(store):\n'
        '    with pytest.raises(Exception, match="Job was not found"):\n'
        '        store.finish_job(1)\n'
        '    assert "Job was started" != "job id"\n')
FILES = {"db/schema.sql": SCHEMA, "tests/test_store.py": TEST}
HAS = re.compile("job", re.I)


def has_term(t: str) -> bool:
    return HAS.search(t) is not None


def _lit(text: str) -> list:
    return literal_of(text, SqlRegion(0, len(text)))


@pytest.fixture
def cache_env(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNSMIG_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _out(result, rel):
    return next(o for o in result.outcomes if o.rel == rel)


def _view(result) -> dict:
    return {o.rel: (o.status, o.new, sorted(repr(f) for f in o.applied + o.reported + o.allowed), o.raw)
            for o in result.outcomes}


@pytest.mark.parametrize("literal", [
    MESSAGE,  # the whole text
    "Job was not found",  # a prefix
    'not in "doing" status (job id',  # a piece cut at words
    'Job was not found or not in "doing" status (job id: 42)',  # rendered: % stands for words
])
def test_a_piece_of_three_or_more_words_spells_it(literal):
    assert spells(_lit(literal), MESSAGE, has_term)


@pytest.mark.parametrize("literal", [
    "job id",  # two words: no evidence
    "Job",
    "Job was not fou",  # not cut at a word
    "Job was found",  # not a run of its words
    "Job was not found or not in doing status",  # its quotes are part of it
    'Job was not found or not in "doing" status (job id: job 1)',  # % holds no term
])
def test_anything_else_does_not(literal):
    assert not spells(_lit(literal), MESSAGE, has_term)


def test_holes_stand_for_words_and_escapes_are_read():
    text = 'Job was not found or not in \\"doing\\" status (job id: XX)'
    holes = ((text.index('\\"'), text.index('\\"') + 2, True), (text.rindex('\\"'), text.rindex('\\"') + 2, True),
             (text.index("XX"), text.index("XX") + 2, False))
    pieces = literal_of(text, SqlRegion(0, len(text), holes))
    assert pieces[0] == 'Job was not found or not in "doing" status (job id: ' and pieces[-1] == ")"
    assert spells(pieces, MESSAGE, has_term)
    text = "Job was {x} found"
    hole = literal_of(text, SqlRegion(0, len(text), ((text.index("{"), text.index("}") + 1, False),)))
    assert hole == ["Job was ", hole[1], " found"] and spells(hole, MESSAGE, has_term)
    assert not spells(["was not found or"], MESSAGE, has_term)  # no term: nothing to keep


def test_is_text_and_anchors():
    assert is_text(MESSAGE) and not is_text("job_id") and not is_text("job id")
    assert anchors(MESSAGE, HAS) == ["Job", "job"]


def test_code_keeps_a_piece_of_a_raise_message_of_another_file(tmp_path):
    root, recipe = committed_checkout(tmp_path, FILES, TERMS)
    result = run(root, recipe, workers=1)
    test = _out(result, "tests/test_store.py")
    assert b'match="Job was not found"' in test.new  # the database still raises it so
    assert b'"Run was started" != "run id"' in test.new  # prose of the code, and two words: renamed
    assert b"store.finish_run(1)" in test.new
    (kept,) = [f for f in test.allowed if f.allowed_by == "stored"]
    assert kept.stored == "value" and kept.line == 5 and kept.word == "Job was not found"  # plan lists the literal
    assert "kept at db/schema.sql:6" in kept.message and "Job was not found or not in" in kept.message
    assert _out(result, "db/schema.sql").new == SCHEMA.encode()


def test_stored_texts_travel_with_the_spellings():
    class O:
        def __init__(self, rel, spelled):
            self.rel, self.stored_spellings = rel, spelled

    s = StoredSet.of([O("b.sql", [[MESSAGE, TEXT, "unparsed SQL", 3]]), O("a.sql", [[MESSAGE, TEXT, "value", 9]])],
                     HAS)
    assert s and not s.spelled and s.texts == {MESSAGE: ("value", "a.sql:9", ["Job", "job"])}
    assert s.text_spelled(_lit("Job was found"), has_term) is None
    assert s.text_spelled(_lit("Job was not found"), has_term) == ("value", MESSAGE, "a.sql:9")
    assert s.key_of(b'match="Job was not found"') and s.key_of(b"nothing here") == ""


def test_cached_equals_uncached_when_the_message_changes(tmp_path, cache_env, monkeypatch):
    root, recipe = committed_checkout(tmp_path, FILES, TERMS)
    first = run(root, recipe, workers=1, cache=True)
    assert _view(first) == _view(run(root, recipe, workers=1))
    (root / "db/schema.sql").write_text(SCHEMA.replace("Job was not found", "No such row"))
    git(root, "commit", "-qam", "other message")
    seen = spy_on_analysis(monkeypatch)
    cached = run(root, recipe, workers=1, cache=True)
    assert "tests/test_store.py" in seen
    fresh = run(root, recipe, workers=1)
    assert _view(cached) == _view(fresh)
    assert b'match="Run was not found"' in _out(fresh, "tests/test_store.py").new
