"""A dynamic reference (:class:`.tokens.Dynamic`) as regular expressions over checkout paths.

Its static text before the first hole says where it is read from, as a static reference's does
(:mod:`.resolve`): ``./``/``../`` the referring file's folder, ``/`` a web root (``static/``,
``public/``) of a folder above it (never the checkout root: ``'/api/jobs/' + id`` is a URL),
``@name/`` a bundler alias; a bare path only the referring file's folder; a hole first, anywhere
(then a static piece must hold a folder and a name, ``img/x``). Holes are groups: whether a
move's change falls inside one is what :mod:`.settle` asks.
"""

from __future__ import annotations

import posixpath
import re

from runsmig.languages.refs.resolve import WEB_ROOTS, _ALIAS, _ancestors
from runsmig.languages.refs.tokens import Dynamic

_NAMED = re.compile(r"\w/\w")


def _static(piece: str, glob: bool) -> str:
    if not glob:
        return re.escape(piece)
    out, i = [], 0
    while i < len(piece):
        if piece.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif piece.startswith("**", i):
            out.append(".*")
            i += 2
        elif piece[i] == "*":
            out.append("[^/]*")
            i += 1
        elif piece[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(piece[i]))
            i += 1
    return "".join(out)


def _body(pieces, glob: bool) -> str:
    return "".join("(.*?)" if p is None else _static(p, glob) for p in pieces)


def bases(d: Dynamic, referrer: str, exists) -> list[tuple[str, str]] | None:
    """(base folder, the static text left after it) per place the reference may be read from;
    None: not a path this module can read (``exists(folder)``: is there such a folder)."""
    first = d.pieces[0]
    if first is None:
        rest = [p for p in d.pieces if p]
        return [("*", "")] if any(_NAMED.search(p) for p in rest) else None
    cut = first.rfind("/")
    if d.glob:
        star = min((first.find(c) for c in "*?" if c in first), default=-1)
        cut = first.rfind("/", 0, star) if star >= 0 else cut
    folder, head = (first[:cut + 1], first[cut + 1:]) if cut >= 0 else ("", first)
    if ".." in head or any(p and ".." in p.split("/") for p in d.pieces[1:]):
        return None
    here = posixpath.dirname(referrer)
    if folder.startswith(("./", "../")):
        base = posixpath.normpath(posixpath.join(here, folder))
        if base.startswith(".."):
            return None
        return [("" if base == "." else base, head)]
    if folder.startswith("/"):
        tail = folder.strip("/")
        out = []
        for anc in _ancestors(referrer):
            for web in WEB_ROOTS:
                base = "/".join(x for x in (anc, web, tail) if x)
                if exists(base):
                    out.append((base, head))
        return out
    m = _ALIAS.match(folder)
    if m is not None:
        tail = folder[m.end():].strip("/")
        for anc in _ancestors(referrer):
            for root in (anc, posixpath.join(anc, "src") if anc else "src"):
                base = "/".join(x for x in (root, tail) if x)
                if exists(base):
                    return [(base, head)]
        return []
    if not folder and not head:
        return None
    base = posixpath.normpath(posixpath.join(here, folder)) if folder else here
    return [("" if base == "." else base, head)]


def regex(base: str, head: str, pieces, glob: bool) -> re.Pattern:
    if base == "*":
        return re.compile("(.*?)" + _body(pieces[1:], glob) + r"\Z", re.S)
    prefix = re.escape(base + "/") if base else ""
    return re.compile(prefix + _static(head, glob) + _body(pieces[1:], glob) + r"\Z", re.S)
