"""Names that come from another package, in TypeScript and JavaScript: never renamed.

A *third-party* module is a bare specifier that names no file of the checkout
(see :func:`runsmig.languages.typescript.modules.ModuleIndex.package_of`): ``node:``
builtins, scoped packages, a package that ships no types. What it binds, and
what is reached through it, belongs to the package:

* ``import { scheduleJob, Job as J } from 'node-schedule'``: the imported names
  ``scheduleJob`` and ``Job`` (and every use of ``scheduleJob``) stay; ``J`` is the
  user's alias and follows the term map, but its members stay (``J.fetch``);
* ``import schedule from 'x'``, ``import * as schedule from 'x'``,
  ``import schedule = require('x')``, ``const schedule = require('x')``,
  ``const schedule = await import('x')``: the binding keeps its name (it names
  the package or its main export) and its members stay (``schedule.scheduleJob``);
* ``const { scheduleJob, Job: J } = require('x')``: like the named import;
* a variable assigned from a call, ``new`` or member of such a binding
  (``const job = schedule.scheduleJob(...)``) is the user's name, but its members
  are the package's (``job.cancel()``, ``job.nextInvocation``), and so on along
  the chain (the Python pass's ``_chain`` in :mod:`runsmig.languages.python.decide`);
  so are the members of a variable or parameter annotated with such a type
  (``(job: Bull.Job) => job.data``), but not those of an untyped callback
  parameter (``describe('x', (t) => t.context.queue)`` hands back the user's objects);
* keys of an object literal passed straight to such a call (``new Queue('x',
  { removeOnComplete: true })``, nested literals too) or typed with such a type
  (``const opts: JobsOptions = {…}``, ``{…} satisfies JobsOptions``) and
  attributes of such a JSX component (``<Scheduler jobId={…}/>``) are the
  package's option names.
  A shorthand key there (``{ jobId }`` with the user's ``jobId``) keeps the key
  and renames the value: ``{ jobId: runId }``.

Where a kept name is the user's key or export (``{ scheduleJob }`` in the user's
own object, ``export { Job }``), the key or exported name follows the term map and
the kept name becomes its value: ``{ scheduleRun: scheduleJob }``,
``export { Job as Run }``, so the rest of the checkout (renamed by the term map)
still finds it.

References are resolved with block scopes (``let``/``const``/``var``,
functions, classes, imports, parameters, ``catch`` and ``for`` bindings), so an
inner ``job`` that shadows an external one is the user's.

Strings are never touched here: ``queue.process('job-name')`` follows the term map.

An environment is the project's, whatever module hands it over: the members of ``process.env``
(``import process from 'node:process'``) and the keys of an ``env`` option (``spawn(cmd, { env:
{ MYAPP_JOB_LIMIT: '1' } })``) are the project's own environment variables, renamed with the
code that reads them (other tools' variables, ``GITHUB_JOB``, are kept: :mod:`runsmig.envnames`).
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from typing import Callable

from runsmig.languages.typescript.collisions import FUNCTIONS, _bindings, _declared

REF_KINDS = ("identifier", "shorthand_property_identifier", "type_identifier")
BLOCKS = ("program", "statement_block", "switch_body")
SCOPE_KINDS = set(BLOCKS) | set(FUNCTIONS) | {"for_statement", "for_in_statement", "catch_clause", "class"}
PASS_THROUGH = {"parenthesized_expression", "non_null_expression", "await_expression", "as_expression",
                "satisfies_expression", "type_assertion"}
JSX_ELEMENTS = ("jsx_opening_element", "jsx_self_closing_element")
# an environment reached through a module (``process.env``, ``Deno.env``) or passed to one
# (``spawn(cmd, { env: {...} })``): its names are the project's environment variables
ENVIRONMENTS = frozenset({"env"})


@dataclass
class Binding:
    name: str
    pkg: str
    scope: object | None  # the scope node that declares it; None: declared by an earlier snippet
    keep_name: bool  # the name itself is the package's (imports, require) or the user's (an alias, a variable)
    is_import: bool  # bound to the package or its export itself (its assignment to a variable types it)
    release: "Release | None" = None  # a package's generic type holding the user's types


@dataclass(frozen=True)
class Release:
    """A value of a package's generic type instantiated with the checkout's own types
    (``request: FastifyRequest<{ Body: CreateJob }>``, ``job: Bull.Job<JobData>``): its first
    ``levels`` of members are the package's (``request.body``, ``job.data``), but beyond them a
    member the user's type declares (``names``; None: the type is not declared in this file, so any
    member) is the user's and follows the term map with that type."""

    levels: int
    names: frozenset[str] | None

    def frees(self, level: int, name: str) -> bool:
        return level >= self.levels and (self.names is None or name in self.names)

    def after(self, level: int) -> "Release":
        return Release(max(0, self.levels - level), self.names)


@dataclass
class Externals:
    keep: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)  # span -> (name, package)
    # span of a shorthand key / export specifier -> "key" (keep the key, rename the value),
    # "value" (rename the key, keep the value) or "export" (keep the name, rename what is exported)
    expand: dict[tuple[int, int], str] = field(default_factory=dict)
    # spans of keys kept as a package's options only because its type declarations cannot be read
    # (not installed, or none shipped): whose name each is stays undecided (the gate says so)
    unread: set[tuple[int, int]] = field(default_factory=set)
    top: dict[str, tuple[str, bool, bool]] = field(default_factory=dict)  # program bindings for later snippets


@dataclass
class SnippetContext:
    """Top-level external bindings of the earlier code fences of one Markdown file."""

    prelude: dict[str, tuple[str, bool, bool]] = field(default_factory=dict)
    top: dict[str, tuple[str, bool, bool]] | None = None  # filled in by the analysis of this fence


SNIPPET: contextvars.ContextVar[SnippetContext | None] = contextvars.ContextVar("runsmig_ts_snippet", default=None)


def find_externals(root, spans: Callable, third_party: Callable[[str], str | None],
                   prelude: dict[str, tuple[str, bool, bool]] | None = None,
                   known: Callable = lambda kinds: kinds,
                   declares: Callable[[str], frozenset[str] | None] | None = None) -> Externals:
    """``known(kinds)``: the node kinds the grammar has (JavaScript has no ``type_identifier``).
    ``declares(pkg)``: the names the package's type declarations name (None: not readable), see
    :mod:`runsmig.languages.typescript.package_types`; without it every option key is the package's."""
    return _Finder(root, spans, third_party, prelude or {}, tuple(known(REF_KINDS)), declares).run()


def _string_value(node) -> str | None:
    if node is None:
        return None
    if node.kind() == "string":
        frags = [c for c in node.children() if c.kind() == "string_fragment"]
        return frags[0].text() if len(frags) == 1 else ("" if not frags else None)
    if node.kind() == "template_string" and "${" not in node.text():
        return node.text()[1:-1]
    return None


def module_call(node) -> str | None:
    """``require('x')`` or ``import('x')``: the specifier; else None."""
    if node is None or node.kind() != "call_expression":
        return None
    fn = node.field("function")
    if fn is None or not (fn.kind() == "import" or (fn.kind() == "identifier" and fn.text() == "require")):
        return None
    args = node.field("arguments")
    first = next((c for c in args.children() if c.is_named()), None) if args is not None else None
    return _string_value(first)


class _Finder:
    def __init__(self, root, spans, third_party, prelude, ref_kinds, declares=None):
        self.root = root
        self.declares = declares
        self._declares: dict[str, frozenset[str] | None] = {}
        self.ref_kinds = ref_kinds
        self.spans = spans
        self.third_party = third_party
        self.prelude = prelude
        self.out = Externals()
        self._declared: dict[object, set[str]] = {}
        self._refs: dict[str, list] | None = None
        self.bindings: list[Binding] = []
        self._seen: set[tuple[str, object]] = set()
        self._ours: set[str] | None = None  # type names of the checkout: declared here or imported from it

    # -- scopes -------------------------------------------------------------------
    def declared(self, scope) -> set[str]:
        got = self._declared.get(scope)
        if got is not None:
            return got
        values: list = []
        types: list = []
        kind = scope.kind()
        if kind in BLOCKS:
            for stmt in scope.children():
                if stmt.kind() in ("switch_case", "switch_default"):
                    for s in stmt.children():
                        _declared(s, values, types)
                elif stmt.is_named():
                    _declared(stmt, values, types)
                    if stmt.kind() == "import_statement":  # import x = require('x')
                        for c in stmt.children():
                            if c.kind() == "import_require_clause":
                                values += [x for x in c.children() if x.kind() == "identifier"]
        if kind in FUNCTIONS or kind == "class":
            params = scope.field("parameters")
            if params is not None:
                for p in params.children():
                    if p.is_named():
                        _bindings(p, values)
            single = scope.field("parameter")
            if single is not None:
                _bindings(single, values)
            if kind in ("function_expression", "generator_function", "function", "class"):
                name = scope.field("name")
                if name is not None:
                    values.append(name)
        elif kind == "for_statement":
            init = scope.field("initializer")
            if init is not None:
                _declared(init, values, types)
        elif kind == "for_in_statement":
            left = scope.field("left")
            if left is not None and scope.field("kind") is not None:
                _bindings(left, values)
        elif kind == "catch_clause":
            param = scope.field("parameter")
            if param is not None:
                _bindings(param, values)
        got = {n.text() for n in values} | {n.text() for n in types}
        self._declared[scope] = got
        return got

    def scope_of(self, node, name: str):
        """The innermost scope node declaring ``name`` around ``node`` (None: not declared here)."""
        p = node.parent()
        while p is not None:
            if p.kind() in SCOPE_KINDS and name in self.declared(p):
                return p
            p = p.parent()
        return None

    def refs(self, name: str) -> list:
        if self._refs is None:
            self._refs = {}
            for n in self.root.find_all(any=[{"kind": k} for k in self.ref_kinds]):
                self._refs.setdefault(n.text(), []).append(n)
        return self._refs.get(name, [])

    # -- results ------------------------------------------------------------------
    def keep(self, node, pkg: str) -> None:
        if node is None:
            return
        if node.kind() == "string":
            for c in node.children():
                if c.kind() == "string_fragment":
                    self.out.keep.setdefault(self.spans(c), (c.text(), pkg))
            return
        if node.kind() in ("property_identifier", "private_property_identifier", "identifier", "type_identifier",
                           "shorthand_property_identifier", "shorthand_property_identifier_pattern"):
            self.out.keep.setdefault(self.spans(node), (node.text(), pkg))

    def bind(self, name_node, pkg: str, keep_name: bool, is_import: bool, scope=False,
             release: Release | None = None) -> None:
        """A binding whose members are the package's (and, with keep_name, its name too)."""
        if name_node is None or name_node.kind() not in ("identifier", "shorthand_property_identifier_pattern"):
            return
        name = name_node.text()
        if scope is False:
            scope = self.scope_of(name_node, name)
        key = (name, scope)
        if key in self._seen:
            return
        self._seen.add(key)
        if keep_name:
            self.keep(name_node, pkg)
        self.bindings.append(Binding(name, pkg, scope, keep_name, is_import, release))

    def destructure(self, pattern, pkg: str, from_module: bool, release: Release | None = None) -> None:
        """``{ a, b: c, d = 1, ...rest } = <external>``: keys are the package's names (but a key
        that ``release`` frees at this level is the user's: it and its value are left alone)."""
        kind = pattern.kind() if pattern is not None else ""
        inner = release.after(1) if release is not None else None

        def freed(node) -> bool:
            return release is not None and node is not None and release.frees(0, node.text())

        if kind == "identifier":
            self.bind(pattern, pkg, keep_name=from_module, is_import=from_module, release=release)
        elif kind == "object_pattern":
            for c in pattern.children():
                ck = c.kind()
                if ck == "shorthand_property_identifier_pattern":
                    if not freed(c):
                        self.bind(c, pkg, keep_name=True, is_import=True, release=inner)
                elif ck == "object_assignment_pattern":
                    left = c.field("left") or next((x for x in c.children() if x.is_named()), None)
                    if left is not None and left.kind() == "shorthand_property_identifier_pattern":
                        if not freed(left):
                            self.bind(left, pkg, keep_name=True, is_import=True, release=inner)
                    else:
                        self.destructure(left, pkg, False, inner)
                elif ck == "pair_pattern":
                    if freed(c.field("key")):
                        continue
                    self.keep(c.field("key"), pkg)
                    value = c.field("value")
                    if value is not None and value.kind() == "assignment_pattern":
                        value = value.field("left") or next((x for x in value.children() if x.is_named()), None)
                    if value is not None and value.kind() == "identifier":
                        self.bind(value, pkg, keep_name=False, is_import=True, release=inner)
                    else:
                        self.destructure(value, pkg, False, inner)
                elif ck == "rest_pattern":
                    rest = next((x for x in c.children() if x.is_named()), None)
                    if rest is not None and rest.kind() == "identifier":
                        self.bind(rest, pkg, keep_name=False, is_import=False, release=release)
        elif kind == "array_pattern":
            for c in pattern.children():
                if c.kind() == "identifier":
                    self.bind(c, pkg, keep_name=False, is_import=False, release=inner)

    # -- the pass ---------------------------------------------------------------------
    def run(self) -> Externals:
        root = self.root
        for stmt in root.find_all(any=[{"kind": "import_statement"}, {"kind": "export_statement"}]):
            self.statement(stmt)
        for call in root.find_all({"rule": {"kind": "call_expression", "regex": r"^(require|import)\s*\("}}):
            spec = module_call(call)
            if spec is None:
                continue
            pkg = self.third_party(spec)
            if pkg is not None:
                self.chain(call, pkg, keep_self=True, from_module=True)
        for name, (pkg, keep_name, is_import) in self.prelude.items():
            key = (name, None)
            if key not in self._seen:
                self._seen.add(key)
                self.bindings.append(Binding(name, pkg, None, keep_name, is_import))
        done = 0
        while done < len(self.bindings):
            b = self.bindings[done]
            done += 1
            self.follow(b)
        for b in self.bindings:
            if b.scope is None or b.scope == root:
                self.out.top.setdefault(b.name, (b.pkg, b.keep_name, b.is_import))
        return self.out

    def statement(self, stmt) -> None:
        source = stmt.field("source")
        spec = _string_value(source)
        if spec is None:
            req = next((c for c in stmt.children() if c.kind() == "import_require_clause"), None)
            if req is not None:  # TypeScript's import x = require('x')
                spec = _string_value(next((c for c in req.children() if c.kind() == "string"), None))
        if spec is None:
            return
        pkg = self.third_party(spec)
        if pkg is None:
            return
        if stmt.kind() == "export_statement":
            for spec_node in stmt.find_all(kind="export_specifier"):
                name = spec_node.field("name")
                self.keep(name, pkg)
                if spec_node.field("alias") is None and name is not None:
                    self.out.expand[self.spans(name)] = "export"
            return
        root = self.root
        clause = next((c for c in stmt.children() if c.kind() in ("import_clause", "import_require_clause")), None)
        if clause is None:
            return
        for c in clause.children():
            if c.kind() == "identifier":  # default import, import x = require()
                self.bind(c, pkg, keep_name=True, is_import=True, scope=root)
            elif c.kind() == "namespace_import":
                ident = next((x for x in c.children() if x.kind() == "identifier"), None)
                self.bind(ident, pkg, keep_name=True, is_import=True, scope=root)
            elif c.kind() == "named_imports":
                for s in c.children():
                    if s.kind() != "import_specifier":
                        continue
                    name, alias = s.field("name"), s.field("alias")
                    if alias is None:
                        self.bind(name, pkg, keep_name=True, is_import=True, scope=root)
                    else:
                        self.keep(name, pkg)
                        self.bind(alias, pkg, keep_name=False, is_import=True, scope=root)

    def follow(self, b: Binding) -> None:
        for ref in self.refs(b.name):
            if self.scope_of(ref, b.name) != b.scope:
                continue
            if b.keep_name:
                self.keep(ref, b.pkg)
                parent = ref.parent()
                if ref.kind() == "shorthand_property_identifier":
                    self.out.expand.setdefault(self.spans(ref), "value")
                elif parent is not None and parent.kind() == "export_specifier" and parent.field("alias") is None:
                    self.out.expand.setdefault(self.spans(ref), "export")
            if ref.kind() == "type_identifier":
                self.annotated(ref, b.pkg)
            else:
                self.chain(ref, b.pkg, keep_self=b.is_import, from_module=False, release=b.release)

    def chain(self, node, pkg: str, keep_self: bool, from_module: bool, release: Release | None = None) -> None:
        """Members, calls and ``new`` hanging off an external value; what they are assigned to.
        An assertion to the user's own type (``request.payload as CreateJob``) ends the package's
        part: what is reached through it is the user's."""
        cur = node
        moved = False
        level = 0  # members reached so far
        while True:
            p = cur.parent()
            if p is None:
                break
            k = p.kind()
            if k == "member_expression" and p.field("object") == cur:
                prop = p.field("property")
                if release is not None and prop is not None and release.frees(level, prop.text()):
                    return  # request.body.jobId: a member of the user's type argument
                if prop is not None and not self.option(prop, pkg):
                    return  # values.keepJobs: a name the package's declarations never give (the project's)
                self.keep(prop, pkg)
                if prop is not None and prop.text() in ENVIRONMENTS:
                    return  # process.env.X: the project's own environment variables, not the module's
                moved = True
                level += 1
            elif k == "as_expression" and next((c for c in p.children() if c.is_named()), None) == cur and \
                    self.users_type(next((c for c in reversed(p.children()) if c.is_named()), None)):
                return  # request.payload as CreateJob: the user's type from here on
            elif k == "subscript_expression" and p.field("object") == cur:
                pass
            elif (k == "call_expression" and p.field("function") == cur) or (
                    k == "new_expression" and p.field("constructor") == cur):
                self.arguments(p.field("arguments"), pkg)
                moved = True
                level += 1
            elif k in PASS_THROUGH and next((c for c in p.children() if c.is_named()), None) == cur:
                pass
            elif k == "nested_type_identifier" and p.field("module") == cur:
                self.keep(p.field("name"), pkg)
                self.annotated(p, pkg)
                return
            elif k in JSX_ELEMENTS and p.field("name") == cur:
                for attr in p.children():
                    if attr.kind() == "jsx_attribute":
                        key = next((x for x in attr.children() if x.is_named()), None)
                        if key is not None and key.kind() == "property_identifier":
                            self.keep(key, pkg)
                return
            else:
                break
            cur = p
        if not (moved or keep_self):
            return
        p = cur.parent()
        if p is None:
            return
        later = release.after(level) if release is not None else None
        if p.kind() == "variable_declarator" and p.field("value") == cur:
            self.destructure(p.field("name"), pkg, from_module=from_module and not moved, release=later)
        elif p.kind() == "for_in_statement" and p.field("right") == cur and p.field("kind") is not None:
            left = p.field("left")  # for (const job of queue.getJobs()): an element of the package's
            if left is not None and left.kind() == "identifier":
                self.bind(left, pkg, keep_name=False, is_import=False, scope=p, release=later)
        elif p.kind() == "assignment_expression" and p.field("right") == cur:
            left = p.field("left")
            if left is not None and left.kind() == "identifier":
                self.bind(left, pkg, keep_name=False, is_import=False, release=later)

    def arguments(self, args, pkg: str) -> None:
        """Object literals passed straight to a package call: their keys are its option names.
        (A callback's parameters are not typed: ``describe('x', (t) => t.context.queue…)`` hands
        the user's own objects back.)"""
        if args is None or args.kind() != "arguments":
            return
        for a in args.children():
            if a.kind() == "object":
                self.options(a, pkg)

    def option(self, key, pkg: str) -> bool:
        """Is ``key`` the package's option name? Only when the package's declarations name it
        (``jobId`` in bull's ``JobsOptions``); a key they do not name (``pack({ keepJobs })``,
        msgpackr's ``value: any``; ``parseArgs({ options: { 'job-id': … } })``, an index
        signature) is the project's own data, renamed with the project's reads of it. Declarations
        that cannot be read (not installed): the package's, as the call's argument."""
        name = _key_name(key)
        if name is None:
            return True
        names = self._names(pkg)
        return names is None or name in names

    def _names(self, pkg: str) -> frozenset[str] | None:
        """The names ``pkg``'s declarations give (None: none can be read), read once per package."""
        if self.declares is None:
            return None
        if pkg not in self._declares:
            self._declares[pkg] = self.declares(pkg)
        return self._declares[pkg]

    def options(self, obj, pkg: str) -> None:
        for c in obj.children():
            ck = c.kind()
            if ck == "pair":
                key = c.field("key")
                if self.option(key, pkg):
                    self.keep(key, pkg)
                    self._unread(key, pkg)
                value = c.field("value")
                if value is not None and value.kind() == "object" and not (key is not None and key.text() in ENVIRONMENTS):
                    self.options(value, pkg)  # but spawn(cmd, { env: { MY_JOB_VAR } }): the project's variables
            elif ck == "shorthand_property_identifier":
                if self.option(c, pkg):
                    self.out.expand[self.spans(c)] = "key"  # an option name: it wins over "value"
                    self._unread(c, pkg)
            elif ck == "method_definition":
                if self.option(c.field("name"), pkg):
                    self.keep(c.field("name"), pkg)
                    self._unread(c.field("name"), pkg)

    def _unread(self, key, pkg: str) -> None:
        """Note a key :meth:`option` took for the package's only because nothing could be read."""
        if key is not None and _key_name(key) is not None and self._names(pkg) is None:
            node = next((c for c in key.children() if c.kind() == "string_fragment"), key) if key.kind() == "string" \
                else key
            self.out.unread.add(self.spans(node))

    def annotated(self, type_node, pkg: str) -> None:
        """``x: Job`` / ``x: Bull.Job<T>`` with an external type: x's members are the package's."""
        t = type_node
        p = t.parent()
        if p is not None and p.kind() == "generic_type" and p.field("name") == t:
            t, p = p, p.parent()
        if p is not None and p.kind() in ("as_expression", "satisfies_expression"):
            expr = next((c for c in p.children() if c.is_named()), None)
            if expr is not None and expr != t and expr.kind() == "object":  # { jobId } satisfies JobsOptions
                self.options(expr, pkg)
            return
        if p is None or p.kind() != "type_annotation":
            return
        owner = p.parent()
        if owner is None:
            return
        if owner.kind() in ("required_parameter", "optional_parameter"):
            target = owner.field("pattern")
        elif owner.kind() == "variable_declarator":
            target = owner.field("name")
            value = owner.field("value")
            if value is not None and value.kind() == "object":  # const opts: JobsOptions = { jobId }
                self.options(value, pkg)
        else:
            return
        if target is not None and target.kind() == "identifier":
            self.bind(target, pkg, keep_name=False, is_import=False, release=self.release_of(t))

    # -- the user's types -------------------------------------------------------------
    def users_type(self, t) -> bool:
        """Does type node ``t`` name one of the checkout's own types (declared in this file or
        imported from a module of the checkout; an object type)? A package's type, a global one
        (``Record``, ``Promise``) and unions are not the user's here."""
        if t is None:
            return False
        k = t.kind()
        if k == "object_type":
            return True
        if k == "generic_type":
            return self.users_type(t.field("name") or next((c for c in t.children() if c.is_named()), None))
        if k == "array_type":
            return self.users_type(next((c for c in t.children() if c.is_named()), None))
        if k == "nested_type_identifier":
            head = t
            while head is not None and head.kind() == "nested_type_identifier":
                head = next((c for c in head.children() if c.is_named()), None)
            return head is not None and head.text() in self.ours()
        if k == "type_identifier":
            return t.text() in self.ours()
        return False

    def ours(self) -> set[str]:
        """The names this file declares (types, classes, enums) or imports from the checkout."""
        if self._ours is None:
            got: set[str] = set()
            kinds = ("interface_declaration", "type_alias_declaration", "class_declaration",
                     "abstract_class_declaration", "enum_declaration")
            for d in self.root.find_all(any=[{"kind": k} for k in kinds]):
                n = d.field("name")
                if n is not None:
                    got.add(n.text())
            for stmt in self.root.find_all(kind="import_statement"):
                spec = _string_value(stmt.field("source"))
                if spec is None or self.third_party(spec) is not None:
                    continue
                for n in stmt.find_all(any=[{"kind": "identifier"}]):
                    got.add(n.text())
            self._ours = got
        return self._ours

    def release_of(self, t) -> Release | None:
        """``FastifyRequest<{ Querystring: Query }>``: which members beyond the package's own the
        user's type arguments declare (see :class:`Release`); None for a type with none."""
        if t is None or t.kind() != "generic_type":
            return None
        args = next((c for c in t.children() if c.kind() == "type_arguments"), None)
        if args is None:
            return None
        names: set[str] = set()
        unknown = False
        users = False
        for n in args.find_all(any=[{"kind": "type_identifier"}, {"kind": "object_type"}]):
            if n.kind() == "object_type":
                users = True
                names |= _members(n)
                continue
            parent = n.parent()
            if parent is not None and parent.kind() == "nested_type_identifier":
                continue  # Bull.JobOptions: the package's (or a namespace's) type, not looked up here
            if not self.users_type(n):
                continue
            users = True
            decl = self.declaration(n.text())
            if decl is None:
                unknown = True
            else:
                names |= _members(decl)
        if not users:
            return None
        return Release(1, None if unknown else frozenset(names))

    def declaration(self, name: str):
        """The interface or type alias ``name`` declared in this file (None: elsewhere or nowhere)."""
        for d in self.root.find_all(any=[{"kind": "interface_declaration"}, {"kind": "type_alias_declaration"}]):
            n = d.field("name")
            if n is not None and n.text() == name:
                return d
        return None


def _key_name(key) -> str | None:
    """An object key's name (``jobId``, ``'job-id'``); None for a computed or numeric key."""
    if key is None:
        return None
    if key.kind() == "string":
        return _string_value(key)
    if key.kind() in ("property_identifier", "shorthand_property_identifier", "identifier",
                      "private_property_identifier"):
        return key.text()
    return None


def _members(node) -> set[str]:
    """The property and method names an interface, type alias or object type declares."""
    out = set()
    for sig in node.find_all(any=[{"kind": "property_signature"}, {"kind": "method_signature"}]):
        name = sig.field("name") or next((c for c in sig.children() if c.is_named()), None)
        if name is not None and name.kind() == "property_identifier":
            out.add(name.text())
    return out
