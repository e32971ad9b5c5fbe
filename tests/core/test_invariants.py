"""Invariants: encoding/BOM/CRLF/mode kept, symlinks never followed, ignores and
suppressions honoured, and the printed diff applies with git for awkward files."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest

from runsmig.apply import apply_plan
from runsmig.plan import build_plan
from runsmig.recipe import load_recipe
from tests.helpers import files, git, runsmig

RECIPE = load_recipe(None)


def _tree(root, spec: dict[str, bytes]):
    for rel, data in spec.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return root


def _apply(root):
    plan = build_plan(root, RECIPE, workers=1)
    apply_plan(plan)
    return plan


def test_crlf_bom_and_mode_are_preserved(tmp_path):
    root = _tree(tmp_path / "t", {
        "notes.txt": b"\xef\xbb\xbfthe job\r\nmore jobs\r\n",
        "run.sh": b"#!/bin/sh\necho job\n",
    })
    os.chmod(root / "run.sh", 0o755)
    _apply(root)
    assert (root / "notes.txt").read_bytes() == b"\xef\xbb\xbfthe run\r\nmore runs\r\n"
    assert (root / "run.sh").read_bytes() == b"#!/bin/sh\necho run\n"
    assert stat.S_IMODE(os.stat(root / "run.sh").st_mode) == 0o755


def test_unchanged_files_are_not_written(tmp_path):
    root = _tree(tmp_path / "t", {"a.txt": b"nothing here\n", "b.txt": b"a job\n"})
    before = os.stat(root / "a.txt").st_mtime_ns
    ino = os.stat(root / "a.txt").st_ino
    _apply(root)
    assert os.stat(root / "a.txt").st_mtime_ns == before and os.stat(root / "a.txt").st_ino == ino


def test_symlinks_are_never_followed_or_written_through(tmp_path):
    outside = _tree(tmp_path / "outside", {"secret.txt": b"job outside\n", "d/inner.txt": b"job\n"})
    root = _tree(tmp_path / "t", {"a.txt": b"job\n"})
    os.symlink(outside / "secret.txt", root / "link.txt")
    os.symlink(outside / "d", root / "linkdir")
    plan = _apply(root)
    assert (outside / "secret.txt").read_bytes() == b"job outside\n"
    assert (outside / "d/inner.txt").read_bytes() == b"job\n"
    assert (root / "link.txt").is_symlink() and (root / "linkdir").is_symlink()
    skipped = dict(plan.result.skipped)
    assert "symlink" in skipped["link.txt"]
    assert (root / "a.txt").read_bytes() == b"run\n"


def test_runsmigignore_and_inline_suppression(tmp_path):
    root = _tree(tmp_path / "t", {
        ".runsmigignore": b"legacy/\n",
        "legacy/old.txt": b"job\n",
        "a.py": b"x = 'job'  # runsmig: ignore\n# runsmig: ignore-next-line\ny = 'job'\nz = 'job'\n",
    })
    _apply(root)
    assert (root / "legacy/old.txt").read_bytes() == b"job\n"
    text = (root / "a.py").read_text()
    assert "x = 'job'" in text and "y = 'job'" in text and "z = 'run'" in text
    chk = runsmig("check", str(root))
    assert chk.returncode == 0, chk.stdout.decode()


def test_gitignore_is_honoured_outside_git(tmp_path):
    root = _tree(tmp_path / "t", {".gitignore": b"build-out/\n*.log\n", "build-out/x.txt": b"job\n",
                                  "a.log": b"job\n", "keep.txt": b"job\n", "node_modules/p/i.js": b"job\n"})
    _apply(root)
    assert (root / "build-out/x.txt").read_bytes() == b"job\n"
    assert (root / "a.log").read_bytes() == b"job\n"
    assert (root / "node_modules/p/i.js").read_bytes() == b"job\n"
    assert (root / "keep.txt").read_bytes() == b"run\n"


def test_rename_conflict_is_reported_not_applied(tmp_path):
    root = _tree(tmp_path / "t", {"docs/job.txt": b"old job\n", "docs/run.txt": b"a run\n"})
    plan = _apply(root)
    assert (root / "docs/run.txt").read_bytes() == b"a run\n"
    assert (root / "docs/job.txt").read_bytes() == b"old run\n"  # content fixed, name kept
    conflicts = [f for f in plan.result.paths.findings if f.rule == "conflict"]
    assert conflicts and conflicts[0].path == "docs/job.txt"
    assert runsmig("check", str(root)).returncode == 1


@pytest.mark.parametrize("name", ["no newline.txt", "crlf.txt", "bin.dat"])
def test_printed_diff_applies_with_git(tmp_path, name):
    contents = {
        "no newline.txt": b"first\nlast job",
        "crlf.txt": b"a job\r\nb\r\n",
        "bin.dat": b"\x00\x01job\x02" * 50,
    }
    root = _tree(tmp_path / "t", {f"jobs/{name}": contents[name], "keep.txt": b"x\n"})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "i")
    other = tmp_path / "o"
    subprocess.run(["cp", "-a", str(root), str(other)], check=True)
    diff = runsmig("plan", str(root), check_rc=0).stdout
    assert b"rename from" in diff
    (tmp_path / "d.diff").write_bytes(diff)
    git(other, "apply", str(tmp_path / "d.diff"))
    runsmig("apply", str(root), check_rc=0)
    assert files(other) == files(root)
    assert f"runs/{name}" in files(root)


def test_deleted_binary_file_diff_applies(tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("version: 1\nname: t\nterms:\n  - {from: job, to: run}\npaths:\n  delete:\n"
                      "    - {path: old/, reason: gone}\n")
    root = _tree(tmp_path / "t", {"old/logo.png": b"\x89PNG\x00\x00" + os.urandom(300), "old/a.txt": b"a\n", "k.txt": b"k\n"})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "i")
    diff = runsmig("plan", str(root), "--recipe", str(recipe), check_rc=0).stdout
    (tmp_path / "d.diff").write_bytes(diff)
    git(root, "apply", "--check", str(tmp_path / "d.diff"))
    git(root, "apply", str(tmp_path / "d.diff"))
    assert not (root / "old").exists()
