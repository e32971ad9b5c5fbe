"""Which term occurrences of one file are stored names, under ``stored: keep``: the one place
that decides it, for ``plan``, ``apply`` and ``check`` alike (runsmig.runner.analyze asks it).

A language pass says where stored names may be (:class:`runsmig.findings.SqlRegion`: text that
may be SQL; :class:`runsmig.findings.StoredSpan`: a name an ORM model declares); here SQL is read
(:mod:`runsmig.sql`) only in regions that hold a term. A name kept in this file also keeps its
other spellings in it: an identifier-like string literal that spells it (``row["job_id"]`` for
the column ``job_id``) and a named bind parameter (``%(job_id)s``), so the code and its SQL keep
agreeing. A bind parameter of a ``.sql`` file is not a stored name: the code of other files
supplies it by keyword (``execute(queries["finish"], job_id=...)``), and those keywords are
renamed with the code, so the parameter follows them (``%(run_id)s``). The other way round, a
quoted value of the SQL that spells a key of an object literal the file builds (``el->>'jobId'``
beside ``JSON.stringify({ jobId: job.id })``) is a payload between the code and its SQL: it is
renamed with the code's key, and listed (kind ``payload key``).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from runsmig.findings import Analysis, Finding
from runsmig.recipe.sections.literals import unquote
from runsmig.recipe.sections.stored import stored_of
from runsmig.terms import TermEngine


@dataclass(frozen=True)
class Kept:
    start: int
    end: int
    kind: str  # table, column, ..., or "unparsed SQL"
    name: str


class StoredNames:
    """The stored names of one file, and what each edit or finding in it is."""

    def __init__(self, kept: list[Kept], follows: list[Kept] = (), spread: bool = True):
        self.kept = sorted(kept, key=lambda k: (k.start, k.end))
        # quoted values of the SQL that spell a key of an object literal the file builds
        # ({ jobId: job.id } beside el->>'jobId'): a payload between the code and its SQL, renamed
        # with the code's key and listed (kind "payload key")
        self.follows = sorted(follows, key=lambda k: (k.start, k.end))
        self.follow_starts = [k.start for k in self.follows]
        self.starts = [k.start for k in self.kept]
        self.names: dict[str, str] = {}
        self.values: set[str] = set()
        # spread: the names kept here keep their other spellings in the file (stored: keep); not so
        # for SQL run against an older schema (stored: migrate), kept where it is and nowhere else
        for k in self.kept if spread else ():
            if k.kind not in ("value", "bind parameter"):
                self.names.setdefault(k.name, k.kind)
            elif k.kind == "value":
                self.values.add(k.name)

    def __bool__(self) -> bool:
        return bool(self.kept)

    def at(self, start: int, end: int) -> Kept | None:
        """The stored name an edit of text[start:end] touches (an insertion: the one it is inside)."""
        i = bisect.bisect_left(self.starts, end if end > start else start)
        for k in reversed(self.kept[max(0, i - 8):i]):
            if (start < k.end) if end > start else (k.start < start < k.end):
                return k
        return None

    def followed(self, start: int, end: int) -> Kept | None:
        """The payload key (renamed with the code) an edit of text[start:end] is inside."""
        i = bisect.bisect_right(self.follow_starts, start)
        if i and start < self.follows[i - 1].end and end <= self.follows[i - 1].end:
            return self.follows[i - 1]
        return None

    def spelled(self, f: Finding) -> str | None:
        """The kind of a stored name an identifier-like literal spells exactly (a value the SQL
        keeps too: ``add_job('job3')`` beside ``expect(task).toEqual("job3")``)."""
        if not f.literal:
            return None
        text = unquote(f.literal)
        return self.names.get(text) or ("value" if text in self.values else None)


def stored_names(text: str, analysis: Analysis, recipe, engine: TermEngine) -> StoredNames | None:
    """None when nothing here can be a stored name. Under ``stored: migrate`` only the SQL that runs
    against the schema before the new migration (a region ``as_of`` a migration) keeps its names."""
    if not (analysis.sql or analysis.stored):
        return None
    choice = stored_of(recipe)
    older = choice.action == "migrate"  # only SQL run against the schema before the new migration
    if choice.action != "keep" and not older:
        return None
    kept = [] if older else [Kept(s.start, s.end, s.kind, s.name) for s in analysis.stored]
    points = sorted(e.start for e in analysis.edits)
    wanted = _wanted(engine)
    binds = []
    for region in analysis.sql:
        if older != bool(region.as_of):
            continue
        i = bisect.bisect_left(points, region.start)
        if i == len(points) or points[i] >= region.end:
            continue  # no rewrite in it: nothing to keep
        from runsmig import sql

        holes = tuple((a - region.start, b - region.start, blank) for a, b, blank in region.holes)
        reading = sql.read(text[region.start:region.end], holes, known=region.known,
                           dialect=choice.dialect, wanted=wanted)
        if reading is None:
            continue
        for n in reading.names:
            kind = n.kind if n.parsed else "unparsed SQL"
            if older and kind == "value":
                continue  # data, not the schema's: it follows the code as everywhere
            kind = f"{kind}, as of {region.as_of}" if older else kind
            kept.append(Kept(region.start + n.start, region.start + n.end, kind, n.name))
        if not region.known:  # a .sql file's parameters are supplied by code elsewhere (see below)
            binds += [(region.start + b.start, region.start + b.end, b.name) for b in reading.binds]
    names = {k.name for k in kept if k.kind != "value"}
    kept += [Kept(a, b, "bind parameter", name) for a, b, name in binds if name in names]
    built = {text[a:b] for a, b, _ in analysis.keys}
    follows = [k for k in kept if k.kind == "value" and k.name in built]
    if follows:  # a JSON key this file's code builds and its SQL reads: renamed with the code
        kept = [k for k in kept if not (k.kind == "value" and k.name in built)]
    if older:
        return StoredNames(kept, spread=False) if kept else None
    return StoredNames(kept, follows) if kept or follows else None


def _wanted(engine: TermEngine):
    cache: dict[str, bool] = {}

    def wanted(name: str) -> bool:
        hit = cache.get(name)
        if hit is None:
            hit = cache[name] = bool(engine.find(name))
        return hit
    return wanted

