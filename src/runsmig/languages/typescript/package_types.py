"""The member names a third-party package's type declarations name (its ``.d.ts`` files).

A key of an object literal handed to a package (``new Queue('q', { jobId })``) is that package's
option only when the package's declarations name it: ``JobsOptions`` declares ``jobId``. A key
they never name (``pack({ keepJobs })``, msgpackr's ``pack(value: any)``; ``parseArgs({ options:
{ 'job-id': … } })``, an index signature) is the project's own data, read back by the project
(``opts['keepJobs']`` in its Lua scripts, ``values['job-id']``), and so follows the project's term
map like its other occurrences.

The declarations are looked up where Node would find the package from the importing file: the
``node_modules`` folders from its folder up to the checkout root, in ``<pkg>`` and in
``@types/<pkg>`` (``node:`` builtins: ``@types/node``). Nothing found (not installed, or a
package with no types): None, and the caller keeps every key as the package's, as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path

from runsmig import deps
from runsmig.languages.typescript.modules import NODE_BUILTINS, package_name

NAMES = "typescript.package_types:names"  # a recorded question (runsmig.listing answers it again)

DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
_MOST_BYTES = 32 * 1024 * 1024  # a package's declarations read at most
_MOST_PACKAGES = 64  # packages followed through the declarations' imports
# a package the declarations import or reference: ``from 'x'``, ``import('x')``, ``require('x')``,
# ``/// <reference types="x" />``
_IMPORTED = re.compile(r"""(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"]([^'"./][^'"]*)['"]"""
                       r"""|<reference\s+types\s*=\s*['"]([^'"]+)['"]""")
_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
# a member, property, parameter or method declared: ``jobId?:``, ``'job-id':``, ``keep(``, ``keep<T>(``
_MEMBER = re.compile(r"""(?:(['"])([^'"\n]+)\1|([A-Za-z_$][\w$]*))\s*\??\s*[:(<]""")


def types_dirs(pkg: str) -> tuple[str, ...]:
    """Folders under a ``node_modules`` that may hold ``pkg``'s declarations."""
    if pkg.startswith("node:") or pkg in NODE_BUILTINS:
        return ("@types/node",)
    mangled = pkg[1:].replace("/", "__") if pkg.startswith("@") else pkg
    return (pkg, "@types/" + mangled)


def declared_names(root: Path, importer: str, pkg: str) -> frozenset[str] | None:
    """The names ``pkg``'s declarations give members, properties and parameters, as seen from
    ``importer`` (a path relative to ``root``); None when no declarations are found. The file's
    cached result depends on them: a recorded question, answered by their fingerprint."""
    got = _lookup(Path(root), importer, pkg)
    deps.asked(NAMES, json.dumps([importer, pkg]), _fingerprint(got))
    return got


def answer(kind: str, question: str, view) -> str | None:
    if kind != NAMES:
        return None
    importer, pkg = json.loads(question)
    return _fingerprint(_lookup(Path(view.root), importer, pkg))


def _fingerprint(names: frozenset[str] | None) -> str:
    if names is None:
        return "-"
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:16]


def _lookup(root: Path, importer: str, pkg: str) -> frozenset[str] | None:
    folder = Path(root, importer).parent
    top = Path(root)
    while True:
        nm = folder / "node_modules"
        if nm.is_dir():
            got = _names_in(str(nm), pkg)
            if got is not None:
                return got
        if folder == top or top not in folder.parents:
            return None
        folder = folder.parent


def _names_in(node_modules: str, pkg: str) -> frozenset[str] | None:
    """``pkg``'s names and those of the packages its declarations import or reference
    (``import { RedisOptions } from 'ioredis'``, ``/// <reference types="node" />``): a type it
    takes from another package names that package's members too."""
    first = _own(node_modules, types_dirs(pkg), _stamp(node_modules, pkg))
    if first is None:
        return None
    names, todo = set(first[0]), list(first[1])
    seen = {types_dirs(pkg)}
    while todo and len(seen) < _MOST_PACKAGES:
        other = todo.pop()
        if types_dirs(other) in seen:
            continue
        seen.add(types_dirs(other))
        got = _own(node_modules, types_dirs(other), _stamp(node_modules, other))
        if got is not None:
            names |= got[0]
            todo += got[1]
    return frozenset(names)


def _stamp(node_modules: str, pkg: str) -> tuple:
    """What changes when the package is installed, removed or upgraded (its folders' and
    ``package.json``'s times): the cache below is read again then."""
    out = []
    for sub in types_dirs(pkg):
        for rel in (sub, sub + "/package.json"):
            try:
                out.append(os.stat(os.path.join(node_modules, rel)).st_mtime_ns)
            except OSError:
                out.append(None)
    return tuple(out)


@lru_cache(maxsize=512)
def _own(node_modules: str, dirs: tuple[str, ...], stamp: tuple) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """The names a package's own declaration files (in ``dirs``) give, and the packages they
    import (None: no declaration files)."""
    names: set[str] = set()
    specs: set[str] = set()
    found = False
    budget = _MOST_BYTES
    for sub in dirs:
        base = os.path.join(node_modules, sub)
        if not os.path.isdir(base):
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d != "node_modules")
            for fn in sorted(filenames):
                if not fn.endswith(DECLARATION_SUFFIXES):
                    continue
                path = os.path.join(dirpath, fn)
                try:
                    size = os.path.getsize(path)
                    if size > budget:
                        continue
                    budget -= size
                    with open(path, encoding="utf-8", errors="replace") as fh:
                        raw = fh.read()
                except OSError:
                    continue
                found = True
                for m in _IMPORTED.finditer(raw):
                    name = package_name(m.group(1) or m.group(2))
                    if name is not None:
                        specs.add(name)
                for m in _MEMBER.finditer(_COMMENT.sub(" ", raw)):
                    names.add(m.group(2) or m.group(3))
    return (frozenset(names), tuple(sorted(specs))) if found else None
