"""The compat step of a plan: after the rename is planned, each language's maker
(runsmig.compat.makers) adds its aliases; then the downstream recipe is written.

Interface (what ``runsmig.plan.build_plan`` calls)::

    extend(root, recipe, result, changes) -> (changes, aliases, notes)

``changes`` are runsmig.plan.Change values; the returned list has the makers' files merged in:
a file a maker rewrites keeps its planned action (its new bytes replaced), an unchanged file it
rewrites becomes a ``modify``, a file it creates a ``create``. With ``compat: none`` (or no library
metadata) nothing is done and nothing is read.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path

from runsmig.compat.model import Alias
from runsmig.compat.settings import Compat, resolve


@dataclass
class Context:
    root: Path
    recipe: object  # runsmig.recipe.model.Recipe
    compat: Compat
    changes: list  # runsmig.plan.Change (read only)
    result: object = None  # runsmig.runner.RunResult or None


@dataclass
class Output:
    aliases: list[Alias] = field(default_factory=list)
    contents: dict[str, bytes] = field(default_factory=dict)  # path after the plan -> final bytes
    created: dict[str, bytes] = field(default_factory=dict)  # new files: path -> bytes
    notes: list[str] = field(default_factory=list)
    signatures: dict[str, str] = field(default_factory=dict)  # renamed method (new name) -> its keywords


def makers():
    from runsmig.compat import makers as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            mod = importlib.import_module(f"{pkg.__name__}.{info.name}")
            if hasattr(mod, "make"):
                yield mod


def extend(root: Path, recipe, result, changes: list) -> tuple[list, list[Alias], list[str]]:
    settings = resolve(root, recipe)
    if settings.action == "none" or not changes:
        return changes, [], []
    ctx = Context(root, recipe, settings, list(changes), result)
    aliases: list[Alias] = []
    notes: list[str] = []
    signatures: dict[str, str] = {}
    out = list(changes)
    for mod in makers():
        res: Output = mod.make(ctx)
        aliases += res.aliases
        signatures.update(res.signatures)
        notes += res.notes
        out = merge(root, out, res)
        ctx.changes = list(out)
    if aliases:
        notes.insert(0, f"compat: {settings.said}")
        from runsmig.compat.downstream import render, target_path

        path = target_path(recipe)
        if (root / path).exists() or any(c.target == path for c in out):
            notes.append(f"compat: {path} exists already: the downstream recipe of this rename is not written")
        else:
            lib = settings.library.name if settings.library else root.name
            text = render(aliases, lib, settings.removed_in or "", recipe.name if recipe else "rename", signatures)
            out = merge(root, out, Output(created={path: text.encode("utf-8")}))
            notes.append(f"compat: {path}: the recipe for projects that use {lib} "
                         f"(runsmig apply --recipe {path} THEIR-CHECKOUT)")
    return out, aliases, notes


def merge(root: Path, changes: list, res: Output) -> list:
    from runsmig.plan import Change
    from runsmig.runner import file_mode

    by_target = {c.target: c for c in changes}
    out = list(changes)
    for path, data in res.contents.items():
        c = by_target.get(path)
        if c is not None:
            out[out.index(c)] = Change(c.action, c.path, c.new_path, c.old, data, c.mode)
        else:
            full = root / path
            old = full.read_bytes()
            if old != data:
                out.append(Change("modify", path, None, old, data, file_mode(full)))
    for path, data in res.created.items():
        out.append(Change("create", path, None, None, data, 0o100644))
    return out
