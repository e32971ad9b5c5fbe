"""Third-party config schemas, registered by existing: every module here that defines ``SCHEMA``
(a :class:`Schema`) or ``SCHEMAS`` (several, one per format) takes part. A schema names the files of a format that belongs to another tool
(GitHub Actions workflows, GitLab CI, docker compose, package.json, pyproject.toml, lockfiles)
(or, given ``detect``, recognises them by content: Kubernetes manifests, :mod:`.kubernetes`)
and the shape of its documents (:mod:`.shapes`): which keys are the tool's keywords, which are the
user's names, which values are third-party references.

The YAML, JSON and TOML passes ask :func:`guard` for the file: term edits inside the tool's spans
are dropped and the word is reported once per file as an ``external`` finding (a note, never a
remnant). Everything else is renamed by the one term matcher, so a job id and the ``needs:`` that
names it change together.

A schema may also name its tool's ``vocabulary`` (GitHub Actions and GitLab CI: "job"). In the free
text of its files (comments, names, descriptions, a script's comments and ``echo`` lines: see
``_prose``) such a word is the tool's, not the project's: kept and reported once per file and word.
A recipe phrase over it is not made either ("run jobs" there is GitHub's wording, not the project's).
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
from runsmig.languages.config.schemas._prose import bare_words, words_re
from runsmig.languages.config.schemas.shapes import (
    Keep,
    Node,
    Shape,
    TreeError,
    ValueRule,
    keeps,
)
from runsmig.languages.markdown.prose import clash_findings, prose_edits

__all__ = ["Guard", "Schema", "TreeError", "detected", "guard", "schema_for", "schemas"]


@dataclass(frozen=True)
class Schema:
    name: str  # "GitHub Actions workflow"
    owner: str  # who owns the kept words, as findings say it: "GitHub Actions"
    format: str  # yaml, json or toml: the pass that reads the files
    patterns: tuple[str, ...]  # gitwildmatch, on the path relative to the checkout
    shape: Shape | Callable[[list[Node]], Shape]  # the root shape, or a function of the documents
    default: ValueRule | None = None  # the value rule where a shape sets none
    priority: int = 0  # the highest matching schema wins
    vocabulary: tuple[str, ...] = ()  # the tool's own words ("job", "jobs"): its, in the files' free text
    # recognised by content (Kubernetes manifests): the file is this format when detect(documents)
    # says so and no schema named by path claims it; schema_for() alone never returns it
    detect: Callable[[list[Node]], bool] | None = None

    @cached_property
    def _spec(self) -> pathspec.PathSpec:
        return pathspec.PathSpec.from_lines("gitignore", self.patterns)

    @cached_property
    def _words(self):
        return words_re(self.vocabulary) if self.vocabulary else None

    def matches(self, rel: str) -> bool:
        return bool(self._spec.match_file(rel))

    def words(self, text: str, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The bare words of the vocabulary in the free-text regions (file offsets)."""
        return bare_words(text, regions, self._words) if self._words is not None else []

    def keeps(self, docs: list[Node], text: str) -> list[Keep]:
        shape = self.shape if isinstance(self.shape, Shape) else self.shape(docs)
        return keeps(docs, shape, text, self.owner, self.default, self.words if self.vocabulary else None)


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
    """The schema a file's path names (one recognised by content is found by :func:`guard`)."""
    for s in schemas():
        if s.format == fmt and s.detect is None and s.matches(rel):
            return s
    return None


def detected(rel: str, fmt: str, docs: list[Node]) -> Schema | None:
    """The schema recognised by the file's content, where no path names one."""
    for s in schemas():
        if s.format == fmt and s.detect is not None and s.matches(rel) and s.detect(docs):
            return s
    return None


class Guard:
    """Drops term edits inside the tool's spans; reports each kept word once per file and owner
    (``jobs:`` of GitHub Actions and ``uses: acme/jobs@v1`` of a third-party action are two notes).
    A word of the tool's vocabulary in free text drops every edit over it (a term or a recipe
    phrase) and is reported once per file and word."""

    def __init__(self, ctx, spans: list[Keep] = (), schema: Schema | None = None):
        self.ctx = ctx
        self.schema = schema
        self.spans = sorted((k for k in spans if not k.vocabulary), key=lambda k: (k.start, -k.end))
        self._starts = [k.start for k in self.spans]
        self._reach = []  # the furthest end among spans[:i+1]: an edit hits one when it starts before it
        far = -1
        for k in self.spans:
            far = max(far, k.end)
            self._reach.append(far)
        self._words: list[Keep] = sorted((k for k in spans if k.vocabulary), key=lambda k: k.start)
        self._wstarts = [k.start for k in self._words]  # words: single words, never overlapping
        self.findings: list[Finding] = []
        self.covered: list[tuple[int, int, str]] = []  # every kept edit's span, for the reconciliation
        self._seen: set[tuple[str, str]] = set()  # (word, owner): one finding each per file

    def extend(self, spans: list[Keep]) -> None:
        """More of another tool's spans (Helm's built-in objects in a chart template's actions)."""
        self.__init__(self.ctx, [*self.spans, *self._words, *spans], self.schema)

    def _hit(self, start: int, end: int) -> Keep | None:
        i = bisect_right(self._starts, max(start, end - 1)) - 1
        while i >= 0 and self._reach[i] > start:
            k = self.spans[i]
            if k.start < max(end, start + 1) and start < k.end:
                return k
            i -= 1
        return None

    def _word(self, start: int, end: int) -> Keep | None:
        """A vocabulary word the edit touches (the word itself, or a phrase over it)."""
        i = bisect_right(self._wstarts, max(start, end - 1)) - 1
        return self._words[i] if i >= 0 and self._words[i].end > start else None

    def _add_word(self, k: Keep) -> None:
        i = bisect_right(self._wstarts, k.start)
        if i > 0 and self._words[i - 1].end > k.start:
            return
        self._words.insert(i, k)
        self._wstarts.insert(i, k.start)

    def __call__(self, edits: list[Edit]) -> list[Edit]:
        if not self.spans and not self._words:
            return edits
        out = []
        for e in edits:
            k = self._hit(e.start, e.end)
            if k is None:
                w = self._word(e.start, e.end)
                if w is None:
                    out.append(e)
                else:
                    self.covered.append((e.start, e.end, "external"))
                    self._report_word(e, w)
                continue
            self.covered.append((e.start, e.end, "external"))
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

    def _report_word(self, e: Edit, k: Keep) -> None:
        word = self.ctx.text[k.start:k.end]
        key = (word.lower(), f"vocabulary of {k.owner}")
        if key in self._seen:
            return
        self._seen.add(key)
        kind = e.finding.kind if e.finding is not None else "config-value"
        self.findings.append(self.ctx.finding(k.start, k.end, kind, None, "external",
                                              f"'{word}' is {k.owner} vocabulary here: kept"))

    def prose(self, start: int, end: int, kind: str = "comment") -> tuple[list[Edit], list[Finding]]:
        """Edits and follow-ups for free text outside the documents (a comment): as
        :func:`prose_edits`, but the tool's vocabulary stays, and a clash is judged on what is made."""
        s = self.schema
        if s is None or not s.vocabulary:
            return prose_edits(self.ctx, start, end, kind)
        for a, b in s.words(self.ctx.text, [(start, end)]):
            self._add_word(Keep(a, b, s.owner, True))
        edits, _ = prose_edits(self.ctx, start, end, kind, clashes=False)
        edits = self(edits)
        found = clash_findings(self.ctx, start, end, edits, kind) if edits else []
        if found:  # as prose_edits: a rewrite that would read badly is not made
            spans = [(self.ctx.index.offset(f.line, f.col), self.ctx.index.offset(f.line, f.col) + len(f.text))
                     for f in found]
            edits = [e for e in edits if not any(a < e.end and e.start < b for a, b in spans)]
        return edits, found


def guard(ctx, fmt: str, documents: Callable[[], list[Node]]) -> Guard:
    """The guard of ctx's file: empty unless a schema matches; ``documents`` is called only then.
    Raises :class:`TreeError` when the documents' structure cannot be read."""
    s = schema_for(ctx.rel, fmt)
    if s is not None:
        return Guard(ctx, s.keeps(documents(), ctx.text), s)
    if not any(c.format == fmt and c.detect is not None for c in schemas()):
        return Guard(ctx)
    try:
        docs = documents()
    except TreeError:  # not read as a tool's format: as before, the file is the project's
        return Guard(ctx)
    s = detected(ctx.rel, fmt, docs)
    return Guard(ctx) if s is None else Guard(ctx, s.keeps(docs, ctx.text), s)
