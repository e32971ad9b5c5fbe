"""Templates of a downstream project (fixtures/compat-py-downstream-declared): an attribute lookup in a
template tag spelled like a renamed member of the library is named in a note (a template renders a
missing attribute as nothing once the aliases go); templates are not rewritten, nor is prose."""

from __future__ import annotations

from tests.helpers import REPO, git_copy, runsmig

CASE = REPO / "fixtures" / "compat-py-downstream-declared"


def test_template_lookups_are_named_not_rewritten(tmp_path):
    work = git_copy(CASE / "before", tmp_path / "d")
    proc = runsmig("plan", str(work), "--recipe", str(CASE / "recipe.yaml"), check_rc=0)
    diff, err = proc.stdout.decode(), proc.stderr.decode()
    assert "queues.html" not in diff
    assert ("downstream: app/templates/queues.html:2: template lookup .enqueue_job: left as it is (templates are "
            "not rewritten); if it reads workq's, it is .enqueue_run now") in err
    assert err.count("template lookup") == 1
