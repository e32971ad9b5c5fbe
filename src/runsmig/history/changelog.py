"""A changelog's released sections: every line from its first release heading down.

A release heading is a heading whose text carries a version (``1.2``, ``v2.0.0-rc1``) or a date
(``2024-05-01``) and does not say "unreleased" (Keep a Changelog's ``## [Unreleased]`` stays
editable, and so does anything above the first release). Headings are found with markdown-it-py
for Markdown (ATX and setext, never a ``#`` line inside a code fence), by their underline for
reStructuredText, and for plain text as a line starting at the margin with a version or date.
"""

from __future__ import annotations

import re

_RELEASE = re.compile(r"(?<![\w.])v?\d+\.\d+(?:\.\d+)?(?:[-+.][\w.]+)?(?![\w])|\b\d{4}-\d{2}-\d{2}\b", re.I)
_UNRELEASED = re.compile(r"\bunreleased\b|\bupcoming\b|\bnext\b|\bin progress\b", re.I)
_RST_UNDERLINE = re.compile(r"([=\-~^\"'`#*+.:_])\1{2,}\s*")
_TEXT_HEADING = re.compile(r"(?:(?:version|release|changes in|what's new in)\s+)?v?\d+\.\d+|\d{4}-\d{2}-\d{2}", re.I)


def is_release(heading: str) -> bool:
    return bool(_RELEASE.search(heading)) and not _UNRELEASED.search(heading)


def released_from(rel: str, text: str) -> int | None:
    """The 1-based line of the first release heading of this changelog (None: it has none)."""
    low = rel.lower()
    if low.endswith((".md", ".markdown")):
        return _markdown(text)
    lines = text.splitlines()
    if low.endswith(".rst"):
        return _rst(lines)
    return _rst(lines) or _plain(lines)


def _markdown(text: str) -> int | None:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.map and i + 1 < len(tokens) and is_release(tokens[i + 1].content):
            return tok.map[0] + 1
    return None


def _rst(lines: list[str]) -> int | None:
    for i in range(len(lines) - 1):
        title, under = lines[i].strip(), lines[i + 1]
        if title and not _RST_UNDERLINE.fullmatch(lines[i]) and _RST_UNDERLINE.fullmatch(under) \
                and len(under.rstrip()) >= len(title) and is_release(title):
            above = lines[i - 1] if i > 0 else ""
            return i if _RST_UNDERLINE.fullmatch(above) else i + 1  # an overline belongs to it
    return None


def _plain(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if line[:1].strip() and len(line) <= 100 and _TEXT_HEADING.match(line.lstrip("#*= ")) and is_release(line):
            return i + 1
    return None
