"""File-system primitives and the cross-file-system path (EXDEV forced in-process, and real tmpfs)."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest

from runsmig.errors import OperationError, RefusedError
from runsmig.storage import fsops, mover
from runsmig.storage import journal as jr
from runsmig.storage.plan import Options
from tests.storage.builders import build, check_result, tree_files


def test_rename_noreplace_never_replaces_an_empty_folder(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f").write_text("x")
    (tmp_path / "b").mkdir()  # os.rename("a", "b") would silently replace this empty folder
    with pytest.raises(FileExistsError):
        fsops.rename_noreplace(str(tmp_path / "a"), str(tmp_path / "b"))
    assert (tmp_path / "a" / "f").read_text() == "x"
    assert list((tmp_path / "b").iterdir()) == []


def test_rename_noreplace_fallback_also_refuses(tmp_path, monkeypatch):
    monkeypatch.setattr(fsops, "_noreplace_ok", False)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with pytest.raises(FileExistsError):
        fsops.rename_noreplace(str(tmp_path / "a"), str(tmp_path / "b"))
    fsops.rename_noreplace(str(tmp_path / "a"), str(tmp_path / "c"))
    assert (tmp_path / "c").is_dir() and not (tmp_path / "a").exists()


def test_copy_tree_verified_detects_corruption(tmp_path, monkeypatch):
    src = tmp_path / "s"
    (src / "logs").mkdir(parents=True)
    (src / "logs" / "events").write_bytes(b"0123456789" * 100)
    real_copy = fsops._copy_file

    def corrupting(s, d):
        digest = real_copy(s, d)
        with open(d, "r+b") as f:
            f.write(b"X")
        return digest

    monkeypatch.setattr(fsops, "_copy_file", corrupting)
    with pytest.raises(fsops.CopyError, match="sha256 differs"):
        fsops.copy_tree_verified(src, tmp_path / "d")


def _force_exdev(monkeypatch, src_root: Path):
    """rename(2) of anything inside src_root fails with EXDEV, as across mounts."""
    real = fsops.rename_noreplace

    def fake(src: str, dst: str, *fds) -> None:
        if str(src).startswith(str(src_root) + os.sep):
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), src, None, dst)
        real(src, dst, *fds)

    monkeypatch.setattr(mover, "rename_noreplace", fake)


def test_exdev_forced_in_process_copies_verifies_and_deletes(tmp_path, monkeypatch):
    b = build(tmp_path / "dep", None, n_run=5, n_job=0, n_orphan=0, n_norun=0, seed=31)
    (b.src / next(iter(b.expected)) / "logs" / "link").symlink_to("events.ndjson")
    _force_exdev(monkeypatch, b.src.resolve())
    s = mover.run(Options(b.src, b.dst, None, "keep", None, None))
    assert s.copied_across_fs == 5 and s.moved == 5
    assert s.bytes_copied == sum(size for files in b.expected.values() for size, _ in files.values())
    got = tree_files(b.dst)
    assert got.pop(f"{next(iter(b.expected))}/logs/link") == (-1, "->events.ndjson")
    for name, files in b.expected.items():
        for rel, meta in files.items():
            assert got.pop(f"{name}/{rel}") == meta
    assert got == {}
    assert not b.src.exists()
    assert not [p for p in os.listdir(b.dst) if p.startswith(".")]


class Boom(BaseException):
    pass


@pytest.mark.parametrize("where", ["copy", "verify", "place", "delete"])
def test_exdev_interrupted_at_each_step_then_resumed(tmp_path, monkeypatch, where):
    b = build(tmp_path / "dep", None, n_run=4, n_job=0, n_orphan=0, n_norun=0, seed=37)
    _force_exdev(monkeypatch, b.src.resolve())
    calls = {"n": 0}

    def once(real):
        def wrapper(*a, **k):
            calls["n"] += 1
            if calls["n"] == 2:  # the second folder of the batch
                if where == "delete":  # half-delete the source, then die
                    victim = Path(a[0])
                    next(victim.rglob("*.xlsx")).unlink()
                raise Boom()
            return real(*a, **k)
        return wrapper

    target = {"copy": "copy_tree", "verify": "verify_copy", "place": "rename_noreplace", "delete": "remove_tree"}[where]
    real = getattr(mover, target)
    if where == "place":
        forced = mover.rename_noreplace  # already the EXDEV fake: only count renames of temporaries
        def place(src, dst, *fds):
            if mover.TMP_PREFIX in src:
                return once(forced)(src, dst, *fds)
            return forced(src, dst, *fds)
        monkeypatch.setattr(mover, "rename_noreplace", place)
    else:
        monkeypatch.setattr(mover, target, once(real))
    opts = Options(b.src, b.dst, None, "keep", None, None)
    with pytest.raises(Boom):
        mover.run(opts)
    state = jr.read(b.dst.parent / ".runsmig-storage-runs.journal")
    assert state is not None and not state.ended
    monkeypatch.setattr(mover, target, real)
    _force_exdev(monkeypatch, b.src.resolve())
    s = mover.run(opts)
    assert s.resumed
    check_result(b)


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="no tmpfs at /dev/shm")
def test_real_cross_filesystem_move(tmp_path):
    with tempfile.TemporaryDirectory(dir="/dev/shm") as shm:
        if os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
            pytest.skip("/dev/shm is on the same file system")
        b = build(Path(shm) / "dep", None, n_run=3, n_job=0, n_orphan=0, n_norun=0, seed=41)
        dst = tmp_path / "runs"
        b.dst = dst
        s = mover.run(Options(b.src, dst, None, "keep", None, None), journal_path=tmp_path / "j.jsonl")
        assert s.copied_across_fs == 3 and s.bytes_copied > 0
        check_result(b)


def test_destination_appearing_mid_move_is_refused_not_overwritten(tmp_path, monkeypatch):
    b = build(tmp_path / "dep", None, n_run=3, n_job=0, n_orphan=0, n_norun=0, seed=43)
    names = sorted(b.expected)
    real = mover.rename_noreplace

    def racing(src, dst, *fds):
        if dst.endswith(names[1]):
            os.makedirs(dst)  # someone else creates it between plan and rename
        real(src, dst, *fds)

    monkeypatch.setattr(mover, "rename_noreplace", racing)
    with pytest.raises(RefusedError):
        mover.run(Options(b.src, b.dst, None, "keep", None, None))
    assert (b.src / names[1]).is_dir() and list((b.dst / names[1]).iterdir()) == []


def test_lost_source_is_an_operation_error(tmp_path):
    b = build(tmp_path / "dep", None, n_run=2, n_job=0, n_orphan=0, n_norun=0, seed=47)
    from runsmig.storage.plan import build_plan, header

    opts = Options(b.src, b.dst, None, "keep", None, None)
    plan = build_plan(opts)
    jr.Journal.create(b.dst.parent / ".runsmig-storage-runs.journal", header(opts), plan.ops).close()
    import shutil

    shutil.rmtree(b.src / sorted(b.expected)[0])
    with pytest.raises(OperationError, match="is gone"):
        mover.run(opts)
