"""Stored names kept across the checkout, under ``stored: keep``: what one file's SQL keeps, other
files keep where a string spells it (a test looking for the index ``single_job`` a schema
template names ``"${tableName}_single_job_idx"``; ``row["job_name"]`` for a column a ``.sql``
file defines).

Each file's outcome records the spellings of the stored names it keeps (:func:`spellings_of`):
a name whole, or, when part of it is a template hole or placeholder, the literal fragments of it
that hold a term, cut at ``_`` (``single_job``, ``_single_job_idx``). The run gathers them from a
first pass over the files that may hold SQL (:func:`sql_like`) before any file is analysed for
good; a file's result then depends on the spellings it holds (:meth:`StoredSet.key_of`), which is
part of its cache key.
"""

from __future__ import annotations

import json
import re

from runsmig.findings import PAYLOAD_KEY
from runsmig.runner.storedtext import anchors, is_text

_SQL = re.compile(rb"(?i)\b(?:create|alter|select|insert|update|delete|drop|listen|notify)\b")
_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# spread to other files: not a bind parameter or a routine's parameter (client code names neither: a
# dict key "jobs" is a query's keyword); a value the SQL writes or sends (a NOTIFY payload's
# 'abort_job_requested', 'job_id') and a word of text the reader could not parse only when it reads
# as a name (two or more word parts, no space): code compares or indexes with that spelling
_SKIP = ("bind parameter", "parameter")
_LOOSE = ("value", "unparsed SQL", "name")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# a quoted text the kept SQL emits (a RAISE message): code comparing with it keeps its spelling
# (runsmig.runner.storedtext); recorded beside the spellings with this kind
TEXT = "stored text"


# a function registered by a task decorator: its dotted path is a stored task name
# (runsmig.languages.python.task_names), which other files' strings spell (an alias of the old name)
_TASK = re.compile(rb"@[\w.]*\b(?:task|shared_task|actor|periodic_task|db_task|db_periodic_task)\b")


def sql_like(data: bytes) -> bool:
    """Bytes that may hold SQL (a statement's keyword) or a task decorator: the files whose stored
    names are read first."""
    return bool(_SQL.search(data)) or bool(_TASK.search(data))


def spellings_of(text: str, stored, index, engine) -> list[list]:
    """[spelling, kind, name as written, line] for every stored name the file keeps."""
    out: list[list] = []
    seen: set[tuple[str, str]] = set()
    for k in stored.kept:
        if k.kind in _SKIP:
            continue
        if k.kind in _LOOSE and is_text(k.name):
            if (k.name, TEXT) not in seen:
                seen.add((k.name, TEXT))
                out.append([k.name, TEXT, k.kind, index.pos(k.start)[0]])
            continue
        if k.kind in _LOOSE and not (_NAME.fullmatch(k.name) and len(_PARTS.findall(k.name)) >= 2):
            continue
        written = text[k.start:k.end]
        line = index.pos(k.start)[0]
        if written == k.name:
            spelled = [k.name]
        elif len(written) == len(k.name):
            spelled = _fragments(written, k.name, engine)
        else:
            continue
        for s in spelled:
            if (s, k.kind) not in seen:
                seen.add((s, k.kind))
                out.append([s, k.kind, written, line])
    return out


def _fragments(written: str, masked: str, engine) -> list[str]:
    """The pieces of a name outside its holes (where the masked text differs from the written one)
    that hold a term and two or more word parts, cut at ``_`` or a hole (an ``_`` kept or not)."""
    runs: list[str] = []
    cur = ""
    for a, b in zip(written, masked):
        if a == b:
            cur += a
        elif cur:
            runs.append(cur)
            cur = ""
    if cur:
        runs.append(cur)
    out: list[str] = []
    for run in runs:
        cuts = {0, len(run)} | {i for i, c in enumerate(run) if c == "_"} | {i + 1 for i, c in enumerate(run) if c == "_"}
        cuts = sorted(cuts)
        for i, s in enumerate(cuts):
            for e in cuts[i + 1:]:
                piece = run[s:e]
                if len(_PARTS.findall(piece)) >= 2 and piece not in out and engine.find(piece):
                    out.append(piece)
    return out


class StoredSet:
    """spelling -> (kind, name as written, path:line): the first place by path and line speaks."""

    def __init__(self, spelled: dict[str, tuple[str, str, str]] | None = None,
                 texts: dict[str, tuple[str, str, list[str]]] | None = None) -> None:
        self.spelled = dict(spelled or {})
        # stored texts (runsmig.runner.storedtext): text -> (kind, path:line, its words holding a term)
        self.texts = dict(texts or {})
        # keyword names passed together by one call, one of them a stored spelling (runner.kwsets)
        self.kwsets: list[frozenset[str]] = []

    def keyword_mapping(self, keys: frozenset[str]) -> bool:
        """A dict literal with these string keys is a call's keyword mapping (runsmig.runner.kwsets)."""
        from runsmig.runner.kwsets import keyword_mapping

        return keyword_mapping(keys, self.kwsets)

    def __bool__(self) -> bool:
        return bool(self.spelled or self.texts)

    @classmethod
    def of(cls, outcomes, raw_re=None) -> "StoredSet":
        """``raw_re``: the term engine's stem pattern (a stored text's anchors, :meth:`key_of`)."""
        found: dict[str, tuple[str, str, str, tuple[str, int]]] = {}
        texts: dict[str, tuple[str, str, tuple[str, int]]] = {}
        for o in outcomes:
            for spelling, kind, written, line in o.stored_spellings:
                place = (o.rel, int(line))
                if kind == TEXT:  # written: the kind the SQL reader gave it (value, unparsed SQL)
                    old = texts.get(spelling)
                    if old is None or place < old[2]:
                        texts[spelling] = (written, f"{o.rel}:{line}", place)
                    continue
                old = found.get(spelling)
                if old is None or place < old[3]:
                    found[spelling] = (kind, written, f"{o.rel}:{line}", place)
        # a value some file's code renames with it (a payload key the code builds, findings.PAYLOAD_KEY:
        # a task list's key ``{ job1 }`` beside ``add_job('job1')``) is the code's name: the strings of
        # other files that spell it follow the code too, as that file's own do
        followed = {f.word for o in outcomes for f in getattr(o, "applied", ()) if f.stored == PAYLOAD_KEY}
        found = {s: v for s, v in found.items() if not (v[0] in _LOOSE and s in followed)}
        words = (lambda t: anchors(t, raw_re)) if raw_re is not None else (lambda t: [])
        return cls({s: v[:3] for s, v in found.items()},
                   {t: (v[0], v[1], words(t)) for t, v in sorted(texts.items())})

    def text_spelled(self, pieces, has_term) -> tuple[str, str, str] | None:
        """(kind, stored text, path:line) of the first stored text a code literal spells
        (:func:`runsmig.runner.storedtext.literal_of`), or None."""
        from runsmig.runner.storedtext import spells

        for text, (kind, where, _) in self.texts.items():
            if spells(pieces, text, has_term):
                return kind, text, where
        return None

    def get(self, literal: str) -> tuple[str, str, str] | None:
        hit = self.spelled.get(literal)
        if hit is None and ":" in literal:  # a task name under a queue's namespace: "builtin:app.tasks.x"
            ns, _, rest = literal.partition(":")
            named = self.spelled.get(rest)
            if named is not None and named[0] == "task name" and _NAME.fullmatch(ns):
                hit = named
        return hit

    def key_of(self, data: bytes) -> str:
        """What a file's result depends on of them: the spellings its bytes hold ('' for none)."""
        if not (self.spelled or self.texts):
            return ""
        held = sorted((s, list(v)) for s, v in self.spelled.items() if s.encode() in data)
        if held and self.kwsets:
            spelled = {s for s, _ in held}
            held.append(("", sorted(sorted(k) for k in self.kwsets if k & spelled)))
        # a literal spelling a stored text holds one of its words that hold a term, as written
        texts = [[t, list(v)] for t, v in self.texts.items() if any(w.encode() in data for w in v[2])]
        if texts:
            held.append((TEXT, texts))
        return json.dumps(held) if held else ""
