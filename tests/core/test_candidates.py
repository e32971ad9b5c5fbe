"""Candidates first (runsmig.runner.scan): one scan decides which files reach the analyzer: those
holding a term (either number, any case), a recipe symbol or the name of a module the recipe moves,
and those a recipe transform names. Every other file ends ``unchanged`` without being opened. In a
git checkout the scan is ``git grep``; elsewhere each file is searched in Python: both must report
the same. Symlinks are never followed, whatever git's index says they were."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from runsmig import runner
from runsmig.recipe import load_recipe
from runsmig.runner.scan import Candidates, needles
from runsmig.terms import TermEngine
from tests.helpers import git, runsmig, spy_on_analysis

JOB_RECIPE = "version: 1\nname: candidates\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"


@pytest.fixture(autouse=True)
def _cache_outside(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNSMIG_CACHE_DIR", str(tmp_path / "cache"))  # no result cache inside the checkouts


def _write(root: Path, spec: dict[str, bytes | str]) -> Path:
    for rel, data in spec.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


def _commit(root: Path) -> Path:
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


def _recipe(tmp_path: Path, text: str, transforms: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "recipe"
    folder.mkdir()
    (folder / "recipe.yaml").write_text(text, "utf-8")
    for name, src in (transforms or {}).items():
        (folder / "transforms").mkdir(exist_ok=True)
        (folder / "transforms" / f"{name}.py").write_text(src, "utf-8")
    return folder / "recipe.yaml"


def _check(root: Path, recipe: Path | None = None, *extra: str) -> dict:
    args = ["check", str(root), "--format", "json", "--workers", "1", *extra]
    if recipe is not None:
        args += ["--recipe", str(recipe)]
    proc = runsmig(*args)
    assert proc.returncode in (0, 1), proc.stderr.decode()[-2000:]
    return json.loads(proc.stdout)


# -- (a) files the scan leaves out are never opened by the analyzer ---------------------------------
SCAN_RECIPE = """version: 1
name: scan
terms:
  - {from: job, plural: jobs, to: run, to_plural: runs}
symbols:
  LegacyWorker: Runner
paths:
  rename:
    - {from: pkg/helpers.py, to: pkg/tools.py, reason: clearer name}
"""
NAMED_TRANSFORM = '''"""named: touches one file that holds no term."""
from runsmig.findings import Analysis

PATHS = ["/named.txt"]


def transform(ctx):
    return Analysis()
'''
SCAN_TREE = {
    "clean.py": "def start():\n    return 1\n",
    "clean.md": "# Notes\n\nNothing to see.\n",
    "clean.bin": b"\x00\x01\x02\xff",
    "sub/clean.ts": "export const x = 1;\n",
    "term.py": "job = 1\n",
    "upper.md": "MAX JOBS\n",
    "mixed.ts": "const x = getJobId();\n",
    "symbol.py": "from w import LegacyWorker\n",  # a recipe symbol, no term
    "symbol_lower.txt": "the legacyworker daemon\n",
    "importer.py": "from pkg.helpers import add\n",  # names the moved module
    "named.txt": "plain text\n",  # named by a transform's PATHS
    "pkg/__init__.py": "",
    "pkg/helpers.py": "def add(a, b):\n    return a + b\n",  # moves: its bytes travel with the rename
    "binterm.bin": b"\x00job\x00",
}
CLEAN = {"clean.py", "clean.md", "clean.bin", "sub/clean.ts", "pkg/__init__.py"}
LOOKED_AT = {"term.py", "upper.md", "mixed.ts", "symbol.py", "symbol_lower.txt", "importer.py", "named.txt",
             "pkg/helpers.py", "binterm.bin"}


@pytest.mark.parametrize("as_git", [True, False], ids=["git", "folder"])
def test_a_file_without_any_needle_is_never_opened_by_the_analyzer(as_git, tmp_path, monkeypatch):
    recipe = load_recipe(_recipe(tmp_path, SCAN_RECIPE, {"named": NAMED_TRANSFORM}))
    root = _write(tmp_path / "co", SCAN_TREE)
    if as_git:
        _commit(root)
    seen = spy_on_analysis(monkeypatch)
    result = runner.run(root, recipe, workers=1)
    assert result.git is as_git
    assert sorted(seen) == sorted(LOOKED_AT)
    status = {o.rel: o.status for o in result.outcomes}
    assert set(status) == CLEAN | LOOKED_AT
    for rel in CLEAN:
        assert status[rel] == "unchanged", rel
        o = next(o for o in result.outcomes if o.rel == rel)
        assert o.old is None and o.reported == []  # nothing was read
    assert status["term.py"] == "changed" and status["binterm.bin"] == "skipped"


def test_needles_are_terms_symbols_and_moved_module_names_in_lower_case(tmp_path):
    recipe = load_recipe(_recipe(tmp_path, SCAN_RECIPE))
    words = needles(recipe, TermEngine.from_recipe(recipe))
    assert {"job", "legacyworker", "helpers"} <= set(words)
    assert "jobs" not in words  # 'job' finds every file 'jobs' would: one needle less for git grep
    assert all(w == w.lower() for w in words)


def test_candidates_in_git_see_work_tree_edits_not_the_index(tmp_path):
    recipe = load_recipe(_recipe(tmp_path, JOB_RECIPE))
    root = _commit(_write(tmp_path / "co", {"gained.py": "x = 1\n", "lost.py": "job = 1\n", "kept.py": "y = 2\n"}))
    (root / "gained.py").write_text("job = 1\n")  # the term only in the work tree
    (root / "lost.py").write_text("x = 1\n")  # the term only in the index
    (root / "new.py").write_text("jobs = []\n")  # untracked, not ignored
    files = ["gained.py", "kept.py", "lost.py", "new.py"]
    scan = Candidates(root, recipe, TermEngine.from_recipe(recipe))
    assert scan.of(files, git=True, untracked=frozenset({"new.py"})) == {"gained.py", "new.py"}


# -- (b) a git checkout and the same tree as a plain folder report the same -------------------------
MIXED = {
    "src/a.py": "job_id = 1\n\n\ndef clean():\n    return 2\n",
    "src/clean.py": "def start():\n    return 1\n",
    "src/edited.py": "x = 1\n",  # gains the term in the work tree (git case: uncommitted)
    "web/b.ts": "export const jobs: string[] = [];\n",
    "web/clean.ts": "export const x = 1;\n",
    "docs/c.md": "# Jobs\n\nThe job is queued.\n",
    "docs/clean.md": "Nothing here.\n",
    "docs/\u00fcn\u00efcode name.md": "a job with a space and accents in its file name\n",
    "docs/.gitignore": "draft.md\n",
    "docs/draft.md": "job draft, ignored by a nested .gitignore\n",
    "conf/d.json": '{"job": 1, "other": 2}\n',
    "conf/e.yaml": "jobs: 2\nname: x\n",
    "conf/clean.yaml": "name: x\n",
    "notes/job_notes.txt": "only the file name holds it\n",
    "assets/term.bin": b"\x00\x01job\x00\xff",
    "assets/clean.bin": b"\x00\x01\x02\xff",
    "UPPER.txt": "MAX_JOBS = 3\nJOBS\n",
    ".gitignore": "ignored.txt\nout/\n",
}
IGNORED = {"ignored.txt": "a job\n", "out/x.py": "job = 1\n"}


def test_git_checkout_and_plain_folder_report_the_same_findings(tmp_path):
    gitroot = _commit(_write(tmp_path / "git", MIXED))
    _write(gitroot, IGNORED)  # ignored: never committed, never reported
    (gitroot / "src/edited.py").write_text("x = 1\nrun_job = 2\n")
    (gitroot / "untracked.py").write_text("jobs = []\n")
    assert "?? untracked.py" in git(gitroot, "status", "--porcelain")
    plain = tmp_path / "plain"
    shutil.copytree(gitroot, plain, ignore=shutil.ignore_patterns(".git"))
    assert not (plain / ".git").exists()

    in_git, in_folder = _check(gitroot), _check(plain)
    assert in_git == in_folder  # findings, skipped, failures, summary: all of it
    paths = {f["path"] for f in in_git["findings"]}
    assert paths == {"src/a.py", "src/edited.py", "web/b.ts", "docs/c.md", "docs/\u00fcn\u00efcode name.md",
                     "conf/d.json", "conf/e.yaml", "notes/job_notes.txt", "UPPER.txt", "untracked.py"}
    assert {f["text"] for f in in_git["findings"] if f["path"] == "UPPER.txt"} == {"JOBS"}
    assert in_git["summary"]["reconciliation"]["in_binary_files"] == 1  # assets/term.bin, counted not rewritten
    assert not paths & {"ignored.txt", "out/x.py", "docs/draft.md"}


# -- (c) an irregular plural need not hold its singular ---------------------------------------------
PEOPLE = "version: 1\nname: people\nterms:\n  - {from: person, plural: people, to: member, to_plural: members}\n"


@pytest.mark.parametrize("as_git", [True, False], ids=["git", "folder"])
def test_a_file_holding_only_the_irregular_plural_is_a_candidate(as_git, tmp_path):
    recipe_path = _recipe(tmp_path, PEOPLE)
    recipe = load_recipe(recipe_path)
    root = _write(tmp_path / "co", {"count.py": "people = 1\n", "other.py": "x = 1\n", "PEOPLE.md": "PEOPLE\n"})
    if as_git:
        _commit(root)
    assert "people" in needles(recipe, TermEngine.from_recipe(recipe))
    scan = Candidates(root, recipe, TermEngine.from_recipe(recipe))
    assert scan.of(["PEOPLE.md", "count.py", "other.py"], git=as_git) == {"PEOPLE.md", "count.py"}
    out = _check(root, recipe_path)
    assert [(f["path"], f["line"], f["text"], f["replacement"]) for f in out["findings"]
            if f["path"] == "count.py"] == [("count.py", 1, "people", "members")]


# -- (d) symlinks, whatever the index says ----------------------------------------------------------
def _symlinked_checkout(tmp_path: Path) -> tuple[Path, Path]:
    outside = _write(tmp_path / "outside", {"target.py": "job = 9\n", "pkgdir/mod.py": "job = 8\n",
                                            "loose.py": "job = 7\n"})
    root = _write(tmp_path / "co", {"a.py": "job = 1\n", "victim.py": "x = 1\n", "pkg/mod.py": "job = 2\n"})
    os.symlink("a.py", root / "link.py")  # a tracked symlink to a file holding the term
    _commit(root)
    assert git(root, "ls-files", "-s", "link.py").startswith("120000 ")
    # a tracked file becomes a symlink out of the checkout (uncommitted typechange)
    (root / "victim.py").unlink()
    os.symlink(outside / "target.py", root / "victim.py")
    # a tracked folder becomes a symlink out of the checkout
    shutil.rmtree(root / "pkg")
    os.symlink(outside / "pkgdir", root / "pkg")
    # an untracked symlink out of the checkout
    os.symlink(outside / "loose.py", root / "loose.py")
    status = git(root, "status", "--porcelain")
    assert " T victim.py" in status and " D pkg/mod.py" in status
    return root, outside


def test_symlinks_are_skipped_and_never_read(tmp_path):
    root, _ = _symlinked_checkout(tmp_path)
    recipe = _recipe(tmp_path, JOB_RECIPE)
    out = _check(root, recipe)
    assert [(f["path"], f["text"]) for f in out["findings"]] == [("a.py", "job")]
    skipped = {s["path"]: s["reason"] for s in out["skipped"]}
    for rel in ("link.py", "victim.py", "pkg/mod.py", "loose.py"):
        assert "symlink" in skipped.get(rel, ""), (rel, skipped)
    assert out["summary"]["reconciliation"]["raw_occurrences_total"] == 1  # the targets' terms were not read


def test_apply_never_writes_through_a_symlink(tmp_path):
    root, outside = _symlinked_checkout(tmp_path)
    recipe = _recipe(tmp_path, JOB_RECIPE)
    before = {p: p.read_bytes() for p in outside.rglob("*") if p.is_file()}
    proc = runsmig("apply", str(root), "--allow-dirty", "--recipe", str(recipe), "--workers", "1")
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert (root / "a.py").read_text() == "run = 1\n"  # it did apply
    assert {p: p.read_bytes() for p in outside.rglob("*") if p.is_file()} == before
    for rel, target in (("victim.py", outside / "target.py"), ("pkg", outside / "pkgdir"),
                        ("loose.py", outside / "loose.py"), ("link.py", Path("a.py"))):
        assert (root / rel).is_symlink() and Path(os.readlink(root / rel)) == target, rel
    assert not (root / "pkg/mod.py").is_symlink() and (root / "pkg/mod.py").read_text() == "job = 8\n"


def test_a_tracked_file_under_an_ignore_rule_is_still_searched(tmp_path):
    """git tracks .env.example although .gitignore says '.env*' (it was added before, or with -f):
    git grep --untracked would skip it; the gate must not."""
    from runsmig.runner import run as run_checkout
    from tests.helpers import git as git_

    root = tmp_path / "co"
    root.mkdir()
    (root / ".gitignore").write_text(".env*\n", "utf-8")
    (root / ".env.example").write_text("# where the job files go\nJOB_DIR=./data/jobs\n", "utf-8")
    (tmp_path / "recipe.yaml").write_text(
        "version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n", "utf-8")
    git_(root, "init", "-q")
    git_(root, "add", "-f", ".gitignore", ".env.example")
    git_(root, "commit", "-qm", "init")
    (root / "notes.md").write_text("an untracked job note\n", "utf-8")  # untracked, not ignored
    from runsmig.recipe import load_recipe

    result = run_checkout(root, load_recipe(tmp_path / "recipe.yaml"), workers=1)
    by = {o.rel: o for o in result.outcomes}
    assert by[".env.example"].status == "changed"
    assert by[".env.example"].new == b"# where the run files go\nRUN_DIR=./data/runs\n"
    assert by["notes.md"].status == "changed"
