"""Recipe transforms: codemods for what no rename can do, one small file each.

A recipe folder may hold ``transforms/<name>.py``. Each module documents
"What it does / Why / Example" in its docstring and defines:

* ``PATHS``: gitignore-style patterns of the files it applies to;
* ``transform(ctx: FileContext) -> Analysis``: edits on the *original* text.

Transform edits take precedence: a language edit that overlaps one is dropped
(the transform writes its text in final, migrated form). Transforms are found by
existing in the folder; a broken one fails the file it touches, never the run.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Callable

import pathspec

from runsmig.errors import RecipeError


@dataclass(frozen=True)
class Transform:
    name: str
    spec: pathspec.PathSpec
    run: Callable

    def applies(self, rel: str) -> bool:
        return bool(self.spec.match_file(rel))


@lru_cache(maxsize=8)
def load_transforms(folder: Path) -> tuple[Transform, ...]:
    tdir = folder / "transforms"
    if not tdir.is_dir():
        return ()
    out = []
    for f in sorted(tdir.glob("*.py")):
        if f.name.startswith("_"):
            continue
        mod = _import(f)
        paths = getattr(mod, "PATHS", None)
        fn = getattr(mod, "transform", None)
        if not isinstance(paths, (list, tuple)) or not paths or not callable(fn):
            raise RecipeError("a transform needs PATHS (a list of patterns) and transform(ctx)", str(f))
        out.append(Transform(f.stem, pathspec.PathSpec.from_lines("gitignore", list(paths)), fn))
    return tuple(out)


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
    except Exception as exc:
        del sys.modules[name]
        raise RecipeError(f"cannot load transform: {type(exc).__name__}: {exc}", str(path)) from None
    return mod


def transforms_for(folder: Path, rel: str) -> list[Transform]:
    return [t for t in load_transforms(folder) if t.applies(rel)]
