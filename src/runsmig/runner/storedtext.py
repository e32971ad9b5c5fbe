"""Texts the kept SQL emits, under ``stored: keep``: a quoted string of SQL kept as it is (a
``RAISE 'Job was not found (job id: %)', job_id;`` of a kept plpgsql body, a status message an
``INSERT`` writes) is a stored value, and the database keeps sending it spelled that way. Code that
compares with it (``pytest.raises(match="Job was not found")``, ``assert 'Job was not found' in
str(exc)``) must keep that spelling too.

A stored text is a kept quoted value of three or more words (:func:`is_text`). A string literal of
code spells it when its text, read word by word (punctuation a word of its own, spaces ignored),
is a run of the stored text's words: the whole text, or a piece of it cut at word boundaries, of
three or more words (:func:`spells`). A template hole or f-string ``{expr}`` of the literal stands
for any words; a ``%`` placeholder of the stored text stands for one or more words of the literal
that hold no term (the rendered ``(job id: 5)``). The literal's pieces between holes come from the
language's string regions (:class:`runsmig.findings.SqlRegion`), escapes decoded.
"""

from __future__ import annotations

import codecs
import re

_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"[^\W\d_]")  # a token with a letter is a word
MIN_WORDS = 3  # "job" alone, or "job id", is no evidence of a message
_HOLE = object()  # a template hole / f-string expression of the literal: any words


def is_text(name: str) -> bool:
    """A kept quoted value that reads as a message (three or more words, a space between)."""
    return any(c.isspace() for c in name) and _words(_TOKEN.findall(name)) >= MIN_WORDS


def anchors(message: str, raw_re) -> list[str]:
    """The words of a stored text that hold a term, as written: a literal that spells it holds one
    (a file without any of them cannot; runsmig.runner.storedset keys the cache with them)."""
    return sorted({t for t in _TOKEN.findall(message) if raw_re.search(t)})


def literal_of(text: str, region) -> list:
    """The pieces of a string region's text, escapes decoded, concatenation gaps dropped, and a
    ``_HOLE`` where the language puts an expression."""
    out: list = []
    cur: list[str] = []
    p = region.start
    for a, b, blank in sorted(region.holes):
        if a < p:
            continue
        cur.append(text[p:a])
        hole = text[a:b]
        if not blank:
            out += ["".join(cur), _HOLE]
            cur = []
        elif hole.startswith("\\"):
            cur.append(_unescape(hole))
        # else: the quotes and space between concatenated pieces: nothing
        p = b
    cur.append(text[p:region.end])
    out.append("".join(cur))
    return out


def spells(pieces: list, message: str, has_term) -> bool:
    """Does a literal (:func:`literal_of`) spell the stored text ``message`` or a piece of it?"""
    lit: list = []
    for piece in pieces:
        if piece is _HOLE:
            if not lit or lit[-1] is not _HOLE:
                lit.append(_HOLE)
        else:
            lit += _TOKEN.findall(piece)
    words = [t for t in lit if t is not _HOLE]
    if _words(words) < MIN_WORDS or not any(has_term(t) for t in words):
        return False  # too short to tell, or nothing of it to keep
    while lit and lit[0] is _HOLE:
        lit.pop(0)
    while lit and lit[-1] is _HOLE:
        lit.pop()
    msg = ["%" if t == "%" else t for t in _TOKEN.findall(message.replace("''", "'"))]
    return any(_match(lit, 0, msg, j, has_term, {}) for j in range(len(msg)))


def _match(lit: list, i: int, msg: list[str], j: int, has_term, memo: dict) -> bool:
    """lit[i:] matches msg from j on (and may stop anywhere in msg: a piece of it)."""
    key = (i, j)
    if key in memo:
        return memo[key]
    if i == len(lit):
        ok = True
    elif lit[i] is _HOLE:
        ok = any(_match(lit, i + 1, msg, k, has_term, memo) for k in range(j, len(msg) + 1))
    elif j == len(msg):
        ok = False
    elif msg[j] == "%" and lit[i] != "%":
        # a placeholder: one or more words of the literal that hold no term
        ok = False
        k = i
        while k < len(lit) and lit[k] is not _HOLE and not has_term(lit[k]):
            k += 1
            if _match(lit, k, msg, j + 1, has_term, memo):
                ok = True
                break
    else:
        ok = lit[i] == msg[j] and _match(lit, i + 1, msg, j + 1, has_term, memo)
    memo[key] = ok
    return ok


def _words(tokens) -> int:
    return sum(1 for t in tokens if _WORD.search(t))


def _unescape(seq: str) -> str:
    if seq[1:2] in ("\n", "\r"):
        return ""  # a line continuation
    try:
        return codecs.decode(seq, "unicode_escape")
    except (UnicodeDecodeError, ValueError):
        return seq[1:]
