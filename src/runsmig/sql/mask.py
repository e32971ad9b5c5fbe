"""Placeholders and template holes masked to a neutral identifier of the same length, so the
offsets of what the SQL parser finds are the offsets in the original text.

Two kinds of spans are masked: the holes a language pass gives (``${expr}`` of a JS template,
``{expr}`` of a Python f-string, the quotes and space between implicitly concatenated strings,
escape sequences) and the bind parameters of the drivers (``%s``, ``%(name)s``, ``$1``, ``?``,
``:name``), looked for only outside SQL's own quoted text and comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# psycopg / DB-API pyformat and format, asyncpg / PostgreSQL numbered, qmark, SQLAlchemy named
_BIND = re.compile(r"%\((?P<pyname>[A-Za-z_]\w*)\)[sbt]|%[sbt]\b|\$\d+|\?|(?<![:\w]):(?P<name>[A-Za-z_]\w*)")
# what the bind pattern must not look inside: quoted text, comments, dollar-quoted bodies, '%%', '::'
_SKIP = re.compile(r"'(?:[^']|'')*'?|\"(?:[^\"]|\"\")*\"?|--[^\n]*|/\*.*?(?:\*/|$)|(\$(?:[A-Za-z_]\w*)?\$).*?(?:\1|$)|%%|::",
                   re.S)


@dataclass(frozen=True)
class Bind:
    """A named bind parameter (``%(job_id)s``, ``:job_id``): where its name is, and the name."""

    start: int
    end: int
    name: str


def filler(n: int, space: bool = False) -> str:
    """A neutral stand-in of length ``n``: spaces, or an identifier (``x``, ``x_``, ``x__`` ...)."""
    if space or n <= 0:
        return " " * max(n, 0)
    return "x" + "_" * (n - 1)


def mask(text: str, holes: tuple[tuple[int, int, bool], ...] = ()) -> tuple[str, list[Bind]]:
    """``text`` with every hole (start, end, as_space) and bind parameter replaced by a stand-in
    of the same length; the named binds found, with their names' spans."""
    chars = list(text)
    for a, b, space in holes:
        chars[a:b] = filler(b - a, space)
    masked = "".join(chars)
    binds: list[Bind] = []
    out = list(masked)
    pos = 0
    while pos <= len(masked):
        skip = _SKIP.search(masked, pos)
        stop = skip.start() if skip else len(masked)
        for m in _BIND.finditer(masked, pos, stop):
            out[m.start():m.end()] = filler(m.end() - m.start())
            group = "pyname" if m.group("pyname") else "name" if m.group("name") else None
            if group:
                binds.append(Bind(m.start(group), m.end(group), m.group(group)))
        if skip is None:
            break
        pos = skip.end() if skip.end() > skip.start() else skip.end() + 1
    return "".join(out), binds
