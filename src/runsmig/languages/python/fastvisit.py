"""Read-only LibCST traversals without rebuilding the tree.

``CSTNode.visit`` rebuilds every node it passes (``_visit_and_replace_children``
constructs and validates a copy), even for a read-only ``CSTVisitor``, and then
returns the original node: for a visitor the copy is thrown away. Metadata
providers (scopes, expression contexts) and our own scan are such visitors, and
the copies were most of the Python pass's time.

:func:`fast_visits` swaps in a traversal that makes the same callbacks in the
same order (``on_visit``, ``on_visit_attribute``/``on_leave_attribute`` around
every field, ``on_leave``) and builds nothing. The field order of each node class
is read once from LibCST's own ``_visit_and_replace_children`` (the ``visit_*``
helper calls in source order); a class whose method does anything else keeps
LibCST's traversal. Transformers always keep it. ``tests/python/test_fastvisit.py``
compares the callback sequences of both traversals on real code.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

import libcst as cst
from libcst._batched_visitor import BatchableCSTVisitor, _BatchedCSTVisitor
from libcst._nodes.base import CSTNode
from libcst._visitors import CSTTransformer, CSTVisitor

_SINGLE = {"visit_required", "visit_optional", "visit_sentinel"}
_MANY = {"visit_sequence", "visit_iterable", "visit_body_sequence", "visit_body_iterable"}
_ORIGINAL_VISIT = CSTNode.visit
_ORIGINAL_GET_VISITORS = BatchableCSTVisitor.get_visitors


@lru_cache(maxsize=None)
def field_plan(cls: type) -> tuple[tuple[str, str], ...] | None:
    """``(field, how)`` in visiting order, or None when the method is not a plain list of
    ``visit_*`` helper calls on ``self`` fields (then LibCST's own traversal is used).
    ``how``: ``one`` (a node, or None/sentinel with callbacks only), ``many`` (a sequence),
    ``either`` (a node or a sequence), ``many?`` (a sequence, or None with no callbacks)."""
    owner = next((b for b in cls.__mro__ if "_visit_and_replace_children" in b.__dict__), None)
    if owner is None or owner is CSTNode:
        return None
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(owner.__dict__["_visit_and_replace_children"])))
    except (OSError, TypeError, SyntaxError):
        return None
    fn = tree.body[0]
    if not isinstance(fn, ast.FunctionDef) or not fn.body or not isinstance(fn.body[-1], ast.Return):
        return None
    local: dict[str, ast.AST] = {}  # name = <expr> before the return
    for st in fn.body[:-1]:
        if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)):
            return None
        local[st.targets[0].id] = st.value
    ret = fn.body[-1].value
    if isinstance(ret, ast.Name) and ret.id == "self":
        return ()  # a leaf
    if isinstance(ret, ast.Name) and ret.id in local:
        ret = local[ret.id]
    if not isinstance(ret, ast.Call) or ret.args:
        return None
    plan: list[tuple[str, str]] = []
    for kw in ret.keywords:  # keyword arguments are evaluated in source order
        if _is_field(kw.value, kw.arg, local):  # a plain value copied as it is (no children)
            continue
        how = _how(kw.value, kw.arg, local)
        if how is None:
            return None
        plan.append((kw.arg, how))
    return tuple(plan)


def _how(value: ast.AST, field: str | None, local: dict[str, ast.AST]) -> str | None:
    if isinstance(value, ast.IfExp):
        a, b = (_how(v, field, local) if not _is_none(v) else "none" for v in (value.body, value.orelse))
        if a is None or b is None:
            return None
        kinds = {a, b}
        if kinds == {"one", "many"}:
            return "either"
        if kinds == {"many", "none"}:
            return "many?"
        return None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("tuple", "list") \
            and len(value.args) == 1:
        value = value.args[0]
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
            and value.func.id in _SINGLE | _MANY and len(value.args) == 4 and not value.keywords):
        return None
    parent, name, arg, visitor = value.args
    if not (isinstance(parent, ast.Name) and parent.id == "self" and isinstance(name, ast.Constant)
            and name.value == field and _is_field(arg, field, local)
            and isinstance(visitor, ast.Name) and visitor.id == "visitor"):
        return None
    return "many" if value.func.id in _MANY else "one"


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_field(node: ast.AST, name: str | None, local: dict[str, ast.AST]) -> bool:
    """``self.<name>``, or a local bound to it."""
    if isinstance(node, ast.Name) and node.id in local:
        node = local[node.id]
    return (isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.value, ast.Name)
            and node.value.id == "self")


_NODE_TYPES: dict[type, bool] = {}  # isinstance(x, CSTNode) by type: CSTNode is an ABC, and that check is slow


def _is_node(value) -> bool:
    t = type(value)
    hit = _NODE_TYPES.get(t)
    if hit is None:
        hit = _NODE_TYPES[t] = isinstance(value, CSTNode)
    return hit


def _fast_visit(self: CSTNode, visitor):
    if isinstance(visitor, CSTTransformer) or not isinstance(visitor, CSTVisitor):
        return _ORIGINAL_VISIT(self, visitor)
    _walk(self, visitor, _field_hooks(visitor))
    return self


def _walk(node: CSTNode, visitor, hooks: frozenset[str] | None) -> None:
    """``hooks``: the ``<Node>_<field>`` pairs that have per-field callbacks (None: call them all)."""
    plan = _PLANS.get(type(node))
    if plan is None:
        plan = _compiled(type(node))
        if plan is None:
            _ORIGINAL_VISIT(node, visitor)
            return
    if visitor.on_visit(node):
        if hooks is not None and not hooks:  # no field has callbacks: the common case, kept lean
            for name, how, _ in plan:
                value = getattr(node, name)
                if value is None:
                    continue
                if _is_node(value):
                    if type(value).visit is _fast_visit:
                        _walk(value, visitor, hooks)
                    else:
                        value.visit(visitor)
                elif how != "one":
                    for child in value:
                        if type(child).visit is _fast_visit:
                            _walk(child, visitor, hooks)
                        else:
                            child.visit(visitor)
        else:
            for name, how, pair in plan:
                value = getattr(node, name)
                if value is None and how == "many?":
                    continue
                call = hooks is None or pair in hooks
                if call:
                    visitor.on_visit_attribute(node, name)
                if _is_node(value):
                    _child(value, visitor, hooks)
                elif how != "one" and value is not None:
                    for child in value:
                        _child(child, visitor, hooks)
                if call:
                    visitor.on_leave_attribute(node, name)
    visitor.on_leave(node)


_PLANS: dict[type, tuple] = {}


def _compiled(cls: type) -> tuple | None:
    """The field plan with each field's ``<Node>_<field>`` hook name (kept in _PLANS)."""
    plan = field_plan(cls)
    if plan is None:
        return None
    compiled = tuple((name, how, f"{cls.__name__}_{name}") for name, how in plan)
    _PLANS[cls] = compiled
    return compiled


def _child(node: CSTNode, visitor, hooks: frozenset[str] | None) -> None:
    if type(node).visit is _fast_visit:
        _walk(node, visitor, hooks)
    else:  # a class with its own visit() (Module): it calls ours through super()
        node.visit(visitor)


def _hook_pair(name: str) -> str | None:
    """``visit_<Node>_<field>`` / ``leave_<Node>_<field>`` -> ``<Node>_<field>`` (node class names
    hold no '_'); None for any other name."""
    if (name.startswith("visit_") or name.startswith("leave_")) and "_" in name[6:]:
        return name[6:]
    return None


_HOOKS: dict[type, frozenset[str] | None] = {}


_LAST: list = [None, None]  # the last visitor asked about, and its answer (visitors re-enter per subtree)


def _field_hooks(visitor) -> frozenset[str] | None:
    """The fields for which ``on_visit_attribute``/``on_leave_attribute`` can do anything: where
    the visitor keeps LibCST's lookups and has no method for a field, calling them is skipped."""
    if _LAST[0] is visitor:
        return _LAST[1]
    hooks = _field_hooks_of(visitor)
    _LAST[0], _LAST[1] = visitor, hooks
    return hooks


def _field_hooks_of(visitor) -> frozenset[str] | None:
    if type(visitor) is _BatchedCSTVisitor:
        return frozenset(p for p in map(_hook_pair, visitor.visitor_methods) if p)
    cls = type(visitor)
    if cls not in _HOOKS:
        custom = (cls.on_visit_attribute is not CSTVisitor.on_visit_attribute
                  or cls.on_leave_attribute is not CSTVisitor.on_leave_attribute)
        _HOOKS[cls] = None if custom else frozenset(
            p for n in dir(cls) if (p := _hook_pair(n)) and not getattr(getattr(cls, n), "_is_no_op", False))
    hooks = _HOOKS[cls]
    if hooks is not None and any(_hook_pair(n) for n in vars(visitor)):
        return None  # methods set on the instance: take no shortcut
    return hooks


_VISITOR_NAMES: dict[type, tuple[str, ...]] = {}


def _get_visitors(self) -> dict:
    """What ``BatchableCSTVisitor.get_visitors`` returns, with its ``inspect.getmembers`` run once
    per visitor class instead of once per instance (per provider, per file)."""
    names = _VISITOR_NAMES.get(type(self))
    if names is None or self.__dict__.keys() & set(names):
        found = _ORIGINAL_GET_VISITORS(self)
        if not self.__dict__.keys() & set(found):  # methods of the class, none set on the instance
            _VISITOR_NAMES[type(self)] = tuple(found)
        return found
    return {name: getattr(self, name) for name in names}


@contextmanager
def fast_visits() -> Iterator[None]:
    """Within the block, read-only visitors traverse without rebuilding nodes."""
    if CSTNode.visit is _fast_visit:
        yield
        return
    CSTNode.visit = _fast_visit
    BatchableCSTVisitor.get_visitors = _get_visitors
    try:
        yield
    finally:
        CSTNode.visit = _ORIGINAL_VISIT
        _LAST[0] = _LAST[1] = None  # the last visitor would keep its file's metadata alive
        BatchableCSTVisitor.get_visitors = _ORIGINAL_GET_VISITORS


def children(node: CSTNode) -> list[CSTNode]:
    """``node.children`` (the same nodes, in the same order), without LibCST's rebuilding visit."""
    plan = _PLANS.get(type(node))
    if plan is None:
        plan = _compiled(type(node))
        if plan is None:
            return list(node.children)
    out: list[CSTNode] = []
    for name, how, _ in plan:
        value = getattr(node, name)
        if _is_node(value):
            out.append(value)
        elif how != "one" and value is not None:
            out.extend(value)
    return out


def coverage() -> tuple[list[str], list[str]]:
    """(classes with a plan, classes that keep LibCST's traversal), over every node class."""
    fast, slow = [], []
    for name in dir(cst):
        cls = getattr(cst, name)
        if isinstance(cls, type) and issubclass(cls, CSTNode) and not inspect.isabstract(cls) \
                and cls.__module__.startswith("libcst._nodes"):
            (fast if field_plan(cls) is not None else slow).append(name)
    return fast, slow
