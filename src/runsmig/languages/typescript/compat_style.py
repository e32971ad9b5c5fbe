"""The package's own style for the TS/JS compat code runsmig writes, so its formatter check
(``prettier --check``) stays as it was: the package's string quote (double unless its sources use
more single quotes). Lines past prettier's print width are laid out by the writer
(runsmig.languages.typescript.compat_writer.WIDTH), then within the project's own line length
(runsmig.languages.typescript.compat_layout).

Interface: ``quote_of(texts) -> str``; ``requote(text, rel, quote, lines=None) -> str`` (single-quoted
strings of the given 1-based lines, or all, written with ``quote`` when they hold neither quote nor a
backslash); ``added_lines(old, new) -> set[int]``.
"""

from __future__ import annotations

import difflib


def quote_of(texts) -> str:
    singles = doubles = 0
    for text in texts:
        singles += text.count("'")
        doubles += text.count('"')
    return "'" if singles > doubles else '"'


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


__all__ = ["added_lines", "quote_of", "requote"]
