"""The shared frame of the passes that lay out what a rewrite wrote (runsmig.prosewrap,
runsmig.pysplit, runsmig.mdreflow): which planned changes they may touch, and which lines grew.

``edit_changes(changes, generated, wanted, edit)`` gives ``changes`` (runsmig.plan.Change) with
``edit(change, old, new) -> str`` applied to each modified or renamed file whose target ``wanted``
accepts, whose contents changed and decode as UTF-8, and that no recipe regenerates (``generated``:
paths; such a file is its tool's). ``grown_lines(old, new, limit)``: the indexes of the lines of
``new`` (split by ``LINE``) rewritten in place that were within ``limit`` and are now past it;
``grown_split(old, new, limit)``: the same with the lines, None when none grew.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace

LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def body(line: str) -> str:
    """A line without its ending."""
    return line.rstrip("\r\n")


def edit_changes(changes, generated, wanted, edit) -> list:
    out = []
    for c in changes:
        if (c.action not in ("modify", "rename") or not wanted(c.target) or c.old is None or c.new is None
                or c.old == c.new or c.target in generated or c.path in generated):
            out.append(c)
            continue
        try:
            old, new = c.old.decode("utf-8"), c.new.decode("utf-8")
        except UnicodeDecodeError:
            out.append(c)
            continue
        edited = edit(c, old, new)
        out.append(c if edited == new else replace(c, new=edited.encode("utf-8")))
    return out


def grown_lines(a: list[str], b: list[str], limit: int) -> list[int]:
    """Indexes into ``b`` of the lines that replace a line of ``a`` one for one and grew past ``limit``."""
    grown = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, [body(x) for x in a], [body(x) for x in b],
                                                       autojunk=False).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            grown += [j1 + k for k in range(j2 - j1) if len(body(b[j1 + k])) > limit >= len(body(a[i1 + k]))]
    return grown


def grown_split(old: str, new: str, limit: int) -> tuple[list[str], list[int]] | None:
    """(the lines of ``new``, the indexes of those that grew past ``limit``), or None when none did, or
    when ``new`` holds a lone CR (parsers and editors disagree on its lines)."""
    if "\r" in new.replace("\r\n", ""):
        return None
    b = LINE.findall(new)
    grown = grown_lines(LINE.findall(old), b, limit)
    return (b, grown) if grown else None


__all__ = ["LINE", "body", "edit_changes", "grown_lines", "grown_split"]
