"""Perform a plan: validate everything, stage every write, then commit.

Every write is atomic (temp file in the target folder + fsync + rename), keeps the
file mode, and is confined to the checkout: a target whose path leaves the root
or passes through a symlink is refused before anything is written.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from runsmig.errors import OperationError, RefusedError
from runsmig.plan import Change, Plan
from runsmig.textio import fsync_dir


@dataclass
class ApplyReport:
    written: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)


def _confined(root: Path, rel: str) -> Path:
    if rel.startswith("/") or any(p in ("", ".", "..") for p in rel.split("/")):
        raise RefusedError("unsafe path in plan", rel, hint="paths must be relative and inside the checkout")
    cur = root
    for part in rel.split("/"):
        cur = cur / part
        if cur.is_symlink():
            raise RefusedError("path passes through a symlink; refusing to write through it", rel)
    real_root = os.path.realpath(root)
    real_parent = os.path.realpath(cur.parent) if cur.parent.exists() else None
    if real_parent is not None and not (real_parent == real_root or real_parent.startswith(real_root + os.sep)):
        raise RefusedError("path leaves the checkout", rel)
    return cur


def validate(plan: Plan) -> None:
    root = plan.root
    targets: set[str] = set()
    moving_away = {x.path for x in plan.changes if x.action in ("rename", "delete")}
    for c in plan.changes:
        src = _confined(root, c.path)
        if c.action != "create" and not src.exists():
            raise RefusedError("file to change no longer exists", c.path)
        if c.action in ("rename", "create"):
            dst = _confined(root, c.target)
            if (dst.exists() or dst.is_symlink()) and c.target not in moving_away:
                raise RefusedError("target already exists; refusing to overwrite", c.target)
        if c.target in targets:
            raise RefusedError("two changes write the same path", c.target)
        targets.add(c.target)


def apply_plan(plan: Plan, progress=None) -> ApplyReport:
    """``progress(done, total)`` as the new contents are staged (written and fsynced)."""
    validate(plan)
    root = plan.root
    report = ApplyReport()
    staged: list[tuple[Change, Path | None]] = []
    made_dirs: list[Path] = []
    try:
        for i, c in enumerate(plan.changes, start=1):
            if progress is not None:
                progress(i - 1, len(plan.changes))
            if c.action == "delete" or c.new is None:
                staged.append((c, None))
                continue
            if c.action == "rename" and c.new == c.old:
                staged.append((c, None))  # a pure rename: no new content to stage
                continue
            dst = root / c.target
            _mkdirs(dst.parent, made_dirs)
            fd, tmp = tempfile.mkstemp(prefix=".runsmig-", suffix=".tmp", dir=dst.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(c.new)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, c.mode & 0o7777)
            staged.append((c, Path(tmp)))
    except OSError as exc:
        for _, tmp in staged:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        raise OperationError(f"cannot stage write: {exc.strerror or exc}", getattr(exc, "filename", None)) from None
    touched_dirs: set[Path] = set()
    for c, tmp in staged:
        src = root / c.path
        dst = root / c.target
        if c.action == "delete":
            src.unlink()
            report.deleted.append(c.path)
            touched_dirs.add(src.parent)
        elif c.action == "rename" and tmp is None:
            _mkdirs(dst.parent, made_dirs)
            os.rename(src, dst)
            report.renamed.append((c.path, c.target))
            touched_dirs.update({src.parent, dst.parent})
        else:
            assert tmp is not None
            os.replace(tmp, dst)
            touched_dirs.add(dst.parent)
            if c.action == "rename":
                src.unlink()
                touched_dirs.add(src.parent)
                report.renamed.append((c.path, c.target))
            elif c.action == "create":
                report.created.append(c.target)
            else:
                report.written.append(c.path)
    for d in sorted(touched_dirs, key=lambda p: len(p.parts), reverse=True):
        _prune_empty(d, root)
    for d in touched_dirs:
        if d.exists():
            fsync_dir(d)
    return report


def _mkdirs(folder: Path, made: list[Path]) -> None:
    missing = []
    cur = folder
    while not cur.exists():
        missing.append(cur)
        cur = cur.parent
    for d in reversed(missing):
        d.mkdir()
        made.append(d)


def _prune_empty(folder: Path, root: Path) -> None:
    cur = folder
    while cur != root and cur.is_dir() and not cur.is_symlink():
        try:
            next(cur.iterdir())
            return
        except StopIteration:
            cur.rmdir()
            cur = cur.parent
