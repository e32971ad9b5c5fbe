"""Execute (or resume) a journaled storage move.

Order: plan -> journal (fsynced, atomic) -> folder moves in batches -> database transaction ->
.env rewrite -> rmdir of the empty old root -> ``end`` record.

Folder moves: one ``renameat2(RENAME_NOREPLACE)`` per folder on one file system; after each batch
the touched folders are fsynced and a ``done`` record is appended. On EXDEV the batch's folders are
copied to ``<dest root>/.runsmig-tmp-<seq>``, made durable (one syncfs per file system, else an
fsync per file and folder), verified (sha256 of every file against the source), renamed into
place, fsynced, recorded as ``copied``, then the sources are deleted.

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
from runsmig.storage.fsops import (
    CopyError, close_dir_fds, copy_tree, fsync_dir, fsync_tree, remove_tree, rename_noreplace, sync_filesystem, verify_copy,
)
from runsmig.storage.names import TMP_PREFIX
from runsmig.storage.plan import Options, Plan, build_plan, header

BATCH = 2000  # folder moves per journal "done" record (RUNSMIG_STORAGE_BATCH overrides)
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


def refuse_unsafe_root(path: Path, option: str) -> None:
    """A storage root is named by a real folder: refused (exit 4) when it is a symlink, or when the
    kernel's resolution of it (``..`` after a symlink) leaves the folder its text names."""
    lexical = os.path.normpath(os.path.abspath(path))
    if os.path.islink(lexical):
        raise RefusedError(f"{option} is a symlink (to {os.readlink(lexical)}); storage is never moved through one",
                           path=str(path), hint="name the real folder instead of the link")
    if os.path.realpath(path) != os.path.realpath(lexical):
        raise RefusedError(f"{option} resolves to {os.path.realpath(path)}, outside the folder it names",
                           path=str(path), hint="name the real folder instead of the link")


def check_roots(opts: Options) -> None:
    refuse_unsafe_root(opts.src, "--from")
    refuse_unsafe_root(opts.dst, "--to")
    refuse_unsafe_root(opts.quarantine_abs, "the quarantine folder")
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
        progress: Progress | None = None,
        emit_plan: Callable[[list[dict[str, Any]]], None] | None = None) -> Summary:
    check_roots(opts)
    if dry_run:
        return _run(opts, journal_path, dry_run, progress, emit_plan)
    from runsmig.lock import storage_lock

    with storage_lock(opts.dst_abs):
        return _run(opts, journal_path, dry_run, progress, emit_plan)


def _run(opts: Options, journal_path: Path | None, dry_run: bool, progress: Progress | None,
         emit_plan: Callable[[list[dict[str, Any]]], None] | None) -> Summary:
    jpath = Path(os.path.abspath(journal_path)) if journal_path else default_journal(opts)
    jreal = Path(os.path.realpath(jpath))
    for root in (opts.src_abs, opts.dst_abs, opts.quarantine_abs):
        if root in jreal.parents:
            raise UsageError(f"the journal must not be inside {root}", path=str(jpath),
                             hint="put it next to the roots (the default) or elsewhere")
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
        if not opts.src_abs.exists():
            summary.notes.append(f"{opts.src} does not exist: nothing to move (already migrated?)")
        engine = _engine(opts)
        if engine is None:  # no --db: SQLAlchemy is never imported
            plan = build_plan(opts, None)
        else:
            from sqlalchemy.exc import SQLAlchemyError

            try:
                plan = build_plan(opts, engine)
            except SQLAlchemyError as exc:
                raise OperationError(f"database: {str(exc).splitlines()[0]}", hint="check --db") from None
            finally:
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
        _execute(opts, ops, state, journal, summary, progress)
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
             summary: Summary, progress: Progress | None) -> None:
    """``progress(done, total)`` after each batch of folder moves."""
    batch_size = int(os.environ.get("RUNSMIG_STORAGE_BATCH") or BATCH)
    for op in ops:
        if op["op"] == "mkdir":
            os.makedirs(op["path"], exist_ok=True)
            fsync_dir(os.path.dirname(op["path"]))
    moves = [op for op in ops if op["op"] in MOVE_OPS]
    todo = [op for op in moves if op["seq"] > state.done_upto]
    summary.already_done += len(moves) - len(todo)
    done_count = len(moves) - len(todo)
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        _move_batch(chunk, state, journal, summary)
        done_count += len(chunk)
        if progress is not None:
            progress(done_count, len(moves))
    # the moves are durable: now the database follows them
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


def _move_batch(chunk: list[dict[str, Any]], state: jr.JournalState, journal: jr.Journal, summary: Summary) -> None:
    """Rename each folder; copy the ones on another file system together; fsync the folders
    touched; then record the batch as done."""
    fds: dict[str, int] = {}  # parent folders opened once per batch
    across: list[dict[str, Any]] = []
    try:
        for op in chunk:
            if _rename_one(op, state, journal, summary, fds) == "exdev":
                across.append(op)
        if across:
            _copy_batch(across, journal, summary)
        dirs = {op["src"].rpartition("/")[0] for op in chunk} | {op["dst"].rpartition("/")[0] for op in chunk}
        for d in dirs:
            if d in fds:
                os.fsync(fds[d])
            else:
                fsync_dir(d)
    finally:
        close_dir_fds(fds)
    journal.append({"done": chunk[-1]["seq"]})
    state.done_upto = chunk[-1]["seq"]


def _rename_one(op: dict[str, Any], state: jr.JournalState, journal: jr.Journal, summary: Summary,
                fds: dict[str, int] | None = None) -> str:
    src, dst = op["src"], op["dst"]
    try:
        rename_noreplace(src, dst, fds)
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.EEXIST, errno.EXDEV):
            raise OperationError(f"cannot move {src} -> {dst}: {exc.strerror}", path=src) from None
        # Decide from what exists: across file systems the kernel reports EXDEV before it looks
        # at either name, so a resumed copy sees EXDEV with the source gone or the target present.
        return _by_state(op, state, journal, summary, exc.errno)
    _count(op, summary)
    return "done"


def _by_state(op: dict[str, Any], state: jr.JournalState, journal: jr.Journal, summary: Summary, err: int) -> str:
    src, dst, seq = op["src"], op["dst"], op["seq"]
    has_src, has_dst = os.path.lexists(src), os.path.lexists(dst)
    if not has_src and has_dst:
        summary.already_done += 1  # moved before a crash
        return "done"
    if not has_src:
        raise OperationError(f"{src} is gone and {dst} does not exist", path=src,
                             hint="something else moved or deleted it; restore it and run again")
    if not has_dst:
        if err == errno.EXDEV:
            return "exdev"
        raise OperationError(f"cannot move {src}: the folder {os.path.dirname(dst)} does not exist", path=src)
    # both exist: the tail of a cross-file-system copy (the source was being deleted), or a
    # destination made by someone else. Deleting the source is safe only if the copy is whole.
    if seq in state.copied or _trees_equal(Path(src), Path(dst)):
        if seq not in state.copied:  # record it before the source starts to disappear
            journal.append({"copied": [seq]})
            state.copied.add(seq)
        remove_tree(Path(src))
        summary.copied_across_fs += 1
        _count(op, summary)
        return "done"
    raise RefusedError(f"destination appeared during the move: {dst}", path=src,
                       hint="an existing destination is never overwritten; resolve it and run again")


def _count(op: dict[str, Any], summary: Summary) -> None:
    if op["op"] == "move":
        summary.moved += 1
    elif op["op"] == "rename":
        summary.renamed += 1
    else:
        summary.quarantined += 1


def _copy_batch(ops: list[dict[str, Any]], journal: jr.Journal, summary: Summary) -> None:
    """EXDEV: copy each folder to ``<dest root>/.runsmig-tmp-<seq>``, make the copies durable (one
    syncfs per destination file system, else fsync of every file and folder), verify each file's
    sha256 against the source's, rename into place, fsync, journal ``copied``, delete the sources."""
    staged: list[tuple[dict[str, Any], Path, dict[str, str]]] = []
    try:
        _stage_and_place(ops, staged, summary)
    except BaseException:
        for _op, tmp, _d in staged:  # copies not yet in place: the sources are untouched
            if os.path.lexists(tmp):
                remove_tree(tmp)
        raise
    journal.append({"copied": [op["seq"] for op in ops]})
    for op in ops:
        remove_tree(Path(op["src"]))
        summary.copied_across_fs += 1
        _count(op, summary)


def _stage_and_place(ops: list[dict[str, Any]], staged: list, summary: Summary) -> None:
    roots: set[str] = set()
    for op in ops:
        src, dst = Path(op["src"]), Path(op["dst"])
        tmp = dst.parent / f"{TMP_PREFIX}{op['seq']}"
        if os.path.lexists(tmp):
            remove_tree(tmp)  # an earlier attempt died before this copy was whole
        try:
            nbytes, digests = copy_tree(src, tmp)
        except (CopyError, OSError) as exc:
            if os.path.lexists(tmp):
                remove_tree(tmp)
            raise OperationError(f"copy {src} -> {dst} failed: {exc}", path=str(src)) from None
        summary.bytes_copied += nbytes
        staged.append((op, tmp, digests))
        roots.add(str(dst.parent))
    if not all(sync_filesystem(r) for r in roots):
        for _op, tmp, _d in staged:
            fsync_tree(tmp)
    for op, tmp, digests in staged:
        try:
            verify_copy(digests)
        except CopyError as exc:
            raise OperationError(f"copy of {op['src']} failed verification: {exc}", path=op["src"]) from None
    for op, tmp, _d in staged:
        try:
            rename_noreplace(str(tmp), op["dst"])
        except FileExistsError:
            raise RefusedError(f"destination appeared during the move: {op['dst']}", path=op["src"]) from None
    for r in roots:
        fsync_dir(r)


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

