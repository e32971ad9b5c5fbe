"""File-system primitives: rename that never replaces, fsync, verified cross-filesystem copy."""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import shutil
import stat
from pathlib import Path

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_CHUNK = 1 << 20

try:
    _libc = ctypes.CDLL(None, use_errno=True)
    _renameat2 = _libc.renameat2
    _renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    _renameat2.restype = ctypes.c_int
except (OSError, AttributeError):  # pragma: no cover - non-glibc platforms
    _renameat2 = None

_noreplace_ok = _renameat2 is not None


def rename_noreplace(src: str, dst: str, fds: dict[str, int] | None = None) -> None:
    """Rename ``src`` to ``dst`` atomically; FileExistsError if ``dst`` exists (never replaces).

    Uses renameat2(RENAME_NOREPLACE) where the kernel and file system support it; elsewhere a
    check-then-rename (plain rename(2) replaces an empty folder silently, so the check is needed).
    Raises OSError(EXDEV) across file systems. ``fds`` (see :func:`close_dir_fds`) caches open
    parent folders: each rename then resolves one name per side, relative to a pinned folder.
    """
    global _noreplace_ok
    if _noreplace_ok:
        if fds is not None:
            sp, _, sn = src.rpartition("/")
            dp, _, dn = dst.rpartition("/")
            rc = _renameat2(_dir_fd(fds, sp), os.fsencode(sn), _dir_fd(fds, dp), os.fsencode(dn), _RENAME_NOREPLACE)
        else:
            rc = _renameat2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), _RENAME_NOREPLACE)
        if rc == 0:
            return
        err = ctypes.get_errno()
        if err in (errno.EINVAL, errno.ENOSYS) and os.path.lexists(src):
            _noreplace_ok = False  # file system without RENAME_NOREPLACE: fall back below
        else:
            raise OSError(err, os.strerror(err), src, None, dst)
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), dst)
    os.rename(src, dst)


def _dir_fd(fds: dict[str, int], path: str) -> int:
    fd = fds.get(path)
    if fd is None:
        fd = fds[path] = os.open(path or "/", os.O_RDONLY | os.O_DIRECTORY)
    return fd


def close_dir_fds(fds: dict[str, int]) -> None:
    for fd in fds.values():
        os.close(fd)
    fds.clear()


def fsync_dir(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class CopyError(Exception):
    pass


try:
    _syncfs = _libc.syncfs
    _syncfs.argtypes = [ctypes.c_int]
    _syncfs.restype = ctypes.c_int
except (NameError, AttributeError):  # pragma: no cover - non-Linux
    _syncfs = None


def sync_filesystem(path: str | Path) -> bool:
    """syncfs(2): flush every dirty file and folder of the file system holding ``path``.

    One call replaces an fsync per copied file and folder; False when unavailable."""
    if _syncfs is None:
        return False
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _syncfs(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(path))
    finally:
        os.close(fd)
    return True


def fsync_tree(root: Path) -> None:
    """fsync every file, then every folder bottom-up (when syncfs is unavailable)."""
    walked = list(os.walk(root))
    for dirpath, _dirnames, filenames in walked:
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                fsync_file(p)
    for dirpath, _dirnames, _filenames in reversed(walked):
        fsync_dir(dirpath)


def copy_tree(src: Path, dst: Path) -> tuple[int, dict[str, str]]:
    """Copy the folder ``src`` to the new path ``dst`` (any file system), not yet durable.

    Returns (bytes copied, {copied file: sha256 of the source bytes}). Symlinks are copied as
    links (never followed); other special files are refused.
    """
    expected: dict[str, str] = {}
    total = 0
    os.mkdir(dst)
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        rel_dir = os.path.relpath(dirpath, src)
        out_dir = dst if rel_dir == "." else dst / rel_dir
        for name in list(dirnames):
            s = os.path.join(dirpath, name)
            if os.path.islink(s):  # os.walk lists links to folders as folders
                dirnames.remove(name)
                os.symlink(os.readlink(s), out_dir / name)
            else:
                os.mkdir(out_dir / name)
        for name in filenames:
            s = os.path.join(dirpath, name)
            d = out_dir / name
            st = os.lstat(s)
            if stat.S_ISLNK(st.st_mode):
                os.symlink(os.readlink(s), d)
                continue
            if not stat.S_ISREG(st.st_mode):
                raise CopyError(f"{s}: not a regular file, folder or symlink")
            expected[str(d)] = _copy_file(s, d)
            total += st.st_size
            shutil.copystat(s, d, follow_symlinks=False)
    for dirpath, _dirnames, _filenames in reversed(list(os.walk(src, followlinks=False))):
        rel_dir = os.path.relpath(dirpath, src)
        shutil.copystat(dirpath, dst if rel_dir == "." else dst / rel_dir)  # mode and times of folders too
    return total, expected


def verify_copy(expected: dict[str, str]) -> None:
    """Re-read every copied file; CopyError unless its sha256 equals the source's."""
    for path, digest in expected.items():
        if _sha256(path) != digest:
            raise CopyError(f"{path}: sha256 differs from the source after copying")


def copy_tree_verified(src: Path, dst: Path) -> int:
    """copy_tree + fsync of everything copied + verify_copy. Returns bytes copied."""
    total, expected = copy_tree(src, dst)
    fsync_tree(dst)
    verify_copy(expected)
    return total


def _copy_file(src: str, dst: Path) -> str:
    h = hashlib.sha256()
    with open(src, "rb") as fi, open(dst, "xb") as fo:
        while chunk := fi.read(_CHUNK):
            h.update(chunk)
            fo.write(chunk)
    return h.hexdigest()


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def remove_tree(path: Path) -> None:
    """Delete a folder (links inside are removed, never followed)."""
    if os.path.islink(path):
        os.unlink(path)
        return
    shutil.rmtree(path)
