"""JavaScript/TypeScript migrations: ``<timestamp>_<name>`` or ``<timestamp>-<Name>`` modules of a
``migrations``/``migration`` folder, told apart by what they hold: TypeORM's ``MigrationInterface``,
node-pg-migrate's ``pgm`` builder, knex's ``knex.schema``/``exports.up``. A module of such a folder
that exports no ``up`` is not history."""

from __future__ import annotations

import re
from typing import Iterator

from runsmig.history.base import Claim, name, parent

KIND = "knex"  # the detector's name; each claim says which tool its file belongs to
NEEDLES = ("migrat",)
_NAME = re.compile(r"\d{3,}[_-][\w.-]+\.(?:js|cjs|mjs|ts|cts|mts)")
TYPEORM = re.compile(rb"\bMigrationInterface\b")
PGM = re.compile(rb"\bpgm\s*[:,)]|\bpgm\.(?:create|add|drop|alter|rename|sql)")
KNEX = re.compile(rb"\bexports\.up\b|\bexport\s+(?:async\s+)?function\s+up\b|\bexport\s+const\s+up\b|"
                  rb"\bmodule\.exports\s*=\s*\{[^}]*\bup\b")


def claims(paths: list[str], files: frozenset[str]) -> Iterator[Claim]:
    for rel in paths:
        if name(parent(rel)) in ("migrations", "migration") and _NAME.fullmatch(name(rel)):
            yield Claim(rel, "typeorm", (TYPEORM,))
            yield Claim(rel, "node-pg-migrate", (PGM,))
            yield Claim(rel, "knex", (KNEX,))
