"""Values a Django model's rows store under a key a class attribute spells, for both ``stored:`` modes.

A queryset lookup or write whose keyword takes an attribute's value stores that attribute's value in
the model's column, or finds rows by it: ``CronJobLog.objects.filter(code=cron.code)``,
``Log.objects.create(code=self.code)``, ``Lock.objects.get_or_create(name=self.code)``. Every class
of the checkout that sets that attribute to a string literal in its body (``code =
"test_success_cron_job"``, in whatever file) names rows the previous release wrote: renamed, the
new code looks its history up under a key no row holds (a cron runs again at once, a lock is taken
twice). So such a literal is a stored value: kept as written, in both modes (``stored: migrate``
renames schema names; rows keyed by a value, and the lock files or cache keys built from it, are not
all reachable by a migration), and listed with the stored names.

Read with :mod:`ast` from the bytes of the checkout's Python files (a file that does not parse gives
nothing): the first pass finds the attribute names (``code``), the second the literals.
"""

from __future__ import annotations

import ast

KIND = "value"
# queryset methods whose keyword arguments are field lookups or field values
_METHODS = frozenset({"filter", "exclude", "get", "create", "get_or_create", "update_or_create", "update"})
# a model's managers: the receiver chain of a queryset call names one
_MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})


def _parse(data: bytes) -> ast.AST | None:
    try:
        return ast.parse(data)
    except (SyntaxError, ValueError):
        return None


def _on_manager(node: ast.expr) -> bool:
    """Does the receiver chain of a call go through a model's manager (``Model.objects...``)?"""
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr in _MANAGERS:
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return False


def stored_attributes(data: bytes) -> set[str]:
    """Attribute names whose value a queryset call of this file stores or looks rows up by
    (``filter(code=cron.code)``: ``code``)."""
    if b"objects" not in data and b"_manager" not in data:
        return set()
    tree = _parse(data)
    if tree is None:
        return set()
    out: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in _METHODS and _on_manager(node.func.value)):
            continue
        for kw in node.keywords:
            if kw.arg is not None and isinstance(kw.value, ast.Attribute):
                out.add(kw.value.attr)
    return out


def class_literals(data: bytes, attributes: set[str]) -> list[tuple[str, int]]:
    """(value, line) of every string literal a class body assigns to one of ``attributes``
    (``code = "test_success_cron_job"``)."""
    if not attributes or not any(a.encode() in data for a in attributes):
        return []
    return [(value, line) for name, value, line in class_assignments(data) if name in attributes]


def class_assignments(data: bytes) -> list[tuple[str, str, int]]:
    """(attribute, value, line) of every string literal a class body assigns to a plain name."""
    if b"class" not in data:
        return []
    tree = _parse(data)
    if tree is None:
        return []
    out: list[tuple[str, str, int]] = []
    for cls in ast.walk(tree):
        if not isinstance(cls, ast.ClassDef):
            continue
        for st in cls.body:
            if isinstance(st, ast.Assign) and len(st.targets) == 1:
                target, value = st.targets[0], st.value
            elif isinstance(st, ast.AnnAssign) and st.value is not None:
                target, value = st.target, st.value
            else:
                continue
            if isinstance(target, ast.Name) and isinstance(value, ast.Constant) and isinstance(value.value, str):
                out.append((target.id, value.value, st.lineno))
    return out
