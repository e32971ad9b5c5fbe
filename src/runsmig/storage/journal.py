"""Write-ahead journal of a storage move (JSON lines).

Layout of the file::

    {"journal": "runsmig-storage", "v": 1, "header": {...}}     the command it belongs to
    {"seq": 1, "op": "mkdir", ...}                              every operation, in order
    ...
    {"plan_end": N}                                              N operations above
    {"done": 2000}                                               progress, appended while executing
    {"copied": [17, 18]}                                         cross-file-system copies in place
    {"db_done": true}
    {"end": true}

The plan (header, operations, ``plan_end``) is written to a temporary file, fsynced and renamed
into place, so a journal either holds a whole plan or does not exist. Progress records are appended
and fsynced; a torn last line (kill during a write) is ignored when reading. Resuming never trusts
progress records alone: each operation also checks the file system (a rename whose source is gone
and whose destination exists is done).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runsmig.errors import OperationError
from runsmig.storage.fsops import fsync_dir

MAGIC = "runsmig-storage"
VERSION = 1


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@dataclass
class JournalState:
    header: dict[str, Any]
    ops: list[dict[str, Any]]
    done_upto: int = 0
    copied: set[int] = field(default_factory=set)
    db_done: bool = False
    ended: bool = False


def read(path: Path) -> JournalState | None:
    """The journal at ``path``; None if it does not exist."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    lines = raw.split(b"\n")
    records: list[dict[str, Any]] = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            if i >= len(lines) - 2:  # torn last record: the write it announced never counted
                break
            raise OperationError(f"journal line {i + 1} is not valid JSON", path=str(path)) from None
    if not records or records[0].get("journal") != MAGIC:
        raise OperationError("not a runsmig storage journal", path=str(path),
                             hint="pass another --journal file, or move this file away")
    if records[0].get("v") != VERSION:
        raise OperationError(f"journal version {records[0].get('v')} is not supported", path=str(path))
    st = JournalState(header=records[0]["header"], ops=[])
    planned = None
    for rec in records[1:]:
        if "op" in rec:
            st.ops.append(rec)
        elif "plan_end" in rec:
            planned = rec["plan_end"]
        elif "done" in rec:
            st.done_upto = max(st.done_upto, int(rec["done"]))
        elif "copied" in rec:
            st.copied.update(int(x) for x in rec["copied"])
        elif rec.get("db_done"):
            st.db_done = True
        elif rec.get("end"):
            st.ended = True
    if planned != len(st.ops):
        raise OperationError("journal plan is incomplete or damaged", path=str(path))
    return st


class Journal:
    """Appends progress records to an existing journal file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)

    @staticmethod
    def create(path: Path, header: dict[str, Any], ops: list[dict[str, Any]]) -> "Journal":
        """Write the whole plan atomically (temp file, fsync, rename, fsync folder)."""
        tmp = path.with_name(path.name + ".tmp")
        parts = [dumps({"journal": MAGIC, "v": VERSION, "header": header})]
        parts.extend(dumps(op) for op in ops)
        parts.append(dumps({"plan_end": len(ops)}))
        data = ("\n".join(parts) + "\n").encode("utf-8")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_dir(path.parent)
        return Journal(path)

    def append(self, record: dict[str, Any], sync: bool = True) -> None:
        os.write(self._fd, (dumps(record) + "\n").encode("utf-8"))
        if sync:
            os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
