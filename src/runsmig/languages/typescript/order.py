"""The sequences of a TypeScript/JavaScript file that eslint (sort-imports, simple-import-sort,
import/order's alphabetize, sort-keys) and jest keep sorted (see :mod:`runsmig.languages.order`):
the names of one ``import { a, b }`` and ``export { a, b }``, consecutive import declarations (no
blank line between; comment lines directly above one move with it), object-literal keys (three or
more, no spread, computed key or method: their order could mean something), and the
``exports[`name 1`] = ...`` entries of a jest/vitest snapshot file (``*.snap``), which jest writes
sorted by natural-compare."""

from __future__ import annotations

import re

from runsmig.languages.order import Item, Sequence, leading_comments, line_end, line_start, listed

COMMENT = ("//", "/*", "*")
NAME_KEYS = ("plain", "ci", "natural-ci")  # sort-imports (case-sensitive), ignoreCase, simple-import-sort
OBJECT_KEYS = ("plain", "ci", "natural", "natural-ci")


def sequences(text: str, root, span, snapshot: bool) -> list[Sequence]:
    out: list[Sequence] = []
    if snapshot:
        seq = _snapshot_entries(text, root, span)
        return ([seq] if seq is not None else []) + _snapshot_objects(text, root, span)
    for kind, item_kind, what in (("named_imports", "import_specifier", "the names of this import"),
                                  ("export_clause", "export_specifier", "the names of this export")):
        for group in root.find_all(kind=kind):
            items = []
            for spec in group.children():
                if spec.kind() != item_kind:
                    continue
                name, alias = spec.field("name"), spec.field("alias")
                s, e = span(spec)
                views = ((0, *span(name)), (0, *span(alias if alias is not None else name)))
                items.append((s, e, views))
            seq = listed(text, items, what, NAME_KEYS, COMMENT)
            if seq is not None:
                out.append(seq)
    out += _import_runs(text, root, span)
    for obj in root.find_all(kind="object"):
        members = [c for c in obj.children() if c.is_named() and c.kind() != "comment"]
        items = []
        for m in members:
            if m.kind() == "shorthand_property_identifier":
                key = m
            elif m.kind() == "pair" and m.field("key") is not None and m.field("key").kind() in (
                    "property_identifier", "string", "number"):
                key = m.field("key")
            else:
                break  # a spread, computed key or method: the order may mean something
            ks, ke = span(key)
            if key.kind() == "string" and ke - ks >= 2:
                ks, ke = ks + 1, ke - 1
            items.append((*span(m), ((0, ks, ke),)))
        else:
            seq = listed(text, items, "the keys of this object", OBJECT_KEYS, COMMENT, min_items=3)
            if seq is not None:
                out.append(seq)
    return out


def _member_rank(stmt) -> int:
    """sort-imports' memberSyntaxSortOrder: none, all, multiple, single."""
    clause = next((c for c in stmt.children() if c.kind() == "import_clause"), None)
    if clause is None:
        return 0
    if clause.find(kind="namespace_import") is not None:
        return 1
    names = [c for c in clause.children() if c.kind() == "identifier"] + clause.find_all(kind="import_specifier")
    return 2 if len(names) > 1 else 3


def _first_local(stmt, span) -> tuple[int, int]:
    clause = next((c for c in stmt.children() if c.kind() == "import_clause"), None)
    if clause is None:
        return span(stmt.field("source"))
    for n in clause.find_all(kind="identifier"):
        spec = n.parent()
        if spec is not None and spec.kind() == "import_specifier" and spec.field("alias") is not None \
                and spec.field("alias").text() != n.text():
            continue  # `a as b`: the local name is b
        return span(n)
    return span(clause)


def _import_runs(text: str, root, span) -> list[Sequence]:
    runs: list[list] = [[]]
    prev_end = None
    for node in root.children():
        if node.kind() == "comment":
            continue
        s, e = span(node)
        gap = text[prev_end:s] if prev_end is not None else ""
        blank = "\n\n" in gap.replace("\r", "") or any(not ln.strip() for ln in gap.split("\n")[1:-1])
        plain = node.kind() == "import_statement" and node.field("source") is not None  # not `import x = require()`
        if not plain or blank:
            runs.append([])
        if plain:
            runs[-1].append(node)
        prev_end = e
    out = []
    for run in runs:
        if len(run) < 3:  # two declarations are in order by chance half the time: not a sign of a sorting tool
            continue
        items, stuck = [], ""
        for stmt in run:
            s, e = span(stmt)
            ls = line_start(text, s)
            rest = text[e:line_end(text, e)].strip()
            if text[ls:s].strip() or (rest and not rest.startswith(COMMENT)):
                stuck = "an import shares its line"
            src = stmt.field("source")
            a, b = span(src)
            views = ((0, a + 1, b - 1), (_member_rank(stmt), *_first_local(stmt, span)))
            items.append(Item(((leading_comments(text, ls, COMMENT), ls), (ls, line_end(text, e))), views))
        out.append(Sequence(tuple(items), "these imports", NAME_KEYS, stuck=stuck))
    return out


def _snapshot_entries(text: str, root, span) -> Sequence | None:
    items = []
    for node in root.children():
        if node.kind() == "comment":
            continue
        key = _snapshot_key(node)
        if key is None:
            return None  # not a snapshot file as jest writes it
        s, e = span(node)
        ks, ke = span(key)
        items.append(Item(((s, e),), ((0, ks + 1, ke - 1),)))
    return Sequence(tuple(items), "the snapshots of this file", ("snapshot",)) if len(items) > 1 else None


def _snapshot_key(node):
    """The key of ``exports[`name 1`] = `...`;``."""
    if node.kind() != "expression_statement":
        return None
    assign = next((c for c in node.children() if c.is_named()), None)
    left = assign.field("left") if assign is not None and assign.kind() == "assignment_expression" else None
    if left is None or left.kind() != "subscript_expression":
        return None
    obj, index = left.field("object"), left.field("index")
    if obj is None or obj.text() != "exports" or index is None or index.kind() not in ("template_string", "string"):
        return None
    return index


_SNAP_KEY = re.compile(r'[ \t]*"((?:[^"\\]|\\.)*)": ')
_SNAP_OPEN = re.compile(r'(?:^|[ \t])(?:[A-Za-z_$][\w$]*[ \t])?\{$')


def _snapshot_objects(text: str, root, span) -> list[Sequence]:
    """The keys of each object a snapshot prints (pretty-format's ``Object {`` blocks, one
    ``"key": value,`` per line at two more spaces, a value spanning the lines down to the next
    key): pretty-format writes them sorted, so a renamed key moves to its place."""
    out: list[Sequence] = []
    for node in root.children():
        key = _snapshot_key(node) if node.kind() != "comment" else None
        assign = next((c for c in node.children() if c.is_named()), None) if key is not None else None
        right = assign.field("right") if assign is not None else None
        if right is None or right.kind() != "template_string":
            continue
        a, b = span(right)
        out += _object_blocks(text, a + 1, b - 1)
    return out


def _object_blocks(text: str, a: int, b: int) -> list[Sequence]:
    lines = []  # (start, end) of each line of text[a:b], without its newline
    pos = a
    while pos <= b:
        nl = text.find("\n", pos, b)
        end = b if nl == -1 else nl
        lines.append((pos, end))
        if nl == -1:
            break
        pos = nl + 1
    out: list[Sequence] = []
    stack: list[tuple[int, list[list[int]]]] = []  # (indent of the opening line, items: [first, last] line)
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        indent = len(line) - len(line.lstrip(" "))
        closes = bool(stack) and line.strip().startswith("}") and indent == stack[-1][0]
        if closes:
            _, items = stack.pop()
            if len(items) >= 2:
                out.append(_block(text, lines, items))
        key = not closes and bool(stack) and indent == stack[-1][0] + 2 and _SNAP_KEY.match(line) is not None
        for depth, (at, items) in enumerate(stack):
            if items and not (key and depth == len(stack) - 1) and indent >= at + 2:
                items[-1][1] = i  # a value spanning more lines (a nested object's lines and its end)
        if key:
            stack[-1][1].append([i, i])
        if not closes and _SNAP_OPEN.search(line.rstrip()):
            stack.append((indent, []))
    return out


def _block(text: str, lines, items) -> Sequence:
    seq_items = []
    for first, last in items:
        s, e = lines[first][0], lines[last][1]
        m = _SNAP_KEY.match(text, s)
        seq_items.append(Item(((s, e),), ((0, m.start(1), m.end(1)),)))
    return Sequence(tuple(seq_items), "the keys of this snapshot object", ("plain",))
