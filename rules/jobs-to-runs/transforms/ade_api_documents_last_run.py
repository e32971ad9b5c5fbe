"""ade_api_documents_last_run

What it does: in ADE's ``features/documents/service.py``, ``DocumentsService._attach_last_runs``
takes each document's ``last_run`` from runs only: ``_latest_runs`` (which replaces
``_latest_stream_runs``) returns the most recent run per input document (latest of
finished/started/created, through ``runs.input_document_id``); the jobs repository, its import and
the job/run merge go, and so does ``RunStatus`` when nothing else uses it.
Why: ``JobsRepository`` is deleted with ``features/jobs/``; a rename leaves a call to a method the
runs repository lacks and a job/run merge whose names collide (``job_summary``/``run_summary``,
``job_ts``/``run_ts``, ``job_id=`` beside ``run_id=``). The query stays in this service because
``features/runs/repository.py`` carries no term, and runsmig runs transforms only on files that do.
Example: ``summaries = await self._jobs_repository.latest_runs_for_documents(...)`` + merge ->
``latest = await self._latest_runs(...)`` and
``DocumentLastRun(run_id=run.id, status=run.status.value, run_at=..., message=...)``.
No-op once ``_attach_last_runs`` no longer uses the jobs repository or ``_latest_stream_runs``.
"""

import libcst as cst
from libcst.metadata import PositionProvider

from runsmig.findings import Analysis, Edit
from runsmig.languages.python.spans import resolve, shared_wrapper

PATHS = ["apps/ade-api/src/ade_api/features/documents/service.py"]

BODY = '''\
        """Populate ``last_run`` on each document from its most recent run."""

        if not documents:
            return

        latest = await self._latest_runs(
            workspace_id=workspace_id,
            document_ids=[document.id for document in documents],
        )
        for document in documents:
            run = latest.get(document.id)
            if run is None:
                document.last_run = None
                continue

            document.last_run = DocumentLastRun(
                run_id=run.id,
                status=run.status.value,
                run_at=run.finished_at or run.started_at or run.created_at,
                message=run.summary or run.error_message,
            )
'''

LATEST = '''\
    async def _latest_runs(
        self, *, workspace_id: str, document_ids: Sequence[str]
    ) -> dict[str, Run]:
        """Return the most recent run per input document within ``workspace_id``."""

        ids = [doc_id for doc_id in dict.fromkeys(document_ids) if doc_id]
        if not ids:
            return {}

        run_at = func.coalesce(Run.finished_at, Run.started_at, Run.created_at)
        stmt = (
            select(Run)
            .where(
                Run.workspace_id == workspace_id,
                Run.input_document_id.in_(ids),
            )
            .order_by(run_at.desc(), Run.id.desc())
        )
        result = await self._session.execute(stmt)
        latest: dict[str, Run] = {}
        for run in result.scalars():
            doc_id = run.input_document_id
            if doc_id is not None and doc_id not in latest:
                latest[doc_id] = run
        return latest
'''

# imports the new query needs (module -> names) and those the old merge may leave unused
NEEDED = {"sqlalchemy": {"func", "select"}, "ade_api.features.runs.models": {"Run"}}
MAYBE_UNUSED = {"ade_api.features.runs.models": {"RunStatus"}}


def _dotted(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


class _Names(cst.CSTVisitor):
    """Names used outside the given subtrees and outside import statements."""

    def __init__(self, skip):
        self.skip = skip
        self.used = set()

    def on_visit(self, node):
        if any(node is s for s in self.skip) or isinstance(node, (cst.Import, cst.ImportFrom)):
            return False
        if isinstance(node, cst.Name):
            self.used.add(node.value)
        return True


def _line_span(ctx, r, blank_before=False):
    start = ctx.index.offset(r.start.line, 1)
    if blank_before and r.start.line > 1 and not ctx.index.line_text(r.start.line - 1).strip():
        start = ctx.index.offset(r.start.line - 1, 1)
    end = ctx.index.offset(r.end.line + 1, 1) if r.end.line < len(ctx.index.starts) else len(ctx.text)
    return start, end


def transform(ctx):
    wrapper = shared_wrapper(ctx)  # the file's one parse, shared with the Python pass
    module = wrapper.module
    pos = resolve(ctx, PositionProvider)[PositionProvider]
    cls = next((n for n in module.body if isinstance(n, cst.ClassDef) and n.name.value == "DocumentsService"), None)
    if cls is None or not isinstance(cls.body, cst.IndentedBlock):
        return Analysis()
    methods = {s.name.value: s for s in cls.body.body if isinstance(s, cst.FunctionDef)}
    attach = methods.get("_attach_last_runs")
    stream = methods.get("_latest_stream_runs")
    if attach is None or not isinstance(attach.body, cst.IndentedBlock) or "_latest_runs" in methods:
        return Analysis()
    params = {p.name.value for p in attach.params.params + attach.params.kwonly_params}
    uses_jobs = "_jobs_repository" in cst.Module(body=[attach]).code
    if not (uses_jobs or stream is not None) or not {"workspace_id", "documents"} <= params:
        return Analysis()

    edits = []
    # the body of _attach_last_runs (its signature stays), then _latest_runs in place of
    # _latest_stream_runs (or right after _attach_last_runs)
    start = ctx.index.offset(pos[attach.body.body[0]].start.line, 1)
    _, end = _line_span(ctx, pos[attach])
    if stream is not None:
        edits.append(Edit(start, end, BODY))
        edits.append(Edit(*_line_span(ctx, pos[stream]), LATEST))
    else:
        edits.append(Edit(start, end, BODY + "\n" + LATEST))

    # the jobs repository attribute goes
    init = methods.get("__init__")
    init_body = init.body.body if init is not None and isinstance(init.body, cst.IndentedBlock) else ()
    for stmt in init_body:
        if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Assign):
            target = stmt.body[0].targets[0].target
            if isinstance(target, cst.Attribute) and target.attr.value == "_jobs_repository":
                edits.append(Edit(*_line_span(ctx, pos[stmt]), ""))

    # imports: the jobs repository goes; the query's names are added; names left unused go
    names = _Names([attach, stream] if stream is not None else [attach])
    module.visit(names)
    missing = {mod: set(want) for mod, want in NEEDED.items()}
    froms = []
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.ImportFrom):
            imp = stmt.body[0]
            if imp.relative or isinstance(imp.names, cst.ImportStar) or imp.module is None:
                continue
            mod = _dotted(imp.module)
            if mod == "ade_api.features.jobs.repository":
                edits.append(Edit(*_line_span(ctx, pos[stmt]), ""))
                continue
            if mod in missing:
                missing[mod] -= {a.name.value for a in imp.names if isinstance(a.name, cst.Name)}
            froms.append((mod, stmt, imp))
    for mod, stmt, imp in froms:
        add = missing.pop(mod, set())
        drop = {n for n in MAYBE_UNUSED.get(mod, set()) if n not in names.used}
        if not add and not drop & {a.name.value for a in imp.names if isinstance(a.name, cst.Name)}:
            continue
        if any(a.asname is not None or not isinstance(a.name, cst.Name) for a in imp.names):
            return Analysis()  # aliased imports: not ADE's shape
        keep = [a.name.value for a in imp.names if a.name.value not in drop] + sorted(add)
        if keep:
            # ADE's ruff/isort order: capitalised names first, then the rest alphabetically
            keep = sorted(dict.fromkeys(keep), key=lambda n: (n[:1].islower(), n))
            rr = pos[imp]
            a = ctx.index.offset(rr.start.line, rr.start.column + 1)
            b = ctx.index.offset(rr.end.line, rr.end.column + 1)
            edits.append(Edit(a, b, f"from {mod} import {', '.join(keep)}"))
        else:
            edits.append(Edit(*_line_span(ctx, pos[stmt]), ""))
    if any(missing.values()):
        return Analysis()  # the query's imports are not where ADE has them: leave it to a human
    return Analysis(edits=edits)
