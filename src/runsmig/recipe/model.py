"""The recipe as frozen data, after validation."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec


@dataclass(frozen=True)
class Term:
    """A term and its replacement, singular and plural (e.g. job/jobs -> run/runs)."""

    singular: str
    plural: str
    to_singular: str
    to_plural: str


@dataclass(frozen=True)
class PathRename:
    source: str  # checkout-relative, '/'-separated; a trailing '/' means a folder
    target: str
    reason: str = ""


@dataclass(frozen=True)
class PathDelete:
    path: str
    reason: str


@dataclass(frozen=True)
class AllowEntry:
    """Occurrences the gate accepts: paths (gitwildmatch), optional line regex, optional kinds."""

    paths: tuple[str, ...]
    reason: str
    pattern: str | None = None
    kinds: tuple[str, ...] = ()
    rewrite: bool = False  # False: occurrences are left as they are
    _spec: Any = field(default=None, compare=False, repr=False)
    _regex: Any = field(default=None, compare=False, repr=False)

    def covers_path(self, rel: str) -> bool:
        return bool(self._spec.match_file(rel))

    def covers_file(self, rel: str) -> bool:
        """Whole file allowlisted (no line pattern, no kind restriction)."""
        return self.pattern is None and not self.kinds and self.covers_path(rel)

    def covers(self, rel: str, line_text: str, kind: str) -> bool:
        if not self.covers_path(rel):
            return False
        if self.kinds and kind not in self.kinds:
            return False
        if self._regex is not None and not self._regex.search(line_text):
            return False
        return True

    @staticmethod
    def build(paths: tuple[str, ...], reason: str, pattern: str | None, kinds: tuple[str, ...], rewrite: bool = False) -> "AllowEntry":
        spec = pathspec.PathSpec.from_lines("gitignore", paths)
        regex = re.compile(pattern) if pattern else None
        return AllowEntry(paths, reason, pattern, kinds, rewrite, spec, regex)


@dataclass(frozen=True)
class Generated:
    path: str
    regenerate: str | None = None  # command the plan runs in its shadow tree (runsmig.regenerate)
    cwd: str = "."
    env: dict[str, str] = field(default_factory=dict)  # extra environment; '{root}' is the shadow tree
    link: tuple[str, ...] = ()  # installed folders (node_modules) the generator reads from the checkout


@dataclass(frozen=True)
class Recipe:
    name: str
    description: str
    source: Path  # the recipe file
    terms: tuple[Term, ...]
    symbols: dict[str, str]  # exact identifier -> identifier, overrides the term map
    phrases: tuple[tuple[str, str], ...]  # prose phrase -> phrase, applied before the term map
    keep: tuple[str, ...]  # words/identifiers containing a term that are never rewritten (third-party names)
    renames: tuple[PathRename, ...]
    deletes: tuple[PathDelete, ...]
    allowlist: tuple[AllowEntry, ...]
    ignore: tuple[str, ...]  # extra ignore patterns (gitwildmatch), like .runsmigignore
    generated: tuple[Generated, ...]
    sections: dict[str, Any]  # extension sections parsed by runsmig.recipe.sections.<name>
    # False: the recipe as data only (what ``check`` uses, and what an untrusted recipe is): its
    # transforms do not exist (:attr:`code_folder` is None) and its generated files have no command
    code: bool = True

    @property
    def folder(self) -> Path:
        return self.source.parent

    @property
    def code_folder(self) -> Path | None:
        """The folder whose ``transforms/`` hold this recipe's Python; None for a data-only recipe.
        The one place that says whether recipe code can exist (runsmig.transforms reads only this)."""
        return self.folder if self.code else None

    def data_only(self) -> Recipe:
        """The same recipe without anything that runs: no transforms, no ``regenerate`` commands."""
        if not self.code:
            return self
        return dataclasses.replace(self, code=False, generated=tuple(
            dataclasses.replace(g, regenerate=None) for g in self.generated))

    def code_parts(self) -> list[str]:
        """What of this recipe would run: its transform files and its distinct regenerate commands."""
        tdir = self.folder / "transforms"
        files = sorted(f"transforms/{f.name}" for f in tdir.glob("*.py") if not f.name.startswith("_")) \
            if self.code and tdir.is_dir() else []
        commands = list(dict.fromkeys(f"regenerate: {g.regenerate}" for g in self.generated if g.regenerate))
        return files + commands

    def allow_for_file(self, rel: str) -> AllowEntry | None:
        for entry in self.allowlist:
            if entry.covers_file(rel):
                return entry
        return None

    def allow_for(self, rel: str, line_text: str, kind: str) -> AllowEntry | None:
        for entry in self.allowlist:
            if entry.covers(rel, line_text, kind):
                return entry
        return None
