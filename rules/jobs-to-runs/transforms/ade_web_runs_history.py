"""ade_web_runs_history

What it does: the web app's run history client (``src/shared/jobs.ts``, moved to
``src/shared/runs/history.ts`` by the recipe) lists a workspace's runs the way the runs backend
serves them: ``fetchWorkspaceRuns`` sends ``page``/``page_size`` (not ``limit``/``offset``) to
``GET /api/v1/workspaces/{workspace_id}/runs`` and returns its ``RunPage`` (``items``, ``page``,
``page_size``, ``has_next``); the job record's alias becomes ``RunResource`` (the rows) and
``RunPage``, and ``RunStatus`` is the schema's ``RunStatus`` (``canceled``, not ``cancelled``)
instead of the job record's status. (ade_web_documents_run_reads then drops its own
``RunResource`` alias from this module.)
Why: the backend drops the jobs router; its workspace run list (transform ade_api_workspace_runs)
answers with a ``RunPage`` of ``RunResource`` items and has no ``JobRecord`` (a rename alone would
leave ``components["schemas"]["RunRecord"]``, which no schema defines, and ``query.limit``).
Example: ``Promise<JobRecord[]>`` + ``query.limit = options.limit`` ->
``Promise<RunPage>`` + ``query.page_size = options.pageSize``.
The list function is replaced only in its job-era shape (``limit``/``offset``) and only when
both aliases are; no-op without the ``JobRecord`` alias.
"""

from __future__ import annotations

from runsmig.findings import Analysis, Edit
from runsmig.languages.typescript.offsets import NodeSpans as _Spans

HISTORY = "apps/ade-web/src/shared/jobs.ts"
PATHS = ["/" + HISTORY]

ALIASES = {
    # old alias -> (old value, new declaration)
    "JobRecord": ('components["schemas"]["JobRecord"]',
                  'export type RunResource = components["schemas"]["RunResource"];\n'
                  'export type RunPage = components["schemas"]["RunPage"];'),
    "JobStatus": ('JobRecord["status"]',
                  'export type RunStatus = components["schemas"]["RunStatus"];'),
}
FETCH_RUNS = '''export async function fetchWorkspaceRuns(
  workspaceId: string,
  options: {
    status?: RunStatus | "all" | null;
    inputDocumentId?: string | null;
    page?: number | null;
    pageSize?: number | null;
  },
  signal?: AbortSignal,
): Promise<RunPage> {
  const query: ListRunsQuery = {};
  if (options.status && options.status !== "all") query.status = options.status;
  if (options.inputDocumentId) query.input_document_id = options.inputDocumentId;
  if (typeof options.page === "number") query.page = options.page;
  if (typeof options.pageSize === "number") query.page_size = options.pageSize;

  const { data } = await client.GET("/api/v1/workspaces/{workspace_id}/runs", {
    params: { path: { workspace_id: workspaceId }, query },
    signal,
  });

  if (!data) throw new Error("Expected a page of runs.");
  return data;
}'''


def transform(ctx) -> Analysis:
    from ast_grep_py import SgRoot

    if ctx.rel != HISTORY:
        return Analysis()
    text = ctx.text
    root = SgRoot(text, "typescript").root()
    span = _Spans(text)
    edits, listing = [], None
    for n in root.children():
        if n.kind() != "export_statement":
            continue
        decl = n.field("declaration")
        if decl is None:
            continue
        name = decl.field("name")
        name = name.text() if name is not None else None
        if decl.kind() == "type_alias_declaration" and name in ALIASES:
            value = decl.field("value")
            old, new = ALIASES[name]
            if value is not None and value.text() == old:
                edits.append(Edit(*span(n), new))
        elif (decl.kind() == "function_declaration" and name == "fetchWorkspaceJobs"
              and "query.limit" in decl.text() and "query.offset" in decl.text()):
            listing = Edit(*span(n), FETCH_RUNS)
    # the new list function needs both new aliases
    if listing is not None and len(edits) == 2:
        edits.append(listing)
    return Analysis(edits=edits)
