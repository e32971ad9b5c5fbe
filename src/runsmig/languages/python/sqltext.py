"""The text of Python string expressions as SQL may be read from it: a plain string, an f-string
(its ``{expr}`` parts are holes), or implicitly concatenated pieces (the quotes and space between
pieces are blanks). Escapes (``\\n``) are blanks of their length, so offsets stay the file's."""

from __future__ import annotations

import re

import libcst as cst

from runsmig.findings import SqlRegion

_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|N\{[^}]*\}|.)", re.S)


def regions(text: str, strings, span, has_term) -> list[SqlRegion]:
    """One region per outermost string expression that holds a term (``has_term(start, end)``)."""
    out: list[SqlRegion] = []
    for node in strings:
        pieces = _pieces(node, span)
        if not pieces:
            continue
        start, end = pieces[0][0], pieces[-1][1]
        if not has_term(start, end):
            continue
        holes: list[tuple[int, int, bool]] = []
        for (a, b, inner), nxt in zip(pieces, pieces[1:] + [None]):
            holes += inner
            if nxt is not None:
                holes.append((b, nxt[0], True))  # '" "' between concatenated pieces
        out.append(SqlRegion(start, end, resolve_escapes(text, tuple(holes))))
    return out


def outermost(module: cst.Module, walk) -> list[cst.CSTNode]:
    """String expressions not inside another one (a piece of a concatenation is not its own)."""
    out: list[cst.CSTNode] = []
    stack: list[cst.CSTNode] = [module]
    while stack:
        n = stack.pop()
        if isinstance(n, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
            out.append(n)
            if isinstance(n, cst.FormattedString):  # strings inside its expressions are their own
                stack.extend(p.expression for p in n.parts if isinstance(p, cst.FormattedStringExpression))
            continue
        stack.extend(n.children)
    return out


def _pieces(node, span) -> list[tuple[int, int, list[tuple[int, int, bool]]]]:
    """(content start, content end, holes) of each piece, in order."""
    if isinstance(node, cst.ConcatenatedString):
        return _pieces(node.left, span) + _pieces(node.right, span)
    s, e = span(node)
    if isinstance(node, cst.SimpleString):
        prefix, quote = node.prefix, node.quote
        if "b" in prefix.lower():
            return []  # bytes: not text
        a, b = s + len(prefix) + len(quote), e - len(quote)
        return [(a, b, [] if "r" in prefix.lower() else [("esc", a, b)])]
    if isinstance(node, cst.FormattedString):
        a, b = s + len(node.start), e - len(node.end)
        holes: list = []
        for part in node.parts:
            ps, pe = span(part)
            if isinstance(part, cst.FormattedStringExpression):
                holes.append((ps, pe, False))
            elif "r" not in node.start.lower():
                holes.append(("esc", ps, pe))
        return [(a, b, holes)]
    return []


def resolve_escapes(text: str, pieces_holes: tuple) -> tuple[tuple[int, int, bool], ...]:
    """Turn ("esc", a, b) markers into blank holes over each escape sequence in text[a:b]."""
    out: list[tuple[int, int, bool]] = []
    for h in pieces_holes:
        if h[0] == "esc":
            _, a, b = h
            out += [(m.start(), m.end(), True) for m in _ESCAPE.finditer(text, a, b)]
        else:
            out.append(h)
    return tuple(out)
