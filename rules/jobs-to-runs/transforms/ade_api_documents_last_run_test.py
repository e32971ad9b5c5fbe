"""ade_api_documents_last_run_test

What it does: in ADE's ``tests/integration/documents/test_service_filters.py``, the last-run test
seeds a ``Run`` (linked by ``input_document_id``) instead of a ``Job`` (linked through its
``input_documents`` list), and its configuration helper returns the configuration's primary key
too, which ``runs.configuration_id`` references.
Why: the ``jobs`` table and model are gone; a rename would build a ``Run`` with job-only columns
(``attempt``, ``input_documents``, ``completed_at``, ...) that the runs model lacks.
Example: ``job = Job(..., input_documents=[{"document_id": processed.id, ...}], completed_at=...)``
-> ``run = Run(id=..., configuration_id=..., input_document_id=processed.id, finished_at=...)``;
``last_run.run_at == job.completed_at`` -> ``last_run.run_at == run.finished_at``.
No-op when the test builds no ``Job``.
"""

import re

import libcst as cst

from runsmig.findings import Analysis, Edit
from runsmig.languages.python.spans import CstSpans

PATHS = ["apps/ade-api/tests/integration/documents/test_service_filters.py"]

HELPER = '''\
async def _ensure_configuration(session, workspace_id: str) -> tuple[str, str]:
    """Create a minimal configuration row to satisfy run foreign keys.

    Returns ``(configuration.id, configuration.config_id)``.
    """

    configuration = Configuration(
        workspace_id=workspace_id,
        display_name="Test Config",
        status=ConfigurationStatus.ACTIVE,
        config_version=1,
    )
    session.add(configuration)
    await session.flush()

    return configuration.id, configuration.config_id
'''

SEED = '''\
run = Run(
{i}    id=f"run_{{uuid4().hex}}",
{i}    configuration_id=configuration_id,
{i}    workspace_id=str(workspace.id),
{i}    config_id=config_id,
{i}    status=RunStatus.FAILED,
{i}    input_document_id=processed.id,
{i}    created_at=now - timedelta(minutes=10),
{i}    started_at=now - timedelta(minutes=5),
{i}    finished_at=now - timedelta(minutes=1),
{i}    error_message="Request failed with status 404",
{i})'''

CONFIG = "configuration_id, config_id = await _ensure_configuration(session, str(workspace.id))"

ASSERT_MAP = [
    (r"\blast_run\.job_id\b", "last_run.run_id"),
    (r"\bjob\.completed_at\b", "run.finished_at"),
    (r"\bjob\.id\b", "run.id"),
    (r"\bJobStatus\b", "RunStatus"),
]


def _calls_job(stmt) -> bool:
    """``<name> = Job(...)``"""
    if not (isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Assign)):
        return False
    value = stmt.body[0].value
    return isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "Job"


def transform(ctx):
    t = CstSpans(ctx)
    module = t.module
    funcs = {n.name.value: n for n in module.body if isinstance(n, cst.FunctionDef)}
    helper = funcs.get("_ensure_config_version")
    if helper is None or "uuid4" not in module.code:
        return Analysis()
    edits = []
    for fn in funcs.values():
        if not isinstance(fn.body, cst.IndentedBlock):
            continue
        for outer in fn.body.body:
            # the test body sits inside ``async with session_factory() as session:``
            inner = outer.body.body if isinstance(outer, cst.With) and isinstance(outer.body, cst.IndentedBlock) else [outer]
            if not any(_calls_job(s) for s in inner):
                continue
            for stmt in inner:
                if not isinstance(stmt, cst.SimpleStatementLine):
                    continue
                small = stmt.body[0]
                code = cst.Module(body=[]).code_for_node(small)
                if _calls_job(stmt):
                    indent = " " * t.pos[small].start.column
                    edits.append(Edit(*t.span(small), SEED.format(i=indent)))
                elif "_ensure_config_version(" in code and isinstance(small, cst.Assign):
                    edits.append(Edit(*t.span(small), CONFIG))
                elif isinstance(small, cst.Assert) and re.search(r"\bjob\b|Job", code):
                    new = code
                    for pat, rep in ASSERT_MAP:
                        new = re.sub(pat, rep, new)
                    if not re.search(r"job", new, re.I):
                        edits.append(Edit(*t.span(small), new))
    if not edits:
        return Analysis()
    edits.append(Edit(t.line_start(helper), t.next_line(helper), HELPER))
    return Analysis(edits=edits)
