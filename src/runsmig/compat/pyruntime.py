"""The text of a package's generated compat module (``<package>/_deprecated_aliases.py``) and of the
hooks and shims that use it. Only what the generated code needs is imported there (the standard
library); it imports nothing of the package at import time, so any module may hook into it.

``module_text(...)`` renders it; ``hook(package_module, removed_in, quote, newline)`` is the block
that ends a module with aliases; ``shim(...)`` the whole text of an old module's file.
"""

from __future__ import annotations

from runsmig.compat import marker

COMPAT_MODULE = "_deprecated_aliases"

_RUNTIME = '''
import copy
import functools
import importlib
import importlib.abc
import importlib.util
import inspect
import os
import sys
import warnings


def _warn(old, new, stacklevel=3):
    warnings.warn(
        f'{old} is deprecated, use {new} instead; it will be removed in {REMOVED_IN}',
        DeprecationWarning,
        stacklevel=stacklevel,
    )


class _Alias:
    """An old member name on its class: reads, writes and deletes go to the new name, with a warning."""

    def __init__(self, owner, old, new):
        self.owner, self.old, self.new = owner, old, new

    def __get__(self, obj, owner=None):
        _warn(f'{self.owner}.{self.old}', f'{self.owner}.{self.new}')
        if obj is not None and self.new in getattr(obj, '__dict__', {}):
            return obj.__dict__[self.new]
        cls = type(obj) if obj is not None else owner
        for klass in cls.__mro__:
            found = klass.__dict__.get(self.new, _Alias)
            old = klass.__dict__.get(self.old, _Alias)
            if found is _Alias or _forwarded(found, old):
                # not here, or an old-named override forwarded here: reached through super()
                continue
            return found.__get__(obj, cls) if hasattr(found, '__get__') else found
        return getattr(owner if obj is None else obj, self.new)

    def __set__(self, obj, value):
        _warn(f'{self.owner}.{self.old}', f'{self.owner}.{self.new}')
        setattr(obj, self.new, value)

    def __delete__(self, obj):
        _warn(f'{self.owner}.{self.old}', f'{self.owner}.{self.new}')
        delattr(obj, self.new)


def _forwarded(found, old):
    """Whether ``found`` is the old-named override ``old``, forwarded to the new name as it is or
    wrapped to be called with the old keywords (``_declared_back``)."""
    if old is _Alias:
        return False
    found, old = getattr(found, '__func__', found), getattr(old, '__func__', old)
    return found is old or getattr(found, '__wrapped__', None) is old


def _hide(cls, names):
    """``dir()`` of an instance leaves out the old names still answered by an alias (a subclass that
    defines one lists it). ``dir(cls)`` is computed by the metaclass from the ``__dict__`` of the classes:
    an alias a class must answer itself (``cls.old``, ``super().old``) stays listed there."""
    own = cls.__dict__.get('__dir__')

    def __dir__(self):
        out = []
        for name in own(self) if own is not None else super(cls, self).__dir__():
            if name in names:
                mro = type(self).__mro__
                found = [k.__dict__[name] for k in mro if name in k.__dict__]
                if found and isinstance(found[0], _Alias):
                    continue
            out.append(name)
        return out

    cls.__dir__ = __dir__


def _alias_members(cls, owner, members, methods=None):
    """A renamed member keeps its old name as a forwarding descriptor on the class (``cls.old``,
    ``super().old``, reads and writes on instances), left out of ``dir()`` of an instance. ``dir(cls)``
    is computed by the metaclass from the ``__dict__`` of the classes and lists it: hiding it there too
    would take a metaclass, or a hook on every attribute read or write of the instances of the class.
    ``methods``: method name -> its renamed parameters (old -> new), for the overrides of subclasses."""
    on_class = set()
    for old, new in members.items():
        if old not in cls.__dict__:
            setattr(cls, old, _Alias(owner, old, new))
            on_class.add(old)
    if on_class:
        _hide(cls, frozenset(on_class))
    _forward_overrides(cls, owner, members, frozenset(on_class), methods or {})


# a name, not a tuple display: older ruff flags UP038 on one
_METHOD_WRAPPERS = (staticmethod, classmethod)


def _declared_back(func, renames, where, base):
    """An override that still declares old parameter names (and not the new ones), which the package
    calls with the new names: the new keywords go back to the old ones, with a warning when the
    class is made. Anything else is returned as it is."""
    raw = func.__func__ if isinstance(func, _METHOD_WRAPPERS) else func
    try:
        params = inspect.signature(raw).parameters
    except (TypeError, ValueError):
        return func
    back = {n: o for o, n in renames.items() if o in params and n not in params}
    if not back:
        return func
    for new, old in back.items():
        what = f'parameter {old!r} of {where} (overrides {base})'
        _warn(what, repr(new), stacklevel=5)

    def moved(kwargs):
        for new, old in back.items():
            if new in kwargs and old not in kwargs:
                kwargs[old] = kwargs.pop(new)
        return kwargs

    wrapper = _calling(raw, moved)
    return type(func)(wrapper) if isinstance(func, _METHOD_WRAPPERS) else wrapper


def _forward_overrides(cls, owner, members, on_class, methods):
    """Subclasses that define an old member name (an override, a class attribute such as a class to use)
    define the new one too, with a warning: the package only reads the new name. An override that
    declares the old parameter names of a method is called with the new ones (``_declared_back``).
    The own ``__dir__`` of a subclass (which may not call up) is wrapped so the aliases stay unlisted."""
    original = cls.__dict__.get('__init_subclass__')

    def __init_subclass__(sub, **kwargs):
        for old, new in members.items():
            value = sub.__dict__.get(old, _Alias)
            if value is not _Alias and new not in sub.__dict__:
                _warn(
                    f'{sub.__module__}.{sub.__qualname__}.{old} (overrides {owner}.{old})',
                    f'{owner}.{new}',
                    stacklevel=4,
                )
                setattr(sub, new, value)
        for name, renames in methods.items():
            value = sub.__dict__.get(name)
            if callable(value) or isinstance(value, _METHOD_WRAPPERS):
                wrapped = _declared_back(
                    value,
                    renames,
                    f'{sub.__module__}.{sub.__qualname__}.{name}',
                    f'{owner}.{name}',
                )
                if wrapped is not value:
                    setattr(sub, name, wrapped)
        if on_class and '__dir__' in sub.__dict__:
            _hide(sub, on_class)
        if original is not None:
            original.__func__(sub, **kwargs)
        else:
            super(cls, sub).__init_subclass__(**kwargs)

    cls.__init_subclass__ = classmethod(__init_subclass__)


def _renamed(func, renames, qualname):
    """``func`` accepting its renamed keyword parameters under their old names too, with a warning."""

    def moved(kwargs):
        for old, new in renames.items():
            if old in kwargs:
                if new in kwargs:
                    both = f'{old!r} (deprecated) and {new!r}'
                    raise TypeError(f'{qualname}() got both {both}')
                _warn(f'parameter {old!r} of {qualname}()', repr(new), stacklevel=4)
                kwargs[new] = kwargs.pop(old)
        return kwargs

    return _calling(func, moved)


def _calling(func, moved):
    """``func`` called with its keywords as ``moved`` gives them. A coroutine function stays one
    (``async def``): callers test it (asyncio, asgiref.sync.async_to_sync), and
    ``inspect.markcoroutinefunction`` only exists from Python 3.12."""
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def wrapper(*args, **kwargs):
            return await func(*args, **moved(kwargs))

        return wrapper

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **moved(kwargs))

    return wrapper


def _wrap_parameters(g, module, target, renames):
    name, _, method = target.partition('.')
    if not method:
        func = g.get(name)
        if inspect.isfunction(func):
            g[name] = _renamed(func, renames, f'{module}.{name}')
        return
    cls = g.get(name)
    raw = cls.__dict__.get(method) if isinstance(cls, type) else None
    # a name, not a tuple display: older ruff flags UP038 on one
    wrappers = (staticmethod, classmethod)
    if isinstance(raw, wrappers):
        func = _renamed(raw.__func__, renames, f'{module}.{target}')
        setattr(cls, method, type(raw)(func))
    elif inspect.isfunction(raw):
        setattr(cls, method, _renamed(raw, renames, f'{module}.{target}'))


def _wrap_options(command):
    """A click command accepting its renamed options under their old names (hidden), with a warning."""
    own = set()
    for p in command.params:
        own.update(list(p.opts) + list(getattr(p, 'secondary_opts', [])))
    mine = {old: new for old, new in OPTIONS.items() if new in own and old not in own}
    if not mine or getattr(command, '_deprecated_options', None):
        return
    parse = command.parse_args

    def parse_args(ctx, args):
        out = []
        for arg in args:
            flag, eq, value = arg.partition('=')
            if flag in mine:
                sys.stderr.write(
                    f'Warning: option {flag} is deprecated, use {mine[flag]} instead; '
                    f'it will be removed in {REMOVED_IN}\\n'
                )
                _warn(f'option {flag}', mine[flag], stacklevel=2)
                arg = mine[flag] + eq + value
            out.append(arg)
        return parse(ctx, out)

    command.parse_args = parse_args
    command._deprecated_options = mine


class _RenamedKeys(dict):
    """A dict the package hands out (a public attribute, a returned dict) whose renamed keys still
    answer their old spelling: reads, writes, deletes and ``in`` by an old key warn and go to the new
    key; iteration, ``len``, ``==``, ``**`` and JSON see the new keys only. Pickled, it is a plain dict."""

    __slots__ = ('_renames', '_owner')

    def _key(self, key):
        new = self._renames.get(key) if isinstance(key, str) else None
        if new is None or dict.__contains__(self, key):
            return key
        _warn(f'key {key!r} of {self._owner}', repr(new), stacklevel=4)
        return new

    def __getitem__(self, key):
        return dict.__getitem__(self, self._key(key))

    def __setitem__(self, key, value):
        dict.__setitem__(self, self._key(key), value)

    def __delitem__(self, key):
        dict.__delitem__(self, self._key(key))

    def __contains__(self, key):
        return dict.__contains__(self, self._key(key))

    def get(self, key, default=None):
        return dict.get(self, self._key(key), default)

    def pop(self, key, *default):
        return dict.pop(self, self._key(key), *default)

    def setdefault(self, key, default=None):
        return dict.setdefault(self, self._key(key), default)

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            dict.__setitem__(self, self._key(key), value)

    def copy(self):
        return _renamed_keys(dict(self), self._renames, self._owner)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        value = copy.deepcopy(dict(self), memo)
        return _renamed_keys(value, self._renames, self._owner)

    def __reduce__(self):
        return (dict, (dict(self),))


def _renamed_keys(value, renames, owner):
    out = _RenamedKeys(value)
    out._renames, out._owner = renames, owner
    return out


def keys(module):
    """The ``_deprecated_keys(value, owner)`` of a hooked module: a plain dict the package hands out
    at ``owner`` (``Class.attribute``, ``Class.method()``, ``function()``) answers its old keys too."""
    table = KEYS.get(module, {})

    def _deprecated_keys(value, owner):
        if type(value) is not dict or owner not in table:
            return value
        return _renamed_keys(value, table[owner], f'{module}.{owner}')

    return _deprecated_keys


def install(g):
    """Called by the hook that ends a module: aliases its renamed members, parameters and options, and
    returns the ``__getattr__`` of the module (PEP 562) that answers its old names with a warning."""
    module = g['__name__']
    methods = {}  # class -> method -> its renamed parameters: what the override of a subclass is called with
    for target, renames in PARAMETERS.get(module, {}).items():
        cls_name, _, method = target.partition('.')
        if method:
            methods.setdefault(cls_name, {})[method] = renames
    members_of = MEMBERS.get(module, {})
    for cls_name in sorted(set(members_of) | set(methods)):
        cls = g.get(cls_name)
        if isinstance(cls, type):
            renamed = members_of.get(cls_name, {})
            # the parameters of a renamed method are those of the new one: its forwarded old-named override too
            _alias_members(cls, f'{module}.{cls_name}', renamed, methods.get(cls_name))
    for target, renames in PARAMETERS.get(module, {}).items():
        _wrap_parameters(g, module, target, renames)
    if OPTIONS:
        for value in list(g.values()):
            params = getattr(value, 'params', None)
            if hasattr(value, 'parse_args') and isinstance(params, list):
                _wrap_options(value)
    names = NAMES.get(module, {})
    previous = g.get('__getattr__')

    def __getattr__(name):
        new = names.get(name)
        if new is not None:
            _warn(f'{module}.{name}', f'{module}.{new}')
            return g[new] if new in g else previous(new)
        if f'{module}.{name}' in MODULES:
            return importlib.import_module(f'{module}.{name}')
        if previous is not None:
            return previous(name)
        raise AttributeError(f'module {module!r} has no attribute {name!r}')

    return __getattr__


def shim(old, stacklevel=4):
    """The file of an old module: the old name is the new module (same object), with a warning."""
    new = MODULES[old]
    _warn(f'module {old}', new, stacklevel=stacklevel)
    module = importlib.import_module(new)
    sys.modules[old] = module
    return module


class _Loader(importlib.abc.Loader):
    def __init__(self, old):
        self.old = old

    def create_module(self, spec):
        return shim(self.old, stacklevel=5)

    def exec_module(self, module):
        pass


class _Finder(importlib.abc.MetaPathFinder):
    """Old submodules of a renamed package that have no file of their own."""

    def find_spec(self, name, path=None, target=None):
        if name in MODULES and any(name.startswith(p + '.') for p in PACKAGES):
            return importlib.util.spec_from_loader(name, _Loader(name))
        return None


if PACKAGES:
    sys.meta_path.insert(0, _Finder())

for _new, _old in ENV.items():
    if _old in os.environ:
        if _new in os.environ:
            _said = f'environment variable {_old} (ignored: {_new} is set)'
            _warn(_said, _new, stacklevel=2)
        else:
            _warn(f'environment variable {_old}', _new, stacklevel=2)
            os.environ[_new] = os.environ[_old]
'''

# only in the module of a package that reads renamed Django settings
_SETTINGS_RUNTIME = '''

def _alias_settings():
    """A renamed Django setting a deployment still sets under its old name: read as a fallback when
    the new one is not set, with a warning; when both are set the new one wins (with the warning).
    The settings object caches each value it reads; override_settings clears that cache."""
    try:
        from django.conf import LazySettings
    except ImportError:
        return
    read = LazySettings.__getattr__
    if getattr(read, '_renamed_settings', None) is SETTINGS:
        return

    def __getattr__(self, name):
        old = SETTINGS.get(name)
        if old is None:
            return read(self, name)
        try:
            value = read(self, name)
        except AttributeError as missing:
            try:
                value = read(self, old)
            except AttributeError:
                raise missing from None
            _warn(f'setting {old}', name)
            self.__dict__[name] = value
            return value
        try:
            read(self, old)
        except AttributeError:
            return value
        _warn(f'setting {old} (ignored: {name} is set)', name)
        return value

    __getattr__._renamed_settings = SETTINGS
    LazySettings.__getattr__ = __getattr__


if SETTINGS:
    _alias_settings()
'''


def _q(text: str, quote: str) -> str:
    return repr(text) if quote == "'" else '"' + repr(text)[1:-1].replace('"', '\\"').replace("\\'", "'") + '"'


def _literal(value, indent: int = 0, quote: str = "'") -> str:
    """A dict/list literal, one entry a line (4-space indents, trailing commas), keys sorted."""
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{_q(k, quote)}: {_literal(v, indent + 4, quote)}," for k, v in sorted(value.items())]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + "\n".join(f"{pad}{_q(v, quote)}," for v in value) + "\n" + " " * indent + "]"
    return _q(value, quote) if isinstance(value, str) else repr(value)


def _table(name: str, comment: str, value, quote: str) -> str:
    text = _literal(value, 0, quote)
    kind = "list" if isinstance(value, list) else "dict"
    return f"# {comment}\n{name}: {kind} = {text}\n"


def module_text(library: str, recipe_name: str, removed_in: str, names: dict, members: dict, parameters: dict,
                options: dict, env: dict, modules: dict, packages: list[str], quote: str = "'",
                keys: dict | None = None, settings: dict | None = None) -> str:
    """``quote``: the quote the package writes its strings with (the runtime has no string holding
    either quote, so it is written with that one). ``settings``: new Django setting -> old one (the
    table and its code are written only for a package that reads renamed settings)."""
    head = (f"{marker.line(removed_in)}\n"
            "# type: ignore\n"  # untyped runtime; type checkers read the old names in each module (pytypes)
            f'"""Deprecated aliases of the public names of {library} renamed by {recipe_name}; removed in {removed_in}.\n\n'
            "Written by runsmig. Each module that had a renamed public name ends with a hook calling install();\n"
            "the old file of each renamed module calls shim(). Every old name keeps working and warns\n"
            "(DeprecationWarning), naming the new name and the release that removes the old one.\n"
            '"""\n')
    tables = "\n".join([
        f"REMOVED_IN = {_q(removed_in, quote)}\n",
        _table("NAMES", "module -> {old name: new name}", names, quote),
        _table("MEMBERS", "module -> {class: {old member: new member}}", members, quote),
        _table("PARAMETERS", "module -> {function or Class.method: {old parameter: new parameter}}", parameters, quote),
        _table("OPTIONS", "old CLI option -> new (click commands of the hooked modules)", options, quote),
        _table("KEYS", "module -> {Class.attribute, Class.method() or function(): {old key: new key}} of the dicts "
               "it hands out", keys or {}, quote),
        _table("ENV", "new environment variable -> old one, read as a fallback", env, quote),
        _table("MODULES", "old module -> new module", modules, quote),
        _table("PACKAGES", "renamed packages (old names)", sorted(packages), quote),
    ] + ([_table("SETTINGS", "new Django setting -> old one, read as a fallback", settings, quote)]
         if settings else []))
    # imports first (ruff I001/E402), then the tables, then the code
    runtime = _RUNTIME + (_SETTINGS_RUNTIME if settings else "")
    runtime = runtime if quote == "'" else runtime.replace("'", '"')
    imports, _, code = runtime.strip("\n").partition("\n\n\n")
    return head + "\n" + imports + "\n\n" + tables + "\n\n" + code + "\n"


def hook(compat_module: str, removed_in: str, quote: str = "'", newline: str = "\n",
         types: list[str] | None = None, keys: bool = False) -> str:
    """The block ending a hooked module; ``types``: its lines for type checkers (runsmig.compat.pytypes);
    ``keys``: the module hands out dicts with renamed keys (runsmig.compat.pykeys), its wrapper is bound."""
    q = quote
    lines = [marker.begin(removed_in, "#") + " (deprecated aliases, remove with 'runsmig compat drop')",
             f"__getattr__ = __import__({q}{compat_module}{q}, fromlist=[{q}install{q}]).install(globals())",
             *(_keys_lines(compat_module, q) if keys else []),
             *(types or []), marker.end("#")]
    return newline.join(lines) + newline


def _keys_lines(compat_module: str, q: str) -> list[str]:
    """The wrapper of the dicts a module hands out (runsmig.compat.pykeys): type checkers see it return
    what it is given (a ``return _deprecated_keys({...}, ...)`` keeps its declared type)."""
    return [f"if __import__({q}typing{q}).TYPE_CHECKING:  # what the wrapper of the dicts handed out returns",
            "    from typing import TypeVar as _TypeVar",
            "",
            f"    _KeysT = _TypeVar({q}_KeysT{q})",
            "",
            "    def _deprecated_keys(value: _KeysT, owner: str) -> _KeysT: ...",
            "else:",
            f"    _deprecated_keys = __import__({q}{compat_module}{q}, fromlist=[{q}keys{q}]).keys(__name__)"]


def shim(compat_module: str, old: str, new: str, removed_in: str, quote: str = "'",
         types: list[str] | None = None) -> str:
    q = quote
    return (f"{marker.line(removed_in)}\n"
            f'"""Deprecated: {old} is now {new}; this name will be removed in {removed_in}."""\n\n'
            f"__import__({q}{compat_module}{q}, fromlist=[{q}shim{q}]).shim(__name__)\n"
            + "".join(ln + "\n" for ln in types or []))
