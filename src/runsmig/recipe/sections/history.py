"""``history:`` section: paths the released-history detection (runsmig.history) adds or leaves out.

Example::

    history:
      add: ["db/legacy/*.sql"]                  # released history no detector recognises
      remove: ["app/migrations/0099_draft.py"]  # not released yet: migrate it like any file

Both are lists of gitignore-style patterns, relative to the checkout. ``add`` is an allowlist in
effect (the files are never rewritten and their terms are accepted with the reason
``history (recipe)``): from a recipe the checkout controls, a pattern matching every path is
refused like a catch-all allowlist entry (runsmig.narrowing). ``remove`` wins over ``add`` and over
every detector.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runsmig.pathmatch import Matcher, compile_patterns
from runsmig.recipe.yamlnode import Node


@dataclass(frozen=True)
class HistorySection:
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    adds: Matcher | None = None
    removes: Matcher | None = None


def parse(node: Node, folder: Path) -> HistorySection:
    m = node.mapping(allowed={"add", "remove"})
    add = tuple(_patterns(m["add"])) if "add" in m else ()
    remove = tuple(_patterns(m["remove"])) if "remove" in m else ()
    return HistorySection(add, remove, compile_patterns(add) if add else None,
                          compile_patterns(remove) if remove else None)


def _patterns(node: Node) -> list[str]:
    out = []
    for item in node.sequence():
        p = item.string()
        if ".." in p.split("/"):
            raise item.fail("a history pattern is relative to the checkout and may not contain '..'")
        out.append(p)
    return out
