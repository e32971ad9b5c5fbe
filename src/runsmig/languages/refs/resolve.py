"""Resolve a path reference against the checkout's file list, and write it for the new place.

A reference is tried, by its form:

* ``./x``, ``../x``: relative to the referring file's folder, only;
* ``/x``: under a web root (``static/``, ``public/``) of the referring file's folder or one above
  it, or under the checkout root; more than one of them holding ``x`` is ambiguous;
* ``@name/x``, ``~/x`` (a bundler alias: Docusaurus's ``@site``, Vite's ``@``): ``x`` in the
  nearest folder above the referring file (or its ``src/``) that holds it;
* ``x/y`` (bare): relative to the referring file's folder; failing that, under the checkout root
  or a web root (more than one: ambiguous). A bare name with no ``/`` only relative to the file.

What it names must exist before the change: a file, or a folder some file lies under. Every
question to the file list is recorded (:func:`runsmig.deps.asked`) and answered again by
:func:`answer`, so a cached result holds while the list answers the same.
"""

from __future__ import annotations

import json
import posixpath
import re
from bisect import bisect_left
from dataclasses import dataclass
from urllib.parse import unquote

from runsmig import deps

WEB_ROOTS = ("static", "public")
_ALIAS = re.compile(r"^(@[A-Za-z0-9_.-]*|~)/")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
EXISTS, LOCATION = "refs.resolve:exists", "refs.resolve:location"


class Tree:
    """Files and the folders that hold them, before or after the change (sorted once)."""

    def __init__(self, files) -> None:
        self.files = files if isinstance(files, (set, frozenset)) else frozenset(files)
        self._sorted: list[str] | None = None

    @property
    def ordered(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.files)
        return self._sorted

    def under(self, folder: str) -> list[str]:
        prefix = folder.rstrip("/") + "/" if folder else ""
        out = []
        i = bisect_left(self.ordered, prefix)
        while i < len(self.ordered) and self.ordered[i].startswith(prefix):
            out.append(self.ordered[i])
            i += 1
        return out

    def kind(self, rel: str) -> str:
        """'file', 'folder' or '' (nothing there)."""
        if rel in self.files:
            return "file"
        prefix = rel + "/" if rel else ""
        i = bisect_left(self.ordered, prefix)
        return "folder" if i < len(self.ordered) and self.ordered[i].startswith(prefix) else ""


_TREES: dict = {}


def tree(files: frozenset[str]) -> Tree:
    """One tree per file set of a run (kept on its identity)."""
    hit = _TREES.get(id(files))
    if hit is not None and hit[0] is files:
        return hit[1]
    if len(_TREES) > 4:
        _TREES.clear()
    t = Tree(files)
    _TREES[id(files)] = (files, t)
    return t


def location(t: Tree, moves: dict[str, str], deletes, rel: str) -> tuple[str | None, str]:
    """Where file or folder ``rel`` is after the change: (new path, '') or (None, why not). A folder
    goes where all its files go together; split over several places, or emptied, it has no place."""
    if rel in t.files:
        if rel in deletes:
            return None, f"'{rel}' is deleted by the recipe"
        return moves.get(rel, rel), ""
    places: set[str] = set()
    for f in t.under(rel):
        if f in deletes:
            continue
        nf = moves.get(f, f)
        depth = (f.count("/") - rel.count("/")) if rel else f.count("/") + 1
        parts = nf.split("/")
        # the file keeps its depth inside the folder (its own name may change with the folder's)
        places.add("/".join(parts[:-depth]) if len(parts) > depth else "\0")
    if not places:
        return None, f"every file of '{rel}/' is deleted by the recipe"
    if len(places) > 1 or "\0" in places:
        return None, f"the files of '{rel}/' do not move together"
    return places.pop(), ""


def answer(kind: str, question: str, view) -> str | None:
    """What ``view`` (runsmig.listing.View) answers to a question recorded here (None: not ours)."""
    if kind == EXISTS:
        return tree(view.files).kind(question)
    if kind == LOCATION:
        return json.dumps(location(tree(view.files), view.moves, view.deletes, question))
    return None


def exists(files: frozenset[str], rel: str) -> str:
    found = tree(files).kind(rel)
    deps.asked(EXISTS, rel, found)
    return found


def where(files: frozenset[str], moves: dict[str, str], deletes, rel: str) -> tuple[str | None, str]:
    found = location(tree(files), moves, deletes, rel)
    deps.asked(LOCATION, rel, json.dumps(found))
    return found


@dataclass(frozen=True)
class Target:
    path: str  # the file or folder it names (checkout-relative, no trailing '/')
    style: str  # relative ('./x'), near ('x' beside the file), rooted ('/x'), alias ('@site/x'), bare ('x/y' from a root)
    base: str  # the folder the written path is read from ('' : the checkout root)
    prefix: str  # what the written form starts with before its path: '/', '@site/', '~/', ''


def is_external(token: str) -> bool:
    return token.startswith("//") or bool(_SCHEME.match(token))


def _clean(path: str) -> str | None:
    norm = posixpath.normpath(path) if path else "."
    if norm.startswith("../") or norm == ".." or norm.startswith("/"):
        return None
    return "" if norm == "." else norm


def _ancestors(rel: str) -> list[str]:
    out, folder = [], posixpath.dirname(rel)
    while True:
        out.append(folder)
        if not folder:
            return out
        folder = posixpath.dirname(folder)


def resolve(files: frozenset[str], referrer: str, token: str) -> list[Target]:
    """Every place ``token`` (written in file ``referrer``) may name; more than one is ambiguous,
    none: not a reference to the checkout."""
    if not token or is_external(token):
        return []
    path = unquote(token) if "%" in token else token
    path = path.rstrip("/") if path not in ("/", "./", "../") else path
    here = posixpath.dirname(referrer)
    if path.startswith(("./", "../")) or path in (".", ".."):
        p = _clean(posixpath.join(here, path))
        return [Target(p, "relative", here, "")] if p is not None and exists(files, p) else []
    if path.startswith("/"):
        tail = _clean(path.lstrip("/"))
        if not tail:
            return []
        found: dict[str, Target] = {}
        for folder in _ancestors(referrer):
            for web in WEB_ROOTS:
                base = posixpath.join(folder, web) if folder else web
                p = f"{base}/{tail}"
                if p not in found and exists(files, p):
                    found[p] = Target(p, "rooted", base, "/")
        if tail not in found and exists(files, tail):
            found[tail] = Target(tail, "rooted", "", "/")
        return list(found.values())
    m = _ALIAS.match(path)
    if m is not None:
        tail = _clean(path[m.end():])
        if not tail:
            return []
        for folder in _ancestors(referrer):
            for base in (folder, posixpath.join(folder, "src") if folder else "src"):
                p = f"{base}/{tail}" if base else tail
                if exists(files, p):
                    return [Target(p, "alias", base, m.group(0))]
        return []
    p = _clean(posixpath.join(here, path))
    if p is not None and exists(files, p):
        return [Target(p, "near", here, "")]
    if "/" not in path:
        return []
    tail = _clean(path)
    if not tail:
        return []
    found = {}
    if here and exists(files, tail):
        found[tail] = Target(tail, "bare", "", "")
    for folder in _ancestors(referrer):
        for web in WEB_ROOTS:
            base = posixpath.join(folder, web) if folder else web
            q = f"{base}/{tail}"
            if q not in found and exists(files, q):
                found[q] = Target(q, "bare", base, "")
    return list(found.values())


def written(token: str, target: Target, new_path: str, new_referrer: str) -> str | None:
    """``token`` written again for ``new_path`` (where the target is after the change), from
    ``new_referrer``, in its own style; None when that style cannot name the new place (it left the
    web root or alias folder it was read from)."""
    if target.style in ("relative", "near"):
        out = posixpath.relpath(new_path or ".", posixpath.dirname(new_referrer) or ".")
        if token.startswith("./") and not out.startswith("../"):
            out = "./" + (out if out != "." else "")
    else:
        inside = _inside(new_path, target.base)
        if inside is None:
            return None
        out = target.prefix + inside
    if token.endswith("/") and len(token) > 1 and not out.endswith("/"):
        out += "/"
    if "%" in token and " " in out:
        out = out.replace(" ", "%20")
    return out


def _inside(path: str, base: str) -> str | None:
    if not base:
        return path
    if path.startswith(base + "/"):
        return path[len(base) + 1:]
    return None


def narrow(old: str, new: str) -> tuple[int, int, str]:
    """(start, end, text): the part of ``old`` to replace to make ``new`` (common ends kept)."""
    a = 0
    while a < len(old) and a < len(new) and old[a] == new[a]:
        a += 1
    b = 0
    while b < len(old) - a and b < len(new) - a and old[-1 - b] == new[-1 - b]:
        b += 1
    return a, len(old) - b, new[a: len(new) - b]
