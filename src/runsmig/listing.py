"""Questions an analysis asks of the checkout's file list, answered again for a later run.

A cached result that recorded its questions (:func:`runsmig.deps.asked`) is reused while each
gets the same answer from the current file list. A question's kind names the module of
:mod:`runsmig.languages` that asks and answers it (``python.modules:file``: the module defines
``answer(kind, question, view)``); a kind that names no such module gets None, and the file is
analysed again.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

_KIND = re.compile(r"([a-z_]+(?:\.[a-z_]+)*):[a-z_]+")


class View:
    """What a question is answered from: the checkout, its file list, the planned moves and
    deletes, the recipe; ``memo`` keeps what an answerer builds once per run (an index, a tree)."""

    def __init__(self, root: Path, files: frozenset[str], moves: dict[str, str], deletes: frozenset[str],
                 recipe) -> None:
        self.root, self.files, self.moves, self.deletes, self.recipe = root, files, moves, deletes, recipe
        self.memo: dict = {}


def answer(kind: str, question: str, view: View) -> str | None:
    m = _KIND.fullmatch(kind)
    if m is None:
        return None
    try:
        module = importlib.import_module(f"runsmig.languages.{m.group(1)}")
    except ImportError:
        return None
    fn = getattr(module, "answer", None)
    return fn(kind, question, view) if callable(fn) else None
