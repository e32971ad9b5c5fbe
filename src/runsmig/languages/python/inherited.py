"""Names a checkout class shares with its third-party base: kept everywhere.

A class of the checkout that extends an installed package's class (``class Store(BaseJobStore)``)
speaks the base's vocabulary, which the term map must not touch:

* a method it defines that the base declares too (``def lookup_job``): an override, called by
  the package under that name (renamed, an abstract method is left unimplemented, or the
  override is never called);
* ``self._process_jobs()`` that the base declares (inherited, whether or not a checkout class
  between them defines it again).

What the base declares is read from the installed package (:mod:`.installed`). Each such name is
kept everywhere, like a recipe ``keep:`` word, so the uses in other files
(``store.lookup_job(...)`` in a test whose ``store`` is a fixture) stay with it; the plan says
which class and base keep it.

A base whose package is not installed where runsmig looks (a virtualenv at the checkout's top,
``$VIRTUAL_ENV``, runsmig's own, the standard library) is not guessed about (a package that is
there but whose class is no class statement, ``typing.NamedTuple``, gives nothing to keep):
renamed, an override of it would break (an abstract method left unimplemented), kept, a name that
overrides nothing stays behind. So the
names holding a term that such a class defines or uses are *unsure*: kept everywhere (the plan
changes nothing it cannot tell is safe, and says so: install the project's dependencies and plan
again), and ``check`` counts each class as undecided (its own exit code), never as a pass.

Cost: only Python files that hold a term are read, and only those with a ``class`` statement
that names a base are parsed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from runsmig.languages.python.installed import body_names, class_members, installed, site_dirs
from runsmig.languages.python.modules import index_for
from runsmig.textio import read_file

_CLASS_WITH_BASE = re.compile(rb"^[ \t]*class[ \t]+\w+[ \t]*\([ \t]*[\w\\\n]", re.M)
_MOST = 2 * 1024 * 1024


def inherited_names(root: Path, rels, all_files: frozenset[str], engine,
                    unread: list[str] | None = None, unsure: list | None = None) -> dict[str, str]:
    """Name -> why it is kept, for the names holding a term that a class in the Python files
    ``rels`` shares with an installed third-party base; ``unread`` gets a note per third-party base
    that cannot be read where runsmig looks, of a class with names holding a term, and ``unsure``
    (rel, line, its names, the note) for each such class."""
    found: dict[str, str] = {}
    sites = None
    for rel in sorted(rels):
        if not rel.endswith(".py"):
            continue
        try:
            if (root / rel).stat().st_size > _MOST:
                continue
            data = read_file(root / rel)
        except OSError:
            continue
        if not _CLASS_WITH_BASE.search(data):
            continue
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            continue
        if sites is None:
            sites = site_dirs(root)
        for name, why in _of_module(root, rel, tree, all_files, engine, sites, unread, unsure):
            found.setdefault(name, why)
    return found


def _imports(tree: ast.Module) -> dict[str, tuple[str, str, int]]:
    """Local name -> (module, name there or '' for a module, level), top-level imports."""
    out: dict[str, tuple[str, str, int]] = {}
    for st in tree.body:
        if isinstance(st, ast.ImportFrom):
            for a in st.names:
                out[a.asname or a.name] = (st.module or "", a.name, st.level)
        elif isinstance(st, ast.Import):
            for a in st.names:
                out[a.asname or a.name.split(".")[0]] = (a.name if a.asname else a.name.split(".")[0], "", 0)
    return out


def _of_module(root: Path, rel: str, tree: ast.Module, all_files, engine, sites, unread=None, unsure=None):
    idx = index_for(all_files)
    imports = _imports(tree)
    for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
        theirs: list[tuple[str, frozenset[str]]] = []  # (base's dotted name, what it declares)
        for base in cls.bases:
            if isinstance(base, ast.Subscript):
                base = base.value
            target = _external_base(base, imports, idx, rel)
            if target is None:
                continue
            if target == "ours":
                continue
            members = class_members(sites, *target)
            if members is not None:  # a base that is not installed here is not guessed about
                theirs.append((f"{target[0]}.{target[1]}", members))
            elif installed(sites, target[0]):
                continue  # its package is there, the class is not a class statement (typing.NamedTuple)
            elif unread is not None:
                names = sorted(n for n in _defined(cls) | _self_uses(cls) if engine.find(n))
                if names:
                    shown = ", ".join(names[:5]) + (f", … ({len(names) - 5} more)" if len(names) > 5 else "")
                    note = (f"class {cls.name} ({rel}:{cls.lineno}) derives from third-party "
                            f"'{target[0]}.{target[1]}', which cannot be read where runsmig looks (a "
                            "virtualenv at the checkout's top, $VIRTUAL_ENV, runsmig's own): its names "
                            f"holding a term ({shown}) are kept, since whether they override the base "
                            "cannot be told: install the project's dependencies there and plan again")
                    unread.append(note)
                    if unsure is not None:
                        unsure.append((rel, cls.lineno, tuple(names), note))
        if not theirs:
            continue
        own = _defined(cls)
        used = _self_uses(cls)
        for name in sorted(own | used):
            if not engine.find(name):
                continue
            base = next((b for b, m in theirs if name in m), None)
            if base is None:
                continue
            how = "overrides" if name in own else "inherits"
            yield name, (f"'{name}' is kept everywhere: class {cls.name} ({rel}:{cls.lineno}) {how} it from "
                         f"third-party '{base}'")


def _external_base(base: ast.expr, imports, idx, rel: str):
    """(module, class) of a base imported from a third-party module; 'ours' or None otherwise."""
    if isinstance(base, ast.Name) and base.id in imports:
        module, name, level = imports[base.id]
        if not name:
            return None
    elif isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id in imports:
        module, sub, level = imports[base.value.id]
        module, name = (f"{module}.{sub}" if sub else module), base.attr
    else:
        return None
    if level or not idx.resolve(module, rel, 0).external:
        return "ours"
    return module, name


def _defined(cls: ast.ClassDef) -> set[str]:
    return body_names(cls, ("self", "cls"))


def _self_uses(cls: ast.ClassDef) -> set[str]:
    return {node.attr for node in ast.walk(cls) if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            and isinstance(node.ctx, ast.Load)}
