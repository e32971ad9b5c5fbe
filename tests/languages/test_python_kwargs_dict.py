"""Keyword mappings under stored: keep (runsmig.runner.kwsets): a dict literal whose string keys are all
keyword names one call passes together is the code's, renamed with the keywords; any other dict keeps
a stored spelling (fixtures/py-stored-keep-kwargs-dict shows both in a checkout)."""

from __future__ import annotations

from runsmig.languages.python import dictkeys
from runsmig.runner.kwsets import keyword_mapping, keyword_sets
from tests.helpers import cst_spans


def test_keyword_sets_record_calls_passing_a_stored_spelling():
    files = [
        ("a.py", b"run(q, job_id=1, status='x')\nother(a=1, b=2)\nsolo(job_id=1)\n"),
        ("b.py", b"def f(:\n    job_id = 1\n"),  # unparsable: skipped
        ("c.py", b"x = 1\n"),  # no spelling: not parsed
        ("d.py", b"go(status=s, job_id=j, **extra)\nif job_id == 2: pass\n"),
    ]
    assert keyword_sets(files, {"job_id", "delete job"}) == [["job_id", "status"]]
    assert keyword_sets(files, set()) == []


def test_keyword_mapping_needs_two_keys_all_passed_by_one_call():
    sets = [frozenset({"query", "job_id", "status", "delete_job"})]
    assert keyword_mapping(frozenset({"job_id", "status", "delete_job"}), sets)
    assert not keyword_mapping(frozenset({"job_id", "type"}), sets)  # a row: no call passes "type"
    assert not keyword_mapping(frozenset({"job_id"}), sets)  # one key is no evidence


def test_dict_keys_spans_only_dicts_of_plain_string_keys():
    text = 'a = {"job_id": 1, "status": 2}\nb = {"job_id": 1, **rest}\nc = {"job_id": 1}\nd = {b"x": 1, "y": 2}\n'
    module, span = cst_spans(text)
    got = [(text[a:b], sorted(keys)) for a, b, keys in dictkeys.spans(module, span)]
    assert got == [("job_id", ["job_id", "status"]), ("status", ["job_id", "status"])]
