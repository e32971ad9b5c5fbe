"""Where a Python import points: a module in the checkout (and what happens to
its file: stays, moves, is deleted) or a third-party/standard-library module.

A top-level package is "in the checkout" when a folder with ``__init__.py`` of
that name exists whose parent has none (``apps/ade-api/src/ade_api``), or a
single ``name.py`` sits in a folder without ``__init__.py``. Everything else
imported is third-party. Built once per process per file set.
"""

from __future__ import annotations

import ast
import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from runsmig import deps
from runsmig.textio import read_file


def _parent(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else ""


def _join(a: str, b: str) -> str:
    return f"{a}/{b}" if a else b


@dataclass(frozen=True)
class Resolved:
    """An import target. ``rel`` is the module file (``x.py`` or ``x/__init__.py``) or None."""

    dotted: str
    external: bool
    rel: str | None = None
    root: str = ""  # the source root the dotted name is relative to
    level: int = 0


class ModuleIndex:
    def __init__(self, files: frozenset[str]):
        self.files = files
        py = [f for f in files if f.endswith(".py")]  # only module files make roots
        inits = {_parent(f) for f in py if f == "__init__.py" or f.endswith("/__init__.py")}
        self.roots: dict[str, list[str]] = {}
        for d in inits:
            if d and _parent(d) not in inits:
                self.roots.setdefault(d.rsplit("/", 1)[-1], []).append(_parent(d))
        for f in py:
            if _parent(f) not in inits:
                name = f.rsplit("/", 1)[-1][:-3]
                if name.isidentifier() and name != "__init__" and name not in sys.stdlib_module_names:
                    self.roots.setdefault(name, []).append(_parent(f))

    def module_file(self, base: str) -> str | None:
        found = self._module_file(base)
        deps.asked(FILE, base, found or "")
        return found

    def _module_file(self, base: str) -> str | None:
        for cand in (base + ".py", _join(base, "__init__.py"), base + ".pyi"):
            if cand in self.files:
                return cand
        return None

    def roots_of(self, name: str) -> list[str]:
        """The folders holding a top-level module or package ``name``, by name."""
        found = sorted(self.roots.get(name, ()))
        deps.asked(ROOTS, name, json.dumps(found))  # not joined: [] and [""] (the top folder) differ
        return found

    def resolve(self, dotted: str, importer: str, level: int = 0) -> Resolved:
        parts = [p for p in dotted.split(".") if p]
        if level:
            base = _parent(importer)
            for _ in range(level - 1):
                base = _parent(base)
            path = _join(base, "/".join(parts)) if parts else base
            return Resolved(dotted, False, self.module_file(path), base, level)
        if not parts:
            return Resolved(dotted, True)
        roots = self.roots_of(parts[0])
        if not roots:
            return Resolved(dotted, True)
        # the root sharing most of the importer's path, then the shortest, then the first by name
        # (the file set's order must not decide: it changes with the hash seed)
        root = min(roots, key=lambda r: (-_common(r, importer), len(r), r))
        return Resolved(dotted, False, self.module_file(_join(root, "/".join(parts))), root, 0)

    def root_of(self, rel: str) -> str:
        """The source root a module file of the checkout is imported from: the longest root
        holding it ('' when none does)."""
        found = self._root_of(rel)
        deps.asked(ROOT_OF, rel, found)
        return found

    def _root_of(self, rel: str) -> str:
        return max((r for roots in self.roots.values() for r in roots if not r or rel.startswith(r + "/")),
                   key=len, default="")

    def submodule(self, res: Resolved, name: str) -> str | None:
        """``from pkg import name`` where ``name`` is a module file of the package."""
        if res.rel is None or not res.rel.endswith("__init__.py"):
            return None
        return self.module_file(_join(_parent(res.rel), name))


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a.split("/"), b.split("/")):
        if x != y:
            break
        n += 1
    return n


def dotted_for(rel: str, root: str) -> str | None:
    """The module name of file ``rel`` under source root ``root`` (None when not under it)."""
    if root and not rel.startswith(root + "/"):
        return None
    tail = rel[len(root) + 1:] if root else rel
    for suffix in ("/__init__.py", ".py", ".pyi"):
        if tail.endswith(suffix):
            tail = tail[: -len(suffix)]
            break
    parts = tail.split("/")
    if not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


# the questions the index is asked of the file list (runsmig.listing answers them again)
FILE, ROOTS, ROOT_OF = "python.modules:file", "python.modules:roots", "python.modules:root_of"


def answer(kind: str, question: str, view) -> str | None:
    """The answer the file list of ``view`` (runsmig.listing.View) gives to a question the index
    recorded (None: not a question of ours)."""
    idx = index_for(view.files)
    if kind == FILE:
        return idx._module_file(question) or ""
    if kind == ROOTS:
        return json.dumps(sorted(idx.roots.get(question, ())))
    if kind == ROOT_OF:
        return idx._root_of(question)
    return None


_INDEX: dict[int, tuple[frozenset[str], ModuleIndex]] = {}


def index_for(files: frozenset[str]) -> ModuleIndex:
    key = id(files)
    hit = _INDEX.get(key)
    if hit is not None and hit[0] is files:
        return hit[1]
    idx = ModuleIndex(files)
    _INDEX.clear()
    _INDEX[key] = (files, idx)
    return idx


def module_names(root: Path, rel: str) -> frozenset[str]:
    """Names bound at the top level of a checkout module (defs, classes, assignments, imports)."""
    deps.note(rel)
    return _module_names(root, rel)


@lru_cache(maxsize=4096)
def _module_names(root: Path, rel: str) -> frozenset[str]:
    try:
        tree = ast.parse(read_file(root / rel))
    except (OSError, SyntaxError, ValueError):
        return frozenset()
    names: set[str] = set()

    def walk(body: list[ast.stmt]) -> None:
        for st in body:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(st.name)
            elif isinstance(st, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = st.targets if isinstance(st, ast.Assign) else [st.target]
                for t in targets:
                    for n in ast.walk(t):
                        if isinstance(n, ast.Name):
                            names.add(n.id)
            elif isinstance(st, (ast.Import, ast.ImportFrom)):
                for a in st.names:
                    names.add(a.asname or a.name.split(".")[0])
            elif isinstance(st, (ast.If, ast.Try, ast.With)):
                walk(st.body)
                walk(getattr(st, "orelse", []))
                walk(getattr(st, "finalbody", []))
                for h in getattr(st, "handlers", []):
                    walk(h.body)
            elif sys.version_info >= (3, 12) and isinstance(st, ast.TypeAlias):  # pragma: no cover
                names.add(st.name.id)

    walk(tree.body)
    return frozenset(names)
