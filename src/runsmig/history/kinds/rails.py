"""Rails (Active Record) migrations: ``db/migrate/<timestamp>_<name>.rb``."""

from __future__ import annotations

import re
from typing import Iterator

from runsmig.history.base import Claim, name, parent

KIND = "rails"
NEEDLES = ("migrat",)
_NAME = re.compile(r"\d+_\w+\.rb")


def claims(paths: list[str], files: frozenset[str]) -> Iterator[Claim]:
    for rel in paths:
        folder = parent(rel)
        if name(folder) == "migrate" and name(parent(folder)) == "db" and _NAME.fullmatch(name(rel)):
            yield Claim(rel, KIND)
