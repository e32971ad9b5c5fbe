"""pip requirement files: package names (and their extras and markers) are the index's, never
renamed; -r/-c/-e paths are the checkout's; comments are prose."""

from __future__ import annotations

from runsmig.cli.check import build_report
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe

TEXT = ("bull-jobs==1.0  # the jobs client\ncelery[jobs]>=5 ; python_version > '3.8'\n"
        "-r requirements/jobs.txt\n-e ./jobs-lib\nhttps://example.org/jobs.tar.gz\nbull-jobs[x]\n")


def test_package_names_stay_paths_and_comments_follow(tmp_path):
    root = tmp_path / "co"
    root.mkdir()
    (root / "requirements.txt").write_text(TEXT, encoding="utf-8")
    (root / "notes.txt").write_text("bull-jobs\n", encoding="utf-8")  # not a requirements file: renamed
    rec = tmp_path / "recipe.yaml"
    rec.write_text("version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n", encoding="utf-8")
    p = build_plan(root, load_recipe(rec), workers=1, regenerate=False)
    new = {c.path: c.new.decode() for c in p.changes}
    assert new["requirements.txt"] == ("bull-jobs==1.0  # the runs client\ncelery[jobs]>=5 ; python_version > '3.8'\n"
                                       "-r requirements/runs.txt\n-e ./runs-lib\nhttps://example.org/jobs.tar.gz\nbull-jobs[x]\n")
    assert new["notes.txt"] == "bull-runs\n"
    assert {f.word or f.text for f in p.externals() if f.path == "requirements.txt"} >= {"bull-jobs"}
    from runsmig.apply import apply_plan

    apply_plan(p)
    rep = build_report(root, rec, workers=1)
    assert [f.path for f in rep.findings] == []  # kept package names are not remnants
    assert rep.summary()["reconciliation"]["not_the_term"] == 1  # the URL
