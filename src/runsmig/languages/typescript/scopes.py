"""Capture: a rename must leave every name resolving to the declaration it resolved to before.

An outer ``jobPromises`` renamed to ``runPromises`` is wrong where an inner block declares its own
``const runPromises`` and uses the outer one (the inner declaration would capture the use), and a
renamed inner ``jobs`` -> ``runs`` is wrong where a closure inside it reads an outer ``runs`` (the
renamed one would hide it). Both are found by resolving each name twice over the syntax tree, as
written and as the rename writes it, with JavaScript/TypeScript scoping: blocks (``let``,
``const``, ``class``, function declarations), functions and arrow functions (parameters, ``var``),
catch clauses, ``for`` heads, destructuring patterns, type parameters, and the value and type
namespaces apart (a class, enum, namespace or import is in both).

Only names that a rename touches are looked at (the names that change and the names they become),
so a file costs a walk up from a few leaves, not a walk of its tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from runsmig.languages.typescript.collisions import FUNCTIONS, Renames

FUNCTION_LIKE = FUNCTIONS | {
    "method_signature", "function_signature", "abstract_method_signature", "call_signature",
    "construct_signature", "function_type", "constructor_type",
}
CLASSES = {"class_declaration", "abstract_class_declaration", "class"}
TYPE_OWNERS = {"interface_declaration", "type_alias_declaration"}
# nodes that open a scope (a function's body block is the function's scope)
SCOPE_KINDS = (FUNCTION_LIKE | CLASSES | TYPE_OWNERS
               | {"program", "statement_block", "switch_body", "for_statement", "for_in_statement",
                  "catch_clause", "class_static_block"})
VAR_SCOPES = FUNCTION_LIKE | {"program", "class_static_block"}
LEAVES = ("identifier", "type_identifier", "shorthand_property_identifier", "shorthand_property_identifier_pattern")
PATTERNS = {"object_pattern", "array_pattern", "rest_pattern", "pair_pattern", "assignment_pattern",
            "object_assignment_pattern"}
BOTH = ("value", "type")
FREE = ("free",)


def _key(node) -> tuple[int, int]:
    r = node.range()
    return r.start.index, r.end.index


def _same(a, b) -> bool:
    return b is not None and _key(a) == _key(b)


def _is_scope(node) -> bool:
    kind = node.kind()
    if kind not in SCOPE_KINDS:
        return False
    if kind == "statement_block":  # a function's or a catch clause's body is its scope
        parent = node.parent()
        return parent is None or (parent.kind() not in FUNCTION_LIKE and parent.kind() != "catch_clause")
    return True


def _scope_above(node, var: bool = False):
    """The scope node strictly above ``node`` (for ``var``: the function or program)."""
    cur = node.parent()
    while cur is not None:
        if _is_scope(cur) and (not var or cur.kind() in VAR_SCOPES):
            return cur
        cur = cur.parent()
    return None


def _chain(node) -> list[tuple[int, int]]:
    out = []
    cur = node
    while cur is not None:
        if _is_scope(cur):
            out.append(_key(cur))
        cur = cur.parent()
    return out


def _pattern_owner(leaf):
    """For a leaf inside a binding pattern: (scope, namespaces) of the binding, or None (a use)."""
    child, cur = leaf, leaf.parent()
    while cur is not None and cur.kind() in PATTERNS:
        k = cur.kind()
        if k in ("assignment_pattern", "object_assignment_pattern") and not _same(child, cur.field("left")):
            return None  # a default value: a use
        if k == "pair_pattern" and not _same(child, cur.field("value")):
            return None  # a computed key: a use
        child, cur = cur, cur.parent()
    if cur is None:
        return None
    k = cur.kind()
    if k == "variable_declarator" and _same(child, cur.field("name")):
        decl = cur.parent()
        var = decl is not None and decl.kind() == "variable_declaration"
        return _scope_above(decl if decl is not None else cur, var), ("value",), var
    if k in ("required_parameter", "optional_parameter") and _same(child, cur.field("pattern")):
        return _scope_above(cur), ("value",)
    if k == "formal_parameters":
        return _scope_above(cur), ("value",)
    if k == "arrow_function" and _same(child, cur.field("parameter")):
        return cur, ("value",)
    if k == "catch_clause" and _same(child, cur.field("parameter")):
        return cur, ("value",)
    if k == "for_in_statement" and _same(child, cur.field("left")) and cur.field("kind") is not None:
        var = cur.field("kind").text() == "var"
        return (_scope_above(cur, True) if var else cur), ("value",), var
    return None


def classify(leaf):
    """('bind', scope node, namespaces) | ('use', namespaces) | None (a member, a label, a remote name)."""
    kind = leaf.kind()
    parent = leaf.parent()
    pk = parent.kind() if parent is not None else ""
    if kind == "shorthand_property_identifier":
        return ("use", ("value",))
    if kind == "type_identifier":
        if pk == "nested_type_identifier" and _same(leaf, parent.field("name")):
            return None
        if pk in CLASSES and _same(leaf, parent.field("name")):
            return ("bind", parent if pk == "class" else _scope_above(parent), BOTH)
        if pk in TYPE_OWNERS and _same(leaf, parent.field("name")):
            return ("bind", _scope_above(parent), ("type",))
        if pk == "type_parameter" and _same(leaf, parent.field("name")):
            owner = parent.parent().parent() if parent.parent() is not None else None
            while owner is not None and not _is_scope(owner):
                owner = owner.parent()
            return ("bind", owner, ("type",)) if owner is not None else None
        return ("use", ("type",))
    # identifier / shorthand_property_identifier_pattern
    if pk in ("function_declaration", "generator_function_declaration", "function_signature") and _same(leaf, parent.field("name")):
        return ("bind", _scope_above(parent), ("value",))
    if pk in ("function_expression", "generator_function", "function") and _same(leaf, parent.field("name")):
        return ("bind", parent, ("value",))
    if pk in ("enum_declaration", "internal_module") and _same(leaf, parent.field("name")):
        return ("bind", _scope_above(parent), BOTH)
    if pk in ("import_clause", "namespace_import", "import_require_clause"):
        return ("bind", _scope_above(parent), BOTH)
    if pk == "import_specifier":
        alias = parent.field("alias")
        if alias is not None and not _same(leaf, alias):
            return None  # the module's own name
        return ("bind", _scope_above(parent), BOTH)
    if pk == "export_specifier":
        stmt = parent.parent().parent() if parent.parent() is not None else None
        if _same(leaf, parent.field("alias")) or (stmt is not None and stmt.field("source") is not None):
            return None
        return ("use", BOTH)
    if pk in ("jsx_opening_element", "jsx_closing_element", "jsx_self_closing_element") and leaf.text()[:1].islower():
        return None  # an intrinsic element (<div>)
    if pk == "nested_identifier" and not _same(leaf, next((c for c in parent.children() if c.is_named()), None)):
        return None
    owner = _pattern_owner(leaf)
    if owner is not None and owner[0] is not None:
        return ("bind", owner[0], owner[1], owner[2] if len(owner) > 2 else False)
    return ("use", ("value",))


SHORTHAND = ("shorthand",)  # the key under which captures() lists the spans of shorthand properties
Shorthand = set


@dataclass(frozen=True)
class Capture:
    start: int  # the use whose meaning would change
    end: int
    before: tuple  # (scope, name) of the binding it resolves to, or FREE
    after: tuple


class _View:
    def __init__(self):
        self.bound: dict[tuple, dict[str, set[tuple]]] = {}  # (scope, ns) -> shown name -> identities

    def add(self, scope, ns: str, shown: str, identity: tuple) -> None:
        self.bound.setdefault((scope, ns), {}).setdefault(shown, set()).add(identity)

    def resolve(self, chain: list, nss: tuple, name: str) -> tuple:
        for ns in nss:
            for scope in chain:
                got = self.bound.get((scope, ns), {}).get(name)
                if got:
                    return next(iter(got)) if len(got) == 1 else ("ambiguous", scope, name)
        return FREE


def _leaves(root, spans, renames: Renames, kinds, regex: str):
    out = []
    for leaf in root.find_all({"rule": {"regex": regex, "any": [{"kind": k} for k in kinds]}}):
        a, b = spans(leaf)
        new = renames.new_text(a, b)
        if ": " in new:  # a shorthand key that stays while its value follows the rename ({ jobId: runId })
            new = new.rsplit(": ", 1)[1]
        elif " as " in new:  # a kept name exported under the new one (jobId as runId)
            new = new.split(" as ", 1)[0]
        out.append((leaf, a, b, renames.text[a:b], new))
    return out


def captures(root, spans, renames: Renames, term_regex: str, known=lambda ks: ks,
             ) -> tuple[list[Capture], dict[tuple, list[tuple[int, int]]]]:
    """The uses that would resolve elsewhere after the rename, and the spans of each binding
    (its declarations and every use resolving to it, as written). ``term_regex`` finds every
    name a rename may touch."""
    kinds = known(LEAVES)
    touched = _leaves(root, spans, renames, kinds, term_regex)
    changed = {old for _, _, _, old, new in touched if old != new}
    if not changed:
        return [], {}
    involved = changed | {new for _, _, _, old, new in touched if old in changed}
    alternatives = "|".join(sorted(re.escape(n) for n in involved))
    named = _leaves(root, spans, renames, kinds, f"^(?:{alternatives})$")
    before, after = _View(), _View()
    spans_of: dict[tuple, list[tuple[int, int]]] = {}
    shorthand = Shorthand()  # spans of { name } (a key and a name at once)
    crossed: dict[tuple, dict[str, set[tuple]]] = {}  # (scope, ns) -> name -> vars declared through it
    uses = []
    for leaf, a, b, old, new in named:
        if old not in involved and new not in involved:
            continue
        c = classify(leaf)
        if c is None:
            continue
        if c[0] == "bind":
            if c[1] is None:
                continue
            scope = _key(c[1])
            for ns in c[2]:
                before.add(scope, ns, old, (scope, old))
                after.add(scope, ns, new, (scope, old))
            spans_of.setdefault((scope, old), []).append((a, b))
            if leaf.kind() == "shorthand_property_identifier_pattern":
                shorthand.add((a, b))
            if len(c) > 3 and c[3]:  # a var also meets the lexical names of the blocks it crosses
                for inner in _chain(leaf):
                    if inner == scope:
                        break
                    crossed.setdefault((inner, "value"), {}).setdefault(new, set()).add((scope, old))
        else:
            uses.append((leaf, a, b, old, new, c[1]))
            if leaf.kind() == "shorthand_property_identifier":
                shorthand.add((a, b))
    out: list[Capture] = []
    for (scope, ns), names in after.bound.items():  # two bindings of one scope made one: a redeclaration
        for shown, ids in names.items():
            ids = ids | crossed.get((scope, ns), {}).get(shown, set())
            if len(ids) > 1:
                first, *others = sorted(ids)
                for other in others:
                    a, b = spans_of[other][0]
                    out.append(Capture(a, b, other, first))
    for leaf, a, b, old, new, nss in uses:
        chain = _chain(leaf)
        was, now = before.resolve(chain, nss, old), after.resolve(chain, nss, new)
        spans_of.setdefault(was, []).append((a, b))
        if was != now:
            out.append(Capture(a, b, was, now))
    spans_of[SHORTHAND] = sorted(shorthand)
    return out, spans_of

