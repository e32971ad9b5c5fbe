"""Questions an analysis asks of the checkout's file list, answered again for a later run.

A cached result that recorded its questions (:func:`runsmig.deps.asked`) is reused while each
gets the same answer from the current file list. A question's kind names the module of
:mod:`runsmig.languages` that asks and answers it (``python.modules:file``: the module defines
``answer(kind, question, files)``); a kind that names no such module gets None, and the file is
analysed again.
"""

from __future__ import annotations

import importlib
import re

_KIND = re.compile(r"([a-z_]+(?:\.[a-z_]+)*):[a-z_]+")


def answer(kind: str, question: str, files: frozenset[str]) -> str | None:
    m = _KIND.fullmatch(kind)
    if m is None:
        return None
    try:
        module = importlib.import_module(f"runsmig.languages.{m.group(1)}")
    except ImportError:
        return None
    fn = getattr(module, "answer", None)
    return fn(kind, question, files) if callable(fn) else None
