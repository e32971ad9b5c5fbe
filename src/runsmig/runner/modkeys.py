"""The names a file must carry to import a module the recipe moves or deletes (the candidate scan
looks for them before any file is analysed)."""

from __future__ import annotations

from functools import lru_cache

from runsmig.recipe.model import Recipe
from runsmig.earlygrep import module_keys as keys_of


def module_keys(recipe: Recipe) -> tuple[bytes, ...]:
    """Names a file must carry to import a module the recipe moves or deletes by an explicit entry
    (whose name may hold no term): the file or folder stem, and the folder for an index module."""
    return _module_keys(tuple(r.source for r in recipe.renames) + tuple(d.path for d in recipe.deletes))


@lru_cache(maxsize=8)
def _module_keys(sources: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(sorted(k.encode() for k in keys_of(sources)))
