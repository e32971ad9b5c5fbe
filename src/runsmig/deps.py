"""Which other files one file's analysis read: what its cached result depends on.

A language pass that reads another file of the checkout (a module it imports, a page it embeds,
a file it checks) calls :func:`note`; :func:`recording` collects those paths around one file's
analysis. The result cache (``runner/cache.py``) keeps a result only while every noted file is
byte-identical; configuration every file of a language may read (``package.json``,
``tsconfig.json``) is part of the cache's context instead.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

_STACK: list[set[str]] = []


def note(rel: str) -> None:
    """The file being analysed depends on ``rel`` (checkout-relative)."""
    if _STACK:
        _STACK[-1].add(rel)


@contextmanager
def recording() -> Iterator[set[str]]:
    found: set[str] = set()
    _STACK.append(found)
    try:
        yield found
    finally:
        _STACK.pop()
