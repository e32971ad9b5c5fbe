"""``python:`` section: explicit counterparts for Python modules the recipe deletes.

Example::

    python:
      modules:                      # deleted module -> module that takes over its names
        ade_api.features.jobs.schemas: ade_api.features.runs.schemas

Without an entry the counterpart is the deleted module's name rewritten by the
term map (``ade_api.features.jobs.models`` -> ``ade_api.features.runs.models``).
An imported name is redirected only when the counterpart defines its rewritten
name (or a ``symbols:`` override); otherwise its uses become follow-ups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from runsmig.recipe.yamlnode import Node

_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


@dataclass(frozen=True)
class PythonSection:
    modules: dict[str, str] = field(default_factory=dict)


def parse(node: Node, folder: Path) -> PythonSection:
    m = node.mapping(allowed={"modules"})
    modules: dict[str, str] = {}
    if "modules" in m:
        for key, value in m["modules"].mapping().items():
            target = value.string()
            if not _DOTTED.fullmatch(key):
                raise value.fail(f"'{key}' is not a dotted module name")
            if not _DOTTED.fullmatch(target):
                raise value.fail(f"'{target}' is not a dotted module name")
            modules[key] = target
    return PythonSection(modules)
