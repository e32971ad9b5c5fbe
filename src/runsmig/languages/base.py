"""The interface every language transformer implements.

A transformer gets a :class:`FileContext` and returns an :class:`Analysis`:
edits (each carrying the :class:`Finding` it fixes) plus report-only findings
(manual follow-ups, conflicts, externals), or ``failed`` with a reason, in which
case the file is left byte-for-byte untouched. It never raises for bad input.
Allowlist entries, inline suppressions and path renames are handled by the
runner around it, so a transformer only decides *what* a term occurrence is
(its kind) and *how narrowly* to edit it.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

import pathspec

from runsmig.findings import Analysis, Edit, Finding, LineIndex, splice
from runsmig.recipe.model import Recipe
from runsmig.terms import TermEngine


@dataclass
class FileContext:
    root: Path
    rel: str  # path as it is before the change
    new_rel: str  # path after renames (== rel when it does not move)
    text: str
    engine: TermEngine
    recipe: Recipe
    moves: dict[str, str] = field(default_factory=dict)  # every moving file: old rel -> new rel
    deletes: frozenset[str] = frozenset()  # every deleted file (rel)
    all_files: frozenset[str] = frozenset()  # every discovered file (rel, before the change)

    _index: LineIndex | None = None
    _cst: object = None  # the LibCST parse shared by the Python pass and transforms (python.spans)

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    def finding(self, start: int, end: int, kind: str, replacement: str | None, rule: str = "term", message: str = "") -> Finding:
        line, col = self.index.pos(start)
        ws, we = word_span(self.text, start, end)
        word = self.text[ws:we]
        word_new = self.engine.rewrite(word) if replacement is not None else ""
        return Finding(self.rel, line, col, self.text[start:end], kind, replacement, rule, message,
                       word=word, word_replacement=word_new)

    def term_edits(self, start: int, end: int, kind: str, text: str | None = None) -> list[Edit]:
        """Edits for every term in text[start:end] (or in ``text`` located at ``start``)."""
        chunk = self.text[start:end] if text is None else text
        edits = []
        for m in self.engine.find(chunk):
            a, b = start + m.start, start + m.end
            rule = "symbol" if m.term is None else "term"
            edits.append(Edit(a, b, m.replacement, self.finding(a, b, kind, m.replacement, rule)))
        if edits and kind in LITERAL_KINDS and not any(c.isspace() for c in self.text[start:end]):
            # a string that looks like an identifier (a key prefix, a field or env var name, a CLI
            # option, a route segment): data, deployments and clients may depend on it, so
            # ``plan`` lists it for review
            old, new = self.text[start:end], splice(self.text, start, end, edits)
            edits = [Edit(e.start, e.end, e.text, replace(e.finding, literal=old, literal_replacement=new))
                     for e in edits]
        return edits


LITERAL_KINDS = frozenset({"string", "config-value"})


def word_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow [start, end) to the enclosing identifier-like word (letters, digits, _, $, -)."""
    ws, we = start, end
    while ws > 0 and (text[ws - 1].isalnum() or text[ws - 1] in "_$-"):
        ws -= 1
    while we < len(text) and (text[we].isalnum() or text[we] in "_$-"):
        we += 1
    while ws < start and text[ws] == "-":
        ws += 1
    while we > end and text[we - 1] == "-":
        we -= 1
    return ws, we


class Language:
    """Base class. Subclasses set ``name``, ``patterns`` (gitwildmatch) and ``priority``."""

    name = "text"
    patterns: tuple[str, ...] = ("*",)
    priority = 0
    # True when the pass reads the checkout's file list only through questions it records
    # (runsmig.deps.asked): its cached results then outlive files added or removed elsewhere
    listing_queries = False

    def __init__(self) -> None:
        self._spec = pathspec.PathSpec.from_lines("gitignore", self.patterns)

    def matches(self, rel: str) -> bool:
        return bool(self._spec.match_file(rel))

    def kind(self, ctx: FileContext) -> str:
        return "text"

    def session(self):
        """A context manager around one file's analysis, its recipe transforms included (Python:
        LibCST's read-only walks without rebuilding the tree)."""
        return nullcontext()

    def analyze(self, ctx: FileContext) -> Analysis:
        return Analysis(edits=ctx.term_edits(0, len(ctx.text), self.kind(ctx)))
