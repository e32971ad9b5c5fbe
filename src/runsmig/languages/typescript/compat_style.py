"""The package's own style for the TS/JS compat code runsmig writes, so its formatter check
(``prettier --check``) stays as it was: the package's string quote (double unless its sources use
more single quotes), and import lists broken one name a line past the print width (prettier's 80,
or the ``printWidth`` of a JSON ``.prettierrc``).

Interface: ``quote_of(texts) -> str``; ``requote(text, rel, quote, lines=None) -> str`` (single-quoted
strings of the given 1-based lines, or all, written with ``quote`` when they hold neither quote nor a
backslash); ``added_lines(old, new) -> set[int]``; ``print_width(read) -> int``.
"""

from __future__ import annotations

import difflib
import json


def quote_of(texts) -> str:
    singles = doubles = 0
    for text in texts:
        singles += text.count("'")
        doubles += text.count('"')
    return "'" if singles > doubles else '"'


def print_width(read) -> int:
    """``printWidth`` of the package's ``.prettierrc``/``.prettierrc.json`` (JSON), else 80."""
    for name in (".prettierrc", ".prettierrc.json"):
        text = read(name)
        if not text:
            continue
        try:
            value = json.loads(text).get("printWidth")
        except (ValueError, AttributeError):
            continue
        if isinstance(value, int) and value > 0:
            return value
    return 80


def added_lines(old: str, new: str) -> set[int]:
    """1-based lines of ``new`` that ``old`` does not have at that place (inserted or replaced)."""
    out: set[int] = set()
    sm = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    for tag, _, _, j1, j2 in sm.get_opcodes():
        if tag in ("insert", "replace"):
            out.update(range(j1 + 1, j2 + 1))
    return out


def requote(text: str, rel: str, quote: str, lines: set[int] | None = None) -> str:
    if quote == "'" or "'" not in text:
        return text
    from runsmig.languages.typescript.compat_surface import _parse

    root = _parse(text, rel)
    if root is None:
        return text
    spans: list[tuple[int, int]] = []
    for node in root.find_all(kind="string"):
        r = node.range()
        if lines is not None and r.start.line + 1 not in lines:
            continue
        a, b = r.start.index, r.end.index
        body = text[a + 1:b - 1]
        if text[a] == "'" and text[b - 1] == "'" and '"' not in body and "\\" not in body and "\n" not in body:
            spans.append((a, b))
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + quote + text[a + 1:b - 1] + quote + text[b:]
    return text


__all__ = ["added_lines", "print_width", "quote_of", "requote"]
