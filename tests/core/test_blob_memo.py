"""The blob memo (runsmig.runner.blobmemo): with the cache on, which git blobs hold a needle is kept
between runs, so a later run greps only files whose blob it has not seen. Whatever the memo holds,
the files analysed must be exactly those a fresh scan (no cache) picks."""

from __future__ import annotations

from pathlib import Path

import pytest

from runsmig.runner import run
from runsmig.runner.blobmemo import FORMAT
from runsmig.runner.scan import Candidates
from tests.helpers import cache_payload, committed_checkout, git, reseal

RECIPE = "version: 1\nname: memo\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
FILES = {f"pkg/clean{i}.py": f"x{i} = {i}\n" for i in range(6)} | {
    "pkg/term.py": "job = 1\n", "docs/jobs.md": "# Jobs\n", "docs/other.md": "# Other\n"}


@pytest.fixture
def greps(monkeypatch) -> list[int]:
    """How many times a full git grep was started."""
    calls: list[int] = []
    real = Candidates._grep

    def counted(self):
        calls.append(1)
        return real(self)

    monkeypatch.setattr(Candidates, "_grep", counted)
    return calls


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNSMIG_CACHE_DIR", str(tmp_path / "cache"))


def _looked(root: Path, recipe, cache: bool) -> set[str]:
    return {o.rel for o in run(root, recipe, workers=1, cache=cache).looked}


def _memo_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").rglob("blobs/*.txt"))


def test_a_second_run_greps_nothing_and_reads_the_same_files(tmp_path, greps):
    root, recipe = committed_checkout(tmp_path, FILES, RECIPE)
    first = _looked(root, recipe, cache=True)
    assert first == {"pkg/term.py", "docs/jobs.md"} and len(greps) == 1
    (memo,) = _memo_files(tmp_path)
    assert cache_payload(memo).startswith(FORMAT.encode() + b"\n")
    assert _looked(root, recipe, cache=True) == first
    assert len(greps) == 1  # the memo answered for every file
    assert _looked(root, recipe, cache=False) == first and len(greps) == 2  # --no-cache: a fresh scan


def test_work_tree_edits_and_new_blobs_are_searched_not_remembered(tmp_path, greps):
    root, recipe = committed_checkout(tmp_path, FILES, RECIPE)
    _looked(root, recipe, cache=True)
    (root / "pkg/clean0.py").write_text("job_count = 0\n")  # gains the term, uncommitted
    (root / "pkg/term.py").write_text("y = 1\n")  # loses it, uncommitted
    (root / "new.md").write_text("A job.\n")  # untracked
    (root / "pkg/clean1.py").write_text("JOBS = []\n")
    git(root, "add", "pkg/clean1.py")
    git(root, "commit", "-qm", "a new blob, committed")
    expected = {"pkg/clean0.py", "new.md", "pkg/clean1.py", "docs/jobs.md"}
    assert _looked(root, recipe, cache=True) == expected
    assert len(greps) == 1  # still only the first run's grep: the rest were searched one by one
    assert _looked(root, recipe, cache=False) == expected


def test_a_corrupt_or_foreign_memo_is_ignored_and_rebuilt(tmp_path, greps):
    root, recipe = committed_checkout(tmp_path, FILES, RECIPE)
    _looked(root, recipe, cache=True)
    (memo,) = _memo_files(tmp_path)
    for garbage in ("not a memo\n", FORMAT + "\njob\n\n+zz\n", "\x00\xff"):
        reseal(memo, "blobs", garbage.encode("latin-1"))  # it verifies: its shape is what is wrong
        assert _looked(root, recipe, cache=True) == {"pkg/term.py", "docs/jobs.md"}
        assert cache_payload(memo).startswith(FORMAT.encode() + b"\n")  # rewritten whole
    assert len(greps) == 4


def test_too_many_unseen_files_fall_back_to_one_grep(tmp_path, greps, monkeypatch):
    root, recipe = committed_checkout(tmp_path, FILES, RECIPE)
    _looked(root, recipe, cache=True)
    for i in range(3):
        (root / f"extra{i}.md").write_text("jobs\n" if i else "none\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "three new blobs")
    monkeypatch.setattr(Candidates, "NARROW", 2)
    assert _looked(root, recipe, cache=True) == {"pkg/term.py", "docs/jobs.md", "extra1.md", "extra2.md"}
    assert len(greps) == 2
