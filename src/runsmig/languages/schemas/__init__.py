"""Third-party config schemas, registered by existing: every module here that defines ``SCHEMA``
(a :class:`Schema`) or ``SCHEMAS`` (several, one per format) takes part. A schema names the files of a format that belongs to another tool
(GitHub Actions workflows, GitLab CI, docker compose, package.json, pyproject.toml, lockfiles)
and the shape of its documents (:mod:`.shapes`): which keys are the tool's keywords, which are the
user's names, which values are third-party references.

The YAML, JSON and TOML passes ask :func:`guard` for the file: term edits inside the tool's spans
are dropped and the word is reported once per file as an ``external`` finding (a note, never a
remnant). Everything else is renamed by the one term matcher, so a job id and the ``needs:`` that
names it change together.
"""

from __future__ import annotations

import importlib
import pkgutil
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import pathspec

from runsmig.findings import Edit, Finding
from runsmig.languages.base import word_span
from runsmig.languages.schemas.shapes import (
    Keep,
    Node,
    Shape,
    TreeError,
    ValueRule,
    keeps,
)

__all__ = ["Guard", "Schema", "TreeError", "guard", "schema_for", "schemas"]


@dataclass(frozen=True)
class Schema:
    name: str  # "GitHub Actions workflow"
    owner: str  # who owns the kept words, as findings say it: "GitHub Actions"
    format: str  # yaml, json or toml: the pass that reads the files
    patterns: tuple[str, ...]  # gitwildmatch, on the path relative to the checkout
    shape: Shape | Callable[[list[Node]], Shape]  # the root shape, or a function of the documents
    default: ValueRule | None = None  # the value rule where a shape sets none
    priority: int = 0  # the highest matching schema wins

    @cached_property
    def _spec(self) -> pathspec.PathSpec:
        return pathspec.PathSpec.from_lines("gitignore", self.patterns)

    def matches(self, rel: str) -> bool:
        return bool(self._spec.match_file(rel))

    def keeps(self, docs: list[Node], text: str) -> list[Keep]:
        shape = self.shape if isinstance(self.shape, Shape) else self.shape(docs)
        return keeps(docs, shape, text, self.owner, self.default)


@lru_cache(maxsize=1)
def schemas() -> tuple[Schema, ...]:
    found: list[Schema] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in ("shapes", "trees"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(s for s in (getattr(mod, "SCHEMA", None), *getattr(mod, "SCHEMAS", ()))
                     if isinstance(s, Schema))
    found.sort(key=lambda s: (-s.priority, s.name))
    return tuple(found)


def schema_for(rel: str, fmt: str) -> Schema | None:
    for s in schemas():
        if s.format == fmt and s.matches(rel):
            return s
    return None


class Guard:
    """Drops term edits inside the tool's spans; reports each kept word once per file and owner
    (``jobs:`` of GitHub Actions and ``uses: acme/jobs@v1`` of a third-party action are two notes)."""

    def __init__(self, ctx, spans: list[Keep] = ()):
        self.ctx = ctx
        self.spans = sorted(spans, key=lambda k: (k.start, -k.end))
        self._starts = [k.start for k in self.spans]
        self._reach = []  # the furthest end among spans[:i+1]: an edit hits one when it starts before it
        far = -1
        for k in self.spans:
            far = max(far, k.end)
            self._reach.append(far)
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, str]] = set()  # (word, owner): one finding each per file

    def _hit(self, start: int, end: int) -> Keep | None:
        i = bisect_right(self._starts, max(start, end - 1)) - 1
        while i >= 0 and self._reach[i] > start:
            k = self.spans[i]
            if k.start < max(end, start + 1) and start < k.end:
                return k
            i -= 1
        return None

    def __call__(self, edits: list[Edit]) -> list[Edit]:
        if not self.spans:
            return edits
        out = []
        for e in edits:
            k = self._hit(e.start, e.end)
            if k is None:
                out.append(e)
                continue
            ws, we = word_span(self.ctx.text, e.start, e.end)
            ws, we = max(ws, k.start), min(we, k.end)
            word = self.ctx.text[ws:we]
            if (word, k.owner) in self._seen:
                continue
            self._seen.add((word, k.owner))
            kind = e.finding.kind if e.finding is not None else "config-key"
            self.findings.append(self.ctx.finding(ws, we, kind, None, "external",
                                                  f"'{word}' belongs to {k.owner}: kept"))
        return out


def guard(ctx, fmt: str, documents: Callable[[], list[Node]]) -> Guard:
    """The guard of ctx's file: empty unless a schema matches; ``documents`` is called only then.
    Raises :class:`TreeError` when the documents' structure cannot be read."""
    s = schema_for(ctx.rel, fmt)
    if s is None:
        return Guard(ctx)
    return Guard(ctx, s.keeps(documents(), ctx.text))
