"""Code that follows the shape of a migration history: when ``stored: migrate`` appends file N+1 to
a history folder, two kinds of code outside the folder say how long the history is, and move with it.

* A constant pinning the head (``const MAX_MIGRATION_NUMBER = 19;``, ``LATEST_MIGRATION = 19``): an
  integer literal initialising a declaration whose name has the word *migration* and a word saying
  which one (max, last, latest, head, current, number, count, total, expected, version, revision),
  and whose value is the number of the folder's last file. It becomes N+1. Decided with the syntax
  tree (TypeScript/JavaScript through ast-grep, Python through ``ast``); any other number is left.
* A module that embeds every file of the folder in order, keyed by file name (a build step's output,
  ``export const migrations = {"000001.sql": ..., ...}``): the new file is appended as one more
  entry, written as its generator writes the others. Only when the object's keys are exactly the
  folder's file names in order, every entry is laid out alike, and one known encoding of a file's
  text (a JSON string, a template literal, a ``String.raw`` template with backticks spliced in)
  reproduces every existing value byte for byte; otherwise nothing is written and the plan notes it.
"""

from __future__ import annotations

import ast
import json
import re

_HEAD_WORDS = {"max", "last", "latest", "head", "current", "number", "num", "count", "total", "expected",
               "version", "revision", "newest", "top"}
_JS = {".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx", ".js": "javascript",
       ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript"}


def grammar_of(rel: str) -> str | None:
    low = rel.lower()
    if low.endswith(".py"):
        return "python"
    return next((g for ext, g in _JS.items() if low.endswith(ext)), None)


def _words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]


def names_head(name: str) -> bool:
    words = _words(name)
    return any(w in ("migration", "migrations") for w in words) and any(w in _HEAD_WORDS for w in words)


def pinned_head(text: str, rel: str, last: int) -> list[tuple[int, int, str, int]]:
    """(start, end, name, line) of each integer literal that pins the head ``last``: character
    offsets of the literal in ``text``."""
    grammar = grammar_of(rel)
    if grammar is None or str(last) not in text:
        return []
    if grammar == "python":
        return _pinned_python(text, last)
    from runsmig.languages.typescript import _parse, syntax_problem
    from runsmig.languages.typescript.offsets import NodeSpans

    root = _parse(text, grammar)
    if syntax_problem(root) is not None:
        return []
    spans = NodeSpans(text)
    out = []
    for decl in root.find_all(kind="variable_declarator"):
        name, value = decl.field("name"), decl.field("value")
        if name is None or value is None or name.kind() != "identifier" or value.kind() != "number":
            continue
        if value.text().isdigit() and int(value.text()) == last and names_head(name.text()):
            a, b = spans(value)
            out.append((a, b, name.text(), value.range().start.line + 1))
    return out


def _pinned_python(text: str, last: int) -> list[tuple[int, int, str, int]]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not (isinstance(target, ast.Name) and isinstance(value, ast.Constant) and type(value.value) is int):
            continue
        if value.value != last or not names_head(target.id) or value.lineno != value.end_lineno:
            continue
        line = lines[value.lineno - 1]
        a = len(line.encode("utf-8")[:value.col_offset].decode("utf-8", "replace"))
        b = len(line.encode("utf-8")[:value.end_col_offset].decode("utf-8", "replace"))
        if line[a:b].isdigit():
            out.append((starts[value.lineno - 1] + a, starts[value.lineno - 1] + b, target.id, value.lineno))
    return out


def _json(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _template(s: str) -> str:
    return "`" + s.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${") + "`"


def _raw(s: str) -> str:
    return "String.raw`" + s.replace("`", '` + "`" + String.raw`').replace("${", "$` + String.raw`{") + "`"


ENCODINGS = (_json, _template, _raw)


def embedded_entry(text: str, rel: str, names: list[str], contents: dict[str, str], new_name: str,
                   new_content: str) -> tuple[int, str] | None:
    """(offset, text to insert) that appends ``new_name`` to the object literal of ``text`` whose keys
    are ``names`` (the folder's file names, in order), or None when no object has that shape or its
    entries cannot be reproduced."""
    grammar = grammar_of(rel)
    if grammar is None or grammar == "python" or len(names) < 2 or names[-1] not in text:
        return None
    from runsmig.languages.typescript import _parse, syntax_problem
    from runsmig.languages.typescript.offsets import NodeSpans

    root = _parse(text, grammar)
    if syntax_problem(root) is not None:
        return None
    spans = NodeSpans(text)
    for obj in root.find_all(kind="object"):
        pairs = [c for c in obj.children() if c.kind() == "pair"]
        if len(pairs) != len(names) or len(pairs) != len([c for c in obj.children() if c.is_named()]):
            continue
        keys = [p.field("key") for p in pairs]
        if any(k is None or k.kind() != "string" for k in keys) or [k.text()[1:-1] for k in keys] != names:
            continue
        found = _entry(text, spans, pairs, names, contents, new_name, new_content)
        if found is not None:
            return found
    return None


def _entry(text, spans, pairs, names, contents, new_name, new_content) -> tuple[int, str] | None:
    parts = []  # (pair start, key end, value start, pair end)
    for p in pairs:
        ps, pe = spans(p)
        ks, ke = spans(p.field("key"))
        vs, ve = spans(p.field("value"))
        if ks != ps or ve != pe:
            return None
        parts.append((ps, ke, vs, pe))
    seps = {text[parts[i - 1][3]:parts[i][0]] for i in range(1, len(parts))}
    colons = {text[ke:vs] for _, ke, vs, _ in parts}
    if len(seps) != 1 or len(colons) != 1:
        return None
    keys = [text[ps:ke] for ps, ke, _, _ in parts]
    if keys == [_json(n) for n in names]:
        key = _json(new_name)
    elif keys == [f"'{n}'" for n in names] and "'" not in new_name and "\\" not in new_name:
        key = f"'{new_name}'"
    else:
        return None
    values = [text[vs:pe] for _, _, vs, pe in parts]
    for enc in ENCODINGS:
        if all(enc(contents[n]) == v for n, v in zip(names, values)):
            return parts[-1][3], seps.pop() + key + colons.pop() + enc(new_content)
    return None


_COPY = re.compile(r"^COPY\s+((?:[\w\"]+\.)?[\w\"]+)\s*(?:\([^)]*\))?\s+FROM\s+stdin;\s*$", re.IGNORECASE)


def dumped_heads(text: str) -> list[tuple[int, str, int]]:
    """(line, table, highest id) of each ``COPY … FROM stdin`` block of a ``pg_dump`` (its own format:
    the statement, tab-separated rows, ``\\.``) into a table named for migrations whose rows' first
    column is an integer: a dump that holds the history's rows, up to that migration."""
    out = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _COPY.match(lines[i])
        i += 1
        if m is None:
            continue
        start, table = i, m.group(1).replace('"', "")
        ids: list[int] = []
        while i < len(lines) and lines[i] != "\\.":
            first = lines[i].split("\t", 1)[0]
            ids.append(int(first) if first.isdigit() else -1)
            i += 1
        named = _words(table.rpartition(".")[2]) and {"migration", "migrations"} & set(_words(table.rpartition(".")[2]))
        if named and ids and min(ids) >= 0:
            out.append((start, table, max(ids)))
    return out
