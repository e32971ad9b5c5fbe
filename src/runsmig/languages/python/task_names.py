"""Task names of job queues: a function registered by a task decorator (``@app.task``,
``@app.task(queue=...)``, ``@shared_task``, ``@dramatiq.actor``, ``@huey.task()`` ...) is stored
under its dotted path (``shop.tasks.send_job_report``) in every queued row or message; a worker
finds the function by that name. Renaming the function (or its module) changes the name, so rows
queued by the previous release are no longer found (``TaskNotFound``).

* ``stored: keep``: the old name is written out as the decorator's ``name=`` (a call gets the
  keyword first, a bare decorator becomes a call), and a literal ``name=`` of such a decorator is a
  stored name (kept, listed);
* ``stored: migrate``: a follow-up says the stored name changes (queued rows carry the old one),
  with the UPDATE that carries them; it carries ``stored=KIND``, ``word`` (old) and
  ``word_replacement`` (new), so the migration written for the project's SQL history carries the
  rows itself when its schema tells which column stores task names (runsmig.migration.values), and
  the follow-up is dropped. A literal ``name=`` the rename rewrites changes the stored name too.
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from runsmig.findings import Edit, Finding, StoredSpan
from runsmig.languages.base import FileContext

DECORATORS = frozenset({"task", "shared_task", "actor", "periodic_task", "db_task", "db_periodic_task"})
KIND = "task name"


def applies(text: str) -> bool:
    return any(f"{d}" in text for d in ("task", "actor"))


def _decorators(module: cst.Module):
    """(function, decorator, call or None) of every top-level function with a task decorator."""
    for stmt in module.body:
        if not isinstance(stmt, cst.FunctionDef):
            continue
        for d in stmt.decorators:
            dec = d.decorator
            call = dec if isinstance(dec, cst.Call) else None
            callee = call.func if call is not None else dec
            last = callee.attr.value if isinstance(callee, cst.Attribute) else (
                callee.value if isinstance(callee, cst.Name) else None)
            if last in DECORATORS:
                yield stmt, d, call


def _name_arg(call: cst.Call | None):
    if call is None:
        return None
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == "name"), None)


def stored_spans(ctx: FileContext, module: cst.Module, span) -> list[StoredSpan]:
    """A literal ``name=`` of a task decorator that holds a term: the stored task name."""
    out = []
    for _, _, call in _decorators(module):
        arg = _name_arg(call)
        if arg is not None and isinstance(arg.value, cst.SimpleString) and "b" not in arg.value.prefix.lower():
            s, e = span(arg.value)
            a, b = s + len(arg.value.prefix) + len(arg.value.quote), e - len(arg.value.quote)
            if ctx.engine.raw_re.search(ctx.text, a, b):
                out.append(StoredSpan(a, b, KIND, ctx.text[a:b]))
    return out


def written_out(ctx: FileContext, module: cst.Module, span, edits: list[Edit], keep: bool) -> tuple[list[Edit], list[Finding]]:
    """Under keep, ``name="<old dotted path>"`` for each renamed task function without a ``name=``;
    under migrate, a follow-up per stored name that changes."""
    from runsmig.languages.python.django_keep import _renamed
    from runsmig.loggers import dotted

    moved = ctx.new_rel != ctx.rel
    out: list[Edit] = []
    notes: list[Finding] = []
    from runsmig.languages.markdown.embed import _FENCE_NO

    if _FENCE_NO.search(ctx.rel):
        return out, notes  # a documentation snippet (a Markdown fence): no queue stores its tasks
    for fn, d, call in _decorators(module):
        arg = _name_arg(call)
        if arg is not None:
            if not keep and isinstance(arg.value, cst.SimpleString) and "b" not in arg.value.prefix.lower():
                a, b = span(arg.value)
                a, b = a + len(arg.value.prefix) + len(arg.value.quote), b - len(arg.value.quote)
                new_value = _renamed(ctx.text, (a, b), edits)
                if new_value is not None:
                    notes.append(_changes(ctx, a, b, ctx.text[a:b], new_value))
            continue
        new_fn = _renamed(ctx.text, span(fn.name), edits)
        if new_fn is None and not moved:
            continue
        old = f"{dotted(ctx.rel, ctx.all_files)}.{fn.name.value}"
        after = {ctx.moves.get(r, r) for r in ctx.all_files} | {ctx.new_rel}
        new = f"{dotted(ctx.new_rel, after)}.{new_fn or fn.name.value}"
        if old == new:
            continue
        s, e = span(fn.name)
        if not keep:
            notes.append(_changes(ctx, s, e, old, new))
            continue
        dec_start, dec_end = span(d.decorator)
        if call is None:
            at, text = dec_end, f'(name="{old}")'
        else:
            at = ctx.text.index("(", span(call.func)[1]) + 1
            text = f'name="{old}"' + (", " if call.args else "")
        f = ctx.finding(s, e, "identifier", None, "stored",
                        f"task name '{old}' keeps its name: written out as the decorator's name=")
        out.append(Edit(at, at, text, replace(f, stored=KIND, word=old, word_replacement=old)))
    return out, notes


def _changes(ctx: FileContext, s: int, e: int, old: str, new: str) -> Finding:
    """The follow-up of a stored task name that changes (stored: migrate), with what carries the rows."""
    f = ctx.finding(s, e, "identifier", None, "follow-up", follow_up(old, new))
    return replace(f, stored=KIND, word=old, word_replacement=new)


def follow_up(old: str, new: str, why: str = "") -> str:
    return (f"task name '{old}' becomes '{new}' (stored: migrate): rows and messages queued by the previous "
            f"release carry the old name{why}; carry them (UPDATE <table> SET <column> = '{new}' WHERE <column> = "
            f"'{old}', on the column that stores task names) or register the old name as an alias")


__all__ = ["DECORATORS", "KIND", "applies", "follow_up", "stored_spans", "written_out"]
