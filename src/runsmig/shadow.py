"""A shadow tree: the checkout as the plan would leave it, built in a temporary folder.

Generators that derive files from the code (OpenAPI schemas, typed clients) must run on the
migrated code, before anything is written to the checkout: the plan copies the checkout's files
into a temporary folder, applies its changes there, and runs the generator in that copy. Files are
copied, never hard-linked, so a generator that rewrites a file in place cannot reach the checkout;
folders the recipe names in ``link`` (installed dependencies such as ``node_modules``) are
symlinked read-only style: the generator may read them, and nothing of theirs comes back.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol


class _Change(Protocol):
    action: str
    path: str
    new_path: str | None
    new: bytes | None


@contextmanager
def shadow_tree(root: Path, files: Iterable[str], changes: Iterable[_Change],
                links: Iterable[str] = ()) -> Iterator[Path]:
    """Yield a temporary folder holding ``files`` of ``root`` with ``changes`` applied."""
    with tempfile.TemporaryDirectory(prefix="runsmig-shadow-") as tmp:
        shadow = Path(tmp) / root.name
        shadow.mkdir()
        for rel in files:
            _copy(root / rel, shadow / rel)
        for c in changes:
            if c.action in ("delete", "rename"):
                (shadow / c.path).unlink(missing_ok=True)
            if c.action in ("modify", "rename", "create") and c.new is not None:
                dst = shadow / (c.new_path or c.path)
                dst.parent.mkdir(parents=True, exist_ok=True)
                dst.write_bytes(c.new)
        for rel in links:
            src = root / rel
            dst = shadow / rel
            if src.exists() and not dst.exists():
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.symlink(src.resolve(), dst, target_is_directory=src.is_dir())
        yield shadow


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst, follow_symlinks=False)
