"""Prisma Migrate: ``prisma/migrations/<timestamp>_<name>/migration.sql`` (any folder of
``<number>_<name>/migration.sql`` under a ``migrations`` folder)."""

from __future__ import annotations

import re
from typing import Iterator

from runsmig.history.base import Claim, name, parent

KIND = "prisma"
NEEDLES = (".sql",)
_STEP = re.compile(r"\d+_\w+")


def claims(paths: list[str], files: frozenset[str]) -> Iterator[Claim]:
    for rel in paths:
        step = parent(rel)
        if name(rel) == "migration.sql" and _STEP.fullmatch(name(step)) and name(parent(step)) == "migrations":
            yield Claim(rel, KIND)
