"""Identifier-like string literals (issue #11): listed by plan for review; a recipe
``literals:`` entry keeps, notes or renames them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runsmig.cli.check import build_report
from runsmig.errors import RecipeError
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe
from tests.helpers import runsmig

SRC = {
    "q/keys.py": "PREFIX = 'rq:job:'\nKEY = f\"rq:jobs:{id}\"\nMSG = 'the job failed'\nENV = 'JOB_TIMEOUT'\n",
    "web/api.ts": "export const route = '/jobs/:id';\nexport const msg = 'a job is queued';\n",
    "cfg.yaml": "queue: jobs\nnote: the jobs queue\n",
}


def checkout(tmp: Path, literals: str = "") -> tuple[Path, Path]:
    root = tmp / "co"
    for rel, text in SRC.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    rec = tmp / "recipe.yaml"
    rec.write_text("version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n" + literals,
                   encoding="utf-8")
    return root, rec


def test_plan_lists_identifier_like_literals_not_prose(tmp_path):
    root, rec = checkout(tmp_path)
    p = build_plan(root, load_recipe(rec), workers=1, regenerate=False)
    got = {(i["path"], i["old"], i["new"]) for i in p.review()["identifiers"]}
    # the namespaced Redis keys ('rq:job:', f"rq:jobs:{id}") are stored values under stored: keep:
    # kept and listed with the stored names, not renamed for review
    assert got == {("q/keys.py", "'JOB_TIMEOUT'", "'RUN_TIMEOUT'"), ("web/api.ts", "/jobs/:id", "/runs/:id"),
                   ("cfg.yaml", "jobs", "runs")}
    assert p.review()["summary"]["identifiers"] == 3
    assert {(f.path, f.literal.strip("'\"")) for f in p.stored() if f.stored == "key prefix"} == {
        ("q/keys.py", "rq:job:"), ("q/keys.py", "rq:jobs:")}


def test_under_migrate_namespaced_keys_are_renamed_and_listed(tmp_path):
    root, rec = checkout(tmp_path, "stored: migrate\n")
    p = build_plan(root, load_recipe(rec), workers=1, regenerate=False)
    got = {(i["path"], i["old"], i["new"]) for i in p.review()["identifiers"]}
    assert ("q/keys.py", "'rq:job:'", "'rq:run:'") in got and ("q/keys.py", "rq:jobs:", "rq:runs:") in got


def test_keep_entry_leaves_the_literal_and_the_gate_accepts_it(tmp_path):
    root, rec = checkout(tmp_path, "literals:\n  - {pattern: '^rq:', action: keep, reason: Redis keys of deployments}\n")
    recipe = load_recipe(rec)
    p = build_plan(root, recipe, workers=1, regenerate=False)
    new = {c.path: c.new.decode() for c in p.changes}
    assert "PREFIX = 'rq:job:'" in new["q/keys.py"] and 'f"rq:jobs:{id}"' in new["q/keys.py"]
    assert "ENV = 'RUN_TIMEOUT'" in new["q/keys.py"]
    assert all(not i["old"].strip("'").startswith("rq:") for i in p.review()["identifiers"])
    from runsmig.apply import apply_plan

    apply_plan(p)
    rep = build_report(root, rec, workers=1)
    assert not rep.findings
    assert {f.allowed_by for f in rep.allowed} == {"literal kept: Redis keys of deployments"}


def test_note_entry_renames_and_shows_the_reason(tmp_path):
    root, rec = checkout(tmp_path, "literals:\n  - {pattern: '^/', action: note, reason: public route}\n")
    p = build_plan(root, load_recipe(rec), workers=1, regenerate=False)
    noted = [i for i in p.review()["identifiers"] if "note" in i]
    assert [(i["old"], i["new"], i["note"]) for i in noted] == [("/jobs/:id", "/runs/:id", "public route")]


def test_bad_pattern_is_a_recipe_error_with_its_line(tmp_path):
    _, rec = checkout(tmp_path, "literals:\n  - pattern: '(['\n    reason: x\n")
    with pytest.raises(RecipeError) as exc:
        load_recipe(rec)
    assert exc.value.line == 6 and "regular expression" in str(exc.value)


def test_plan_format_json_and_stderr_heading(tmp_path):
    root, rec = checkout(tmp_path)
    proc = runsmig("plan", str(root), "--recipe", str(rec), "--format", "json", "--no-regenerate", check_rc=0)
    data = json.loads(proc.stdout)
    assert data["summary"]["identifiers"] == 3 and data["summary"]["modify"] == 3
    assert "identifiers in strings (3 literals" in proc.stderr.decode()
