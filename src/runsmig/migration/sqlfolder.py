"""Plain SQL migration folders (as runsmig.history finds them: Flyway ``V<n>__x.sql``, numbered
``NNNN_x.sql``, dbmate timestamps, golang-migrate ``.up.sql``/``.down.sql`` pairs): the released
files in the order they run, and the name and text of the next one.

The next file follows the folder's own scheme: the next number with the same width (or the next
Flyway version; a bare ``000020.sql`` after ``000019.sql``; the next release's name in a folder
named after releases, runsmig.migration.versioned), a timestamp one second after the last, a
``.down.sql`` beside a golang-migrate ``.up.sql``. A folder whose files hold both directions (dbmate's ``-- migrate:up`` /
``-- migrate:down``, goose's ``-- +goose Up`` / ``-- +goose Down``) gets both in the new file too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

SQL_KINDS = ("flyway", "golang-migrate", "sql-numbered", "dbmate")
SLUG = "runsmig_stored_names"  # the new file's description (no term in it)
MARKER = "runsmig: migration written by runsmig"

_FLYWAY = re.compile(r"([VU])(\d+(?:[._]\d+)*)__(.+)\.sql\Z", re.I)
_NUMBERED = re.compile(r"(\d+(?:\.\d+)*)(?:([_-])(.+?))?(\.up\.sql|\.down\.sql|\.sql)\Z", re.I)
_INDEX = re.compile(r"(\d+)[_-]")
# (up marker, down marker, statement wrapper) of tools that keep both directions in one file
SECTIONS = (
    ("-- migrate:up", "-- migrate:down", None),
    ("-- +goose Up", "-- +goose Down", ("-- +goose StatementBegin", "-- +goose StatementEnd")),
    ("-- +migrate Up", "-- +migrate Down", ("-- +migrate StatementBegin", "-- +migrate StatementEnd")),
)


@dataclass(frozen=True)
class Step:
    rel: str
    version: tuple[int, ...]
    up: bool = True  # False: a down/undo file (not replayed)


def steps(rels: list[str], kind: str) -> list[Step]:
    """The files of one folder in the order they run (down and undo files marked)."""
    out = []
    for rel in rels:
        leaf = rel.rsplit("/", 1)[-1]
        if kind == "flyway":
            m = _FLYWAY.match(leaf)
            if m is None:
                continue
            out.append(Step(rel, tuple(int(x) for x in re.split(r"[._]", m.group(2))), m.group(1).upper() == "V"))
        else:
            m = _NUMBERED.match(leaf)
            if m is None:
                continue
            version = tuple(int(x) for x in m.group(1).split("."))
            index = _INDEX.match(m.group(3)) if "." in m.group(1) and m.group(3) else None
            out.append(Step(rel, version + ((int(index.group(1)),) if index else ()), m.group(4).lower() != ".down.sql"))
    return sorted(out, key=lambda s: (s.version, s.rel))


def up_text(text: str) -> str:
    """The forward part of a migration file (all of it when it has no direction markers)."""
    for up, down, _ in SECTIONS:
        if up in text:
            body = text.split(up, 1)[1]
            return body.split(down, 1)[0]
    return text


def sections_of(texts: list[str]):
    for section in SECTIONS:
        if any(section[0] in t for t in texts):
            return section
    return None


def next_names(folder: str, kind: str, ordered: list[Step], tags=None) -> list[str]:
    """The new file's path (and its ``.down.sql`` for golang-migrate). ``tags``: a callable giving
    the project's release versions, asked only for files named after releases (``03.04.00_01_x``:
    runsmig.migration.versioned)."""
    last = ordered[-1]
    leaf = last.rel.rsplit("/", 1)[-1]
    base = f"{folder}/" if folder else ""
    numbered = _NUMBERED.match(leaf)
    if kind == "sql-numbered" and numbered and "." in numbered.group(1):
        from runsmig.migration import versioned

        name = versioned.next_name([s.rel.rsplit("/", 1)[-1] for s in ordered], SLUG, tags() if tags else [])
        if name is not None:
            return [f"{base}{name}"]
    if kind == "flyway":
        m = _FLYWAY.match(leaf)
        parts = re.split(r"([._])", m.group(2))
        parts[-1] = _bump(parts[-1])
        return [f"{base}V{''.join(parts)}__{SLUG}.sql"]
    m = _NUMBERED.match(leaf)
    head, _, tail = m.group(1).rpartition(".")
    number, sep = head + ("." if head else "") + _bump(tail), m.group(2)
    if sep is None:  # bare numbers (``000019.sql``): the next is bare too, a runner may read only those
        return [f"{base}{number}.sql"]
    if kind == "golang-migrate":
        return [f"{base}{number}{sep}{SLUG}.up.sql", f"{base}{number}{sep}{SLUG}.down.sql"]
    return [f"{base}{number}{sep}{SLUG}.sql"]


def _bump(number: str) -> str:
    """The next version after ``number``: a timestamp (14 digits) one second later, else +1 at
    the same width."""
    if len(number) == 14:
        try:
            t = datetime.strptime(number, "%Y%m%d%H%M%S")
            return (t + timedelta(seconds=1)).strftime("%Y%m%d%H%M%S")
        except ValueError:
            pass
    return str(int(number) + 1).zfill(len(number))


def render(header: list[str], up: list[str], down: list[str] | None, section) -> str:
    """The file's text: a comment header, then the statements (within the folder's direction
    markers when it uses them)."""
    lines = [f"-- {h}" if h else "--" for h in header]
    if section is None:
        return "\n".join(lines + [""] + up) + "\n"
    start, end, wrap = section
    body = lines + ["", start] + _wrapped(up, wrap) + ["", end] + _wrapped(down or [], wrap)
    return "\n".join(body) + "\n"


def _wrapped(stmts: list[str], wrap) -> list[str]:
    if wrap is None:
        return stmts
    out = []
    for s in stmts:
        out += [wrap[0], s, wrap[1]] if "$" in s or "\n" in s else [s]
    return out


__all__ = ["MARKER", "SECTIONS", "SQL_KINDS", "SLUG", "Step", "next_names", "render", "sections_of", "steps",
           "up_text"]
