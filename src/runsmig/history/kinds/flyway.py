"""Flyway versioned migrations: ``V<version>__<description>.sql`` (and undo ``U...``). Repeatable
ones (``R__``) are re-applied whenever they change: they are not history."""

from __future__ import annotations

import re
from typing import Iterator

from runsmig.history.base import Claim, name

KIND = "flyway"
NEEDLES = (".sql",)
_NAME = re.compile(r"[VU]\d+(?:[._]\d+)*__[^/]+\.sql", re.I)


def claims(paths: list[str], files: frozenset[str]) -> Iterator[Claim]:
    for rel in paths:
        if _NAME.fullmatch(name(rel)):
            yield Claim(rel, KIND)
