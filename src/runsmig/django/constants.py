"""Names of a models module that stand for literal values, evaluated without running the module.

A field declaration may name a constant instead of spelling it (``choices=STATUS_CHOICES``,
``default=SENT``, ``max_length=NAME_LENGTH``). The migration cannot import the models module's
names (it would freeze today's module into history), so such a value is written as the literal it
stands for, as Django's ``makemigrations`` does. It is evaluated here, statically:

* a name bound exactly once in its scope (the class body, then the module), by a plain
  ``NAME = value`` at that scope's top level (not under ``if``/``for``/``try``, not re-bound by an
  import, a ``def``, an augmented assignment);
* ``Class.NAME`` for a class of the module;
* literals (str, int, float, bool, None), tuples, lists and dicts of values, ``-x``, ``a + b`` of
  strings, numbers, tuples or lists, and a list comprehension over such values with one ``for``
  (``[(x, x) for x in [SENT, ERROR]]``: its element sees the loop variable and the module, as
  Python's class scopes do).

Anything else (a call, ``Kinds.choices`` of an enum, an f-string) is not known: ``None``.
"""

from __future__ import annotations

import ast

_MISSING = object()
_LIMIT = 5_000  # elements: a value larger than this is not written into a migration


class Unknown(Exception):
    pass


def _bindings(body: list[ast.stmt]) -> dict[str, ast.expr | None]:
    """Name -> the expression bound to it once at this level (None: bound otherwise or more than once)."""
    out: dict[str, ast.expr | None] = {}

    def spoil(name: str) -> None:
        out[name] = None

    def names_in(node) -> None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
                spoil(sub.id)
            elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                spoil(sub.name)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                for alias in sub.names:
                    spoil((alias.asname or alias.name).split(".", 1)[0])

    for stmt in body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            out[name] = stmt.value if name not in out else None
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            name = stmt.target.id
            out[name] = stmt.value if name not in out else None
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            spoil(stmt.name)
        else:
            names_in(stmt)
    return out


class Constants:
    """The constants of one models module (its source text)."""

    def __init__(self, source: str):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            tree = ast.Module(body=[], type_ignores=[])
        self.module = _bindings(tree.body)
        self.classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
        self._scopes: dict[str, dict[str, ast.expr | None]] = {}

    def _class(self, name: str) -> dict[str, ast.expr | None]:
        if name not in self._scopes:
            self._scopes[name] = _bindings(self.classes[name].body) if name in self.classes else {}
        return self._scopes[name]

    def value(self, expression: str, cls: str | None = None):
        """The value of ``expression`` (source text) in class ``cls``'s body (else the module's top
        level); ``_MISSING`` when it cannot be known statically."""
        try:
            node = ast.parse(expression.strip(), mode="eval").body
        except (SyntaxError, ValueError):
            return _MISSING
        try:
            return _Eval(self).run(node, cls, {}, set())
        except (Unknown, RecursionError, TypeError, ValueError):
            return _MISSING

    def known(self, value) -> bool:
        return value is not _MISSING


class _Eval:
    def __init__(self, consts: Constants):
        self.c = consts
        self.size = 0

    def count(self, n: int) -> None:
        self.size += n
        if self.size > _LIMIT:
            raise Unknown("too large")

    def lookup(self, name: str, cls: str | None, local: dict, seen: set):
        if name in local:
            return local[name]
        scopes = [(cls, self.c._class(cls))] if cls is not None else []
        scopes.append((None, self.c.module))
        for owner, scope in scopes:
            if name in scope:
                expr = scope[name]
                key = (owner, name)
                if expr is None or key in seen:
                    raise Unknown(name)
                return self.run(expr, owner, {}, seen | {key})
        raise Unknown(name)

    def run(self, node, cls, local, seen):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (str, int, float, bool)) or node.value is None:
                self.count(1)
                return node.value
            raise Unknown("constant")
        if isinstance(node, (ast.Tuple, ast.List)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                raise Unknown("starred")
            self.count(len(node.elts))
            items = [self.run(e, cls, local, seen) for e in node.elts]
            return tuple(items) if isinstance(node, ast.Tuple) else items
        if isinstance(node, ast.Dict):
            if any(k is None for k in node.keys):
                raise Unknown("**")
            self.count(len(node.keys))
            return {self.run(k, cls, local, seen): self.run(v, cls, local, seen) for k, v in zip(node.keys, node.values)}
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.run(node.operand, cls, local, seen)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise Unknown("unary")
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            a, b = self.run(node.left, cls, local, seen), self.run(node.right, cls, local, seen)
            if type(a) is type(b) and isinstance(a, (str, int, float, tuple, list)) and not isinstance(a, bool):
                return a + b
            raise Unknown("+")
        if isinstance(node, ast.Name):
            return self.lookup(node.id, cls, local, seen)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id not in local \
                and node.value.id in self.c.classes and self.c.module.get(node.value.id) is None:
            scope = self.c._class(node.value.id)
            if node.attr not in scope:
                raise Unknown(node.attr)
            return self.lookup(node.attr, node.value.id, {}, seen)
        if isinstance(node, ast.ListComp) and len(node.generators) == 1:
            gen = node.generators[0]
            if gen.is_async:
                raise Unknown("async")
            source = self.run(gen.iter, cls, local, seen)  # the first iterable is read in the enclosing scope
            if not isinstance(source, (tuple, list)):
                raise Unknown("iterable")
            out = []
            for item in source:
                inner = {**local, **_unpack(gen.target, item)}
                # the element and conditions see the loop variables and the module, not a class body
                if all(self.run(cond, None, inner, seen) is True for cond in gen.ifs):
                    out.append(self.run(node.elt, None, inner, seen))
                    self.count(1)
            return out
        raise Unknown(type(node).__name__)


def _unpack(target, item) -> dict:
    if isinstance(target, ast.Name):
        return {target.id: item}
    if isinstance(target, (ast.Tuple, ast.List)) and isinstance(item, (tuple, list)) and len(item) == len(target.elts):
        out: dict = {}
        for t, v in zip(target.elts, item):
            out.update(_unpack(t, v))
        return out
    raise Unknown("target")


def source(value) -> str:
    """The Python text of a value ``Constants.value`` returned (strings in double quotes)."""
    if isinstance(value, str):
        text = repr(value)
        if text.startswith("'"):
            text = '"' + text[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'
        return text
    if isinstance(value, (bool, int, float)) or value is None:
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(source(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(source(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{source(k)}: {source(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value).__name__)
