"""ade_web_runs_screen

What it does: the Runs section of ADE's web app (``sections/Jobs/index.tsx``, moved to
``sections/Runs/index.tsx`` by the recipe) reads the runs backend's shapes:
* its infinite query pages with ``page``/``pageSize`` from page 1 and asks for the next page while
  ``has_next``; a page is a ``RunPage`` whose ``items`` are the rows;
* rows are ``RunResource``s: start is ``started`` (else ``created``), end is ``finished``, both epoch
  seconds; the document is ``input_document_id`` with its sheet names; the config is ``config_id``;
  ``error_message``/``summary`` are read as fields, not through casts to job-era shapes;
* the status labels and classes spell ``canceled`` ("Canceled"), as ``RunStatus`` does;
* the "Triggered by" column and CSV field go: a ``RunResource`` names no submitter.
Why: the job record (``input_documents``, ``config_version``, ``submitted_by_user``, ISO
``started_at``/``completed_at``, ``cancelled``) is gone with the jobs router; a rename alone
leaves ``limit``/``offset`` paging the backend ignores and a ``RunRecord`` no schema defines.
Example: ``limit: JOBS_PAGE_SIZE, offset: pageParam`` -> ``page: pageParam, pageSize: RUNS_PAGE_SIZE``;
``cancelled: "Cancelled"`` -> ``canceled: "Canceled"``.
No-op on a screen without the job-era ``useInfiniteQuery<JobRecord[]>`` listing.
"""

from __future__ import annotations

from runsmig.findings import Analysis, Edit
from runsmig.languages.typescript.offsets import NodeSpans as _Spans

SCREEN = "apps/ade-web/src/screens/Workspace/sections/Jobs/index.tsx"
PATHS = ["/" + SCREEN]

STATUS_MAPS = {"JOB_STATUS_LABELS", "JOB_STATUS_CLASSES"}
NEXT_PAGE = "(lastPage) => (lastPage.has_next ? lastPage.page + 1 : undefined)"
SHEETS = '{run.input_sheet_names?.length ? run.input_sheet_names.join(", ") : (run.input_sheet_name ?? "—")}'
# helpers rewritten whole (their bodies read job-only fields); None: the helper goes
HELPERS = {
    "deriveDocumentName": '''function deriveDocumentName(run: RunResource) {
  return run.input_document_id ?? null;
}''',
    "deriveConfigLabel": '''function deriveConfigLabel(run: RunResource) {
  return run.config_id || "—";
}''',
    "deriveTriggeredBy": None,
    "jobSearchHaystack": '''function runSearchHaystack(run: RunResource) {
  return [
    run.id,
    deriveDocumentName(run),
    deriveConfigLabel(run),
    run.status,
    run.error_message,
    run.summary,
  ]
    .filter(Boolean)
    .join(" ")
    .toLowerCase();
}''',
    "getJobStartTimestamp": '''function getRunStartTimestamp(run: RunResource) {
  return (run.started ?? run.created) * 1000;
}''',
    "getJobEndTimestamp": '''function getRunEndTimestamp(run: RunResource) {
  return typeof run.finished === "number" ? run.finished * 1000 : Date.now();
}''',
}


def transform(ctx) -> Analysis:
    from ast_grep_py import SgRoot

    if ctx.rel != SCREEN:
        return Analysis()
    text = ctx.text
    root = SgRoot(text, "tsx").root()
    span = _Spans(text)
    query = next((c for c in root.find_all(kind="call_expression")
                  if _text(c.field("function")) == "useInfiniteQuery"
                  and _text(c.field("type_arguments")) == "<JobRecord[]>"), None)
    if query is None:
        return Analysis()
    whole = []  # helpers replaced or dropped whole: no narrower edit inside them
    for fn in root.children():
        if fn.kind() == "function_declaration" and _text(fn.field("name")) in HELPERS:
            new = HELPERS[_text(fn.field("name"))]
            whole.append(_drop_lines(text, *span(fn)) if new is None else Edit(*span(fn), new))
    edits = _paging(text, root, span, query)
    edits += _status_spelling(root, span)
    edits += _triggered_by(text, root, span)
    edits += _fields(root, span)
    for imp in root.children():
        if imp.kind() == "import_statement" and _text(imp.field("source")).strip("\"'") == "@shared/jobs":
            for spec in imp.find_all(kind="import_specifier"):
                if _text(spec.field("name")) == "JobRecord":
                    edits.append(Edit(*span(spec.field("name")), "RunResource"))
    dropped = span(query.field("type_arguments"))
    for ident in root.find_all(kind="type_identifier", regex="^JobRecord$"):
        a, b = span(ident)
        if not dropped[0] <= a < dropped[1]:
            edits.append(Edit(a, b, "RunResource"))
    return Analysis(edits=whole + [e for e in edits if not any(w.start <= e.start < w.end for w in whole)])


def _paging(text, root, span, query) -> list[Edit]:
    """The infinite query: no job-era type argument, page numbers from 1, ``has_next``."""
    edits = [Edit(*span(query.field("type_arguments")), "")]
    args = query.field("arguments")
    for pair in args.find_all(kind="pair"):
        key, value = _text(pair.field("key")), pair.field("value")
        if key == "initialPageParam" and value.text() == "0":
            edits.append(Edit(*span(value), "1"))
        elif key == "limit" and value.text() == "JOBS_PAGE_SIZE":
            edits.append(Edit(*span(pair), "page: pageParam"))
        elif key == "offset" and value.text() == "pageParam":
            edits.append(Edit(*span(pair), "pageSize: RUNS_PAGE_SIZE"))
        elif key == "getNextPageParam" and value.kind() == "arrow_function":
            edits.append(Edit(*span(value), NEXT_PAGE))
    for call in root.find_all(kind="call_expression"):
        if call.text() == "pages.flat()":
            edits.append(Edit(*span(call), "pages.flatMap((page) => page.items)"))
    return edits


def _status_spelling(root, span) -> list[Edit]:
    edits = []
    for decl in root.find_all(kind="variable_declarator"):
        if _text(decl.field("name")) not in STATUS_MAPS or decl.field("value") is None:
            continue
        for pair in decl.field("value").find_all(kind="pair"):
            key, value = pair.field("key"), pair.field("value")
            if key.text() == "cancelled":
                edits.append(Edit(*span(key), "canceled"))
                if value.text() == '"Cancelled"':
                    edits.append(Edit(*span(value), '"Canceled"'))
    return edits


def _triggered_by(text, root, span) -> list[Edit]:
    """The column, its cell, its local and its CSV field and header."""
    edits = []
    for el in root.find_all(kind="jsx_element"):
        t = el.text()
        if (t.startswith("<th") and t.endswith(">Triggered by</th>")) or (
                t.startswith("<td") and t.endswith('>{triggeredBy ?? "—"}</td>')):
            edits.append(_drop_lines(text, *span(el), own_line=True))
    for decl in root.find_all(kind="lexical_declaration"):
        if decl.text() == "const triggeredBy = deriveTriggeredBy(job);":
            edits.append(_drop_lines(text, *span(decl), own_line=True))
    for arr in root.find_all(kind="array"):
        for el in arr.children():
            if el.text() in ('deriveTriggeredBy(job) ?? "—"', '"Triggered by"'):
                a, b = span(el)
                if text.startswith(",", b):
                    edits.append(_drop_lines(text, a, b + 1, own_line=True))
    return edits


def _fields(root, span) -> list[Edit]:
    """Job-era casts in the screen body read RunResource fields."""
    edits = []
    for expr in root.find_all(kind="jsx_expression"):
        if expr.text().startswith("{Array.isArray((job as { input_documents?: unknown[] }).input_documents)"):
            edits.append(Edit(*span(expr), SHEETS))
    for expr in root.find_all(kind="parenthesized_expression"):
        if expr.text() == "(job as { error_message?: string })":
            edits.append(Edit(*span(expr), "run"))
    return edits


def _text(node) -> str:
    return node.text() if node is not None else ""


def _drop_lines(text: str, a: int, b: int, own_line: bool = False) -> Edit:
    """The node's whole lines; a top-level node also takes the blank line after it when a blank
    line precedes it."""
    a = text.rfind("\n", 0, a) + 1
    nl = text.find("\n", b)
    b = len(text) if nl < 0 else nl + 1
    if not own_line and text.startswith("\n", b) and (a == 0 or text.endswith("\n\n", 0, a)):
        b += 1
    return Edit(a, b, "")
