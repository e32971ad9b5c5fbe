"""New files a recipe generates (e.g. Alembic revisions), registered by existing:
every module here defines ``generate(root, recipe, result, options) -> list[NewFile]``; ``options``
holds the command line's choices for generators (``head``, ``jobs_history``), each None when not given,
and ``generated``: the files the generators before it (in module name order) wrote."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class NewFile:
    path: str  # checkout-relative, '/'-separated
    content: str
    notes: tuple[str, ...] = field(default=())
    # stored names this file migrates: (kind, old, new, table or None, path of the file)
    migrates: tuple[tuple[str, str, str, str | None, str], ...] = field(default=())
    # stored names kept because the file keeps what they derive from (a Django table written out: its
    # indexes, keys, sequences): (kind, name, table, path of the file)
    keeps: tuple[tuple[str, str, str, str], ...] = field(default=())
    # existing files the new file changes (code that follows the history's length): (path, whole new
    # content), computed on what the plan already makes of the file
    updates: tuple[tuple[str, bytes], ...] = field(default=())


def generate_all(root: Path, recipe, result, options: dict | None = None) -> list[NewFile]:
    out: list[NewFile] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        gen = getattr(mod, "generate", None)
        if gen is not None:
            # the files generated so far (modules run in name order): a later one may build on them
            out.extend(gen(root, recipe, result, {**(options or {}), "generated": tuple(out)}))
    return out
