"""Language transformers, registered by existing: every module in this package or in one of
its packages (``python``, ``typescript``, ``markdown``, ``config``) that defines ``LANGUAGE``
(an instance of :class:`runsmig.languages.base.Language`) takes part. The highest ``priority``
whose patterns match a path wins.

A language is imported when a file of it is analysed, not before: which language a path belongs
to is read from the modules' source (``LANGUAGE = Name()`` of a ``class Name(Language)`` that sets
``name``, ``patterns`` and ``priority`` to literals), so the gate of a pull request that changed
one TypeScript file never imports LibCST. A module written any other way is imported to be read.
"""

from __future__ import annotations

import ast
import importlib
import os
from dataclasses import dataclass
from functools import cached_property, lru_cache

from runsmig.languages.base import FileContext, Language

__all__ = ["FileContext", "Language", "language_for", "language_name", "languages"]


@dataclass(frozen=True)
class Declared:
    """What a language module declares, read without importing it."""

    module: str
    name: str
    patterns: tuple[str, ...]
    priority: int

    @cached_property
    def _spec(self):
        import pathspec

        return pathspec.PathSpec.from_lines("gitignore", self.patterns)

    def matches(self, rel: str) -> bool:
        return bool(self._spec.match_file(rel))

    def load(self) -> Language:
        lang = getattr(importlib.import_module(self.module), "LANGUAGE", None)
        if not isinstance(lang, Language):
            raise TypeError(f"{self.module}: LANGUAGE is not a Language")
        return lang


@lru_cache(maxsize=1)
def declared() -> tuple[Declared | Language, ...]:
    """Every language, highest priority first: a :class:`Declared` when its module reads as one,
    else the imported ``LANGUAGE`` itself."""
    found: list[Declared | Language] = []
    for module, path in _modules():
        try:
            with open(path, "rb") as fh:
                source = fh.read()
        except OSError:
            continue
        if b"LANGUAGE" not in source:
            continue  # it cannot define one
        decl = _declaration(module, source)
        if decl is not None:
            found.append(decl)
            continue
        lang = getattr(importlib.import_module(module), "LANGUAGE", None)
        if isinstance(lang, Language):
            found.append(lang)
    found.sort(key=lambda lang: (-lang.priority, lang.name))
    return tuple(found)


@lru_cache(maxsize=1)
def languages() -> tuple[Language, ...]:
    """Every language, imported, highest priority first."""
    return tuple(d.load() if isinstance(d, Declared) else d for d in declared())


def language_for(rel: str) -> Language:
    for lang in declared():
        if lang.matches(rel):
            return lang.load() if isinstance(lang, Declared) else lang
    from runsmig.languages.text import LANGUAGE

    return LANGUAGE


def language_name(rel: str) -> str:
    """The name of the language of ``rel``, without importing it."""
    for lang in declared():
        if lang.matches(rel):
            return lang.name
    return "text"


def _modules() -> list[tuple[str, str]]:
    """(dotted name, file) of every module of this package and its packages, as
    ``pkgutil.walk_packages`` finds them (names starting with '_' and ``base`` left out)."""
    out: list[tuple[str, str]] = []
    for top in __path__:
        for folder, dirs, files in os.walk(top):
            rel = os.path.relpath(folder, top)
            parts = [] if rel == "." else rel.split(os.sep)
            if any(p.startswith("_") or not p.isidentifier() for p in parts) or \
                    (parts and not os.path.isfile(os.path.join(folder, "__init__.py"))):
                dirs[:] = []
                continue
            dirs.sort()
            prefix = ".".join([__name__, *parts])
            for f in sorted(files):
                stem = f[:-3]
                if f.endswith(".py") and stem.isidentifier() and not stem.startswith("_") and stem != "base":
                    out.append((f"{prefix}.{stem}", os.path.join(folder, f)))
                elif f == "__init__.py" and parts and parts[-1] != "base":
                    out.append((prefix, os.path.join(folder, f)))
    return out


def _declaration(module: str, source: bytes) -> Declared | None:
    """``LANGUAGE = Name()`` of a ``class Name(Language)`` whose body sets ``name``, ``patterns``
    and ``priority`` to literals; None for anything else."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    made = None
    for n in tree.body:
        if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            if any(isinstance(t, ast.Name) and t.id == "LANGUAGE" for t in targets):
                if made is not None or not isinstance(n, ast.Assign):
                    return None  # bound twice, or some other way
                made = n.value
    if not (isinstance(made, ast.Call) and isinstance(made.func, ast.Name) and not made.args and not made.keywords):
        return None
    cls = classes.get(made.func.id)
    if cls is None or [ast.unparse(b) for b in cls.bases] != ["Language"] or cls.keywords or cls.decorator_list:
        return None
    attrs: dict[str, object] = {}
    for n in cls.body:
        if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None:
            for t in n.targets if isinstance(n, ast.Assign) else [n.target]:
                if isinstance(t, ast.Name) and t.id in ("name", "patterns", "priority"):
                    try:
                        attrs[t.id] = ast.literal_eval(n.value)
                    except ValueError:
                        return None
        elif isinstance(n, ast.FunctionDef) and n.name in ("__init__", "matches", "__init_subclass__"):
            return None  # it may decide its own matching
    name, patterns, priority = attrs.get("name"), attrs.get("patterns"), attrs.get("priority")
    if not (isinstance(name, str) and isinstance(patterns, tuple) and all(isinstance(p, str) for p in patterns)
            and type(priority) is int):
        return None
    return Declared(module, name, patterns, priority)
