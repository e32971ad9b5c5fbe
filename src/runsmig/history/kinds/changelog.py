"""Changelogs: ``CHANGELOG``, ``CHANGES``, ``HISTORY``, ``NEWS``, ``RELEASES``, ``RELEASE_NOTES``
(``RELEASE-NOTES``, ``RELEASENOTES``; ``.md``, ``.rst``,
``.txt`` or no extension). Only their released sections are history (runsmig.history.changelog):
an "Unreleased" section above the first release stays editable."""

from __future__ import annotations

import re
from typing import Iterator

from runsmig.history.base import Claim, name

KIND = "changelog"
NEEDLES = ("changelog", "changes", "history", "news", "release")  # in any case: CHANGELOG.md
_NAME = re.compile(r"(?:CHANGELOG|CHANGES|HISTORY|NEWS|RELEASES?|RELEASE[_-]?NOTES)(?:\.(?:md|markdown|rst|txt))?", re.I)


def claims(paths: list[str], files: frozenset[str]) -> Iterator[Claim]:
    for rel in paths:
        if _NAME.fullmatch(name(rel)):
            yield Claim(rel, KIND)
