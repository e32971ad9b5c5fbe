"""Where a text may name a path: lexical, for every file type alike.

A static reference is a run of path characters (``[\\w@~./%-]``): it covers a quoted string's
content, ``url(x)``, an attribute value (``src``, ``href``, each ``srcset`` candidate), a Markdown
destination and a bare config value, with any ``?query`` or ``#fragment`` left out. Whether it is a
reference at all is decided by resolving it (:mod:`.resolve`): it must name a file or folder of the
checkout.

A dynamic reference is a path built at run time: a template literal with ``${}``, a ``+``
concatenation of strings and expressions, a Python f-string, or a glob (``*`` in a quoted path).
It becomes a :class:`Dynamic`: its static pieces and holes, as a pattern over paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RUN_CHARS = r"[\w@~./%-]"
RUN = re.compile(_RUN_CHARS + "+")
_SLASHED = re.compile(_RUN_CHARS + "*/" + _RUN_CHARS + "*")
_IS_RUN = re.compile(_RUN_CHARS)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


def _trimmed(text: str, a: int, b: int) -> Token | None:
    while b > a and text[b - 1] == "." and text[a:b] not in (".", "..") and not text[a:b].endswith(("/.", "/..")):
        b -= 1
    while b > a and text[b - 1] in "-~@":
        b -= 1
    if b <= a:
        return None
    tok = text[a:b]
    return Token(a, b, tok) if ("/" in tok or "." in tok.strip(".")) else None


def around(text: str, hits) -> list[Token]:
    """The path-character runs holding the given offsets (each once, in order)."""
    seen: dict[int, Token] = {}
    n = len(text)
    for p in hits:
        a = p
        while a > 0 and _IS_RUN.match(text[a - 1]):
            a -= 1
        if a in seen:
            continue
        b = p
        while b < n and _IS_RUN.match(text[b]):
            b += 1
        tok = _trimmed(text, a, b)
        if tok is not None:
            seen[a] = tok
    return [seen[k] for k in sorted(seen)]


def slashed(text: str) -> list[Token]:
    """Every run holding a '/' (what a file that moves must look at: its relative paths)."""
    out = []
    for m in _SLASHED.finditer(text):
        a, b = m.span()
        while a > 0 and _IS_RUN.match(text[a - 1]):
            a -= 1
        tok = _trimmed(text, a, b)
        if tok is not None:
            out.append(tok)
    return out


# -- dynamic references ---------------------------------------------------------------
@dataclass(frozen=True)
class Dynamic:
    start: int
    end: int
    pieces: tuple[str | None, ...]  # static text, or None for a hole (any text, '/' included)
    glob: bool = False  # '*' in the static text is a wildcard within a folder name ('**': any)

    @property
    def text_pieces(self) -> list[str]:
        return [p for p in self.pieces if p]


_STR = r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\""
_OPER = r"[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*(?:\([^()\n]*\))?"
_CHAIN = re.compile(rf"(?:{_STR}|{_OPER})(?:\s*\+\s*(?:{_STR}|{_OPER}))+")
_PIECE = re.compile(rf"\s*({_STR}|{_OPER})\s*\+?")
_TEMPLATE = re.compile(r"`(?:[^`\\]|\\.)*`", re.S)
_FSTRING = re.compile(r"\b[fF][rR]?('(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")")
_QUOTED = re.compile(_STR)
_PATHISH = re.compile(r"[\w.-]/|/[\w.-]")


def _pathish(pieces) -> bool:
    return any(p and _PATHISH.search(p) for p in pieces)


def dynamic(text: str) -> list[Dynamic]:
    """The dynamic references of ``text`` whose static pieces look like a path."""
    out: list[Dynamic] = []
    taken: list[tuple[int, int]] = []
    if "`" in text and "${" in text:
        for m in _TEMPLATE.finditer(text):
            body = m.group(0)[1:-1]
            if "${" not in body:
                continue
            pieces = _holes(body, "${", "}")
            if _pathish(pieces):
                out.append(Dynamic(m.start(), m.end(), tuple(pieces)))
                taken.append(m.span())
    if "+" in text:
        for m in _CHAIN.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            pieces: list[str | None] = []
            for pm in _PIECE.finditer(m.group(0)):
                part = pm.group(1)
                if part[0] in "'\"":
                    pieces.append(part[1:-1])
                elif not pieces or pieces[-1] is not None:
                    pieces.append(None)
            if any(p is None for p in pieces) and _pathish(pieces):
                out.append(Dynamic(m.start(), m.end(), tuple(pieces)))
                taken.append(m.span())
    if "{" in text:
        for m in _FSTRING.finditer(text):
            body = m.group(1)[1:-1]
            if "{" not in body or any(a < m.end() and m.start() < b for a, b in taken):
                continue
            pieces = _holes(body.replace("{{", "\0").replace("}}", "\1"), "{", "}")
            pieces = [p.replace("\0", "{").replace("\1", "}") if p else p for p in pieces]
            if _pathish(pieces):
                out.append(Dynamic(m.start(), m.end(), tuple(pieces)))
                taken.append(m.span())
    if "*" in text:
        for m in _QUOTED.finditer(text):
            body = m.group(0)[1:-1]
            if "*" in body and "/" in body and not any(a < m.end() and m.start() < b for a, b in taken) \
                    and not any(c.isspace() for c in body):
                out.append(Dynamic(m.start(), m.end(), (body,), glob=True))
    out.sort(key=lambda d: d.start)
    return out


def _holes(body: str, open_: str, close: str) -> list[str | None]:
    pieces: list[str | None] = []
    i = 0
    while True:
        j = body.find(open_, i)
        if j < 0:
            pieces.append(body[i:])
            break
        pieces.append(body[i:j])
        depth, k = 1, j + len(open_)
        while k < len(body) and depth:
            if body[k] == "{":
                depth += 1
            elif body[k] == "}":
                depth -= 1
            k += 1
        pieces.append(None)
        i = k
    return [p for p in pieces if p != ""]
