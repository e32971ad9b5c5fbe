"""discover: which files a checkout has and which are skipped, in git and outside it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from runsmig.discover import discover

GIT = ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", "-c", "commit.gpgsign=false"]


def _git(root: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True, text=True).stdout


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")
    return root


FILES = {
    "a.py": "x = 1\n",
    "pkg/b.py": "y = 2\n",
    "node_modules/lib/index.js": "z\n",
    "web/node_modules/dep.js": "z\n",
    "docs/with space.md": "# t\n",
    "docs/tab\there.md": "# t\n",
    "docs/line\nbreak.md": "# t\n",
    "docs/ünïcode.md": "# t\n",
    "gen/out.txt": "o\n",
    "vendorish/keep.py": "k = 1\n",  # not a skipped folder: only whole folder names count
}


@pytest.mark.parametrize("as_git", [True, False], ids=["git", "folder"])
def test_files_skips_and_odd_names(tmp_path, as_git):
    root = _tree(tmp_path / "co", FILES)
    (root / ".runsmigignore").write_text("gen/\n")
    os.symlink("a.py", root / "link.py")
    os.symlink(str(tmp_path), root / "outside")  # a folder symlink pointing out of the checkout
    if as_git:
        _git(root, "init", "-q", ".")
        _git(root, "add", "-A")
        _git(root, "commit", "-qm", "t")
    found = discover(root)
    assert found.git is as_git
    expected = sorted(["a.py", "pkg/b.py", "docs/with space.md", "docs/tab\there.md", "docs/line\nbreak.md",
                       "docs/ünïcode.md", "vendorish/keep.py", ".runsmigignore"])
    assert found.files == expected
    why = dict(found.skipped)
    assert why["link.py"].startswith("symlink")
    assert why["gen/out.txt"].startswith("ignored by")
    if as_git:  # the walk never enters node_modules; git lists what is tracked there
        assert why["node_modules/lib/index.js"] == why["web/node_modules/dep.js"] == "vendored or generated folder"
        assert why["outside"].startswith("symlink")


def test_skipped_folders_found_without_ignore_patterns(tmp_path):
    """With no ignore pattern at all, the always-skipped folders are still found, tracked or untracked,
    at the top or nested (git's raw listings are searched for them)."""
    root = _tree(tmp_path / "co", {"a.py": "1\n", "node_modules/top.js": "t\n", "web/node_modules/dep.js": "d\n",
                                   "node_modulesish/keep.js": "k\n"})
    _git(root, "init", "-q", ".")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "t")
    _tree(root, {"node_modules/new.js": "n\n", "app/node_modules/x/y.js": "y\n", "app/main.py": "m\n"})
    found = discover(root)
    assert found.files == ["a.py", "app/main.py", "node_modulesish/keep.js"]
    assert dict(found.skipped) == {p: "vendored or generated folder" for p in
                                   ["app/node_modules/x/y.js", "node_modules/new.js", "node_modules/top.js",
                                    "web/node_modules/dep.js"]}


def test_work_tree_state_the_index_cannot_tell(tmp_path):
    root = _tree(tmp_path / "co", {"kept.py": "1\n", "gone.py": "2\n", "becomes_link.py": "3\n",
                                   "dir/inner.py": "4\n"})
    _git(root, "init", "-q", ".")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "t")
    (root / "gone.py").unlink()  # deleted in the work tree, still tracked: not a file of the checkout
    (root / "becomes_link.py").unlink()
    os.symlink("kept.py", root / "becomes_link.py")  # tracked as a file, a symlink on disk
    (root / "new.py").write_text("5\n")  # untracked, not ignored
    (root / ".gitignore").write_text("ignored.py\n")
    (root / "ignored.py").write_text("6\n")
    found = discover(root)
    assert found.files == [".gitignore", "dir/inner.py", "kept.py", "new.py"]
    assert dict(found.skipped) == {"becomes_link.py": "symlink (never followed or written through)"}
    assert found.untracked == frozenset({".gitignore", "new.py"})


def test_a_conflicted_path_is_listed_once(tmp_path):
    root = _tree(tmp_path / "co", {"c.py": "base\n", "other.py": "o\n"})
    _git(root, "init", "-q", "-b", "main", ".")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    _git(root, "checkout", "-qb", "side")
    (root / "c.py").write_text("side\n")
    _git(root, "commit", "-qam", "side")
    _git(root, "checkout", "-q", "main")
    (root / "c.py").write_text("main\n")
    _git(root, "commit", "-qam", "main")
    subprocess.run([*GIT, "merge", "-q", "side"], cwd=root, capture_output=True)  # conflicts
    assert "1\tc.py" in _git(root, "ls-files", "-s") and "3\tc.py" in _git(root, "ls-files", "-s")
    assert discover(root).files == ["c.py", "other.py"]
