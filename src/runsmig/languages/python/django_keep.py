"""``stored: keep`` for Django models: a renamed model or field whose table or column Django derives
from its name gets that name written out, so the database keeps it.

* ``class Job(models.Model)`` -> ``class Run(models.Model)`` with ``class Meta: db_table = "shop_job"``
  (added to an existing ``Meta``, or a ``Meta`` added at the end of the class body);
* ``job_name = models.CharField(...)`` -> ``run_name = models.CharField(..., db_column="job_name")``;
  a ``ForeignKey``/``OneToOneField``'s column is ``<name>_id``: ``db_column="job_id"``.

An abstract model has no table (its fields' columns are written out, for every model deriving
from it); a proxy model has none of its own; a many-to-many field has no column (its table and
columns are listed by the migration's notes). Each insertion's finding says which stored name it
keeps (``plan`` lists it as written out); the new migration (runsmig.generators.django_migrations)
records the same names in Django's state.
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from runsmig import deps
from runsmig.findings import Edit, splice
from runsmig.languages.base import FileContext


def written_out(ctx: FileContext, module: cst.Module, span, edits: list[Edit]) -> list[Edit]:
    from runsmig.django.apps import app_folder, app_label
    from runsmig.django.models import models_of

    models = models_of(module)
    if not models:
        return []
    folder = app_folder(ctx.rel)
    given = next((m.option("app_label") for m in models if isinstance(m.option("app_label"), str)), None)
    if folder is None and given is None:
        return []  # not an app's models module: its label (and so its tables) is unknown here

    def read(rel: str) -> str:
        deps.note(rel)
        return (ctx.root / rel).read_text("utf-8")

    label = None
    newline = "\r\n" if "\r\n" in ctx.text else "\n"
    out: list[Edit] = []
    for m in models:
        own = [f for f in m.fields if f.owner == m.name]
        new_class = _renamed(ctx.text, span(m.node.name), edits)
        if new_class is not None and m.concrete and not m.explicit_table:
            if label is None:
                if given is None and f"{folder}/apps.py" not in ctx.all_files:
                    deps.whole_listing()  # an apps.py added later would name the app
                label = given or app_label(ctx.root, folder, ctx.all_files, read)
            table = m.table(label)
            edit = _meta_table(ctx, m, span, table, newline)
            if edit is not None:
                s, e = span(m.node.name)
                f = ctx.finding(s, e, "identifier", None, "stored",
                                f"table '{table}' keeps its name: written out as Meta.db_table")
                out.append(Edit(edit[0], edit[0], edit[1], replace(f, stored="table", word=table, word_replacement=table)))
        for fld in own:
            if fld.many or fld.explicit_column or _renamed(ctx.text, span(fld.target), edits) is None:
                continue
            column = fld.column
            at, text = _keyword_insert(ctx, fld.call, span, f'db_column="{column}"')
            s, e = span(fld.target)
            f = ctx.finding(s, e, "identifier", None, "stored",
                            f"column '{column}' keeps its name: written out as db_column=\"{column}\"")
            out.append(Edit(at, at, text, replace(f, stored="column", word=column, word_replacement=column)))
    return out


def _renamed(text: str, where: tuple[int, int], edits: list[Edit]) -> str | None:
    """The name at ``where`` as the pass's edits leave it (None: not renamed)."""
    s, e = where
    inside = [x for x in edits if s <= x.start and x.end <= e and x.end > x.start]
    if not inside:
        return None
    new = splice(text, s, e, inside)
    return new if new != text[s:e] else None


def _indent_at(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    line = text[line_start:offset]
    return line[: len(line) - len(line.lstrip(" \t"))]


def _line_end(text: str, offset: int) -> int:
    """The end of the line ``offset`` is on (before its newline)."""
    end = text.find("\n", offset)
    if end < 0:
        return len(text)
    return end - 1 if end > 0 and text[end - 1] == "\r" else end


def _meta_table(ctx: FileContext, m, span, table: str, newline: str) -> tuple[int, str] | None:
    text = ctx.text
    body = m.node.body
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return None
    class_indent = _indent_at(text, span(m.node)[0])
    body_indent = _indent_at(text, span(body.body[0])[0])
    unit = body_indent[len(class_indent):] or "    "
    line = f'db_table = "{table}"'
    if m.meta is not None:
        meta_body = m.meta.body
        if not isinstance(meta_body, cst.IndentedBlock) or not meta_body.body:
            return None
        last = meta_body.body[-1]
        indent = _indent_at(text, span(meta_body.body[0])[0])
        return _line_end(text, span(last)[1]), f"{newline}{indent}{line}"
    last = body.body[-1]
    return (_line_end(text, span(last)[1]),
            f"{newline}{newline}{body_indent}class Meta:{newline}{body_indent}{unit}{line}")


def _keyword_insert(ctx: FileContext, call: cst.Call, span, keyword: str) -> tuple[int, str]:
    """Where and what to insert to pass ``keyword`` last to ``call``."""
    text = ctx.text
    if not call.args:
        return span(call.func)[1] + text[span(call.func)[1]:].index("(") + 1, keyword
    last = call.args[-1]
    s, e = span(last)  # an Arg's span covers its value (and keyword), not its comma
    comma = last.comma
    if isinstance(comma, cst.Comma):
        at = text.index(",", e) + 1
        if isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
            return at, f"{_newline(text)}{_indent_at(text, s)}{keyword},"
        return at, f" {keyword},"
    return e, f", {keyword}"


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"
