"""``compat:`` section: whether a rename keeps the old public names as deprecated aliases (issue #22).

Examples::

    compat: aliases            # every renamed public name keeps its old spelling, deprecated
    compat: none               # an application: no alias (the bundled ADE recipe says so)
    compat: {action: aliases, removed_in: "3.0"}

Without the section the choice is made from the checkout's metadata (runsmig.compat.settings):
``aliases`` for a library (a ``[project]`` table in the root pyproject.toml, a setup.py / setup.cfg
with metadata, a root package.json not ``"private": true``), ``none`` otherwise. ``removed_in``
defaults to the next major release after the project's current version (read from its metadata).

Interface: ``parse(node, folder) -> CompatSection`` (``action`` "aliases" | "none";
``removed_in`` str or None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from runsmig.recipe.yamlnode import Node

ACTIONS = {"aliases", "none"}
_RELEASE = re.compile(r"\d+(\.\d+)*[\w.+-]*")


@dataclass(frozen=True)
class CompatSection:
    action: str  # "aliases" or "none"
    removed_in: str | None = None  # the release that removes the aliases (None: from metadata)


def parse(node: Node, folder: Path) -> CompatSection:
    if isinstance(node.value, str):
        return CompatSection(node.choice(ACTIONS))
    m = node.mapping(allowed={"action", "removed_in"})
    action = m["action"].choice(ACTIONS) if "action" in m else "aliases"
    removed_in = None
    if "removed_in" in m:
        v = m["removed_in"]
        text = str(v.value) if isinstance(v.value, (int, float)) and not isinstance(v.value, bool) else v.string()
        if not _RELEASE.fullmatch(text):
            raise v.fail(f"'{text}' is not a release number such as \"3.0\"")
        removed_in = text
    return CompatSection(action, removed_in)
