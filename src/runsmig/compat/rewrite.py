"""The plan of a downstream recipe (runsmig.compat.downstream): in a project that uses a renamed
library, the uses of the library's old public names become the new names: in Python files, and
attribute lookups in templates (runsmig.compat.templates).

What is rewritten, each decided by LibCST's QualifiedNameProvider (through the file's imports):
- ``import lib.old_mod`` / ``from lib.old_mod import x`` / ``from lib import old_mod``: the module;
- an imported old name (``from lib.mod import OldName``) and its uses in the file (an ``as`` alias
  keeps the local name), and ``lib.mod.OldName`` spelled out;
- members (``obj.old_member``) and keyword arguments (``f(old_param=...)``) by their short names,
  unless the project defines a name of that spelling itself (then they are left, with a note):
  an attribute's owner cannot be known without types. A method a project class overrides (its class
  derives from a class of the library) is renamed with the library's method, and its parameters that
  mirror a keyword the library renamed follow it (the library calls it by the new name), with their
  uses, its docstring and the project's calls of the class (a note: the project's own signature);
- environment variable names spelled as whole string literals;
- in Django/Jinja templates, a lookup segment (``{{ execution.job_id }}``) spelled like a renamed
  member, unless the project's own classes, dict keys or templates define that spelling too.
- the library's renamed Django settings where the project sets them: module-level names of its
  settings modules (a file named like one, ``settings.py``, ``settings/…``, ``*_settings.py``,
  ``settings_*.py``, or named by a ``DJANGO_SETTINGS_MODULE`` value), keywords of
  ``override_settings(...)``, ``self.settings(...)`` and ``settings.configure(...)``, and its reads of
  ``django.conf.settings`` (``settings.OLD``, ``getattr(settings, "OLD")``).
Never the project's own names; CLI options are listed in a note (the project's own options may
share their spelling). Interface: ``build(root, recipe) -> runsmig.plan.Plan``.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import libcst as cst
from libcst.metadata import (
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from runsmig.compat import templates
from runsmig.compat.downstream import DownstreamSection


class _Maps:
    def __init__(self, section: DownstreamSection) -> None:
        r = section.renames
        self.library = section.library.replace("-", "_")
        self.modules = dict(r.get("module", {}))
        self.names = dict(r.get("name", {}))
        self.members: dict[str, str] = {}
        for old, new in r.get("member", {}).items():
            self.members[old.rsplit(".", 1)[1]] = new.rsplit(".", 1)[1]
        self.params: dict[str, dict[str, str]] = defaultdict(dict)  # callable short name -> {old: new}
        for old, new in r.get("parameter", {}).items():
            m_old, m_new = _PARAM.match(old), _PARAM.match(new)
            if not (m_old and m_new):
                continue
            for callee in {m_old.group(1).rsplit(".", 1)[-1], m_new.group(1).rsplit(".", 1)[-1]}:
                if callee == "__init__":  # a constructor: called by the class's names
                    for cls in {m_old.group(1).rsplit(".", 2)[-2], m_new.group(1).rsplit(".", 2)[-2]}:
                        self.params[cls][m_old.group(2)] = m_new.group(2)
                else:
                    self.params[callee][m_old.group(2)] = m_new.group(2)
        self.all_params = {p for m in self.params.values() for p in m}
        # one term map renames a keyword the same way wherever the library has it: a call of a library
        # callable the recipe does not list by name (a subclass inheriting __init__) takes these
        spelled: dict[str, set[str]] = defaultdict(set)
        for m in self.params.values():
            for o, n in m.items():
                spelled[o].add(n)
        self.any_param = {o: next(iter(n)) for o, n in spelled.items() if len(n) == 1}
        # old member spelling -> the keywords each library method of that name takes (new spellings)
        self.accepts: dict[str, list[tuple[set[str], bool]]] = defaultdict(list)
        new_to_old = {new: old for old, new in r.get("member", {}).items()}
        for name, params in section.signatures.items():
            old = new_to_old.get(name)
            if old is not None:
                words = {p.strip() for p in params.split(",") if p.strip()}
                self.accepts[old.rsplit(".", 1)[1]].append((words - {"**"}, "**" in words))
        self.env = {old.lstrip("$"): new.lstrip("$") for old, new in r.get("env", {}).items()}
        self.options = dict(r.get("option", {}))
        from runsmig.compat.keyreads import parse_entries

        self.keys = parse_entries(r.get("dictkey", {}))  # the library's keyed dicts: spelling -> {old: new}
        self.settings = {old.rsplit(".", 1)[-1]: new.rsplit(".", 1)[-1] for old, new in r.get("setting", {}).items()}
        self.words = {q.rsplit(".", 1)[-1] for q in list(self.modules) + list(self.names)} | set(self.members) \
            | {k.rstrip("()") for k in self.keys} \
            | {p for m in self.params.values() for p in m} | set(self.env) | set(self.settings)

    def module(self, dotted: str) -> str | None:
        for old in sorted(self.modules, key=len, reverse=True):
            if dotted == old or dotted.startswith(old + "."):
                return self.modules[old] + dotted[len(old):]
        return None

    def qualified(self, q: str) -> str | None:
        """New qualified name of an old one (a name, or a module)."""
        return self.names.get(q) or self.modules.get(q)


_PARAM = re.compile(r"^(.*)\((\w+)\)$")
# callables whose keywords are setting names
_SETTINGS_CALLS = frozenset({"django.test.override_settings", "django.test.utils.override_settings",
                             "django.conf.settings.configure"})
_DJANGO_SETTINGS = "django.conf.settings"


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        left = _dotted(node.value)
        return f"{left}.{node.attr.value}" if left else None
    return None


def _expr(dotted: str) -> cst.BaseExpression:
    parts = dotted.split(".")
    out: cst.BaseExpression = cst.Name(parts[0])
    for p in parts[1:]:
        out = cst.Attribute(out, cst.Name(p))
    return out


class _Rewriter(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider, ParentNodeProvider, PositionProvider)

    def __init__(self, maps: _Maps, own: set[str], derived: dict[str, str], returns: dict[str, str],
                 classes: frozenset[str] = frozenset(), own_sigs: dict | None = None,
                 own_params: dict[str, set[str]] | None = None, settings_module: bool = False) -> None:
        super().__init__()
        self.settings_module = settings_module  # a Django settings module: its module-level names are settings
        self.own_sigs = own_sigs or {}  # the project's definitions of those names: their signatures
        # the keyword parameters the project's own definitions of a callable name declare, overrides
        # of the library's methods included (``register(self, ..., job_timeout=None)``)
        self.own_params = own_params or {}
        self.classes = classes  # the project's own class names
        self.maps, self.own = maps, own
        self.derived = derived  # project class -> the library class it derives from (short names)
        self.returns = returns  # project function -> the library class its return annotation names
        self.count = 0
        self.unsure: list[tuple[int, str]] = []  # (line, what): uses that may be the library's, left
        self.class_stack: list[bool] = []  # whether each enclosing class derives from the library
        self.bases: list[set[str]] = []  # ... and the short names of its library bases
        self.class_names: list[str] = []
        self.in_import = False
        # an override's parameters that mirror a renamed parameter of the library's method, and their
        # uses in its body: id of the original Name -> the new spelling (visit_FunctionDef)
        self.param_names: dict[int, str] = {}
        self.signatures: list[tuple[int, str]] = []  # (line, note): the project's own signatures changed
        self.docstrings: dict[int, dict[str, str]] = {}  # id of such an override -> its renamed parameters

    def _qnames(self, node) -> set[str]:
        try:
            return {q.name for q in self.get_metadata(QualifiedNameProvider, node, set())}
        except Exception:  # noqa: BLE001 - a node the provider has no answer for
            return set()

    # imports -------------------------------------------------------------
    def leave_Import(self, original, updated):
        self.in_import = False
        names = []
        for alias in updated.names:
            dotted = _dotted(alias.name)
            new = self.maps.module(dotted) if dotted else None
            if new and new != dotted:
                self.count += 1
                alias = alias.with_changes(name=_expr(new))
            names.append(alias)
        return updated.with_changes(names=names)

    def leave_ImportFrom(self, original, updated):
        self.in_import = False
        if updated.relative or updated.module is None:
            return updated
        dotted = _dotted(original.module)  # as written: the children may be renamed already
        new_mod = self.maps.module(dotted) if dotted else None
        if new_mod and new_mod != dotted:
            self.count += 1
            updated = updated.with_changes(module=_expr(new_mod))
        if isinstance(updated.names, cst.ImportStar):
            return updated
        names = []
        for before, alias in zip(original.names, updated.names):
            short = before.name.value if isinstance(before.name, cst.Name) else None
            target = self.maps.qualified(f"{dotted}.{short}") if short else None
            if target:
                self.count += 1
                alias = alias.with_changes(name=cst.Name(target.rsplit(".", 1)[1]))
            names.append(alias)
        return updated.with_changes(names=names)

    # uses ----------------------------------------------------------------
    def leave_Name(self, original, updated):
        new = self.param_names.get(id(original))
        if new is not None:
            self.count += 1
            return updated.with_changes(value=new)
        for q in self._qnames(original):
            new = self.maps.qualified(q)
            if new and q.rsplit(".", 1)[1] == original.value:
                self.count += 1
                return updated.with_changes(value=new.rsplit(".", 1)[1])
        if self.settings_module and original.value in self.maps.settings and self._module_level_name(original):
            self.count += 1
            return updated.with_changes(value=self.maps.settings[original.value])
        return updated

    def _module_level_name(self, name) -> bool:
        """A name of the module's global scope (``OLD = ...``, ``OLD += [...]``, a read of it), not an
        attribute's or a keyword's."""
        parent = self.get_metadata(ParentNodeProvider, name, None)
        if isinstance(parent, cst.Attribute) and parent.attr is name or isinstance(parent, (cst.Arg, cst.ImportAlias)):
            return False
        scope = self.get_metadata(ScopeProvider, name, None)
        return scope is not None and scope is scope.globals

    def _settings_call(self, original, updated):
        """``override_settings(OLD=...)``, ``self.settings(OLD=...)``, ``settings.configure(OLD=...)``:
        the keywords; ``getattr(settings, "OLD"...)`` (and has/set/delattr): the name."""
        func = original.func
        if (self._qnames(func) & _SETTINGS_CALLS) or (isinstance(func, cst.Attribute) and func.attr.value == "settings"
                                                      and isinstance(func.value, cst.Name) and func.value.value == "self"):
            args = []
            for a in updated.args:
                if a.keyword is not None and a.keyword.value in self.maps.settings:
                    self.count += 1
                    a = a.with_changes(keyword=cst.Name(self.maps.settings[a.keyword.value]))
                args.append(a)
            return updated.with_changes(args=args)
        if isinstance(func, cst.Name) and func.value in ("getattr", "hasattr", "setattr", "delattr") \
                and len(updated.args) >= 2 and _DJANGO_SETTINGS in self._qnames(original.args[0].value):
            text = updated.args[1].value
            if isinstance(text, cst.SimpleString) and text.value[-1] in "'\"" and not text.value.startswith(text.value[-1] * 3):
                q = text.value[-1]
                head, inner = text.value[:text.value.index(q) + 1], text.value[text.value.index(q) + 1:-1]
                if inner in self.maps.settings and head.lower() in (q, "r" + q):
                    self.count += 1
                    args = list(updated.args)
                    args[1] = args[1].with_changes(value=text.with_changes(value=head + self.maps.settings[inner] + q))
                    return updated.with_changes(args=args)
        return updated

    def leave_Attribute(self, original, updated):
        attr = original.attr.value
        if attr in self.maps.settings and _DJANGO_SETTINGS in self._qnames(original.value):
            self.count += 1  # settings.OLD: the library's setting, read or set by the project
            return updated.with_changes(attr=cst.Name(self.maps.settings[attr]))
        for q in self._qnames(original):
            new = self.maps.qualified(q)
            if new and q.rsplit(".", 1)[1] == attr:
                self.count += 1
                return updated.with_changes(attr=cst.Name(new.rsplit(".", 1)[1]))
        if attr in self.maps.members and (attr not in self.own or self._library_receiver(original.value)
                                          or self._the_librarys_call(original, attr)):
            self.count += 1
            return updated.with_changes(attr=cst.Name(self.maps.members[attr]))
        if attr in self.maps.members and not (isinstance(original.value, cst.Name) and original.value.value == "self") \
                and not self.in_import:
            line = self.get_metadata(PositionProvider, original).start.line
            new = self.maps.members[attr]
            self.unsure.append((line, f".{attr} (the project has one too; the library's is .{new} now)"))
        return updated

    def _the_librarys_call(self, attribute, attr: str) -> bool:
        """Whether ``attribute`` is called (``x.attr(...)``) with arguments no definition of the
        project's own ``attr`` takes (a keyword none has, more positional arguments than any) and a
        method of the library of that name takes (each keyword, under its old or new spelling)."""
        call = self.get_metadata(ParentNodeProvider, attribute, None)
        if not isinstance(call, cst.Call) or call.func is not attribute or attr not in self.maps.accepts:
            return False
        if any(sig.accepts(call) for sig in self.own_sigs.get(attr, [])):
            return False
        keywords = [a.keyword.value for a in call.args if a.keyword is not None]
        return any(open_ or all(k in words or self.maps.any_param.get(k) in words for k in keywords)
                   for words, open_ in self.maps.accepts[attr])

    def visit_Import(self, node):
        self.in_import = True

    def visit_ImportFrom(self, node):
        self.in_import = True

    def _imported(self, node) -> bool:
        """Whether ``node`` names an import (of another module: the project's or a third party's)."""
        from libcst.metadata import QualifiedNameSource

        try:
            return any(q.source == QualifiedNameSource.IMPORT
                       for q in self.get_metadata(QualifiedNameProvider, node, set()))
        except Exception:  # noqa: BLE001 - a node the provider has no answer for
            return False

    def _library_class_called(self, func) -> bool:
        """Whether ``func`` names a class of the library (a capitalized name it resolves to there)."""
        return any(q.startswith(self.maps.library + ".") and q.rsplit(".", 1)[1][:1].isupper()
                   for q in self._qnames(func))

    def _of_library(self, node) -> bool:
        return any(q == self.maps.library or q.startswith(self.maps.library + ".") for q in self._qnames(node))

    def _library_receiver(self, value) -> bool:
        if isinstance(value, cst.Call):  # Queue(...).enqueue_job(...): an instance made right there
            return self._class_called(value.func) is not None
        return self._library_class_of(value) is not None

    def _library_class_of(self, value) -> str | None:
        """The library class (short name) that ``value``, a name, holds an instance of or is: bound
        to a parameter annotated with one (``Queue``, ``type[Queue]``, ``Optional[...]``), or assigned
        the result of a call of one, of a project class deriving from one, or of a function of this
        file whose return annotation names one. None when any binding says otherwise."""
        if not isinstance(value, cst.Name):
            return None
        if value.value == "self" and self.class_stack and self.class_stack[-1]:
            return "self"  # a method of a project class deriving from the library's
        try:
            scope = self.get_metadata(ScopeProvider, value)
            assignments = list(scope[value.value]) if scope is not None else []
        except Exception:  # noqa: BLE001 - a name the scope analysis cannot place
            return None
        found: set[str] = set()
        declared = unknown = False
        for a in assignments:
            node = getattr(a, "node", None)
            name = None
            if isinstance(node, cst.Param):
                ann = node.annotation.annotation if node.annotation is not None else None
                name = self._library_name_in(ann) if ann is not None else None
                declared = declared or name is not None
            elif isinstance(node, cst.Name):
                target = self.get_metadata(ParentNodeProvider, node, None)
                assign = self.get_metadata(ParentNodeProvider, target, None) if target is not None else None
                call = getattr(assign, "value", None)
                if isinstance(call, cst.Call):
                    name = self._class_called(call.func)
                    if name is None and self._untyped_call(call.func):
                        unknown = True  # the parameter's annotation still says what it holds
                        continue
            if name is None:
                return None
            found.add(name)
        if unknown and not declared:
            return None
        return found.pop() if len(found) == 1 else None

    def _untyped_call(self, func) -> bool:
        """A call whose result's type this file does not say: of a function (not a class: the
        project's classes are known by name) without a return annotation."""
        short = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) \
            else None
        return short is not None and short not in self.classes and not short[:1].isupper()

    def _library_name_in(self, expr) -> str | None:
        for n in _names_in(expr):
            for q in self._qnames(n):
                if q.startswith(self.maps.library + "."):
                    return q.rsplit(".", 1)[1]
            short = n.value if isinstance(n, cst.Name) else n.attr.value
            if short in self.derived:
                return self.derived[short]
        return None

    def _class_called(self, func) -> str | None:
        for q in self._qnames(func):
            if q.startswith(self.maps.library + "."):
                return q.rsplit(".", 1)[1]
        short = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) \
            else None
        if short in self.derived:
            return self.derived[short]
        if short in self.returns:
            return self.returns[short]
        return None

    def leave_Call(self, original, updated):
        if self.maps.settings:
            updated = self._settings_call(original, updated)
        func = original.func
        callee = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
        renames = self.maps.params.get(callee or "")
        resolved = False
        if not renames and isinstance(func, cst.Name):  # a variable holding a library class
            cls = self._library_class_of(func)
            renames, resolved = self.maps.params.get(cls or ""), True
            if not renames and cls is not None and cls != "self":
                renames = self.maps.any_param  # a library class the recipe lists no parameter of
        if not renames and self._library_class_called(func):  # e.g. a subclass inheriting a renamed __init__
            renames, resolved = self.maps.any_param, True
        if not renames and isinstance(func, cst.Name) and callee in self.derived:
            # a project class deriving from the library's: its constructor is the library's, or an
            # override that follows it (visit_FunctionDef; one still declaring the old keyword is below)
            renames = self.maps.any_param
        if not renames and callee == "__init__" and self.bases and self.bases[-1] and isinstance(func, cst.Attribute) \
                and isinstance(func.value, cst.Call) and isinstance(func.value.func, cst.Name) \
                and func.value.func.value == "super":  # a constructor's call up: keywords listed by class name
            renames = _override_renames(self.maps, "__init__", self.bases[-1])
        if not renames:
            if isinstance(func, cst.Name) and callee not in self.own and callee not in self.returns \
                    and not self._imported(func):
                olds = {a.keyword.value for a in original.args if a.keyword is not None} & self.maps.all_params
                if olds:  # a callable held by a variable: whose it is cannot be known
                    line = self.get_metadata(PositionProvider, original).start.line
                    self.unsure.append((line, f"{callee}({', '.join(sorted(o + '=' for o in olds))}...)"))
            return updated
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call) \
                and isinstance(func.value.func, cst.Name) and func.value.func.value == "super":
            resolved = True  # super().method(...): the library's method an override forwards to
        args = []
        for a in updated.args:
            if a.keyword is not None and a.keyword.value in renames and (resolved or callee not in self.own):
                if not resolved and a.keyword.value in self.own_params.get(callee or "", ()):
                    # the project defines this callable too (an override) with that very keyword: the
                    # call may be its own (a receiver of the project's subclass) and is left
                    line = self.get_metadata(PositionProvider, original).start.line
                    what = f"{callee}({a.keyword.value}=...) (the project's {callee} takes {a.keyword.value} too)"
                    self.unsure.append((line, what))
                    args.append(a)
                    continue
                self.count += 1
                a = a.with_changes(keyword=cst.Name(renames[a.keyword.value]))
            args.append(a)
        return updated.with_changes(args=args)

    def leave_SimpleString(self, original, updated):
        text = original.value
        quote = text[-1]
        inner = text[text.index(quote) + 1:-1] if not text.startswith(quote * 3) else None
        if inner and inner in self.maps.env and text[:text.index(quote)].lower() in ("", "r", "b"):
            self.count += 1
            return updated.with_changes(value=text[:text.index(quote) + 1] + self.maps.env[inner] + quote)
        return updated

    def visit_ClassDef(self, node):
        bases = {q.rsplit(".", 1)[1] for b in node.bases for q in self._qnames(b.value)
                 if q.startswith(self.maps.library + ".")}
        self.class_stack.append(bool(bases))
        self.bases.append(bases)
        self.class_names.append(node.name.value)

    def leave_ClassDef(self, original, updated):
        self.class_stack.pop()
        self.bases.pop()
        self.class_names.pop()
        return updated

    def visit_FunctionDef(self, node):
        """An override (its class derives from the library's) of a method whose keyword parameters the
        library renamed, declaring an old one and not its new one: the library calls it by the new
        name, so the parameter follows, with its uses in the body (scope analysis) and its docstring."""
        if not (self.class_stack and self.class_stack[-1]):
            return
        renames = _override_renames(self.maps, node.name.value, self.bases[-1])
        if not renames:
            return
        params = node.params
        declared = [*params.posonly_params, *params.params, *params.kwonly_params]
        moved = _followed({p.name.value for p in declared}, renames)
        if not moved:
            return
        for p in declared:
            if p.name.value in moved:
                self.param_names[id(p.name)] = moved[p.name.value]
        try:
            scope = self.get_metadata(ScopeProvider, node.body.body[0]) if node.body.body else None
        except Exception:  # noqa: BLE001 - a body the scope analysis cannot place
            scope = None
        if scope is not None:
            for old, new in moved.items():
                for assignment in scope.assignments[old]:
                    for access in assignment.references:
                        if isinstance(access.node, cst.Name):
                            self.param_names[id(access.node)] = new
        line = self.get_metadata(PositionProvider, node).start.line
        said = ", ".join(f"{o} -> {n}" for o, n in sorted(moved.items()))
        self.signatures.append((line, f"{self.class_names[-1]}.{node.name.value}({said}): an override of "
                                      f"{self.maps.library}'s {', '.join(sorted(self.bases[-1]))}.{node.name.value}, "
                                      "which the library calls by the new names; callers "
                                      "outside this checkout that pass the old keyword to this project's "
                                      "class need a deprecation of the project's own"))
        self.docstrings[id(node)] = moved

    def leave_FunctionDef(self, original, updated):
        name = original.name.value
        words = self.docstrings.pop(id(original), None)
        if words:
            updated = _docstring_renamed(updated, words)
        if self.class_stack and self.class_stack[-1] and name in self.maps.members:
            self.count += 1  # an override of the library's method
            return updated.with_changes(name=cst.Name(self.maps.members[name]))
        return updated


def _docstring_renamed(fn: cst.FunctionDef, words: dict[str, str]) -> cst.FunctionDef:
    """The function's docstring with the renamed parameters' names, as whole words."""
    body = fn.body
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return fn
    first = body.body[0]
    if not (isinstance(first, cst.SimpleStatementLine) and first.body and isinstance(first.body[0], cst.Expr)
            and isinstance(first.body[0].value, cst.SimpleString)):
        return fn
    string = first.body[0].value
    value = string.value
    for old, new in words.items():
        value = re.sub(rf"(?<![\w.]){re.escape(old)}(?!\w)", new, value)
    if value == string.value:
        return fn
    expr = first.body[0].with_changes(value=string.with_changes(value=value))
    line = first.with_changes(body=[expr, *first.body[1:]])
    return fn.with_changes(body=body.with_changes(body=[line, *body.body[1:]]))


def _templates(root: Path, listed, maps: _Maps, trees: dict[str, ast.Module], library: str):
    """Changes and notes for attribute lookups in the project's templates (runsmig.compat.templates):
    a lookup spelled like a renamed member of the library is renamed unless the project's own code
    or templates define that spelling too (then what it reads cannot be told: left, with a note)."""
    from runsmig.plan import Change
    from runsmig.runner import file_mode

    texts: dict[str, tuple[bytes, str]] = {}
    for rel in listed:
        if not rel.endswith(templates.EXTENSIONS) or (root / rel).is_symlink():
            continue
        try:
            data = (root / rel).read_bytes()
            texts[rel] = data, data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    if not texts or not maps.members:
        return [], []
    names = set(maps.members)
    own = templates.own_spellings(trees, lambda base, tree: _mentions_library(base, tree, maps.library), names)
    for _data, text in texts.values():
        own |= templates.defined(text) & names
    changes, notes = [], []
    for rel, (data, text) in sorted(texts.items()):
        new, said = templates.rewrite(text, maps.members, own)
        seen: set[str] = set()
        for line, attr, renamed in said:
            if not renamed and attr not in seen:
                seen.add(attr)
                notes.append(f"downstream: {rel}:{line}: template lookup .{attr}: left as it is (the project defines "
                             f".{attr} too: what it reads is not known); if it reads {library}'s, it is "
                             f".{maps.members[attr]} now (a template renders a missing attribute as nothing once the "
                             "aliases go)")
        if new != text:
            changes.append(Change("modify", rel, None, data, new.encode("utf-8"), file_mode(root / rel)))
    return changes, notes


def _parsed(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def _names_in(node) -> list:
    out = []

    class _Collect(cst.CSTVisitor):
        def visit_Name(self, n):
            out.append(n)

        def visit_Attribute(self, n):
            out.append(n)

    node.visit(_Collect())
    return out


class _Signature:
    """What one of the project's own definitions takes: a call it cannot take is not a call of it."""

    def __init__(self, fn: ast.FunctionDef | ast.AsyncFunctionDef | None, method: bool) -> None:
        self.any = fn is None  # an attribute or a class: what it takes is not known here
        if fn is None:
            return
        a = fn.args
        positional = a.posonlyargs + a.args
        static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list)
        if method and positional and not static:
            positional = positional[1:]  # self / cls
        self.positional = len(positional)
        self.names = {x.arg for x in a.args + a.kwonlyargs}
        self.star, self.starstar = a.vararg is not None, a.kwarg is not None

    def accepts(self, call: cst.Call) -> bool:
        if self.any:
            return True
        positional = 0
        for arg in call.args:
            if arg.star:  # *xs / **kw: what they hold is not known here
                return True
            if arg.keyword is None:
                positional += 1
            elif arg.keyword.value not in self.names and not self.starstar:
                return False
        return positional <= self.positional or self.star


def _own_signatures(trees: dict[str, ast.Module], names: set[str],
                    follow: _Maps | None = None) -> dict[str, list[_Signature]]:
    """Every definition of the project's among ``names`` (functions, methods, classes, attributes);
    ``follow``: an override's parameters as the rewrite leaves them (``_Rewriter.visit_FunctionDef``)."""
    out: dict[str, list[_Signature]] = defaultdict(list)
    for tree in trees.values():
        methods = {id(item) for n in ast.walk(tree) if isinstance(n, ast.ClassDef) for item in n.body}
        overrides = {id(item): bases for n, bases in _library_bases(tree, follow.library).items()
                     for item in n.body} if follow is not None else {}
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
                sig = _Signature(node, id(node) in methods)
                moved = _followed(sig.names, _override_renames(follow, node.name, overrides.get(id(node))))
                sig.names = {moved.get(n, n) for n in sig.names}
                out[node.name].append(sig)
            elif isinstance(node, ast.ClassDef) and node.name in names:
                out[node.name].append(_Signature(None, False))
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and node.attr in names:
                out[node.attr].append(_Signature(None, False))
    return dict(out)


def _library_bases(tree: ast.Module, library: str) -> dict[ast.ClassDef, list[str]]:
    """Each class of the tree deriving from a class of the library: its bases' short names as the
    library spells them (through ``from lib import Queue as WorkQueue``)."""
    imported = {a.asname or a.name: a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for a in node.names}
    return {n: [b.attr if isinstance(b, ast.Attribute) else imported.get(b.id, b.id) if isinstance(b, ast.Name)
                else "" for b in n.bases]
            for n in ast.walk(tree)
            if isinstance(n, ast.ClassDef) and any(_mentions_library(b, tree, library) for b in n.bases)}


def _followed(names: set[str], renames: dict[str, str]) -> dict[str, str]:
    """The parameters among ``names`` that follow the library's renamed keywords (old -> new): those
    whose new spelling is not declared already."""
    return {n: renames[n] for n in names if n in renames and renames[n] not in names}


def _override_renames(maps: _Maps, name: str, bases) -> dict[str, str]:
    """The renamed keywords of the library's method an override named ``name`` in a class with these
    bases follows (None: not such an override); a constructor's are listed by class name."""
    if bases is None:
        return {}
    out = dict(maps.params.get(name, {}))
    if name == "__init__":
        for b in bases:
            out.update(maps.params.get(b, {}))
    return out


def _constructors(trees: dict[str, ast.Module], classes: set[str], maps: _Maps) -> dict[str, set[str]]:
    """The keywords the ``__init__`` of each of these classes takes, as the rewrite leaves it."""
    out: dict[str, set[str]] = {}
    for tree in trees.values():
        from_library = _library_bases(tree, maps.library)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in classes:
                init = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
                if init is not None:
                    names = _Signature(init, True).names
                    moved = _followed(names, _override_renames(maps, "__init__", from_library.get(node, [])))
                    out.setdefault(node.name, set()).update(moved.get(n, n) for n in names)
    return out


def _own_names(trees: dict[str, ast.Module], maps: _Maps) -> set[str]:
    """Names the project defines itself (functions, classes, attributes, class attributes and model
    fields), outside classes deriving from the library's, among the spellings of the library's members
    and of its callables with renamed parameters: their uses cannot be told from the library's."""

    wanted = set(maps.members) | set(maps.params) | {k.rstrip("()") for k in maps.keys}
    own: set[str] = set()
    for tree in trees.values():
        classes_from_lib = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(_mentions_library(b, tree, maps.library) for b in node.bases):
                classes_from_lib.update(id(n) for n in ast.walk(node))
        for node in ast.walk(tree):
            if id(node) in classes_from_lib:
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in wanted:
                own.add(node.name)
            if isinstance(node, ast.ClassDef):  # its class attributes and model fields (``job`` and its ``job_id``)
                own |= templates.class_attributes(node, wanted)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and node.attr in wanted:
                own.add(node.attr)
    return own


def _derived(trees: dict[str, ast.Module], library: str) -> dict[str, str]:
    """Project classes deriving (directly) from a class imported from the library: name -> base."""
    out: dict[str, str] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for b in node.bases:
                    if _mentions_library(b, tree, library):
                        out[node.name] = b.id if isinstance(b, ast.Name) else b.attr if isinstance(
                            b, ast.Attribute) else node.name
    return out


def _returns(tree: ast.Module | None, library: str) -> dict[str, str]:
    """Functions of this file whose return annotation names a class imported from the library."""
    if tree is None:
        return {}
    imported = {(a.asname or a.name): a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
                and (n.module == library or n.module.startswith(library + ".")) for a in n.names}
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            names = [n.id for n in ast.walk(node.returns) if isinstance(n, ast.Name) and n.id in imported]
            if len(set(names)) == 1:
                out[node.name] = imported[names[0]]
    return out


def _module_of(rel: str) -> str:
    parts = rel[:-3].split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_from(tree: ast.Module, rel: str) -> dict[str, tuple[str, str]]:
    """Names this file imports from modules: local name -> (absolute module, name there)."""
    here = _module_of(rel).split(".")
    package = here if rel.endswith("__init__.py") else here[:-1]
    out = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom):
            if n.level:
                base = package[:len(package) - n.level + 1] if n.level > 1 else package
                module = ".".join(base + ([n.module] if n.module else []))
            else:
                module = n.module or ""
            for a in n.names:
                out[a.asname or a.name] = (module, a.name)
    return out


def _project_returns(files: dict[str, str], trees: dict[str, ast.Module], library: str) -> dict[str, dict[str, str]]:
    """For each file, the functions it calls by a name imported from another module of the project
    (``from .queues import get_queue_by_index``, also through a package's re-export) whose return
    annotation there names a class imported from the library: local name -> class."""
    by_module: dict[str, dict[str, str]] = {}
    imports: dict[str, dict[str, tuple[str, str]]] = {}
    for rel in files:
        by_module[_module_of(rel)] = _returns(trees.get(rel), library)
        imports[rel] = _imported_from(trees[rel], rel) if rel in trees else {}
    modules = {_module_of(rel): rel for rel in files}

    def resolve(module: str, name: str, depth: int = 0) -> str | None:
        if module not in by_module or depth > 3:
            return None
        if name in by_module[module]:
            return by_module[module][name]
        again = imports.get(modules[module], {}).get(name)  # a re-export
        return resolve(*again, depth + 1) if again else None

    out: dict[str, dict[str, str]] = {}
    for rel in files:
        found = {local: cls for local, (module, name) in imports[rel].items()
                 if (cls := resolve(module, name)) is not None}
        if found:
            out[rel] = found
    return out


def _mentions_library(base: ast.expr, tree: ast.Module, library: str) -> bool:
    name = base.id if isinstance(base, ast.Name) else None
    if isinstance(base, ast.Attribute):
        root = base
        while isinstance(root, ast.Attribute):
            root = root.value
        return isinstance(root, ast.Name) and root.id == library
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and (node.module == library or node.module.startswith(
                library + ".")) and any((a.asname or a.name) == name for a in node.names):
            return True
    return False


_SETTINGS_FILE = re.compile(r"(^|/)(settings(/[^/]+)?|settings_\w+|\w+_settings)\.py$")
_SETTINGS_VALUE = re.compile(r"DJANGO_SETTINGS_MODULE['\"]?\]?\s*[,:=]\s*['\"]?([A-Za-z_][\w.]*)")


def _named_settings_modules(root: Path, listed) -> set[str]:
    """The dotted modules the project names in a ``DJANGO_SETTINGS_MODULE`` value (``manage.py``'s
    ``os.environ.setdefault(...)``, pytest/tox configuration, ``.env`` files)."""
    out: set[str] = set()
    for rel in listed:
        if not rel.endswith((".py", ".ini", ".cfg", ".toml", ".env", ".yaml", ".yml", ".sh")) \
                and not rel.rsplit("/", 1)[-1].startswith(".env"):
            continue
        try:
            text = (root / rel).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "DJANGO_SETTINGS_MODULE" in text:
            out.update(m.group(1) for m in _SETTINGS_VALUE.finditer(text))
    return out


def _settings_module(rel: str, named: set[str]) -> bool:
    """Whether ``rel`` is a Django settings module: named like one, or by a DJANGO_SETTINGS_MODULE
    value (its dotted path ends with that value: a ``src/`` folder may come first)."""
    if _SETTINGS_FILE.search(rel):
        return True
    dotted = _module_of(rel)
    return any(dotted == m or dotted.endswith("." + m) for m in named)


def build(root: Path, recipe):
    from runsmig.discover import discover
    from runsmig.plan import Change, Plan
    from runsmig.runner import file_mode

    section: DownstreamSection = recipe.sections["downstream"]
    maps = _Maps(section)
    words = re.compile("|".join(sorted((re.escape(w) for w in maps.words), key=len, reverse=True))) \
        if maps.words else None
    files: dict[str, str] = {}
    raw: dict[str, bytes] = {}
    listed = discover(root, recipe.ignore).files
    for rel in listed:
        if not rel.endswith(".py") or (root / rel).is_symlink():
            continue
        try:
            data = (root / rel).read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        files[rel], raw[rel] = text, data
    trees = {rel: tree for rel, text in files.items() if (tree := _parsed(text)) is not None}  # parsed once
    own = _own_names(trees, maps)
    derived = _derived(trees, maps.library)
    returns = _project_returns(files, trees, maps.library)
    own_sigs = _own_signatures(trees, own & set(maps.accepts))
    # the keywords the project's own definitions of a renamed callable take (overrides included, with
    # the parameters that follow the library's renamed)
    own_params = {name: set().union(*(sig.names for sig in sigs if not sig.any))
                  for name, sigs in _own_signatures(trees, set(maps.params), maps).items()}
    # ... and the constructors of the project's classes deriving from the library's, by class name
    own_params.update(_constructors(trees, set(derived), maps))
    classes = frozenset(n.name for t in trees.values() for n in ast.walk(t) if isinstance(n, ast.ClassDef))
    named = _named_settings_modules(root, listed) if maps.settings else set()
    changes, notes = [], []
    for rel, text in sorted(files.items()):
        if words is None or not words.search(text):
            continue
        try:
            wrapper = MetadataWrapper(cst.parse_module(text))
        except cst.ParserSyntaxError:
            notes.append(f"{rel}: not parsed; left as it is")
            continue
        rw = _Rewriter(maps, own, derived, {**returns.get(rel, {}), **_returns(trees.get(rel), maps.library)}, classes,
                       own_sigs, own_params, settings_module=bool(maps.settings) and _settings_module(rel, named))
        new = wrapper.visit(rw).code
        if maps.keys:  # keys read from the library's dicts whose keys it renamed: on the rewritten text
            from runsmig.compat.keyreads import key_reads

            new, _, unsure = key_reads(new, maps.keys, own)
            notes += [f"downstream: {rel}:{line}: {what}: left as it is; its old keys answer with a warning "
                      f"until {section.library}'s aliases go, then find nothing" for line, what in unsure]
        notes += [f"downstream: {rel}:{line}: {what}: left as it is; if it is {section.library}'s, rename it by hand"
                  for line, what in rw.unsure]
        notes += [f"downstream: {rel}:{line}: {what}" for line, what in rw.signatures]
        if new != text:
            changes.append(Change("modify", rel, None, raw[rel], new.encode("utf-8"), file_mode(root / rel)))
    more, said = _templates(root, listed, maps, trees, section.library)
    changes += more
    notes += said
    kept = sorted(own & set(maps.members))
    if kept:
        notes.append(f"downstream: left as they are, this project defines them too (check their uses of "
                     f"{section.library} by hand): {', '.join(kept)}")
    if maps.options:
        notes.append(f"downstream: {section.library}'s renamed CLI options (command lines calling it change by "
                     "hand): " + ", ".join(f"{o.split(':')[-1]} -> {n.split(':')[-1]}" for o, n in
                                          sorted(maps.options.items())))
    import importlib
    import pkgutil

    from runsmig.compat import downstreams

    for info in sorted(pkgutil.iter_modules(downstreams.__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{downstreams.__name__}.{info.name}")
        if hasattr(mod, "rewrite"):
            changes, said = mod.rewrite(root, recipe, listed, changes)
            notes += said
    return Plan(root, recipe, sorted(changes, key=lambda c: c.path), None, notes)
