"""Django migrations: ``<app>/migrations/NNNN_<name>.py`` in a package (``__init__.py`` beside it)
whose text defines ``class Migration(...)``. Ordinary modules of a ``migrations`` package (helpers,
no number, no ``Migration`` class) are not history."""

from __future__ import annotations

import re
from typing import Iterator

from runsmig.history.base import Claim, join, name, parent

KIND = "django"
NEEDLES = ("migrat",)
_NAME = re.compile(r"\d{4,}_\w+\.py")
SNIFF = (re.compile(rb"(?m)^class\s+Migration\s*\("),)


def claims(paths: list[str], files: frozenset[str]) -> Iterator[Claim]:
    for rel in paths:
        folder = parent(rel)
        if name(folder) == "migrations" and _NAME.fullmatch(name(rel)) and join(folder, "__init__.py") in files:
            yield Claim(rel, KIND, SNIFF)
