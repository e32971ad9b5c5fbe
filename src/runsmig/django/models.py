"""The Django models a module declares, read from its LibCST tree.

A model is a class deriving from ``django.db.models.Model`` (however it is imported: ``models.Model``,
``from django.db.models import Model``, ``django.db.models.Model``), from a model of the same module
(an abstract base's fields are its fields too), or from another base when its body declares Django
fields (a base class of the checkout, ``TimeStampedModel``). A field is a class attribute assigned a
call of a ``django.db.models`` field class (``models.CharField(...)``, ``ForeignKey``, ...).

Django derives what the database calls them: the table ``<app_label>_<modelname>`` unless
``Meta.db_table`` names it; a column is the field's name (``<name>_id`` for a ``ForeignKey`` or
``OneToOneField``) unless ``db_column=`` names it; a ``ManyToManyField`` has a table of its own
(``<model table>_<field>``, columns ``<model>_id``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

RELATIONS = frozenset({"ForeignKey", "OneToOneField", "ManyToManyField", "ForeignObject"})
SINGLE = frozenset({"ForeignKey", "OneToOneField", "ForeignObject"})


@dataclass
class Field:
    name: str
    kind: str  # the django.db.models class: CharField, ForeignKey, ...
    target: cst.Name  # the assigned name
    call: cst.Call
    statement: cst.SimpleStatementLine
    owner: str  # the class declaring it (an abstract base's fields are inherited)

    @property
    def relation(self) -> bool:
        return self.kind in RELATIONS

    @property
    def many(self) -> bool:
        return self.kind == "ManyToManyField"

    def keyword(self, name: str) -> cst.Arg | None:
        return next((a for a in self.call.args if a.keyword is not None and a.keyword.value == name), None)

    @property
    def db_column(self) -> str | None:
        arg = self.keyword("db_column")
        return string_value(arg.value) if arg is not None else None

    @property
    def explicit_column(self) -> bool:
        return self.keyword("db_column") is not None

    @property
    def column(self) -> str | None:
        """The column Django derives for it (None: a many-to-many field has no column)."""
        if self.many:
            return None
        if self.db_column is not None:
            return self.db_column
        return f"{self.name}_id" if self.kind in SINGLE else self.name


@dataclass
class Model:
    name: str
    node: cst.ClassDef
    fields: list[Field]  # inherited from abstract bases of this module first, then its own
    meta: cst.ClassDef | None
    options: dict[str, cst.BaseExpression] = field(default_factory=dict)  # Meta's assignments

    def option(self, key: str):
        """A Meta option's Python value when it is a literal (str, bool, number), else None."""
        node = self.options.get(key)
        return literal(node) if node is not None else None

    @property
    def abstract(self) -> bool:
        return self.option("abstract") is True

    @property
    def proxy(self) -> bool:
        return self.option("proxy") is True

    @property
    def unmanaged(self) -> bool:
        """``Meta.managed = False``: Django's autodetector tracks no field, index or constraint of it."""
        return self.option("managed") is False

    @property
    def concrete(self) -> bool:
        """A model with a table of its own."""
        return not (self.abstract or self.proxy)

    @property
    def explicit_table(self) -> bool:
        return "db_table" in self.options

    @property
    def lower(self) -> str:
        return self.name.lower()

    def table(self, app_label: str) -> str | None:
        """The table Django derives (or ``Meta.db_table``); None when not a literal."""
        if self.explicit_table:
            return self.option("db_table")
        return f"{app_label}_{self.lower}"

    @property
    def verbose_name(self) -> str:
        given = self.option("verbose_name")
        return given if isinstance(given, str) else camel_case_to_spaces(self.name)

    def permissions(self) -> list[str]:
        """The codenames of ``Meta.permissions`` (literal pairs only)."""
        node = self.options.get("permissions")
        out = []
        if isinstance(node, (cst.List, cst.Tuple)):
            for el in node.elements:
                if isinstance(el.value, (cst.Tuple, cst.List)) and el.value.elements:
                    code = string_value(el.value.elements[0].value)
                    if code is not None:
                        out.append(code)
        return out


def camel_case_to_spaces(name: str) -> str:
    """Django's default verbose name (django.utils.text.camel_case_to_spaces)."""
    return re.sub(r"(((?<=[a-z])[A-Z])|([A-Z](?![A-Z]|$)))", r" \1", name).strip().lower()


def string_value(node) -> str | None:
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower() and "f" not in node.prefix.lower():
        try:
            value = node.evaluated_value
        except Exception:
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        return left + right if left is not None and right is not None else None
    return None


def literal(node):
    s = string_value(node)
    if s is not None:
        return s
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, cst.Integer):
        return int(node.value.replace("_", ""), 0)
    return None


class DjangoNames:
    """How a module names ``django.db.models`` and its members."""

    def __init__(self, module: cst.Module):
        self.modules: set[str] = set()  # local names of django.db.models itself
        self.members: dict[str, str] = {}  # local name -> member of django.db.models
        self.dotted = False  # 'import django.db.models' (or 'import django')
        for stmt in module.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.ImportFrom) and small.relative == () and not isinstance(small.names, cst.ImportStar):
                    mod = dotted(small.module) if small.module is not None else ""
                    for alias in small.names:
                        name = dotted(alias.name)
                        local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
                        if mod == "django.db" and name == "models":
                            self.modules.add(local)
                        elif mod == "django.db.models":
                            self.members[local] = name
                elif isinstance(small, cst.Import):
                    for alias in small.names:
                        name = dotted(alias.name)
                        if alias.asname is None and name in ("django", "django.db", "django.db.models"):
                            self.dotted = True
                        elif name == "django.db.models" and alias.asname and isinstance(alias.asname.name, cst.Name):
                            self.modules.add(alias.asname.name.value)

    def __bool__(self) -> bool:
        return bool(self.modules or self.members or self.dotted)

    def member(self, expr) -> str | None:
        """``CharField`` for ``models.CharField`` (or its other spellings); None otherwise."""
        if isinstance(expr, cst.Name):
            return self.members.get(expr.value)
        if isinstance(expr, cst.Attribute):
            base = dotted(expr.value)
            if base in self.modules or (self.dotted and base == "django.db.models"):
                return expr.attr.value
        return None

    def field_kind(self, value) -> str | None:
        if not isinstance(value, cst.Call):
            return None
        kind = self.member(value.func)
        if kind is not None and (kind.endswith("Field") or kind in RELATIONS):
            return kind
        return None


def dotted(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        left = dotted(node.value)
        return f"{left}.{node.attr.value}" if left else ""
    return ""


def models_of(module: cst.Module) -> list[Model]:
    """The Django models of a module's top level, in order (none when it does not import Django's models)."""
    names = DjangoNames(module)
    if not names:
        return []
    out: list[Model] = []
    by_name: dict[str, Model] = {}
    for stmt in module.body:
        if not isinstance(stmt, cst.ClassDef):
            continue
        own = _fields(stmt, names)
        inherited: list[Field] = []
        is_model = False
        for base in stmt.bases:
            if base.keyword is not None:
                continue
            if names.member(base.value) == "Model":
                is_model = True
            elif isinstance(base.value, cst.Name) and base.value.value in by_name:
                is_model = True
                parent = by_name[base.value.value]
                if parent.abstract:
                    inherited += [f for f in parent.fields if f.name not in {g.name for g in inherited}]
        if not is_model and own and stmt.bases:
            is_model = True  # a base of the checkout (e.g. TimeStampedModel) and Django fields
        if not is_model:
            continue
        meta, options = _meta(stmt)
        fields = [f for f in inherited if f.name not in {g.name for g in own}] + own
        model = Model(stmt.name.value, stmt, fields, meta, options)
        out.append(model)
        by_name[model.name] = model
    return out


def _body(cls: cst.ClassDef):
    return cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()


def target_value(small) -> tuple[cst.Name | None, cst.BaseExpression | None]:
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        return small.target, small.value
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.targets[0].target, small.value
    return None, None


def _fields(cls: cst.ClassDef, names: DjangoNames) -> list[Field]:
    out = []
    for stmt in _body(cls):
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            continue
        target, value = target_value(stmt.body[0])
        kind = names.field_kind(value) if target is not None else None
        if kind is not None:
            out.append(Field(target.value, kind, target, value, stmt, cls.name.value))
    return out


def _meta(cls: cst.ClassDef) -> tuple[cst.ClassDef | None, dict[str, cst.BaseExpression]]:
    for stmt in _body(cls):
        if isinstance(stmt, cst.ClassDef) and stmt.name.value == "Meta":
            options = {}
            for inner in _body(stmt):
                if isinstance(inner, cst.SimpleStatementLine):
                    for small in inner.body:
                        target, value = target_value(small)
                        if target is not None and value is not None:
                            options[target.value] = value
            return stmt, options
    return None, {}
