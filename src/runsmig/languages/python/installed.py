"""What an installed third-party class declares, read with ``ast`` (never imported).

Where packages are looked for, first found wins: a virtualenv at the checkout's top level (a
folder holding ``pyvenv.cfg``: ``.venv``, ``venv``, ...), the active ``$VIRTUAL_ENV``, then the
``site-packages`` folders of the interpreter running runsmig. A module that is in none of them
is not known (``None``): nothing is guessed about it.
"""

from __future__ import annotations

import ast
import os
import sys
from functools import lru_cache
from pathlib import Path

from runsmig.textio import read_file

_MOST = 2 * 1024 * 1024


def site_dirs(root: Path) -> tuple[Path, ...]:
    """The ``site-packages`` folders a checkout's third-party imports are looked up in."""
    venvs: list[Path] = []
    try:
        venvs += sorted(p for p in root.iterdir() if (p / "pyvenv.cfg").is_file())
    except OSError:
        pass
    if os.environ.get("VIRTUAL_ENV"):
        venvs.append(Path(os.environ["VIRTUAL_ENV"]))
    out: list[Path] = []
    for v in venvs:
        out += sorted(v.glob("lib/python3*/site-packages")) + sorted(v.glob("Lib/site-packages"))
    out += [Path(p) for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    # the standard library (runsmig's own): a class deriving from enum.Enum or typing.Protocol reads it
    import sysconfig

    out.append(Path(sysconfig.get_paths()["stdlib"]))
    seen: set[Path] = set()
    return tuple(p for p in out if p.is_dir() and not (p in seen or seen.add(p)))


def module_file(sites: tuple[Path, ...], dotted: str) -> Path | None:
    parts = dotted.split(".")
    for site in sites:
        base = site.joinpath(*parts)
        for cand in (base.with_suffix(".py"), base / "__init__.py", base.with_suffix(".pyi"), base / "__init__.pyi"):
            if cand.is_file():
                return cand
    return None


@lru_cache(maxsize=512)
def _parsed(path: Path) -> ast.Module | None:
    try:
        if path.stat().st_size > _MOST:
            return None
        return ast.parse(read_file(path))
    except (OSError, SyntaxError, ValueError):
        return None


def _absolute(module: str, level: int, importer: str, is_package: bool) -> str:
    if not level:
        return module
    base = importer.split(".")
    base = base[: len(base) - level + (1 if is_package else 0)]
    return ".".join(base + ([module] if module else []))


def installed(sites: tuple[Path, ...], dotted: str) -> bool:
    """Whether the top-level package or module of ``dotted`` is there at all (source, stub or a
    compiled extension): a class of it that cannot be read is then not an unseen package's."""
    top = dotted.split(".")[0]
    for site in sites:
        if (site / top).is_dir() or (site / f"{top}.py").is_file() or (site / f"{top}.pyi").is_file():
            return True
        if any(site.glob(f"{top}.*.so")) or any(site.glob(f"{top}.*.pyd")):
            return True
    return False


def class_members(sites: tuple[Path, ...], module: str, name: str) -> frozenset[str] | None:
    """The methods and attributes class ``module.name`` declares, with its bases' (those that can be
    read; ``object``, ``ABC``, ``Generic[...]`` add nothing). None: the class cannot be read."""
    return _members(sites, module, name, 0)


@lru_cache(maxsize=1024)
def _members(sites: tuple[Path, ...], module: str, name: str, depth: int) -> frozenset[str] | None:
    path = module_file(sites, module)
    tree = _parsed(path) if path is not None and depth < 8 else None
    if tree is None:
        return None
    is_package = path.stem == "__init__"
    imports: dict[str, tuple[str, str]] = {}  # local name -> (absolute module, name there or '' for a module)
    for st in tree.body:
        if isinstance(st, ast.ImportFrom):
            src = _absolute(st.module or "", st.level, module, is_package)
            for a in st.names:
                imports[a.asname or a.name] = (src, a.name)
        elif isinstance(st, ast.Import):
            for a in st.names:
                imports[a.asname or a.name.split(".")[0]] = (a.name if a.asname else a.name.split(".")[0], "")
    cls = next((st for st in tree.body if isinstance(st, ast.ClassDef) and st.name == name), None)
    if cls is None:
        got = imports.get(name)
        return _members(sites, got[0], got[1], depth + 1) if got and got[1] else None
    out = body_names(cls, ("self",))
    for base in cls.bases:
        if isinstance(base, ast.Subscript):
            base = base.value
        if isinstance(base, ast.Name):
            if any(isinstance(st, ast.ClassDef) and st.name == base.id for st in tree.body):
                got = (module, base.id)
            else:
                got = imports.get(base.id)
        elif isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id in imports:
            mod, sub = imports[base.value.id]
            got = (f"{mod}.{sub}" if sub else mod, base.attr)
        else:
            got = None
        if got and got[1]:
            more = _members(sites, got[0], got[1], depth + 1)
            if more:
                out |= more
    return frozenset(out)


def body_names(cls: ast.ClassDef, selves: tuple[str, ...] = ("self",)) -> set[str]:
    """The names a class body defines: methods, nested classes, class attributes, and attributes
    its methods assign through ``self`` (or the other names in ``selves``)."""
    out: set[str] = set()
    for st in cls.body:
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(st.name)
        elif isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name):
            out.add(st.target.id)
        elif isinstance(st, ast.Assign):
            out.update(t.id for t in st.targets if isinstance(t, ast.Name))
    for node in ast.walk(cls):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in selves \
                and isinstance(node.ctx, ast.Store):
            out.add(node.attr)
    return out
