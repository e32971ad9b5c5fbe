"""On every history fixture: released history is byte-identical after apply (content and name),
and the gate after apply is clean, its history occurrences allowlisted with the reason 'history'."""

from __future__ import annotations

import json
import re

import pytest

from runsmig.cli.check import build_report
from tests.golden import FIXTURES, recipe_for, run_case, tree_files
from tests.helpers import git_copy, runsmig

CASES = sorted(p for p in FIXTURES.glob("history-*") if (p / "before").is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_history_kept_and_gate_clean(case, tmp_path):
    work, plan, again = run_case(case, tmp_path)
    history = plan.history()
    assert history, f"{case.name}: no history recognised"
    before, after = tree_files(case / "before"), tree_files(work)
    for rel, kind in history.items():
        if kind != "changelog":
            assert after.get(rel) == before[rel], f"{rel} ({kind}) changed or moved"
    assert not any(c.path in history and c.action != "modify" for c in plan.changes)
    rep = build_report(work, recipe_for(case), workers=1)
    assert not rep.findings and not rep.failures, [f.describe() for f in rep.findings]
    reasons = {f.allowed_by for f in rep.allowed}
    assert any(r.startswith("history (") for r in reasons), reasons


def test_changelog_released_sections_unchanged(tmp_path):
    case = FIXTURES / "history-changelog"
    work, plan, _ = run_case(case, tmp_path)
    old = (case / "before" / "CHANGELOG.md").read_text().split("## [1.2.0]")
    new = (work / "CHANGELOG.md").read_text().split("## [1.2.0]")
    assert old[1] == new[1]  # released: as it was
    assert "jobs" in old[0] and "jobs" not in new[0]  # Unreleased: migrated


def test_plan_and_check_report_history(tmp_path):
    """The CLI: plan's summary counts history (text and json), check's json allowlists it."""
    work = git_copy(FIXTURES / "history-sql" / "before", tmp_path / "w")
    recipe = str(FIXTURES / "history-sql" / "recipe.yaml")
    text = runsmig("plan", str(work), "--recipe", recipe, "-q", check_rc=0)
    assert re.search(r"history \(kept as released\)\s*│\s*6\s*│", text.stderr.decode())
    data = json.loads(runsmig("plan", str(work), "--recipe", recipe, "--format", "json", check_rc=0).stdout)
    assert data["summary"]["history"] == 6
    assert {"path": "db/migration/V1__create_jobs.sql", "kind": "flyway"} in data["history"]
    chk = json.loads(runsmig("check", str(work), "--recipe", recipe, "--no-job-terms", "--format", "json").stdout)
    held = [a for a in chk["allowlisted"] if a["path"].startswith("migrations/001_jobs.sql")]
    assert held and all(a["allowed_by"] == "history (sql-numbered)" for a in held)
    folder = [a for a in chk["allowlisted"] if a["path"] == "services/jobs/"]
    assert folder and folder[0]["allowed_by"].startswith("history")
