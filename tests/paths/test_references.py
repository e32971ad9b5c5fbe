"""Path references: resolution, rewriting in style, dynamic references, and the cache."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from runsmig.languages.refs.patterns import bases, regex
from runsmig.languages.refs.resolve import location, narrow, resolve, tree, written
from runsmig.languages.refs.tokens import dynamic

FILES = frozenset({
    "static/img/cron-jobs.svg", "static/img/logo.png", "img/logo.png", "docs/intro.md", "docs/img/a.png",
    "src/components/X.tsx", "src/css/a.css", "docs/jobs/one.md", "docs/jobs/two.md",
})


@pytest.mark.parametrize("referrer,token,expected", [
    ("src/css/a.css", "../../static/img/cron-jobs.svg", [("static/img/cron-jobs.svg", "relative")]),
    ("src/components/X.tsx", "@site/static/img/cron-jobs.svg", [("static/img/cron-jobs.svg", "alias")]),
    ("docs/intro.md", "/img/cron-jobs.svg", [("static/img/cron-jobs.svg", "rooted")]),
    ("docs/intro.md", "img/a.png", [("docs/img/a.png", "near")]),
    ("docs/intro.md", "./jobs/", [("docs/jobs", "relative")]),
    ("docs/intro.md", "https://x.org/static/img/logo.png", []),
    ("docs/intro.md", "../../outside.png", []),
    ("docs/intro.md", "./missing.png", []),
])
def test_resolve(referrer, token, expected):
    assert [(t.path, t.style) for t in resolve(FILES, referrer, token)] == expected


def test_two_roots_are_ambiguous():
    found = {t.path for t in resolve(FILES, "docs/intro.md", "/img/logo.png")}
    assert found == {"static/img/logo.png", "img/logo.png"}


def test_written_keeps_the_style():
    t = resolve(FILES, "src/components/X.tsx", "@site/static/img/cron-jobs.svg")[0]
    assert written("@site/static/img/cron-jobs.svg", t, "static/img/cron-runs.svg", "src/components/X.tsx") \
        == "@site/static/img/cron-runs.svg"
    t = resolve(FILES, "docs/intro.md", "/img/cron-jobs.svg")[0]
    assert written("/img/cron-jobs.svg", t, "static/icons/cron.svg", "docs/intro.md") == "/icons/cron.svg"
    assert written("/img/cron-jobs.svg", t, "elsewhere/cron.svg", "docs/intro.md") is None  # left the web root
    t = resolve(FILES, "src/css/a.css", "./../../static/img/logo.png")[0]
    assert written("../../static/img/logo.png", t, "static/img/logo.png", "src/styles/deep/a.css") \
        == "../../../static/img/logo.png"
    assert narrow("/img/cron-jobs.svg", "/img/cron-runs.svg") == (10, 13, "run")


def test_folder_location_follows_its_files():
    t = tree(FILES)
    moves = {"docs/jobs/one.md": "docs/runs/one.md", "docs/jobs/two.md": "docs/runs/two.md"}
    assert location(t, moves, frozenset(), "docs/jobs") == ("docs/runs", "")
    split = {"docs/jobs/one.md": "docs/runs/one.md"}
    assert location(t, split, frozenset(), "docs/jobs")[0] is None


@pytest.mark.parametrize("text,pieces", [
    ("require('./img/' + name + '.svg')", ("./img/", None, ".svg")),
    ("`/img/${kind}.png`", ("/img/", None, ".png")),
    ('f"static/{x}.png"', ("static/", None, ".png")),
])
def test_dynamic_pieces(text, pieces):
    (d,) = dynamic(text)
    assert d.pieces == pieces


def test_dynamic_not_a_path():
    assert dynamic("const s = 'Hello ' + name + '!';") == []
    assert dynamic("`${a} and ${b}`") == []


def test_dynamic_pattern_matches_only_its_folder():
    (d,) = dynamic("require('../../static/img/' + name + '.svg')")
    found = bases(d, "src/components/X.tsx", lambda f: tree(FILES).kind(f) == "folder")
    (base, head), = found
    rx = regex(base, head, d.pieces, d.glob)
    assert rx.match("static/img/cron-jobs.svg")
    assert not rx.match("static/other/cron-jobs.svg") and not rx.match("static/img/logo.png")


# -- the whole run -----------------------------------------------------------------------
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _git(tree: Path) -> None:
    for cmd in (["init", "-q"], ["add", "-A"], ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"]):
        subprocess.run(["git", *cmd], cwd=tree, check=True)


def _plan(tree: Path, case: str, *extra: str) -> subprocess.CompletedProcess:
    import os
    import sys

    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src), "RUNSMIG_CACHE_DIR": str(tree.parent / "cache"),
           "RUNSMIG_CACHE_KEY_FILE": str(tree.parent / "key")}
    return subprocess.run([sys.executable, "-m", "runsmig", "plan", str(tree), "--recipe",
                           str(FIXTURES / case / "recipe.yaml"), "-q", "--workers", "1", *extra],
                          capture_output=True, text=True, env=env, timeout=300)


def test_dynamic_reference_makes_a_conflict_in_git_and_the_cache_agrees(tmp_path):
    tree_ = tmp_path / "t"
    shutil.copytree(FIXTURES / "refs-dynamic-conflict" / "before", tree_)
    _git(tree_)
    fresh = _plan(tree_, "refs-dynamic-conflict", "--no-cache")
    assert "Dyn.tsx:3:18: rename conflict: 'static/img/cron-jobs.svg' is not moved" in fresh.stderr
    assert "rename from static/img/cron-jobs.svg" not in fresh.stdout
    first = _plan(tree_, "refs-dynamic-conflict")
    # the reference goes: the move is made, and the cached run agrees with a fresh one
    (tree_ / "src/components/Dyn.tsx").write_text("export const x = 1;\n")
    second = _plan(tree_, "refs-dynamic-conflict")
    again = _plan(tree_, "refs-dynamic-conflict", "--no-cache")
    assert first.stdout == fresh.stdout
    assert second.stdout == again.stdout
    assert "rename from static/img/cron-jobs.svg" in second.stdout
    assert "cron-runs.svg" in second.stdout.split("src/components/Cron.tsx", 1)[1]


DELETE_RECIPE = ("version: 1\nname: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
                 "paths:\n  delete:\n    - {path: app/jobs/, reason: the jobs feature is removed}\n")


@pytest.mark.parametrize("counterpart", [True, False])
def test_a_reference_to_a_deleted_file_follows_its_counterpart_or_is_a_follow_up(tmp_path, counterpart):
    """A reference to a file the recipe deletes: when the term map's rewrite names a file that stays
    (the counterpart that replaces it), the reference is rewritten to it; else it is a follow-up."""
    import os
    import sys

    tree_ = tmp_path / "t"
    files = {"app/jobs/router.py": "ROUTES = []\n", "docs/plan.md": "See `app/jobs/router.py` for the routes.\n",
             "README.md": "# t\n"}
    if counterpart:
        files["app/runs/router.py"] = "ROUTES = []\n"
    for rel, text in files.items():
        (tree_ / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree_ / rel).write_text(text)
    _git(tree_)
    (tmp_path / "recipe.yaml").write_text(DELETE_RECIPE)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
           "RUNSMIG_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-m", "runsmig", "plan", str(tree_), "--recipe", str(tmp_path / "recipe.yaml"),
                           "--workers", "1"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    if counterpart:
        assert "+See `app/runs/router.py` for the routes." in proc.stdout
        assert "is deleted by the recipe: re-point or remove it" not in proc.stderr
    else:
        assert "docs/plan.md" not in proc.stdout
        assert "'app/jobs/router.py' is deleted by the recipe: re-point or remove it" in proc.stderr
