"""The old names as type checkers see them (issue #22, item 2: PEP 702).

The runtime aliases (runsmig.compat.pyruntime: module ``__getattr__``, descriptors set on classes)
are invisible to a type checker, which would report a use of an old name as an unknown attribute
and never as deprecated. So each hooked module also declares its old names in a block that only a
type checker reads, ``if __import__("typing").TYPE_CHECKING:`` (mypy, pyright and ty match any
attribute named ``TYPE_CHECKING``; nothing is imported or bound at run time):

- a renamed function: a stub with the new function's own signature (decorators such as
  ``@overload`` kept, the body ``...``) under ``@deprecated`` (``typing_extensions``, which every
  type checker bundles: the package gains no dependency), so uses are flagged;
- a renamed method or property: the same, in a marked block at the end of its class; a renamed
  instance attribute: a deprecated property typed like the new attribute (``Any`` when it is not
  annotated), with a setter;
- a renamed class, constant or class attribute: ``Old = New`` (PEP 702 cannot flag an alias; the
  name is known and typed, and the runtime alias warns).

Classes whose body is a type's declaration (``Protocol``, ``TypedDict``, ``NamedTuple``) get no
block: a member added there would change the type. Renamed keyword parameters are not declared (a
type checker still reports the old keyword; at run time it works with a warning).

Interface: ``module_lines(text, names, release, quote, package, olds_of, width) -> list[str]`` (lines for
the module's hook block); ``with_class_blocks(text, members, release, nl, quote, width) -> str``;
``shim_lines(new_module, olds, quote) -> list[str]``; ``guard(quote) -> str``.
"""

from __future__ import annotations

import libcst as cst

from runsmig.compat import marker

_KEEP_DECORATORS = {"property", "staticmethod", "classmethod", "overload", "cached_property"}
_DECLARATIONS = {"Protocol", "TypedDict", "NamedTuple"}
_EMPTY = cst.Module([])
# a module that re-exports an old name under its old name is not a use of it (file-wide comments of
# mypy and pyright, inside the marked block so that ``compat drop`` takes them away)
QUIET = ['# mypy: disable-error-code="deprecated"', "# pyright: reportDeprecated=false"]


def guard(quote: str = '"') -> str:
    """The condition only a type checker takes (any attribute named ``TYPE_CHECKING``)."""
    return f"if __import__({quote}typing{quote}).TYPE_CHECKING:  # the old names for type checkers (PEP 702)"


def _message(new: str, release: str, quote: str) -> str:
    """The deprecation's text as a string literal (a name and a release: no quote inside); a type
    checker names the old function, method or class itself ("The method x in class Y is deprecated")."""
    return f"{quote}Use {new} instead; removed in {release}{quote}"


def _deco_name(d: cst.Decorator) -> str:
    node = d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator
    return node.attr.value if isinstance(node, cst.Attribute) else node.value if isinstance(node, cst.Name) else ""


def _stubs(funcs: list[cst.FunctionDef], old: str, new: str, msg: str, indent: str, width: int) -> list[str]:
    """Every definition of ``new`` (overloads, a property's getter and setter) under the old name. A
    getter followed by a setter takes ``@_deprecated`` above ``@property``: below it, mypy and pyright
    forget it once the setter is defined (pyright then flags reads and writes; mypy writes only)."""
    setters = any(_deco_name(d) == "setter" for fn in funcs for d in fn.decorators)
    out: list[str] = []
    for fn in funcs:
        stub = _stub(fn, old, new, msg)
        if setters and any(_deco_name(d) == "property" for d in stub.decorators):
            *rest, mark = stub.decorators
            stub = stub.with_changes(decorators=[mark, *rest])
        out += _code(stub, indent, width)
    return out


def _stub(fn: cst.FunctionDef, old: str, new: str, msg: str) -> cst.FunctionDef:
    """``fn`` under the old name: decorators a type checker reads kept (``@new.setter`` -> ``@old.setter``),
    ``@_deprecated(msg)`` innermost, the body ``...``."""
    decorators = []
    for d in fn.decorators:
        name = _deco_name(d)
        if name in ("setter", "getter", "deleter") and isinstance(d.decorator, cst.Attribute) \
                and isinstance(d.decorator.value, cst.Name) and d.decorator.value.value == new:
            decorators.append(d.with_changes(decorator=d.decorator.with_changes(value=cst.Name(old))))
        elif name in _KEEP_DECORATORS:
            decorators.append(d)
    decorators.append(cst.Decorator(cst.Call(cst.Name("_deprecated"), [cst.Arg(cst.SimpleString(msg))])))
    return fn.with_changes(name=cst.Name(old), decorators=decorators, leading_lines=[],
                           body=cst.SimpleStatementSuite([cst.Expr(cst.Ellipsis())]))


def _code(stub: cst.FunctionDef, indent: str, width: int) -> list[str]:
    """The stub's lines at ``indent``; a signature longer than ``width`` (the project's line length)
    gets one parameter a line, with a trailing comma, as formatters lay it out."""
    lines = [indent + ln if ln else ln for ln in _EMPTY.code_for_node(stub).rstrip("\n").split("\n")]
    if all(len(ln) <= width for ln in lines):
        return lines
    deco = [indent + _EMPTY.code_for_node(d).strip() for d in stub.decorators]
    ps = stub.params
    parts = [_param(p) for p in ps.posonly_params] + (["/"] if ps.posonly_params else [])
    parts += [_param(p) for p in ps.params]
    if isinstance(ps.star_arg, cst.Param):
        parts.append(_param(ps.star_arg))
    elif isinstance(ps.star_arg, cst.ParamStar):
        parts.append("*")
    parts += [_param(p) for p in ps.kwonly_params]
    if isinstance(ps.star_kwarg, cst.Param):
        parts.append(_param(ps.star_kwarg))
    if any("\n" in p for p in parts):
        return lines  # a default written over several lines: left as written
    ret = f" -> {_EMPTY.code_for_node(stub.returns.annotation)}" if stub.returns else ""
    head = f"{indent}{'async ' if stub.asynchronous else ''}def {stub.name.value}("
    return deco + [head] + [f"{indent}    {p}," for p in parts] + [f"{indent}){ret}: ..."]


def _param(p: cst.Param) -> str:
    return _EMPTY.code_for_node(p.with_changes(comma=cst.MaybeSentinel.DEFAULT)).strip()


def _top_defs(body) -> dict[str, list]:
    """name -> top-level statements (defs, classes, assignments) of a module or class body, looking
    into ``if``/``try`` blocks."""
    out: dict[str, list] = {}

    def walk(stmts):
        for s in stmts:
            if isinstance(s, (cst.FunctionDef, cst.ClassDef)):
                out.setdefault(s.name.value, []).append(s)
            elif isinstance(s, cst.If):
                walk(s.body.body)
                if isinstance(s.orelse, cst.Else):
                    walk(s.orelse.body.body)
            elif isinstance(s, cst.Try):
                walk(s.body.body)
            elif isinstance(s, cst.SimpleStatementLine):
                for small in s.body:
                    if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                        for a in small.names:
                            if isinstance(a.name, cst.Name):
                                bound = a.asname.name.value if a.asname and isinstance(a.asname.name, cst.Name) \
                                    else a.name.value
                                out.setdefault(bound, []).append(_Imported(small, a.name.value))
                    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else \
                        [small.target] if isinstance(small, cst.AnnAssign) else []
                    for t in targets:
                        if isinstance(t, cst.Name):
                            out.setdefault(t.value, []).append(small)
    walk(body)
    return out


class _Imported:
    """A name bound by ``from M import name``: ``source`` is the name in M."""

    def __init__(self, node: cst.ImportFrom, source: str):
        self.node, self.source = node, source

    def module(self, package: str) -> tuple[str, str]:
        """(M as written, M absolute) for a module of ``package`` (relative imports resolved)."""
        dots = "." * len(self.node.relative)
        written = dots + (_EMPTY.code_for_node(self.node.module) if self.node.module else "")
        base = package.split(".")
        if dots:
            base = base[:len(base) - len(dots) + 1]
            absolute = ".".join(base + ([written.lstrip(".")] if written.lstrip(".") else []))
        else:
            absolute = written
        return written, absolute


def _declared(names: dict[str, str], defs: dict[str, list], release: str, indent: str, quote: str,
              package: str, olds_of, width: int) -> list[str]:
    aliases: list[str] = []
    stubs: list[list[str]] = []
    for old, new in sorted(names.items()):
        found = defs.get(new, [])
        funcs = [d for d in found if isinstance(d, cst.FunctionDef)]
        if funcs:
            stubs.append(_stubs(funcs, old, new, _message(new, release, quote), indent, width))
        elif found and isinstance(found[-1], _Imported) and olds_of is not None:
            written, absolute = found[-1].module(package)
            there = {n: o for o, n in (olds_of(absolute) or {}).items()}
            source_old = there.get(found[-1].source)
            aliases.append(f"{indent}from {written} import {source_old} as {old}" if source_old
                           else f"{indent}{old} = {new}")
        elif found:
            aliases.append(f"{indent}{old} = {new}")
    return _joined(aliases, stubs)


def _joined(aliases: list[str], stubs: list[list[str]]) -> list[str]:
    """Aliases first, then each name's stubs (a property's getter and setter, overloads: together),
    a blank line between groups, as formatters lay out nested definitions."""
    out = list(aliases)
    for group in stubs:
        out += ([""] if out else []) + group
    return out


def _header(indent: str, lines: list[str], quote: str, needs_any: bool = False) -> list[str]:
    """The guard, the imports the lines need (only a type checker runs them), then the lines."""
    if not lines:
        return []
    inner = indent + "    "
    head = [indent + guard(quote)]
    if needs_any:
        head.append(f"{inner}from typing_extensions import Any as _Any")
    if any(ln.lstrip().startswith("@_deprecated(") for ln in lines):
        head.append(f"{inner}from typing_extensions import deprecated as _deprecated")
    return head + [""] + lines if len(head) > 1 else head + lines


def module_lines(text: str, names: dict[str, str], release: str, quote: str = '"', package: str = "",
                 olds_of=None, width: int = 88) -> list[str]:
    """The type-checker block for a module's renamed top-level names (``{old: new}``), or [].
    ``package``: the package relative imports start from; ``olds_of(module) -> {old: new}``: the
    names another module declares, so a re-exported name is imported under its old name there (and
    stays flagged) rather than made an alias."""
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return []
    declared = _declared(names, _top_defs(module.body), release, "    ", quote, package, olds_of, width)
    lines = _header("", declared, quote)
    return QUIET + lines if any(ln.lstrip().startswith("from ") and " as " in ln for ln in lines) else lines


def _annotation(cls: cst.ClassDef, name: str) -> str | None:
    """The annotation of attribute ``name``: ``name: T`` in the class body or ``self.name: T`` in a method."""
    for node in _walk(cls):
        if isinstance(node, cst.AnnAssign):
            t = node.target
            if (isinstance(t, cst.Name) and t.value == name) or (
                    isinstance(t, cst.Attribute) and t.attr.value == name and isinstance(t.value, cst.Name)
                    and t.value.value == "self"):
                return _EMPTY.code_for_node(node.annotation.annotation)
    return None


def _walk(node: cst.CSTNode):
    yield node
    for child in node.children:
        yield from _walk(child)


def _is_declaration(cls: cst.ClassDef) -> bool:
    for base in cls.bases:
        v = base.value.value if isinstance(base.value, cst.Subscript) else base.value
        name = v.attr.value if isinstance(v, cst.Attribute) else v.value if isinstance(v, cst.Name) else ""
        if name in _DECLARATIONS:
            return True
    return False


def _class_lines(cls: cst.ClassDef, members: dict[str, str], release: str, indent: str, quote: str,
                 width: int) -> list[str]:
    inner = indent + "    "
    defs = _top_defs(cls.body.body) if isinstance(cls.body, cst.IndentedBlock) else {}
    aliases: list[str] = []
    stubs: list[list[str]] = []
    needs_any = False
    for old, new in sorted(members.items()):
        msg = _message(new, release, quote)
        found = defs.get(new, [])
        funcs = [d for d in found if isinstance(d, cst.FunctionDef)]
        if funcs:
            stubs.append(_stubs(funcs, old, new, msg, inner, width))
        elif any(isinstance(d, cst.Assign) or (isinstance(d, cst.AnnAssign) and d.value is not None) for d in found) \
                or any(isinstance(d, cst.ClassDef) for d in found):
            aliases.append(f"{inner}{old} = {new}")
        else:  # an instance attribute: a deprecated property typed like it
            ann = _annotation(cls, new)
            if ann is None:
                ann, needs_any = "_Any", True
            stubs.append([f"{inner}@_deprecated({msg})", f"{inner}@property", f"{inner}def {old}(self) -> {ann}: ...",
                          f"{inner}@{old}.setter", f"{inner}@_deprecated({msg})",
                          f"{inner}def {old}(self, value: {ann}) -> None: ..."])
    return _header(indent, _joined(aliases, stubs), quote, needs_any)


def with_class_blocks(text: str, members: dict[str, dict[str, str]], release: str, nl: str = "\n",
                      quote: str = '"', width: int = 88) -> str:
    """``text`` with a marked type-checker block at the end of each class of ``members``
    (``{class: {old member: new member}}``), for top-level classes found with an indented body."""
    if not members:
        return text
    try:
        wrapper = cst.MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    except cst.ParserSyntaxError:
        return text
    positions = wrapper.resolve(cst.metadata.PositionProvider)
    spots: list[tuple[int, list[str]]] = []
    for stmt in wrapper.module.body:
        if not isinstance(stmt, cst.ClassDef) or stmt.name.value not in members or _is_declaration(stmt) \
                or not isinstance(stmt.body, cst.IndentedBlock) or not stmt.body.body:
            continue
        indent = " " * (positions[stmt.body.body[0]].start.column)
        lines = _class_lines(stmt, members[stmt.name.value], release, indent, quote, width)
        if lines:
            # after a blank line, as formatters separate a statement from the method before it;
            # ``compat drop`` takes that line with an indented block
            block = ["", indent + marker.begin(release, "#") + " (type checkers)"] + lines + [indent + marker.end("#")]
            spots.append((positions[stmt].end.line, block))
    if not spots:
        return text
    out = text.splitlines(keepends=True)
    for end, block in sorted(spots, reverse=True):
        if end - 1 < len(out) and not out[end - 1].endswith(("\n", "\r")):
            out[end - 1] += nl
        out[end:end] = [ln + nl for ln in block]
    return "".join(out)


def shim_lines(new_module: str, olds: list[str], quote: str = '"') -> list[str]:
    """What the old module's file shows a type checker: the new module, and its old names."""
    lines = QUIET + [guard(quote), f"    from {new_module} import *  # noqa: F401,F403"]
    lines += [f"    from {new_module} import {o} as {o}  # noqa: F401" for o in sorted(olds)]
    return lines


__all__ = ["guard", "module_lines", "shim_lines", "with_class_blocks"]
