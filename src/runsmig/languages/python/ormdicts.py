"""Dicts keyed by an ORM model's field names: a dict literal compared with what Django's
``QuerySet.values()`` (or ``model_to_dict``) returns (``assert event == {"job_id": 1, "type": "x"}``
after ``event = Event.objects.values().get(id=1)``). Those keys are the model's field names (a
foreign key's ``<field>_id``), not its columns: under ``stored: keep`` a renamed field keeps its
column (``db_column="job_id"``) while ``.values()`` returns the new name, so the dict's keys are
the code's names and follow the rename. A dict compared with a raw SQL row keeps the column's
spelling (runsmig.runner.analyze); nothing here decides that.

Read from the syntax tree: a comparison (``==``, ``!=``, ``in``, ``not in``, and unittest's
``assertEqual``/``assertDictEqual``/``assertIn``/``assertCountEqual``/``assertListEqual``) one side
of which holds a ``.values(...)`` call on a queryset (its receiver chain names ``objects`` or calls a
QuerySet method: ``filter``, ``all``, ``order_by`` ...) or a ``model_to_dict(...)`` call, or is a
name every assignment (or ``for`` target) of which in its scope is such an expression; the other
side's dict literals (in lists, tuples and sets too) give their string keys. The string arguments
of ``values``, ``values_list``, ``order_by``, ``only`` and ``defer`` on a queryset are field names
too (``Event.objects.values("job_id")``)."""

from __future__ import annotations

import libcst as cst

_QUERYSET = {"objects", "filter", "exclude", "all", "order_by", "annotate", "alias", "select_related",
             "prefetch_related", "using", "distinct", "only", "defer", "none", "reverse", "extra",
             "select_for_update", "_default_manager", "_base_manager"}
_ASSERTS = {"assertEqual", "assertEquals", "assertDictEqual", "assertIn", "assertNotEqual", "assertNotIn",
            "assertCountEqual", "assertListEqual", "assertItemsEqual"}
# QuerySet methods whose string arguments are field names
_FIELD_ARGS = {"values", "values_list", "order_by", "only", "defer"}
_COMPARE = (cst.Equal, cst.NotEqual, cst.In, cst.NotIn)


def applies(text: str) -> bool:
    """Cheap: may the file compare with such a result, or name fields to a queryset, at all?"""
    return any(f".{m}(" in text for m in _FIELD_ARGS) or "model_to_dict(" in text


def spans(module: cst.Module, span) -> list[tuple[int, int]]:
    """(start, end) of each such dict key's or field name's text (quotes left out)."""
    out: list[tuple[int, int]] = []
    r = _Resolver(_bindings(module), module)

    def add(s: cst.SimpleString) -> None:
        a, b = span(s)
        out.append((a + len(s.prefix) + len(s.quote), b - len(s.quote)))

    def keys_of(node: cst.BaseExpression) -> None:
        if isinstance(node, cst.Dict):
            for el in node.elements:
                k = getattr(el, "key", None)
                if isinstance(el, cst.DictElement) and _text(k):
                    add(k)
        elif isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            for el in node.elements:
                keys_of(el.value)

    def pair(a: cst.BaseExpression, b: cst.BaseExpression, scope) -> None:
        if r.field_keyed(a, scope):
            keys_of(b)
        if r.field_keyed(b, scope):
            keys_of(a)

    class V(cst.CSTVisitor):
        def __init__(self) -> None:
            self.scope: list[cst.CSTNode] = [module]

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.scope.append(node)

        def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.scope.pop()

        def visit_Comparison(self, node: cst.Comparison) -> None:
            left = node.left
            for t in node.comparisons:
                if isinstance(t.operator, _COMPARE):
                    pair(left, t.comparator, self.scope[-1])
                left = t.comparator

        def visit_Call(self, node: cst.Call) -> None:
            f = node.func
            if isinstance(f, cst.Attribute) and f.attr.value in _ASSERTS and len(node.args) >= 2:
                pair(node.args[0].value, node.args[1].value, self.scope[-1])
            elif isinstance(f, cst.Attribute) and f.attr.value in _FIELD_ARGS and r.queryset(f.value, self.scope[-1]):
                for arg in node.args:  # Event.objects.values("job_id"): field names too
                    if arg.keyword is None and _text(arg.value):
                        add(arg.value)

    module.visit(V())
    return out


def _text(node) -> bool:
    return isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower() \
        and isinstance(node.evaluated_value, str)


def _bindings(module: cst.Module) -> dict[tuple[int, str], list]:
    """(id of the scope, name) -> what each binding of the name there binds: the assigned
    expression, ``("for", iterable)`` for a ``for`` target, None for anything else (a parameter,
    an unpacked target, ``with ... as``, an augmented assignment)."""
    out: dict[tuple[int, str], list] = {}

    class V(cst.CSTVisitor):
        def __init__(self) -> None:
            self.scope: list[cst.CSTNode] = [module]

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.scope.append(node)
            p = node.params
            for x in (*p.posonly_params, *p.params, *p.kwonly_params):
                self._bind(x.name, None)

        def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.scope.pop()

        def _bind(self, target, value) -> None:
            if isinstance(target, cst.Name):
                out.setdefault((id(self.scope[-1]), target.value), []).append(value)
            elif isinstance(target, (cst.Tuple, cst.List)):
                for el in target.elements:
                    self._bind(el.value, None)

        def visit_Assign(self, node: cst.Assign) -> None:
            for t in node.targets:
                self._bind(t.target, node.value)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            self._bind(node.target, node.value)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            self._bind(node.target, None)

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            self._bind(node.target, node.value)

        def visit_For(self, node: cst.For) -> None:
            self._bind(node.target, ("for", node.iter))

        def visit_With(self, node: cst.With) -> None:
            for item in node.items:
                if item.asname is not None:
                    self._bind(item.asname.name, None)

    module.visit(V())
    return out


class _Resolver:
    """Field-keyed results and querysets, following names bound in the same scope (or the
    module's) whose every binding is one, a few levels deep."""

    def __init__(self, bindings: dict, module: cst.Module) -> None:
        self.bindings, self.module = bindings, module

    def _bound(self, name: str, scope) -> list | None:
        got = self.bindings.get((id(scope), name))
        if got is None and scope is not self.module:
            got = self.bindings.get((id(self.module), name))
        return got

    def _all(self, name: str, scope, test, depth: int, iterated: bool) -> bool:
        bound = self._bound(name, scope)
        if not bound or depth > 4:
            return False
        for v in bound:
            if v is None:
                return False
            if isinstance(v, tuple):  # a for target: a row of what it iterates over
                if not test(v[1], scope, depth + 1):
                    return False
            elif not test(v, scope, depth + 1):
                return False
        return True

    def field_keyed(self, node: cst.BaseExpression, scope, depth: int = 0) -> bool:
        """Does this expression hold a ``.values(...)`` call on a queryset, or ``model_to_dict(...)``
        (through calls, attribute accesses, subscripts and names bound to one: ``list(rows)``,
        ``.get(...)``, ``[0]``; not into literals, lambdas or comprehensions)?"""
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, cst.Call):
                f = n.func
                if isinstance(f, cst.Attribute) and f.attr.value == "values" and self.queryset(f.value, scope, depth):
                    return True
                if (isinstance(f, cst.Name) and f.value == "model_to_dict") or \
                        (isinstance(f, cst.Attribute) and f.attr.value == "model_to_dict"):
                    return True
                stack.append(f)
                stack += [a.value for a in n.args]
            elif isinstance(n, cst.Attribute):
                stack.append(n.value)
            elif isinstance(n, cst.Subscript):
                stack.append(n.value)
            elif isinstance(n, cst.Await):
                stack.append(n.expression)
            elif isinstance(n, cst.Name) and self._all(n.value, scope, self.field_keyed, depth, True):
                return True
        return False

    def queryset(self, node: cst.BaseExpression, scope, depth: int = 0) -> bool:
        """A receiver chain that names a model manager or calls a QuerySet method (or a name
        bound to one)."""
        while True:
            if isinstance(node, cst.Call):
                node = node.func
            elif isinstance(node, cst.Attribute):
                if node.attr.value in _QUERYSET:
                    return True
                node = node.value
            elif isinstance(node, cst.Subscript):
                node = node.value
            elif isinstance(node, cst.Name):
                return self._all(node.value, scope, self.queryset, depth, False)
            else:
                return False
