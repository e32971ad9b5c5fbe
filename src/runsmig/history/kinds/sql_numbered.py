"""Ordered SQL migrations: ``<number, timestamp or dotted version>_<name>.sql`` (``001_create.sql``,
``20240101120000_add.sql`` of dbmate, ``03.04.00_01_add.sql`` named after the release shipping it)
or a bare number (``000001.sql``, a folder a runner reads in order) in a folder whose path says
migrations (``migrations/``,
``db/migrate/``), or three or more such files in one folder. One numbered ``.sql`` file elsewhere
(a seed, a query) is not history; nor is a numbered document (``docs/01-intro.md``)."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterator

from runsmig.history.base import Claim, name, parent

KIND = "sql-numbered"
NEEDLES = (".sql",)
_NAME = re.compile(r"\d+(?:(?:\.\d+)*[_-][^/]*)?\.sql", re.I)
_DBMATE = re.compile(r"\d{14}_[^/]+\.sql")


def claims(paths: list[str], files: frozenset[str]) -> Iterator[Claim]:
    by_folder: dict[str, list[str]] = defaultdict(list)
    for rel in paths:
        if _NAME.fullmatch(name(rel)) and not rel.lower().endswith((".up.sql", ".down.sql")):
            by_folder[parent(rel)].append(rel)
    for folder, rels in by_folder.items():
        if "migrat" in folder.lower() or len(rels) >= 3:
            for rel in rels:
                dbmate = name(folder) == "migrations" and name(parent(folder)) == "db" and _DBMATE.fullmatch(name(rel))
                yield Claim(rel, "dbmate" if dbmate else KIND)
