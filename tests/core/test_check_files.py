"""check on named files and on the files changed since a ref: for those files, exactly what the
whole check reports for them; only they are analyzed, the rest of the checkout is their context."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from runsmig import runner
from runsmig.cli.check import belongs_to, build_report
from runsmig.discover import discover
from runsmig.recipe import load_recipe
from tests.golden import FIXTURES, cases
from tests.helpers import MINI, git, git_copy, runsmig, spy_on_analysis


def _view(rep, keep=lambda path: True) -> dict:
    """Everything a check reports, per file, comparable across runs."""
    def rows(fs):
        return sorted(json.dumps(f.as_dict(), sort_keys=True) for f in fs if keep(f.path))

    return {
        "findings": rows(rep.findings),
        "allowed": rows(rep.allowed),
        "external": rows(rep.externals),
        "failed": sorted((p, r, ln) for p, r, ln in rep.failures if keep(p)),
    }


def _trees() -> list[tuple[str, Path, Path | None]]:
    out = [("ade-mini", MINI, None)]
    for case in cases():
        own = case / "recipe.yaml"
        if own.is_file() and not load_recipe(own).terms:  # a downstream recipe: nothing to check (refused)
            continue
        out.append((case.name, case / "before", own if own.is_file() else None))
    return out


@pytest.mark.parametrize("name, tree, recipe", _trees(), ids=[t[0] for t in _trees()])
def test_each_file_alone_reports_what_the_whole_check_reports_for_it(name, tree, recipe, tmp_path):
    root = git_copy(tree, tmp_path / name)
    full = build_report(root, recipe, workers=1)
    files = discover(root, load_recipe(recipe).ignore).files
    assert files
    groups = [frozenset({rel}) for rel in files] + [frozenset(files[::2]), frozenset(files)]
    for only in groups:
        alone = build_report(root, recipe, workers=1, only=only)
        assert _view(alone) == _view(full, belongs_to(only)), sorted(only)
        assert alone.files == len(only)


def test_only_the_named_files_are_read_and_analyzed(tmp_path, monkeypatch):
    root = git_copy(MINI, tmp_path / "mini")
    seen = spy_on_analysis(monkeypatch)
    named = {"README.md", "apps/ade-api/src/ade_api/settings.py"}
    result = runner.run(root, load_recipe(None), workers=1, only=named)
    # a named prose file follows the code's decisions on the names it holds (runsmig.onename):
    # the code files holding one of them are analysed too, never reported
    from runsmig.onename import candidates
    from runsmig.terms import TermEngine

    names = {t for _, _, t in candidates((root / "README.md").read_text(), TermEngine.from_recipe(load_recipe(None)))}
    deciders = set(seen) - named
    assert set(seen) >= named
    assert all(rel.endswith((".py", ".ts", ".tsx")) and any(n in (root / rel).read_text() for n in names)
               for rel in deciders)
    assert sorted(o.rel for o in result.outcomes) == sorted(named)
    assert len(result.paths.moves) > 1  # the whole checkout is still the context
    seen.clear()
    runner.run(root, load_recipe(None), workers=1, only={"apps/ade-api/src/ade_api/settings.py"})
    assert sorted(seen) == ["apps/ade-api/src/ade_api/settings.py"]  # code decides: nothing else is read


@pytest.fixture
def mini(tmp_path):
    return git_copy(MINI, tmp_path / "mini")


def _json(proc) -> dict:
    return json.loads(proc.stdout)


def test_cli_files_relative_absolute_and_folders(mini, tmp_path):
    full = _json(runsmig("check", str(mini), "--format", "json", check_rc=1))
    tsx = "apps/ade-web/src/screens/Workspace/sections/Jobs/index.tsx"
    named = ["README.md", tsx, "apps/ade-api/src/ade_api/features/jobs/service.py"]
    keep = belongs_to(frozenset(named))
    want = [f for f in full["findings"] if keep(f["path"])]
    assert {f["path"] for f in want} >= set(named) | {"apps/ade-web/src/screens/Workspace/sections/Jobs/"}
    # relative names, run from the checkout (as pre-commit does)
    rel = _json(runsmig("check", "--no-job-terms", "--format", "json", *named, cwd=mini, check_rc=1))
    assert rel["findings"] == want and rel["summary"]["files_scanned"] == 3
    # absolute names from elsewhere: the checkout is the git work tree holding them
    absolute = _json(runsmig("check", "--format", "json", *[str(mini / n) for n in named], cwd=tmp_path, check_rc=1))
    assert absolute["findings"] == want
    # a folder among the paths: every file under it
    folder = "apps/ade-api/src/ade_api/features"
    under = _json(runsmig("check", "--format", "json", folder, "README.md", cwd=mini, check_rc=1))
    files = {f for f in discover(mini).files if f.startswith(folder + "/")} | {"README.md"}
    keep = belongs_to(frozenset(files))
    assert under["findings"] == [f for f in full["findings"] if keep(f["path"])]
    assert under["summary"]["files_scanned"] == len(files)
    # one folder alone is still the checkout itself (unchanged behaviour)
    assert _json(runsmig("check", "--format", "json", str(mini), cwd=tmp_path))["findings"] == full["findings"]


def test_clean_file_passes_and_text_output_names_the_finding(mini):
    (mini / "clean.py").write_text("def start_run():\n    return 1\n")
    (mini / "dirty.py").write_text("x = 1\njob_id = 2\n")
    ok = runsmig("check", "--no-job-terms", "clean.py", cwd=mini, check_rc=0)
    assert ok.stdout == b"" and b"1 files" in ok.stderr
    bad = runsmig("check", "--no-job-terms", "clean.py", "dirty.py", cwd=mini, check_rc=1)
    assert bad.stdout.decode() == "dirty.py:2:1: [term/identifier] identifier 'job_id' -> 'run_id'\n"


def test_file_names_and_their_folders_are_checked_only_for_named_files(mini):
    (mini / "job_notes.txt").write_text("nothing here\n")
    (mini / "jobsdata").mkdir()
    out = _json(runsmig("check", "--format", "json", "job_notes.txt", cwd=mini, check_rc=1))
    assert [(f["path"], f["kind"]) for f in out["findings"]] == [("job_notes.txt", "path")]
    # a file in a folder whose name carries the term: the folder is reported with it
    tsx = "apps/ade-web/src/screens/Workspace/sections/Jobs/index.tsx"
    out = _json(runsmig("check", "--format", "json", tsx, cwd=mini, check_rc=1))
    paths = [f["path"] for f in out["findings"] if f["kind"] == "path"]
    assert paths == ["apps/ade-web/src/screens/Workspace/sections/Jobs/"]
    # other files: none of those names
    out = _json(runsmig("check", "--format", "json", "README.md", cwd=mini, check_rc=1))
    assert all(f["path"] == "README.md" for f in out["findings"])


def test_named_file_the_checkout_ignores_is_skipped(mini):
    (mini / ".runsmigignore").write_text("legacy/\n")
    (mini / "legacy").mkdir()
    (mini / "legacy" / "old.py").write_text("job = 1\n")
    proc = runsmig("check", "--format", "json", "legacy/old.py", cwd=mini, check_rc=0)
    out = _json(proc)
    assert out["summary"]["files_scanned"] == 0
    assert out["skipped"] == [{"path": "legacy/old.py", "reason": "ignored by .runsmigignore or recipe"}]


def test_since_checks_committed_staged_unstaged_and_untracked_changes(mini):
    git(mini, "branch", "-m", "main")
    git(mini, "checkout", "-q", "-b", "feature")
    (mini / "committed.py").write_text("job = 1\n")
    git(mini, "add", "committed.py")
    git(mini, "commit", "-qm", "c")
    (mini / "staged.py").write_text("jobs = []\n")
    git(mini, "add", "staged.py")
    readme = mini / "README.md"
    readme.write_text(readme.read_text() + "\nOne more job.\n")  # unstaged edit of a file with findings
    (mini / "untracked.md").write_text("A job.\n")
    (mini / "docs" / "guides" / "job-guide.md").unlink()  # deleted: dropped, no error
    (mini / "ignored.log").write_text("job\n")
    (mini / ".gitignore").write_text("*.log\n")
    out = _json(runsmig("check", "--format", "json", "--since", "main", str(mini), check_rc=1))
    changed = {"committed.py", "staged.py", "README.md", "untracked.md", ".gitignore"}
    assert out["summary"]["files_scanned"] == len(changed)
    assert {f["path"] for f in out["findings"]} == changed - {".gitignore"}
    # same findings as the whole check, for those files
    full = _json(runsmig("check", "--format", "json", str(mini), check_rc=1))
    keep = belongs_to(frozenset(changed))
    assert out["findings"] == [f for f in full["findings"] if keep(f["path"])]
    # with paths: only the changed files among them
    out = _json(runsmig("check", "--format", "json", "--since", "main", "README.md", "docs", cwd=mini, check_rc=1))
    assert out["summary"]["files_scanned"] == 1
    # nothing changed: nothing to check, exit 0
    git(mini, "add", "-A")
    git(mini, "commit", "-qm", "d")
    quiet = runsmig("check", "--no-job-terms", "--since", "HEAD", str(mini), check_rc=0)
    assert quiet.stdout == b"" and b"0 files" in quiet.stderr


@pytest.mark.parametrize("args, says", [
    (["--since", "no-such-ref"], "--since 'no-such-ref': not a git revision of this checkout"),
    (["nope.py"], "nope.py: path does not exist or is not a folder"),
])
def test_bad_since_or_path_is_one_line_and_exit_2(mini, args, says):
    proc = runsmig("check", *args, cwd=mini, check_rc=2)
    lines = proc.stderr.decode().strip().splitlines()
    assert lines[0] == f"runsmig: error: {says}" and lines[1].startswith("  hint: ") and len(lines) == 2


def test_file_of_another_checkout_is_refused(mini, tmp_path):
    other = git_copy(FIXTURES / "md-prose" / "before", tmp_path / "other")
    some = sorted(p for p in other.rglob("*.md"))[0]
    proc = runsmig("check", "README.md", str(some), cwd=mini, check_rc=2)
    assert f"{some}: is not inside the checkout {mini.resolve()}" in proc.stderr.decode()


def test_files_outside_git_use_the_current_folder(tmp_path):
    root = tmp_path / "plain"
    shutil.copytree(MINI, root)
    out = _json(runsmig("check", "--format", "json", "README.md", cwd=root, check_rc=1))
    assert {f["path"] for f in out["findings"]} == {"README.md"}
