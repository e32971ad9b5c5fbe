"""Gitignore-style patterns compiled once into one regular expression.

``pathspec`` answers ``match_file`` by trying every pattern in Python, which is what a check of
a large tree spent a third of its time on (every file against every recipe transform's
``PATHS``). Patterns without negations are one alternation, tried by the regex engine in C;
with a negation (last match wins) the pathspec answer is kept.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

import pathspec

_PS_GROUP = "(?P<ps_d>"  # the one named group pathspec's gitwildmatch regexes use


def compile_patterns(lines: Iterable[str]) -> Callable[[str], bool]:
    """A function ``rel -> bool``: does any pattern match this checkout-relative path?"""
    spec = pathspec.PathSpec.from_lines("gitignore", list(lines))
    patterns = [p for p in spec.patterns if p.include is not None]
    if not patterns:
        return lambda rel: False
    if any(not p.include for p in patterns) or any(getattr(p, "regex", None) is None for p in patterns):
        return lambda rel: bool(spec.match_file(rel))
    alternation = "|".join(f"(?:{_searched(p.regex.pattern)})" for p in patterns)
    try:
        regex = re.compile(alternation)
    except re.error:
        return lambda rel: bool(spec.match_file(rel))
    match = regex.match
    return lambda rel: match(rel) is not None


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
