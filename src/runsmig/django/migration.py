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
* ``RunPython`` renaming the permission codenames that follow the model's name (``add_job`` ->
  ``add_run``) and those of ``Meta.permissions`` the rename changed: Django renames the content
  type with ``RenameModel`` but leaves its permissions, and would create new ones beside them.

A field declaration is written as its source says it, its model references as labels
(``"shop.run"``); an argument that names something the migration cannot import the same way (a
class of the models module, a relative import) is not guessed: the operation is left out and a
note says to run ``makemigrations``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

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


def operations(change: ModuleChange, renamed: dict[str, str], into: AppOps) -> None:
    pairs = paired(change)
    if pairs is None:
        into.notes.append(f"{change.rel}: its models changed shape in the plan: no migration operations derived "
                          "from it (run 'makemigrations')")
        return
    label = change.label
    old_names = {m.name for m in change.old_models}
    new_names = {m.name for m in change.new_models}
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
            into.ops.append(_op("RenameModel", old_name=_q(a.name), new_name=_q(b.name)))
            into.fragments.append(f"rename_{b.lower}")
            into.permissions += [((a.lower, b.lower), f"{act}_{a.lower}", f"{act}_{b.lower}",
                                  f"Can {act} {b.verbose_name}") for act in _ACTIONS]
    for a, b in pairs:
        if a.abstract or b.proxy:
            continue
        for fa, fb in zip(a.fields, b.fields):
            ka = _key(fa, change.old, change.label, old_names, renamed)
            kb = _key(fb, change.new, change.label, new_names, {})
            if ka != kb:
                rendered = render_field(fb, change.new, label, new_names, into)
                if rendered is None:
                    into.notes.append(f"{change.rel}: {b.name}.{fb.name}: its declaration changed but cannot be "
                                      "written into a migration (it names something of the models module): "
                                      "run 'makemigrations' for its AlterField")
                else:
                    into.ops.append(_op("AlterField", model_name=_q(b.lower), name=_q(fa.name), field=rendered))
                    into.fragments.append(f"alter_{b.lower}_{fb.name}")
            if fa.name != fb.name:
                into.ops.append(_op("RenameField", model_name=_q(b.lower), old_name=_q(fa.name), new_name=_q(fb.name)))
                into.fragments.append(f"rename_{b.lower}_{fb.name}")
        _options(change, a, b, into)
        if a.concrete and not a.abstract:
            old_codes, new_codes = a.permissions(), b.permissions()
            if len(old_codes) == len(new_codes):
                into.permissions += [((a.lower, b.lower), o, n, None) for o, n in zip(old_codes, new_codes) if o != n]


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
        value = _expression(node, change.new, into, set())
        if value is None:
            into.notes.append(f"{change.rel}: {b.name}.Meta.{key} changed but cannot be written into a migration: "
                              "run 'makemigrations' for its AlterModelOptions")
            return
        options[key] = value
    body = ", ".join(f"{_q(k)}: {v}" for k, v in options.items())
    into.ops.append(_op("AlterModelOptions", name=_q(b.lower), options="{" + body + "}"))
    into.fragments.append(f"alter_{b.lower}_options")


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _op(operation: str, **kwargs: str) -> str:
    inner = "".join(f"            {k}={v},\n" for k, v in kwargs.items())
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


def _key(f: Field, module: cst.Module, label: str, models: set[str], renamed: dict[str, str]) -> tuple:
    """What Django's state holds of a field's declaration (its name aside): the old side's model
    references read through the renames, since RenameModel moves them itself."""
    target = _target(f)
    parts = []
    for arg in f.call.args:
        if arg.value is target:
            ref = _label(target, label, models)
            ref = renamed.get(ref, ref) if ref is not None else module.code_for_node(target)
            parts.append(("to", ref))
        else:
            parts.append((arg.keyword.value if arg.keyword else None, module.code_for_node(arg.value)))
    return (f.kind, tuple(parts))


def render_field(f: Field, module: cst.Module, label: str, models: set[str], into: AppOps) -> str | None:
    """The field's declaration as the migration writes it: its arguments in their order, model
    references as lowercase labels (None: an argument the migration cannot hold as it is)."""
    target = _target(f)
    args = []
    for arg in f.call.args:
        if arg.star:
            return None
        if arg.value is target or (arg.keyword is not None and arg.keyword.value == "through"):
            ref = _label(arg.value, label, models)
            if ref is None:
                value = _expression(arg.value, module, into, models)
                if value is None:
                    return None
            else:
                ref = f"{label}.{f.owner.lower()}" if ref == "self" else ref
                value = _q(ref)
                if ref.split(".", 1)[0] != label:
                    into.needs.add(ref)
        else:
            value = _expression(arg.value, module, into, models)
            if value is None:
                return None
        args.append(f"{arg.keyword.value}={value}" if arg.keyword is not None else value)
    return f"models.{f.kind}({', '.join(args)})"


def _expression(node, module: cst.Module, into: AppOps, models: set[str]) -> str | None:
    """The source text of a value the migration can hold as it is (literals, ``models.X``, names
    imported absolutely, calls and containers of those), with the imports it needs."""
    names = DjangoNames(module)
    imports = _imports(module)
    needed: set[str] = set()

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
    return module.code_for_node(node)


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


def render(app: AppOps, dependencies: list[tuple[str, str]], why: str) -> str:
    """The text of the migration file (a ``MARKER`` line first: check accepts what it names)."""
    lines = [f"{MARKER}: {why}.",
             "# It names the old names on purpose (the state it starts from); it is history from here on.", ""]
    lines += sorted((app.imports - {"from django.db import models"}) | {"from django.db import migrations, models"},
                    key=lambda line: (line.startswith("from "), line.split()[1]))
    lines += ["", ""]
    if app.permissions:
        lines += _permissions_code(app)
    lines += ["class Migration(migrations.Migration):", "", "    dependencies = ["]
    lines += [f"        ({_q(a)}, {_q(n)})," for a, n in dependencies]
    lines += ["    ]", "", "    operations = ["]
    body = "".join(app.ops)
    if app.permissions:
        body += "        migrations.RunPython(rename_permissions, restore_permissions),\n"
    return "\n".join(lines) + "\n" + body + "    ]\n"


def _permissions_code(app: AppOps) -> list[str]:
    rows = []
    for models_, old, new, name in app.permissions:
        rows.append(f"    ({_q(app.label)}, ({_q(models_[0])}, {_q(models_[1])}), {_q(old)}, {_q(new)}, "
                    f"{_q(name) if name else 'None'}),")
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
        "    for app_label, models, old, new, name in PERMISSIONS:",
        "        old, new = (old, new) if forwards else (new, old)",
        "        mine = rows.filter(content_type__app_label=app_label, content_type__model__in=models)",
        "        if mine.filter(codename=new).exists():",
        "            continue",
        "        mine.filter(codename=old).update(codename=new, **({\"name\": name} if name and forwards else {}))",
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
