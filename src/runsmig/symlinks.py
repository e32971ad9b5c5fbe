"""Symlinks whose target the plan renames: retargeted with it, or reported.

A symlink is never followed or written through, but its text names a path, and a plan that
renames that path would leave it dangling. For each symlink of the checkout whose text points
inside the checkout (read lexically, as the kernel reads ``a/b`` but with ``..`` taken as written):

* the target file is renamed -> the link is rewritten to the new path;
* the target folder moves whole (every file under it moves to one new folder, at the same depth
  in it; names below may change) -> the link is rewritten to the new folder;
* the target is deleted, or its files are spread over several folders -> a follow-up, link unchanged.

The new text stays relative when it was relative (from the link's own folder) and absolute when it
was absolute. The change is an ordinary ``modify`` of the link (mode 120000, its text as content):
``plan`` prints it as git does, ``apply`` replaces the link atomically (a new link, then rename).
"""

from __future__ import annotations

import bisect
import os
import posixpath
from pathlib import Path

from runsmig.findings import Finding

LINK_MODE = 0o120000


def retarget(root: Path, result, changes: list) -> tuple[list, list[Finding]]:
    """(modify changes of symlinks, follow-ups) for the renames and deletes in ``changes``."""
    from runsmig.plan import Change

    moves = {c.path: c.target for c in changes if c.action == "rename"}
    deleted = {c.path for c in changes if c.action == "delete"}
    if not moves and not deleted:
        return [], []
    from runsmig.discover import _SYMLINK

    links = [rel for rel, why in result.skipped if why == _SYMLINK and os.path.islink(root / rel)]
    if not links:
        return [], []
    before = sorted({o.rel for o in result.looked} | set(result.unread) | {rel for rel, _ in result.skipped})
    real_root = os.path.realpath(root)
    out, notes = [], []
    for link in links:
        text = os.readlink(root / link)
        target = _inside(text, link, str(root), real_root)
        if target is None:
            continue
        new, why = _new_location(target, moves, deleted, before)
        if why:
            notes.append(Finding(link, 0, 0, link, "path", None, "follow-up",
                                 f"symlink -> '{text}': {why}; update or remove it by hand"))
        if new is None or new == target:
            continue
        if text.startswith("/"):
            base = real_root if text.startswith(real_root + "/") else str(root)
            new_text = f"{base}/{new}"
        else:
            new_text = posixpath.relpath(new, posixpath.dirname(link) or ".")
        if text.endswith("/") and not new_text.endswith("/"):
            new_text += "/"
        out.append(Change("modify", link, None, os.fsencode(text), os.fsencode(new_text), LINK_MODE))
    return out, notes


def _inside(text: str, link: str, root: str, real_root: str) -> str | None:
    """The root-relative path a link's text names, or None when it is outside the checkout."""
    if text.startswith("/"):
        for base in (root, real_root):
            if text.rstrip("/").startswith(base + "/"):
                return posixpath.normpath(text[len(base) + 1:])
        return None
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(link), text))
    return None if rel == "." or rel == ".." or rel.startswith("../") else rel


def _new_location(target: str, moves: dict[str, str], deleted: set[str], before: list[str]) -> tuple[str | None, str]:
    """(where ``target`` is after the plan, why it cannot be followed)."""
    if target in moves:
        return moves[target], ""
    if target in deleted:
        return None, f"the plan deletes '{target}'"
    prefix = target + "/"
    lo = bisect.bisect_left(before, prefix)
    hi = bisect.bisect_left(before, prefix[:-1] + "0")  # '0' sorts right after '/'
    under = before[lo:hi]
    if not under or any(f not in moves and f not in deleted for f in under):
        return target, ""  # not a folder of the checkout, or one that stays
    folders = set()
    for f in under:
        if f in deleted:
            continue
        depth = f[len(prefix):].count("/") + 1  # the file's place under the folder (its names may change)
        parts = moves[f].split("/")
        folders.add("/".join(parts[:-depth]) if len(parts) > depth else None)
    if len(folders) == 1 and None not in folders:
        return folders.pop(), ""
    if not folders:
        return None, f"the plan deletes every file of '{target}'"
    return None, f"the files of '{target}' move to different folders"
