"""Uses of checkout classes that the class does not have (follow-ups).

After ``JobsRepository`` is pointed at its counterpart ``RunsRepository``, a call
``repo.latest_runs_for_documents()`` or ``Run(retry_of_run_id=...)`` may name a
member the counterpart lacks. For every class imported from a checkout module
this lists: keywords of a direct constructor call, ``Class.attr``, and
``obj.attr`` where ``obj`` (a local or a ``self.`` attribute) was assigned
``Class(...)`` — when the member is not declared in the class or its checkout
bases. Names are compared after the term rewrite, so the check gives the same
answer before and after apply. Classes with a third-party base (other than
``Enum``) are only checked for constructor keywords, and only when the call
uses at least one declared field (a field-based constructor).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import libcst as cst

from runsmig import deps
from runsmig.languages.python.modules import ModuleIndex
from runsmig.languages.python.scan import walk
from runsmig.textio import read_file

ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "str", "int", "object"}


@dataclass
class ClassInfo:
    members: set[str] = field(default_factory=set)  # fields, methods, class attrs, self.<x> attributes
    fields: set[str] = field(default_factory=set)  # annotated/assigned class attributes + __init__ params
    open_kwargs: bool = False  # __init__(**kwargs)
    third_party_base: bool = False


def _tree(root: Path, rel: str) -> ast.Module | None:
    deps.note(rel)
    return _parsed(root, rel)


@lru_cache(maxsize=2048)
def _parsed(root: Path, rel: str) -> ast.Module | None:
    try:
        return ast.parse(read_file(root / rel))
    except (OSError, SyntaxError, ValueError):
        return None


_CLASSES: dict[tuple, ClassInfo | None] = {}


def class_info(idx: ModuleIndex, root: Path, rel: str, name: str) -> ClassInfo | None:
    key = (id(idx), root, rel, name)
    if key not in _CLASSES:
        if len(_CLASSES) > 4096:
            _CLASSES.clear()
        _CLASSES[key] = _class_info(idx, root, rel, name, 0)
    return _CLASSES[key]


def _class_info(idx: ModuleIndex, root: Path, rel: str, name: str, depth: int) -> ClassInfo | None:
    tree = _tree(root, rel)
    if tree is None or depth > 6:
        return None
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
    if cls is None:  # a re-export: from .mixins import ULIDPrimaryKeyMixin
        for n in tree.body:
            if isinstance(n, ast.ImportFrom) and any((a.asname or a.name) == name for a in n.names):
                orig = next(a.name for a in n.names if (a.asname or a.name) == name)
                res = idx.resolve(n.module or "", rel, n.level)
                if not res.external and res.rel is not None:
                    return _class_info(idx, root, res.rel, orig, depth + 1)
        return None
    info = ClassInfo()
    for st in cls.body:
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
            info.members.add(st.name)
            if st.decorator_list:  # @declared_attr, @property, @hybrid_property: may be a constructor field
                info.fields.add(st.name)
            if st.name == "__init__":
                args = st.args
                info.fields.update(a.arg for a in args.args[1:] + args.kwonlyargs)
                info.open_kwargs = args.kwarg is not None
            for node in ast.walk(st):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
                    info.members.add(node.attr)
        elif isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name):
            info.fields.add(st.target.id)
        elif isinstance(st, ast.Assign):
            for t in st.targets:
                if isinstance(t, ast.Name):
                    info.fields.add(t.id)
        elif isinstance(st, ast.ClassDef):
            info.members.add(st.name)
    info.members |= info.fields
    imports = {a.asname or a.name: (n, a.name) for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names}
    for base in cls.bases:
        bname = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else None
        if bname is None:
            continue
        if bname in ENUM_BASES:
            continue
        sub = None
        if isinstance(base, ast.Name) and any(isinstance(n, ast.ClassDef) and n.name == bname for n in tree.body):
            sub = _class_info(idx, root, rel, bname, depth + 1)
        elif isinstance(base, ast.Name) and bname in imports:
            node, orig = imports[bname]
            res = idx.resolve(node.module or "", rel, node.level)
            if res.external:
                info.third_party_base = True  # BaseModel, DeclarativeBase, ...: fields are still declared here
                continue
            if res.rel is not None:
                sub = _class_info(idx, root, res.rel, orig, depth + 1)
        if sub is None:
            return None  # a base we cannot see: do not guess

        info.members |= sub.members
        info.fields |= sub.fields
        info.open_kwargs |= sub.open_kwargs
        info.third_party_base |= sub.third_party_base
    return info


@dataclass
class MissingUse:
    node: cst.Name
    cls: str
    member: str


def missing_uses(refs: list[cst.Name], cls_name: str, info: ClassInfo, parent: dict[int, cst.CSTNode],
                 rewrite, symbol_of, skip: set[int]) -> list[MissingUse]:
    out: list[MissingUse] = []
    members = {rewrite(m) for m in info.members}
    fields = {rewrite(m) for m in info.fields}
    for ref in refs:
        p = parent.get(id(ref))
        if isinstance(p, cst.Attribute) and p.value is ref:
            if not info.third_party_base and rewrite(p.attr.value) not in members and id(p.attr) not in skip:
                out.append(MissingUse(p.attr, cls_name, p.attr.value))
            continue
        if not (isinstance(p, cst.Call) and p.func is ref):
            continue
        kws = [a.keyword for a in p.args if a.keyword is not None and id(a.keyword) not in skip]
        if kws and not info.open_kwargs and any(rewrite(k.value) in fields for k in kws):
            out += [MissingUse(k, cls_name, k.value) for k in kws if rewrite(k.value) not in fields]
        if info.third_party_base:
            continue
        gp = parent.get(id(p))
        if isinstance(gp, cst.Assign) and gp.value is p and len(gp.targets) == 1:
            target = gp.targets[0].target
            for use in _instance_uses(target, parent, symbol_of, ref.value):
                if rewrite(use.value) not in members and id(use) not in skip:
                    out.append(MissingUse(use, cls_name, use.value))
    return out


def _instance_uses(target: cst.CSTNode, parent: dict[int, cst.CSTNode], symbol_of, cls_name: str) -> list[cst.Name]:
    """``v.m`` for ``v = Class(...)``; ``self.a.m`` for ``self.a = Class(...)`` in the same class.
    Only when every binding of ``v`` (or ``self.a``) is such a call: a variable that may hold one of
    several classes (assigned on sibling branches) is not guessed about."""
    out: list[cst.Name] = []
    if isinstance(target, cst.Name):
        sym = symbol_of.get(id(target))
        nodes = sym.nodes if sym is not None else []
        if not all(_binds_call_of(n, parent, cls_name) for n in nodes if _is_binding(n, parent)):
            return []
        for n in nodes:
            p = parent.get(id(n))
            if isinstance(p, cst.Attribute) and p.value is n:
                out.append(p.attr)
        return out
    if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
        owner = target
        while owner is not None and not isinstance(owner, cst.ClassDef):
            owner = parent.get(id(owner))
        if owner is None:
            return out
        attr = target.attr.value
        for n in walk(owner):
            if not isinstance(n, cst.Attribute):
                continue
            if (isinstance(n.value, cst.Name) and n.value.value == "self" and n.attr.value == attr
                    and _is_binding(n, parent) and not _binds_call_of(n, parent, cls_name)):
                return []  # self.<attr> may hold something else too
            if (isinstance(n.value, cst.Attribute) and isinstance(n.value.value, cst.Name)
                    and n.value.value.value == "self" and n.value.attr.value == attr):
                out.append(n.attr)
    return out


def _is_binding(node: cst.CSTNode, parent: dict[int, cst.CSTNode]) -> bool:
    """``node`` is assigned to (an assignment target, a loop or ``with`` target, ...)."""
    p = parent.get(id(node))
    if isinstance(p, (cst.AssignTarget, cst.For, cst.AsName, cst.CompFor, cst.NamedExpr)):
        return getattr(p, "target", getattr(p, "name", None)) is node
    if isinstance(p, (cst.AnnAssign, cst.AugAssign)):
        return p.target is node
    if isinstance(p, (cst.Tuple, cst.List, cst.Element, cst.StarredElement)):
        return True  # unpacking: assigned something we do not follow
    return isinstance(p, cst.Param) and p.name is node


def _binds_call_of(node: cst.CSTNode, parent: dict[int, cst.CSTNode], cls: str) -> bool:
    """``node = cls(...)`` (the only shape whose class we know)."""
    p = parent.get(id(node))
    gp = parent.get(id(p)) if p is not None else None
    if not (isinstance(p, cst.AssignTarget) and isinstance(gp, cst.Assign) and len(gp.targets) == 1):
        return False
    v = gp.value
    return isinstance(v, cst.Call) and isinstance(v.func, cst.Name) and v.func.value == cls
