"""Perform a plan: validate everything, stage every write, then commit.

Every write is atomic (temp file in the target folder + fsync + rename), keeps the
file mode, and is confined to the checkout: a target whose path leaves the root
or passes through a symlink is refused before anything is written. The writes are
journaled (runsmig.applylog): an apply killed at any point is completed or undone by the next.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from runsmig.errors import OperationError, RefusedError
from runsmig.plan import Plan


@dataclass
class ApplyReport:
    written: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)


def _confined(root: Path, rel: str, link: bool = False) -> Path:
    """``link``: the path itself is a symlink the plan retargets (its folders still must not be)."""
    if rel.startswith("/") or any(p in ("", ".", "..") for p in rel.split("/")):
        raise RefusedError("unsafe path in plan", rel, hint="paths must be relative and inside the checkout")
    cur = root
    parts = rel.split("/")
    for i, part in enumerate(parts):
        cur = cur / part
        if cur.is_symlink() and not (link and i == len(parts) - 1):
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
        link = c.action == "modify" and c.mode & 0o170000 == 0o120000
        if link and not (root / c.path).is_symlink():
            raise RefusedError("the plan retargets a symlink, but this is not one now", c.path)
        src = _confined(root, c.path, link)
        if c.action != "create" and not (link or src.exists()):
            raise RefusedError("file to change no longer exists", c.path)
        if c.action in ("rename", "create"):
            dst = _confined(root, c.target)
            if (dst.exists() or dst.is_symlink()) and c.target not in moving_away:
                raise RefusedError("target already exists; refusing to overwrite", c.target)
        if c.target in targets:
            raise RefusedError("two changes write the same path", c.target)
        targets.add(c.target)


def apply_plan(plan: Plan, progress=None, state: Path | None = None, digest: str | None = None,
               keep_journal: bool = False) -> ApplyReport:
    """``progress(done, total)`` as the new contents are staged (written and fsynced).

    Journaled (runsmig.applylog, in ``state``: the checkout's git folder by default): a kill at any
    point is completed or undone by the next ``apply``. ``digest``: of the saved plan, if any.
    ``keep_journal``: the caller removes it (``applylog.close``) when its command ends."""
    from runsmig import applylog
    from runsmig.lock import state_dir

    validate(plan)
    report = _report(plan)
    if not plan.changes:
        return report
    state = state if state is not None else state_dir(plan.root)
    path = applylog.journal_path(state)
    if path.exists():
        raise RefusedError("an interrupted apply is recorded here; run 'runsmig apply' to complete it", str(path))
    journal, content = applylog.ops_of(plan, path, digest)
    try:
        state.mkdir(parents=True, exist_ok=True)
        journal.write()
        applylog.stage(journal, content, progress)
    except OSError as exc:
        applylog.undo(journal)
        raise OperationError(f"cannot stage write: {exc.strerror or exc}", getattr(exc, "filename", None)) from None
    try:
        applylog.finish(journal)
        if not keep_journal:
            applylog.close(state)
    except OSError as exc:
        raise OperationError(f"cannot complete the writes: {exc.strerror or exc}", getattr(exc, "filename", None),
                             hint="fix the cause and run apply again: it completes this apply from its journal") from None
    return report


def _report(plan: Plan) -> ApplyReport:
    report = ApplyReport()
    for c in plan.changes:
        if c.action == "delete":
            report.deleted.append(c.path)
        elif c.action == "rename":
            report.renamed.append((c.path, c.target))
        elif c.action == "create":
            report.created.append(c.target)
        else:
            report.written.append(c.path)
    return report
