"""Language transformers, registered by existing: every module in this package or in one of
its packages (``python``, ``typescript``, ``markdown``, ``config``) that defines ``LANGUAGE``
(an instance of :class:`runsmig.languages.base.Language`) takes part. The highest ``priority``
whose patterns match a path wins."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from runsmig.languages.base import FileContext, Language

__all__ = ["FileContext", "Language", "language_for", "languages"]


@lru_cache(maxsize=1)
def languages() -> tuple[Language, ...]:
    found: list[Language] = []
    for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        name = info.name.rpartition(".")[2]
        if name.startswith("_") or name == "base":
            continue
        mod = importlib.import_module(info.name)
        lang = getattr(mod, "LANGUAGE", None)
        if isinstance(lang, Language):
            found.append(lang)
    found.sort(key=lambda lang: (-lang.priority, lang.name))
    return tuple(found)


def language_for(rel: str) -> Language:
    for lang in languages():
        if lang.matches(rel):
            return lang
    from runsmig.languages.text import LANGUAGE

    return LANGUAGE
