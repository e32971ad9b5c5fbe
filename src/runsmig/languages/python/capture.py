"""Capture: a rename must leave every name resolving to the binding it resolved to before.

``job_count`` -> ``run_count`` is wrong when a function that uses the outer ``job_count`` binds
a ``run_count`` of its own (the use would be captured by the inner binding), and when a renamed
inner binding starts to hide an outer ``run_count`` that the inner scope (or a closure in it)
reads (the renamed one shadows the outer). Both are found the same way: every name is resolved
twice over LibCST's scopes, once with the names as they are and once with the names as the
rename would write them (Python's rules: function, class, comprehension and lambda scopes; a
class body does not enclose its methods; ``global`` and ``nonlocal``), and any use that would
resolve to another binding is a capture.
"""

from __future__ import annotations

import builtins
from typing import Callable

import libcst as cst
from libcst.metadata.scope_provider import BuiltinScope, Scope

FREE = ("free",)


def _visible(scope: Scope, from_scope: Scope) -> Scope:
    while not isinstance(scope, BuiltinScope) and not scope._is_visible_from_children(from_scope):
        scope = scope.parent
    return scope


class View:
    """The names each scope binds (and declares global/nonlocal), as written or after the rename."""

    def __init__(self, scopes: list[Scope], new_name: Callable[[Scope, str], str],
                 same: Callable[[Scope, str], str] = lambda s, n: n, declared: dict | None = None,
                 patterns: dict | None = None):
        self.bound: dict[int, dict[str, list[str]]] = {}  # id(scope) -> shown name -> binding names
        self.over: dict[int, dict[str, Scope]] = {}
        for s in scopes:
            names: dict[str, list[str]] = {}
            for name, asgs in s._assignments.items():
                if asgs and "." not in name:
                    got = names.setdefault(new_name(s, name), [])
                    if same(s, name) not in got:  # two imports merged into one binding are one
                        got.append(same(s, name))
            for name in (patterns or {}).get(id(s), ()):  # ``case job:`` (LibCST records no assignment)
                got = names.setdefault(name, [])
                if name not in got:
                    got.append(name)
            self.bound[id(s)] = names
            over: dict[str, Scope] = {}
            for name, target in getattr(s, "_scope_overwrites", {}).items():
                node = (declared or {}).get((id(s), name))  # the ``global``/``nonlocal`` name as rewritten
                over[node[1] if node is not None else new_name(target, name)] = target
            self.over[id(s)] = over

    def resolve(self, name: str, scope: Scope) -> tuple:
        """(id(scope), binding name) of what ``name`` used in ``scope`` refers to; FREE or builtin."""
        cur, seen = scope, 0
        while seen < 200:
            seen += 1
            if isinstance(cur, BuiltinScope):
                return ("builtin", name) if hasattr(builtins, name) else FREE
            target = self.over.get(id(cur), {}).get(name)
            if target is not None:
                cur = _visible(target, scope)
                continue
            got = self.bound.get(id(cur), {}).get(name)
            if got:
                return (id(cur), got[0]) if len(got) == 1 else ("ambiguous", id(cur), name)
            cur = _visible(cur.parent, scope)
        return FREE


def _declaration(written: dict, scope: Scope, name: str):
    """The renamed ``global name``/``nonlocal name`` that a use of ``name`` in ``scope`` went through."""
    cur = scope
    while not isinstance(cur, BuiltinScope):
        for (sid, old), (node, new) in written.items():
            if sid == id(cur) and new != old and name in (old, new):
                return node
        cur = cur.parent
    return None


def new_name_changed(scope: Scope, target: Scope, name: str, before: View) -> bool:
    """Was the clash of a declared and a bound ``name`` in ``scope`` made by the rename?"""
    return not (name in before.over.get(id(scope), {}) and before.bound.get(id(scope), {}).get(name))


def captures(scopes: list[Scope], binding_new: Callable[[Scope, str], str], use_new: Callable[[cst.Name], str],
             same: Callable[[Scope, str], str] = lambda s, n: n,
             declared: list[tuple[cst.Name, Scope]] = (), patterns: dict | None = None,
             ) -> list[tuple[cst.Name | None, tuple, tuple]]:
    """(use, binding before, binding after) for each use that the rename would resolve elsewhere;
    (declared name, declared binding, local binding) where a ``global``/``nonlocal`` name would
    meet a local one.

    ``binding_new(scope, name)``: the name a binding gets; ``use_new(node)``: the name a use (or a
    ``global``/``nonlocal`` name of ``declared``) gets; ``same(scope, name)``: the binding it is one
    with (an import merged into another)."""
    written = {(id(s), n.value): (n, use_new(n)) for n, s in declared}
    before = View(scopes, lambda s, n: n, same, None, patterns)
    after = View(scopes, binding_new, same, written, patterns)
    changed = {n for s in scopes for n in s._assignments if binding_new(s, n) != n}
    changed |= {name for (_, name), (_, new) in written.items() if new != name}
    involved = changed | {binding_new(s, n) for s in scopes for n in changed if n in s._assignments}
    involved |= {new for _, new in written.values()}
    out = []
    for s in scopes:  # ``nonlocal run`` beside a parameter or local ``run``: a syntax error
        over, bound = after.over.get(id(s), {}), after.bound.get(id(s), {})
        mine = {new: node for (sid, _), (node, new) in written.items() if sid == id(s)}
        for name, target in over.items():
            if bound.get(name) and new_name_changed(s, target, name, before):
                out.append((mine.get(name), after.resolve(name, _visible(target, s)), (id(s), bound[name][0])))
    for s in scopes:
        for acc in s.accesses:
            node = acc.node
            if not isinstance(node, cst.Name):
                continue
            new = use_new(node)
            if new == node.value and new not in involved:
                continue
            was, now = before.resolve(node.value, acc.scope), after.resolve(new, acc.scope)
            if was != now:
                out.append((_declaration(written, acc.scope, node.value) if new == node.value else node, was, now))
    return out


def declared_names(names: list[cst.Name], parent: dict[int, cst.CSTNode], scopes) -> list[tuple[cst.Name, Scope, tuple]]:
    """(name, its scope, binding) for each name of a ``global`` or ``nonlocal`` statement: it names
    that binding (LibCST records it as neither a use nor an assignment), so it follows its rename."""
    out: list[tuple[cst.Name, Scope, tuple]] = []
    view = None
    for n in names:
        item = parent.get(id(n))
        stmt = parent.get(id(item))
        if not isinstance(item, cst.NameItem) or not isinstance(stmt, (cst.Global, cst.Nonlocal)):
            continue
        scope = scopes.get(stmt)
        if scope is None:
            continue
        if view is None:
            view = View(list({id(s): s for s in scopes.values() if s is not None}.values()), lambda s, x: x)
        out.append((n, scope, view.resolve(n.value, scope)))
    return out


def pattern_names(names: list[cst.Name], parent: dict[int, cst.CSTNode], scopes) -> dict[int, set[str]]:
    """id(scope) -> names bound by ``match`` capture patterns there (kept as they are: LibCST sees
    no binding in them, so they count as bound, never renamed, for the resolution)."""
    out: dict[int, set[str]] = {}
    for n in names:
        p = parent.get(id(n))
        if isinstance(p, (cst.MatchAs, cst.MatchStar)) and p.name is n or isinstance(p, cst.MatchMapping) and p.rest is n:
            scope = scopes.get(p)
            if scope is not None:
                out.setdefault(id(scope), set()).add(n.value)
    return out
