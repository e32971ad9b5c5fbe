"""golang-migrate (and sql-migrate alike): ``<version>_<title>.up.sql`` / ``.down.sql`` pairs."""

from __future__ import annotations

import re
from typing import Iterator

from runsmig.history.base import Claim, name

KIND = "golang-migrate"
NEEDLES = (".sql",)
_NAME = re.compile(r"\d+_[^/]+\.(?:up|down)\.sql", re.I)


def claims(paths: list[str], files: frozenset[str]) -> Iterator[Claim]:
    for rel in paths:
        if _NAME.fullmatch(name(rel)):
            yield Claim(rel, KIND)
