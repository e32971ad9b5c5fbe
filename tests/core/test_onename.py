"""One decision per name (runsmig.onename): what code decides for an identifier-like name, prose,
code fences and config follow; the result cache holds a following file's result only while the
code's decisions on the names it holds are the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from runsmig.onename import Decision, candidates, is_name, merge
from runsmig.recipe import load_recipe
from runsmig.runner import run
from runsmig.terms import TermEngine
from tests.helpers import committed_checkout, git, spy_on_analysis

TERMS = "version: 1\nname: onename-case\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
KEEP = TERMS + ("literals:\n  - pattern: '^MYAPP_JOB_TIMEOUT$'\n    action: keep\n"
                "    reason: deployments set it\n")
FILES = {
    "app/settings.py": 'import os\n\nTIMEOUT = os.environ.get("MYAPP_JOB_TIMEOUT")\n',
    "web/limit.ts": 'export const limit = process.env.MYAPP_JOB_LIMIT;\n',
    "README.md": "# App\n\nSet `MYAPP_JOB_TIMEOUT` and `MYAPP_JOB_LIMIT`; every job obeys them.\n",
    ".env.example": "MYAPP_JOB_TIMEOUT=30\nMYAPP_JOB_LIMIT=10\n",
}


@pytest.fixture
def cache_env(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNSMIG_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _engine() -> TermEngine:
    return TermEngine.from_recipe(load_recipe(None))


def _view(result) -> dict:
    return {o.rel: (o.status, o.new, sorted(repr(f) for f in o.applied + o.reported + o.allowed), o.raw,
                    sorted(o.coverage.items())) for o in result.outcomes}


def _new(result, rel: str) -> str:
    o = next(o for o in result.outcomes if o.rel == rel)
    return (o.new or o.old).decode()


# -- names ------------------------------------------------------------------------------------
@pytest.mark.parametrize("token,want", [
    ("MYAPP_JOB_TIMEOUT", True), ("--delete-jobs", True), ("job_timeout", True), ("app.jobs.enabled", True),
    ("scheduleJob", True), ("job", False), ("JOBS", False), ("--jobs", False), ("a job", False), ("", False),
])
def test_a_name_has_two_word_parts_at_least(token, want):
    assert is_name(token) is want


def test_candidates_are_cut_at_separators_never_inside_a_word():
    text = "x X_MYAPP_JOB_TIMEOUT $MYAPP_JOB_TIMEOUT. --no-delete-jobs --delete-jobs=1 app.jobs.enabled"
    found = {t for _, _, t in candidates(text, _engine())}
    assert "MYAPP_JOB_TIMEOUT" in found and "X_MYAPP_JOB_TIMEOUT" in found
    assert "--delete-jobs" in found and "--no-delete-jobs" in found
    assert "app.jobs.enabled" in found and "app.jobs" in found
    # 'MYAPP_JOB_TIMEOUT' is found once only where it stands alone ($ and '.' cut it, 'X_' does not)
    spans = [(a, b) for a, b, t in candidates(text, _engine()) if t == "MYAPP_JOB_TIMEOUT"]
    assert [text[a - 1] for a, _ in spans] == ["$"]


def test_a_name_decided_both_ways_has_no_decision():
    keep = Decision(None, "external", "x", "b.py:3")
    got = merge([("a_job", Decision("a_run", "term", "", "a.py:9")), ("b_job", keep),
                 ("b_job", Decision(None, "allowed", "y", "a.py:1")), ("c_job", keep),
                 ("c_job", Decision("c_run", "term", "", "c.py:1"))])
    assert got["a_job"].new == "a_run"
    assert got["b_job"].where == "a.py:1"  # the first place speaks for it
    assert "c_job" not in got


# -- runs -------------------------------------------------------------------------------------
def test_docs_and_config_keep_what_code_keeps_and_rename_what_it_renames(tmp_path):
    root, recipe = committed_checkout(tmp_path, FILES, KEEP)
    result = run(root, recipe, workers=1)
    readme, env = _new(result, "README.md"), _new(result, ".env.example")
    assert "`MYAPP_JOB_TIMEOUT`" in readme and "`MYAPP_RUN_LIMIT`" in readme and "every run" in readme
    assert env == "MYAPP_JOB_TIMEOUT=30\nMYAPP_RUN_LIMIT=10\n"
    kept = next(o for o in result.outcomes if o.rel == "README.md").allowed
    assert [f.allowed_by for f in kept] == ["kept in code at app/settings.py:3: literal kept: deployments set it"]
    # without the literal rule, the code renames it, and so do the docs
    root2, recipe2 = committed_checkout(tmp_path / "b", FILES, TERMS)
    assert "MYAPP_JOB" not in _new(run(root2, recipe2, workers=1), ".env.example")


def test_a_name_the_code_never_mentions_is_the_file_s_own(tmp_path):
    files = {**FILES, "README.md": "Set `OTHER_JOB_FLAG`.\n"}
    root, recipe = committed_checkout(tmp_path, files, KEEP)
    assert _new(run(root, recipe, workers=1), "README.md") == "Set `OTHER_RUN_FLAG`.\n"


def test_a_cached_run_follows_a_changed_code_decision(tmp_path, cache_env, monkeypatch):
    """The doc's bytes do not change; the code's decision does: the cached run must give what a
    run without the cache gives, both ways."""
    root, recipe = committed_checkout(tmp_path, FILES, TERMS)
    first = run(root, recipe, workers=1, cache=True)
    assert "MYAPP_RUN_TIMEOUT" in _new(first, "README.md")
    (root / "app/settings.py").write_text(
        'import os\n\nTIMEOUT = os.environ.get("MYAPP_JOB_TIMEOUT")  # runsmig: ignore\n')
    git(root, "commit", "-qam", "code keeps it")
    # a suppressed line is not a decision: the doc still renames (cached == uncached)
    assert _view(run(root, recipe, workers=1, cache=True)) == _view(run(root, recipe, workers=1))
    # now the code keeps it as another module's name: the doc follows, cached and not
    (root / "app/settings.py").write_text(
        'from vendorlib import MYAPP_JOB_TIMEOUT\n\nTIMEOUT = MYAPP_JOB_TIMEOUT\n')
    git(root, "commit", "-qam", "third-party name")
    seen = spy_on_analysis(monkeypatch)
    cached = run(root, recipe, workers=1, cache=True)
    assert "README.md" in seen and ".env.example" in seen  # their bytes are the same; the decision is not
    fresh = run(root, recipe, workers=1)
    assert _view(cached) == _view(fresh)
    assert "`MYAPP_JOB_TIMEOUT`" in _new(fresh, "README.md")
    assert _new(fresh, ".env.example").startswith("MYAPP_JOB_TIMEOUT=30\n")
    # and back: the code renames it again
    (root / "app/settings.py").write_text(FILES["app/settings.py"])
    git(root, "commit", "-qam", "renamed again")
    back = run(root, recipe, workers=1, cache=True)
    assert _view(back) == _view(run(root, recipe, workers=1)) == _view(first)
    seen.clear()
    assert _view(run(root, recipe, workers=1, cache=True)) == _view(first)
    assert seen == []  # nothing changed: every result from the cache


def test_a_partial_check_gives_a_doc_the_result_the_whole_run_gives(tmp_path):
    root, recipe = committed_checkout(tmp_path, FILES, KEEP)
    whole = _view(run(root, recipe, workers=1))
    for rel in ("README.md", ".env.example"):
        part = _view(run(root, recipe, workers=1, only={rel}))
        assert part == {rel: whole[rel]}


def test_typescript_environment_is_the_project_s_not_the_module_s(tmp_path):
    files = {
        "web/run.ts": ('import process from "node:process";\nimport { spawn } from "node:child_process";\n\n'
                       "export const mode = process.env.MYAPP_JOB_MODE;\nexport const ci = process.env.GITHUB_JOB;\n"
                       'export const w = spawn("w", [], { env: { MYAPP_JOB_LIMIT: "1" }, jobTimeout: 1 });\n'),
    }
    root, recipe = committed_checkout(tmp_path, files, TERMS)
    o = run(root, recipe, workers=1).outcomes[0]
    new = o.new.decode()
    assert "process.env.MYAPP_RUN_MODE" in new and "MYAPP_RUN_LIMIT" in new
    assert "process.env.GITHUB_JOB" in new  # GitHub Actions sets it
    assert "jobTimeout" in new  # an option of the module's call: still the module's
    messages = [f.message for f in o.reported if f.rule == "external"]
    assert "'GITHUB_JOB' is an environment variable GitHub Actions sets: kept" in messages
    assert not any("child_process" in m and "JOB_LIMIT" in m for m in messages)
    assert not any("package" in m for m in messages)  # a module, never a package
