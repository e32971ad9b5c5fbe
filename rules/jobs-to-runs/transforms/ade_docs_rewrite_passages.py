"""ade_docs_rewrite_passages

What it does: rewrites the passages of ADE's engine, developer and reference docs, and of the
web docs bundle, that a term rename turns into nonsense or into dead links (``PASSAGES``: file ->
whole lines as they are, and as they read after the migration). A passage is rewritten only where
it occurs exactly once outside fenced code (a fence whose info string is ``markdown``/``md`` quotes
a Markdown file in a bundle: it counts as prose); anything else is left to the term rewrite.
Why: these passages contrast the backend "job" with the engine "run" ("associate one backend run
with one or many runs", "No first‑class run concept", "`Run` vs `Run`", "`runsApi`, `runsApi`"),
name the old doc file names ("07-documents-runs-and-runs"), or link docs that never existed under a
job name whose right target exists now (``./02-job-orchestration.md`` is the engine's integration
doc, ``./14-job_artifact_json.md`` the engine's artifact doc, ``jobs/processor.py`` the runs
service and runner), document the workspace jobs API this migration removes as the runs API (``api-guide.md``), or
audit the jobs placeholder it removes as if runs were one
("Single `RunPlaceholder(BaseModel)` ... Needs real DTO or removal"). Labels of the Mermaid diagrams (``FENCED``: inside fenced code) read
"Step 3: Run run A" after the term map.
Example: ``* **Jobs & runs (`jobsApi`, `runsApi`)**`` -> ``* **Runs (`runsApi`)**``
"""

from __future__ import annotations

import re

from runsmig.findings import Analysis, Edit

ENGINE = "apps/ade-engine/"
BUNDLE = "apps/ade-web/ade-web-docs-bundle.md"
RUNS_FEATURE = "apps/ade-api/src/ade_api/features/runs"

PASSAGES: dict[str, list[tuple[str, str]]] = {
    ENGINE + "README.md": [
        ("It is a pure “source files → normalized workbook + logs” component. The backend may choose to "
         "associate one backend job with one or many runs; that mapping stays outside the engine.\n",
         "It is a pure “source files → normalized workbook + logs” component. What the backend records "
         "about a run (its ID, status, history) stays outside the engine.\n"),
        ("(often in a per‑run logs folder living under a backend job directory),\n"
         "the ADE API can safely run many runs in parallel across backend jobs without the engine\n",
         "(often in a per‑run logs folder living under the backend's run directory),\n"
         "the ADE API can safely execute many runs in parallel without the engine\n"),
        ("The engine has **no idea** that a backend “job” exists; it only sees file paths and metadata.\n",
         "The engine has **no idea** what the backend records about a run; it only sees file paths and metadata.\n"),
    ],
    ENGINE + "docs/06-artifact-json.md": [
        ("  No first‑class job concept. Backend correlation data (job IDs, config IDs, workspace IDs) "
         "lives in telemetry, not in `artifact.json`.\n",
         "  No backend run records. Backend correlation data (run IDs, config IDs, workspace IDs) "
         "lives in telemetry, not in `artifact.json`.\n"),
    ],
    # an outline of the web docs, written when the UI said "job" and the engine "run"
    ENGINE + "docs/README copy.md": [
        ("  * `Job` vs `Run` (pick one canonical UI term, describe how it maps to `/jobs` and `/runs` endpoints).\n",
         "  * `Run` (the one term for an execution in the UI, the API and the engine; `/runs` endpoints).\n"),
        ("  * “In the UI and React code we say *Job*, we only use *Run* when referring directly to engine/`/runs` API.”\n",
         "  * “In the UI, the React code and the API we say *Run*.”\n"),
        ("  * Run/job logs (`/api/v1/runs/{run_id}/logs`, `/jobs/{job_id}/logs`).\n",
         "  * Run logs (`/api/v1/runs/{run_id}/logs`).\n"),
        ("## 08-documents-jobs-and-runs-ui-flows.md\n", "## 08-documents-and-runs-ui-flows.md\n"),
        ("**Goal:** Describe the core operational flows: uploading docs, running jobs, viewing history.\n",
         "**Goal:** Describe the core operational flows: uploading docs, starting runs, viewing history.\n"),
        ("* Relationship between “jobs” and “runs” in the UI vs backend:\n",
         "* How runs are presented in the UI and named in the backend:\n"),
    ],
    "docs/developers/README.md": [
        ("2. **[Job Orchestration](./02-job-orchestration.md)** — queue, workers, resource limits, atomic writes.\n",
         "2. **[Run Orchestration](../../apps/ade-engine/docs/09-cli-and-integration.md#6-integration-with-ade-backend)**"
         " — how the API runs the engine: venv, per‑run folders, worker command.\n"),
        ("3. **[Artifact Reference](./14-job_artifact_json.md)** — the per‑job audit trail (schema and examples).\n",
         "3. **[Artifact Reference](../../apps/ade-engine/docs/06-artifact-json.md)** — the per‑run audit trail "
         "(schema and examples).\n"),
    ],
    # a bundled copy of the docs index: the same two dead names, as code spans
    "docker-bundle.md": [
        ("* **Job Orchestration** — `docs/02-job-orchestration.md`\n",
         "* **Run Orchestration** — `apps/ade-engine/docs/09-cli-and-integration.md`\n"),
        ("* **Artifact Reference** — `docs/14-job_artifact_json.md`\n",
         "* **Artifact Reference** — `apps/ade-engine/docs/06-artifact-json.md`\n"),
    ],
    # the orchestration doc it names never existed; the engine's integration doc covers it
    "docs/developers/design-decisions/dd-0003-multi-pass-jobs.md": [
        ("- See: `../02-job-orchestration.md`\n",
         "- See: [Run Orchestration](../../../apps/ade-engine/docs/09-cli-and-integration.md#6-integration-with-ade-backend)\n"),
    ],
    # audits of the jobs placeholder (the feature this migration removes) read as if runs were one
    "docs/developers/workpackages/wp9-contract-audit.md": [
        ("Single `JobPlaceholder(BaseModel)` with `id: str`. Needs real DTO or removal.\n",
         "Resolved: the placeholder is gone; runs have real DTOs (`RunResource`, `RunPage`, `RunCreateRequest`).\n"),
    ],
    "docs/developers/workpackages/wp9-standardize_models_schemas.md": [
        ("* **Jobs**: `JobPlaceholder` → remove or formalize `JobOut` minimally. \n",
         "* **Runs**: resolved — the placeholder is gone; runs have real DTOs (`RunResource`).\n"),
        ("* Remove placeholder schemas/models or formalize a minimal `JobOut` and `Job` enum.\n",
         "* Resolved: the placeholder is gone; runs have real schemas (`RunResource`, `RunPage`).\n"),
    ],
    # the workspace jobs API it documents is removed: runs start on the config, are read under /runs
    "docs/reference/api-guide.md": [
        ("- `POST /workspaces/{workspace_id}/jobs` – start an extraction by referencing an existing `document_id` or by "
         "including a file upload in the request. Jobs run inline, so the API returns once processing completes or fails.\n"
         "- `GET /workspaces/{workspace_id}/jobs/{job_id}` – retrieve status (`pending`, `running`, `succeeded`, `failed`) "
         "and progress metrics.\n"
         "- `GET /workspaces/{workspace_id}/jobs` – list recent jobs, filterable by status, document, or submitter using "
         "query parameters.\n",
         "- `POST /configs/{config_id}/runs` – start a run of a configuration on an uploaded document "
         "(`options.input_document_id`). The API answers `201` with the queued run and executes it in the background; "
         "with `\"stream\": true` it streams the NDJSON events of the run until it completes or fails.\n"
         "- `GET /runs/{run_id}` – retrieve status (`queued`, `running`, `succeeded`, `failed`, `canceled`) and summary.\n"
         "- `GET /workspaces/{workspace_id}/runs` – list recent runs, filterable by status or input document using "
         "query parameters.\n"),
    ],
    "docs/reference/glossary.md": [
        ("An extraction request that consumes an input document and configuration revision. Job submission and "
         "monitoring routes are defined in [`apps/ade-api/src/ade_api/features/jobs`](../../apps/ade-api/src/ade_api/features/jobs). "
         "Execution happens inline through the pluggable processor contract exposed by "
         "[`apps/ade-api/src/ade_api/features/jobs/processor.py`](../../apps/ade-api/src/ade_api/features/jobs/processor.py).\n",
         "An extraction request that consumes an input document and configuration revision. Run submission and "
         f"monitoring routes are defined in [`{RUNS_FEATURE}`](../../{RUNS_FEATURE}). "
         f"Runs execute through [`{RUNS_FEATURE}/service.py`](../../{RUNS_FEATURE}/service.py), which starts the "
         f"engine in a subprocess with [`{RUNS_FEATURE}/runner.py`](../../{RUNS_FEATURE}/runner.py).\n"),
    ],
    BUNDLE: [
        ("# - apps/ade-web/docs/07-documents-jobs-and-runs.md - 07-documents-jobs-and-runs\n",
         "# - apps/ade-web/docs/07-documents-and-runs.md - 07-documents-and-runs\n"),
        ("* **Job** (the main term in the UI – “job” vs “run”).\n",
         "* **Run** (the one term for an execution in the UI and the API).\n"),
        ("  * Domain modules: `authApi.ts`, `workspacesApi.ts`, `documentsApi.ts`, `jobsApi.ts`, `configsApi.ts`, "
         "`buildsApi.ts`, `runsApi.ts`, `rolesApi.ts`, etc.\n",
         "  * Domain modules: `authApi.ts`, `workspacesApi.ts`, `documentsApi.ts`, `runsApi.ts`, `configsApi.ts`, "
         "`buildsApi.ts`, `rolesApi.ts`, etc.\n"),
        ("* **Jobs & runs (`jobsApi`, `runsApi`)**\n", "* **Runs (`runsApi`)**\n"),
        ("  * Job logs: `/runs/{run_id}/logs`, `/jobs/{job_id}/logs` (depending on which you use).\n",
         "  * Run logs: `/runs/{run_id}/logs`.\n"),
        ("# apps/ade-web/docs/07-documents-jobs-and-runs.md\n", "# apps/ade-web/docs/07-documents-and-runs.md\n"),
        ("# 07-documents-jobs-and-runs\n", "# 07-documents-and-runs\n"),
        ("**Purpose:** All operator workflows: working with documents, jobs, and runs.\n",
         "**Purpose:** All operator workflows: working with documents and runs.\n"),
        ("* How “job” vs “run” are presented:\n\n  * If the UI only exposes jobs, say so.\n",
         "* How runs are presented:\n\n"),
    ],
}
# The web bundle quotes whole Markdown files in fences, nested in ways CommonMark closes early
# (a quoted passage may fall inside what reads as code): its passages apply wherever they are.
ANYWHERE = {BUNDLE}

# Passages inside fenced code: labels of Mermaid diagrams, which are prose ("Step 3: Run run A").
MERMAID = "    S2 -->|reuse frozen venv| J{n}[\"Step 3: {verb} {x}\"]\n"
FENCED: dict[str, list[tuple[str, str]]] = {
    "docs/developers/README.md": [
        (MERMAID.format(n=n, verb="Run", x="job " + x), MERMAID.format(n=n, verb="Execute", x="run " + x))
        for n, x in ((1, "A"), (2, "B"), (3, "C"))
    ],
    "docs/developers/02-build-venv.md": [
        ('  F --> G["Prune old build folders with no running jobs"]\n',
         '  F --> G["Prune old build folders with no active runs"]\n'),
    ],
}
# Seed code of a config test quoted in a bundle (as in defaultConfig.ts): 'run_job' reads 'run_run'.
SNAPSHOT = '    result = snapshot.{}("membership", input_path="./fixtures/membership.csv")\n'
FENCED["apps/ade-web/bundle-config-builder-logic.md"] = [(SNAPSHOT.format("run_job"), SNAPSHOT.format("run"))]
# Phrases inside a line (each occurs once in its file): a plan's function that never existed,
# 'run_job' -> 'run_run', and an audit of the frontend that still called the jobs endpoints legacy.
INLINE: dict[str, list[tuple[str, str]]] = {
    "docs/developers/workpackages/wp11-ade-engine-implementation-plan.md": [
        ("`run_job(job_id, *, jobs_dir,", "`execute_run(run_id, *, runs_dir,"),
        ("`worker.run_job`", "`worker.execute_run`"),
        ("(or calling `run_job` directly) so platform runs drive actual jobs",
         "(or calling `execute_run` directly) so platform runs drive the engine"),
    ],
    ENGINE + "workpackages/wp-implement-ade-engine.md": [
        ("to consume `RunsService` run stream frames directly", "to consume its run stream frames directly"),
    ],
    "docs/developers/workpackages/wp9-standardize_models_schemas.md": [
        ("system settings, (jobs: remove or formalize).", "system settings, runs."),
        ("builds, health, jobs placeholder.", "builds, health, runs."),
    ],
    "docs/reference/runs_frontend_integration.md": [
        ('The documents screen already references "runs" in copy and state but still\n'
         "relies on the legacy jobs endpoints. Key touchpoints:\n",
         'The documents screen references "runs" in copy, state and endpoints. Key\ntouchpoints:\n'),
        ("  - `useDocumentJobsQuery` (search for `jobsQuery`) polls the jobs router\n",
         "  - The run history query (search for `runsQuery`) polls the runs router\n"),
    ],
}
PATHS = ["/" + p for p in sorted(set(PASSAGES) | set(FENCED) | set(INLINE))]

FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)[^\n]*$", re.M)


def transform(ctx) -> Analysis:
    text = ctx.text
    code = _code_spans(text)
    edits = []
    for table, in_code in ((PASSAGES, False), (FENCED, True)):
        for old, new in table.get(ctx.rel, ()):
            found = [m.start() for m in re.finditer(re.escape(old), text)
                     if (m.start() == 0 or text[m.start() - 1] == "\n")
                     and (ctx.rel in ANYWHERE or any(a <= m.start() < b for a, b in code) == in_code)]
            if len(found) == 1 or (in_code and found):  # quoted code: every copy
                edits += [Edit(a, a + len(old), new) for a in found]
    for old, new in INLINE.get(ctx.rel, ()):
        found = [m.start() for m in re.finditer(re.escape(old), text)]
        if len(found) == 1 and not any(a <= found[0] < b for a, b in code):
            edits.append(Edit(found[0], found[0] + len(old), new))
    return Analysis(edits=edits)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Spans of fenced code (CommonMark: a fence closes on the same character, at least as long,
    with no info string). A ```markdown fence is prose, not code."""
    spans: list[tuple[int, int]] = []
    open_: tuple[str, int, int, bool] | None = None  # char, length, start, is code
    for m in FENCE.finditer(text):
        mark, info = m.group(1), m.group(2).lower()
        if open_ is None:
            open_ = (mark[0], len(mark), m.start(), info not in ("markdown", "md"))
        elif mark[0] == open_[0] and len(mark) >= open_[1] and not info:
            if open_[3]:
                spans.append((open_[2], m.end()))
            open_ = None
    if open_ is not None and open_[3]:
        spans.append((open_[2], len(text)))
    return spans
