"""Gitignore-style patterns compiled once into one regular expression.

``pathspec`` answers ``match_file`` by trying every pattern in Python, which is what a check of
a large tree spent a third of its time on (every file against every recipe transform's
``PATHS``). Patterns without negations are one alternation, tried by the regex engine in C;
with a negation (last match wins) the pathspec answer is kept.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Callable, Iterable, Iterator

import pathspec

_PS_GROUP = "(?P<ps_d>"  # the one named group pathspec's gitwildmatch regexes use


class Matcher:
    """``matcher(rel) -> bool``: does any pattern match this checkout-relative path?
    ``matcher.select(rels)``: the matching paths of a sorted list, found by bisection on the
    patterns' literal beginnings when every pattern is anchored (``/x``, ``a/b``), so a large
    tree is not tried path by path."""

    def __init__(self, match: Callable[[str], bool], prefixes: list[str] | None) -> None:
        self._match = match
        self.prefixes = prefixes  # None: some pattern may match anywhere

    def __call__(self, rel: str) -> bool:
        return self._match(rel)

    def select(self, rels: list[str]) -> set[str]:
        match = self._match
        if self.prefixes is None:
            return {rel for rel in rels if match(rel)}
        return {rel for prefix in self.prefixes for rel in starting_with(rels, prefix) if match(rel)}


def starting_with(ordered: list[str], prefix: str) -> Iterator[str]:
    """The strings of a sorted list that start with ``prefix``, found by bisection, in order."""
    i = bisect_left(ordered, prefix)
    while i < len(ordered) and ordered[i].startswith(prefix):
        yield ordered[i]
        i += 1


def compile_patterns(lines: Iterable[str]) -> Matcher:
    """The matcher of these gitignore-style lines (see :class:`Matcher`)."""
    lines = list(lines)
    spec = pathspec.PathSpec.from_lines("gitignore", lines)
    prefixes = _anchored_prefixes(lines)
    patterns = [p for p in spec.patterns if p.include is not None]
    if not patterns:
        return Matcher(lambda rel: False, [])
    if any(not p.include for p in patterns) or any(getattr(p, "regex", None) is None for p in patterns):
        return Matcher(lambda rel: bool(spec.match_file(rel)), prefixes)
    alternation = "|".join(f"(?:{_searched(p.regex.pattern)})" for p in patterns)
    try:
        regex = re.compile(alternation)
    except re.error:
        return Matcher(lambda rel: bool(spec.match_file(rel)), prefixes)
    match = regex.match
    return Matcher(lambda rel: match(rel) is not None, prefixes)


_WILD = re.compile(r"[*?\[\\]")


def _anchored_prefixes(lines: list[str]) -> list[str] | None:
    """The literal text every path a line matches starts with, per including line; None when a
    line may match anywhere in the tree (no slash before its end, or a leading wildcard).
    Negations only take paths away: they add no prefix."""
    out: set[str] = set()
    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#") or line.startswith("!"):
            continue
        body = line.rstrip(" ") if not line.endswith("\\ ") else line
        body = body[:-1] if body.endswith("/") else body
        anchored = body.startswith("/") or "/" in body
        if not anchored:
            return None
        body = body[1:] if body.startswith("/") else body
        wild = _WILD.search(body)
        out.add(body[:wild.start()] if wild else body)
    return sorted(out)


def paths_matching(rels: list[str], regex: re.Pattern) -> set[str]:
    """The paths in which ``regex`` finds a match: one search over them all, joined one per line
    (when a path holds a line break itself, each path is searched alone)."""
    text = "\n".join(rels)
    if text.count("\n") != max(0, len(rels) - 1):
        return {rel for rel in rels if regex.search(rel)}
    hits: set[str] = set()
    for m in regex.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        hits.add(text[start:end if end != -1 else len(text)])
    return hits


def _searched(rx: str) -> str:
    """One pattern's regex for a ``match`` of the alternation: pathspec ``search``es it, so a regex
    not anchored at the start (``*/`` gives ``/``) may match anywhere; the group it names is made
    anonymous (the alternation would name it twice)."""
    rx = rx.replace(_PS_GROUP, "(?:")
    return rx if rx.startswith("^") else f"(?s:.*?)(?:{rx})"
