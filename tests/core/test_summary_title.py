"""The summary's title says whether the plan writes anything."""

from __future__ import annotations

from tests.helpers import committed_checkout, runsmig

TERMS = "version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"


def test_an_empty_plan_says_nothing_to_change(tmp_path):
    root, _ = committed_checkout(tmp_path, {"a.py": "x = 1\n"}, TERMS)
    proc = runsmig("plan", str(root), "--recipe", str(tmp_path / "recipe.yaml"), check_rc=0)
    assert proc.stdout == b""
    assert b"runsmig: nothing to change" in proc.stderr and b"would change" not in proc.stderr


def test_a_plan_with_changes_says_would_change(tmp_path):
    root, _ = committed_checkout(tmp_path, {"a.py": "job = 1\n"}, TERMS)
    proc = runsmig("plan", str(root), "--recipe", str(tmp_path / "recipe.yaml"), check_rc=0)
    assert b"-job = 1" in proc.stdout and b"runsmig: would change" in proc.stderr
