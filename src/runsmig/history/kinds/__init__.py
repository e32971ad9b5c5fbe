"""History detectors, one small module each, registered by existing.

A detector module defines ``KIND`` (its name), ``NEEDLES`` (lowercase substrings a path must hold
to be shown to it: the whole file list is searched once for all of them) and
``claims(paths, files) -> Iterable[Claim]`` (``paths``: the sorted paths holding a needle;
``files``: every file of the checkout, to look at a path's neighbours).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType


@lru_cache(maxsize=1)
def detectors() -> tuple[ModuleType, ...]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return tuple(importlib.import_module(f"{__name__}.{n}") for n in names)
