"""ade_web_documents_run_reads

What it does: the Documents screen of ADE's web app reads a document's run (status, outputs,
artifact, telemetry, downloads) from the runs API (``/api/v1/runs/{run_id}/…``) instead of the
workspace jobs routes:
* ``sections/Documents/index.tsx``: ``fetchRunOutputs``/``fetchRunArtifact``/``fetchRunTelemetry``
  come from ``@shared/runs/api`` and take ``(runId, signal)``; ``fetchRun(runId, signal)``; the
  download base is ``/api/v1/runs/<run id>`` and the log download ``…/logfile``;
* ``src/shared/jobs.ts`` (moved to ``src/shared/runs/history.ts`` by the recipe): ``fetchRun`` gets
  the run from ``GET /api/v1/runs/{run_id}`` (a ``RunResource``); its copies of the outputs,
  artifact and telemetry readers (and the imports only they used) go: ``@shared/runs/api`` has them;
  its ``JobOutputListing`` alias becomes the ``RunResource`` alias, or goes where the module has
  the ``JobRecord`` alias, which ade_web_runs_history turns into ``RunResource``.
Why: the backend drops the jobs router; runs are read by id from the runs routes, which exist
already. A rename alone would point the screen at ``/workspaces/{workspace_id}/runs/{run_id}/…``,
which no backend serves.
Example: ``fetchJobOutputs(workspaceId, activeJobId, signal)`` -> ``fetchRunOutputs(activeRunId, signal)``.
No-op once the screen no longer imports ``@shared/jobs``.
"""

from __future__ import annotations

from runsmig.languages.typescript.offsets import NodeSpans as _Spans
from runsmig.findings import Analysis, Edit

DOCS = "apps/ade-web/src/screens/Workspace/sections/Documents/index.tsx"
HISTORY = "apps/ade-web/src/shared/jobs.ts"
PATHS = ["/" + DOCS, "/" + HISTORY]

READERS = {"fetchJob", "fetchJobOutputs", "fetchJobArtifact", "fetchJobTelemetry"}
# imported from @shared/runs/api (its copies in the history module go), in their final names
FROM_RUNS_API = {"fetchJobArtifact": "fetchRunArtifact", "fetchJobOutputs": "fetchRunOutputs",
                 "fetchJobTelemetry": "fetchRunTelemetry", "JobOutputListing": "RunOutputListing"}
SUBMIT_PAYLOAD = '''type RunSubmissionPayload = {
  readonly configId: string;
  readonly options: components["schemas"]["RunCreateOptions"];
};'''
SUBMIT_HOOK = '''function useSubmitRun(workspaceId: string) {
  const queryClient = useQueryClient();

  return useMutation<RunResource, Error, RunSubmissionPayload>({
    mutationFn: async ({ configId, options }) => {
      const { data } = await client.POST("/api/v1/configs/{config_id}/runs", {
        params: { path: { config_id: configId } },
        body: { stream: false, options },
      });
      if (!data) throw new Error("Expected run payload.");
      return data as RunResource;
    },
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: documentsKeys.workspace(workspaceId) });
    },
  });
}'''
SUBMIT_BODY = '''{
        configId: selectedConfig.config_id,
        options: { ...runOptions, input_document_id: documentRecord.id },
      }'''
FETCH_RUN = '''export async function fetchRun(runId: string, signal?: AbortSignal): Promise<RunResource> {
  const { data } = await client.GET("/api/v1/runs/{run_id}", {
    params: { path: { run_id: runId } },
    signal,
  });

  if (!data) throw new Error("Run not found");
  return data;
}'''
GONE = {"fetchJobOutputs", "fetchJobArtifact", "fetchJobTelemetry"}
JOB_RECORD_ALIAS = 'export type JobRecord = components["schemas"]["JobRecord"];'


def transform(ctx) -> Analysis:
    from ast_grep_py import SgRoot

    text = ctx.text
    root = SgRoot(text, "tsx" if ctx.rel.endswith(".tsx") else "typescript").root()
    span = _Spans(text)
    imports = [n for n in root.children() if n.kind() == "import_statement"]
    if ctx.rel == DOCS:
        return Analysis(edits=_docs(ctx, text, root, span, imports))
    if ctx.rel == HISTORY and any(_function_name(n) in GONE for n in root.children()):
        return Analysis(edits=_history(text, root, span, imports))
    return Analysis()


def _docs(ctx, text, root, span, imports) -> list[Edit]:
    old = [n for n in imports if _source(n) == "@shared/jobs"]
    if not old:
        return []
    edits = []
    hook = next((n for n in root.children() if _function_name(n, "function_declaration") == "useSubmitJob"), None)
    submit = hook is not None and '"/api/v1/workspaces/{workspace_id}/jobs"' in hook.text()
    if submit:  # submission: POST /api/v1/configs/{config_id}/runs, answered with a RunResource
        edits.append(Edit(*span(hook), SUBMIT_HOOK))
        for alias in root.find_all(kind="type_alias_declaration"):
            if alias.field("name").text() == "JobSubmissionPayload":
                edits.append(Edit(*span(alias), SUBMIT_PAYLOAD))
        inside = span(hook)
        for ident in root.find_all(kind="type_identifier", regex="^JobRecord$"):
            a, b = span(ident)
            if not inside[0] <= a < inside[1]:
                edits.append(Edit(a, b, "RunResource"))
        for call in root.find_all(kind="call_expression"):
            fn, args = call.field("function"), call.field("arguments")
            if fn is not None and args is not None and fn.text() == "submitJob.mutate":
                first = next((c for c in args.children() if c.is_named()), None)
                if first is not None and first.kind() == "object" and "config_version_id" in first.text():
                    edits.append(Edit(*span(first), SUBMIT_BODY))
    keep, moved = [], []
    for spec in old[0].find_all(kind="import_specifier"):
        name = spec.field("name").text()
        typed = "type " if spec.text().startswith("type ") else ""
        if name in FROM_RUNS_API:
            moved.append(typed + FROM_RUNS_API[name])
        elif submit and name == "JobRecord":
            keep.append("type RunResource")
        else:
            keep.append(typed + ctx.engine.rewrite(spec.text().removeprefix("type ").strip()))
    a, b = span(old[0])
    edits.append(Edit(a, b, _import(keep, "@shared/runs/history") + "\n" + _import(moved, "@shared/runs/api")))
    for call in root.find_all(kind="call_expression"):
        fn, args = call.field("function"), call.field("arguments")
        if fn is None or args is None or fn.text() not in READERS:
            continue
        named = [c for c in args.children() if c.is_named()]
        if len(named) == 3 and named[0].text() == "workspaceId":
            a, b = span(args)
            edits.append(Edit(a, b, f"({ctx.engine.rewrite(named[1].text())}, {named[2].text()})"))
    # 'jobRunning' would read 'runRunning'; no 'runInProgress' exists in the file
    if "runInProgress" not in text:
        for ident in root.find_all(kind="identifier", regex="^jobRunning$"):
            a, b = span(ident)
            edits.append(Edit(a, b, "runInProgress"))
    for tpl in root.find_all(kind="template_string"):
        t = tpl.text()
        a, b = span(tpl)
        if t == "`/api/v1/workspaces/${encodeURIComponent(workspaceId)}/jobs/${encodeURIComponent(activeJobId)}`":
            edits.append(Edit(a, b, "`/api/v1/runs/${encodeURIComponent(activeRunId)}`"))
        elif t == "`${downloadBase}/logs`":
            edits.append(Edit(a, b, "`${downloadBase}/logfile`"))
    return edits


def _history(text, root, span, imports) -> list[Edit]:
    edits = []
    for n in imports:
        if _source(n) == "@schema/adeTelemetry":
            edits.append(_drop_lines(text, *span(n)))
        elif _source(n) == "@schema":
            a, b = span(n)
            edits.append(Edit(a, b, 'import type { components, paths } from "@schema";'))
    for n in root.children():
        name = _function_name(n)
        if name in GONE:
            edits.append(_drop_lines(text, *span(n)))
        elif name == "fetchJob":
            a, b = span(n)
            edits.append(Edit(a, b, FETCH_RUN))
        elif n.kind() == "export_statement" and n.text().startswith("export type JobOutputListing ="):
            if JOB_RECORD_ALIAS in text:  # ade_web_runs_history turns that alias into RunResource
                edits.append(_drop_lines(text, *span(n)))
            else:
                a, b = span(n)
                edits.append(Edit(a, b, 'export type RunResource = components["schemas"]["RunResource"];'))
    return edits


def _import(names: list[str], source: str) -> str:
    return "import {\n" + "".join(f"  {n},\n" for n in names) + f'}} from "{source}";'


def _source(imp) -> str | None:
    src = imp.field("source")
    return src.text().strip("\"'") if src is not None else None


def _function_name(node, kind: str = "export_statement") -> str | None:
    """The name of a top-level (exported) function declaration."""
    if node.kind() != kind:
        return None
    decl = node.field("declaration") if kind == "export_statement" else node
    if decl is None or decl.kind() != "function_declaration":
        return None
    name = decl.field("name")
    return name.text() if name is not None else None


def _drop_lines(text: str, a: int, b: int) -> Edit:
    """The node's whole lines, and the blank line after them when a blank line precedes them."""
    a = text.rfind("\n", 0, a) + 1
    nl = text.find("\n", b)
    b = len(text) if nl < 0 else nl + 1
    if text.startswith("\n", b) and (a == 0 or text.endswith("\n\n", 0, a)):
        b += 1
    return Edit(a, b, "")
