"""Recipe transforms: codemods for what no rename can do, one small file each.

A recipe folder may hold ``transforms/<name>.py``. Each module documents
"What it does / Why / Example" in its docstring and defines:

* ``PATHS``: gitignore-style patterns of the files it applies to;
* ``transform(ctx: FileContext) -> Analysis``: edits on the *original* text.

Transform edits take precedence: a language edit that overlaps one is dropped
(the transform writes its text in final, migrated form). Transforms are found by
existing in the folder; a broken one fails the file it touches, never the run.

The runner asks for a recipe's transforms only through :func:`transforms_of`,
:func:`recipe_transforms_for` and :func:`named_by_transforms`: a data-only recipe
(``Recipe.code_folder`` is None: what ``check`` runs with, and an untrusted recipe)
has none, so nothing of its folder is parsed, imported or run.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from types import ModuleType
from typing import Callable

from runsmig.errors import RecipeError
from runsmig.pathmatch import Matcher, compile_patterns


@dataclass(frozen=True)
class Transform:
    name: str
    path: Path
    patterns: tuple[str, ...]  # its PATHS

    @cached_property
    def applies(self) -> Matcher:
        """``applies(rel)``: does its PATHS name this file? Compiled on first use (runsmig.pathmatch):
        a check that finds no file to analyse only needs :func:`any_transform`."""
        return compile_patterns(self.patterns)

    @property
    def run(self) -> Callable:
        """``transform(ctx)``; the module is imported on first use (deciding which files a
        transform names never imports it: a check of a large tree stays free of its imports)."""
        fn = getattr(_import(self.path), "transform", None)
        if not callable(fn):
            raise _shape_error(self.path)
        return fn


@lru_cache(maxsize=8)
def load_transforms(folder: Path) -> tuple[Transform, ...]:
    tdir = folder / "transforms"
    if not tdir.is_dir():
        return ()
    out = []
    for f in sorted(tdir.glob("*.py")):
        if f.name.startswith("_"):
            continue
        paths = _memo_static_paths(f)
        if paths is None:  # not a literal list, or no transform() written in the file: import it to see
            mod = _import(f)
            paths = getattr(mod, "PATHS", None)
            if not isinstance(paths, (list, tuple)) or not paths or not callable(getattr(mod, "transform", None)):
                raise _shape_error(f)
        out.append(Transform(f.stem, f, tuple(paths)))
    return tuple(out)


def _memo_static_paths(path: Path) -> list[str] | None:
    """:func:`_static_paths`, remembered by the file's bytes in the cache folder (parsing every
    transform was most of a small checkout's check), sealed with this machine's key
    (runner.seal). A memo that cannot be read or does not verify is rebuilt."""
    import json

    from runsmig.runner import seal
    from runsmig.runner.cache import cache_home, content_hash

    try:
        data = path.read_bytes()
    except OSError:
        return None
    key = content_hash(data)
    memo = cache_home() / "transform-paths" / f"{key}.json"
    raw = seal.load(memo, "transform-paths", key)  # None: none, or one that does not verify
    try:
        value = json.loads(raw) if raw is not None else False
        if value is None or (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            return value
    except ValueError:
        pass
    value = _static_paths(path)
    seal.store(memo, "transform-paths", key, json.dumps(value).encode())
    return value


def _static_paths(path: Path) -> list[str] | None:
    """``PATHS`` when the module defines ``transform`` at its top level and builds ``PATHS`` from
    constants: string literals, module constants made of them (``+``, tuples, lists, sets, the keys
    of dicts), ``sorted``/``set``/``list`` of them and list comprehensions over them. None
    otherwise, and then the module is imported to read it. Nothing of the module is run."""
    try:
        source = path.read_bytes()
        tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError):
        return None
    env: dict[str, object] = {}
    has_fn = False
    unstable = set() if _literal_once(tree, source) else _unstable_names(tree)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "transform":
            has_fn = True
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = _constant(node.value, env)
            for t in targets:
                _bind(t, value, env)
            for name in unstable & env.keys():  # changed later, or only in some branches: not a constant
                del env[name]
    paths = env.get("PATHS")
    if not has_fn or not isinstance(paths, list) or not paths or not all(isinstance(v, str) for v in paths):
        return None
    return paths


def _literal_once(tree: ast.Module, source: bytes) -> bool:
    """Is ``PATHS`` named once in the whole file, by a top-level assignment of a value that names
    nothing? Then no other statement can change it: no need to look for unstable names."""
    if source.count(b"PATHS") != 1:
        return False
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PATHS" for t in node.targets):
            return not any(isinstance(n, ast.Name) for n in ast.walk(node.value))
    return False


_MUTATORS = {"append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse", "update", "add",
             "discard", "setdefault", "popitem", "__setitem__", "__delitem__", "__iadd__"}


def _unstable_names(tree: ast.Module) -> set[str]:
    """Module-level names whose value the top-level assignments do not settle: bound inside an
    ``if``/``for``/``try``/``with``/``while`` at module level, augmented (``+=``), deleted, made
    ``global`` in a function, or changed through a mutating method (``X.append(...)``)."""
    out: set[str] = set()

    def bound(target: ast.AST) -> None:
        for n in ast.walk(target):
            if isinstance(n, ast.Name):
                out.add(n.id)

    for top in tree.body:
        if isinstance(top, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.With, ast.AsyncWith)) \
                or type(top).__name__ == "TryStar":
            for n in ast.walk(top):
                if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target]):
                        bound(t)
                elif isinstance(n, (ast.For, ast.AsyncFor)):
                    bound(n.target)
    for n in ast.walk(tree):
        if isinstance(n, ast.AugAssign):
            bound(n.target)
        elif isinstance(n, ast.Delete):
            for t in n.targets:
                bound(t)
        elif isinstance(n, ast.Global):
            out.update(n.names)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _MUTATORS:
            bound(n.func.value)
    return out


class _Keys(list):
    """A dict constant: only its keys are known (its values may be anything)."""


def _bind(target: ast.AST, value: object, env: dict[str, object]) -> None:
    if isinstance(target, ast.Name):
        if value is None:
            env.pop(target.id, None)
        else:
            env[target.id] = value
    elif isinstance(target, (ast.Tuple, ast.List)):
        items = value if isinstance(value, list) and len(value) == len(target.elts) else [None] * len(target.elts)
        for t, v in zip(target.elts, items):
            _bind(t, v, env)
    elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
        known = env.get(target.value.id)
        key = _constant(target.slice, env)
        if isinstance(known, _Keys) and isinstance(key, str):
            if key not in known:
                known.append(key)  # NAME["key"] = ...: one more key (a key set again keeps its place)
        else:
            env.pop(target.value.id, None)


def _constant(node: ast.AST, env: dict[str, object]) -> object | None:
    """A string, or a list of strings, that ``node`` evaluates to without running code; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return env.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.BitOr)):
        a, b = _constant(node.left, env), _constant(node.right, env)
        if isinstance(node.op, ast.Add) and type(a) is type(b) and isinstance(a, (str, list)):
            return a + b
        if isinstance(node.op, ast.BitOr) and isinstance(a, list) and isinstance(b, list):
            return a + [x for x in b if x not in a]
        return None
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [_constant(e, env) for e in node.elts]
        return items if all(i is not None for i in items) else None
    if isinstance(node, ast.Dict):
        keys = [_constant(k, env) if k is not None else None for k in node.keys]
        return _Keys(keys) if all(isinstance(k, str) for k in keys) else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1 and not node.keywords:
        arg = _constant(node.args[0], env)
        if not isinstance(arg, list):
            return None
        if node.func.id == "sorted" and all(isinstance(x, str) for x in arg):
            return sorted(arg)
        if node.func.id in ("set", "list", "tuple"):
            return list(dict.fromkeys(arg)) if node.func.id == "set" else list(arg)
        return None
    if isinstance(node, ast.ListComp) and len(node.generators) == 1:
        gen = node.generators[0]
        items = _constant(gen.iter, env)
        if gen.ifs or gen.is_async or not isinstance(gen.target, ast.Name) or not isinstance(items, list):
            return None
        out = []
        for item in items:
            v = _constant(node.elt, {**env, gen.target.id: item})
            if v is None:
                return None
            out.append(v)
        return out
    return None


def _import(path: Path) -> ModuleType:
    name = f"runsmig_recipe_transform_{abs(hash(str(path.parent)))}_{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    except (Exception, SystemExit) as exc:  # SystemExit too: a transform must not end the run (nor pass the gate)
        del sys.modules[name]
        line, col = _where(exc, path)
        message = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        raise RecipeError(f"cannot load transform: {type(exc).__name__}: {message}", str(path), line, col) from None
    return mod


def _where(exc: BaseException, path: Path) -> tuple[int | None, int | None]:
    """The line and column in the transform file where loading it failed: a syntax error's own
    position, else the innermost frame of the traceback that is in the file."""
    if isinstance(exc, SyntaxError) and exc.lineno:
        return exc.lineno, exc.offset or 1
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if Path(frame.filename) == path:
            col = getattr(frame, "colno", None)
            return frame.lineno, (col + 1) if col is not None else 1
    return None, None


def _shape_error(path: Path) -> RecipeError:
    """A transform without PATHS or transform(): named at its PATHS assignment, else at line 1."""
    line = 1
    try:
        for node in ast.parse(path.read_bytes()).body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PATHS" for t in node.targets):
                line = node.lineno
    except (OSError, SyntaxError, ValueError):
        pass
    return RecipeError("a transform needs PATHS (a non-empty list of patterns) and transform(ctx)", str(path), line, 1)


@lru_cache(maxsize=8)
def any_transform(folder: Path) -> Matcher:
    """Does some transform of the folder name this file (one regex for all)? A matcher, with
    ``select`` for a whole sorted file list (runsmig.pathmatch)."""
    ts = load_transforms(folder)
    if any(p.lstrip().startswith("!") for t in ts for p in t.patterns):
        # a negation is about its own transform only; every path another transform may name is a prefix
        each = [t.applies for t in ts]
        prefixes = [m.prefixes for m in each]
        return Matcher(lambda rel: any(t.applies(rel) for t in ts),
                       None if any(p is None for p in prefixes) else sorted({x for p in prefixes for x in p}))
    return compile_patterns([p for t in ts for p in t.patterns])


def transforms_for(folder: Path, rel: str) -> list[Transform]:
    return [t for t in load_transforms(folder) if t.applies(rel)]


# -- what the runner asks: a recipe's transforms (none for a data-only recipe) -----------------------
def transforms_of(recipe) -> tuple[Transform, ...]:
    folder = recipe.code_folder
    return () if folder is None else load_transforms(folder)


def recipe_transforms_for(recipe, rel: str) -> list[Transform]:
    return [t for t in transforms_of(recipe) if t.applies(rel)]


_NONE = compile_patterns([])


def named_by_transforms(recipe) -> Matcher:
    """:func:`any_transform` of the recipe's folder; a matcher of nothing for a data-only recipe."""
    folder = recipe.code_folder
    return _NONE if folder is None else any_transform(folder)
