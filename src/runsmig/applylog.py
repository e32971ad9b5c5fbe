"""Write-ahead journal of ``apply``: a kill at any point is completed or undone by the next run.

The journal lives in the checkout's state folder (the git folder; see runsmig.lock), never in the
work tree. It is JSON lines::

    {"journal": "runsmig-apply", "v": 1, "header": {"root": ..., "pid": ..., "plan": ...}}
    {"mkdirs": [...], "prune": [...]}                 folders made for new files; folders to prune
    {"seq": 0, "op": "put",  "dst": ..., "tmp": ...}   new content, staged in tmp beside dst
    {"seq": 1, "op": "move", "src": ..., "dst": ..., "tmp": ...}   a rename without new content
    {"seq": 2, "op": "drop", "src": ...}               a deleted file, or the old name of a rename
    {"plan_end": N}
    {"commit": true}                                   every temp file is written and fsynced
    {"phase": "A"} {"phase": "B"} {"phase": "C"}       each phase of the commit, once done

The plan part is written to a temp file, fsynced and renamed into place: a journal holds a whole
plan or does not exist. Then the writes are staged: every new content in a temp file named
``.runsmig-<pid>-<token>-<seq>.tmp`` beside its target (listed in the journal before it exists).
``commit`` is the point of no return. After it, three phases, each idempotent and decided by what
is on disk: A moves the files renamed without new content to their temp names; B removes deleted
files and the old names of renamed files; C renames every temp file over its target. Then empty
folders are pruned. The journal is removed when the command ends (``close``: after ``apply`` has
also moved the checkout's storage), so a kill even after the last write is known to the next run.

Recovery (the next ``apply``, holding the lock): no ``commit`` -> undo: remove the temp files and
the folders made, nothing else was touched; ``commit`` -> complete the phases not recorded as done.
Either way the work tree ends as a clean apply of that plan leaves it, or as it was before it.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runsmig.errors import OperationError
from runsmig.tempfiles import PREFIX, SUFFIX
from runsmig.textio import fsync_dir

MAGIC = "runsmig-apply"
VERSION = 1
NAME = "runsmig-apply.journal"
LINK_MODE = 0o120000

_steps = 0


def step() -> None:
    """A write step. Tests set RUNSMIG_TEST_KILL_AFTER=N to SIGKILL the process after the Nth."""
    global _steps
    _steps += 1
    at = os.environ.get("RUNSMIG_TEST_KILL_AFTER")
    if at and at.isdigit() and _steps == int(at):
        os.kill(os.getpid(), signal.SIGKILL)


def journal_path(state: Path) -> Path:
    return state / NAME


def _dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@dataclass
class Journal:
    path: Path
    header: dict[str, Any]
    ops: list[dict[str, Any]]
    mkdirs: list[str]
    prune: list[str]
    committed: bool = False
    phases: set[str] = field(default_factory=set)

    @property
    def root(self) -> Path:
        return Path(self.header["root"])

    def write(self) -> None:
        """The plan part, atomically (temp + fsync + rename + fsync of the folder)."""
        lines = [_dumps({"journal": MAGIC, "v": VERSION, "header": self.header}),
                 _dumps({"mkdirs": self.mkdirs, "prune": self.prune})]
        lines += [_dumps(op) for op in self.ops]
        lines.append(_dumps({"plan_end": len(self.ops)}))
        tmp = self.path.with_name(f"{PREFIX}{os.getpid()}-journal{SUFFIX}")
        with open(tmp, "wb") as fh:
            fh.write(("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        fsync_dir(self.path.parent)
        step()

    def mark(self, record: dict[str, Any]) -> None:
        with open(self.path, "ab") as fh:
            fh.write((_dumps(record) + "\n").encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        step()

    def remove(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
            fsync_dir(self.path.parent)
        except OSError:  # the state folder itself is gone or unwritable: nothing of ours is left in it
            pass


def read(path: Path) -> Journal | None:
    """The journal at ``path``; None if there is none."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    lines = [ln for ln in raw.split(b"\n")]
    records: list[dict[str, Any]] = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line.decode("utf-8", "surrogateescape")))
        except ValueError:
            if i >= len(lines) - 2:  # torn last record: the step it announced never counted
                break
            raise OperationError(f"apply journal line {i + 1} is not valid JSON", str(path),
                                 hint="move the journal away, check the work tree with 'git status', and run again") from None
    if len(records) < 2 or records[0].get("journal") != MAGIC or records[0].get("v") != VERSION:
        raise OperationError("not a runsmig apply journal (or of another version)", str(path),
                             hint="move the journal away, check the work tree with 'git status', and run again")
    j = Journal(path, records[0]["header"], [], list(records[1]["mkdirs"]), list(records[1]["prune"]))
    planned = None
    for rec in records[2:]:
        if "op" in rec:
            j.ops.append(rec)
        elif "plan_end" in rec:
            planned = rec["plan_end"]
        elif rec.get("commit"):
            j.committed = True
        elif "phase" in rec:
            j.phases.add(rec["phase"])
    if planned != len(j.ops):
        raise OperationError("apply journal is incomplete or damaged", str(path),
                             hint="move the journal away, check the work tree with 'git status', and run again")
    return j


# -- building the operations of a plan ------------------------------------------------------------
def ops_of(plan, path: Path, digest: str | None = None) -> tuple[Journal, dict[int, tuple[bytes, int]]]:
    """The journal of ``plan`` (not written yet) and the content to stage per op: seq -> (bytes, mode)."""
    root = plan.root
    token = secrets.token_hex(4)
    ops: list[dict[str, Any]] = []
    content: dict[int, tuple[bytes, int]] = {}

    def tmp_beside(rel: str, seq: int) -> str:
        folder, _, _ = rel.rpartition("/")
        name = f"{PREFIX}{os.getpid()}-{token}-{seq}{SUFFIX}"
        return f"{folder}/{name}" if folder else name

    for c in plan.changes:
        seq = len(ops)
        if c.action == "delete":
            ops.append({"seq": seq, "op": "drop", "src": c.path})
        elif c.action == "rename" and (c.new is None or c.new == c.old):
            ops.append({"seq": seq, "op": "move", "src": c.path, "dst": c.target, "tmp": tmp_beside(c.target, seq)})
        elif c.new is not None:
            ops.append({"seq": seq, "op": "put", "dst": c.target, "tmp": tmp_beside(c.target, seq),
                        "link": c.mode & 0o170000 == LINK_MODE})
            content[seq] = (c.new, c.mode)
            if c.action == "rename":
                ops.append({"seq": seq + 1, "op": "drop", "src": c.path})
    mkdirs: list[str] = []
    for op in ops:
        if "dst" not in op:
            continue
        missing = []
        folder = op["dst"].rpartition("/")[0]
        while folder and folder not in mkdirs and not (root / folder).exists():
            missing.append(folder)
            folder = folder.rpartition("/")[0]
        mkdirs.extend(reversed(missing))
    prune = sorted({op["src"].rpartition("/")[0] for op in ops if "src" in op})
    header = {"root": str(root), "pid": os.getpid(), "plan": digest}
    return Journal(path, header, ops, mkdirs, prune), content


# -- doing them -----------------------------------------------------------------------------------
def stage(j: Journal, content: dict[int, tuple[bytes, int]], progress=None) -> None:
    """Make the folders and write every temp file (fsynced); then record ``commit``."""
    root = j.root
    for rel in j.mkdirs:
        os.mkdir(root / rel)
        step()
    dirs = set()
    puts = [op for op in j.ops if op["op"] == "put"]
    for i, op in enumerate(puts):
        if progress is not None:
            progress(i, len(puts))
        data, mode = content[op["seq"]]
        tmp = root / op["tmp"]
        if op.get("link"):
            os.symlink(os.fsdecode(data), tmp)
        else:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fchmod(fd, mode & 0o7777)
                os.fsync(fd)
            finally:
                os.close(fd)
        dirs.add(tmp.parent)
        step()
    for d in dirs:
        fsync_dir(d)
    j.mark({"commit": True})
    j.committed = True


def undo(j: Journal) -> None:
    """Before ``commit``: remove the temp files and the folders made; the rest was never touched."""
    root = j.root
    for op in j.ops:
        if op["op"] == "put":
            (root / op["tmp"]).unlink(missing_ok=True)
    for rel in reversed(j.mkdirs):
        try:
            (root / rel).rmdir()
        except FileNotFoundError:
            pass
        except OSError:  # something else is in it now: leave it
            pass
    j.remove()


def finish(j: Journal) -> None:
    """After ``commit``: the phases not yet recorded as done, each decided by what is on disk."""
    root = j.root
    if "A" not in j.phases:  # renames without new content: old name -> temp name beside the target
        touched = set()
        for op in j.ops:
            if op["op"] == "move" and os.path.lexists(root / op["src"]) and not os.path.lexists(root / op["tmp"]):
                os.rename(root / op["src"], root / op["tmp"])
                touched |= {(root / op["src"]).parent, (root / op["tmp"]).parent}
                step()
        _sync(touched)
        j.mark({"phase": "A"})
    if "B" not in j.phases:  # deleted files and the old names of renamed files (nothing is placed yet)
        touched = set()
        for op in j.ops:
            if op["op"] == "drop" and os.path.lexists(root / op["src"]):
                os.unlink(root / op["src"])
                touched.add((root / op["src"]).parent)
                step()
        _sync(touched)
        j.mark({"phase": "B"})
    if "C" not in j.phases:  # every temp file over its target
        touched = set()
        for op in j.ops:
            if op["op"] in ("put", "move") and os.path.lexists(root / op["tmp"]):
                os.replace(root / op["tmp"], root / op["dst"])
                touched.add((root / op["dst"]).parent)
                step()
        _sync(touched)
        j.mark({"phase": "C"})
    for rel in sorted(j.prune, key=lambda r: r.count("/"), reverse=True):
        _prune_empty(root / rel, root)


def close(state: Path) -> None:
    """The command that applied the journal's plan has ended: forget the journal."""
    path = journal_path(state)
    if path.exists():
        path.unlink()
        fsync_dir(state)
        step()


def _sync(folders: set[Path]) -> None:
    for d in folders:
        if d.exists():
            fsync_dir(d)


def _prune_empty(folder: Path, root: Path) -> None:
    cur = folder
    while cur != root and cur.is_dir() and not cur.is_symlink():
        try:
            cur.rmdir()
        except OSError:  # not empty
            return
        cur = cur.parent
    if cur != folder and cur.exists():
        fsync_dir(cur)


@dataclass(frozen=True)
class Recovered:
    completed: bool  # True: the interrupted apply was finished; False: it was undone
    pid: int
    plan: str | None  # digest of the saved plan it applied, if any
    changes: int


def recover(state: Path) -> Recovered | None:
    """Complete or undo an apply interrupted in the checkout whose state folder is ``state``."""
    j = read(journal_path(state))
    if j is None:
        return None
    for stray in state.glob(f"{PREFIX}*-journal{SUFFIX}"):  # a journal never renamed into place
        stray.unlink(missing_ok=True)
    try:
        if j.committed:
            finish(j)
            close(state)
        else:
            undo(j)
    except OSError as exc:
        raise OperationError(f"cannot recover the interrupted apply: {exc.strerror or exc}",
                             getattr(exc, "filename", None) or str(j.path),
                             hint="fix the cause and run apply again: it resumes from its journal") from None
    return Recovered(j.committed, int(j.header.get("pid") or 0), j.header.get("plan"),
                     len({op.get("dst") or op.get("src") for op in j.ops}))
