"""Where the cache lives, and the digest its names are made with (light: the gate asks before it
loads anything else)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def digest(*parts: bytes) -> str:
    """blake2b over the parts, each prefixed with its length (so no two part lists collide)."""
    d = hashlib.blake2b(digest_size=20)
    for p in parts:
        d.update(len(p).to_bytes(8, "little"))
        d.update(p)
    return d.hexdigest()


def cache_home() -> Path:
    env = os.environ.get("RUNSMIG_CACHE_DIR")
    return Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "runsmig"


def cache_dir(root: Path) -> Path:
    """The checkout's own folder in the cache."""
    return cache_home() / digest(str(root.resolve()).encode())[:16]
