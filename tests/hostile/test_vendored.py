"""Vendored, generated and tool-written files are never edited nor checked: skipped, each with its
reason (lockfiles, a package manager's committed release and loader, minified bundles by name,
whatever .gitattributes marks linguist-vendored or linguist-generated)."""

from __future__ import annotations

import json

from tests.helpers import committed_checkout, files, runsmig

RECIPE = "version: 1\nname: t\nterms: [{from: job, to: run}]\n"
THEIRS = {
    "yarn.lock": '"cron-job@^1.0.0":\n  version "1.0.0"\n',
    "web/package-lock.json": '{"packages": {"node_modules/cron-job": {"version": "1.0.0"}}}\n',
    "poetry.lock": '[[package]]\nname = "job-runner"\n',
    ".yarn/releases/yarn-4.1.0.cjs": "var jobQueue = 1;\n",
    ".pnp.cjs": "const jobs = [];\n",
    "static/app.min.js": "var job=1;\n",
    "static/app.js.map": '{"names": ["job"]}\n',
    "gen/client.py": "job_id = 1\n",
    "third/lib.py": "job_id = 1\n",
    ".gitattributes": "gen/** linguist-generated\nthird/** linguist-vendored=true\nmine/** linguist-generated=false\n",
}
MINE = {"app.py": "job_id = 1\n", "mine/x.py": "job_id = 1\n", "web/admin.js": "const job = 1;\n"}


def test_theirs_is_skipped_with_its_reason_and_never_edited(tmp_path):
    root, _ = committed_checkout(tmp_path, {**THEIRS, **MINE}, RECIPE)
    proc = runsmig("check", str(root), "--no-job-terms", "--recipe", str(tmp_path / "recipe.yaml"), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    found = {f["path"] for f in report["findings"]}
    assert found == set(MINE)  # only the project's own files
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    assert skipped["yarn.lock"].startswith("lockfile")
    assert skipped["web/package-lock.json"].startswith("lockfile")
    assert skipped["poetry.lock"].startswith("lockfile")
    assert ".yarn/" in skipped[".yarn/releases/yarn-4.1.0.cjs"]
    assert ".pnp" in skipped[".pnp.cjs"]
    assert skipped["static/app.min.js"].startswith("minified")
    assert skipped["static/app.js.map"].startswith("minified")
    assert skipped["gen/client.py"] == "linguist-generated in .gitattributes"
    assert skipped["third/lib.py"] == "linguist-vendored in .gitattributes"
    assert "mine/x.py" not in skipped and "web/admin.js" not in skipped
    before = files(root)
    proc = runsmig("apply", str(root), "--recipe", str(tmp_path / "recipe.yaml"))
    assert proc.returncode == 0, proc.stderr
    after = files(root)
    for rel in THEIRS:
        assert after[rel] == before[rel], rel
    assert after["app.py"] == b"run_id = 1\n"


def test_no_op_without_such_files(tmp_path):
    root, _ = committed_checkout(tmp_path, {"app.py": "x = 1\n", "admin.py": "y = 2\n", "terminal.map.txt": "z\n"},
                                 RECIPE)
    proc = runsmig("check", str(root), "--no-job-terms", "--recipe", str(tmp_path / "recipe.yaml"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["skipped"] == []
