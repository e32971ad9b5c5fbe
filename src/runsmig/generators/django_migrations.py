"""The Django migration of a rename: when the plan renames a model or a field (or writes out the
stored name it keeps), the app's ``migrations`` package gets its next migration, depending on the
app's leaves, so that ``makemigrations --check`` finds nothing to do and ``migrate`` carries every
existing database along (runsmig.django.migration). Released migrations are never edited.

A second plan after ``apply`` renames nothing more, so it writes nothing; the new file names the
old names on purpose and starts with the marker line that makes ``check`` accept it
(runsmig.written).
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from runsmig.generators import NewFile


def generate(root: Path, recipe, result, options: dict) -> list[NewFile]:
    if result is None:
        return []
    candidates = [o for o in result.looked if o.status == "changed" and not o.moved and o.rel.endswith(".py")
                  and o.old is not None and o.new is not None and b"django" in o.old]
    if not candidates:
        return []
    from runsmig.django import apps
    from runsmig.django.migration import (
        AppOps, ModuleChange, file_name, many_to_many_notes, operations, render, renamed_labels)
    from runsmig.django.models import models_of
    from runsmig.recipe.sections.stored import stored_of
    from runsmig.textio import DecodeFailure, decode

    files = {o.rel for o in result.looked} | set(result.unread)
    changes: list[tuple[ModuleChange, str | None]] = []
    for o in candidates:
        try:
            old, new = cst.parse_module(decode(o.old).text), cst.parse_module(decode(o.new).text)
        except (DecodeFailure, cst.ParserSyntaxError):
            continue
        old_models = models_of(old)
        if not old_models:
            continue
        folder = apps.app_folder(o.rel)
        given = next((m.option("app_label") for m in old_models if isinstance(m.option("app_label"), str)), None)
        if folder is None and given is None:
            continue
        label = given or apps.app_label(root, folder, files)
        changes.append((ModuleChange(o.rel, label, old, new, old_models, models_of(new)), folder))
    if not changes:
        return []
    keep = stored_of(recipe).action == "keep"
    renamed = renamed_labels([c for c, _ in changes])
    by_app: dict[str, tuple[AppOps, str | None]] = {}
    rename_index = apps.installed_django(root) >= (4, 1)
    for c, folder in changes:
        app, _ = by_app.setdefault(c.label, (AppOps(c.label), folder))
        operations(c, renamed, app, keep, rename_index)
        if keep:
            app.notes += many_to_many_notes(c, renamed)
    out: list[NewFile] = []
    written: dict[str, str] = {}  # app label -> its new migration's name
    plans = []
    for label in sorted(by_app):
        app, folder = by_app[label]
        if not app.operations():
            out += [NewFile("", "", tuple(app.notes))] if app.notes else []
            continue
        history = apps.migrations_of(root, folder, label, files) if folder is not None else None
        if history is None:
            out.append(NewFile("", "", (f"Django app '{label}': models renamed, but it has no migrations package: "
                                        "no migration written (run 'makemigrations')", *app.notes)))
            continue
        name = file_name(history.next_number, app.fragments)
        written[label] = name
        plans.append((app, history, name))
    for app, history, name in plans:
        deps = [(app.label, leaf) for leaf in history.leaves]
        for ref in sorted(app.needs):
            other = ref.split(".", 1)[0]
            if other in written and other != app.label:
                deps.append((other, written[other]))
        why = ("the rename of Django models and fields; stored names kept (stored: keep): the database keeps its "
               "tables and columns" if keep else
               "the rename of Django models and fields; stored names migrated (stored: migrate): Django renames "
               "tables and columns")
        rel = f"{history.folder}/{name}.py"
        kinds = sorted({op.split("(", 1)[0].strip().removeprefix("migrations.") for op in app.operations()})
        note = f"{rel}: new Django migration of app '{app.label}' ({', '.join(kinds)}" + (
            ", RunPython: content types" if app.content_types else "") + (
            ", RunPython: permission codenames" if app.permissions else "") + (
            ", RunPython: names derived from the renamed tables and columns" if app.derived else "") + ")"
        perms = [f"{rel}: permission codename '{old}' -> '{new}' (a stored value: renamed by the migration, "
                 "as Django names permissions after the model)" for _, old, new, _ in app.permissions]
        migrates = tuple((kind, o, n, table, rel) for kind, o, n, table in app.migrates)
        keeps = tuple((kind, n, table, rel) for kind, n, table in app.keeps)
        out.append(NewFile(rel, render(app, deps, why, _future(root, history)), (note, *perms, *app.notes),
                           migrates, keeps))
    return out


def _future(root: Path, history) -> bool:
    """The app's latest migration imports ``from __future__ import annotations`` (read with ast)."""
    import ast

    if not history.names:
        return False
    try:
        tree = ast.parse((root / history.folder / f"{history.names[-1]}.py").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return False
    return any(isinstance(n, ast.ImportFrom) and n.module == "__future__"
               and any(a.name == "annotations" for a in n.names) for n in tree.body)
