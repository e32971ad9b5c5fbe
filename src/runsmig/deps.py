"""What one file's analysis depended on besides its own bytes: what its cached result depends on.

* Other files' bytes: a language pass that reads another file of the checkout (a module it
  imports, a page it embeds, a file it checks) calls :func:`note`. The result cache
  (``runner/cache.py``) keeps a result only while every noted file is byte-identical;
  configuration every file of a language may read (``package.json``, ``tsconfig.json``) is part
  of the cache's context instead.
* The checkout's file list: a pass that asks it only questions named here (:func:`asked`: a kind,
  a question, the answer, all strings, answered again by :mod:`runsmig.listing`) keeps its result
  while every answer stays the same, so a file added elsewhere does not cost it a new analysis.
  Anything else may have read the whole list (:func:`whole_listing`): the result is kept only while
  the list is the same.

:func:`recording` collects all three around one file's analysis.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


class Record:
    """What one analysis read: other files (``read``), questions to the file list (``asked``:
    (kind, question) -> answer), and whether it may have read the whole list (``whole``)."""

    __slots__ = ("read", "asked", "whole")

    def __init__(self) -> None:
        self.read: set[str] = set()
        self.asked: dict[tuple[str, str], str] = {}
        self.whole = False


_STACK: list[Record] = []


def note(rel: str) -> None:
    """The file being analysed depends on ``rel`` (checkout-relative)."""
    if _STACK:
        _STACK[-1].read.add(rel)


def asked(kind: str, question: str, answer: str) -> None:
    """The file being analysed asked the file list ``question`` (of ``kind``) and got ``answer``."""
    if _STACK:
        _STACK[-1].asked[(kind, question)] = answer


def whole_listing() -> None:
    """The file being analysed may depend on anything in the file list."""
    if _STACK:
        _STACK[-1].whole = True


def replay(record: Record) -> None:
    """The file being analysed depends on all ``record`` holds (a remembered answer's dependencies:
    every file that uses the answer depends on them, not only the first that worked it out)."""
    if _STACK:
        top = _STACK[-1]
        top.read |= record.read
        top.asked.update(record.asked)
        top.whole = top.whole or record.whole


@contextmanager
def recording() -> Iterator[Record]:
    found = Record()
    _STACK.append(found)
    try:
        yield found
    finally:
        _STACK.pop()
