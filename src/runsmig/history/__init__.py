"""Released history: files a migration must never rewrite, because what they name also lives
outside the checkout (in databases already migrated through them, in published release notes).

Recognised by structure, never by a list of projects (one detector per kind in
:mod:`runsmig.history.kinds`): Alembic revisions, Django migrations, ordered SQL migrations
(numbered, Flyway, golang-migrate, dbmate, Prisma), Rails ``db/migrate``, knex, node-pg-migrate,
TypeORM, and the released sections of a changelog. A recipe's ``history:`` section adds or removes
paths (runsmig.recipe.sections.history).

What it costs: one search of the file list for a few substrings (``migrat``, ``versions/``,
``.sql``, changelog names), then a read of the first bytes of the few files a detector can only
confirm by their content (a Django migration's ``class Migration``, an Alembic revision's
``down_revision``). A file list without such paths costs the search alone.

What it decides (:class:`History`), used by the path plan (runsmig.paths), the analysis of a file
(runsmig.runner.analyze) and the plan's summary:

* a history file is never rewritten, renamed, moved or deleted; its occurrences are allowlisted
  with the reason ``history (<kind>)``; of a changelog, only the lines from its first release
  heading down (runsmig.history.changelog);
* a folder holding one keeps its name (a term rename or a recipe folder rename that would carry a
  history file is not made for that folder: the rename of a recipe entry is a conflict);
* what history refers to keeps resolving (runsmig.history.refs): the modules its Python imports
  stay where they are, and the names it imports that hold a term, and the names of history files
  holding one (a Django migration's name in ``dependencies``, an Alembic revision id), are kept
  everywhere (as a recipe ``keep:`` word), each with a note in the plan.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from runsmig.history.base import SNIFF_BYTES, Claim, name, parent

CHANGELOG = "changelog"


@dataclass(frozen=True)
class History:
    kinds: dict[str, str] = field(default_factory=dict)  # history file -> kind
    keep: tuple[str, ...] = ()  # names kept everywhere because history refers to them
    pinned: dict[str, str] = field(default_factory=dict)  # file that never moves -> why (history or what imports it)
    held: frozenset[str] = frozenset()  # folders ('a/b', no trailing '/') whose names stay: they hold pinned files
    notes: tuple[str, ...] = ()  # for the plan: what was kept because history refers to it
    conflicts: tuple = ()  # Findings: what history refers to that the rename cannot keep

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def kind(self, rel: str) -> str | None:
        return self.kinds.get(rel)

    def whole(self, rel: str) -> str | None:
        """The allowlist reason of a file that is history as a whole (None: it is not, or it is a
        changelog, history only from its first release down)."""
        kind = self.kinds.get(rel)
        return reason(kind) if kind is not None and kind != CHANGELOG else None

    def released_from(self, rel: str, text: str) -> int | None:
        """The first line of a changelog's released sections (None: not a changelog, or none)."""
        if self.kinds.get(rel) != CHANGELOG:
            return None
        from runsmig.history.changelog import released_from

        return released_from(rel, text)

    def key(self) -> str:
        """What an analysis depends on of it (a part of the result cache's key)."""
        data = json.dumps([sorted(self.kinds.items()), list(self.keep), sorted(self.pinned), sorted(self.held)])
        return hashlib.blake2b(data.encode(), digest_size=16).hexdigest()


NONE = History()


def reason(kind: str) -> str:
    return f"history ({kind})"


def detect(root: Path, files: list[str], recipe, engine) -> History:
    """The released history among ``files`` (see the module docstring)."""
    from runsmig.history.kinds import detectors

    section = recipe.sections.get("history")
    mods = detectors()
    wanted = {n for m in mods for n in m.NEEDLES}
    needles = sorted(n for n in wanted if not any(o != n and o in n for o in wanted))  # 'migrat' finds 'db/migrate/'
    paths = _paths_holding(files, needles)
    claims: dict[str, list[Claim]] = defaultdict(list)
    if paths:
        fileset = frozenset(files)  # only when a detector may look at a path's neighbours
        for m in mods:
            for c in m.claims(paths, fileset):
                claims[c.rel].append(c)
    kinds: dict[str, str] = {}
    heads: dict[str, bytes] = {}  # the first bytes read to confirm a claim (refs reuses them)
    removed = section.removes if section is not None else None
    for rel, cs in claims.items():
        if removed is not None and removed(rel):
            continue
        kind = _confirmed(root, rel, cs, heads)
        if kind is not None:
            kinds[rel] = kind
    if section is not None and section.adds is not None:
        for rel in section.adds.select(sorted(files)):
            if rel not in kinds and not (removed is not None and removed(rel)):
                kinds[rel] = "recipe"
    if not kinds:
        return NONE
    from runsmig.history.refs import references

    return references(root, kinds, heads, files, recipe, engine)


def _paths_holding(files: list[str], needles: list[str]) -> list[str]:
    """The sorted paths holding one of ``needles`` (lowercase), in any case: one substring search
    per needle over the joined list (no regex tried at every position)."""
    text = "\n".join(files)
    if text.count("\n") != max(0, len(files) - 1):  # a path with a line break: each searched alone
        return sorted(rel for rel in files if any(n in rel.lower() for n in needles))
    low = text.lower()
    hits: set[str] = set()
    for n in needles:
        i = low.find(n)
        while i != -1:
            start = low.rfind("\n", 0, i) + 1
            end = low.find("\n", i)
            end = len(low) if end == -1 else end
            hits.add(text[start:end])
            i = low.find(n, end)
    return sorted(hits)


def _confirmed(root: Path, rel: str, claims: list[Claim], heads: dict[str, bytes]) -> str | None:
    """The kind of the first claim the path alone decides or the file's first bytes confirm."""
    for c in claims:
        if not c.sniff:
            return c.kind
    head = _head(root / rel)
    if head is None:
        return None
    heads[rel] = head
    for c in claims:
        if all(rx.search(head) for rx in c.sniff):
            return c.kind
    return None


def _head(path: Path) -> bytes | None:
    """The first bytes of a regular file (None: not one, or unreadable: never history then)."""
    from runsmig.textio import read_file

    try:
        return read_file(path, SNIFF_BYTES)
    except OSError:
        return None


def folders_of(rel: str) -> list[str]:
    """The folders holding ``rel``: 'a', 'a/b' for 'a/b/c.py'."""
    parts = rel.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


__all__ = ["CHANGELOG", "History", "NONE", "detect", "folders_of", "name", "parent", "reason"]
