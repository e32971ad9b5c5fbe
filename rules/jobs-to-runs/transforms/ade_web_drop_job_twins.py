"""ade_web_drop_job_twins

What it does: in ADE's web app, removes a ``job`` member of an interface, object type or object
literal when the same container already has its ``run`` twin (``job_id`` beside ``run_id``,
``jobId`` beside ``runId``, ``JobOutputListing`` beside ``RunOutputListing``), together with the
comment lines right above it. Works in TypeScript files and in the ``ts``/``tsx`` fences of Markdown.
Which members of which files is the table ``TWINS`` below; a member whose twin is absent is left
to the rename.
Why: renaming the job member would collide with the run member (a duplicate key; in a ``.d.ts``
two schemas would silently merge). The job member is obsolete once runs are the only execution
concept: the engine's telemetry envelope carries ``run_id`` only, documents' ``last_run`` has
``run_id``, and ``JobOutputFile``/``JobOutputListing`` have the same shape as the run schemas.
Example:
    readonly job_id: string;          (line removed)
    readonly run_id?: string | null;  (kept)
"""

from __future__ import annotations

import re

from runsmig.languages.typescript.offsets import NodeSpans as _Spans
from runsmig.findings import Analysis, Edit

WEB = "apps/ade-web/"
# file (path before renames) -> names of job members dropped when their run twin is present
TWINS: dict[str, tuple[str, ...]] = {
    WEB + "src/schema/adeTelemetry.ts": ("job_id",),
    WEB + "src/screens/Workspace/sections/ConfigBuilder/workbench/utils/__tests__/console.test.ts": ("job_id",),
    WEB + "src/generated-types/openapi.d.ts": ("job_id", "JobOutputFile", "JobOutputListing"),
    WEB + "docs/01-domain-model-and-naming.md": ("jobId",),
}
PATHS = ["/" + p for p in TWINS]

CONTAINERS = ("interface_body", "object_type", "object")
MEMBERS = {"property_signature", "pair", "method_signature", "shorthand_property_identifier"}
FENCE = re.compile(r"^([ \t]*)(```+|~~~+)[ \t]*(ts|typescript|tsx)\b[^\n]*\n", re.M)


def transform(ctx) -> Analysis:
    names = TWINS.get(ctx.rel, ())
    if not names:
        return Analysis()
    text = ctx.text
    edits: list[Edit] = []
    if ctx.rel.endswith(".md"):
        for m in FENCE.finditer(text):
            close = re.compile(r"^[ \t]*" + re.escape(m.group(2)) + r"[ \t]*$", re.M).search(text, m.end())
            end = close.start() if close else len(text)
            edits += _drop_twins(ctx, text, m.end(), end, "tsx" if m.group(3) == "tsx" else "typescript", names)
    else:
        edits += _drop_twins(ctx, text, 0, len(text), "tsx" if ctx.rel.endswith("x") else "typescript", names)
    return Analysis(edits=edits)


def _drop_twins(ctx, text: str, lo: int, hi: int, grammar: str, names) -> list[Edit]:
    from ast_grep_py import SgRoot

    chunk = text[lo:hi]
    span = _Spans(chunk)
    root = SgRoot(chunk, grammar).root()
    edits = []
    for box in root.find_all({"rule": {"any": [{"kind": k} for k in CONTAINERS]}}):
        members = [(m, _key(m)) for m in box.children() if m.kind() in MEMBERS]
        keys = {k for _, k in members if k}
        for i, (m, key) in enumerate(members):
            if key not in names or ctx.engine.rewrite(key) not in keys or ctx.engine.rewrite(key) == key:
                continue
            a, b = span(m)
            a = _leading_comments(m, span, chunk, a)
            a = chunk.rfind("\n", 0, a) + 1  # whole lines
            nl = chunk.find("\n", b)
            b = len(chunk) if nl < 0 else nl + 1
            before = chunk[chunk.rfind("\n", 0, span(m)[0]) + 1:span(m)[0]]
            after = chunk[span(m)[1]:b].strip(" \t\r\n,;")
            if before.strip() or (after and not after.startswith("//")):
                continue  # not alone on its lines: leave it to the rename (and its conflict report)
            edits.append(Edit(lo + a, lo + b, ""))
    return edits


def _key(member) -> str | None:
    if member.kind() == "shorthand_property_identifier":
        return member.text()
    for c in member.children():
        if c.is_named() and c.kind() in ("property_identifier", "string", "identifier", "type_identifier"):
            return c.text().strip("\"'")
        if c.is_named() and c.kind() not in ("accessibility_modifier", "override_modifier", "decorator"):
            return None
    return None


def _leading_comments(member, span, chunk: str, start: int) -> int:
    """Start of the comments directly above the member (each on its own lines)."""
    prev = member.prev()
    while prev is not None and prev.kind() == "comment":
        pa, pb = span(prev)
        if chunk[pb:start].count("\n") != 1 or chunk[chunk.rfind("\n", 0, pa) + 1:pa].strip():
            break
        start = pa
        prev = prev.prev()
    return start
