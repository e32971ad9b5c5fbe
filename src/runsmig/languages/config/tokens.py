"""Shared pieces of the config/data transformers (JSON, TOML, YAML, .env):
a small tokenizer with offsets, escape masking inside quoted strings, and
edits for a key or value span."""

from __future__ import annotations

import re
from dataclasses import dataclass

from runsmig.findings import Edit

_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)", re.S)


def mask_escapes(raw: str) -> str:
    """Blank escape sequences (same length, no letters) so '\\njob' is seen as ' job'."""
    if "\\" not in raw:
        return raw
    return _ESCAPE.sub(lambda m: " " * len(m.group(0)), raw)


def span_edits(ctx, start: int, end: int, kind: str, escapes: bool = True) -> list[Edit]:
    """Term edits inside ctx.text[start:end] (a string's content), escape sequences masked."""
    raw = ctx.text[start:end]
    masked = mask_escapes(raw) if escapes else raw
    return ctx.term_edits(start, end, kind, text=masked)


@dataclass
class Tok:
    type: str  # string, comment, punct, word
    start: int
    end: int
    quote: str = ""  # the quote of a string: ", ', """, '''

    @property
    def inner(self) -> tuple[int, int]:
        q = len(self.quote)
        return self.start + q, self.end - q


class TokenizeError(ValueError):
    def __init__(self, offset: int, reason: str):
        super().__init__(reason)
        self.offset = offset
        self.reason = reason


PUNCT = set("{}[]:,=")


def tokenize(text: str, hash_comments: bool = False, slash_comments: bool = True,
             single_quotes: bool = False, triple: bool = False) -> list[Tok]:
    """JSON (with // and /* */ comments) or TOML (# comments, ' strings, triple quotes) tokens."""
    toks: list[Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n\ufeff":
            i += 1
            continue
        if c == "#" and hash_comments:
            j = text.find("\n", i)
            j = n if j < 0 else j
            toks.append(Tok("comment", i, j))
            i = j
            continue
        if c == "/" and slash_comments and i + 1 < n and text[i + 1] in "/*":
            if text[i + 1] == "/":
                j = text.find("\n", i)
                j = n if j < 0 else j
            else:
                j = text.find("*/", i + 2)
                if j < 0:
                    raise TokenizeError(i, "unterminated comment")
                j += 2
            toks.append(Tok("comment", i, j))
            i = j
            continue
        if c == '"' or (c == "'" and single_quotes):
            if triple and text.startswith(c * 3, i):
                q = c * 3
                j = i + 3
                while True:
                    k = text.find(q, j)
                    if k < 0:
                        raise TokenizeError(i, "unterminated multi-line string")
                    if c == '"' and _escaped(text, k):
                        j = k + 1
                        continue
                    # a closing run may be longer (up to two quotes of content)
                    while text.startswith(c, k + 3) and k + 3 < n and text[k + 3] == c:
                        k += 1
                    j = k + 3
                    break
                toks.append(Tok("string", i, j, q))
                i = j
                continue
            j = i + 1
            while j < n:
                ch = text[j]
                if ch == "\\" and c == '"':
                    j += 2
                    continue
                if ch == c:
                    break
                if ch == "\n":
                    raise TokenizeError(i, "unterminated string")
                j += 1
            if j >= n:
                raise TokenizeError(i, "unterminated string")
            toks.append(Tok("string", i, j + 1, c))
            i = j + 1
            continue
        if c in PUNCT:
            toks.append(Tok("punct", i, i + 1))
            i += 1
            continue
        j = i
        while j < n and text[j] not in " \t\r\n{}[]:,=\"" and not (hash_comments and text[j] == "#"):
            if slash_comments and text.startswith(("//", "/*"), j) and j > i and not text[j - 1] == ":":
                break
            j += 1
        if j == i:
            raise TokenizeError(i, f"unexpected character {c!r}")
        toks.append(Tok("word", i, j))
        i = j
    return toks


def _escaped(text: str, k: int) -> bool:
    b = 0
    while k - 1 - b >= 0 and text[k - 1 - b] == "\\":
        b += 1
    return b % 2 == 1


def new_text(ctx, start: int, end: int, edits: list[Edit]) -> str:
    """ctx.text[start:end] with the edits inside it applied."""
    out = ctx.text[start:end]
    for e in sorted((e for e in edits if start <= e.start and e.end <= end), key=lambda e: e.start, reverse=True):
        out = out[: e.start - start] + e.text + out[e.end - start:]
    return out
