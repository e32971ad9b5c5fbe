"""ade_web_openapi_json

What it does: in ADE's generated ``openapi.json``, removes a ``job`` key whose ``run`` twin is in the
same object: the schemas ``JobOutputFile``/``JobOutputListing`` (beside ``RunOutputFile``/
``RunOutputListing``, the same shape) and the ``job_id`` property of ``DocumentLastRun`` (beside
``run_id``; it is optional, so no ``required`` list names it). Which keys is ``TWINS``.
Why: the structural rename of a generated file would give duplicate keys (two schemas, two
properties) that only a regeneration could merge; the backend drops these job fields with the jobs
feature, so the file is written as ``ade openapi-types`` would write it for them. The ``$ref``s to
the job schemas are renamed to the run twins by the term rewrite.
It also removes the workspace-scoped per-job routes (``ROUTES``: ``/workspaces/{workspace_id}/jobs/{job_id}``
and its ``artifact``, ``logs``, ``outputs`` routes) where ``/api/v1/runs/{run_id}`` exists: the backend
has no such run routes, and the web app reads runs by id from ``/api/v1/runs/{run_id}/…``; and the
submit method (``post``) of the workspace list route with its ``JobSubmissionRequest`` schema: the web
app submits with ``POST /api/v1/configs/{config_id}/runs``. The list stays (renamed): it is the
backend's ``GET /workspaces/{workspace_id}/runs``.
Example: ``"JobOutputFile": {...},`` beside ``"RunOutputFile": {...}`` -> (removed).
"""

from __future__ import annotations

import json

from runsmig.findings import Analysis, Edit
from runsmig.languages.config.tokens import tokenize

TWINS: dict[str, tuple[str, ...]] = {
    "apps/ade-api/src/ade_api/openapi.json": ("job_id", "JobOutputFile", "JobOutputListing"),
}
# routes the code no longer calls once the Documents screen reads runs by id (ade_web_documents_run_reads):
# dropped where the global run route is there; the workspace list/submit routes stay (renamed)
RUN_ROUTE = "/api/v1/runs/{run_id}"
ROUTES = tuple("/api/v1/workspaces/{workspace_id}/jobs/{job_id}" + tail
               for tail in ("", "/artifact", "/logs", "/outputs", "/outputs/{output_path}"))
SUBMIT_OP = '"operationId": "submit_job_endpoint_api_v1_workspaces__workspace_id__jobs_post"'
SUBMIT_SCHEMA = "JobSubmissionRequest"
PATHS = ["/" + p for p in TWINS]


def transform(ctx) -> Analysis:
    names = TWINS.get(ctx.rel, ())
    text = ctx.text
    toks = tokenize(text)
    edits: list[Edit] = []
    global_route = f'"{RUN_ROUTE}":' in text
    for members in _objects(text, toks):
        keys = {k for k, *_ in members}
        drop = {k for k in keys if k in names and ctx.engine.rewrite(k) != k and ctx.engine.rewrite(k) in keys}
        if RUN_ROUTE in keys:
            drop |= keys & set(ROUTES)
        if global_route and SUBMIT_OP in text:
            drop |= {k for k, kstart, vend, _ in members if k == "post" and SUBMIT_OP in text[kstart:vend]}
            drop |= keys & {SUBMIT_SCHEMA}
        if not drop:
            continue
        for i, (key, kstart, vend, comma) in enumerate(members):
            if key not in drop:
                continue
            if comma is not None:  # the key's whole lines, with the comma after its value
                nl = text.find("\n", comma)
                edits.append(Edit(text.rfind("\n", 0, kstart) + 1, len(text) if nl < 0 else nl + 1, ""))
            else:  # the last member: from the comma after the last member kept
                kept = [m for m in members[:i] if m[0] not in drop]
                if kept:
                    edits.append(Edit(kept[-1][3], vend, ""))
    return Analysis(edits=edits)


def _objects(text: str, toks):
    """Every JSON object as a list of (key, key start, value end, offset of the comma after it or None)."""
    out = []
    stack: list[list] = []
    key = None
    for i, t in enumerate(toks):
        c = text[t.start] if t.type == "punct" else ""
        if t.type == "comment":
            continue
        if c == "{" or c == "[":
            stack.append([c, [], None])  # kind, members, pending key
            if key is not None:
                stack[-2][2] = key
                key = None
            continue
        if c == "}" or c == "]":
            kind, members, _ = stack.pop()
            if kind == "{":
                out.append(members)
            if stack and stack[-1][0] == "{" and stack[-1][2] is not None:
                k, kstart = stack[-1][2]
                stack[-1][1].append([k, kstart, t.end, None])
                stack[-1][2] = None
            continue
        if c == ",":
            if stack and stack[-1][0] == "{" and stack[-1][1] and stack[-1][1][-1][3] is None:
                stack[-1][1][-1][3] = t.start
            continue
        if c == ":":
            continue
        if t.type == "string" and stack and stack[-1][0] == "{" and i + 1 < len(toks) and text[toks[i + 1].start] == ":":
            key = (json.loads(text[t.start:t.end]), t.start)
            continue
        if key is not None:  # a scalar value
            stack[-1][1].append([key[0], key[1], t.end, None])
            key = None
    return out

