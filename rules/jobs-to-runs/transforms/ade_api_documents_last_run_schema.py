"""ade_api_documents_last_run_schema

What it does: in ADE's ``features/documents/schemas.py``, ``DocumentLastRun`` loses its ``job_id``
field (it already has ``run_id``), and the descriptions of ``run_id`` and ``run_at`` that told a
job from a directly streamed run describe the one run.
Why: a document's last run comes from runs only; renaming ``job_id`` would collide with
``run_id``, and the term map alone would make "the latest job or run event" read "run or run".
Example: ``job_id: ULIDStr | None = Field(default=None, description="Latest job ULID ...")`` inside
``class DocumentLastRun`` -> (removed). No-op when the class has no ``job_id`` beside ``run_id``.
"""

import libcst as cst

from runsmig.findings import Analysis, Edit
from runsmig.languages.python.spans import CstSpans

PATHS = ["apps/ade-api/src/ade_api/features/documents/schemas.py"]

DESCRIPTIONS = {
    "run_id": '"Identifier of the latest run of the document."',
    "run_at": '"When the latest run finished, else started, else was created."',
}


def _field(stmt):
    if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.AnnAssign):
        target = stmt.body[0].target
        if isinstance(target, cst.Name):
            return target.value
    return None


def transform(ctx):
    t = CstSpans(ctx)
    cls = next((n for n in t.module.body if isinstance(n, cst.ClassDef) and n.name.value == "DocumentLastRun"), None)
    if cls is None or not isinstance(cls.body, cst.IndentedBlock):
        return Analysis()
    fields = {_field(s): s for s in cls.body.body if _field(s)}
    if "job_id" not in fields or "run_id" not in fields:
        return Analysis()
    edits = []
    edits.append(Edit(t.line_start(fields["job_id"]), t.next_line(fields["job_id"]), ""))
    for name, text in DESCRIPTIONS.items():
        stmt = fields.get(name)
        value = stmt.body[0].value if stmt is not None else None
        if not isinstance(value, cst.Call):
            continue
        for arg in value.args:
            if arg.keyword is not None and arg.keyword.value == "description":
                edits.append(Edit(*t.span(arg.value), text))
    return Analysis(edits=edits)
