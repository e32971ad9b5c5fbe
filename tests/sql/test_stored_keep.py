"""stored: keep (the default without a database: section) and stored: migrate, end to end:
plan keeps and lists stored names, check accepts them as 'stored', migrate renames them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from runsmig.cli.check import build_report
from runsmig.errors import RecipeError
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe
from runsmig.recipe.sections.stored import stored_of
from tests.golden import FIXTURES

CASE = FIXTURES / "sql-stored-keep"


def _recipe(tmp: Path, extra: str = ""):
    p = tmp / "r.yaml"
    p.write_text("version: 1\nname: t\nterms:\n  - {from: job, to: run}\n" + extra)
    return load_recipe(p)


def test_default_is_keep_and_database_section_migrates(tmp_path):
    assert stored_of(_recipe(tmp_path)).action == "keep"
    assert stored_of(load_recipe(None)).action == "migrate"  # the bundled ADE recipe has database:
    assert stored_of(_recipe(tmp_path, "stored: migrate\n")).action == "migrate"
    got = stored_of(_recipe(tmp_path, "stored: {action: keep, dialect: mysql}\n"))
    assert (got.action, got.dialect) == ("keep", "mysql")


@pytest.mark.parametrize("extra, words", [("stored: rename\n", "is not one of"),
                                          ("stored: {dialect: nosuchsql}\n", "not an SQL dialect"),
                                          ("stored: {mode: keep}\n", "unknown key")])
def test_bad_stored_key_is_a_load_error(tmp_path, extra, words):
    with pytest.raises(RecipeError) as exc:
        _recipe(tmp_path, extra)
    assert words in str(exc.value)


def test_plan_lists_every_stored_name_kept(tmp_path):
    work = tmp_path / "w"
    shutil.copytree(CASE / "before", work)
    plan = build_plan(work, load_recipe(CASE / "recipe.yaml"), workers=1)
    stored = plan.review()["stored"]
    kinds = {s["kind"] for s in stored}
    assert {"table", "column", "index", "constraint", "type", "enum value", "trigger", "function", "channel",
            "value", "unparsed SQL", "bind parameter"} <= kinds
    assert plan.review()["summary"]["stored"] == len(stored)
    written = [s for s in stored if s["action"] == "written out"]
    assert {(s["path"], s["line"]) for s in written} == {("queue/models.py", 13), ("queue/models.py", 14),
                                                         ("queue/models.py", 15)}
    # nothing stored changes: every kept name is still in the new text
    for c in plan.changes:
        if c.action == "modify" and c.path == "schema.sql":
            assert c.new.count(b"jobs") == c.old.count(b"jobs")


def test_check_after_apply_is_clean_and_counts_stored(tmp_path):
    rep = build_report(CASE / "after", load_recipe(CASE / "recipe.yaml"), workers=1)
    assert rep.findings == []
    assert rep.allowed and {f.allowed_by for f in rep.allowed} == {"stored"}
    before = build_report(CASE / "before", load_recipe(CASE / "recipe.yaml"), workers=1)
    # the same decision for check as for plan: what plan keeps, check allowlists
    assert {(f.path, f.line, f.col) for f in before.allowed} <= \
        {(f.path, f.line, f.col) for f in build_plan(CASE / "before", load_recipe(CASE / "recipe.yaml"),
                                                     workers=1).stored()}


def test_migrate_renames_stored_names(tmp_path):
    work = tmp_path / "w"
    shutil.copytree(CASE / "before", work)
    text = (CASE / "recipe.yaml").read_text() + "stored: migrate\n"
    (tmp_path / "m.yaml").write_text(text)
    plan = build_plan(work, load_recipe(tmp_path / "m.yaml"), workers=1)
    assert plan.stored() == []
    new = {c.path: c.new for c in plan.changes}
    assert b"CREATE TABLE runs" in new["schema.sql"]


def test_literals_entry_marks_a_stored_value(tmp_path):
    work = tmp_path / "w"
    work.mkdir()
    (work / "keys.py").write_text('PREFIX = "rq:job:"\nOTHER = "job-key"\n')
    recipe = _recipe(tmp_path, "literals:\n  - {pattern: '^rq:', stored: keep, reason: Redis keys}\n")
    plan = build_plan(work, recipe, workers=1)
    assert [(s["name"], s["kind"]) for s in plan.review()["stored"]] == [("job", "value")]
    new = plan.changes[0].new.decode()
    assert '"rq:job:"' in new and '"run-key"' in new
    rep = build_report(work, recipe, workers=1)
    assert [f.allowed_by for f in rep.allowed] == ["stored"]


def test_literals_entry_stored_and_action_exclusive(tmp_path):
    with pytest.raises(RecipeError):
        _recipe(tmp_path, "literals:\n  - {pattern: '^rq:', stored: keep, action: keep, reason: x}\n")
