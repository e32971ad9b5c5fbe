"""A Django app as its files show it: its folder (the one holding ``models.py`` or a ``models/``
package), its label (``Meta.app_label``, else the ``label`` of the ``AppConfig`` in its ``apps.py``,
else the last part of that config's ``name``, else the folder's name) and its ``migrations``
package: the migrations that are leaves (no other migration of the app depends on them) and the
number the next one takes."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

_MIGRATION = re.compile(r"(\d{4,})_\w+\.py")


def app_folder(rel: str) -> str | None:
    """``shop`` for ``shop/models.py``, ``shop/models/__init__.py`` and ``shop/models/job.py``."""
    parts = rel.split("/")
    if parts[-1] == "models.py":
        return "/".join(parts[:-1])
    if len(parts) >= 2 and parts[-2] == "models" and parts[-1].endswith(".py"):
        return "/".join(parts[:-2])
    return None


def app_label(root: Path, folder: str, files, read=None) -> str:
    """The app's label from its ``apps.py`` (``read(rel) -> str`` reads a file; it may note the read)."""
    rel = f"{folder}/apps.py" if folder else "apps.py"
    if rel in files:
        try:
            text = read(rel) if read is not None else (root / rel).read_text("utf-8")
            label = _config_label(text)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            label = None
        if label:
            return label
    return folder.rsplit("/", 1)[-1] if folder else Path(root).name


def _config_label(text: str) -> str | None:
    tree = ast.parse(text)
    configs = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(
                (isinstance(b, ast.Name) and b.id == "AppConfig") or (isinstance(b, ast.Attribute) and b.attr == "AppConfig")
                for b in node.bases):
            values = {}
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                        and isinstance(stmt.value, ast.Constant):
                    values[stmt.targets[0].id] = stmt.value.value
            configs.append(values)
    chosen = next((c for c in configs if c.get("default") is True), configs[0] if configs else None)
    if chosen is None:
        return None
    if isinstance(chosen.get("label"), str):
        return chosen["label"]
    if isinstance(chosen.get("name"), str):
        return chosen["name"].rsplit(".", 1)[-1]
    return None


@dataclass(frozen=True)
class History:
    """An app's migrations package."""

    folder: str  # 'shop/migrations'
    names: tuple[str, ...]  # migration names ('0001_initial'), in number order
    leaves: tuple[str, ...]
    next_number: int


def migrations_of(root: Path, folder: str, label: str, files) -> History | None:
    """The app's ``migrations`` package (None: it has none, so no migration can be written)."""
    mig = f"{folder}/migrations" if folder else "migrations"
    if f"{mig}/__init__.py" not in files:
        return None
    found = sorted((rel.rsplit("/", 1)[-1] for rel in files
                    if rel.startswith(mig + "/") and "/" not in rel[len(mig) + 1:]
                    and _MIGRATION.fullmatch(rel.rsplit("/", 1)[-1])),
                   key=lambda n: (int(_MIGRATION.fullmatch(n).group(1)), n))
    names = tuple(n[:-3] for n in found)
    needed: set[str] = set()
    for n in found:
        try:
            needed |= _same_app_dependencies((root / mig / n).read_text("utf-8"), label)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
    leaves = tuple(n for n in names if n not in needed)
    number = max((int(_MIGRATION.fullmatch(n).group(1)) for n in found), default=0) + 1
    return History(mig, names, leaves, number)


def _same_app_dependencies(text: str, label: str) -> set[str]:
    """The migrations of the same app a migration names in ``dependencies`` (and ``replaces``:
    a squashed migration stands for them)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("dependencies", "replaces")
                                                for t in node.targets):
            if isinstance(node.value, (ast.List, ast.Tuple)):
                for el in node.value.elts:
                    if isinstance(el, ast.Tuple) and len(el.elts) == 2 and all(isinstance(e, ast.Constant) for e in el.elts):
                        app, name = (e.value for e in el.elts)
                        if app == label and isinstance(name, str):
                            out.add(name)
    return out


def installed_django(root: Path) -> tuple[int, ...]:
    """The version of the Django installed where the checkout's imports are looked up (a top-level
    virtualenv, ``$VIRTUAL_ENV``, this interpreter: runsmig.languages.python.installed), read from
    ``django/__init__.py``'s ``VERSION`` without importing it; ``()`` when none is found."""
    from runsmig.languages.python.installed import module_file, site_dirs

    path = module_file(site_dirs(Path(root)), "django")
    if path is None:
        return ()
    try:
        tree = ast.parse(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return ()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "VERSION" for t in node.targets) \
                and isinstance(node.value, ast.Tuple):
            return tuple(e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, int))
    return ()
