"""ade_web_openapi_types_routes

What it does: in ADE's generated ``openapi.d.ts``, removes the workspace-scoped per-job routes
(``ROUTES``: ``/workspaces/{workspace_id}/jobs/{job_id}`` and its ``artifact``, ``logs``, ``outputs``
routes) from ``type paths``, and their operations from ``interface operations``, where the
global ``/api/v1/runs/{run_id}`` route is there; the workspace list route loses its submit method
(``post?: never``), its operation and ``JobSubmissionRequest``. The list itself stays (renamed): it is
the backend's ``GET /workspaces/{workspace_id}/runs``.
Why: the backend has no workspace-scoped run routes by id; the web app reads a run, its outputs,
artifact and logs from ``/api/v1/runs/{run_id}/…`` (see ade_web_documents_run_reads). A rename would
keep types for routes no backend serves. ``openapi.json`` gets the same cut (ade_web_openapi_json).
Example: ``"/api/v1/workspaces/{workspace_id}/jobs/{job_id}/logs": {...};`` -> (removed), and so is
``download_job_logs_api_v1_workspaces__workspace_id__jobs__job_id__logs_get: {...};``.
"""

from __future__ import annotations

import re

from runsmig.languages.typescript.offsets import NodeSpans as _Spans
from runsmig.findings import Analysis, Edit

DTS = "apps/ade-web/src/generated-types/openapi.d.ts"
PATHS = ["/" + DTS]
RUN_ROUTE = "/api/v1/runs/{run_id}"
ROUTES = tuple("/api/v1/workspaces/{workspace_id}/jobs/{job_id}" + tail
               for tail in ("", "/artifact", "/logs", "/outputs", "/outputs/{output_path}"))
# the workspace submit route goes too (the web app submits with POST /api/v1/configs/{config_id}/runs)
SUBMIT_OP = "submit_job_endpoint_api_v1_workspaces__workspace_id__jobs_post"
SUBMIT_SCHEMA = "JobSubmissionRequest"
OPERATION = re.compile(r'operations\["(\w+)"\]')


def transform(ctx) -> Analysis:
    from ast_grep_py import SgRoot

    text = ctx.text
    span = _Spans(text)
    root = SgRoot(text, "typescript").root()
    bodies = {}
    for decl in root.find_all({"rule": {"any": [{"kind": "interface_declaration"}, {"kind": "type_alias_declaration"}]}}):
        name = decl.field("name")
        body = decl.field("body") or decl.field("value")  # interface X {...} / type X = {...}
        if name is not None and body is not None and name.text() in ("paths", "operations"):
            bodies[name.text()] = body
    if "paths" not in bodies:
        return Analysis()
    members = {_key(m): m for m in bodies["paths"].children() if m.kind() == "property_signature"}
    if RUN_ROUTE not in members:
        return Analysis()
    edits, operations = [], set()
    for route in ROUTES:
        m = members.get(route)
        if m is not None:
            operations.update(OPERATION.findall(m.text()))
            edits.append(_drop(text, span, m))
    for m in members.values():  # the submit method of the workspace list route: 'post?: never'
        for method in m.find_all(kind="property_signature"):
            if _key(method) == "post" and f'operations["{SUBMIT_OP}"]' in method.text():
                operations.add(SUBMIT_OP)
                a = _drop(text, span, method).start
                indent = text[text.rfind("\n", 0, span(method)[0]) + 1:span(method)[0]]
                edits.append(Edit(a, span(method)[1], indent + "post?: never"))
                for schema in root.find_all(kind="property_signature"):
                    if _key(schema) == SUBMIT_SCHEMA:
                        edits.append(_drop(text, span, schema))
    if "operations" in bodies:
        for m in bodies["operations"].children():
            if m.kind() == "property_signature" and _key(m) in operations:
                edits.append(_drop(text, span, m))
    return Analysis(edits=edits)


def _key(member) -> str | None:
    name = member.field("name")
    return name.text().strip("\"'") if name is not None else None


def _drop(text: str, span, member) -> Edit:
    """The member's whole lines, with the comments right above it and the ';' after it."""
    a, b = span(member)
    prev = member.prev()
    while prev is not None and prev.kind() == "comment":
        pa, pb = span(prev)
        if text[pb:a].count("\n") != 1:
            break
        a = pa
        prev = prev.prev()
    a = text.rfind("\n", 0, a) + 1
    nl = text.find("\n", b)
    return Edit(a, len(text) if nl < 0 else nl + 1, "")
