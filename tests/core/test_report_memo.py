"""The report memo (runsmig.runner.reportmemo): a check of a tree it has seen prints the answer it
printed before without building a report. Any change to what the answer depends on (a file's bytes,
committed or not, a new file, the recipe, the format, the files named) must make a fresh report,
and a remembered answer must equal the one a run without cache gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from runsmig.cli import check as check_cmd
from runsmig.cli.common import effective
from tests.helpers import committed_checkout, git, reseal

RECIPE = "version: 1\nname: memo\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
FILES = {"app/jobs.py": "def start_job(job):\n    return job\n", "README.md": "# Jobs\n\nA job runs.\n",
         "app/other.py": "x = 1\n"}


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNSMIG_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def built(monkeypatch) -> list[int]:
    """How many reports were built (a remembered answer builds none)."""
    calls: list[int] = []
    real = check_cmd.build_report

    def counted(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(check_cmd, "build_report", counted)
    return calls


def _answer(root: Path, recipe: Path, fmt: str = "json", only=None, cache: bool = True):
    return check_cmd._answer(root, effective(root, recipe, 1), fmt, only, None, cache)


def _fresh(root: Path, recipe: Path, fmt: str = "json", only=None):
    return _answer(root, recipe, fmt, only, cache=False)


def test_the_same_tree_is_answered_from_the_memo(tmp_path, built):
    root, _ = committed_checkout(tmp_path, FILES, RECIPE)
    recipe = tmp_path / "recipe.yaml"
    first = _answer(root, recipe)
    assert first.exit_code == 1 and '"findings"' in first.stdout and len(built) == 1
    again = _answer(root, recipe)
    assert again == first and len(built) == 1
    assert _fresh(root, recipe) == first


@pytest.mark.parametrize("change", ["commit", "edit", "untracked", "recipe", "ignore"])
def test_a_change_makes_a_fresh_report(tmp_path, built, change):
    root, _ = committed_checkout(tmp_path, FILES, RECIPE)
    recipe = tmp_path / "recipe.yaml"
    before = _answer(root, recipe)
    if change == "commit":
        (root / "app/other.py").write_text("jobs = []\n")
        git(root, "commit", "-qam", "a term")
    elif change == "edit":  # same size, uncommitted: the work tree, not the index, is what counts
        (root / "app/other.py").write_text("job=1\n")
    elif change == "untracked":
        (root / "notes.md").write_text("One more job.\n")
    elif change == "recipe":
        recipe.write_text(RECIPE + "keep: ['start_job']\n")
    else:
        (root / ".runsmigignore").write_text("README.md\n")
    after = _answer(root, recipe)
    assert len(built) == 2, change  # not remembered
    assert after == _fresh(root, recipe) and after != before


def test_format_and_named_files_are_part_of_the_key(tmp_path, built):
    root, _ = committed_checkout(tmp_path, FILES, RECIPE)
    recipe = tmp_path / "recipe.yaml"
    as_json = _answer(root, recipe)
    as_text = _answer(root, recipe, fmt="text")
    one = _answer(root, recipe, only=frozenset({"README.md"}))
    assert len(built) == 3 and len({as_json.stdout, as_text.stdout, one.stdout}) == 3
    assert _answer(root, recipe, fmt="text") == as_text and len(built) == 3
    assert one == _fresh(root, recipe, only=frozenset({"README.md"}))


def test_a_corrupt_memo_is_ignored(tmp_path, built):
    root, _ = committed_checkout(tmp_path, FILES, RECIPE)
    recipe = tmp_path / "recipe.yaml"
    first = _answer(root, recipe)
    (memo,) = (tmp_path / "cache").rglob("reports/*.json")
    for garbage in ("{", '{"format": "runsmig-report-1", "key": "other"}', "[]", '{"format": 3}'):
        reseal(memo, "report", garbage.encode())  # it verifies: its shape is what is wrong
        assert _answer(root, recipe) == first
    assert len(built) == 5


def test_outside_git_nothing_is_remembered(tmp_path, built):
    root = tmp_path / "plain"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE)
    assert _answer(root, recipe) == _answer(root, recipe) and len(built) == 2
    assert not list((tmp_path / "cache").rglob("reports/*.json"))
