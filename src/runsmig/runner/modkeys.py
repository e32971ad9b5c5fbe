"""The names a file must carry to import a module the recipe moves or deletes (the candidate scan
looks for them before any file is analysed)."""

from __future__ import annotations

from functools import lru_cache

from runsmig.recipe.model import Recipe

_INDEX_STEMS = {"index", "__init__", "mod", "main"}


def module_keys(recipe: Recipe) -> tuple[bytes, ...]:
    """Names a file must carry to import a module the recipe moves or deletes by an explicit entry
    (whose name may hold no term): the file or folder stem, and the folder for an index module."""
    return _module_keys(tuple(r.source for r in recipe.renames) + tuple(d.path for d in recipe.deletes))


@lru_cache(maxsize=8)
def _module_keys(sources: tuple[str, ...]) -> tuple[bytes, ...]:
    keys: set[bytes] = set()
    for src in sources:
        parts = [p for p in src.split("/") if p]
        if not parts:
            continue
        stem = parts[-1].split(".")[0]
        keys.add(stem.lower().encode())
        if stem in _INDEX_STEMS and len(parts) > 1:
            keys.add(parts[-2].lower().encode())
    return tuple(sorted(k for k in keys if k))
