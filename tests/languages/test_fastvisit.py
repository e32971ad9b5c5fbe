"""The read-only traversal makes exactly LibCST's callbacks, in LibCST's order, and the metadata
it feeds (scopes, expression contexts) is the same."""

from __future__ import annotations

import sys
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import ExpressionContextProvider, MetadataWrapper, ParentNodeProvider, ScopeProvider

from runsmig.languages.python import fastvisit
from runsmig.languages.python.fastvisit import coverage, fast_visits


def _corpus(limit: int = 60) -> list[str]:
    """Real code: modules of the standard library and of LibCST itself (every node kind shows up)."""
    roots = [Path(cst.__file__).parent, Path(sys.modules["json"].__file__).parent.parent]
    out: list[str] = []
    for root in roots:
        for f in sorted(root.glob("*.py"))[: limit // 2]:
            out.append(f.read_text("utf-8", "replace"))
    out.append(
        "from . import *\nfrom .a import (b as c, d)\nx: int = 1\n"
        "def f[T: int = str, *Ts, **P](a, /, b=2, *c, d, **e) -> T:\n"
        "    global g\n    nonlocal_ = [i async for i in y if i]\n    return f'{a!r:>{b}} {c=}'\n"
        "match p:\n    case {'k': [1, *rest]} | Point(x=0) as q if q:\n        pass\n"
        "@dec\nclass K(B, metaclass=M):\n    async def m(self):\n        async with a as (b, c): await d\n"
        "lambda *a, k=1: (yield)\ntry:\n    pass\nexcept* E as e:\n    del e\nfinally:\n    pass\n"
        "type Alias[T] = list[T]\nprint(*a, **{'b': 1}); x = y if z else w\n"
    )
    return out


class Recorder(cst.CSTVisitor):
    """Records every callback; declines to enter every third node (``on_visit`` -> False)."""

    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.n = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.n += 1
        self.events.append(("visit", type(node).__name__, id(node)))
        return self.n % 3 != 0

    def on_leave(self, node: cst.CSTNode) -> None:
        self.events.append(("leave", type(node).__name__, id(node)))

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("field", type(node).__name__, attribute))

    def on_leave_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("/field", type(node).__name__, attribute))


def _parse_all() -> list[cst.Module]:
    mods = []
    for src in _corpus():
        try:
            mods.append(cst.parse_module(src))
        except cst.ParserSyntaxError:
            continue
    return mods


def test_every_node_class_has_a_plan():
    fast, slow = coverage()
    assert len(fast) > 150 and slow == []


def test_callbacks_are_the_same_in_the_same_order():
    mods = _parse_all()
    assert len(mods) > 40
    for m in mods:
        slow = Recorder()
        m.visit(slow)
        fast = Recorder()
        with fast_visits():
            m.visit(fast)
        assert fast.events == slow.events


def test_metadata_is_the_same():
    for m in _parse_all()[:25]:
        slow = MetadataWrapper(m, unsafe_skip_copy=True).resolve_many(
            [ScopeProvider, ExpressionContextProvider, ParentNodeProvider])
        with fast_visits():
            fast = MetadataWrapper(m, unsafe_skip_copy=True).resolve_many(
                [ScopeProvider, ExpressionContextProvider, ParentNodeProvider])
        for provider in (ExpressionContextProvider, ParentNodeProvider):
            assert {id(k): v for k, v in fast[provider].items()} == {id(k): v for k, v in slow[provider].items()}
        # string annotations are parsed anew by each resolution: compare the nodes of the module
        mine = {id(n) for n in _nodes(m)}
        fs = {id(k): v for k, v in fast[ScopeProvider].items() if id(k) in mine}
        ss = {id(k): v for k, v in slow[ScopeProvider].items() if id(k) in mine}
        assert fs.keys() == ss.keys()
        pairs = {(id(scope), id(fs[key])): (scope, fs[key]) for key, scope in ss.items()}  # each scope once
        for scope, other in pairs.values():
            assert type(other) is type(scope)
            if scope is None:
                continue
            got = sorted((a.name, id(a.node)) for a in other.assignments)
            want = sorted((a.name, id(a.node)) for a in scope.assignments)
            assert got == want
            got = sorted((id(a.node), sorted(_ref(r) for r in a.referents)) for a in other.accesses)
            want = sorted((id(a.node), sorted(_ref(r) for r in a.referents)) for a in scope.accesses)
            assert got == want


def _nodes(m: cst.Module) -> list[cst.CSTNode]:
    out = [m]
    for node in out:
        out.extend(node.children)
    return out


def _ref(assignment) -> tuple:
    return (assignment.name, id(getattr(assignment, "node", None)))


def test_transformers_keep_libcst_traversal():
    class Upper(cst.CSTTransformer):
        def leave_Name(self, original, updated):
            return updated.with_changes(value=updated.value.upper())

    m = cst.parse_module("job = run(job)\n")
    with fast_visits():
        out = m.visit(Upper())
    assert out.code == "JOB = RUN(JOB)\n"


def test_restored_after_the_block():
    original = cst.CSTNode.visit
    with fast_visits():
        assert cst.CSTNode.visit is not original
        with fast_visits():  # nested: the outer block restores
            pass
        assert cst.CSTNode.visit is not original
    assert cst.CSTNode.visit is original


def test_a_method_it_cannot_read_keeps_libcst_traversal(monkeypatch):
    class Odd(cst.Name):
        def _visit_and_replace_children(self, visitor):
            if visitor is None:  # control flow: not a plain list of visit_* calls
                return self
            return Odd(value=self.value, lpar=cst.visit_sequence(self, "lpar", self.lpar, visitor)
                       if hasattr(cst, "visit_sequence") else self.lpar, rpar=self.rpar)

    assert fastvisit.field_plan(Odd) is None
    rec = Recorder()
    with fast_visits():
        Odd(value="x").visit(rec)
    assert [e[0] for e in rec.events[:1]] == ["visit"] and rec.events[-1][0] == "leave"


@pytest.mark.parametrize("src", ["import a.b as c\n", "from x import *\n", "f'{a:{b}}'\n", "x = 1;\n"])
def test_small_cases(src):
    m = cst.parse_module(src)
    slow, fast = Recorder(), Recorder()
    m.visit(slow)
    with fast_visits():
        m.visit(fast)
    assert fast.events == slow.events


def test_children_are_libcsts_children():
    for m in _parse_all()[:20]:
        for node in _nodes(m):
            assert fastvisit.children(node) == list(node.children)


def test_scan_walk_collects_what_the_visitor_collects():
    from runsmig.languages.python.scan import Scan, scan

    for m in _parse_all()[:25]:
        slow = Scan()
        m.visit(slow)
        fast = scan(m)
        for name in ("names", "strings", "comments", "imports", "calls", "assigns", "classes", "expr_lines", "dicts"):
            assert [id(n) for n in getattr(fast, name)] == [id(n) for n in getattr(slow, name)], name
        assert fast.parent == slow.parent
        assert (fast.docstrings, fast.all_strings, fast.star_import) == (slow.docstrings, slow.all_strings, slow.star_import)


def test_fast_positions_are_libcsts_positions():
    from libcst.metadata import PositionProvider

    from runsmig.languages.python.positions import FastPositionProvider

    for m in _parse_all()[:30]:
        slow = MetadataWrapper(m, unsafe_skip_copy=True).resolve(PositionProvider)
        fast = MetadataWrapper(m, unsafe_skip_copy=True).resolve(FastPositionProvider)
        assert {id(k): v for k, v in fast.items()} == {id(k): v for k, v in slow.items()}
    crlf = cst.parse_module("x = (\r\n  1)\r\ny = '''a\rb'''\n")  # line breaks inside tokens
    slow = MetadataWrapper(crlf, unsafe_skip_copy=True).resolve(PositionProvider)
    fast = MetadataWrapper(crlf, unsafe_skip_copy=True).resolve(FastPositionProvider)
    assert {id(k): v for k, v in fast.items()} == {id(k): v for k, v in slow.items()}
