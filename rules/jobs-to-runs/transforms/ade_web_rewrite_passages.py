"""ade_web_rewrite_passages

What it does: rewrites the passages of ADE's web docs and generated API descriptions that contrast
"job" with "run" (``PASSAGES``: file -> whole lines as they are, and as they read after the
migration). A passage is rewritten only where it occurs exactly once outside fenced code blocks
(a passage of whole lines: at a line start); anything else is left to the term rewrite.
Why: with one execution concept the contrast is gone, and a term rename makes it nonsense
("Avoid subtle “run vs run”-style inconsistencies", "`runId` — often the same value as `runId`",
"the latest run or run event", ``snapshot.run_run(...)``).
The API docs' notes that workspace runs still live under the legacy ``/jobs`` path go too, and so
do the workspace jobs endpoints they list (submit, detail, artifact, outputs, logs), which the
migration removes: runs are started on ``/configs/{config_id}/runs`` and read under ``/runs/{run_id}``,
only the listing is workspace-scoped. After the migration the legacy path would read ``/runs`` ("routes that currently use `/runs`", "`/runs/{run_id}` or
`/runs/{run_id}`"), and the artifact doc they name is the engine's ``06-artifact-json.md``.
Example: ``3. Avoid subtle “job vs run”-style inconsistencies.`` ->
``3. Use one name per concept: an execution is a **run** in the UI, the API, code and storage.``
"""

from __future__ import annotations

import re

from runsmig.findings import Analysis, Edit

DOMAIN_DOC = "apps/ade-web/docs/01-domain-model-and-naming.md"
LAST_RUN_AT = ("Timestamp for the latest job or run event (completion/start).",
               "Timestamp for the latest run event (completion/start).")

DATA_DOC = "apps/ade-web/docs/04-data-layer-and-backend-contracts.md"
RUNS_DOC = "apps/ade-web/docs/07-documents-jobs-and-runs.md"  # renamed to 07-documents-and-runs.md
LEDGER = "`/workspaces/{workspace_id}/runs`"

WORKBENCH = "apps/ade-web/src/screens/Workspace/sections/ConfigBuilder/workbench/"
SNAPSHOT_RUN = ('    result = snapshot.run_job("membership", input_path="./fixtures/membership.csv")\n',
                '    result = snapshot.run("membership", input_path="./fixtures/membership.csv")\n')

PASSAGES: dict[str, list[tuple[str, str]]] = {
    DOMAIN_DOC: [
        ("3. Avoid subtle “job vs run”-style inconsistencies.\n",
         "3. Use one name per concept: an execution is a **run** in the UI, the API, code and storage.\n"),
        ("| Run (job)      | Run             | `Run`                      | `runId` (UI), `jobId` (engine) | `jobs/<job_id>/…`                           |\n",
         "| Run            | Run             | `Run`                      | `runId`                        | `runs/<run_id>/…`                           |\n"),
        ("| Artifact       | Artifact        | `Artifact` / `JobArtifact` | `jobId` / `runId`              | `jobs/<job_id>/logs/artifact.json`          |\n",
         "| Artifact       | Artifact        | `Artifact` / `RunArtifact` | `runId`                        | `runs/<run_id>/logs/artifact.json`          |\n"),
        ("### 3.5 Run (job)\n", "### 3.5 Run\n"),
        ("* The engine/backend call this concept a **job**; the filesystem layout exposes `jobs/<job_id>/input`, `output`, `logs/…`. \n",
         "* The engine and the backend call it a **run** too; the filesystem layout exposes `runs/<run_id>/input`, `output`, `logs/…`.\n"),
        ("  * It’s acceptable to use `jobId` to match the engine/job schema.\n"
         "  * But the overall type should still be `Run` in the frontend.\n",
         "  * Its identifier is `runId`, the API's `run_id`.\n"
         "  * The overall type is `Run` in the frontend.\n"),
        ("  * `runId` (frontend field name) — often the same value as `jobId`\n"
         "  * `jobId` (backend/engine naming)\n",
         "  * `runId` (frontend field name for the API's `run_id`)\n"),
        ("  * `jobId` / `runId`\n", "  * `runId`\n"),
        ("   * Use **Run** instead of **Job** in UI.\n", "   * Use **Run** for every execution shown in the UI.\n"),
        ("     * `workspaceId`, `configId`, `jobId` / `runId`.\n", "     * `workspaceId`, `configId`, `runId`.\n"),
        ("  * If you need the raw engine ID: add `jobId` instead of overloading `runId`.\n", ""),
        ("   * Web sends a `jobId`‑centric request to the API.\n"
         "   * UI shows a **Run** in the run list with `runId` (alias for `jobId`).\n",
         "   * Web asks the API to start a run (`POST /configs/{config_id}/runs`).\n"
         "   * UI shows the **Run** in the run list with its `runId`.\n"),
        ("* Fields typically follow the artifact schema (see `docs/14-job_artifact_json.md` in the backend docs). \n",
         "* Fields typically follow the artifact schema (see `apps/ade-engine/docs/06-artifact-json.md`).\n"),
    ],
    # '/jobs' was the legacy path of workspace runs; after the migration it is '/runs' itself
    DATA_DOC: [
        ("All terminology here uses **run** as the primary execution unit. Backend routes that currently use `/jobs` "
         "are treated as “workspace run ledger” endpoints.\n",
         f"All terminology here uses **run** as the primary execution unit. The workspace routes under {LEDGER} "
         "are the “workspace run ledger” endpoints.\n"),
        ("* Workspace‑scoped ledger endpoints, currently under `/jobs` in the API.\n",
         f"* Workspace‑scoped ledger endpoints, under {LEDGER}.\n"),
        ("**Key routes: workspace run ledger (under `/jobs`)**\n", f"**Key routes: workspace run ledger (under {LEDGER})**\n"),
        ("* `GET  /api/v1/workspaces/{workspace_id}/jobs` – list runs for workspace.\n"
         + "".join(f"* `{verb} /api/v1/workspaces/{{workspace_id}}/jobs{tail}` – {what}.\n" for verb, tail, what in (
             ("POST", "", "submit new run"), ("GET ", "/{job_id}", "read run summary"),
             ("GET ", "/{job_id}/artifact", "download artifact"), ("GET ", "/{job_id}/logs", "download logs file"),
             ("GET ", "/{job_id}/outputs", "list outputs"), ("GET ", "/{job_id}/outputs/{output_path}", "download output"),
         )),
         "* `GET  /api/v1/workspaces/{workspace_id}/runs` – list runs for workspace (paged; `status`, `input_document_id`).\n"
         "* Submitting a run and reading one go through the config‑scoped and global endpoints below.\n"),
    ],
    RUNS_DOC: [
        ("> Some backend endpoints still use `/jobs` in their path; treat those as *run APIs* with legacy naming.\n",
         f"> The backend uses the same word: the workspace run ledger is {LEDGER}, a single run is `/runs/{{run_id}}`.\n"),
        ("* The **Runs** ledger – workspace‑wide history (`/workspaces/:workspaceId/runs`, API currently `/jobs`).\n",
         f"* The **Runs** ledger – workspace‑wide history (`/workspaces/:workspaceId/runs`, API {LEDGER}).\n"),
        ("**Route:** `/workspaces/:workspaceId/runs` (UI; underlying backend routes currently use `/jobs`)\n",
         f"**Route:** `/workspaces/:workspaceId/runs` (UI; backend routes under {LEDGER})\n"),
        ("* `useRunQuery(workspaceId, runId)` → `GET /jobs/{job_id}` or `/runs/{run_id}`.\n",
         "* `useRunQuery(workspaceId, runId)` → `GET /runs/{run_id}`.\n"),
        ("* `useRunOutputsQuery(workspaceId, runId)` → `/jobs/{job_id}/outputs` or `/runs/{run_id}/outputs`.\n",
         "* `useRunOutputsQuery(workspaceId, runId)` → `/runs/{run_id}/outputs`.\n"),
        ("  * Connects to `/jobs/{job_id}/logs` or `/runs/{run_id}/logs`.\n", "  * Connects to `/runs/{run_id}/logs`.\n"),
        # the workspace jobs API goes: Documents start runs on the config, read them under /runs
        ("   * ADE Web calls `POST /api/v1/workspaces/{workspace_id}/jobs` (legacy path for workspace runs).\n"
         "   * Payload includes:\n\n"
         "     * `input_document_ids: [documentId]`\n",
         "   * ADE Web calls `POST /api/v1/configs/{config_id}/runs` for the selected configuration.\n"
         "   * The payload's `options` include:\n\n"
         "     * `input_document_id: documentId`\n"),
        ("     * Selected configuration/version identifiers.\n", ""),
        ("*Backend naming currently uses `/jobs`; conceptually these are runs.*\n\n"
         "* `GET /api/v1/workspaces/{workspace_id}/jobs`\n"
         "  List runs for the workspace (filters by status, configuration, initiator, date).\n\n"
         + "".join(f"* `{verb} /api/v1/workspaces/{{workspace_id}}/jobs{tail}`\n  {what}\n\n" for verb, tail, what in (
             ("POST", "", "Start a new workspace run (used by Documents / Runs)."),
             ("GET", "/{job_id}", "Run detail."),
             ("GET", "/{job_id}/artifact", "Download combined outputs."),
             ("GET", "/{job_id}/outputs", "List individual output files."),
             ("GET", "/{job_id}/outputs/{output_path}", "Download a single output."),
         )) + "* `GET /api/v1/workspaces/{workspace_id}/jobs/{job_id}/logs`\n"
         "  Run logs (ideally NDJSON stream, but can be a file).\n",
         "* `GET /api/v1/workspaces/{workspace_id}/runs`\n"
         "  List runs for the workspace (paged; filters by status and input document).\n\n"
         "Documents and Runs start and read single runs through the config‑scoped and global endpoints (9.3).\n"),
    ],
    "apps/ade-web/docs/08-configurations-and-config-builder.md": [
        ("   `07-documents-and-runs.md`), which may still be backed by `/jobs` endpoints\n   server‑side.\n",
         f"   `07-documents-and-runs.md`), backed by the {LEDGER} endpoints\n   server‑side.\n"),
    ],
    # seed content of a config test ('run_job' would read 'run_run')
    WORKBENCH + "defaultConfig.ts": [SNAPSHOT_RUN],
    WORKBENCH + "seed/stubWorkbenchData.ts": [SNAPSHOT_RUN],
    "apps/ade-web/src/generated-types/openapi.d.ts": [LAST_RUN_AT],
    "apps/ade-api/src/ade_api/openapi.json": [LAST_RUN_AT],
}
PATHS = ["/" + p for p in PASSAGES]

FENCE = re.compile(r"^[ \t]*(```|~~~)", re.M)


def transform(ctx) -> Analysis:
    text = ctx.text
    fenced = _fenced(text) if ctx.rel.endswith(".md") else []
    edits = []
    for old, new in PASSAGES.get(ctx.rel, ()):
        found = [m.start() for m in re.finditer(re.escape(old), text)
                 if (m.start() == 0 or text[m.start() - 1] == "\n" or not old.endswith("\n"))
                 and not any(x <= m.start() < y for x, y in fenced)]
        if len(found) != 1:
            continue
        a = found[0]
        edits.append(Edit(a, a + len(old), new))
    return Analysis(edits=edits)


def _fenced(text: str) -> list[tuple[int, int]]:
    """Spans of fenced code blocks (opening fence to closing fence)."""
    marks = [m.start() for m in FENCE.finditer(text)]
    return [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]
