"""The marker of generated compat code, and what ``check`` makes of it.

A whole file is compat code when :data:`TEXT` appears in its first 1 KB (a compat module, a shim
of an old module, the downstream recipe); a single line is compat code when it carries the marker
(a hook: ``__getattr__ = ...  # runsmig: compat aliases until 3.0, remove with 'runsmig compat drop'``).
Lines between ``runsmig: compat begin until 3.0`` and ``runsmig: compat end`` are compat code too
(for hooks that take more than one line). ``check`` accepts the old names there with the reason
``compat (removed in 3.0)``; ``runsmig compat drop`` deletes such files and lines.

Interface: ``line(removed_in, comment="#") -> str`` (the marker as a comment), ``file_reason(data)``,
``line_reasons(text) -> {line number: reason}``, ``release_of(text) -> str | None``.
"""

from __future__ import annotations

import re

TEXT = "runsmig: compat"
BYTES = TEXT.encode()
_MARK = re.compile(r"runsmig: compat (?:aliases|downstream recipe|begin) until ([\w.+-]+?)[,;]?(?:\s|$)")
_BEGIN = re.compile(r"runsmig: compat begin until ([\w.+-]+)")
_END = re.compile(r"runsmig: compat end\b")
_WHOLE = re.compile(r"\s*(?:#|//|/\*|<!--)\s*runsmig: compat ")
DROP = "remove with 'runsmig compat drop'"


def line(removed_in: str, comment: str = "#", what: str = "aliases") -> str:
    """The marker as a comment: ``# runsmig: compat aliases until 3.0, remove with 'runsmig compat drop'``."""
    return f"{comment} {TEXT} {what} until {removed_in}, {DROP}"


def short(removed_in: str, comment: str = "#") -> str:
    """The marker of one added line, short enough for the end of a line: ``# runsmig: compat aliases until 3.0``."""
    return f"{comment} {TEXT} aliases until {removed_in}"


def begin(removed_in: str, comment: str = "//") -> str:
    return f"{comment} {TEXT} begin until {removed_in}"


def end(comment: str = "//") -> str:
    return f"{comment} {TEXT} end"


def begins(text: str) -> bool:
    """Whether a line opens a marked block."""
    return _BEGIN.search(text) is not None


def reason(removed_in: str) -> str:
    return f"compat (removed in {removed_in})"


def release_of(text: str) -> str | None:
    m = _MARK.search(text)
    return m.group(1) if m else None


def file_reason(data: bytes) -> str | None:
    """The reason a whole file keeps its names (None: no marker in its first 1 KB)."""
    head = data[:1024]
    if BYTES not in head:
        return None
    first = head.decode("utf-8", "replace").split("\n")
    for text in first[:5]:
        release = release_of(text)
        # a comment line of its own: a marked line of code (``import ...;  // runsmig: compat ...``) is one line
        if release is not None and not _BEGIN.search(text) and _WHOLE.match(text):
            return reason(release)
    return None


def line_reasons(text: str) -> dict[int, str]:
    """1-based line -> reason, for marked lines and marked blocks."""
    out: dict[int, str] = {}
    if TEXT not in text:
        return out
    block: str | None = None
    for i, ln in enumerate(text.splitlines(), start=1):
        b = _BEGIN.search(ln)
        if b:
            block = b.group(1)
        if block is not None:
            out[i] = reason(block)
            if _END.search(ln):
                block = None
            continue
        release = release_of(ln)
        if release is not None:
            out[i] = reason(release)
    return out


def pinned(root, rels) -> dict[str, str]:
    """Of ``rels`` (files whose names may hold a term), those that are generated compat code, with
    their reason: such a file keeps its name (an old module's shim is named by the old name)."""
    out: dict[str, str] = {}
    for rel in rels:
        try:
            with open(root / rel, "rb") as fh:
                head = fh.read(1024)
        except OSError:
            continue
        why = file_reason(head)
        if why is not None:
            out[rel] = why
    return out
