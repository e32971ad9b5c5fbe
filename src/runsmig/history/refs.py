"""What released history refers to keeps resolving after the migration.

* The names of history files that hold a term (``0003_job_fields`` in a later migration's
  ``dependencies``, an Alembic revision id, a link to ``V2__jobs.sql``) are kept everywhere.
* A checkout module a Python history file imports (``from app.fields import JobField``, ``import
  app.job_utils``, ``from ..fields import X``) stays where it is, with the folders holding it; the
  imported names holding a term are kept everywhere (definition and every use: the frozen file
  still finds them), and so is a module name holding a term (``job_utils``) that dotted uses spell.
* An imported name that is a term itself (``from app.models import Job``) cannot be kept without
  turning the gate off for that word: it is a conflict, for the recipe to decide (a ``symbols:``
  entry, or ``history: remove:``).

Only history files that hold a term or the name of a module the recipe moves are parsed (CPython's
``ast``: no lossless tree is needed to read imports).
"""

from __future__ import annotations

import ast
from pathlib import Path

from runsmig.findings import Finding
from runsmig.history import CHANGELOG, History, folders_of, reason
from runsmig.history.base import name


def references(root: Path, kinds: dict[str, str], heads: dict[str, bytes], files: list[str], recipe,
               engine) -> History:
    terms = {w for t in recipe.terms for w in (t.singular, t.plural)}
    pinned: dict[str, str] = {rel: reason(kind) for rel, kind in kinds.items()}
    keep: dict[str, str] = {}  # name -> why
    for rel, kind in sorted(kinds.items()):
        if kind in (CHANGELOG, "recipe"):
            continue
        stem = _stem(rel, kind)
        if stem and engine.find(stem) and stem.lower() not in terms:
            keep.setdefault(stem, f"{_NAMED} ({rel})")
    conflicts: list[Finding] = []
    py = [rel for rel in sorted(kinds) if rel.endswith(".py")]
    django_terms = 0
    if py:
        from runsmig.runner.modkeys import module_keys

        keys = module_keys(recipe)
        index = None
        for rel in py:
            data = _bytes(root / rel, heads.get(rel))
            if data is None or not (engine.may_contain(data) or any(k in data.lower() for k in keys)):
                continue
            django_terms += kinds[rel] == "django" and engine.may_contain(data)
            try:
                tree = ast.parse(data)
            except (SyntaxError, ValueError):
                continue  # the Python pass reports it; a history file is never rewritten anyway
            if index is None:
                from runsmig.languages.python.modules import ModuleIndex

                index = ModuleIndex(frozenset(files))
            for module_rel, names, node in _imports(tree, rel, index):
                pinned.setdefault(module_rel, f"history: imported by {rel}")
                stem = module_rel.rsplit("/", 2)[-2] if module_rel.endswith("/__init__.py") else name(module_rel)[:-3]
                if engine.find(stem) and stem.lower() not in terms:
                    keep.setdefault(stem, f"a module released history imports ({rel})")
                for n in names:
                    if not engine.find(n):
                        continue
                    if n.lower() in terms:
                        conflicts.append(Finding(
                            rel, node.lineno, node.col_offset + 1, n, "identifier", None, "conflict",
                            f"released history imports '{n}' from {module_rel}: renaming it would break the frozen "
                            "file, and a term cannot be kept; keep its name with a recipe 'symbols:' entry, or "
                            "remove the file from history ('history: remove:')"))
                    else:
                        keep.setdefault(n, f"released history imports it ({rel}:{node.lineno})")
    if django_terms:
        notes_first = (f"history: {django_terms} released Django migration(s) name what the rename changes (models, "
                       "fields): they stay as they are; the app's next migration (RenameModel, RenameField), "
                       "written by this plan (or by 'manage.py makemigrations' where a note says it cannot be), "
                       "carries existing databases along",)
    else:
        notes_first = ()
    held = frozenset(f for rel in pinned for f in folders_of(rel))
    stems = sorted(n for n, why in keep.items() if why.startswith(_NAMED))
    if stems:
        shown = ", ".join(stems[:5]) + (f", … ({len(stems) - 5} more)" if len(stems) > 5 else "")
        notes_first += (f"history: kept the names of {len(stems)} released history file(s) everywhere they are "
                        f"mentioned ({shown})",)
    notes = notes_first + tuple(f"history: kept '{n}' everywhere: {why}" for n, why in sorted(keep.items())
                                if not why.startswith(_NAMED))
    notes += tuple(f"history: {rel} stays where it is ({why})" for rel, why in sorted(pinned.items())
                   if rel not in kinds and engine.paths_that_may_hold([rel]))
    return History(dict(sorted(kinds.items())), tuple(sorted(keep)), pinned, held, notes, tuple(conflicts))


_NAMED = "the name of released history"


def _stem(rel: str, kind: str) -> str:
    """The name other files use for a history file: its file name without extensions (a Prisma
    step: its folder's name)."""
    if kind == "prisma":
        return rel.rsplit("/", 2)[-2]
    leaf = name(rel)
    for suffix in (".up.sql", ".down.sql"):
        if leaf.lower().endswith(suffix):
            return leaf[: -len(suffix)]
    return leaf.rsplit(".", 1)[0] if "." in leaf else leaf


def _bytes(path: Path, head: bytes | None) -> bytes | None:
    from runsmig.history.base import SNIFF_BYTES
    from runsmig.runner.regular import regular_bytes

    if head is not None and len(head) < SNIFF_BYTES:
        return head  # read whole already
    try:
        return regular_bytes(path)
    except OSError:
        return None


def _imports(tree: ast.Module, rel: str, index):
    """(module file of the checkout, names used from it, the statement) for each import."""
    bound: dict[str, str] = {}  # local name -> module file, for attribute uses (m.JobField)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            res = index.resolve(node.module or "", rel, node.level)
            if res.external or res.rel is None:
                continue
            names = []
            for alias in node.names:
                sub = index.submodule(res, alias.name)
                if sub is not None:  # from pkg import module
                    out.append((sub, [], node))
                    bound[alias.asname or alias.name] = sub
                elif alias.name != "*":
                    names.append(alias.name)
            out.append((res.rel, names, node))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                for i in range(1, len(parts) + 1):  # import a.b.c imports a, a.b and a.b.c
                    res = index.resolve(".".join(parts[:i]), rel, 0)
                    if res.external or res.rel is None:
                        continue
                    out.append((res.rel, [], node))
                    if alias.asname and i == len(parts):
                        bound[alias.asname] = res.rel
                    elif not alias.asname:
                        bound[".".join(parts[:i])] = res.rel
    if bound:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                dotted = _dotted(node.value)
                if dotted in bound:
                    out.append((bound[dotted], [node.attr], node))
    return out


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None
