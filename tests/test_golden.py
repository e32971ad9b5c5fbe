"""Every fixtures/<case>/{before,after}: apply gives after/, and a second plan is empty."""

from __future__ import annotations

import pytest

from tests.golden import cases, run_case, same_tree

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case, tmp_path):
    work, plan, again = run_case(case, tmp_path)
    diffs = same_tree(work, case / "after")
    assert not diffs, f"{case.name}: differs from after/ in {diffs[:10]}"
    assert again.empty, f"{case.name}: not idempotent, second plan changes {[c.path for c in again.changes]}"
    if same_tree(case / "before", case / "after"):
        assert not plan.empty, f"{case.name}: before/ and after/ differ but the plan is empty"
    else:
        assert plan.empty, f"{case.name}: a no-op case, but the plan changes {[c.path for c in plan.changes]}"
