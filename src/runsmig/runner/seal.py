"""Cache entries that cannot lie: each one is sealed with an HMAC-SHA256 under a secret key of this
machine, kept outside the checkout and outside the cache folder, and is used only when its seal
verifies.

A cache folder is not trusted: in CI it may be restored from a pull request's branch, and anyone
who can write to it can edit an entry into any well-formed answer. The seal covers the entry's
kind, its name (the key it is stored under) and its bytes, so an edited entry, one copied from
another machine or another key, or one moved to another name does not verify; such an entry, like
a truncated or garbled one, is read as absent: it is recomputed and overwritten, never trusted.

The key: ``$RUNSMIG_CACHE_KEY_FILE``, else ``$XDG_STATE_HOME/runsmig/cache.key`` (``XDG_STATE_HOME``
defaults to ``~/.local/state``): 32 random bytes, created 0600 in a 0700 folder on first use. A key
file that is not a private regular file of this user, or that lies inside the cache folder or the
checkout, is not used (a warning says why) and the run goes without a cache; a key that cannot be
created (a read-only home) turns the cache off silently: it only costs time.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

KEY_ENV = "RUNSMIG_CACHE_KEY_FILE"
KEY_BYTES = 32
_HEAD = b"runsmig-sealed-1 "  # then the hex HMAC, a newline, the entry
_MAC_HEX = 64


def key_file() -> Path:
    env = os.environ.get(KEY_ENV)
    if env:
        return Path(env)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "runsmig" / "cache.key"


def machine_key(root: Path | None = None) -> bytes | None:
    """This machine's cache key (made on first use), or None: no cache may be read or written.
    ``root``: the checkout, which must not hold the key (a key refused for one checkout is refused
    for the rest of the run, also where no checkout is named)."""
    from runsmig.runner.cache import cache_home

    path = str(key_file())
    if root is None and path in _REFUSED:
        return None
    return _key(path, str(cache_home()), "" if root is None else str(root))


@lru_cache(maxsize=8)
def _key(path_text: str, cache_text: str, root_text: str) -> bytes | None:
    path = Path(path_text)
    if _inside(path, Path(cache_text)):
        why = "it lies inside the cache folder"
    elif root_text and _inside(path, Path(root_text)):
        why = "it lies inside the checkout"
        _REFUSED.add(path_text)
    else:
        key, why = _read_or_make(path)
        if key is not None:
            return key
    if why and why not in _WARNED:
        _WARNED.add(why)
        from rich.markup import escape

        from runsmig.console import warn

        warn(escape(f"cache key {path}: {why}; running without the cache"))
    return None


_WARNED: set[str] = set()  # one warning per cause and process
_REFUSED: set[str] = set()  # key files found inside a checkout


def _read_or_make(path: Path) -> tuple[bytes | None, str]:
    """(the key, '') or (None, why it is refused: '' when it simply cannot be had)."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None, ""
    try:
        _create(path)
        return _read(path)
    except OSError:
        return None, ""


def _read(path: Path) -> tuple[bytes | None, str]:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
            return None, "not a private file of this user (a regular file, mode 0600)"
        data = os.read(fd, KEY_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) != KEY_BYTES:
        return None, f"not {KEY_BYTES} bytes"
    return data, ""


def _create(path: Path) -> None:
    """32 random bytes, written whole under a temporary name and linked into place: two runs at
    once both end up reading the one key that won."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(KEY_BYTES))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)


def _inside(path: Path, folder: Path) -> bool:
    try:
        where = path.parent.resolve() / path.name
        return where.is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return True  # cannot tell: not safe


def _mac(key: bytes, kind: str, name: str, payload: bytes) -> bytes:
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in (kind.encode(), name.encode("utf-8", "surrogateescape")):
        mac.update(len(part).to_bytes(8, "little"))
        mac.update(part)
    mac.update(payload)
    return mac.hexdigest().encode()


def seal(key: bytes, kind: str, name: str, payload: bytes) -> bytes:
    """The entry as stored: a head line with the HMAC of (kind, name, payload), then the payload."""
    return _HEAD + _mac(key, kind, name, payload) + b"\n" + payload


def unseal(key: bytes, kind: str, name: str, raw: bytes) -> bytes | None:
    """The payload of a stored entry, or None when its seal does not verify."""
    cut = len(_HEAD) + _MAC_HEX
    if not raw.startswith(_HEAD) or raw[cut:cut + 1] != b"\n":
        return None
    payload = raw[cut + 1:]
    return payload if hmac.compare_digest(raw[len(_HEAD):cut], _mac(key, kind, name, payload)) else None


def load(path: Path, kind: str, name: str, root: Path | None = None) -> bytes | None:
    """The verified payload of the entry at ``path`` (None: none, unreadable, or it does not verify)."""
    key = machine_key(root)
    if key is None:
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return unseal(key, kind, name, raw)


def store(path: Path, kind: str, name: str, payload: bytes, root: Path | None = None) -> None:
    """Seal and write an entry whole (:func:`write_whole`); without a key nothing is stored."""
    key = machine_key(root)
    if key is not None:
        write_whole(path, seal(key, kind, name, payload))


def write_whole(path: Path, data: bytes) -> None:
    """Write a cache file whole: to a temporary name in its folder, then renamed into place, so a
    run reading it at the same time sees the old file or the new one. A cache that cannot be
    written only costs time: errors are swallowed, and no temporary file is left behind."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
