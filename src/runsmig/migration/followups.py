"""Follow-ups ``check`` finds once a migration runsmig wrote is the last file of a history folder
(``stored: migrate`` applied): a schema dump outside the history that holds the rows of a
migrations table up to the file before it (runsmig.migration.shape.dumped_heads) lacks the new
file's row until the project dumps its schema again. The work is done only when such a file exists:
the gate reads nothing more otherwise."""

from __future__ import annotations

import re
from pathlib import Path

from runsmig.findings import Finding
from runsmig.written import HISTORY_MARKER


def _written_heads(root: Path, history) -> dict[str, tuple[int, str]]:
    """Folder -> (number, name) of its last numbered file, for folders whose last file runsmig wrote."""
    last: dict[str, tuple[int, str]] = {}
    for rel in history.kinds:
        folder, _, leaf = rel.rpartition("/")
        m = re.match(r"\d+", leaf)
        if m is not None and len(m.group(0)) <= 6 and (folder not in last or int(m.group(0)) > last[folder][0]):
            last[folder] = (int(m.group(0)), rel)
    out = {}
    for folder, (number, rel) in last.items():
        try:
            with open(root / rel, "rb") as fh:
                head = fh.read(1024)
        except OSError:
            continue
        if HISTORY_MARKER in head:
            out[folder] = (number, rel.rpartition("/")[2])
    return out


def stale_dumps(root: Path, history, rels: list[str]) -> list[Finding]:
    if not history:
        return []
    heads = _written_heads(root, history)
    if not heads:
        return []
    from runsmig.migration.shape import dumped_heads

    out = []
    for rel in rels:
        if rel in history.kinds or not rel.lower().endswith(".sql"):
            continue
        try:
            data = (root / rel).read_bytes()
        except OSError:
            continue
        if b"stdin;" not in data.lower():
            continue
        for line, table, head in dumped_heads(data.decode("utf-8", "replace")):
            for folder, (number, leaf) in sorted(heads.items()):
                if head == number - 1:
                    out.append(Finding(rel, line, 1, table, "text", None, "follow-up",
                                       f"a dump holding the rows of {table} up to {head}, but {folder or '.'}/{leaf} "
                                       f"(written by runsmig) is {number}: dump the schema again"))
    return out
