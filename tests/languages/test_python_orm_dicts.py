"""Dicts keyed by a model's field names (runsmig.languages.python.ormdicts): a dict literal compared
with a queryset's .values() (or model_to_dict) is keyed by field names, which follow the rename under
stored: keep; a dict compared with a raw SQL row keeps the column's spelling
(fixtures/django-stored-keep-values-dict shows both in a checkout)."""

from __future__ import annotations

import pytest

from runsmig.languages.python import ormdicts
from runsmig.runner import run
from tests.helpers import committed_checkout, cst_spans


def _keys(text: str) -> list[str]:
    module, span = cst_spans(text)
    return [text[a:b] for a, b in sorted(ormdicts.spans(module, span))]


@pytest.mark.parametrize("text", [
    'def t():\n    e = Event.objects.values().get(id=1)\n    e.pop("id")\n    assert e == {"job_id": 1}\n',
    'assert Event.objects.filter(a=1).values().first() == {"job_id": 1}\n',
    'assert [{"job_id": 1}] == list(Event.objects.all().values())\n',
    'def t():\n    qs = Event.objects.filter(a=1)\n    rows = qs.values()\n    assert list(rows) == [{"job_id": 1}]\n',
    'def t(self):\n    self.assertEqual(model_to_dict(event), {"job_id": 1})\n',
    'def t():\n    for row in Event.objects.values():\n        assert row != {"job_id": 2}\n',
    'assert {"job_id": 1} in Event.objects.values()\n',
])
def test_a_dict_compared_with_values_is_keyed_by_field_names(text):
    assert _keys(text) == ["job_id"]


@pytest.mark.parametrize("text", [
    'def t(cursor):\n    row = dict(zip(names, cursor.fetchone()))\n    assert row == {"job_id": 1}\n',
    'assert rows.values() == {"job_id": 1}\n',  # a dict's values: no queryset
    'def t():\n    e = Event.objects.values().get(id=1)\n    e = fetch()\n    assert e == {"job_id": 1}\n',
    'def t(e):\n    assert e == {"job_id": 1}\n',
    'x = {"job_id": Event.objects.values()}\n',  # not compared
    'assert Event.objects.values() == make({"job_id": 1})\n',  # not a literal compared
])
def test_anything_else_is_not(text):
    assert _keys(text) == []


def test_field_names_passed_to_a_queryset():
    text = 'q = Event.objects.order_by("job_id").values("job_id", "type")\nd.values("job_id")\n'
    assert _keys(text) == ["job_id", "job_id", "type"]


TERMS = "version: 1\nname: orm\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\nstored: keep\n"
FILES = {
    "db/schema.sql": "CREATE TABLE events (id BIGINT PRIMARY KEY, job_id BIGINT, type TEXT);\n",
    "tests/test_orm.py": ('def test_values():\n'
                          '    event = Event.objects.values().get(id=1)\n'
                          '    assert event == {"job_id": 1, "type": "x"}\n'
                          '\n\n'
                          'def test_row(cursor):\n'
                          '    cursor.execute("SELECT job_id, type FROM events")\n'
                          '    assert fetch(cursor) == {"job_id": 1, "type": "x"}\n'),
}


def test_values_dict_follows_while_a_row_keeps_the_column(tmp_path):
    root, recipe = committed_checkout(tmp_path, FILES, TERMS)
    out = next(o for o in run(root, recipe, workers=1).outcomes if o.rel == "tests/test_orm.py")
    assert b'assert event == {"run_id": 1, "type": "x"}' in out.new
    assert b'assert fetch(cursor) == {"job_id": 1, "type": "x"}' in out.new  # the file's own SQL keeps it
    assert b'"SELECT job_id, type FROM events"' in out.new
