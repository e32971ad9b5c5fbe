"""ade_api_drop_jobs_router_registration

What it does: removes the statement ``<router>.include_router(jobs_router)`` from ADE's
``routers.py`` (the whole line) when the same router also registers ``runs_router`` and
``jobs_router`` is imported from ``features/jobs`` (a module this recipe deletes).
Why: the jobs router is deleted; its import is redirected to the runs router, so the line would
register the runs router a second time. The rename engine never drops a statement on its own (it
reports the pair as a conflict); ADE wants the registration gone, so the recipe says so here.
Example: ``api_router.include_router(runs_router)`` / ``api_router.include_router(jobs_router)``
-> ``api_router.include_router(runs_router)``. No-op when either registration is missing, or
``jobs_router`` comes from anywhere but ``features.jobs``.
"""

import libcst as cst
from libcst.metadata import PositionProvider

from runsmig.findings import Analysis, Edit
from runsmig.languages.python.spans import resolve, shared_wrapper

PATHS = ["apps/ade-api/src/ade_api/routers.py"]


def _registered(stmt) -> tuple[str, str] | None:
    """``x.include_router(name)`` -> (x, name)."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)):
        return None
    call = stmt.body[0].value
    if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "include_router" and isinstance(call.func.value, cst.Name)
            and len(call.args) == 1 and isinstance(call.args[0].value, cst.Name)):
        return None
    return call.func.value.value, call.args[0].value.value


def _imports_jobs_router(module: cst.Module) -> bool:
    for stmt in module.body:
        if not (isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.ImportFrom)):
            continue
        imp = stmt.body[0]
        mod = cst.Module([]).code_for_node(imp.module) if imp.module is not None else ""
        if not mod.replace(" ", "").endswith("features.jobs.router") or isinstance(imp.names, cst.ImportStar):
            continue
        for alias in imp.names:
            if alias.asname is not None and getattr(alias.asname.name, "value", None) == "jobs_router":
                return True
    return False


def transform(ctx):
    wrapper = shared_wrapper(ctx)  # the file's one parse, shared with the Python pass
    pos = resolve(ctx, PositionProvider)[PositionProvider]
    module = wrapper.module
    if not _imports_jobs_router(module):
        return Analysis()
    regs = {_registered(s): s for s in module.body if _registered(s) is not None}
    for (owner, name), stmt in regs.items():
        if name == "jobs_router" and (owner, "runs_router") in regs:
            r = pos[stmt]
            start = ctx.index.offset(r.start.line, 1)
            end = ctx.index.offset(r.end.line + 1, 1) if r.end.line < len(ctx.index.starts) else len(ctx.text)
            return Analysis(edits=[Edit(start, end, "")])
    return Analysis()
