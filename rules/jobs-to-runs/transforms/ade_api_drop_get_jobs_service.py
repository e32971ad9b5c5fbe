"""ade_api_drop_get_jobs_service

What it does: removes ADE's request-scoped ``get_jobs_service(session, settings)`` dependency from
``shared/dependency.py`` (with the blank lines that follow it, and its name in ``__all__`` if
listed) when ``get_runs_service`` is defined beside it.
Why: the jobs router was its only user and is deleted; runs are served by ``get_runs_service``.
A rename would collide with ``get_runs_service``.
Example: ``def get_jobs_service(session: SessionDep, settings: SettingsDep) -> JobsService: ...``
-> (removed). No-op when there is no such function, or no ``get_runs_service`` beside it, or the
function does not take ADE's ``session`` and ``settings`` (other shapes are left to the Python
pass and its collision report).
"""

import libcst as cst
from libcst.metadata import PositionProvider

from runsmig.findings import Analysis, Edit
from runsmig.languages.python.spans import resolve, shared_wrapper

PATHS = ["apps/ade-api/src/ade_api/shared/dependency.py"]


def transform(ctx):
    wrapper = shared_wrapper(ctx)  # the file's one parse, shared with the Python pass
    pos = resolve(ctx, PositionProvider)[PositionProvider]
    funcs = {n.name.value: n for n in wrapper.module.body if isinstance(n, cst.FunctionDef)}
    fn = funcs.get("get_jobs_service")
    if fn is None or "get_runs_service" not in funcs:
        return Analysis()
    if {p.name.value for p in fn.params.params} != {"session", "settings"}:
        return Analysis()
    edits = []
    r = pos[fn]
    first = min([pos[d].start.line for d in fn.decorators] + [r.start.line])
    start = ctx.index.offset(first, 1)
    lines = len(ctx.index.starts)
    line = r.end.line + 1
    while line <= lines and not ctx.index.line_text(line).strip():
        line += 1
    if line <= lines:
        end = ctx.index.offset(line, 1)
    else:  # the last thing in the file: drop the blank lines before it instead
        end = len(ctx.text)
        while first > 1 and not ctx.index.line_text(first - 1).strip():
            first -= 1
        start = max(0, ctx.index.offset(first, 1) - 1)
    edits.append(Edit(start, end, ""))
    for stmt in wrapper.module.body:
        if not (isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Assign)):
            continue
        assign = stmt.body[0]
        target = assign.targets[0].target
        if isinstance(target, cst.Name) and target.value == "__all__" and isinstance(assign.value, (cst.List, cst.Tuple)):
            for el in assign.value.elements:
                if isinstance(el.value, cst.SimpleString) and el.value.evaluated_value == "get_jobs_service":
                    er = pos[el.value]
                    a = ctx.index.offset(er.start.line, 1)
                    if ctx.text[a:ctx.index.offset(er.start.line, er.start.column + 1)].strip():
                        return Analysis()  # several names on one line: not ADE's shape
                    edits.append(Edit(a, ctx.index.offset(er.end.line + 1, 1), ""))
    return Analysis(edits=edits)
