"""Alembic revisions: the ``.py`` files of a ``versions/`` folder whose text assigns both
``revision`` and ``down_revision`` (what Alembic's ``ScriptDirectory`` reads). Beside ``env.py`` or
``script.py.mako`` or not: a ``versions/`` folder of API versions assigns no ``down_revision``."""

from __future__ import annotations

import re
from typing import Iterator

from runsmig.history.base import Claim, name, parent

KIND = "alembic"
NEEDLES = ("versions/",)
SNIFF = (re.compile(rb"(?m)^revision\s*(?::[^=\n]*)?="), re.compile(rb"(?m)^down_revision\s*(?::[^=\n]*)?="))


def claims(paths: list[str], files: frozenset[str]) -> Iterator[Claim]:
    for rel in paths:
        if rel.endswith(".py") and name(parent(rel)) == "versions" and name(rel) != "__init__.py":
            yield Claim(rel, KIND, SNIFF)
