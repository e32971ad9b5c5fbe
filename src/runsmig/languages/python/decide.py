"""Which Python names must NOT be renamed, and why (scope- and origin-aware).

* ``external``: bound by a third-party import, or an attribute/keyword hanging
  off one (``Job.fetch``, ``scheduler.add_job(...)``, ``Parallel(n_jobs=2)``),
  including through a local variable assigned from such a call, and a parameter or
  variable annotated with such a class (``def on_event(event: JobEvent)``: ``event.job_id``;
  not ``Any`` or ``object``, nor a union that also names a checkout class). Only while what it
  binds to resolves outside the checkout: once a call is handed checkout code
  (``functools.partial(own_fn, job_id=1)``, ``typing.cast(Own, x).jobs``,
  ``executor.submit(own_fn, job_id=1)``), or a variable is annotated with or narrowed
  by ``isinstance`` to a checkout class, the keyword or attribute is ours (or judged
  against that code's parameters and members, see :meth:`Decider._judge`);
* ``follow-up``: bound by an import of a removed module with no counterpart,
  or a name that is not bound anywhere (its import was removed earlier), or a
  keyword/attribute whose owner (ours or third-party) cannot be decided;
* ``conflict``: the new name already exists in the same scope (``job_summary``
  → ``run_summary`` next to an existing ``run_summary``), a call would get two
  equal keywords, or a ``self`` attribute would collide — unless the recipe maps
  the name explicitly (``symbols:``) or two imports merge into one.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata.scope_provider import (
    Assignment,
    ClassScope,
    ImportAssignment,
    Scope,
)

from runsmig.languages.python.capture import captures, declared_names, pattern_names
from runsmig.languages.python.imports import AliasRec, ImportRec
from runsmig.languages.python.scan import Scan, chain_names, walk

BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__path__", "__package__",
                                       "__builtins__", "__loader__", "__annotations__", "__dict__", "__module__",
                                       "__qualname__", "__class__"}


@dataclass
class Symbol:
    scope: Scope
    name: str
    nodes: list[cst.Name] = field(default_factory=list)
    aliases: list[tuple[ImportRec, AliasRec]] = field(default_factory=list)
    assigned: bool = False  # any non-import binding


@dataclass
class Keep:
    reason: str  # external, conflict, follow-up
    message: str = ""
    replacement: str | None = None
    group: int = 0  # id of the symbol (one message per group)


EXTERNAL, OURS = "external", "ours"  # what a link of a chain belongs to (else: a list of checkout targets)
TYPED_BY_FIRST = frozenset({"cast"})  # typing.cast(T, x): the result is a T
# wrappers whose keywords (and result) belong to the callable they are handed first
FORWARDERS = frozenset({"partial", "partialmethod", "wraps", "update_wrapper", "to_thread", "submit",
                        "run_in_threadpool", "run_sync"})
# functools wrappers with no keyword parameters of their own: every keyword they get is the wrapped
# callable's, bound exactly as in a direct call of it (so decided like one, even when it is unknown)
BINDERS = frozenset({"partial", "partialmethod"})


class Decider:
    def __init__(self, scan: Scan, scopes, imports: list[ImportRec], engine, explicit: dict[str, str],
                 describe=None):
        self.describe = describe  # (checkout module or None for this file, name) -> targets.Target | None
        self.notes: dict[int, str] = {}  # id(Name) renamed with checkout code it reaches through a third-party call
        self.scan = scan
        self.scopes = scopes
        self.imports = imports
        self.engine = engine
        self.explicit = explicit
        self.keep: dict[int, Keep] = {}
        self.merged: set[int] = set()  # id(ImportAlias) dropped as duplicates
        self.external_names: dict[str, cst.Name] = {}
        self.symbol_of: dict[int, Symbol] = {}
        self.symbols: list[Symbol] = []
        self.declared: list = []  # (name, scope, binding) of each global/nonlocal name
        self._alias_of_stmt: dict[int, list[tuple[ImportRec, AliasRec]]] = {}
        for rec in imports:
            self._alias_of_stmt[id(rec.stmt)] = [(rec, a) for a in rec.aliases]

    # -- symbols ----------------------------------------------------------------
    def build_symbols(self) -> None:
        seen_scopes = {id(s): s for s in self.scopes.values() if s is not None}
        table: dict[tuple[int, str], Symbol] = {}
        for scope in seen_scopes.values():
            for asg in scope.assignments:
                if asg.scope is not scope:
                    continue
                key = (id(scope), asg.name)
                sym = table.get(key)
                if sym is None:
                    sym = table[key] = Symbol(scope, asg.name)
                    self.symbols.append(sym)
                self._bind(sym, asg)
        self._forward_references(seen_scopes, table)
        self.declared = declared_names(self.scan.names, self.scan.parent, self.scopes)
        for node, _, (where, *name) in self.declared:
            if name and (where, name[0]) in table:  # ``global job_id``: the name follows its binding
                table[(where, name[0])].nodes.append(node)
        for sym in self.symbols:
            for n in sym.nodes:
                self.symbol_of.setdefault(id(n), sym)

    def _forward_references(self, scopes: dict[int, Scope], table: dict[tuple[int, str], Symbol]) -> None:
        """A use before its binding (``def f() -> Job`` above ``class Job`` under ``from __future__
        import annotations``, a forward reference in a default or decorator) has no referents in
        LibCST's scope analysis; it still names that binding, so it follows its rename."""
        for scope in scopes.values():
            for acc in scope.accesses:
                node = acc.node
                if not isinstance(node, cst.Name) or acc.referents:
                    continue
                cur, first = scope, True
                while cur is not None:
                    if first or not isinstance(cur, ClassScope):
                        sym = table.get((id(cur), node.value))
                        if sym is not None:
                            sym.nodes.append(node)
                            break
                    parent = getattr(cur, "parent", None)
                    cur, first = (None if parent is cur else parent), False

    def _bind(self, sym: Symbol, asg) -> None:
        node = asg.node
        if isinstance(asg, ImportAssignment):
            for rec, a in self._alias_of_stmt.get(id(node), []):
                if a.bound == asg.name or (isinstance(rec.stmt, cst.Import) and a.alias.asname is None
                                           and a.source.split(".")[0] == asg.name.split(".")[0]):
                    if (rec, a) not in sym.aliases:
                        sym.aliases.append((rec, a))
                        sym.nodes += a.binding_names
        else:
            sym.assigned = True
            if isinstance(node, cst.Name):
                sym.nodes.append(node)
            elif isinstance(getattr(node, "name", None), cst.Name):
                sym.nodes.append(node.name)
        for acc in asg.references:
            if isinstance(acc.node, cst.Name):
                sym.nodes.append(acc.node)
            elif isinstance(acc.node, cst.Attribute):
                sym.nodes += chain_names(acc.node)[:1]

    # -- decisions ----------------------------------------------------------------
    def run(self) -> None:
        self.build_symbols()
        self._externals()
        self._follow_ups()
        self._conflicts()
        self._keywords()
        self._self_attributes()
        self._unbound()
        self._captures()

    def _mark(self, node: cst.Name, keep: Keep) -> None:
        if id(node) not in self.keep:
            self.keep[id(node)] = keep

    def _externals(self) -> None:
        typed: list[Symbol] = []
        for rec in self.imports:
            for a in rec.aliases:
                if a.status != "external":
                    continue
                for n in chain_names(a.alias.name) + a.binding_names:
                    self._mark(n, Keep("external"))
                if isinstance(rec.stmt, cst.ImportFrom):
                    for n in chain_names(rec.stmt.module):
                        self._mark(n, Keep("external"))
        for sym in self.symbols:
            if sym.aliases and all(a.status == "external" for _, a in sym.aliases) and not sym.assigned:
                for n in sym.nodes:
                    self._mark(n, Keep("external"))
                    typed += self._chain(n, keep_self=True)
            elif self._annotated_theirs(sym):
                typed.append(sym)  # ``def f(event: JobEvent)``: ``event.job_id`` is the package's
        # a local variable assigned from a third-party call: its attributes are third-party too
        done: set[int] = set()
        while typed:
            sym = typed.pop()
            if id(sym) in done:
                continue
            done.add(id(sym))
            if self._annotated_ours(sym):
                continue  # ``x: Own = ...``, ``def f(x: Own)``: what it holds is ours
            for n in sym.nodes:
                if not self._narrowed(n):
                    typed += self._chain(n, keep_self=False)

    def _annotated_ours(self, sym: Symbol) -> bool:
        """A binding of ``sym`` is annotated with a class of the checkout."""
        return any(self._names_ours(ann.annotation) for ann in self._annotations(sym))

    def _annotations(self, sym: Symbol):
        """The annotations written on the bindings of ``sym`` (``x: T = ...``, ``def f(x: T)``)."""
        for n in sym.nodes:
            p = self.scan.parent.get(id(n))
            if isinstance(p, cst.AnnAssign) and p.target is n or isinstance(p, cst.Param) and p.name is n:
                if p.annotation is not None:
                    yield p.annotation

    def _annotated_theirs(self, sym: Symbol) -> bool:
        """A binding of ``sym`` is annotated with a third-party class (and none with ours): what
        it holds is an instance of the package's, so are its attributes."""
        found = False
        for ann in self._annotations(sym):
            if self._names_ours(ann.annotation) or not self._names_theirs(ann.annotation):
                return False
            found = True
        return found

    def _names_theirs(self, expr: cst.CSTNode) -> bool:
        """``Pkg``, ``mod.Pkg``, ``"Pkg"``, ``Pkg | None``, ``Optional[Pkg]``, ``Union[Pkg, Other]``
        where every class named is third-party; never ``Any`` or ``object`` (anything at all)."""
        if isinstance(expr, cst.BinaryOperation):
            parts = [x for x in (expr.left, expr.right) if not (isinstance(x, cst.Name) and x.value == "None")]
            return bool(parts) and all(self._names_theirs(x) for x in parts)
        if isinstance(expr, cst.Subscript):
            head = self._callee_name(expr.value)
            if head in ("Optional", "Union", "Annotated"):
                inner = [el.slice.value for el in expr.slice if isinstance(el.slice, cst.Index)]
                if head == "Annotated":
                    inner = inner[:1]
                inner = [x for x in inner if not (isinstance(x, cst.Name) and x.value == "None")]
                return bool(inner) and all(self._names_theirs(x) for x in inner)
            return self._names_theirs(expr.value)
        if isinstance(expr, (cst.Name, cst.Attribute)) and self._callee_name(expr) in ("Any", "object"):
            return False
        return self._owner(expr) is EXTERNAL

    def _names_ours(self, expr: cst.CSTNode) -> bool:
        """``Own``, ``mod.Own``, ``"Own"``, ``Own | None``, ``Optional[Own]``, ``(Own, Other)``."""
        if isinstance(expr, cst.BinaryOperation):
            return self._names_ours(expr.left) or self._names_ours(expr.right)
        if isinstance(expr, (cst.Tuple, cst.List)):
            return any(self._names_ours(el.value) for el in expr.elements)
        if isinstance(expr, cst.Subscript):
            return any(isinstance(el.slice, cst.Index) and self._names_ours(el.slice.value) for el in expr.slice)
        return self._owner(expr) is OURS

    def _narrowed(self, node: cst.Name) -> bool:
        """``node`` is used where ``isinstance(<it>, Own)`` holds: in the body of such an ``if``,
        or after such an ``assert`` in an enclosing block."""
        parent = self.scan.parent
        child: cst.CSTNode = node
        cur = parent.get(id(node))
        while cur is not None:
            if isinstance(cur, cst.If) and child is cur.body and self._isinstance_ours(cur.test, node.value):
                return True
            body = getattr(cur, "body", None)
            if isinstance(body, (list, tuple)) and isinstance(cur, (cst.IndentedBlock, cst.Module)):
                for st in body:
                    if st is child:
                        break
                    if isinstance(st, cst.SimpleStatementLine) and any(
                            isinstance(x, cst.Assert) and self._isinstance_ours(x.test, node.value) for x in st.body):
                        return True
            child, cur = cur, parent.get(id(cur))
        return False

    def _isinstance_ours(self, test: cst.CSTNode, name: str) -> bool:
        if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
            return self._isinstance_ours(test.left, name) or self._isinstance_ours(test.right, name)
        return (isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and test.func.value == "isinstance"
                and len(test.args) == 2 and isinstance(test.args[0].value, cst.Name)
                and test.args[0].value.value == name and self._names_ours(test.args[1].value))

    def _chain(self, node: cst.CSTNode, keep_self: bool) -> list[Symbol]:
        """Mark what hangs off a third-party name (attributes, call keywords) as third-party, link by
        link, until a call hands it checkout code: from there on what a keyword or attribute binds
        to is ours (``partial(own_fn, job_id=1)``, ``cast(Own, x).jobs``) or judged against the
        checkout code it was handed (:meth:`_judge`). The symbols assigned a third-party result
        are returned (their attributes are third-party too)."""
        parent = self.scan.parent
        cur = node
        moved = False
        state: object = EXTERNAL  # EXTERNAL, OURS, or the list of checkout targets it may bind to
        settings = keep_self and self._django_settings(node)
        while True:
            p = parent.get(id(cur))
            if isinstance(p, cst.Attribute) and p.value is cur:
                if settings and not moved and p.attr.value.isupper():
                    state = OURS  # ``settings.NAME``: a setting the project (or a deployment) defines
                elif state is EXTERNAL:
                    self._mark(p.attr, Keep("external"))
                elif state is not OURS:
                    self._judge(p.attr, state, "member")
                moved = True
            elif isinstance(p, cst.Call) and p.func is cur:
                state = self._call(p, cur, state)
                moved = True
            elif isinstance(p, (cst.Subscript, cst.Await)):
                pass
            else:
                break
            cur = p
        out: list[Symbol] = []
        p = parent.get(id(cur))
        if state is not EXTERNAL:
            return out  # functools.partial(OurClass, ...), cast(OurClass, x): the result is ours, not theirs
        if (moved or keep_self) and isinstance(p, cst.Assign) and p.value is cur:
            for t in p.targets:
                if isinstance(t.target, cst.Name):
                    sym = self.symbol_of.get(id(t.target))
                    if sym is not None:
                        out.append(sym)
        return out

    def _django_settings(self, name: cst.CSTNode) -> bool:
        """``name`` is Django's settings object (``from django.conf import settings [as s]``): its
        upper-case attributes are the settings the project and its deployments define, not Django's
        API; they are renamed with the settings modules and the ``getattr(settings, "NAME")`` reads."""
        sym = self.symbol_of.get(id(name)) if isinstance(name, cst.Name) else None
        return sym is not None and not sym.assigned and bool(sym.aliases) and all(
            isinstance(rec.stmt, cst.ImportFrom) and rec.old_module == (0, "django.conf") and a.source == "settings"
            for rec, a in sym.aliases)

    def _call(self, call: cst.Call, func: cst.CSTNode, state: object) -> object:
        """One call in a chain: mark or judge its keywords; what its result belongs to."""
        kws = [a for a in call.args if a.keyword is not None]
        if state is OURS:
            return OURS
        if state is not EXTERNAL:
            for a in kws:
                self._judge(a.keyword, state, "param")
            return state
        kind = self._callee_name(func)
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        if kind in TYPED_BY_FIRST and positional:
            owner = self._owner(positional[0])
            if owner is not EXTERNAL:
                return owner if owner is OURS else []  # cast(T, x) with an unknown T: undecided
        if kind in FORWARDERS and positional:
            owner = self._owner(positional[0])
            if owner is OURS:
                return OURS  # its keywords and what it returns belong to the wrapped checkout code
            if owner is not EXTERNAL:
                if kind in BINDERS and self._from_module(func, "functools"):
                    return OURS  # partial(cb, job_id=1) binds like cb(job_id=1): decided as that call
                for a in kws:
                    self._judge(a.keyword, [], "param")
                return []
        targets = [v for v in positional + [a.value for a in kws] if self._owner(v) is OURS]
        if not targets:
            for a in kws:
                self._mark(a.keyword, Keep("external"))
            return EXTERNAL
        for a in kws:
            if not any(a.value is t for t in targets):
                self._judge(a.keyword, targets, "param")
        return targets

    def _callee_name(self, func: cst.CSTNode) -> str:
        """The name a third-party callable is defined under (``partial`` for ``functools.partial``
        and for ``from functools import partial as p``)."""
        if isinstance(func, cst.Attribute):
            return func.attr.value
        if isinstance(func, cst.Name):
            sym = self.symbol_of.get(id(func))
            if sym is not None and sym.aliases:
                return sym.aliases[0][1].source.rsplit(".", 1)[-1]
            return func.value
        return ""

    def _from_module(self, func: cst.CSTNode, module: str) -> bool:
        """``func`` is imported from ``module`` (``module.f``, ``from module import f [as g]``)."""
        root = func
        while isinstance(root, cst.Attribute):
            root = root.value
        sym = self.symbol_of.get(id(root)) if isinstance(root, cst.Name) else None
        if sym is None or sym.assigned or not sym.aliases:
            return False
        for rec, a in sym.aliases:
            if isinstance(rec.stmt, cst.ImportFrom):
                if rec.old_module != (0, module) or root is not func:
                    return False
            elif a.source != module or not isinstance(func, cst.Attribute) or func.value is not root:
                return False
        return True

    def _owner(self, value: cst.CSTNode) -> object:
        """OURS when ``value`` is (an attribute of) a class or function of the checkout, EXTERNAL
        when it comes from a third-party import, else None (a parameter, a local: unknown)."""
        root = value
        while isinstance(root, (cst.Attribute, cst.Subscript)):
            root = root.value
        if isinstance(root, cst.SimpleString):
            text = root.raw_value
            found = [s for s in self.symbols if s.name == text and s.scope is s.scope.globals]
            root = found[0].nodes[0] if found and found[0].nodes else None
        if not isinstance(root, cst.Name):
            return None
        if self._checkout_definition(root):
            return OURS
        sym = self.symbol_of.get(id(root))
        if sym is not None and sym.aliases and all(a.status == "external" for _, a in sym.aliases) and not sym.assigned:
            return EXTERNAL
        if sym is None and root.value in BUILTINS:
            return EXTERNAL
        return None

    def _judge(self, name: cst.Name, targets: list, what: str) -> None:
        """A keyword (``what="param"``) or attribute (``"member"``) that may bind to third-party code
        or to the checkout ``targets`` it was handed. Named by one of them: renamed with it, and
        listed (``notes``). Named by none while all of them are known whole: third-party. Else it
        cannot be decided: kept and listed as a follow-up (never counted as third-party)."""
        if id(name) in self.keep or not self.engine.find(name.value):
            return
        infos = [self._target(t) for t in targets]
        new = self.engine.rewrite(name.value)
        label = "keyword" if what == "param" else "attribute"
        for t, info in zip(targets, infos):
            names = None if info is None else info.params if what == "param" else info.members
            if names is not None and new in {self.engine.rewrite(x) for x in names}:
                self.notes.setdefault(id(name), f"{label} '{name.value}' is passed through a third-party call to "
                                                f"'{info.name}', which declares it: renamed with it; review the call")
                return
        closed = infos and all(i is not None and (i.params if what == "param" else i.members) is not None
                               and not (i.open_params if what == "param" else i.open_members) for i in infos)
        if closed:
            self._mark(name, Keep("external"))
            return
        where = ", ".join(f"'{self._text(t)}'" for t in targets) or "a callable this file cannot resolve"
        self._mark(name, Keep("follow-up", f"{label} '{name.value}' may belong to {where} or to the third-party "
                                           "call it is passed through: kept; rename it by hand if it is ours",
                              group=id(name)))

    def _checkout_definition(self, name: cst.Name) -> bool:
        sym = self.symbol_of.get(id(name))
        if sym is None:
            return False
        if any(a.status != "external" for _, a in sym.aliases):
            return True  # imported from a module of the checkout
        for n in sym.nodes:
            p = self.scan.parent.get(id(n))
            if isinstance(p, (cst.ClassDef, cst.FunctionDef)) and p.name is n:
                return True
        return False

    @staticmethod
    def _text(node: cst.CSTNode) -> str:
        return cst.Module([]).code_for_node(node)

    def _target(self, value: cst.CSTNode):
        """What checkout class or function ``value`` names (targets.Target), None when unknown."""
        if self.describe is None:
            return None
        root = value
        if isinstance(root, cst.SimpleString):
            return self.describe(None, root.raw_value)
        if not isinstance(root, cst.Name):
            return None
        sym = self.symbol_of.get(id(root))
        if sym is None:
            return None
        for rec, a in sym.aliases:
            if a.status != "external" and rec.source_rel is not None and isinstance(rec.stmt, cst.ImportFrom):
                return self.describe(rec.source_rel, a.source)
        if sym.scope is sym.scope.globals:
            return self.describe(None, sym.name)
        return None

    def _follow_ups(self) -> None:
        for sym in self.symbols:
            gone = [a for _, a in sym.aliases if a.status == "follow-up"]
            if gone and not sym.assigned and len(gone) == len(sym.aliases):
                for n in sym.nodes:
                    self._mark(n, Keep("follow-up", gone[0].reason, group=id(sym)))

    def _conflicts(self) -> None:
        by_scope: dict[int, dict[str, Symbol]] = {}
        for sym in self.symbols:
            by_scope.setdefault(id(sym.scope), {})[sym.name] = sym
        used: dict[int, set[str]] = {}
        for sym in self.symbols:
            if "." in sym.name or any(id(n) in self.keep for n in sym.nodes[:1]):
                continue
            new = self.engine.rewrite(sym.name)
            if new == sym.name or sym.name in self.explicit:
                continue
            other = by_scope.get(id(sym.scope), {}).get(new)
            clash = None
            if other is not None:
                if self._merge(sym, other):
                    continue
                clash = f"'{new}' is already defined in this scope"
            elif new in self._accessed(used, sym.scope):
                clash = f"'{new}' is already used in this scope (it would be shadowed)"
            if clash:
                msg = f"renaming '{sym.name}' to '{new}' would collide: {clash}; rename by hand or map it under 'symbols:' in the recipe"
                for n in sym.nodes:
                    self._mark(n, Keep("conflict", msg, new, id(sym)))

    def _captures(self) -> None:
        """A renamed binding must not capture a use of another binding, nor be captured (see .capture)."""
        scopes = list({id(s): s for s in self.scopes.values() if s is not None}.values())
        table = {(id(s.scope), s.name): s for s in self.symbols}
        patterns = pattern_names(self.scan.names, self.scan.parent, self.scopes)
        for _ in range(8):  # a kept name can only end a capture; settle in a few rounds
            def binding_new(scope, name):
                sym = table.get((id(scope), name))
                if sym is None or not sym.nodes or any(id(n) in self.keep for n in sym.nodes[:1]):
                    return name
                return self.engine.rewrite(name)

            def same(scope, name):
                sym = table.get((id(scope), name))
                merged = sym is not None and sym.aliases and all(a.status == "merged" for _, a in sym.aliases)
                return self.engine.rewrite(name) if merged else name

            found = captures(scopes, binding_new,
                             lambda n: n.value if id(n) in self.keep else self.engine.rewrite(n.value), same,
                             [(n, scope) for n, scope, _ in self.declared], patterns)
            if not found:
                return
            for node, was, now in found:
                culprits = [table.get(k) for k in (was[:2], now[:2]) if len(k) == 2 and isinstance(k[0], int)]
                culprits = [s for s in culprits if s is not None and binding_new(s.scope, s.name) != s.name]
                for sym in culprits:
                    to = self.engine.rewrite(sym.name)
                    how = ("a use of it would resolve to another '{0}' bound in an enclosed or enclosing scope"
                           if sym is table.get(was[:2]) else "it would hide another '{0}' used in its scope")
                    msg = (f"renaming '{sym.name}' to '{to}' would collide: {how.format(to)}; "
                           f"rename by hand or map it under 'symbols:' in the recipe")
                    for n in sym.nodes:
                        self._mark(n, Keep("conflict", msg, to, id(sym)))
                if not culprits and node is not None:
                    new = self.engine.rewrite(node.value) if id(node) not in self.keep else node.value
                    self._mark(node, Keep("conflict", f"renaming '{node.value}' to '{new}' would collide: it would "
                                                      f"then name another binding; rename by hand", new, id(node)))

    @staticmethod
    def _accessed(cache: dict[int, set[str]], scope: Scope) -> set[str]:
        got = cache.get(id(scope))
        if got is None:
            got = cache[id(scope)] = {a.node.value for a in scope.accesses if isinstance(a.node, cst.Name)}
        return got

    def _merge(self, sym: Symbol, other: Symbol) -> bool:
        """Two imports that will bind the same name to the same object: drop the first."""
        if sym.assigned or other.assigned or not sym.aliases or not other.aliases:
            return False
        mine = {rec.target(a) for rec, a in sym.aliases}
        theirs = {rec.target(a) for rec, a in other.aliases}
        if mine != theirs or len(mine) != 1:
            return False
        if not any(a.redirected for _, a in sym.aliases + other.aliases):
            return False  # only an explicit deletion merges imports; a plain rename never drops one
        for _, a in sym.aliases:
            a.status = "merged"
            self.merged.add(id(a.alias))
        return True

    def _keywords(self) -> None:
        for call in self.scan.calls:
            kws = [a.keyword for a in call.args if a.keyword is not None]
            if len(kws) < 2:
                continue
            final = [k.value if id(k) in self.keep else self.engine.rewrite(k.value) for k in kws]
            for k, f in zip(kws, final):
                if f != k.value and final.count(f) > 1 and k.value not in self.explicit:
                    self._mark(k, Keep("conflict", f"renaming keyword '{k.value}' to '{f}' would repeat a keyword in this call",
                                       f, id(k)))

    def _self_attributes(self) -> None:
        for cls in self.scan.classes:
            attrs: dict[str, list[cst.Name]] = {}
            for node in walk(cls.body):
                if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value in ("self", "cls"):
                    attrs.setdefault(node.attr.value, []).append(node.attr)
            for name, nodes in attrs.items():
                new = self.engine.rewrite(name)
                if new != name and new in attrs and name not in self.explicit:
                    msg = f"renaming attribute 'self.{name}' to 'self.{new}' would collide with the existing 'self.{new}' of class {cls.name.value}"
                    for n in nodes:
                        self._mark(n, Keep("conflict", msg, new, id(nodes[0])))

    def _unbound(self) -> None:
        if self.scan.star_import:
            return
        for scope in {id(s): s for s in self.scopes.values() if s is not None}.values():
            for acc in scope.accesses:
                node = acc.node
                if not isinstance(node, cst.Name) or acc.referents or node.value in BUILTINS or id(node) in self.symbol_of:
                    continue
                if id(node) in self.keep or not self.engine.find(node.value):
                    continue
                self._mark(node, Keep("follow-up", f"'{node.value}' is not defined in this file (an import of it was removed?); "
                                                   "rewrite it by hand", group=hash(node.value)))



__all__ = ["Decider", "Keep", "Symbol", "Assignment"]
