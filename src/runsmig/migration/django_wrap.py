"""A Django app whose migrations wrap the files of a plain SQL migration folder gets a wrapper for
the new SQL file too (``stored: migrate``).

Some projects ship their schema as a folder of SQL files and a Django app applying the same files
through Django's migrations, one migration per SQL file (``RunSQL`` of the file read by name, or
an operation of their own taking the file's name). Django users upgrade with ``migrate``: without a
wrapper for the new SQL file their database never gets it, and the project's own check that every
SQL file is wrapped fails.

The pattern is read from the history's structure, never from a list of projects: the latest
migration of a Django migrations package holds a string literal that is the name of the latest
released file of the SQL folder. The new wrapper is that migration with the literal replaced by
the new file's name, its ``dependencies`` replaced by the app's leaf (the Django migration this
plan writes for the same app, if any, else the released leaves), and a ``name = "NNNN_…"`` class
attribute, if it has one, set to its own name. It is numbered after the package's highest number
(and after a migration of the same plan), named after the new SQL file's description
(``0043_pre_runsmig_stored_names.py`` for ``03.10.00_01_pre_runsmig_stored_names.sql``), and starts
with the ``# Written by runsmig`` marker, so ``check`` accepts it and no plan rewrites it.
"""

from __future__ import annotations

import re
from pathlib import Path

import libcst as cst

from runsmig.django.apps import _MIGRATION, migrations_of

MARKER = "# Written by runsmig: the Django migration applying"
_NUMBER = re.compile(r"(\d+)")
_LEAD = re.compile(r"[\d.]+[_-](?:\d+[_-])?")


def wrappers(root: Path, kinds: dict[str, str], sql_new: list[tuple[str, list[str]]],
             earlier: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(path, content, note) of every wrapper to write. ``kinds``: the history (path -> kind);
    ``sql_new``: (new SQL file, the released files of its folder in run order); ``earlier``:
    (path, content) of the files the plan creates already (a Django migration of the same app)."""
    packages: dict[str, list[str]] = {}
    for rel, kind in kinds.items():
        if kind == "django" and "/" in rel:
            packages.setdefault(rel.rsplit("/", 1)[0], []).append(rel)
    out = []
    for new_sql, released in sql_new:
        if not released:
            continue
        last_sql = released[-1].rsplit("/", 1)[-1]
        new_leaf = new_sql.rsplit("/", 1)[-1]
        for package, rels in sorted(packages.items()):
            made = _wrapper(root, package, rels, last_sql, new_leaf, earlier)
            if made is not None:
                out.append(made)
    return out


def _number(rel: str) -> int:
    m = _NUMBER.match(rel.rsplit("/", 1)[-1])
    return int(m.group(1)) if m else -1


def _wrapper(root: Path, package: str, rels: list[str], last_sql: str, new_sql: str,
             earlier: list[tuple[str, str]]):
    last = max(rels, key=_number)
    try:
        module = cst.parse_module((root / last).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, cst.ParserSyntaxError):
        return None
    literal = _Literal(last_sql)
    module.visit(literal)
    if not literal.found:
        return None
    label = _label(module)
    if label is None:
        return None
    mine = [(p, c) for p, c in earlier if p.rsplit("/", 1)[0] == package and _MIGRATION.fullmatch(p.rsplit("/", 1)[-1])]
    number = max([_number(r) for r in rels] + [_number(p) for p, _ in mine]) + 1
    width = len(_NUMBER.match(last.rsplit("/", 1)[-1]).group(1))
    stem = new_sql[:-4] if new_sql.endswith(".sql") else new_sql
    name = f"{str(number).zfill(width)}_{_LEAD.sub('', stem, count=1) or stem}"
    if mine:
        leaves = (max(mine, key=lambda pc: _number(pc[0]))[0].rsplit("/", 1)[-1][:-3],)
    else:
        files = {r for r in rels} | {f"{package}/__init__.py"}
        history = migrations_of(root, package.rsplit("/", 1)[0] if "/" in package else "", label, files)
        leaves = history.leaves if history else ()
    if not leaves:
        return None
    new = module.visit(_Rewrite(last_sql, new_sql, label, leaves, name))
    header = f"{MARKER} {new_sql}\n# (stored: migrate), as {last.rsplit('/', 1)[-1]} applies the SQL file before it.\n"
    path = f"{package}/{name}.py"
    note = (f"{path}: new Django migration applying {new_sql}: the app's migrations wrap the SQL folder's files "
            f"({last.rsplit('/', 1)[-1]} applies {last_sql})")
    return path, header + new.code, note


class _Literal(cst.CSTVisitor):
    def __init__(self, text: str):
        self.text, self.found = text, False

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if _value(node) == self.text:
            self.found = True


def _value(node: cst.SimpleString) -> str | None:
    try:
        v = node.evaluated_value
    except Exception:  # noqa: BLE001 - an odd literal is not the one looked for
        return None
    return v if isinstance(v, str) else None


def _label(module: cst.Module) -> str | None:
    """The app label the migration's ``dependencies`` name first."""
    for node in _assignments(module, "dependencies"):
        if isinstance(node, (cst.List, cst.Tuple)):
            for el in node.elements:
                v = el.value
                if isinstance(v, cst.Tuple) and v.elements and isinstance(v.elements[0].value, cst.SimpleString):
                    return _value(v.elements[0].value)
    return None


def _assignments(module: cst.Module, target: str):
    out = []

    class V(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            if any(isinstance(t.target, cst.Name) and t.target.value == target for t in node.targets):
                out.append(node.value)
    module.visit(V())
    return out


class _Rewrite(cst.CSTTransformer):
    def __init__(self, old_sql: str, new_sql: str, label: str, leaves: tuple[str, ...], name: str):
        self.old_sql, self.new_sql, self.label, self.leaves, self.name = old_sql, new_sql, label, leaves, name

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString) -> cst.SimpleString:
        if _value(original) == self.old_sql:
            q = updated.quote
            return updated.with_changes(value=f"{updated.prefix}{q}{self.new_sql}{q}")
        return updated

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        names = {t.target.value for t in original.targets if isinstance(t.target, cst.Name)}
        if "dependencies" in names:
            deps = ", ".join(f'("{self.label}", "{leaf}")' for leaf in self.leaves)
            return updated.with_changes(value=cst.parse_expression(f"[\n    {deps},\n]"))
        if "name" in names and isinstance(original.value, cst.SimpleString) \
                and _MIGRATION.fullmatch(f"{_value(original.value) or ''}.py"):
            return updated.with_changes(value=cst.SimpleString(f'"{self.name}"'))
        return updated


__all__ = ["MARKER", "wrappers"]
