"""Stored names an ORM model declares in Python (SQLAlchemy, Django), for ``stored: keep``.

A string that names a database object is the database's name, not the code's: ``__tablename__ =
"jobs"``, ``Table("jobs", ...)``, ``Column("job_id", ...)``, ``mapped_column("job_id")``,
``ForeignKey("jobs.id")``, ``Index("ix_jobs_state", "job_id")``, ``Sequence("job_seq")``,
``UniqueConstraint(..., name="uq_jobs")``, ``Enum(..., name="job_status")``,
``relationship(secondary="job_tags")``, Django's ``db_table = "..."``, ``db_column="..."`` and the
``name=`` of a constraint or index (``models.UniqueConstraint(fields=[...], name="uq_jobs")``: the
database's constraint; its ``fields`` are the code's field names and follow the rename).

Where the name is implicit, it comes from the code's name: a SQLAlchemy model's attribute
``job_id: Mapped[int] = mapped_column(...)`` (or ``= Column(Integer)``) names its column
``job_id``. Renaming the attribute would rename the column, so the old name is written out:
``run_id: Mapped[int] = mapped_column("job_id", ...)``.
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from runsmig.findings import Edit, StoredSpan
from runsmig.languages.base import FileContext

_COLUMN_CALLS = {"Column", "mapped_column"}
_DJANGO_NAMED = ("Constraint", "Index")  # Meta.constraints / Meta.indexes: UniqueConstraint, GinIndex, ...
_FIRST_NAMES = {"Table": "table", "Column": "column", "mapped_column": "column", "ForeignKey": "foreign key",
                "Index": "index", "Sequence": "sequence"}
_COLUMN_LISTS = {"Index", "UniqueConstraint", "PrimaryKeyConstraint", "ForeignKeyConstraint"}
_NAME_KEYWORDS = {"name": None, "db_table": "table", "db_column": "column", "secondary": "table",
                  "schema": "schema", "db_tablespace": "schema"}
_NAMED_BY = {"Column": "column", "mapped_column": "column", "UniqueConstraint": "constraint",
             "CheckConstraint": "constraint", "PrimaryKeyConstraint": "constraint",
             "ForeignKeyConstraint": "constraint", "Enum": "type", "Index": "index", "Sequence": "sequence",
             "ForeignKey": "constraint"}


def applies(text: str) -> bool:
    return "sqlalchemy" in text or "django" in text


def stored_spans(ctx: FileContext, scan, span) -> list[StoredSpan]:
    out: list[StoredSpan] = []

    def add(node, kind: str) -> None:
        if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
            s, e = span(node)
            a, b = s + len(node.prefix) + len(node.quote), e - len(node.quote)
            if ctx.engine.raw_re.search(ctx.text, a, b):
                out.append(StoredSpan(a, b, kind, ctx.text[a:b]))

    alchemy, django = "sqlalchemy" in ctx.text, "django" in ctx.text
    names = ({"__tablename__"} if alchemy else set()) | ({"db_table"} if django else set())
    for a in scan.assigns:
        for t in a.targets:
            if isinstance(t.target, cst.Name) and t.target.value in names:
                add(a.value, "table")
    for call in scan.calls:
        fn = _callee(call.func)
        if fn is None:
            continue
        if not alchemy or _qualifier(call.func) == "models":  # Django: db_table=, db_column=, a Meta object's name=
            for arg in call.args:
                if django and arg.keyword is not None and arg.keyword.value in ("db_table", "db_column"):
                    add(arg.value, _NAME_KEYWORDS[arg.keyword.value])
                elif django and arg.keyword is not None and arg.keyword.value == "name" and fn.endswith(_DJANGO_NAMED):
                    add(arg.value, "constraint" if fn.endswith("Constraint") else "index")
            continue
        positional = [arg.value for arg in call.args if arg.keyword is None and arg.star == ""]
        if fn in _FIRST_NAMES and positional:
            add(positional[0], _FIRST_NAMES[fn])
        if fn in _COLUMN_LISTS:
            rest = positional[1:] if fn == "Index" else positional
            for v in rest:
                for item in ([el.value for el in v.elements] if isinstance(v, (cst.List, cst.Tuple)) else [v]):
                    add(item, "column")
        for arg in call.args:
            if arg.keyword is None:
                continue
            key = arg.keyword.value
            if key in _NAME_KEYWORDS:
                kind = _NAME_KEYWORDS[key] or _NAMED_BY.get(fn)
                if kind is not None:
                    add(arg.value, kind)
            elif key in ("refcolumns", "columns") and isinstance(arg.value, (cst.List, cst.Tuple)):
                for el in arg.value.elements:
                    add(el.value, "column")
    return out


def implicit_columns(ctx: FileContext, scan, span) -> list[Edit]:
    """Model attributes whose column name is their own name and holds a term: the name written
    out as the call's first argument (an insertion; its finding says it keeps a stored name)."""
    out: list[Edit] = []
    for cls in scan.classes:
        body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
        if not any(_assigns_name(stmt, "__tablename__") for stmt in body):
            continue  # a declarative model names its table; a mixin's columns are left as they are
        for stmt in body:
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                continue
            target, value = _target_value(stmt.body[0])
            if target is None or not isinstance(value, cst.Call) or _callee(value.func) not in _COLUMN_CALLS:
                continue
            name = target.value
            if not ctx.engine.find(name) or ctx.engine.rewrite(name) == name:
                continue
            if any(arg.keyword is not None and arg.keyword.value == "name" for arg in value.args):
                continue
            first = value.args[0].value if value.args and value.args[0].keyword is None else None
            if isinstance(first, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
                continue  # already explicit
            s, _ = span(value)
            at = s + len(ctx.text[s:].split("(", 1)[0]) + 1  # just after the call's '('
            insert = f'"{name}", ' if value.args else f'"{name}"'
            f = ctx.finding(span(target)[0], span(target)[1], "identifier", None, "stored",
                            f"column '{name}' keeps its name: written out as {_callee(value.func)}(\"{name}\", ...)")
            out.append(Edit(at, at, insert, replace(f, stored="column")))
    return out


def _assigns_name(stmt, name: str) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    target, _ = _target_value(stmt.body[0])
    return target is not None and target.value == name


def _target_value(small) -> tuple[cst.Name | None, cst.BaseExpression | None]:
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        return small.target, small.value
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.targets[0].target, small.value
    return None, None


def _qualifier(func) -> str | None:
    """``models`` of ``models.ForeignKey``."""
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        return func.value.value
    return None


def _callee(func) -> str | None:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None
