"""Files runsmig wrote that name old names on purpose: the Django migration of a rename
(runsmig.generators.django_migrations) starts from the state that has them, and the stored-name
migration of ``stored: migrate`` (runsmig.migration: a SQL folder's next file, an Alembic revision)
renames them. Such a file is history from the moment it is written: never rewritten, and what it
names is accepted by ``check`` with one reason.

Recognised by both its first line (the marker the generator writes) and its place (a numbered
module of a ``migrations`` package), so the marker cannot hide terms elsewhere; a Django migration
is released history anyway (issue #21, item 1). The test costs a ``startswith`` on a file that
holds a term.
"""

from __future__ import annotations

import re

MARKER = b"# Written by runsmig"
HISTORY_MARKER = b"runsmig: migration written by runsmig"  # runsmig.migration.sqlfolder.MARKER
REASON = "migration written by runsmig"
_DJANGO = re.compile(r"(?:^|/)migrations/\d{4,}_\w+\.py$")


def written_reason(rel: str, data: bytes) -> str | None:
    """Why this file keeps its names (None: it is not one runsmig wrote)."""
    if data.startswith(MARKER) and _DJANGO.search(rel) is not None:
        return REASON
    if b"runsmig: compat" in data[:1024]:  # generated compat code (runsmig.compat.marker)
        from runsmig.compat.marker import file_reason

        return file_reason(data)
    return None


def history_written_reason(data: bytes) -> str | None:
    """Why a released-history file keeps its names when runsmig wrote it (``stored: migrate``): its
    marker among its first bytes (None: a history file of the project's own)."""
    return REASON if HISTORY_MARKER in data[:1024] else None
