"""The Django migration that carries a rename of models and fields into Django's state.

What the rename did is read from the plan itself: a models module before and after it, its models
paired in order (a rename never adds or removes a class or a field). Per app, in this order:

* a model whose name changed: ``AlterModelTable`` first when its ``Meta.db_table`` changed (under
  ``stored: keep`` the old derived table is written out, so the database keeps it: a no-op), then
  ``RenameModel`` (Django renames the table when it is derived, the content type always);
* a field whose declaration changed (``db_column`` written out, a renamed ``related_name``,
  ``verbose_name`` ...): ``AlterField`` under its old name with the new declaration, then
  ``RenameField`` when its name changed (Django renames a derived column);
* ``AlterModelOptions`` when ``ordering``, ``verbose_name``, ``permissions`` ... changed;
* a ``Meta.constraints`` / ``Meta.indexes`` entry the rename changed: removed before the renames,
  added after them (state only under ``stored: keep``, where its name is kept and its columns are
  the database's already), or ``RenameIndex`` when only an index's name changed (Django >= 4.1);
* ``RunPython`` renaming the permission codenames that follow the model's name (``add_job`` ->
  ``add_run``) and those of ``Meta.permissions`` the rename changed: Django renames the content
  type with ``RenameModel`` but leaves its permissions, and would create new ones beside them.
* under ``stored: migrate``, a last ``RunPython`` renaming the names the database derived from
  the renamed tables and columns (indexes, keys, checks, sequences: runsmig.django.derived), read
  from the database at migrate time, so an upgraded database holds a fresh install's names.

A field declaration is written with its source's arguments, its model references as labels
(``"shop.run"``), a name of the models module bound to a literal as that literal
(runsmig.django.constants), ``serialize=False`` for a primary key, and laid out afresh
(runsmig.django.layout); an argument that names something the migration cannot import the same
way (a class of the models module, a relative import) is not guessed: the operation is left out
and a note says to run ``makemigrations``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import libcst as cst

from runsmig.django import derived as derived_names
from runsmig.django import layout
from runsmig.django.constants import Constants
from runsmig.django.constants import source as constant_source
from runsmig.django.models import SINGLE, DjangoNames, Field, Model, string_value

ALTER_OPTION_KEYS = ("base_manager_name", "default_manager_name", "default_related_name", "get_latest_by",
                     "managed", "ordering", "permissions", "default_permissions", "select_on_save",
                     "verbose_name", "verbose_name_plural")
_ACTIONS = ("add", "change", "delete", "view")
MARKER = "# Written by runsmig"


@dataclass
class ModuleChange:
    """One models module, before and after the plan."""

    rel: str
    label: str  # the app label
    old: cst.Module
    new: cst.Module
    old_models: list[Model]
    new_models: list[Model]


@dataclass
class AppOps:
    label: str
    ops: list[str] = field(default_factory=list)
    fragments: list[str] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    permissions: list[tuple] = field(default_factory=list)  # (models, old codename, new codename, name)
    needs: set[str] = field(default_factory=set)  # labels of other apps' renamed models it refers to
    first: list[str] = field(default_factory=list)  # operations before the renames (a constraint removed)
    last: list[str] = field(default_factory=list)  # operations after them (a constraint added)
    # stored: migrate: (old table, new table, {old column: new column}) of every model whose table or
    # columns the renames change (runsmig.django.derived renames the names derived from them), and
    # each stored name the migration renames: (kind, old, new, table)
    derived: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    migrates: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    # stored: keep: the names derived from a table or column it writes out, kept with them: (kind, name, table)
    keeps: list[tuple[str, str, str]] = field(default_factory=list)
    # stored: keep: content types renamed by a RunPython (RenameModel is state only): (old, new) model names
    content_types: list[tuple[str, str]] = field(default_factory=list)

    def operations(self) -> list[str]:
        return self.first + self.ops + self.last
    notes: list[str] = field(default_factory=list)


def paired(change: ModuleChange) -> list[tuple[Model, Model]] | None:
    """Models and their fields paired in order; None when the shapes differ (not a rename alone)."""
    if len(change.old_models) != len(change.new_models):
        return None
    pairs = list(zip(change.old_models, change.new_models))
    if any(len(a.fields) != len(b.fields) for a, b in pairs):
        return None
    return pairs


def renamed_labels(changes: list[ModuleChange]) -> dict[str, str]:
    """Every renamed model: old lowercase label -> new (``shop.job`` -> ``shop.run``)."""
    out = {}
    for c in changes:
        for a, b in paired(c) or ():
            if a.name != b.name and not a.abstract:
                out[f"{c.label}.{a.lower}"] = f"{c.label}.{b.lower}"
    return out


def operations(change: ModuleChange, renamed: dict[str, str], into: AppOps, keep: bool = True,
               rename_index: bool = False) -> None:
    pairs = paired(change)
    if pairs is None:
        into.notes.append(f"{change.rel}: its models changed shape in the plan: no migration operations derived "
                          "from it (run 'makemigrations')")
        return
    label = change.label
    old_names = {m.name for m in change.old_models}
    new_names = {m.name for m in change.new_models}
    old_consts, new_consts = Constants(change.old.code), Constants(change.new.code)
    for a, b in pairs:
        if a.abstract:
            continue
        if a.option("db_table") != b.option("db_table") and b.concrete:
            table = b.option("db_table")
            if table is None and b.explicit_table:
                into.notes.append(f"{change.rel}: {b.name}.Meta.db_table is not a literal: no AlterModelTable written")
            else:
                into.ops.append(_op("AlterModelTable", name=_q(a.lower), table=_q(table) if table else "None"))
                into.fragments.append(f"alter_{a.lower}_table")
        if a.name != b.name:
            if keep and b.concrete:
                # state only: Django before 4.1 alters every foreign key into a renamed model even
                # when its table stays (PostgreSQL rebuilds the constraint under a new name, SQLite
                # the whole table); the content type follows in a RunPython of this migration, as
                # Django's own hook only sees a RenameModel at the top of a migration
                rename = f"migrations.RenameModel(old_name={_q(a.name)}, new_name={_q(b.name)})"
                into.ops.append(_nested(f"migrations.SeparateDatabaseAndState(state_operations=[{rename}])"))
                into.content_types.append((a.lower, b.lower))
            else:
                into.ops.append(_op("RenameModel", old_name=_q(a.name), new_name=_q(b.name)))
            into.fragments.append(f"rename_{b.lower}")
            into.permissions += [((a.lower, b.lower), f"{act}_{a.lower}", f"{act}_{b.lower}",
                                  f"Can {act} {b.verbose_name}") for act in _ACTIONS]
    for a, b in pairs:
        if a.abstract or b.proxy:
            continue
        # an unmanaged model's fields, indexes and constraints are not in Django's migration state
        # (the autodetector compares them for managed models only): no operation on them
        for fa, fb in zip(a.fields, b.fields) if not (a.unmanaged or b.unmanaged) else ():
            ka = _key(fa, change.old, change.label, old_names, renamed, old_consts)
            kb = _key(fb, change.new, change.label, new_names, {}, new_consts)
            if ka != kb:
                rendered = render_field(fb, change.new, label, new_names, into, new_consts)
                if rendered is None:
                    into.notes.append(f"{change.rel}: {b.name}.{fb.name}: its declaration changed but cannot be "
                                      "written into a migration (it names something of the models module that "
                                      "is not a literal): "
                                      "run 'makemigrations' for its AlterField")
                else:
                    into.ops.append(_op("AlterField", model_name=_q(b.lower), name=_q(fa.name), field=rendered))
                    into.fragments.append(f"alter_{b.lower}_{fb.name}")
            if fa.name != fb.name:
                into.ops.append(_op("RenameField", model_name=_q(b.lower), old_name=_q(fa.name), new_name=_q(fb.name)))
                into.fragments.append(f"rename_{b.lower}_{fb.name}")
        _options(change, a, b, into)
        if not (a.unmanaged or b.unmanaged):  # Django neither made nor renames its table's objects
            _meta_objects(change, a, b, into, keep, rename_index)
            _stored_renames(change, a, b, pairs, into, keep)
        if a.concrete and not a.abstract:
            old_codes, new_codes = a.permissions(), b.permissions()
            if len(old_codes) == len(new_codes):
                into.permissions += [((a.lower, b.lower), o, n, None) for o, n in zip(old_codes, new_codes) if o != n]


def _stored_renames(change: ModuleChange, a: Model, b: Model, pairs: list[tuple[Model, Model]], into: AppOps,
                    keep: bool) -> None:
    """Under ``stored: migrate``: the table and columns Django renames, and the names derived from
    them (runsmig.django.derived): listed, and given to the migration's ``RunPython``. Under
    ``stored: keep``: the names derived from a table or column written out, listed as kept."""
    if not a.concrete or not b.concrete:
        return
    old_table, new_table = a.table(change.label), b.table(change.label)
    if not isinstance(old_table, str) or not isinstance(new_table, str):
        return
    columns = {fa.column: fb.column for fa, fb in zip(a.fields, b.fields)
               if fa.column and fb.column and not fa.many}

    def targets(m: Model, side: int) -> dict[str, tuple[str, str]]:
        """A ForeignKey's field name -> (target table, target column), for targets of this module."""
        by_name = {pair[side].name: pair[side] for pair in pairs}
        out = {}
        for f in m.fields:
            ref = _target(f) if f.kind in SINGLE else None
            name = ref.value if isinstance(ref, cst.Name) else string_value(ref) if ref is not None else None
            to = by_name.get(m.name if name == "self" else name.split(".")[-1] if name else "")
            if to is None or not to.concrete:
                continue
            table = to.table(change.label)
            pk = next((x.column for x in to.fields if x.keyword("primary_key") is not None), None) or "id"
            if isinstance(table, str):
                out[f.name] = (table, pk)
        return out

    old_names = derived_names.postgres_names(a, old_table, targets(a, 0))
    new_names = derived_names.postgres_names(b, new_table, targets(b, 1))
    aligned = len(old_names) == len(new_names) and all(x[0] == y[0] for x, y in zip(old_names, new_names))
    if keep:
        written = a.option("db_table") != b.option("db_table") or any(
            fa.explicit_column != fb.explicit_column for fa, fb in zip(a.fields, b.fields))
        if written and aligned and old_names == new_names:
            into.keeps += [(k, n, new_table) for k, n in new_names]
        return
    changed = [(k, o, n) for (k, o), (_, n) in zip(old_names, new_names) if o != n] if aligned else []
    if old_table == new_table and all(o == n for o, n in columns.items()) and not changed:
        return
    into.derived.append((old_table, new_table, {o: n for o, n in columns.items() if o != n}))
    if old_table != new_table:
        into.migrates.append(("table", old_table, new_table, None))
    into.migrates += [("column", o, n, new_table) for o, n in columns.items() if o != n]
    into.migrates += [(k, o, n, new_table) for k, o, n in changed]


def _options(change: ModuleChange, a: Model, b: Model, into: AppOps) -> None:
    def text(m: Model, module: cst.Module, key: str) -> str | None:
        node = m.options.get(key)
        return module.code_for_node(node) if node is not None else None

    if all(text(a, change.old, k) == text(b, change.new, k) for k in ALTER_OPTION_KEYS):
        return
    options = {}
    for key in ALTER_OPTION_KEYS:
        node = b.options.get(key)
        if node is None:
            continue
        value = _expression(node, change.new, into, set(), Constants(change.new.code))
        if value is None:
            into.notes.append(f"{change.rel}: {b.name}.Meta.{key} changed but cannot be written into a migration: "
                              "run 'makemigrations' for its AlterModelOptions")
            return
        options[key] = layout.code(value)
    body = ", ".join(f"{_q(k)}: {v}" for k, v in options.items())
    into.ops.append(_op("AlterModelOptions", name=_q(b.lower), options="{" + body + "}"))
    into.fragments.append(f"alter_{b.lower}_options")


_META_OBJECTS = {"constraints": ("Constraint", "constraint"), "indexes": ("Index", "index")}


def _meta_objects(change: ModuleChange, a: Model, b: Model, into: AppOps, keep: bool, rename_index: bool) -> None:
    """``Meta.constraints`` and ``Meta.indexes`` the rename changed (a field it names, its name).

    Django's ``RenameField`` does not follow a field into them, so the state still holds the old
    declaration: it is removed before the renames and the new one added after them. When only
    field names changed and the object keeps its name (``stored: keep``: its name is a stored
    name, its columns are kept), the database already holds it: both are state only
    (``SeparateDatabaseAndState``). An index whose name alone changed is renamed (``RenameIndex``,
    Django 4.1 and later)."""
    if a.abstract or not b.concrete:
        return
    fields = {}
    for fa, fb in zip(a.fields, b.fields):
        fields[fa.name] = fb.name
        if fa.kind in SINGLE:
            fields[f"{fa.name}_id"] = f"{fb.name}_id"
    consts = Constants(change.new.code)
    names = DjangoNames(change.new)
    new_models = {m.name for m in change.new_models}
    for key, (kind, word) in _META_OBJECTS.items():
        old, new = a.options.get(key), b.options.get(key)
        if old is None and new is None or (old is not None and new is not None
                                           and change.old.code_for_node(old) == change.new.code_for_node(new)):
            continue
        olds, news = _elements(old), _elements(new)
        if olds is None or news is None or len(olds) != len(news):
            into.notes.append(f"{change.rel}: {b.name}.Meta.{key} changed but cannot be read as a list of "
                              f"{key}: run 'makemigrations' for its operations")
            continue
        for o, n in zip(olds, news):
            if change.old.code_for_node(o) == change.new.code_for_node(n):
                continue
            old_name, new_name = _object_name(o), _object_name(n)
            decl = _expression(_django_spelled(n, names), change.new, into, new_models, consts)
            if old_name is None or new_name is None or decl is None:
                into.notes.append(f"{change.rel}: {b.name}.Meta.{key}: a declaration changed but cannot be written "
                                  "into a migration (no literal name=, or it names something of the models module): "
                                  f"run 'makemigrations' for its operations")
                continue
            follows = layout.code(_fields_renamed(o, fields)) == change.new.code_for_node(n)
            if follows and old_name == new_name and keep:
                remove = f"migrations.Remove{kind}(model_name={_q(a.lower)}, name={_q(old_name)})"
                add = f"migrations.Add{kind}(model_name={_q(b.lower)}, {word}={layout.code(decl)})"
                into.first.append(_nested(f"migrations.SeparateDatabaseAndState(state_operations=[{remove}])"))
                into.last.append(_nested(f"migrations.SeparateDatabaseAndState(state_operations=[{add}])"))
                into.fragments.append(f"alter_{b.lower}_{word}")
            elif kind == "Index" and rename_index and old_name != new_name \
                    and layout.code(_renamed_to(o, new_name)) == change.new.code_for_node(n):
                into.last.append(_op("RenameIndex", model_name=_q(b.lower), new_name=_q(new_name),
                                     old_name=_q(old_name)))
                into.migrates.append(("index", old_name, new_name, b.table(change.label)))
                into.fragments.append(f"rename_{old_name}_{new_name}")
            else:
                into.first.append(_op(f"Remove{kind}", model_name=_q(a.lower), name=_q(old_name)))
                into.last.append(_op(f"Add{kind}", model_name=_q(b.lower), **{word: decl}))
                into.fragments += [f"remove_{a.lower}_{old_name}", f"{b.lower}_{new_name}"]
                if old_name != new_name:
                    into.migrates.append((word, old_name, new_name, b.table(change.label)))


def _elements(node) -> list | None:
    if node is None:
        return []
    if isinstance(node, (cst.List, cst.Tuple)) and not any(isinstance(e, cst.StarredElement) for e in node.elements):
        return [e.value for e in node.elements]
    return None


def _object_name(node) -> str | None:
    if not isinstance(node, cst.Call):
        return None
    arg = next((x for x in node.args if x.keyword is not None and x.keyword.value == "name"), None)
    return string_value(arg.value) if arg is not None else None


def _django_spelled(node, names: DjangoNames):
    """``UniqueConstraint(...)`` imported from django.db.models written ``models.UniqueConstraint(...)``."""
    if isinstance(node, cst.Call):
        member = names.member(node.func)
        if member is not None:
            return node.with_changes(func=cst.parse_expression(f"models.{member}"))
    return node


class _Strings(cst.CSTTransformer):
    def __init__(self, mapping: dict[str, str]):
        self.mapping = mapping

    def leave_SimpleString(self, original, updated):
        value = string_value(original)
        if value is None or value not in self.mapping:
            return updated
        return updated.with_changes(value=f"{original.prefix}{original.quote}{self.mapping[value]}{original.quote}")


def _fields_renamed(node, fields: dict[str, str]):
    """The old declaration with each string naming a field (or its ``_id``) following its rename."""
    return node.visit(_Strings(fields))


def _renamed_to(node, name: str):
    """The declaration with its ``name=`` given ``name`` (nothing else changed)."""
    args = [x.with_changes(value=x.value.with_changes(value=_q(name)))
            if x.keyword is not None and x.keyword.value == "name" and isinstance(x.value, cst.SimpleString) else x
            for x in node.args]
    return node.with_changes(args=args)


def _nested(expression: str) -> str:
    return layout.text(cst.parse_expression(expression), 8, "", ",")


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _op(operation: str, **kwargs) -> str:
    """An operation, one keyword a line; a value is source text or a node laid out afresh."""
    inner = "".join(layout.text(cst.parse_expression(v) if isinstance(v, str) else v, 12, f"{k}=", ",")
                    for k, v in kwargs.items())
    return f"        migrations.{operation}(\n{inner}        ),\n"


def _target(f: Field) -> cst.BaseExpression | None:
    arg = f.keyword("to")
    if arg is not None:
        return arg.value
    positional = [a for a in f.call.args if a.keyword is None and a.star == ""]
    return positional[0].value if positional and f.relation else None


def _label(expr, label: str, models: set[str]) -> str | None:
    """The lowercase label a model reference names (``Job``, ``"Job"``, ``"shop.Job"``)."""
    if isinstance(expr, cst.Name) and expr.value in models:
        return f"{label}.{expr.value.lower()}"
    s = string_value(expr)
    if s is None:
        return None
    if s == "self":
        return "self"
    return s.lower() if "." in s else f"{label}.{s.lower()}"


def _key(f: Field, module: cst.Module, label: str, models: set[str], renamed: dict[str, str],
         consts: Constants) -> tuple:
    """What Django's state holds of a field's declaration (its name aside): the old side's model
    references read through the renames, since RenameModel moves them itself; a constant of the
    module as the value it stands for."""
    target = _target(f)
    parts = []
    for arg in f.call.args:
        if arg.value is target:
            ref = _label(target, label, models)
            ref = renamed.get(ref, ref) if ref is not None else module.code_for_node(target)
            parts.append(("to", ref))
        else:
            parts.append((arg.keyword.value if arg.keyword else None,
                          layout.code(_inline(arg.value, consts, f.owner))))
    return (f.kind, tuple(parts))


def render_field(f: Field, module: cst.Module, label: str, models: set[str], into: AppOps,
                 consts: Constants | None = None) -> cst.Call | None:
    """The field's declaration as the migration writes it: its arguments in their order, model
    references as lowercase labels, constants of the module as their values, ``serialize=False``
    for a primary key as Django's state has it (None: an argument the migration cannot hold)."""
    consts = consts if consts is not None else Constants(module.code)
    target = _target(f)
    args = []
    for arg in f.call.args:
        if arg.star:
            return None
        if arg.value is target or (arg.keyword is not None and arg.keyword.value == "through"):
            ref = _label(arg.value, label, models)
            if ref is None:
                value = _expression(arg.value, module, into, models, consts, f.owner)
                if value is None:
                    return None
            else:
                ref = f"{label}.{f.owner.lower()}" if ref == "self" else ref
                value = cst.SimpleString(_q(ref))
                if ref.split(".", 1)[0] != label:
                    into.needs.add(ref)
        else:
            value = _expression(arg.value, module, into, models, consts, f.owner)
            if value is None:
                return None
        args.append(arg.with_changes(value=value))
    key = f.keyword("primary_key")
    if key is not None and isinstance(key.value, cst.Name) and key.value.value == "True" and f.keyword("serialize") is None:
        args.append(cst.Arg(keyword=cst.Name("serialize"), value=cst.Name("False")))
    return cst.Call(func=cst.parse_expression(f"models.{f.kind}"), args=args)


class _Inline(cst.CSTTransformer):
    """Names (and ``Class.NAME``) of the models module replaced by the literal they stand for."""

    def __init__(self, consts: Constants, cls: str | None):
        self.consts, self.cls = consts, cls

    def _value(self, node):
        value = self.consts.value(layout.code(node), self.cls)
        if not self.consts.known(value):
            return None
        try:
            return cst.parse_expression(constant_source(value))
        except (TypeError, cst.ParserSyntaxError):
            return None

    def leave_Name(self, original, updated):
        if original.value in ("True", "False", "None"):
            return updated
        return self._value(original) or updated

    def leave_Attribute(self, original, updated):
        if isinstance(original.value, cst.Name) and original.value.value in self.consts.classes:
            found = self._value(original)
            if found is not None:
                return found
        return original  # neither its base nor its attribute is a constant of its own

    def leave_Arg(self, original, updated):
        return updated.with_changes(keyword=original.keyword)

    def leave_DictElement(self, original, updated):
        return updated

    def visit_Lambda(self, node) -> bool:
        return False


def _inline(node, consts: Constants | None, cls: str | None):
    if consts is None:
        return node
    return node.visit(_Inline(consts, cls))


def _expression(node, module: cst.Module, into: AppOps, models: set[str], consts: Constants | None = None,
                cls: str | None = None):
    """A value the migration can hold as it is (literals, ``models.X``, names imported absolutely,
    calls and containers of those; a constant of the module as its value), with the imports it
    needs; None when it names something else of the models module."""
    names = DjangoNames(module)
    imports = _imports(module)
    needed: set[str] = set()
    node = _inline(node, consts, cls)

    def ok(n) -> bool:
        if isinstance(n, (cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)):
            return not isinstance(n, cst.SimpleString) or "f" not in n.prefix.lower()
        if isinstance(n, cst.ConcatenatedString):
            return ok(n.left) and ok(n.right)
        if isinstance(n, cst.UnaryOperation):
            return ok(n.expression)
        if isinstance(n, (cst.List, cst.Tuple, cst.Set)):
            return all(ok(e.value) for e in n.elements if not isinstance(e, (cst.StarredElement,)))
        if isinstance(n, cst.Dict):
            return all(isinstance(e, cst.DictElement) and ok(e.key) and ok(e.value) for e in n.elements)
        if isinstance(n, cst.Call):
            return ok(n.func) and all(not a.star and ok(a.value) for a in n.args)
        if isinstance(n, cst.Name):
            if n.value in ("True", "False", "None", "dict", "list", "set", "tuple", "str", "int", "float", "bool"):
                return True
            if n.value in models:
                return False
            if n.value in names.members:
                needed.add(f"from django.db.models import {names.members[n.value]}"
                           + (f" as {n.value}" if names.members[n.value] != n.value else ""))
                return True
            stmt = imports.get(n.value)
            if stmt is None:
                return False
            needed.add(stmt)
            return True
        if isinstance(n, cst.Attribute):
            root = n
            while isinstance(root, cst.Attribute):
                root = root.value
            if not isinstance(root, cst.Name):
                return False
            if root.value in names.modules:
                if root.value != "models":
                    needed.add(f"from django.db import models as {root.value}")
                return True
            return ok(root)
        return False

    if not ok(node):
        return None
    into.imports |= needed
    return node


def _imports(module: cst.Module) -> dict[str, str]:
    """Local name -> the absolute import statement binding it (relative imports are left out)."""
    out: dict[str, str] = {}
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    text = module.code_for_node(alias.name)
                    if alias.asname is not None:
                        local = module.code_for_node(alias.asname.name)
                        out[local] = f"import {text} as {local}"
                    else:
                        out[text.split(".", 1)[0]] = f"import {text}"
            elif isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None \
                    and not isinstance(small.names, cst.ImportStar):
                mod = module.code_for_node(small.module)
                for alias in small.names:
                    name = module.code_for_node(alias.name)
                    local = module.code_for_node(alias.asname.name) if alias.asname is not None else name
                    out[local] = f"from {mod} import {name}" + (f" as {local}" if local != name else "")
    return out


def file_name(number: int, fragments: list[str]) -> str:
    """``0003_rename_run`` (Django's way: the first operation's fragment, ``_and_more`` for more)."""
    first = next((f for f in fragments if f.startswith("rename_")), fragments[0])
    more = "_and_more" if len(fragments) > 1 else ""
    return f"{number:04d}_{first}{more}"[:52]


def render(app: AppOps, dependencies: list[tuple[str, str]], why: str, future: bool = False) -> str:
    """The text of the migration file (a ``MARKER`` line first: check accepts what it names);
    ``future``: the app's migrations start with ``from __future__ import annotations`` (a house
    rule their linter enforces), so this one does too."""
    lines = [*textwrap.wrap(f"{MARKER}: {why}.", 99, subsequent_indent="# ", break_on_hyphens=False),
             "# It names the old names on purpose (the state it starts from); it is history from here on.", ""]
    if future:
        lines += ["from __future__ import annotations", ""]
    body = "".join(app.operations())
    django = "from django.db import migrations, models" if "models." in body else "from django.db import migrations"
    lines += sorted((app.imports - {"from django.db import models"}) | {django},
                    key=lambda line: (line.startswith("from "), line.split()[1]))
    helpers = bool(app.permissions or app.derived or app.content_types)
    lines += [""] if helpers else ["", ""]  # black: one blank line before a comment, two before a class
    if app.content_types:
        lines += _content_types_code(app)
    if app.permissions:
        lines += _permissions_code(app)
    if app.derived:
        lines += derived_names.runtime_code([_derived_row(row) for row in app.derived])
    lines += ["class Migration(migrations.Migration):", "    dependencies = ["]
    lines += [layout.text(cst.parse_expression(f"({_q(a)}, {_q(n)})"), 8, "", ",").rstrip("\n") for a, n in dependencies]
    lines += ["    ]", "", "    operations = ["]
    if app.content_types:
        body += "        migrations.RunPython(rename_content_types, restore_content_types),\n"
    if app.permissions:
        body += "        migrations.RunPython(rename_permissions, restore_permissions),\n"
    if app.derived:
        body += "        migrations.RunPython(rename_derived, restore_derived),\n"
    return "\n".join(lines) + "\n" + body + "    ]\n"


def _derived_row(row: tuple[str, str, dict[str, str]]) -> str:
    old, new, columns = row
    cols = "{" + ", ".join(f"{_q(o)}: {_q(n)}" for o, n in columns.items()) + "}"
    return layout.text(cst.parse_expression(f"({_q(old)}, {_q(new)}, {cols})"), 4, "", ",").rstrip("\n")


def _content_types_code(app: AppOps) -> list[str]:
    rows = [layout.text(cst.parse_expression(f"({_q(app.label)}, {_q(old)}, {_q(new)})"), 4, "", ",").rstrip("\n")
            for old, new in app.content_types]
    return [
        "# Content types of the renamed models: RenameModel is state only here (the tables stay), so",
        "# Django's hook that renames a content type after a RenameModel does not see it.",
        "CONTENT_TYPES = [",
        *rows,
        "]",
        "",
        "",
        "def _content_types(apps, schema_editor, forwards):",
        "    try:",
        '        ContentType = apps.get_model("contenttypes", "ContentType")',
        "    except LookupError:  # django.contrib.contenttypes is not installed",
        "        return",
        "    db = schema_editor.connection.alias",
        "    for app_label, old, new in CONTENT_TYPES:",
        "        old, new = (old, new) if forwards else (new, old)",
        "        rows = ContentType.objects.db_manager(db).filter(app_label=app_label)",
        "        if not rows.filter(model=new).exists():",
        "            rows.filter(model=old).update(model=new)",
        "    ContentType.objects.clear_cache()",
        "",
        "",
        "def rename_content_types(apps, schema_editor):",
        "    _content_types(apps, schema_editor, True)",
        "",
        "",
        "def restore_content_types(apps, schema_editor):",
        "    _content_types(apps, schema_editor, False)",
        "",
        "",
    ]


def _permissions_code(app: AppOps) -> list[str]:
    rows = []
    for models_, old, new, name in app.permissions:
        row = (f"({_q(app.label)}, ({_q(models_[0])}, {_q(models_[1])}), {_q(old)}, {_q(new)}, "
               f"{_q(name) if name else 'None'})")
        rows.append(layout.text(cst.parse_expression(row), 4, "", ",").rstrip("\n"))
    return [
        "# Permission codenames that follow a model's name: Django renames the content type with",
        "# RenameModel but not its permissions (it would create new ones beside the old).",
        "PERMISSIONS = [",
        *rows,
        "]",
        "",
        "",
        "def _rename(apps, schema_editor, forwards):",
        "    try:",
        '        Permission = apps.get_model("auth", "Permission")',
        "    except LookupError:  # django.contrib.auth is not installed",
        "        return",
        "    rows = Permission.objects.using(schema_editor.connection.alias)",
        "    for app_label, model_names, old, new, name in PERMISSIONS:",
        "        old, new = (old, new) if forwards else (new, old)",
        "        mine = rows.filter(",
        "            content_type__app_label=app_label, content_type__model__in=model_names",
        "        )",
        "        if mine.filter(codename=new).exists():",
        "            continue",
        "        mine.filter(codename=old).update(",
        "            codename=new, **({\"name\": name} if name and forwards else {})",
        "        )",
        "",
        "",
        "def rename_permissions(apps, schema_editor):",
        "    _rename(apps, schema_editor, True)",
        "",
        "",
        "def restore_permissions(apps, schema_editor):",
        "    _rename(apps, schema_editor, False)",
        "",
        "",
    ]


def many_to_many_notes(change: ModuleChange, renamed: dict[str, str]) -> list[str]:
    """Under ``stored: keep``: what cannot be kept by writing names out. A many-to-many table's
    columns are named after its models (``job_id``), and its table after the field."""
    out = []
    pairs = paired(change) or []
    for a, b in pairs:
        for fa, fb in zip(a.fields, b.fields):
            if not fa.many:
                continue
            target = _label(_target(fa), change.label, {m.name for m in change.old_models}) if _target(fa) else None
            if a.name != b.name or fa.name != fb.name or (target is not None and target in renamed):
                out.append(f"{change.rel}: {b.name}.{fb.name} (many-to-many): its table and columns are named after "
                           "the renamed model or field; Django renames them with the migration (stored names not kept: "
                           "give it a 'through' model to keep them)")
    return out


__all__ = ["MARKER", "SINGLE", "AppOps", "ModuleChange", "operations", "render", "renamed_labels"]
