"""ade_api_runs_submitter

What it does: runs take over the job's bookkeeping of who submitted it and which attempt it is:
* ``features/runs/router.py``: ``create_run_endpoint`` takes the authenticated ``actor`` (through
  ``require_authenticated``, which the router already requires) and passes
  ``submitted_by_user_id=actor.id`` to ``prepare_run``;
* ``features/runs/service.py``: ``prepare_run`` takes ``submitted_by_user_id`` and records it with
  ``attempt=1`` on the new ``Run``; ``to_resource`` returns ``submitted_by_user_id``, ``attempt``
  and ``retry_of_run_id``;
* ``features/runs/schemas.py``: ``RunResource`` declares those three fields.
Why: ``JobsService.submit_job`` recorded the submitter and the attempt on the job; with the jobs
feature gone, the run is the only record, and the runs table gains these columns (runs_extend).
Example: ``await service.prepare_run(config_id=config_id, options=payload.options)`` ->
``await service.prepare_run(config_id=config_id, options=payload.options, submitted_by_user_id=actor.id)``
(one argument a line). No-op once ``prepare_run`` takes ``submitted_by_user_id``, or where the
code has another shape (each edit needs its anchor).
"""

import libcst as cst

from runsmig.findings import Analysis, Edit
from runsmig.languages.python.spans import CstSpans

ROOT = "apps/ade-api/src/ade_api/features/runs/"
ROUTER, SERVICE, SCHEMAS = ROOT + "router.py", ROOT + "service.py", ROOT + "schemas.py"
PATHS = ["/" + ROUTER, "/" + SERVICE, "/" + SCHEMAS]

ACTOR_PARAM = "    actor: Annotated[User, Depends(require_authenticated)],\n"
USER_IMPORT = "from ade_api.features.users.models import User\n"
PREPARE_CALL = """service.prepare_run(
            config_id=config_id,
            options=payload.options,
            submitted_by_user_id=actor.id,
        )"""
SUBMITTER_PARAM = "        submitted_by_user_id: str | None = None,\n"
RUN_FIELDS = "            submitted_by_user_id=submitted_by_user_id,\n            attempt=1,\n"
RESOURCE_ARGS = ("            submitted_by_user_id=run.submitted_by_user_id,\n"
                 "            attempt=run.attempt or 1,\n"
                 "            retry_of_run_id=run.retry_of_run_id,\n")
RESOURCE_FIELDS = '''    submitted_by_user_id: str | None = Field(
        default=None, description="User who submitted the run, when known."
    )
    attempt: int = Field(default=1, description="Attempt number; a retry counts up from its run.")
    retry_of_run_id: str | None = Field(default=None, description="Run this run retries, if any.")
'''


class _Tree(CstSpans):
    def find(self, kind, where=None, pred=lambda n: True):
        found = []

        class V(cst.CSTVisitor):
            def on_visit(self, node):
                if isinstance(node, kind) and pred(node):
                    found.append(node)
                return True

        (where or self.module).visit(V())
        return found


def _func(t: _Tree, name: str):
    return next(iter(t.find(cst.FunctionDef, pred=lambda n: n.name.value == name)), None)


def _param_names(fn) -> set[str]:
    p = fn.params
    return {x.name.value for x in (*p.params, *p.kwonly_params)}


def _kwarg(call, name: str):
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def _calls(t: _Tree, where, func_name: str):
    def is_it(n):
        f = n.func
        return (isinstance(f, cst.Attribute) and f.attr.value == func_name) or (isinstance(f, cst.Name) and f.value == func_name)
    return t.find(cst.Call, where, is_it)


def _router(t: _Tree) -> list[Edit]:
    fn = _func(t, "create_run_endpoint")
    if fn is None or "actor" in _param_names(fn):
        return []
    service = next((p for p in fn.params.kwonly_params if p.name.value == "service"), None)
    calls = _calls(t, fn, "prepare_run")
    if service is None or len(calls) != 1 or _kwarg(calls[0], "submitted_by_user_id"):
        return []
    ours = [(t.ctx.text[slice(*t.span(s.body[0].module))], s) for s in t.module.body
            if isinstance(s, cst.SimpleStatementLine) and isinstance(s.body[0], cst.ImportFrom)
            and s.body[0].module is not None and s.body[0].relative == ()]
    ours = [(m, s) for m, s in ours if m.startswith("ade_api.")]
    dep = next((s for m, s in ours if m == "ade_api.shared.dependency"), None)
    # the User import goes in module order among ADE's own imports (isort's)
    before = [s for m, s in ours if m < "ade_api.features.users.models"]
    anchor_at = t.next_line(before[-1]) if before else (t.line_start(ours[0][1]) if ours else None)
    if dep is None or anchor_at is None or not any(
            n.name.value == "require_authenticated" for n in getattr(dep.body[0], "names", ()) if hasattr(n, "name")):
        return []
    edits = [Edit(t.line_start(service), t.line_start(service), ACTOR_PARAM),
             Edit(*t.span(calls[0]), PREPARE_CALL)]
    if USER_IMPORT.strip() not in t.ctx.text:
        edits.append(Edit(anchor_at, anchor_at, USER_IMPORT))
    return edits


def _service(t: _Tree) -> list[Edit]:
    edits: list[Edit] = []
    fn = _func(t, "prepare_run")
    if fn is not None and "submitted_by_user_id" not in _param_names(fn):
        options = next((p for p in fn.params.kwonly_params if p.name.value == "options"), None)
        runs = [c for c in _calls(t, fn, "Run") if isinstance(c.func, cst.Name)]
        status = _kwarg(runs[0], "status") if len(runs) == 1 else None
        if options is not None and status is not None:
            edits.append(Edit(t.line_start(options), t.line_start(options), SUBMITTER_PARAM))
            edits.append(Edit(t.next_line(status), t.next_line(status), RUN_FIELDS))
    conv = _func(t, "to_resource")
    if conv is not None:
        res = [c for c in _calls(t, conv, "RunResource") if isinstance(c.func, cst.Name)]
        err = _kwarg(res[0], "error_message") if len(res) == 1 else None
        if err is not None and not _kwarg(res[0], "submitted_by_user_id"):
            edits.append(Edit(t.next_line(err), t.next_line(err), RESOURCE_ARGS))
    return edits


def _schemas(t: _Tree) -> list[Edit]:
    cls = next((n for n in t.module.body if isinstance(n, cst.ClassDef) and n.name.value == "RunResource"), None)
    if cls is None or not isinstance(cls.body, cst.IndentedBlock):
        return []
    fields = {}
    for s in cls.body.body:
        if isinstance(s, cst.SimpleStatementLine) and isinstance(s.body[0], cst.AnnAssign) and isinstance(s.body[0].target, cst.Name):
            fields[s.body[0].target.value] = s
    if "submitted_by_user_id" in fields or "error_message" not in fields:
        return []
    at = t.next_line(fields["error_message"])
    return [Edit(at, at, RESOURCE_FIELDS)]


def transform(ctx) -> Analysis:
    t = _Tree(ctx)
    fix = {ROUTER: _router, SERVICE: _service, SCHEMAS: _schemas}[ctx.rel]
    return Analysis(edits=fix(t))
