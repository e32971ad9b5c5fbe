"""TS/JS uses of the library's renamed names (runsmig.languages.typescript.compat_downstream)."""

from __future__ import annotations

from pathlib import Path


def rewrite(root: Path, recipe, files, changes: list) -> tuple[list, list[str]]:
    from runsmig.languages.typescript.compat_downstream import downstream_changes

    return downstream_changes(root, recipe, files, changes)
