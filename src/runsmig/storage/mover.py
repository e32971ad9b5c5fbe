"""Execute (or resume) a journaled storage move.

Order: plan -> journal (fsynced, atomic) -> folder moves in batches -> database transaction ->
.env rewrite -> rmdir of the empty old root -> ``end`` record.

Folder moves: one ``renameat2(RENAME_NOREPLACE)`` per folder on one file system; after each batch
the touched folders are fsynced and a ``done`` record is appended. On EXDEV the folder is copied to
``<dest root>/.runsmig-tmp-<seq>``, fsynced, verified (sha256 of every file against the source),
renamed into place, recorded as ``copied``, then the source is deleted.

Resume is decided by the file system, per operation: source present and destination absent ->
do it; source gone and destination present -> done; both present -> the tail of a cross-file-
system copy (finished when the journal says ``copied``, or when the trees are identical) or else a
conflict (exit 4, never overwritten); neither -> lost (exit 5).
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runsmig.errors import OperationError, RefusedError, UsageError
from runsmig.storage import journal as jr
from runsmig.storage.fsops import CopyError, copy_tree_verified, fsync_dir, remove_tree, rename_noreplace
from runsmig.storage.names import TMP_PREFIX
from runsmig.storage.plan import Options, Plan, build_plan, header

BATCH = 2000
MOVE_OPS = ("move", "rename", "quarantine")


@dataclass
class Summary:
    dry_run: bool = False
    resumed: bool = False
    moved: int = 0  # kept their name
    renamed: int = 0  # job id -> run id
    quarantined: int = 0
    already_done: int = 0  # found done when resuming
    copied_across_fs: int = 0
    bytes_copied: int = 0
    skipped: int = 0
    orphans: int = 0
    conflicts: int = 0
    db_rows: int = 0
    env_lines: int = 0
    journal: str | None = None
    findings: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def default_journal(opts: Options) -> Path:
    return opts.dst_abs.parent / f".runsmig-storage-{opts.dst_abs.name}.journal"


def check_roots(opts: Options) -> None:
    src, dst, q = opts.src_abs, opts.dst_abs, opts.quarantine_abs
    if src == dst:
        raise UsageError("--from and --to are the same folder")
    for a, b in ((src, dst), (dst, src), (src, q), (q, src), (dst, q), (q, dst)):
        if a == b or b in a.parents:
            raise RefusedError(f"{a} is inside {b}: the roots must not nest",
                               hint="choose sibling folders such as data/jobs and data/runs")


def _engine(opts: Options):
    if not opts.db:
        return None
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        return create_engine(opts.db)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise UsageError(f"--db: not a usable SQLAlchemy URL: {exc}") from None


Progress = Callable[[int, int], None]


def run(opts: Options, journal_path: Path | None = None, dry_run: bool = False,
        progress_factory: Callable[[int], Progress] | None = None,
        emit_plan: Callable[[list[dict[str, Any]]], None] | None = None) -> Summary:
    check_roots(opts)
    jpath = journal_path or default_journal(opts)
    summary = Summary(dry_run=dry_run, journal=str(jpath))
    state = jr.read(jpath)
    head = header(opts)
    if state is not None and not state.ended:
        if state.header != head:
            diff = ", ".join(k for k in head if head[k] != state.header.get(k))
            raise RefusedError(
                f"an unfinished move with other options ({diff}) is recorded in this journal",
                path=str(jpath),
                hint="run the command that started it again to finish it, or pass another --journal",
            )
        summary.resumed = True
        ops = state.ops
        plan = Plan(ops=ops)
    else:
        state = None
        if not opts.src_abs.is_dir() and not opts.dst_abs.is_dir():
            raise UsageError("neither --from nor --to is an existing folder", path=str(opts.src))
        if opts.src_abs.exists() and not opts.src_abs.is_dir():
            raise UsageError("--from is not a folder", path=str(opts.src))
        from sqlalchemy.exc import SQLAlchemyError

        engine = _engine(opts)
        try:
            plan = build_plan(opts, engine)
        except SQLAlchemyError as exc:
            raise OperationError(f"database: {str(exc).splitlines()[0]}", hint="check --db") from None
        finally:
            if engine is not None:
                engine.dispose()
        ops = plan.ops
    summary.notes.extend(plan.notes)
    summary.findings = [f.as_dict() for f in plan.findings]
    summary.skipped = sum(1 for f in plan.findings if f.kind == "skipped")
    summary.orphans = sum(1 for f in plan.findings if f.kind == "orphan")
    summary.conflicts = len(plan.conflicts)
    if plan.conflicts:
        exc = RefusedError(
            f"{len(plan.conflicts)} conflict(s); nothing was moved",
            path=str(opts.src),
            hint="resolve the conflicts listed above (an existing destination is never overwritten)",
        )
        exc.findings = [f.as_dict() for f in plan.conflicts]
        raise exc
    pending = ops if state is None else [op for op in ops if op["seq"] > state.done_upto or op["op"] not in MOVE_OPS]
    if emit_plan is not None:
        emit_plan(pending)
    if dry_run:
        _count_planned(summary, pending)
        return summary
    if not ops:
        return summary
    if state is None:
        if jpath.exists():
            os.replace(jpath, jpath.with_name(jpath.name + ".prev"))
        jpath.parent.mkdir(parents=True, exist_ok=True)
        journal = jr.Journal.create(jpath, head, ops)
        state = jr.JournalState(header=head, ops=ops)
    else:
        journal = jr.Journal(jpath)
    try:
        _execute(opts, ops, state, journal, summary, progress_factory)
    finally:
        journal.close()
    return summary


def _count_planned(summary: Summary, ops: list[dict[str, Any]]) -> None:
    for op in ops:
        if op["op"] == "move":
            summary.moved += 1
        elif op["op"] == "rename":
            summary.renamed += 1
        elif op["op"] == "quarantine":
            summary.quarantined += 1
        elif op["op"] == "db-update":
            summary.db_rows += 1
        elif op["op"] == "env":
            summary.env_lines += 1


def _execute(opts: Options, ops: list[dict[str, Any]], state: jr.JournalState, journal: jr.Journal,
             summary: Summary, progress_factory: Callable[[int], Progress] | None) -> None:
    moves = [op for op in ops if op["op"] in MOVE_OPS]
    tick = progress_factory(len(moves)) if progress_factory else None
    done_count = 0
    batch_dirs: set[str] = set()
    last_seq = 0
    in_batch = 0
    for op in ops:
        kind = op["op"]
        if kind == "mkdir":
            os.makedirs(op["path"], exist_ok=True)
            fsync_dir(os.path.dirname(op["path"]))
            continue
        if kind in MOVE_OPS:
            if op["seq"] <= state.done_upto:
                summary.already_done += 1
            else:
                _move(op, state, journal, summary)
                batch_dirs.add(os.path.dirname(op["src"]))
                batch_dirs.add(os.path.dirname(op["dst"]))
            last_seq = op["seq"]
            in_batch += 1
            done_count += 1
            if in_batch >= BATCH:
                _commit_batch(journal, batch_dirs, last_seq, state)
                in_batch = 0
                if tick:
                    tick(done_count, len(moves))
            continue
        # first non-move operation: make the moves durable before the database follows them
        if in_batch:
            _commit_batch(journal, batch_dirs, last_seq, state)
            in_batch = 0
            if tick:
                tick(done_count, len(moves))
        if kind == "db-update":
            continue  # applied together below
    if in_batch:
        _commit_batch(journal, batch_dirs, last_seq, state)
        if tick:
            tick(done_count, len(moves))
    db_ops = [op for op in ops if op["op"] == "db-update"]
    if db_ops and not state.db_done:
        summary.db_rows = _apply_db(opts, db_ops)
        journal.append({"db_done": True})
    env_ops = [op for op in ops if op["op"] == "env"]
    if env_ops:
        from runsmig.storage.envfile import apply_env

        summary.env_lines = apply_env(Path(env_ops[0]["file"]), env_ops)
    for op in ops:
        if op["op"] == "rmdir":
            try:
                os.rmdir(op["path"])
                fsync_dir(os.path.dirname(op["path"]))
            except FileNotFoundError:
                pass
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
                summary.notes.append(f"{op['path']} is not empty (something appeared during the move); left in place")
    journal.append({"end": True})


def _commit_batch(journal: jr.Journal, dirs: set[str], last_seq: int, state: jr.JournalState) -> None:
    for d in dirs:
        fsync_dir(d)
    dirs.clear()
    journal.append({"done": last_seq})
    state.done_upto = last_seq


def _move(op: dict[str, Any], state: jr.JournalState, journal: jr.Journal, summary: Summary) -> None:
    src, dst, seq = op["src"], op["dst"], op["seq"]
    try:
        rename_noreplace(src, dst)
    except FileNotFoundError:
        if os.path.lexists(src):
            raise OperationError(f"cannot move {src}: {dst} has no parent folder") from None
        if os.path.lexists(dst):
            summary.already_done += 1
            return
        raise OperationError(f"{src} is gone and {dst} does not exist", path=src,
                             hint="something else moved or deleted it; restore it and run again") from None
    except FileExistsError:
        if not os.path.lexists(src):
            summary.already_done += 1
            return
        if seq in state.copied or (seq in state.copy_started and _trees_equal(Path(src), Path(dst))):
            if seq not in state.copied:
                journal.append({"copied": seq})
            remove_tree(Path(src))
            fsync_dir(os.path.dirname(src))
            summary.copied_across_fs += 1
            _count(op, summary)
            return
        raise RefusedError(f"destination appeared during the move: {dst}", path=src,
                           hint="an existing destination is never overwritten; resolve it and run again") from None
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise OperationError(f"cannot move {src} -> {dst}: {exc.strerror}", path=src) from None
        _copy_across(op, journal, summary)
    _count(op, summary)


def _count(op: dict[str, Any], summary: Summary) -> None:
    if op["op"] == "move":
        summary.moved += 1
    elif op["op"] == "rename":
        summary.renamed += 1
    else:
        summary.quarantined += 1


def _copy_across(op: dict[str, Any], journal: jr.Journal, summary: Summary) -> None:
    src, dst, seq = Path(op["src"]), Path(op["dst"]), op["seq"]
    tmp = dst.parent / f"{TMP_PREFIX}{seq}"
    if os.path.lexists(tmp):
        remove_tree(tmp)  # an earlier attempt died before finishing the copy
    journal.append({"copy": seq})
    try:
        summary.bytes_copied += copy_tree_verified(src, tmp)
    except (CopyError, OSError) as exc:
        if os.path.lexists(tmp):
            remove_tree(tmp)
        raise OperationError(f"copy {src} -> {dst} failed: {exc}", path=str(src)) from None
    try:
        rename_noreplace(str(tmp), str(dst))
    except FileExistsError:
        remove_tree(tmp)
        raise RefusedError(f"destination appeared during the move: {dst}", path=str(src)) from None
    fsync_dir(dst.parent)
    journal.append({"copied": seq})
    remove_tree(src)
    fsync_dir(src.parent)
    summary.copied_across_fs += 1


def _tree_digest(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel = os.path.relpath(dirpath, root)
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            key = os.path.normpath(os.path.join(rel, name))
            if os.path.islink(p):
                out[key] = "link:" + os.readlink(p)
            elif os.path.isdir(p):
                out[key] = "dir"
            else:
                h = hashlib.sha256()
                with open(p, "rb") as f:
                    while chunk := f.read(1 << 20):
                        h.update(chunk)
                out[key] = h.hexdigest()
    return out


def _trees_equal(a: Path, b: Path) -> bool:
    return _tree_digest(a) == _tree_digest(b)


def _apply_db(opts: Options, db_ops: list[dict[str, Any]]) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from runsmig.storage.dbpaths import apply_updates

    engine = _engine(opts)
    try:
        with engine.begin() as conn:
            return apply_updates(conn, db_ops)
    except SQLAlchemyError as exc:
        raise OperationError(f"database: {str(exc).splitlines()[0]}",
                             hint="the folders are moved; fix the database connection and run the same command again") from None
    finally:
        engine.dispose()

