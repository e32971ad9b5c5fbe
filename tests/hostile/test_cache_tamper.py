"""A cache that cannot lie (issue #20, item 3). The cache folder is not trusted: in CI it may be
restored from a pull request's branch, and anyone who can write to it can edit an entry. Whatever
it holds, ``check`` with the cache must answer as ``check --no-cache`` does: an edited, foreign,
truncated or garbled entry is ignored and recomputed; an edit the index's stat data cannot see
(same size, mtime restored, under core.trustctime=false or core.checkStat=minimal) is seen; and
submodules, symlinks and FIFOs are the same with and without the cache."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import committed_checkout, git

RECIPE = "version: 1\nname: tamper\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
FILES = {"app/jobs.py": "def start_job(job):\n    return job\n", "README.md": "# Jobs\n\nA job runs.\n",
         "app/other.py": "x = 1\n", "app/clean.py": "def start_run(run):\n    return run\n"}
SEAL_HEAD = b"runsmig-sealed-1 "


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """This test's cache folder and key file (the CLI runs inherit them)."""
    monkeypatch.setenv("RUNSMIG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("RUNSMIG_CACHE_KEY_FILE", str(tmp_path / "state-a" / "cache.key"))
    return tmp_path / "cache"


def _check(root: Path, *args: str, timeout: float = 120) -> tuple[int, bytes, bytes]:
    """(exit code, stdout, stderr) of ``runsmig check`` on the checkout."""
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.run([sys.executable, "-m", "runsmig", "check", "--recipe", str(root.parent / "recipe.yaml"),
                           "-q", *args], cwd=root, capture_output=True, env=env, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def _fresh(root: Path, *args: str) -> tuple[int, bytes, bytes]:
    return _check(root, "--no-cache", *args)


def _entries(cache: Path, kind: str) -> list[Path]:
    """The stored entries of one kind: reports, blobs (the blob memo) or results."""
    if kind == "reports":
        return sorted(cache.rglob("reports/*.json"))
    if kind == "blobs":
        return sorted(cache.rglob("blobs/*.txt"))
    return sorted(p for p in cache.rglob("*.json") if p.parent.parent.name not in ("reports", "transform-paths")
                  and p.parent.name not in ("reports", "transform-paths"))


def _payload(path: Path) -> bytes:
    raw = path.read_bytes()
    return raw.split(b"\n", 1)[1] if raw.startswith(SEAL_HEAD) else raw


def _edit(path: Path, change) -> None:
    """Change an entry's payload as someone without the key can: its seal line (if any) is kept."""
    raw = path.read_bytes()
    head, payload = raw.split(b"\n", 1) if raw.startswith(SEAL_HEAD) else (None, raw)
    new = change(payload)
    path.write_bytes(new if head is None else head + b"\n" + new)


def _forge(path: Path, change) -> None:
    """Change an entry and seal it with the current key (an attacker's own machine and key)."""
    try:
        from runsmig.runner import seal
    except ImportError:  # a runsmig that seals nothing: the plain edit is the forgery
        _edit(path, change)
        return
    kind = {"reports": "report", "blobs": "blobs"}.get(path.parent.name, "result")
    seal.write_whole(path, seal.seal(seal.machine_key(), kind, path.stem, change(_payload(path))))


def _report_says_clean(payload: bytes) -> bytes:
    entry = json.loads(payload)
    entry.update(stdout="", summary="runsmig check: 0 finding(s), 0 allowlisted, 0 unreadable, 4 files", exit_code=0)
    return json.dumps(entry).encode()


def _result_says_clean(payload: bytes) -> bytes:
    entry = json.loads(payload)
    o = entry["outcome"]
    o.update(status="unchanged", new="=" if o.get("new") is not None else None, applied=[], reported=[], allowed=[],
             raw=0, non_term=[])
    return json.dumps(entry).encode()


def _blobs_say_clean(payload: bytes) -> bytes:
    head, _, body = payload.decode().partition("\n\n")
    holds, _, clean = body.partition("-\n")
    return (head + "\n\n-\n" + holds + clean).encode()


def _checkout(tmp_path: Path) -> Path:
    root, _ = committed_checkout(tmp_path, FILES, RECIPE)
    return root


# -- an edited entry -------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_edited_report_does_not_pass_the_gate(tmp_path, cache, fmt):
    root = _checkout(tmp_path)
    fresh = _fresh(root, "--format", fmt)
    assert fresh[0] == 1
    assert _check(root, "--format", fmt) == fresh
    (report,) = _entries(cache, "reports")
    _edit(report, _report_says_clean)
    assert _check(root, "--format", fmt) == fresh
    assert json.loads(_payload(report))["exit_code"] == 1  # recomputed, and stored over the edit
    assert _check(root, "--format", fmt) == fresh


def test_an_edited_result_entry_is_recomputed(tmp_path, cache):
    root = _checkout(tmp_path)
    fresh = _fresh(root)
    assert _check(root) == fresh and fresh[0] == 1
    results = _entries(cache, "results")
    assert results
    for p in results:
        _edit(p, _result_says_clean)
    for p in _entries(cache, "reports"):
        p.unlink()  # the gate's whole answer is not remembered: the per-file results are asked
    assert _check(root) == fresh
    outcomes = [json.loads(_payload(p))["outcome"] for p in results]
    assert any(o["applied"] or o["reported"] for o in outcomes)  # recomputed, and stored over the edits


def test_an_edited_blob_memo_does_not_hide_a_file(tmp_path, cache):
    root = _checkout(tmp_path)
    fresh = _fresh(root)
    assert _check(root) == fresh and fresh[0] == 1
    (memo,) = _entries(cache, "blobs")
    _edit(memo, _blobs_say_clean)  # "no blob holds the term"
    for p in _entries(cache, "reports"):
        p.unlink()
    assert _check(root) == fresh


def test_an_edited_transform_paths_memo_is_rebuilt(tmp_path, cache):
    import runsmig.transforms as T

    folder = tmp_path / "recipe" / "transforms"
    folder.mkdir(parents=True)
    (folder / "t.py").write_text('PATHS = ["app/*.py"]\n\ndef transform(ctx):\n    return None\n', "utf-8")
    (t,) = T.load_transforms(folder.parent)
    assert t.patterns == ("app/*.py",)
    (memo,) = (cache / "transform-paths").iterdir()
    _edit(memo, lambda payload: b'["nowhere/*.py"]')
    other = tmp_path / "recipe2" / "transforms"  # load_transforms is remembered per folder in a run
    other.mkdir(parents=True)
    shutil.copy(folder / "t.py", other / "t.py")
    (t,) = T.load_transforms(other.parent)
    assert t.patterns == ("app/*.py",)


# -- a cache folder from elsewhere -----------------------------------------------------------------
def test_a_cache_forged_under_another_key_is_ignored(tmp_path, cache, monkeypatch):
    """Entries that verify under the key they were made with (a pull request's CI run, or an
    attacker's machine) say nothing on a machine with another key."""
    root = _checkout(tmp_path)
    fresh = _fresh(root)
    assert _check(root) == fresh and fresh[0] == 1
    for p in _entries(cache, "reports"):
        _forge(p, _report_says_clean)
    for p in _entries(cache, "results"):
        _forge(p, _result_says_clean)
    for p in _entries(cache, "blobs"):
        _forge(p, _blobs_say_clean)
    assert _check(root)[0] == 0  # under its own key the forgery verifies: it is a real one
    monkeypatch.setenv("RUNSMIG_CACHE_KEY_FILE", str(tmp_path / "state-b" / "cache.key"))
    assert _check(root) == fresh
    for p in _entries(cache, "results"):
        p.unlink()  # and the per-file results and the blob memo alone do not lie either
    assert _check(root, "app/jobs.py", "app/other.py") == _fresh(root, "app/jobs.py", "app/other.py")


def test_an_honest_cache_copied_from_another_key_is_recomputed_not_read(tmp_path, cache, monkeypatch):
    root = _checkout(tmp_path)
    fresh = _fresh(root)
    assert _check(root) == fresh
    before = {p: p.read_bytes() for p in cache.rglob("*") if p.is_file()}
    monkeypatch.setenv("RUNSMIG_CACHE_KEY_FILE", str(tmp_path / "state-b" / "cache.key"))
    assert _check(root) == fresh
    (report,) = _entries(cache, "reports")
    assert report.read_bytes() != before[report]  # not used: made again, and sealed with this key


# -- a damaged entry -------------------------------------------------------------------------------
@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "seal-only", "seal-of-another-entry"])
def test_a_damaged_entry_is_ignored(tmp_path, cache, damage):
    root = _checkout(tmp_path)
    fresh = _fresh(root)
    assert _check(root) == fresh
    entries = _entries(cache, "reports") + _entries(cache, "results") + _entries(cache, "blobs")
    donor = entries[0].read_bytes()
    for p in entries:
        raw = p.read_bytes()
        if damage == "truncated":
            p.write_bytes(raw[: len(raw) // 2])
        elif damage == "garbage":
            p.write_bytes(b"\x00\xff" * 40)
        elif damage == "empty":
            p.write_bytes(b"")
        elif damage == "seal-only":
            p.write_bytes(raw.split(b"\n", 1)[0] + b"\n")
        else:  # another entry's sealed bytes under this entry's name
            p.write_bytes(donor if p != entries[0] else entries[1].read_bytes())
    assert _check(root) == fresh
    assert _check(root) == fresh


# -- stat data ------------------------------------------------------------------------------------
@pytest.mark.parametrize("config", [("core.trustctime", "false"), ("core.checkStat", "minimal"), None])
def test_a_same_size_edit_with_its_mtime_restored_is_seen(tmp_path, cache, config):
    root = _checkout(tmp_path)
    other = root / "app/other.py"
    old = os.stat(other)
    os.utime(other, ns=(old.st_atime_ns, old.st_mtime_ns - 10**12))  # older than the index: not racy
    git(root, "add", "-A")
    git(root, "commit", "-qm", "old mtime", "--allow-empty")
    if config:
        git(root, "config", *config)
    assert _check(root)[0] == 1
    st = os.stat(other)
    # git's index compares ctime in whole seconds (unless built with USE_NSEC): an edit in the very
    # second git recorded the file is invisible to it (and to git status); the cache's promise
    # starts at the next second
    while time.time() < st.st_ctime_ns // 10**9 + 1:
        time.sleep(0.05)
    other.write_text("job=1\n")  # the same size as "x = 1\n"
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(other).st_size == st.st_size and os.stat(other).st_mtime_ns == st.st_mtime_ns
    fresh = _fresh(root)
    assert b"app/other.py:1:1" in fresh[1]
    assert _check(root) == fresh


# -- non-files ------------------------------------------------------------------------------------
def _with_submodule_and_links(tmp_path: Path) -> Path:
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "notes.md").write_text("Every job.\n")
    git(sub, "init", "-q")
    git(sub, "add", "-A")
    git(sub, "commit", "-qm", "sub")
    root = _checkout(tmp_path)
    for where in ("libsub", "deps/more"):  # (a name holding the term would be analysed as a moved file)
        git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), where)
    (root / "link.py").symlink_to("app/jobs.py")
    (root / "docs").symlink_to("app")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "a submodule, symlinks")
    (root / "untracked_link.md").symlink_to("README.md")
    os.mkfifo(root / "pipe")  # untracked: git lists no FIFO
    return root


def test_submodules_and_symlinks_are_the_same_with_and_without_the_cache(tmp_path, cache):
    root = _with_submodule_and_links(tmp_path)
    assert {"libsub", "deps/more"} <= set(git(root, "ls-files").split())
    fresh = _fresh(root)
    assert fresh[0] == 1 and b"cannot read" not in fresh[1] + fresh[2]
    cold = _check(root, timeout=60)
    warm = _check(root, timeout=60)
    assert cold == fresh and warm == fresh
    (root / "new.md").write_text("Nothing here.\n")  # a new file: the report memo cannot answer
    fresh = _fresh(root)
    assert _check(root, timeout=60) == fresh
    assert _check(root, timeout=60) == fresh


def test_a_tracked_file_turned_into_a_fifo_or_a_folder_is_the_same_with_and_without_the_cache(tmp_path, cache):
    root = _checkout(tmp_path)
    assert _check(root)[0] == 1  # the cache holds this tree
    (root / "app/other.py").unlink()
    os.mkfifo(root / "app/other.py")
    (root / "app/clean.py").unlink()
    (root / "app/clean.py").mkdir()
    (root / "app/clean.py/inner.txt").write_text("a job\n")
    fresh = _fresh(root)
    assert _check(root, timeout=30) == fresh
    assert _check(root, timeout=30) == fresh


# -- the key ---------------------------------------------------------------------------------------
def test_the_key_is_made_private_on_first_use(tmp_path, cache):
    root = _checkout(tmp_path)
    _check(root)
    key = tmp_path / "state-a" / "cache.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert not list(key.parent.glob(".tmp-*"))


@pytest.mark.parametrize("where", ["checkout", "cache", "shared"])
def test_a_key_the_checkout_or_others_could_write_is_not_used(tmp_path, cache, monkeypatch, where):
    root = _checkout(tmp_path)
    fresh = _fresh(root)
    if where == "checkout":
        key = root / ".state" / "cache.key"
    elif where == "cache":
        key = cache / "cache.key"
    else:
        key = tmp_path / "shared" / "cache.key"
        key.parent.mkdir()
        key.write_bytes(b"k" * 32)
        key.chmod(0o644)
    monkeypatch.setenv("RUNSMIG_CACHE_KEY_FILE", str(key))
    for _ in range(2):
        rc, out, err = _check(root)
        assert (rc, out) == fresh[:2]
        assert b"running without the cache" in err and err.count(b"\n") == fresh[2].count(b"\n") + 1
    assert not list(cache.rglob("*.json")) and not list(cache.rglob("*.txt"))  # nothing stored
    if where != "shared":
        assert not key.exists()  # nor made there
    assert git(root, "status", "--porcelain") == ""


def test_no_key_to_be_had_means_no_cache_and_the_same_answer(tmp_path, cache, monkeypatch):
    root = _checkout(tmp_path)
    fresh = _fresh(root)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("RUNSMIG_CACHE_KEY_FILE", str(blocked / "cache.key"))  # cannot be created
    assert _check(root) == fresh and _check(root) == fresh
    assert not list(cache.rglob("*.json"))
