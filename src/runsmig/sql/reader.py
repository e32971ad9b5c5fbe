"""Read SQL with sqlglot and say which names in it are stored: the database's objects (tables,
columns, indexes, constraints, sequences, functions and their parameters, triggers, views,
types, schemas), NOTIFY/LISTEN channels, and the values (quoted strings) written or sent.

Every token keeps its offset: the parser's tokens carry them, and the input was masked to the
same length (:mod:`runsmig.sql.mask`). What the parser cannot read (a statement it gives up on,
or reads only as an opaque command: ``ALTER TYPE ... ADD VALUE``, plpgsql) is kept whole: each
of its words that the caller wants is a stored name, ``parsed=False``, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from runsmig.sql.mask import Bind, mask

# the first word of a statement that may be SQL (after whitespace and comments)
_START = re.compile(
    r"\s*(?:(?:--[^\n]*(?:\n|$)|/\*.*?\*/)\s*)*"
    r"(select|insert|update|delete|create|alter|drop|with|listen|unlisten|notify|truncate|comment|merge)\b",
    re.I | re.S)
_CHANNEL_STATEMENTS = {"LISTEN", "UNLISTEN", "NOTIFY"}
_WORD = re.compile(r"[A-Za-z_][\w$]*\Z")


@dataclass(frozen=True)
class StoredName:
    """A stored name at text[start:end] (quotes left out)."""

    start: int
    end: int
    name: str
    kind: str  # table, column, index, constraint, sequence, function, parameter, trigger, view, type,
    #            schema, database, channel, enum value, value, name (a name of an unknown role)
    parsed: bool = True  # False: inside SQL the parser could not read (kept, never renamed)


@dataclass
class Reading:
    names: list[StoredName] = field(default_factory=list)
    binds: list[Bind] = field(default_factory=list)
    statements: int = 0
    unparsed: int = 0  # statements read as opaque text


def looks_like_sql(text: str) -> bool:
    """Cheap: does ``text`` start with a SQL statement's keyword (after whitespace and comments)?"""
    return _START.match(text) is not None


@lru_cache(maxsize=8)
def _dialect(name: str):
    import logging

    from sqlglot.dialects.dialect import Dialect

    logging.getLogger("sqlglot").setLevel(logging.CRITICAL)  # its fallbacks are ours to report, not its
    return Dialect.get_or_raise(name)


def check_dialect(name: str) -> str | None:
    """None when sqlglot knows the dialect; else why not."""
    try:
        _dialect(name)
    except Exception as exc:  # sqlglot raises ValueError with the known names
        return str(exc).splitlines()[0]
    return None


def read(text: str, holes: tuple[tuple[int, int, bool], ...] = (), *, known: bool = False,
         dialect: str = "postgres", wanted: Callable[[str], bool] = lambda name: True) -> Reading | None:
    """The stored names in ``text`` that ``wanted`` accepts. ``known``: the text is SQL (a ``.sql``
    file); otherwise (a string literal) None unless it starts like SQL and its first statement
    parses as one. Never raises for any input."""
    if not known and not looks_like_sql(_blanked(text, holes)):
        return None
    try:
        reading = _read(text, holes, known, dialect, wanted)
        clauses = _clause_holes(text, holes)
        if clauses and (reading is None or reading.unparsed):
            # a hole may be a clause (`${queueClause}`), not a name: read it as nothing instead
            again = _read(text, tuple((a, b, True) if (a, b) in clauses else (a, b, s) for a, b, s in holes),
                          known, dialect, wanted)
            if again is not None and (reading is None or again.unparsed < reading.unparsed):
                return again
        return reading
    except Exception:  # the parser's own errors are handled below; anything else: opaque
        if not known:
            return None
        return _opaque(text, wanted)


def _clause_holes(text: str, holes) -> set[tuple[int, int]]:
    """The template holes that stand alone (not part of a name: no ``.``, quote or word character
    touching them), which may hold a whole clause rather than a name."""
    def name_char(c: str) -> bool:
        return c.isalnum() or c in "_$.\"'`"

    return {(a, b) for a, b, space in holes
            if not space and not (a > 0 and name_char(text[a - 1])) and not (b < len(text) and name_char(text[b]))}


def _blanked(text: str, holes) -> str:
    """``text`` with its blank holes (escape sequences: a template's ``\\`` line continuation)
    as spaces, so a string that starts with one is judged by what follows it."""
    blanks = [(a, b) for a, b, space in holes if space]
    if not blanks:
        return text
    chars = list(text)
    for a, b in blanks:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _opaque(text: str, wanted: Callable[[str], bool]) -> Reading:
    """Text that could not even be tokenized: every wanted word is kept, unparsed."""
    out = Reading(statements=1, unparsed=1)
    for m in re.finditer(r"[A-Za-z_][\w$]*", text):
        if wanted(m.group(0)):
            out.names.append(StoredName(m.start(), m.end(), m.group(0), "name", parsed=False))
    return out


def _read(text, holes, known, dialect, wanted) -> Reading | None:
    masked, binds = mask(text, holes)
    d = _dialect(dialect)
    try:
        tokens = d.tokenize(masked)
    except Exception:
        return _opaque(masked, wanted) if known else None
    out = Reading(binds=binds)
    for n, stmt in enumerate(_statements(tokens)):
        out.statements += 1
        tree = _parse(d, stmt, masked)
        if n == 0 and not known and not _sane(stmt, tree):
            return None  # prose that starts with a keyword ("Select a job"): not SQL
        if tree is None and stmt[0].text.upper() not in _CHANNEL_STATEMENTS:
            out.unparsed += 1
        out.names += _classify(stmt, tree, masked, wanted, dialect)
    return out


def _statements(tokens) -> list[list]:
    from sqlglot.tokens import TokenType

    out, cur = [], []
    for t in tokens:
        if t.token_type == TokenType.SEMICOLON:
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        out.append(cur)
    return out


def _parse(d, stmt, masked):
    """The statement's tree, or None (a parse error, or only an opaque Command)."""
    from sqlglot import exp

    if stmt[0].text.upper() in _CHANNEL_STATEMENTS:
        return None
    try:
        trees = d.parser().parse(stmt, masked)
    except Exception:
        return None
    trees = [t for t in trees if t is not None]
    if len(trees) != 1 or isinstance(trees[0], exp.Command):
        return None
    return trees[0]


def _sane(stmt, tree) -> bool:
    """A string literal's first statement must read as real SQL, not as a sentence."""
    from sqlglot import exp

    first = stmt[0].text.upper()
    if first in _CHANNEL_STATEMENTS:  # a quoted channel may hold any character ("jobs:insert")
        from sqlglot.tokens import TokenType

        named = stmt[1].token_type == TokenType.IDENTIFIER and stmt[1].text if len(stmt) >= 2 else False
        return len(stmt) >= 2 and (bool(named) or _WORD.match(stmt[1].text) is not None) and \
            (len(stmt) == 2 or stmt[2].text == ",")
    if tree is None:
        return False
    words = {t.text.upper() for t in stmt}
    if isinstance(tree, exp.Select) and "FROM" not in words and not any(tree.find_all(exp.Anonymous)):
        return False
    if isinstance(tree, exp.Delete) and "FROM" not in words:
        return False
    if isinstance(tree, exp.Update) and "SET" not in words:
        return False
    if isinstance(tree, exp.Insert) and "INTO" not in words:
        return False
    return True


# CREATE statements whose text the database keeps as its definition (pg_get_viewdef, a trigger's)
_DEFINITIONS = {"VIEW", "MATERIALIZED VIEW", "TRIGGER", "FUNCTION", "PROCEDURE", "RULE", "POLICY"}
_CREATE_KINDS = {"TABLE": "table", "VIEW": "view", "SEQUENCE": "sequence", "TYPE": "type", "SCHEMA": "schema",
                 "FUNCTION": "function", "PROCEDURE": "function", "INDEX": "index", "TRIGGER": "trigger",
                 "DATABASE": "database", "DOMAIN": "type", "MATERIALIZED VIEW": "view"}


def _roles(tree) -> tuple[dict[int, str], set[str], dict[str, str]]:
    """From the tree: offset -> kind of each stored name it places, the names that are only
    the statement's own (aliases, CTE names), and name -> kind for names found without offsets."""
    from sqlglot import exp

    at: dict[int, str] = {}
    local: set[str] = set()
    by_name: dict[str, str] = {}
    create_kind = None
    if isinstance(tree, exp.Create):
        create_kind = _CREATE_KINDS.get(str(tree.args.get("kind") or "").upper(), "table")
    ctes = {c.alias.lower() for c in tree.find_all(exp.CTE) if c.alias}
    aliases = ctes | {a.name.lower() for a in tree.find_all(exp.TableAlias) if a.name}
    for node in tree.walk():
        if isinstance(node, exp.Anonymous):
            start = (node.meta or {}).get("start")
            if start is not None:
                at[start] = "function"
            by_name.setdefault(str(node.this).lower(), "function")
            continue
        if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.USERDEFINED:
            name = node.args.get("kind")
            if name is not None:
                by_name[str(getattr(name, "name", name)).lower()] = "type"
            continue
        if not isinstance(node, exp.Identifier):
            continue
        start = (node.meta or {}).get("start")
        kind = _identifier_kind(node, create_kind, tree)
        if kind == "table" and node.name.lower() in ctes and isinstance(node.parent, exp.Table) \
                and not node.parent.args.get("db"):
            kind = None  # a reference to the statement's own WITH query
        elif kind == "table" and isinstance(node.parent, exp.Column) and node.name.lower() in aliases:
            kind = None  # a column qualified by the statement's own alias (``j.id``)
        if kind is None:
            local.add(node.name.lower())
            continue
        if start is not None:
            at[start] = kind
        by_name.setdefault(node.name.lower(), kind)
    return at, local, by_name


def _identifier_kind(node, create_kind: str | None, tree) -> str | None:
    """The stored kind of an identifier, or None for a name of the statement's own."""
    from sqlglot import exp

    parent, key = node.parent, node.arg_key
    if isinstance(parent, exp.TableAlias):
        return None
    if isinstance(parent, exp.Alias) and key == "alias":
        return "column" if create_kind == "view" else None  # a view's columns are stored
    if isinstance(parent, exp.Table):
        if key == "db":
            return "schema"
        if key == "catalog":
            return "database"
        holder = parent.parent
        if isinstance(holder, exp.UserDefinedFunction):
            return "function"
        if isinstance(holder, exp.Schema):
            holder = holder.parent
        if isinstance(holder, exp.Create) and holder is tree and create_kind:
            return create_kind
        return "table"
    if isinstance(parent, exp.Column):
        return "table" if key == "table" else "schema" if key == "db" else "column"
    if isinstance(parent, exp.ColumnDef):
        return "parameter" if isinstance(parent.parent, exp.UserDefinedFunction) else "column"
    if isinstance(parent, exp.Constraint):
        return "constraint"
    if isinstance(parent, exp.Index):
        return "index"
    if isinstance(parent, exp.Create):
        return create_kind or "name"
    if isinstance(parent, exp.Schema):
        return "column"
    if isinstance(parent, exp.DataType):
        return "type"
    return "name"


def _classify(stmt, tree, masked: str, wanted, dialect: str) -> list[StoredName]:
    from sqlglot.tokens import TokenType

    strings = {TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.BYTE_STRING, TokenType.RAW_STRING,
               TokenType.UNICODE_STRING}
    parsed = tree is not None
    at, local, by_name = _roles(tree) if parsed else ({}, set(), {})
    channel_stmt = stmt[0].text.upper() in _CHANNEL_STATEMENTS
    enum = parsed and str(tree.args.get("kind") or "").upper() == "TYPE"
    defines = parsed and str(tree.args.get("kind") or "").upper() in _DEFINITIONS
    out: list[StoredName] = []
    for i, t in enumerate(stmt):
        raw_start, raw_end = t.start, t.end + 1
        if t.token_type == TokenType.HEREDOC_STRING:  # a function body or DO block
            out += _body(masked, raw_start, raw_end, dialect, wanted)
            continue
        if t.token_type in strings:
            a, b = _inside_quotes(masked, raw_start, raw_end, "'")
            value = masked[a:b]
            if not wanted(value):
                continue
            kind = "value"
            if channel_stmt and i == 1:
                kind = "channel"
            elif i >= 2 and stmt[i - 1].token_type == TokenType.L_PAREN and stmt[i - 2].text.lower() == "pg_notify":
                kind = "channel"
            elif enum:
                kind = "enum value"
            out.append(StoredName(a, b, value, kind, parsed or channel_stmt))
            continue
        word = t.text
        if not (_WORD.match(word) or channel_stmt and i == 1 and t.token_type == TokenType.IDENTIFIER and word) \
                or not wanted(word):
            continue
        a, b = (_inside_quotes(masked, raw_start, raw_end, '"') if t.token_type == TokenType.IDENTIFIER
                else (raw_start, raw_end))
        if channel_stmt:
            out.append(StoredName(a, b, word, "channel" if i == 1 else "name", True))
            continue
        if not parsed:
            out.append(StoredName(a, b, word, "name", False))
            continue
        low = word.lower()
        kind = at.get(raw_start) or by_name.get(low)
        if kind is None and low in local:
            if defines:  # the database keeps this definition's text, aliases and all
                out.append(StoredName(a, b, word, "name", False))
            continue  # an alias or CTE name of this statement: not stored, renamed with its uses
        out.append(StoredName(a, b, word, kind or "name", True))
    return out


def _body(masked: str, start: int, end: int, dialect: str, wanted) -> list[StoredName]:
    """A dollar-quoted body (``$$ ... $$``: a function's or a DO block's) is text the database
    keeps as written (a function's source), and its variables and aliases span its statements
    (plpgsql): it is kept whole. What a statement of it the parser reads places keeps its kind
    (a table, a column; its channels and values, listed unparsed); every other word the caller
    wants, comments, aliases and plpgsql variables included, is kept unparsed."""
    body = masked[start:end]
    tag = body[:body.find("$", 1) + 1] if body.startswith("$") else ""
    if not (tag and body.endswith(tag) and len(body) >= 2 * len(tag)):
        return []
    shift = start + len(tag)
    inner = body[len(tag):len(body) - len(tag)]
    reading = read(inner, known=True, dialect=dialect, wanted=wanted)
    out = [StoredName(n.start + shift, n.end + shift, n.name, n.kind, n.parsed and n.kind not in ("channel", "value"))
           for n in (reading.names if reading else ())]
    taken = {(n.start, n.end) for n in out}
    quoted = [(n.start, n.end) for n in out if n.kind in ("channel", "value")]
    for m in re.finditer(r"[A-Za-z_][\w$]*", inner):
        a, b = m.start() + shift, m.end() + shift
        if (a, b) in taken or any(x <= a and b <= y for x, y in quoted) or not wanted(m.group(0)):
            continue
        out.append(StoredName(a, b, m.group(0), "name", False))
    return sorted(out, key=lambda n: n.start)


def _inside_quotes(text: str, start: int, end: int, quote: str) -> tuple[int, int]:
    first = text.find(quote, start, end)
    last = text.rfind(quote, start, end)
    if first == -1 or last <= first:
        return start, end
    return first + 1, last
