"""Keys of the JSON a SQL text builds or reads: the keys of ``json_build_object('jobId', v_id,
...)`` / ``jsonb_build_object`` and the key of ``data ->> 'jobId'``. Released SQL (a numbered
migration kept as history, its functions installed in every deployment) keeps writing them under
``stored: keep``: they are stored names, and code that spells them keeps them
(runsmig.runner.storedset, under the kind :data:`KIND`)."""

from __future__ import annotations

import re

KIND = "json key"
_BUILD = re.compile(r"(?i)\bjsonb?_build_object\s*\(")
_ARROW = re.compile(r"->>?\s*'([A-Za-z_][A-Za-z0-9_]*)'")
_KEY = re.compile(r"'([A-Za-z_][A-Za-z0-9_]*)'")
_COMMENT = re.compile(r"--[^\n]*")


def json_keys(text: str) -> list[tuple[str, int]]:
    """(key, offset) of every key the text builds or reads, in order, each key once."""
    text = _COMMENT.sub(lambda m: " " * len(m.group(0)), text)
    found: list[tuple[int, str]] = [(m.start(1), m.group(1)) for m in _ARROW.finditer(text)]
    for m in _BUILD.finditer(text):
        for i, (a, b) in enumerate(_arguments(text, m.end())):
            if i % 2 == 0:
                key = _KEY.fullmatch(text[a:b].strip())
                if key is not None:
                    found.append((a + text[a:b].index("'") + 1, key.group(1)))
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    for at, key in sorted(found):
        if key not in seen:
            seen.add(key)
            out.append((key, at))
    return out


def _arguments(text: str, start: int) -> list[tuple[int, int]]:
    """The top-level argument spans of a call whose ``(`` ends at ``start``."""
    out: list[tuple[int, int]] = []
    depth, i, begin, n = 0, start, start, len(text)
    while i < n:
        c = text[i]
        if c == "'":
            j = text.find("'", i + 1)
            while j != -1 and text[j + 1:j + 2] == "'":
                j = text.find("'", j + 2)
            if j == -1:
                return out
            i = j + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                out.append((begin, i))
                return out
            depth -= 1
        elif c == "," and depth == 0:
            out.append((begin, i))
            begin = i + 1
        i += 1
    return out
