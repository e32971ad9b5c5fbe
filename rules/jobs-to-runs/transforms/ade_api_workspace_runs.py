"""ade_api_workspace_runs

What it does: adds the workspace-scoped runs listing to ADE's ``features/runs``:
``GET /workspaces/{workspace_id}/runs`` in ``router.py`` (``list_runs_endpoint``: ADE's
``PageParams`` pagination - ``page``, ``page_size``, ``include_total`` - plus the filters ``status``
and ``input_document_id``, guarded by ``Workspace.Runs.Read`` on the workspace), answering a
``RunPage`` (``Page[RunResource]``, added to ``schemas.py``); ``RunsService.list_runs`` in
``service.py`` and ``RunsRepository.list_runs`` in ``repository.py`` (filters applied in SQL,
newest first, paginated with ``paginate_sql``). Imports are merged into the existing ones.
Why: the recipe deletes the jobs feature, whose ``GET /workspaces/{workspace_id}/jobs`` was the
only workspace history listing; the web app's run history now calls
``GET /api/v1/workspaces/{workspace_id}/runs``, which no runs route served.
Example: ``from .schemas import (RunCreateOptions, ..., RunResource,)`` -> ``..., RunPage,
RunResource,``; before ``@router.get("/runs/{run_id}", ...)`` -> ``@router.get(
"/workspaces/{workspace_id}/runs", response_model=RunPage, ...) async def list_runs_endpoint(...)``.
No-op when the file is not ADE's shape (anchors missing) or already has ``list_runs``/``RunPage``.
"""

import libcst as cst

from runsmig.findings import Analysis, Edit
from runsmig.languages.python.spans import CstSpans

BASE = "apps/ade-api/src/ade_api/features/runs/"
PATHS = [BASE + "router.py", BASE + "service.py", BASE + "repository.py", BASE + "schemas.py"]

ROUTE = '''@router.get(
    "/workspaces/{workspace_id}/runs",
    response_model=RunPage,
    summary="List workspace runs",
    responses={
        status.HTTP_403_FORBIDDEN: {
            "description": "Workspace permissions do not allow run access.",
        },
    },
)
async def list_runs_endpoint(
    workspace_id: Annotated[str, Path(min_length=1, description="Workspace identifier")],
    page: Annotated[PageParams, Depends()],
    service: RunsService = runs_service_dependency,
    _actor: Annotated[
        User | None,
        Security(
            require_workspace("Workspace.Runs.Read"),
            scopes=["{workspace_id}"],
        ),
    ] = None,
    status_filter: Annotated[
        RunStatus | None,
        Query(alias="status", description="Only runs in this status"),
    ] = None,
    input_document_id: Annotated[
        str | None,
        Query(min_length=1, description="Only runs whose input is this document"),
    ] = None,
) -> RunPage:
    """Return one page of the runs of ``workspace_id``, newest first."""

    return await service.list_runs(
        workspace_id=workspace_id,
        status=status_filter,
        input_document_id=input_document_id,
        page=page.page,
        page_size=page.page_size,
        include_total=page.include_total,
    )


'''

SERVICE = '''    async def list_runs(
        self,
        *,
        workspace_id: str,
        page: int,
        page_size: int,
        status: RunStatus | None = None,
        input_document_id: str | None = None,
        include_total: bool = False,
    ) -> RunPage:
        """Return one page of the runs of ``workspace_id``, newest first."""

        result = await self._runs.list_runs(
            workspace_id=workspace_id,
            page=page,
            page_size=page_size,
            status=status,
            input_document_id=input_document_id,
            include_total=include_total,
        )
        return RunPage(
            items=[self.to_resource(run) for run in result.items],
            page=result.page,
            page_size=result.page_size,
            has_next=result.has_next,
            has_previous=result.has_previous,
            total=result.total,
        )

'''

REPOSITORY = '''    async def list_runs(
        self,
        *,
        workspace_id: str,
        page: int,
        page_size: int,
        status: RunStatus | None = None,
        input_document_id: str | None = None,
        include_total: bool = False,
    ) -> Page[Run]:
        """Return one page of the runs of ``workspace_id``, newest first, filtered in SQL."""

        stmt = select(Run).where(Run.workspace_id == workspace_id)
        if status is not None:
            stmt = stmt.where(Run.status == status)
        if input_document_id:
            stmt = stmt.where(Run.input_document_id == input_document_id)
        return await paginate_sql(
            self._session,
            stmt,
            page=page,
            page_size=page_size,
            order_by=(Run.created_at.desc(), Run.id.desc()),
            include_total=include_total,
        )

'''

SCHEMA = '''class RunPage(Page[RunResource]):
    """Paginated envelope of runs for workspace listings."""


'''


class _Shape(CstSpans):
    """Top-level statements, imports and class members of a module, with positions."""

    def start_line_of(self, node):
        """Start of the first line of a definition, decorators included."""
        return self.line_start(node.decorators[0] if getattr(node, "decorators", None) else node)

    def next_line(self, node):
        return self.ctx.index.offset(self.pos[node].end.line + 1, 1)

    def import_from(self, module):
        """The top-level ``from <module> import ...`` statement (``.x`` for relative)."""
        code = cst.Module(body=[])
        for stmt in self.module.body:
            if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.ImportFrom):
                imp = stmt.body[0]
                name = "." * len(imp.relative) + (code.code_for_node(imp.module) if imp.module else "")
                if name == module:
                    return stmt
        return None

    def member(self, cls_name, name, kind=cst.FunctionDef):
        """``cls_name.name`` (or the module-level ``name`` when ``cls_name`` is None)."""
        body = self.module.body
        if cls_name is not None:
            cls = next((s for s in body if isinstance(s, cst.ClassDef) and s.name.value == cls_name), None)
            if cls is None:
                return None
            body = cls.body.body
        return next((s for s in body if isinstance(s, kind) and s.name.value == name), None)


def _sort_key(name):
    rank = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return rank, name.lower()


def _add_names(shape, module, names, prefix=""):
    """Edit rewriting ``from <module> import ...`` with ``names`` added (sorted as isort does) and
    ``prefix`` lines before it (one edit: runsmig drops an insertion where a longer edit starts),
    or None when the statement is missing, aliased or commented; [] when there is nothing to do."""
    stmt = shape.import_from(module)
    if stmt is None:
        return None
    imp = stmt.body[0]
    if isinstance(imp.names, cst.ImportStar) or any(a.asname for a in imp.names):
        return None
    text = shape.ctx.text[shape.start(stmt):shape.end(stmt)]
    if "#" in text:
        return None
    have = [a.name.value for a in imp.names]
    if set(names) <= set(have) and not prefix:
        return []
    new = sorted(set(have) | set(names), key=_sort_key)
    head = f"from {module} import "
    one = head + ", ".join(new)
    if imp.lpar is None and len(one) <= 100:
        body = one
    else:
        body = head + "(\n" + "".join(f"    {n},\n" for n in new) + ")"
    return [Edit(shape.start(stmt), shape.end(stmt), prefix + body)]


def _add_import_after(shape, anchor_module, line, module):
    """Edit inserting the ``line`` import after ``from <anchor_module> import ...`` unless
    ``module`` is imported already; None when the anchor is missing."""
    if shape.import_from(module) is not None:
        return []
    anchor = shape.import_from(anchor_module)
    if anchor is None:
        return None
    return [Edit(shape.next_line(anchor), shape.next_line(anchor), line + "\n")]


def _all(parts):
    """Concatenate edit lists; None when any part is None (not ADE's shape)."""
    out = []
    for p in parts:
        if p is None:
            return None
        out += p
    return out


def _router(shape):
    if "list_runs_endpoint" in shape.ctx.text or "/workspaces/{workspace_id}/runs" in shape.ctx.text:
        return []
    anchor = shape.member(None, "get_run_endpoint")
    if anchor is None or shape.member(None, "create_run_endpoint") is None:
        return None
    return _all([
        _add_import_after(shape, "ade_api.features.configs.exceptions",
                          "from ade_api.features.users.models import User", "ade_api.features.users.models"),
        _add_names(shape, "ade_api.shared.dependency", ["require_workspace"]),
        _add_import_after(shape, "ade_api.shared.dependency",
                          "from ade_api.shared.pagination import PageParams", "ade_api.shared.pagination"),
        _models_and_schemas_imports(shape),
        [Edit(shape.start_line_of(anchor), shape.start_line_of(anchor), ROUTE)],
    ])


def _models_and_schemas_imports(shape):
    """``RunPage`` added to ``from .schemas import ...``; ``RunStatus`` added to ``from .models
    import ...``, or that import written before the schemas one."""
    if shape.import_from(".models") is not None:
        return _all([_add_names(shape, ".models", ["RunStatus"]), _add_names(shape, ".schemas", ["RunPage"])])
    return _add_names(shape, ".schemas", ["RunPage"], prefix="from .models import RunStatus\n")


def _service(shape):
    if shape.member("RunsService", "list_runs") is not None:
        return []
    anchor = shape.member("RunsService", "to_resource")
    if anchor is None or shape.member("RunsService", "get_run") is None or "self._runs = RunsRepository(" not in shape.ctx.text:
        return None
    return _all([
        _add_names(shape, ".models", ["RunStatus"]),
        _add_names(shape, ".schemas", ["RunPage"]),
        [Edit(shape.start_line_of(anchor), shape.start_line_of(anchor), SERVICE)],
    ])


def _repository(shape):
    if shape.member("RunsRepository", "list_runs") is not None:
        return []
    anchor = shape.member("RunsRepository", "logs_query")
    if anchor is None or shape.import_from("sqlalchemy") is None:
        return None
    return _all([
        _add_names(shape, "sqlalchemy", ["select"]),
        _add_import_after(shape, "sqlalchemy.ext.asyncio",
                          "\nfrom ade_api.shared.pagination import Page, paginate_sql", "ade_api.shared.pagination"),
        _add_names(shape, ".models", ["RunStatus"]),
        [Edit(shape.start_line_of(anchor), shape.start_line_of(anchor), REPOSITORY)],
    ])


def _schemas(shape):
    if shape.member(None, "RunPage", cst.ClassDef) is not None:
        return []
    resource = shape.member(None, "RunResource", cst.ClassDef)
    if resource is None:
        return None
    follower = shape.module.body[list(shape.module.body).index(resource) + 1:]
    if not follower:
        return None
    edits = _add_import_after(shape, "ade_api.shared.core.schema",
                              "from ade_api.shared.pagination import Page", "ade_api.shared.pagination")
    if edits is None:
        return None
    at = shape.start_line_of(follower[0])
    edits.append(Edit(at, at, SCHEMA))
    # "RunPage" in __all__, before the first entry that sorts after it
    for stmt in shape.module.body:
        if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Assign):
            target = stmt.body[0].targets[0].target
            value = stmt.body[0].value
            if isinstance(target, cst.Name) and target.value == "__all__" and isinstance(value, cst.List):
                later = [e for e in value.elements if isinstance(e.value, cst.SimpleString)
                         and e.value.evaluated_value > "RunPage"]
                if later and shape.pos[later[0]].start.line != shape.pos[stmt].start.line:
                    at = shape.line_start(later[0])
                    edits.append(Edit(at, at, '    "RunPage",\n'))
    return edits


HANDLERS = {"router.py": _router, "service.py": _service, "repository.py": _repository, "schemas.py": _schemas}


def transform(ctx):
    handler = HANDLERS.get(ctx.rel.rsplit("/", 1)[-1])
    if handler is None or not ctx.rel.startswith(BASE):
        return Analysis()
    edits = handler(_Shape(ctx))
    return Analysis(edits=edits or [])
