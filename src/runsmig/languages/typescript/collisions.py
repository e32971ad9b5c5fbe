"""Rename collisions: a rename must not make two distinct names one.

``job_id`` -> ``run_id`` next to an existing ``run_id`` in the same interface,
object literal, class, enum or destructuring pattern would give a duplicate
member (or, for a ``.d.ts`` checked with ``skipLibCheck``, silently merge two
schemas). Two declarations in one scope (``const jobs`` and ``const runs``)
would give a redeclaration. These are found on the syntax tree, before
anything is written:

* members: the colliding key is not renamed and a ``conflict`` is reported
  (the rest of the file is rewritten);
* declarations: the file is not rewritten at all (its uses could not be told
  apart), the caller reports it as failed.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from runsmig.findings import Edit

MEMBER_CONTAINERS = (
    "interface_body", "object_type", "object", "class_body", "enum_body", "object_pattern",
    "jsx_opening_element", "jsx_self_closing_element",
)
KEYED_MEMBERS = {
    "property_signature", "method_signature", "public_field_definition", "method_definition",
    "abstract_method_signature", "pair", "pair_pattern", "enum_assignment", "jsx_attribute",
}
SELF_KEYED = {"shorthand_property_identifier", "shorthand_property_identifier_pattern", "property_identifier"}
KEY_KINDS = {"property_identifier", "private_property_identifier", "string", "number", "identifier", "type_identifier"}

SCOPES = ("program", "statement_block", "switch_body")
FUNCTIONS = {
    "function_declaration", "function_expression", "arrow_function", "method_definition",
    "generator_function_declaration", "generator_function", "function",
}


@dataclass(frozen=True)
class Collision:
    start: int  # span of the name that would change
    end: int
    old: str
    new: str
    other: str  # the name it would collide with (as written)
    other_line: int
    where: str  # container or scope kind


class Renames:
    """The new text of any span, given the edits of a file."""

    def __init__(self, text: str, edits: list[Edit]):
        self.text = text
        self.edits = sorted(edits, key=lambda e: e.start)
        self.starts = [e.start for e in self.edits]

    def new_text(self, a: int, b: int) -> str:
        i = bisect.bisect_left(self.starts, a)
        out, pos = [], a
        while i < len(self.edits) and self.edits[i].start < b:
            e = self.edits[i]
            if e.end > b:
                break
            out.append(self.text[pos:e.start])
            out.append(e.text)
            pos = e.end
            i += 1
        out.append(self.text[pos:b])
        return "".join(out)


def _key_text(node, spans, renames: Renames) -> tuple[str, str, int, int] | None:
    """(old, new, start, end) of a member key node (quotes dropped)."""
    kind = node.kind()
    if kind not in KEY_KINDS and kind not in SELF_KEYED:
        return None
    a, b = spans(node)
    if kind == "string":
        a, b = a + 1, b - 1
        if b < a:
            return None
    return renames.text[a:b], renames.new_text(a, b), a, b


def _member_key(member):
    kind = member.kind()
    if kind in SELF_KEYED:
        return member
    if kind in KEYED_MEMBERS:
        for c in member.children():
            if c.is_named():
                if c.kind() in ("accessibility_modifier", "override_modifier", "decorator"):
                    continue
                return c
    return None


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def member_collisions(root, spans, renames: Renames, known=lambda ks: ks) -> list[Collision]:
    out: list[Collision] = []
    rule = {"any": [{"kind": k} for k in known(MEMBER_CONTAINERS)]}
    for box in root.find_all({"rule": rule}):
        keys = []
        for m in box.children():
            if not m.is_named():
                continue
            k = _member_key(m)
            if k is None:
                continue
            got = _key_text(k, spans, renames)
            if got is not None:
                keys.append(got)
        out.extend(_collide(keys, box.kind(), renames.text))
    return out


def _collide(keys: list[tuple[str, str, int, int]], where: str, text: str) -> list[Collision]:
    out = []
    by_new: dict[str, list[tuple[str, str, int, int]]] = {}
    for k in keys:
        by_new.setdefault(k[1], []).append(k)
    for new, group in by_new.items():
        olds = {g[0] for g in group}
        if len(olds) < 2:
            continue
        anchor = next((g for g in group if g[0] == new), group[0])
        for old, _, a, b in group:
            if old != new and old != anchor[0]:
                out.append(Collision(a, b, old, new, anchor[0], _line(text, anchor[2]), where))
    return out


# -- declarations in one scope ------------------------------------------------------
def _bindings(node, out: list):
    """Identifiers bound by a pattern (identifier, object/array pattern, rest, default)."""
    kind = node.kind()
    if kind in ("identifier", "shorthand_property_identifier_pattern"):
        out.append(node)
    elif kind == "pair_pattern":
        value = node.field("value")
        if value is not None:
            _bindings(value, out)
    elif kind in ("object_pattern", "array_pattern", "rest_pattern", "assignment_pattern",
                  "object_assignment_pattern", "required_parameter", "optional_parameter"):
        for c in node.children():
            if c.is_named() and c.kind() not in ("type_annotation", "accessibility_modifier"):
                if kind in ("assignment_pattern", "object_assignment_pattern", "required_parameter",
                            "optional_parameter") and c.kind() not in (
                        "identifier", "object_pattern", "array_pattern", "rest_pattern",
                        "shorthand_property_identifier_pattern"):
                    continue
                _bindings(c, out)
                if kind in ("assignment_pattern", "object_assignment_pattern"):
                    break  # the left side only


def _declared(stmt, values: list, types: list) -> None:
    kind = stmt.kind()
    if kind == "export_statement":
        decl = stmt.field("declaration")
        if decl is not None:
            _declared(decl, values, types)
        return
    if kind in ("lexical_declaration", "variable_declaration"):
        for d in stmt.children():
            if d.kind() == "variable_declarator":
                name = d.field("name")
                if name is not None:
                    _bindings(name, values)
    elif kind in ("function_declaration", "generator_function_declaration"):
        name = stmt.field("name")
        if name is not None:
            values.append(name)
    elif kind in ("class_declaration", "abstract_class_declaration", "enum_declaration"):
        name = stmt.field("name")
        if name is not None:
            values.append(name)
            types.append(name)
    elif kind in ("interface_declaration", "type_alias_declaration"):
        name = stmt.field("name")
        if name is not None:
            types.append(name)
    elif kind == "import_statement":
        for n in stmt.find_all(any=[{"kind": "import_specifier"}, {"kind": "namespace_import"},
                                     {"kind": "import_clause"}]):
            if n.kind() == "import_clause":
                for c in n.children():
                    if c.kind() == "identifier":
                        values.append(c)
                        types.append(c)
            else:
                ids = [c for c in n.children() if c.kind() == "identifier"]
                if ids:
                    values.append(ids[-1])
                    types.append(ids[-1])


def declaration_collisions(root, spans, renames: Renames, known=lambda ks: ks) -> list[Collision]:
    out: list[Collision] = []
    rule = {"any": [{"kind": k} for k in known(SCOPES)]}
    scopes = [root] + [n for n in root.find_all({"rule": rule}) if n.kind() != "program"]
    for scope in scopes:
        values: list = []
        types: list = []
        parent = scope.parent()
        if scope.kind() == "statement_block" and parent is not None and parent.kind() in FUNCTIONS:
            params = parent.field("parameters")
            if params is not None:
                for p in params.children():
                    if p.is_named():
                        _bindings(p, values)
        for stmt in scope.children():
            if stmt.is_named():
                _declared(stmt, values, types)
        for space in (values, types):
            keys = []
            for n in space:
                a, b = spans(n)
                keys.append((renames.text[a:b], renames.new_text(a, b), a, b))
            out.extend(_collide(keys, scope.kind(), renames.text))
    return out
