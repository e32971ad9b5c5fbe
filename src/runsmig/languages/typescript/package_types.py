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
from runsmig.languages.typescript.modules import NODE_BUILTINS

NAMES = "typescript.package_types:names"  # a recorded question (runsmig.listing answers it again)

DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
_MOST_BYTES = 32 * 1024 * 1024  # a package's declarations read at most
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
            got = _names_in(str(nm), pkg, _stamp(str(nm), pkg))
            if got is not None:
                return got
        if folder == top or top not in folder.parents:
            return None
        folder = folder.parent


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


@lru_cache(maxsize=256)
def _names_in(node_modules: str, pkg: str, stamp: tuple) -> frozenset[str] | None:
    names: set[str] = set()
    found = False
    budget = _MOST_BYTES
    for sub in types_dirs(pkg):
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
                        text = _COMMENT.sub(" ", fh.read())
                except OSError:
                    continue
                found = True
                for m in _MEMBER.finditer(text):
                    names.add(m.group(2) or m.group(3))
    return frozenset(names) if found else None
