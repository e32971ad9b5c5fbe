"""``runsmig compat drop``: the changes that remove the aliases whose window is over.

A file whose marker (runsmig.compat.marker) says ``compat aliases until R`` is deleted, a marked line
or block removed, when R <= the release given (``--before``; default: the project's current version
from its metadata); a dict a module hands out wrapped to answer its old keys (``_deprecated_keys(d,
owner)``, runsmig.compat.pykeys) is plain again with the block that binds the wrapper.
The downstream recipe stays: projects that use the library may still need it.

Interface: ``drop_changes(root, before) -> list[runsmig.plan.Change]``; ``due(release, before) -> bool``.
"""

from __future__ import annotations

import re
from pathlib import Path

from runsmig.compat import marker


def _key(release: str) -> tuple:
    return tuple(int(x) for x in re.findall(r"\d+", release)) or (0,)


def due(release: str, before: str) -> bool:
    """Whether aliases removed in ``release`` are over when the project is at ``before``."""
    a, b = _key(release), _key(before)
    n = max(len(a), len(b))
    return a + (0,) * (n - len(a)) <= b + (0,) * (n - len(b))


def _blank_before_indented_blocks(lines: list[str], gone: set[int]) -> set[int]:
    """The blank line written before each indented block that goes (a class's block for type
    checkers, runsmig.compat.pytypes): line numbers, 1-based."""
    out = set()
    for i in gone:
        if i - 1 not in gone and i >= 3 and marker.begins(lines[i - 1]) and lines[i - 1][:1] in (" ", "\t") \
                and not lines[i - 2].strip() and lines[i - 3].strip():
            out.add(i - 1)
    return out


def _unwrap_keys(text: str, before: str) -> str:
    """The dicts a module hands out wrapped to answer their old keys (runsmig.compat.pykeys) are
    plain again when the hook block that binds the wrapper goes."""
    from runsmig.compat import pykeys

    if f"{pykeys.WRAPPER} = " not in text:
        return text
    reasons = marker.line_reasons(text)
    for i, ln in enumerate(text.splitlines(), start=1):
        if ln.lstrip().startswith(f"{pykeys.WRAPPER} = ") and i in reasons \
                and due(reasons[i][len("compat (removed in "):-1], before):
            return pykeys.unwrap(text)
    return text


_SCRIPTS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")


def _reads_due(root: Path, files: list[str], before: str) -> bool:
    """Whether the fallback reads of old option keys go in this drop: the generated runtime that
    defines their helper goes (its release is due), or none is left. Undone while it stays, an old
    key a caller passes would be silently ignored again."""
    from runsmig.languages.typescript.compat_reads import READ_HELPER

    found = False
    for rel in files:
        if not rel.endswith(_SCRIPTS):
            continue
        try:
            data = (root / rel).read_bytes()
        except OSError:
            continue
        if marker.BYTES not in data or READ_HELPER.encode() not in data or marker.file_reason(data) is None:
            continue
        found = True
        release = marker.release_of(data[:1024].decode("utf-8", "replace"))
        if release and due(release, before):
            return True
    return not found


def drop_changes(root: Path, before: str) -> list:
    from runsmig.discover import discover
    from runsmig.plan import Change
    from runsmig.runner import file_mode
    from runsmig.textio import read_file

    changes = []
    files = discover(root).files
    reads_due = _reads_due(root, files, before)
    for rel in files:
        full = root / rel
        if full.is_symlink() or not full.is_file():
            continue
        try:
            data = read_file(full)
        except OSError:
            continue
        if marker.BYTES not in data:
            continue
        head = data[:1024].decode("utf-8", "replace")
        whole = marker.file_reason(data)
        if whole is not None:
            release = marker.release_of(head)
            if "downstream recipe" not in head.split("\n", 1)[0] and release and due(release, before):
                changes.append(Change("delete", rel, None, data, None, file_mode(full)))
            continue
        text = data.decode("utf-8", "surrogateescape")
        if reads_due and rel.endswith(_SCRIPTS):
            from runsmig.languages.typescript.compat_reads import undo_reads  # fallback reads of old option keys

            undone = undo_reads(rel, text)
            if undone != text:  # the groups broken around the reads joined again where they now fit
                from runsmig.languages.typescript.compat_layout import rejoin
                from runsmig.languages.typescript.compat_style import added_lines
                from runsmig.linelength import script_layout

                undone = rejoin(undone, rel, added_lines(text, undone), script_layout(root, rel, undone))
            text = undone
        elif rel.endswith((".py", ".pyi")):
            text = _unwrap_keys(text, before)
        reasons = marker.line_reasons(text)
        gone = {ln for ln, why in reasons.items() if due(why[len("compat (removed in "):-1], before)}
        if not gone and text == data.decode("utf-8", "surrogateescape"):
            continue
        lines = text.splitlines(keepends=True)
        gone |= _blank_before_indented_blocks(lines, gone)
        kept = [ln for i, ln in enumerate(lines, start=1) if i not in gone]
        if len(lines) in gone:  # a hook that ended the file: the blank lines written before it go too
            while kept and not kept[-1].strip():
                kept.pop()
        new = "".join(kept).encode("utf-8", "surrogateescape")
        if new != data:
            changes.append(Change("modify", rel, None, data, new, file_mode(full)))
    return sorted(changes, key=lambda c: c.path)
