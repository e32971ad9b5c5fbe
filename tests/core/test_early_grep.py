"""The candidate grep started before the recipe is loaded (runsmig.earlygrep): its needles are a
guess from a fast read of the recipe; the scan adopts it only when the loaded recipe gives exactly
those needles, so a wrong guess costs time and never changes an answer."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from runsmig import earlygrep
from runsmig.cli.check import build_report
from runsmig.recipe import load_recipe
from runsmig.runner.scan import needles
from runsmig.terms import TermEngine
from tests.helpers import committed_checkout

RECIPES = {
    "plain": "version: 1\nname: r\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n",
    "block style, no plural": "version: 1\nname: r\nterms:\n  - from: Job\n    to: run\n",
    "irregular plural": "version: 1\nname: r\nterms:\n  - {from: person, plural: people, to: member}\n",
    "symbols and moves": (
        "version: 1\nname: r\nterms:\n  - {from: job, to: run}\nsymbols:\n  Worker: Runner\n"
        "paths:\n  rename:\n    - {from: src/legacy/index.ts, to: src/modern/index.ts}\n"
        "  delete:\n    - {path: src/oldqueue.py, reason: gone}\n"),
    "yaml 1.1 words": "version: 1\nname: r\nterms:\n  - {from: job, to: run}\nsymbols:\n  on: off\n  yes: 'no'\n",
}


@pytest.fixture(autouse=True)
def _cache_outside(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNSMIG_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.parametrize("text", RECIPES.values(), ids=list(RECIPES))
def test_the_guess_is_the_needles_of_the_loaded_recipe(tmp_path, text):
    path = tmp_path / "recipe.yaml"
    path.write_text(text, "utf-8")
    recipe = load_recipe(path)
    assert earlygrep._guess(path) == needles(recipe, TermEngine.from_recipe(recipe))


@pytest.mark.parametrize("text", ["version: 1\nterms: [[", "- a\n- b\n", "terms:\n  - {to: run}\n", "terms: &a [*a]\n"])
def test_no_guess_from_what_is_not_a_plain_recipe(tmp_path, text):
    path = tmp_path / "recipe.yaml"
    path.write_text(text, "utf-8")
    assert earlygrep._guess(path) is None


def test_a_fifo_recipe_is_never_waited_on(tmp_path):
    fifo = tmp_path / "recipe.yaml"
    os.mkfifo(fifo)
    done: list = []
    t = threading.Thread(target=lambda: done.append(earlygrep._guess(fifo)), daemon=True)
    t.start()
    t.join(5)
    assert done == [None]


def test_a_running_grep_is_adopted_only_for_the_same_needles(tmp_path):
    root = committed_checkout(tmp_path, {"a.py": "job = 1\n"}, RECIPES["plain"])[0]
    earlygrep.start(root, _recipe(tmp_path), None)
    procs = earlygrep.adopt(root, ["job"])
    assert procs is not None and len(procs) == 1
    out, _ = procs[0].communicate()
    assert out.split(b"\0")[0] == b"a.py"
    earlygrep.start(root, _recipe(tmp_path), None)
    (proc,) = earlygrep._RUNNING[root.resolve()][1]
    assert earlygrep.adopt(root, ["job", "worker"]) is None  # other needles: killed, not adopted
    assert proc.returncode is not None and root.resolve() not in earlygrep._RUNNING


def test_nothing_is_started_when_the_cache_may_answer(tmp_path):
    root = committed_checkout(tmp_path, {"a.py": "job = 1\n"}, RECIPES["plain"])[0]
    folder = tmp_path / "cachefolder"
    folder.mkdir()
    earlygrep.start(root, _recipe(tmp_path), folder)
    assert root.resolve() not in earlygrep._RUNNING


def test_greps_left_unadopted_are_killed_at_exit(tmp_path):
    root = committed_checkout(tmp_path, {"a.py": "job = 1\n"}, RECIPES["plain"])[0]
    earlygrep.start(root, _recipe(tmp_path), None)
    (proc,) = earlygrep._RUNNING[root.resolve()][1]
    earlygrep._stop_all()
    assert proc.returncode is not None and not earlygrep._RUNNING


def test_a_wrong_guess_changes_no_answer(tmp_path, monkeypatch):
    """The grep started for a wrong guess is killed and the right one run: the report equals the
    one made with no early grep at all."""
    spec = {"a.py": "job = 1\n", "b.py": "class Worker:\n    pass\n", "c.md": "nothing here\n", "d.ts": "const jobs = [];\n"}
    root = committed_checkout(tmp_path, spec, RECIPES["symbols and moves"])[0]
    recipe = load_recipe(_recipe(tmp_path, RECIPES["symbols and moves"]))
    plain = build_report(root, recipe, workers=1)
    monkeypatch.setattr(earlygrep, "_guess", lambda path: ["job"])  # misses the symbol 'worker'
    earlygrep.start(root, recipe.source, None)
    (early,) = earlygrep._RUNNING[root.resolve()][1]
    guessed = build_report(root, recipe, workers=1)
    assert early.returncode is not None  # killed, not read
    assert [f.as_dict() for f in guessed.findings] == [f.as_dict() for f in plain.findings]
    assert any(f.path == "b.py" for f in plain.findings)


def _recipe(tmp_path: Path, text: str = RECIPES["plain"]) -> Path:
    folder = tmp_path / "recipes"
    folder.mkdir(exist_ok=True)
    path = folder / "recipe.yaml"
    path.write_text(text, "utf-8")
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return path


@pytest.mark.parametrize("extra,pyproject,starts", [
    ([], None, True),
    (["--no-cache", "--format", "json"], None, True),
    (["--since", "HEAD~1"], None, False),  # a partial check: left to the command
    (["--unknown"], None, False),
    ([], "[tool.runsmig]\nrecipe = 'x'\n", False),  # the checkout names its recipe: known after the settings
    ([], "[project]\nname = 'x'\n", True),
])
def test_the_command_line_starts_the_grep_only_for_a_plain_check(tmp_path, monkeypatch, extra, pyproject, starts):
    root = committed_checkout(tmp_path, {"a.py": "job = 1\n"}, RECIPES["plain"])[0]
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject)
    monkeypatch.chdir(root)
    earlygrep.from_argv([".", "--no-job-terms", "--recipe", str(_recipe(tmp_path)), *extra])
    try:
        assert (root.resolve() in earlygrep._RUNNING) is starts
    finally:
        earlygrep._stop_all()
