"""The public surface of one Python module, read with ``ast`` (issue #22, item 1).

``surface(text) -> Surface | None`` (None: not parsable). Public means: listed in ``__all__`` where
the module has one, else a top-level binding whose name does not start with ``_``. Of each public
class: its methods, properties and class attributes, the attributes its methods set on ``self``, and
the keyword parameters of its methods (``__init__`` and ``__call__`` included); of each public
function: its keyword parameters. Also the CLI options the module declares (``click.option``,
``typer.Option``, ``add_argument``: strings starting with ``-``) and the environment variables it
reads (``os.environ.get``, ``os.getenv``, ``os.environ[...]``, string constants only), and the
Django settings it reads (``getattr(settings, "NAME"[, default])``, ``hasattr(settings, "NAME")``,
``settings.NAME`` where ``settings`` is imported from ``django.conf``; upper-case names only, the
ones Django's settings hold): a deployment sets them outside the checkout, like an environment
variable.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

_OPTION_CALLS = {"option", "Option", "add_argument", "add_option", "Argument", "argument"}
_CLI_DECORATORS = {"command", "group", "option", "argument", "callback"}
_ENV_CALLS = {"getenv", "get", "pop", "setdefault"}


@dataclass
class ClassSurface:
    members: dict[str, str] = field(default_factory=dict)  # name -> method | property | attribute
    params: dict[str, list[str]] = field(default_factory=dict)  # method -> keyword parameters
    open: set[str] = field(default_factory=set)  # methods that take any keyword (a **kwargs they pass on)
    dict_keys: dict[str, set[str]] = field(default_factory=dict)  # attribute set to a dict display -> its keys
    returned_keys: dict[str, set[str]] = field(default_factory=dict)  # method or property returning a dict display -> its keys


@dataclass
class Surface:
    names: dict[str, str] = field(default_factory=dict)  # public name -> function | class | constant | import
    bindings: set[str] = field(default_factory=set)  # every top-level binding
    classes: dict[str, ClassSurface] = field(default_factory=dict)
    functions: dict[str, list[str]] = field(default_factory=dict)  # public function -> keyword parameters
    options: set[str] = field(default_factory=set)
    env: set[str] = field(default_factory=set)
    env_written: set[str] = field(default_factory=set)  # os.environ["NAME"] = ... (for child processes)
    returned_keys: dict[str, set[str]] = field(default_factory=dict)  # public function returning a dict display -> its keys
    settings: set[str] = field(default_factory=set)  # names read from django.conf.settings
    settings_read: list[str] = field(default_factory=list)  # the same, each read in the order of the text

    def count(self) -> int:
        return (len(self.names) + sum(len(c.members) + sum(len(p) for p in c.params.values())
                                      for c in self.classes.values())
                + sum(len(p) for p in self.functions.values()) + len(self.options) + len(self.env) + len(self.settings))


def public(name: str) -> bool:
    return not name.startswith("_")


def reachable(name: str) -> bool:
    """A member of a public class that its users can reach: public, or ``_private`` (single
    underscore; a downstream project subclassing or driving the class may use it, and renaming it
    without an alias would break it as surely as a public one). Not ``__mangled`` names."""
    return public(name) or not name.startswith("__")


def keyword_params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    a = fn.args
    return [x.arg for x in a.args + a.kwonlyargs if x.arg not in ("self", "cls")] + kwargs_keys(fn)


def kwargs_keys(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """Keywords a function takes through its ``**kwargs``: the string keys it reads from that dict
    (``kwargs.pop('name', d)``, ``.get``, ``kwargs['name']``, ``'name' in kwargs``). A caller passes
    them as keyword arguments like the named parameters (``q.enqueue(f, job_timeout=5)``)."""
    if fn.args.kwarg is None:
        return []
    kw = fn.args.kwarg.arg
    named = {x.arg for x in fn.args.args + fn.args.kwonlyargs}
    out: list[str] = []
    for n in ast.walk(fn):
        key = None
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("pop", "get", "setdefault") \
                and _is_name(n.func.value, kw) and n.args:
            key = n.args[0]
        elif isinstance(n, ast.Subscript) and _is_name(n.value, kw):
            key = n.slice
        elif isinstance(n, ast.Compare) and len(n.ops) == 1 and isinstance(n.ops[0], (ast.In, ast.NotIn)) \
                and _is_name(n.comparators[0], kw):
            key = n.left
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.isidentifier() \
                and key.value not in named and key.value not in out:
            out.append(key.value)
    return out


def forwarded_to(fn: ast.FunctionDef | ast.AsyncFunctionDef, owner: str | None = None) -> set[str]:
    """Names of the callables ``fn`` passes its own ``**kwargs`` on to (``self.parse_args(f, **kwargs)``,
    ``cls.make(**kwargs)``, ``Owner.make(**kwargs)`` in a method of class ``owner``, ``helper(**kwargs)``)."""
    if fn.args.kwarg is None:
        return set()
    kw = fn.args.kwarg.arg
    out = set()
    for n in ast.walk(fn):
        if isinstance(n, ast.Call) and any(k.arg is None and _is_name(k.value, kw) for k in n.keywords):
            f = n.func
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in ("self", "cls", owner):
                out.add(f.attr)
            elif isinstance(f, ast.Name):
                out.add(f.id)
    return out


def _with_forwarded(params: dict[str, list[str]], forwards: dict[str, set[str]]) -> None:
    """Add to each callable's keywords those of the callables of the same scope it forwards its
    ``**kwargs`` to (transitively): a key the callee pops is a keyword of the caller too."""
    changed = True
    while changed:
        changed = False
        for name, targets in forwards.items():
            for t in targets:
                for p in params.get(t, []):
                    if name in params and p not in params[name]:
                        params[name].append(p)
                        changed = True


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _top_level(body: list[ast.stmt]):
    """Top-level statements, looking into if/try/with blocks (conditional definitions)."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            yield from _top_level(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            yield from _top_level(node.body + node.orelse + node.finalbody
                                  + [s for h in node.handlers for s in h.body])
        elif isinstance(node, (ast.With,)):
            yield from _top_level(node.body)


def _targets(node: ast.stmt) -> list[str]:
    out: list[str] = []
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
        node, (ast.AnnAssign, ast.AugAssign)) else []
    for t in targets:
        for n in ast.walk(t):
            if isinstance(n, ast.Name):
                out.append(n.id)
    return out


def _decorators(fn) -> set[str]:
    out = set()
    for d in fn.decorator_list:
        d = d.func if isinstance(d, ast.Call) else d
        if isinstance(d, ast.Name):
            out.add(d.id)
        elif isinstance(d, ast.Attribute):
            out.add(d.attr)
    return out


def _class(node: ast.ClassDef) -> ClassSurface:
    cs = ClassSurface()
    forwards: dict[str, set[str]] = {}
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decos = _decorators(item)
            kind = "property" if decos & {"property", "cached_property", "setter", "getter", "deleter"} else "method"
            if reachable(item.name):
                cs.members.setdefault(item.name, kind)
            if kind == "method" and (public(item.name) or item.name in ("__init__", "__call__", "__new__")):
                cs.params[item.name] = keyword_params(item)
            if kind == "method":
                forwards[item.name] = forwarded_to(item, node.name)
                if item.args.kwarg is not None:
                    cs.open.add(item.name)
            for n in ast.walk(item):
                if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) and isinstance(n.value, ast.Name) \
                        and n.value.id == "self" and reachable(n.attr):
                    cs.members.setdefault(n.attr, "attribute")
                if isinstance(n, (ast.Assign, ast.AnnAssign)) and isinstance(n.value, ast.Dict):
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target]):
                        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self" \
                                and public(t.attr):
                            cs.dict_keys.setdefault(t.attr, set()).update(_string_keys(n.value))
            if public(item.name):
                keys = returned_keys(item)
                if keys:
                    cs.returned_keys[item.name] = keys
        else:
            for name in _targets(item):
                if reachable(name):
                    cs.members.setdefault(name, "attribute")
    every = {item.name: keyword_params(item) for item in node.body
             if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
    _with_forwarded(every, forwards)
    for name in cs.params:
        cs.params[name] = every.get(name, cs.params[name])
    return cs


def _string_keys(node: ast.Dict) -> set[str]:
    return {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}


def returned_keys(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The string keys of the dict displays ``fn`` returns (``return {'job_id': ...}``), not those of
    functions nested in it."""
    out: set[str] = set()
    todo = list(fn.body)
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(n, ast.Return) and isinstance(n.value, ast.Dict):
            out |= _string_keys(n.value)
        todo.extend(ast.iter_child_nodes(n))
    return out


def _all(tree: ast.Module) -> list[str] | None:
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and "__all__" in _targets(node):
            value = node.value
            if isinstance(value, (ast.List, ast.Tuple)):
                return [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return None


def surface(text: str) -> Surface | None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    s = Surface()
    kinds: dict[str, str] = {}
    for node in _top_level(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            kinds[node.name] = "function"
        elif isinstance(node, ast.ClassDef):
            kinds[node.name] = "class"
        elif isinstance(node, ast.ImportFrom):
            for a in node.names:
                if a.name != "*":
                    # re-exported only in __all__ or as 'import x as x' (PEP 484, typed packages)
                    kinds.setdefault(a.asname or a.name, "export" if a.asname == a.name else "import")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for name in _targets(node):
                kinds.setdefault(name, "constant")
    s.bindings = set(kinds)
    listed = _all(tree)
    chosen = [n for n in listed if n in kinds] if listed is not None else \
        [n for n, k in kinds.items() if public(n) and k != "import"]
    s.names = {n: kinds[n] for n in chosen if n != "__all__"}
    for node in _top_level(tree.body):
        if isinstance(node, ast.ClassDef) and node.name in s.names:
            s.classes[node.name] = _class(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in s.names \
                and not _decorators(node) & _CLI_DECORATORS:  # a CLI command's parameters are its options
            s.functions[node.name] = keyword_params(node)
            keys = returned_keys(node)
            if keys:
                s.returned_keys[node.name] = keys
    top = {n.name: n for n in _top_level(tree.body) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    every = {name: keyword_params(fn) for name, fn in top.items()}
    _with_forwarded(every, {name: forwarded_to(fn) for name, fn in top.items()})
    for name in s.functions:
        s.functions[name] = every.get(name, s.functions[name])
    for n in ast.walk(tree):
        if isinstance(n, ast.Call):
            fname = n.func.attr if isinstance(n.func, ast.Attribute) else n.func.id if isinstance(n.func, ast.Name) else ""
            if fname in _OPTION_CALLS:
                for a in n.args:
                    if isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value.startswith("-"):
                        s.options.add(a.value)
            if fname in _ENV_CALLS and _is_environ(n.func, fname) and n.args:
                first = n.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    s.env.add(first.value)
        elif isinstance(n, ast.Subscript) and _names_environ(n.value) and isinstance(n.slice, ast.Constant) \
                and isinstance(n.slice.value, str):
            s.env.add(n.slice.value)
            if isinstance(n.ctx, ast.Store):
                s.env_written.add(n.slice.value)
    s.settings_read = django_settings_reads(tree)
    s.settings = set(s.settings_read)
    return s


def _setting_name(value) -> bool:
    return isinstance(value, str) and value.isidentifier() and value.isupper()


def django_settings_read(tree: ast.AST) -> set[str]:
    return set(django_settings_reads(tree))


def django_settings_reads(tree: ast.AST) -> list[str]:
    """The setting names a module reads from Django's settings object (``from django.conf import
    settings [as s]``): ``getattr(s, "NAME"[, default])``, ``hasattr(s, "NAME")``, ``s.NAME``; one
    entry a read, in the order of a walk of the tree (a rename keeps it: old and new pair by place)."""
    local = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "django.conf"
             and not n.level for a in n.names if a.name == "settings"}
    out: list[str] = []
    if not local:
        return out
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("getattr", "hasattr") \
                and len(n.args) >= 2 and _is_name_in(n.args[0], local) and isinstance(n.args[1], ast.Constant) \
                and _setting_name(n.args[1].value):
            out.append(n.args[1].value)
        elif isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load) and _is_name_in(n.value, local) \
                and _setting_name(n.attr):
            out.append(n.attr)
    return out


def _is_name_in(node: ast.AST, names: set[str]) -> bool:
    return isinstance(node, ast.Name) and node.id in names


def _names_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (isinstance(node, ast.Name) and node.id == "environ")


def _is_environ(func: ast.AST, fname: str) -> bool:
    if fname == "getenv":
        return True
    return isinstance(func, ast.Attribute) and _names_environ(func.value)
