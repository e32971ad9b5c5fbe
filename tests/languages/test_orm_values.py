"""Class attributes whose value a queryset stores (runsmig.languages.python.orm_values)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from runsmig.languages.python.orm_values import class_literals, stored_attributes
from tests.helpers import REPO, runsmig


def test_a_queryset_keyword_taking_an_attribute_names_it():
    src = b"""
def f(task, lock):
    Log.objects.filter(code=task.code).order_by("-id")
    Log.objects.using("x").get_or_create(name=lock.key)
    Log._default_manager.create(label=task.label, other=value, n=1)
"""
    assert stored_attributes(src) == {"code", "key", "label"}


def test_calls_off_a_manager_and_plain_values_name_nothing():
    src = b"""
def f(task, items):
    items.filter(code=task.code)       # no model manager in the chain
    Log.objects.filter(code=code)      # a name, not an attribute
    task.objects_count(code=task.code)
"""
    assert stored_attributes(src) == set()


def test_a_file_that_does_not_parse_gives_nothing():
    assert stored_attributes(b"Log.objects.filter(code=t.code\n") == set()
    assert class_literals(b"class A:\n    code = 'x'\n  bad", {"code"}) == []


def test_class_literals_of_the_attributes_only():
    src = b"""
class A(Base):
    code = "cleanup_job"
    title = "cleanup job"
    other: str = "ok"


class B:
    code: str = "b.ReportJob"
    code_b = code


def f():
    code = "not_a_class_attribute"
"""
    assert class_literals(src, {"code"}) == [("cleanup_job", 3), ("b.ReportJob", 9)]
    assert class_literals(src, {"other"}) == [("ok", 5)]
    assert class_literals(src, set()) == []


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.mark.parametrize("mode", ["keep", "migrate"])
def test_plan_lists_the_kept_values_in_both_modes(tmp_path, mode):
    case = FIXTURES / ("py-stored-orm-values" + ("-migrate" if mode == "migrate" else ""))
    root = tmp_path / "co"
    shutil.copytree(case / "before", root)
    proc = runsmig("plan", str(root), "--recipe", str(case / "recipe.yaml"), "--no-regenerate", check_rc=0)
    err = proc.stderr.decode()
    head = next(line for line in err.splitlines() if line.startswith("stored names kept"))
    if mode == "keep":
        assert "recipe 'stored: keep'" in head
    else:
        assert "rows of the database hold these values" in head and "stored: keep" not in head
    assert "  value cleanup_job: crons/tasks.py:5" in err
    assert "  value ReportJob: crons/tasks.py:11" in err
    assert '"crons.jobs" -> "crons.runs"' in err  # a module's path is code: listed as renamed


def test_the_cheap_test_before_a_parse_misses_no_class_literal_holding_a_term():
    from runsmig.recipe import load_recipe
    from runsmig.runner.ormscan import _assigns_term_literal
    from runsmig.terms import TermEngine

    engine = TermEngine.from_recipe(load_recipe(REPO / "fixtures" / "py-stored-orm-values"))
    for src in (b'class A:\n    code = "cleanup_job"\n', b"class A:\n    code: str = 'x_job'\n",
                b'class A:\n    code = """cleanup_job"""\n', b'class A:\n    code = (\n        "a_job"\n    )\n'):
        assert _assigns_term_literal(src, engine), src
    for src in (b'class A:\n    """A job."""\n    x = 1\n', b'code = "job"\n', b'class A:\n    code = "cleanup"\n'):
        assert not _assigns_term_literal(src, engine), src
