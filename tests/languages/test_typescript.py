"""TypeScript transformer: kinds, offsets, parse guards, module resolution, moves, conflicts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runsmig.findings import apply_edits
from runsmig.languages import language_for
from runsmig.languages.base import FileContext
from runsmig.languages.typescript.modules import ModuleIndex, module_ids, parse_jsonc, strip_jsonc
from runsmig.languages.typescript import LANGUAGE as TS
from runsmig.paths import plan_paths
from runsmig.recipe import load_recipe
from runsmig.recipe.model import PathDelete, PathRename
from runsmig.terms import TermEngine
from tests.helpers import runsmig

RECIPE = load_recipe()
ENGINE = TermEngine.from_recipe(RECIPE)

TSCONFIG = """{
  // JSONC: comments and trailing commas
  "compilerOptions": {
    "baseUrl": "./src", /* relative to this file */
    "paths": {
      "@shared/*": ["shared/*"],
      "@screens/*": ["screens/*"],
      "@schema": ["schema"],
    },
  },
}
"""


def make_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def analyze(root: Path, files: dict[str, str], rel: str, recipe=RECIPE, engine=ENGINE):
    """Analyze ``rel`` as the runner would, with the path plan of the whole tree."""
    make_tree(root, files)
    plan = plan_paths(sorted(files), recipe, engine)
    ctx = FileContext(root, rel, plan.moves.get(rel, rel), files[rel], engine, recipe, plan.moves,
                      frozenset(plan.deletes), frozenset(files))
    return TS.analyze(ctx), ctx


def rewritten(analysis, text: str) -> str:
    return apply_edits(text, analysis.edits)


# -- registration -------------------------------------------------------------
@pytest.mark.parametrize("rel", ["a.ts", "src/b.tsx", "c.mts", "d.js", "e.jsx", "src/generated-types/openapi.d.ts"])
def test_registered_for_typescript_and_javascript(rel):
    assert language_for(rel).name == "typescript"


def test_markdown_is_not_typescript():
    assert language_for("README.md").name != "typescript"


# -- kinds and narrow edits ------------------------------------------------------
def test_tsx_kinds(tmp_path):
    text = (
        'import { useQuery } from "@tanstack/react-query";\n'
        "// the jobs list\n"
        "export function JobsList({ jobId }: { jobId: string }) {\n"
        '  const url = `/api/v1/workspaces/${jobId}/jobs`;\n'
        '  return <p title="Jobs">Recent jobs {url}</p>;\n'
        "}\n"
    )
    a, _ = analyze(tmp_path, {"src/x.tsx": text}, "src/x.tsx")
    assert a.failed is None
    kinds = {(e.finding.text, e.finding.kind) for e in a.edits}
    assert ("jobs", "comment") in kinds
    assert ("Jobs", "identifier") in kinds  # JobsList
    assert ("job", "identifier") in kinds  # jobId
    assert ("jobs", "string") in kinds  # template literal part
    assert ("Jobs", "string") in kinds  # JSX attribute
    assert ("jobs", "prose") in kinds  # JSX text
    out = rewritten(a, text)
    assert "export function RunsList({ runId }: { runId: string })" in out
    assert "`/api/v1/workspaces/${runId}/runs`" in out
    assert '<p title="Runs">Recent runs {url}</p>' in out
    assert "// the runs list" in out


def test_every_case_convention(tmp_path):
    text = "const JOB_ID = 1; const job_id = 2; const JobId = 3; const jobId = 4; const useDocumentJobsQuery = 5;\n"
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert rewritten(a, text) == ("const RUN_ID = 1; const run_id = 2; const RunId = 3; const runId = 4; "
                                  "const useDocumentRunsQuery = 5;\n")


def test_no_op_file(tmp_path):
    text = "// a subjobber at the jobsite\nexport const jobsite = 'jobsite';\n"
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert a.failed is None and not a.edits and not a.findings


def test_offsets_are_characters_with_non_ascii(tmp_path):
    text = 'const s = "😀 é — jobs";\n// ünïcode job\n'
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert rewritten(a, text) == 'const s = "😀 é — runs";\n// ünïcode run\n'


def test_string_with_escape_sequences(tmp_path):
    text = 'const s = "\\njobs\\t"; const r = /jobs\\/\\d+/;\n'
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert rewritten(a, text) == 'const s = "\\nruns\\t"; const r = /runs\\/\\d+/;\n'


def test_keep_list_is_respected(tmp_path):
    text = "const n_jobs = 4; const jobs = n_jobs;\n"
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert rewritten(a, text) == "const n_jobs = 4; const runs = n_jobs;\n"


def test_names_imported_from_a_package_are_kept(tmp_path):
    text = 'import { JobQueue } from "job-queue-lib";\nconst jobs = new JobQueue();\n'
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert rewritten(a, text) == 'import { JobQueue } from "job-queue-lib";\nconst runs = new JobQueue();\n'
    rules = sorted({f.rule for f in a.findings})
    assert rules == ["external"]


# -- parse guards -----------------------------------------------------------------
def test_file_that_does_not_parse_is_reported_with_its_line(tmp_path):
    text = "export const ok = 1;\nexport function jobCount(jobs: string[] {\n  return jobs.length;\n}\n"
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert a.failed and "does not parse" in a.failed
    assert a.failed_line == 2
    assert not a.edits


def test_tsx_syntax_in_ts_file_fails_but_tsx_file_parses(tmp_path):
    text = "export const View = () => <div>jobs</div>;\n"
    assert analyze(tmp_path, {"a.ts": text}, "a.ts")[0].failed
    assert analyze(tmp_path, {"a.tsx": text}, "a.tsx")[0].failed is None


def test_rewrite_that_would_not_parse_is_not_made(tmp_path):
    recipe = dataclasses.replace(RECIPE, symbols={"jobHandle": "run handle"})
    engine = TermEngine.from_recipe(recipe)
    text = "const jobHandle = 1;\nexport default jobHandle;\n"
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts", recipe, engine)
    assert a.failed and "would not parse" in a.failed
    assert not a.edits


# -- tsconfig JSONC -------------------------------------------------------------------
def test_jsonc_keeps_strings_and_drops_comments():
    text = '{"a": "http://x//y", /* c */ "b": ["/*not*/",], // end\n}'
    assert parse_jsonc(text) == {"a": "http://x//y", "b": ["/*not*/"]}
    assert "//" not in strip_jsonc("{} // x")


# -- resolution ------------------------------------------------------------------------
def _index(root: Path, files: dict[str, str], moves=None, deletes=(), explicit=()) -> ModuleIndex:
    make_tree(root, files)
    return ModuleIndex(root, frozenset(files), moves or {}, frozenset(deletes), frozenset(explicit))


@pytest.mark.parametrize("spec,target", [
    ("./a", "web/src/x/a.ts"),
    ("./b", "web/src/x/b.tsx"),
    ("./c", "web/src/x/c.d.ts"),
    ("./d", "web/src/x/d/index.ts"),
    ("./e", "web/src/x/e/index.tsx"),
    ("./a.ts", "web/src/x/a.ts"),
    ("./a.js", "web/src/x/a.ts"),
    ("../shared/jobs", "web/src/shared/jobs.ts"),
    ("@shared/jobs", "web/src/shared/jobs.ts"),
    ("@screens/Home", "web/src/screens/Home/index.tsx"),
    ("@schema", "web/src/schema/index.ts"),
    ("shared/jobs", "web/src/shared/jobs.ts"),  # bare, through baseUrl
])
def test_resolution(tmp_path, spec, target):
    files = {f: "" for f in [
        "web/src/x/a.ts", "web/src/x/b.tsx", "web/src/x/c.d.ts", "web/src/x/d/index.ts", "web/src/x/e/index.tsx",
        "web/src/shared/jobs.ts", "web/src/screens/Home/index.tsx", "web/src/schema/index.ts", "web/src/x/me.ts",
    ]}
    files["web/tsconfig.json"] = TSCONFIG
    idx = _index(tmp_path, files)
    res = idx.resolve("web/src/x/me.ts", spec)
    assert res is not None and res.target == target


def test_packages_do_not_resolve(tmp_path):
    idx = _index(tmp_path, {"web/tsconfig.json": TSCONFIG, "web/src/a.ts": ""})
    assert idx.resolve("web/src/a.ts", "react") is None
    assert idx.resolve("web/src/a.ts", "@tanstack/react-query") is None


def test_nearest_tsconfig_app_json(tmp_path):
    files = {"app/tsconfig.app.json": TSCONFIG, "app/src/shared/jobs.ts": "", "app/src/a.ts": "",
             "tsconfig.json": '{"compilerOptions": {"baseUrl": "."}}'}
    idx = _index(tmp_path, files)
    assert idx.resolve("app/src/a.ts", "@shared/jobs").target == "app/src/shared/jobs.ts"


# -- moves ---------------------------------------------------------------------------
def test_alias_and_relative_imports_follow_a_moved_module(tmp_path):
    files = {
        "web/tsconfig.json": TSCONFIG,
        "web/src/shared/jobHistory.ts": "export const jobHistory = 1;\n",
        "web/src/screens/Home.tsx": ('import { jobHistory } from "@shared/jobHistory";\n'
                                     'import { jobHistory as h } from "../shared/jobHistory";\n'
                                     'export const both = [jobHistory, h];\n'),
    }
    a, _ = analyze(tmp_path, files, "web/src/screens/Home.tsx")
    out = rewritten(a, files["web/src/screens/Home.tsx"])
    assert 'from "@shared/runHistory"' in out
    assert 'from "../shared/runHistory"' in out
    code = [e.finding for e in a.edits if e.finding.kind == "code"]
    assert len(code) == 2


def test_moved_importer_recomputes_relative_imports(tmp_path):
    recipe = dataclasses.replace(RECIPE, renames=(PathRename("web/src/screens/Jobs.tsx", "web/src/screens/runs/deep/Runs.tsx"),))
    files = {
        "web/tsconfig.json": TSCONFIG,
        "web/src/shared/format.ts": "export const f = 1;\n",
        "web/src/screens/Jobs.tsx": 'import { f } from "../shared/format";\nimport { g } from "@shared/format";\nexport const jobs = [f, g];\n',
    }
    a, _ = analyze(tmp_path, files, "web/src/screens/Jobs.tsx", recipe)
    out = rewritten(a, files["web/src/screens/Jobs.tsx"])
    assert 'from "../../../shared/format"' in out
    assert 'from "@shared/format"' in out  # an alias does not depend on the importer's place


def test_alias_falls_back_to_relative_when_the_module_leaves_the_alias(tmp_path):
    recipe = dataclasses.replace(RECIPE, renames=(PathRename("web/src/shared/jobs.ts", "web/src/lib/runs.ts"),))
    files = {"web/tsconfig.json": TSCONFIG, "web/src/shared/jobs.ts": "",
             "web/src/screens/a.ts": 'import "@shared/jobs";\n'}
    a, _ = analyze(tmp_path, files, "web/src/screens/a.ts", recipe)
    assert rewritten(a, files["web/src/screens/a.ts"]) == 'import "../lib/runs";\n'


def test_folder_move_keeps_folder_specifier(tmp_path):
    files = {"web/tsconfig.json": TSCONFIG,
             "web/src/screens/Workspace/sections/Jobs/index.tsx": "export default 1;\n",
             "web/src/screens/Workspace/index.tsx": 'import S from "@screens/Workspace/sections/Jobs";\nimport T from "./sections/Jobs/index";\nexport { S, T };\n'}
    a, _ = analyze(tmp_path, files, "web/src/screens/Workspace/index.tsx")
    out = rewritten(a, files["web/src/screens/Workspace/index.tsx"])
    assert 'from "@screens/Workspace/sections/Runs"' in out
    assert 'from "./sections/Runs/index"' in out


def test_specifier_calls_follow_moves(tmp_path):
    files = {"web/tsconfig.json": TSCONFIG, "web/src/shared/jobs.ts": "",
             "web/src/t.test.ts": ('vi.mock("@shared/jobs", () => ({}));\n'
                                   'const m = await import("./shared/jobs");\n'
                                   'const r = require("./shared/jobs");\n'
                                   'type T = typeof import("./shared/jobs");\n'
                                   'export * from "./shared/jobs";\n')}
    a, _ = analyze(tmp_path, files, "web/src/t.test.ts")
    out = rewritten(a, files["web/src/t.test.ts"])
    assert "jobs" not in out
    assert out.count("runs") == 5


# -- deletions and conflicts --------------------------------------------------------------
def test_import_of_deleted_module_is_a_follow_up(tmp_path):
    recipe = dataclasses.replace(RECIPE, deletes=(PathDelete("web/src/shared/jobs.ts", "gone"),))
    files = {"web/tsconfig.json": TSCONFIG, "web/src/shared/jobs.ts": "export const fetchJobs = 1;\n",
             "web/src/a.ts": 'import { fetchJobs } from "@shared/jobs";\nexport const x = fetchJobs;\n'}
    a, _ = analyze(tmp_path, files, "web/src/a.ts", recipe)
    ups = [f for f in a.findings if f.rule == "follow-up"]
    assert len(ups) == 1 and ups[0].line == 1 and ups[0].text == "@shared/jobs"
    assert rewritten(a, files["web/src/a.ts"]) == 'import { fetchRuns } from "@shared/jobs";\nexport const x = fetchRuns;\n'


CONFLICT_FILES = {
    "web/tsconfig.json": TSCONFIG,
    "web/src/shared/jobs.ts": "export const fetchJobs = 1;\n",
    "web/src/shared/runs/api.ts": "export const fetchRun = 1;\n",
    "web/src/a.ts": 'import { fetchJobs } from "@shared/jobs";\nexport const jobs = fetchJobs;\n',
}


def test_move_onto_existing_folder_is_a_conflict(tmp_path):
    a, _ = analyze(tmp_path, CONFLICT_FILES, "web/src/shared/jobs.ts")
    assert a.failed and "module move conflict" in a.failed and "web/src/shared/runs/" in a.failed
    b, _ = analyze(tmp_path, CONFLICT_FILES, "web/src/a.ts")
    assert [f.rule for f in b.findings if f.kind == "code"] == ["conflict"]
    # the importer keeps the names of the module that stays as it is
    assert rewritten(b, CONFLICT_FILES["web/src/a.ts"]) == 'import { fetchJobs } from "@shared/jobs";\nexport const runs = fetchJobs;\n'


def test_explicit_recipe_rename_resolves_the_conflict(tmp_path):
    recipe = dataclasses.replace(RECIPE, renames=(PathRename("web/src/shared/jobs.ts", "web/src/shared/runs/legacy.ts"),))
    a, _ = analyze(tmp_path, CONFLICT_FILES, "web/src/shared/jobs.ts", recipe)
    assert a.failed is None
    b, _ = analyze(tmp_path, CONFLICT_FILES, "web/src/a.ts", recipe)
    assert rewritten(b, CONFLICT_FILES["web/src/a.ts"]) == 'import { fetchRuns } from "@shared/runs/legacy";\nexport const runs = fetchRuns;\n'


def test_move_onto_sibling_module_with_other_extension_is_a_conflict(tmp_path):
    files = {"src/jobs.ts": "export const a = 1;\n", "src/runs.tsx": "export const b = 2;\n"}
    idx = _index(tmp_path, files, moves={"src/jobs.ts": "src/runs.ts"})
    assert "src/jobs.ts" in idx.conflicts()


def _conflicts_by_definition(files, moves, deletes, explicit) -> dict[str, str]:
    """Module-level conflicts as first written: every file's module ids and folders after the change
    (the production code looks up only the moved files' ids; both must agree). Two files moved onto
    one path are both in conflict, whatever order the file set iterates in."""
    out: dict[str, str] = {}
    folders_after: dict[str, set[str]] = {}
    ids_after: dict[str, set[str]] = {}
    for old in files - deletes:
        new = moves.get(old, old)
        parts = new.split("/")
        for i in range(1, len(parts)):
            folders_after.setdefault("/".join(parts[:i]), set()).add(old)
        for mid in module_ids(new):
            ids_after.setdefault(mid, set()).add(old)
    for old, new in sorted(moves.items()):
        if old in deletes or old in explicit or not new.endswith((".ts", ".tsx", ".js")):
            continue
        for mid in module_ids(new):
            others = ids_after.get(mid, set()) - {old}
            if others:
                other = sorted(others)[0]
                out[old] = f"moving '{old}' to '{new}' makes module '{mid}' ambiguous with '{moves.get(other, other)}'"
                break
            if mid == module_ids(new)[0] and not new.rsplit("/", 1)[-1].startswith("index."):
                inside = folders_after.get(mid, set()) - {old}
                if inside:
                    out[old] = (f"moving '{old}' to '{new}' makes module '{mid}' ambiguous with the existing "
                                f"folder '{mid}/'")
                    break
    return out


_NAMES = ["jobs", "runs", "index", "a"]
_SUFFIXES = [".ts", ".tsx", ".d.ts", ".js"]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_module_conflicts_match_their_definition(data):
    path = st.builds(lambda folders, name, suf: "/".join([*folders, name + suf]),
                     st.lists(st.sampled_from(["src", "runs", "jobs"]), max_size=2),
                     st.sampled_from(_NAMES), st.sampled_from(_SUFFIXES))
    files = data.draw(st.sets(path, min_size=1, max_size=8))
    moved = data.draw(st.lists(st.sampled_from(sorted(files)), unique=True, max_size=3))
    moves = {old: data.draw(path) for old in moved}
    deletes = frozenset(data.draw(st.sets(st.sampled_from(sorted(files)), max_size=1)))
    explicit = frozenset(data.draw(st.sets(st.sampled_from(sorted(files)), max_size=1)))
    idx = ModuleIndex(Path("."), frozenset(files), moves, deletes, explicit)
    assert idx.conflicts() == _conflicts_by_definition(files, moves, deletes, explicit)


def test_module_ids():
    assert module_ids("a/b.ts") == ["a/b"]
    assert module_ids("a/b.d.ts") == ["a/b"]
    assert module_ids("a/index.tsx") == ["a/index", "a"]
    assert module_ids("a/b.css") == []


# -- end to end ---------------------------------------------------------------------------
def test_apply_then_check_leaves_only_follow_ups(tmp_path):
    root = tmp_path / "co"
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        "version: 1\nname: t\ndescription: t\nterms:\n  - {from: job, plural: jobs, to: run, to_plural: runs}\n"
        "paths:\n  delete:\n    - {path: web/src/shared/jobs.ts, reason: gone}\n", encoding="utf-8")
    make_tree(root, {**CONFLICT_FILES, "web/src/b.tsx": "export const B = () => <p>jobs</p>;\n"})
    runsmig("apply", str(root), "--recipe", str(recipe), "--allow-dirty", check_rc=0)
    assert (root / "web/src/b.tsx").read_text() == "export const B = () => <p>runs</p>;\n"
    assert not (root / "web/src/shared/jobs.ts").exists()
    proc = runsmig("check", str(root), "--recipe", str(recipe), "--format", "json")
    assert proc.returncode == 1
    import json

    found = json.loads(proc.stdout)
    items = found["findings"] if isinstance(found, dict) else found
    assert {f["rule"] for f in items} == {"follow-up"}, items


# -- rename collisions ------------------------------------------------------------------------
def test_member_collision_keeps_the_key_and_reports_a_conflict(tmp_path):
    text = ("export interface Envelope {\n  readonly job_id: string;\n  readonly run_id?: string | null;\n}\n"
            'export const e = { job_id: "job_1", run_id: "run_1", jobs: 1 };\n')
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert a.failed is None
    out = rewritten(a, text)
    assert "readonly job_id: string;" in out and "readonly run_id?: string | null;" in out
    assert 'job_id: "run_1", run_id: "run_1", runs: 1' in out
    conflicts = [f for f in a.findings if f.rule == "conflict"]
    assert [(f.line, f.text) for f in conflicts] == [(2, "job"), (5, "job")]


def test_schema_names_collide_in_generated_types(tmp_path):
    text = ("export interface components {\n  schemas: {\n    JobOutputListing: { a: 1 };\n"
            "    RunOutputListing: { b: 2 };\n    JobRecord: { c: 3 };\n  };\n}\n")
    a, _ = analyze(tmp_path, {"openapi.d.ts": text}, "openapi.d.ts")
    out = rewritten(a, text)
    assert "JobOutputListing: { a: 1 }" in out and "RunRecord: { c: 3 }" in out
    assert [f.rule for f in a.findings] == ["conflict"]


def test_getter_and_setter_pair_is_not_a_collision(tmp_path):
    text = "class A {\n  get jobs() { return 1; }\n  set jobs(v: number) {}\n}\n"
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert not a.findings and rewritten(a, text).count("runs") == 2


def test_declaration_collision_leaves_the_file_untouched(tmp_path):
    text = "const runs = 1;\nfunction f() {\n  const jobs = 2;\n  return jobs;\n}\nconst jobs = runs;\n"
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert a.failed and "rename collision" in a.failed and a.failed_line == 6
    assert not a.edits


def test_shadowing_in_an_inner_scope_is_not_a_collision(tmp_path):
    text = "const runs = 1;\nfunction f(jobs: number) {\n  return jobs + runs;\n}\n"
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert a.failed is None


def test_parameter_and_local_collide(tmp_path):
    text = "function f(job: string) {\n  const run = 1;\n  return job + run;\n}\n"
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert a.failed and "'job' -> 'run'" in a.failed


def test_types_and_values_are_separate_spaces(tmp_path):
    text = "type Run = { id: string };\nconst Job = 1;\nexport { Job };\nexport type { Run };\n"
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert a.failed is None


def test_importers_of_a_module_that_stays_keep_its_names(tmp_path):
    files = {"web/tsconfig.json": TSCONFIG,
             "web/src/shared/jobUtils.ts": "export const runs = 1;\nexport const jobs = 2;\n",
             "web/src/a.ts": 'import { jobs } from "@shared/jobUtils";\nexport const jobCount = jobs;\n'}
    a, _ = analyze(tmp_path, files, "web/src/shared/jobUtils.ts")
    assert a.failed and "rename collision" in a.failed
    b, _ = analyze(tmp_path, files, "web/src/a.ts")
    assert rewritten(b, files["web/src/a.ts"]) == 'import { jobs } from "@shared/jobUtils";\nexport const runCount = jobs;\n'
    assert [f.rule for f in b.findings if f.kind == "code"] == ["follow-up"]


def test_unresolved_imports_in_an_embedded_snippet_are_rewritten_as_text(tmp_path):
    files = {"web/tsconfig.json": TSCONFIG, "web/README.md": "", "web/src/shared/jobs.ts": ""}
    make_tree(tmp_path, files)
    plan = plan_paths(sorted(files), RECIPE, ENGINE)
    text = 'import { a } from "./jobs";\nimport { b } from "@shared/jobs";\n'
    rel = "web/README.md~fence1/snippet.ts"
    ctx = FileContext(tmp_path, rel, rel, text, ENGINE, RECIPE, plan.moves, frozenset(plan.deletes), frozenset(files))
    a = TS.analyze(ctx)
    assert rewritten(a, text) == 'import { a } from "./runs";\nimport { b } from "@shared/runs";\n'


def test_comments_and_jsx_text_get_recipe_phrases_and_clash_follow_ups(tmp_path):
    recipe = dataclasses.replace(RECIPE, phrases=(("job runner", "run engine"),))
    text = "// the job runner starts jobs and runs\nexport const A = () => <p>Job runner: jobs and runs</p>;\n"
    a, _ = analyze(tmp_path, {"a.tsx": text}, "a.tsx", recipe)
    out = rewritten(a, text)
    # the clashing 'jobs and runs' is kept (reported; check finds it again), the rest is rewritten
    assert out == "// the run engine starts jobs and runs\nexport const A = () => <p>Run engine: jobs and runs</p>;\n"
    assert [(f.rule, f.line) for f in a.findings] == [("follow-up", 1), ("follow-up", 2)]


def test_jsx_in_js_files(tmp_path):
    text = "export const A = ({ jobs }) => <ul title='jobs'>{jobs.map((job) => <li>{job}</li>)}</ul>;\n"
    a, _ = analyze(tmp_path, {"a.jsx": text, "b.js": text}, "a.jsx")
    assert a.failed is None and "job" not in rewritten(a, text)
    b, _ = analyze(tmp_path, {"a.jsx": text, "b.js": text}, "b.js")
    assert b.failed is None and "job" not in rewritten(b, text)


# -- names from third-party packages (issue #11) --------------------------------------
def externals(a) -> dict[str, str]:
    """Reported external name -> message (one finding per name and file)."""
    out: dict[str, str] = {}
    for f in a.findings:
        if f.rule == "external" and f.kind != "code":
            assert f.text not in out, f"'{f.text}' reported twice"
            assert f.replacement is None
            out[f.text] = f.message
    return out


def test_namespace_default_and_named_imports_keep_the_package_names(tmp_path):
    text = (
        "import * as schedule from 'node-schedule';\n"
        "import nodeSchedule from 'node-schedule';\n"
        "import { scheduleJob, Job as ScheduledJob } from 'node-schedule';\n"
        "const job = schedule.scheduleJob('*', () => {});\n"
        "job.cancelJob(); job.cancelJob();\n"
        "const next = job.nextJobDate();\n"
        "next.jobTick;\n"
        "nodeSchedule.rescheduleJob(job);\n"
        "scheduleJob('x', () => 1);\n"
        "const mine = new ScheduledJob('y');\n"
        "mine.jobName;\n"
        "const jobs: ScheduledJob[] = [];\n"
    )
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert rewritten(a, text) == (
        "import * as schedule from 'node-schedule';\n"
        "import nodeSchedule from 'node-schedule';\n"
        "import { scheduleJob, Job as ScheduledRun } from 'node-schedule';\n"  # the alias is the user's
        "const run = schedule.scheduleJob('*', () => {});\n"  # the user's variable follows the term
        "run.cancelJob(); run.cancelJob();\n"  # its members are the package's
        "const next = run.nextJobDate();\n"
        "next.jobTick;\n"  # and so on along the chain
        "nodeSchedule.rescheduleJob(run);\n"
        "scheduleJob('x', () => 1);\n"
        "const mine = new ScheduledRun('y');\n"
        "mine.jobName;\n"
        "const runs: ScheduledRun[] = [];\n"
    )
    ext = externals(a)
    assert sorted(ext) == ["Job", "cancelJob", "jobName", "jobTick", "nextJobDate", "rescheduleJob", "scheduleJob"]
    assert ext["cancelJob"] == "'cancelJob' belongs to the third-party module 'node-schedule': kept"


def test_commonjs_require_destructuring_and_dynamic_import(tmp_path):
    text = (
        "const schedule = require('node-schedule');\n"
        "const { scheduleJob, gracefulShutdown: stopJobs } = require('node-schedule');\n"
        "const JobEmitter = require('node:events').EventEmitter;\n"
        "schedule.cancelJob(scheduleJob('x'));\n"
        "stopJobs();\n"
        "JobEmitter.listenerJobCount;\n"
        "async function f() {\n"
        "  const lazy = await import('node-schedule');\n"
        "  const { rescheduleJob } = await import('node-schedule');\n"
        "  return lazy.scheduledJobs && rescheduleJob();\n"
        "}\n"
    )
    a, _ = analyze(tmp_path, {"a.js": text}, "a.js")
    out = rewritten(a, text)
    assert out == (
        "const schedule = require('node-schedule');\n"
        "const { scheduleJob, gracefulShutdown: stopRuns } = require('node-schedule');\n"
        "const RunEmitter = require('node:events').EventEmitter;\n"
        "schedule.cancelJob(scheduleJob('x'));\n"
        "stopRuns();\n"
        "RunEmitter.listenerJobCount;\n"
        "async function f() {\n"
        "  const lazy = await import('node-schedule');\n"
        "  const { rescheduleJob } = await import('node-schedule');\n"
        "  return lazy.scheduledJobs && rescheduleJob();\n"
        "}\n"
    )
    ext = externals(a)
    assert ext["listenerJobCount"].endswith("module 'node:events': kept")  # node: builtins are packages
    assert {"scheduleJob", "cancelJob", "scheduledJobs", "rescheduleJob"} <= set(ext)


def test_option_keys_of_a_package_call_are_kept_and_shorthand_keys_expand(tmp_path):
    text = (
        "import { Queue } from '@acme/queue';\n"
        "export function make(jobId: string, removeJobs: boolean) {\n"
        "  const q = new Queue('jobs', { removeOnJobDone: removeJobs, jobId, nested: { jobTimeout: 1 },\n"
        "                              onJob() {} });\n"
        "  const mine = { jobId, jobTimeout: 2 };\n"
        "  return q.process('job-name', mine);\n"
        "}\n"
    )
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert rewritten(a, text) == (
        "import { Queue } from '@acme/queue';\n"
        "export function make(runId: string, removeRuns: boolean) {\n"
        "  const q = new Queue('runs', { removeOnJobDone: removeRuns, jobId: runId, nested: { jobTimeout: 1 },\n"
        "                              onJob() {} });\n"
        "  const mine = { runId, runTimeout: 2 };\n"  # the user's own object: renamed
        "  return q.process('run-name', mine);\n"  # strings are left to the term map
        "}\n"
    )
    # a scoped package, not installed here: kept as its option, and the gate calls that undecided
    assert "the third-party module '@acme/queue', whose type declarations cannot be read" in \
        externals(a)["removeOnJobDone"]


def test_typed_variables_and_options_and_jsx_props(tmp_path):
    text = (
        "import * as Bull from 'bull';\n"
        "import type { JobOptions } from 'bull';\n"
        "import { CronJobView } from 'react-cron';\n"
        "export function handle(job: Bull.Job, other: MyJob) {\n"
        "  const opts: JobOptions = { jobId: '1' };\n"
        "  const more = { jobKey: 2 } satisfies JobOptions;\n"
        "  return [job.jobData, other.jobData, opts, more, <CronJobView jobId={job.id} />];\n"
        "}\n"
    )
    a, _ = analyze(tmp_path, {"a.tsx": text}, "a.tsx")
    assert rewritten(a, text) == (
        "import * as Bull from 'bull';\n"
        "import type { JobOptions } from 'bull';\n"
        "import { CronJobView } from 'react-cron';\n"
        "export function handle(run: Bull.Job, other: MyRun) {\n"
        "  const opts: JobOptions = { jobId: '1' };\n"
        "  const more = { jobKey: 2 } satisfies JobOptions;\n"
        "  return [run.jobData, other.runData, opts, more, <CronJobView jobId={run.id} />];\n"
        "}\n"
    )


def test_a_shadowing_local_is_the_users(tmp_path):
    text = (
        "import schedule from 'node-schedule';\n"
        "schedule.scheduleJob();\n"
        "function mine(schedule: Local) { return schedule.scheduleJob(); }\n"
        "for (const job of schedule.allJobs()) { job.jobName; }\n"
        "try { f(); } catch (job) { job.jobName; }\n"
    )
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert rewritten(a, text) == (
        "import schedule from 'node-schedule';\n"
        "schedule.scheduleJob();\n"
        "function mine(schedule: Local) { return schedule.scheduleRun(); }\n"
        "for (const run of schedule.allJobs()) { run.jobName; }\n"
        "try { f(); } catch (run) { run.runName; }\n"
    )


def test_kept_name_in_the_users_key_or_export_keeps_its_value(tmp_path):
    text = (
        "import { scheduleJob, Job } from 'node-schedule';\n"
        "export const api = { scheduleJob, other: 1 };\n"
        "export { Job };\n"
        "export { jobHelper } from 'node-schedule';\n"
    )
    a, _ = analyze(tmp_path, {"a.ts": text}, "a.ts")
    assert rewritten(a, text) == (
        "import { scheduleJob, Job } from 'node-schedule';\n"
        "export const api = { scheduleRun: scheduleJob, other: 1 };\n"
        "export { Job as Run };\n"
        "export { jobHelper as runHelper } from 'node-schedule';\n"
    )


def test_checkout_packages_and_aliases_are_not_third_party(tmp_path):
    files = {
        "package.json": '{"name": "app", "dependencies": {"@app/tools": "workspace:*", "job-lib": "1"}}',
        "packages/shared/package.json": '{"name": "@app/shared"}',
        "packages/shared/index.ts": "export const jobLabel = 1;\n",
        "tsconfig.json": '{"compilerOptions": {"baseUrl": ".", "paths": {"@lib/*": ["src/lib/*"]}}}',
        "src/lib/names.ts": "export const jobName = 'x';\n",
        "src/a.ts": (
            "import { jobLabel } from '@app/shared';\n"
            "import { jobTool } from '@app/tools';\n"
            "import { jobName } from '@lib/names';\n"
            "import { makeJob } from 'job-lib';\n"
            "jobLabel; jobTool; jobName; makeJob;\n"
        ),
    }
    a, ctx = analyze(tmp_path, files, "src/a.ts")
    out = rewritten(a, files["src/a.ts"])
    assert out.splitlines()[-1] == "runLabel; runTool; runName; makeJob;"
    assert sorted(externals(a)) == ["makeJob"]


def test_package_of(tmp_path):
    files = {"package.json": '{"name": "me", "devDependencies": {"lib": "1"}}', "src/lib/x.ts": "", "src/a.ts": ""}
    make_tree(tmp_path, files)
    idx = ModuleIndex(tmp_path, frozenset(files), {}, frozenset(), frozenset())
    assert idx.package_of("src/a.ts", "node:fs/promises") == "node:fs"
    assert idx.package_of("src/a.ts", "events") == "events"
    assert idx.package_of("src/a.ts", "@scope/pkg/sub") == "@scope/pkg"
    assert idx.package_of("src/a.ts", "lib/x") == "lib"  # declared: a package, though src/lib exists
    assert idx.package_of("src/a.ts", "src/lib/x") is None  # undeclared, names a file here: a bundler alias
    for spec in ("./x", "../x", "/abs", "#internal", "@/x", "~/x", "me", "me/sub", "virtual:x"):
        assert idx.package_of("src/a.ts", spec) is None, spec


def _md(tmp_path, text: str):
    from runsmig.languages.markdown import LANGUAGE as MD

    ctx = FileContext(tmp_path, "README.md", "README.md", text, ENGINE, RECIPE, {}, frozenset(), frozenset({"README.md"}))
    res = MD.analyze(ctx)
    assert res.failed is None
    return apply_edits(text, res.edits), res.findings


def test_markdown_fence_keeps_package_names_and_earlier_fences_are_its_imports(tmp_path):
    text = (
        "# Jobs\n\n"
        "```js\n"
        "const schedule = require('node-schedule');\n"
        "const job = schedule.scheduleJob('*', runJob);\n"
        "schedule.scheduleJob('again', runJob);\n"
        "```\n\n"
        "Later, cancel the job:\n\n"
        "```js\n"
        "job.cancelJob();\n"
        "schedule.rescheduleJob(job);\n"
        "```\n"
    )
    out, findings = _md(tmp_path, text)
    assert out == (
        "# Runs\n\n"
        "```js\n"
        "const schedule = require('node-schedule');\n"
        "const run = schedule.scheduleJob('*', runRun);\n"
        "schedule.scheduleJob('again', runRun);\n"  # reported once, kept every time
        "```\n\n"
        "Later, cancel the run:\n\n"
        "```js\n"
        "run.cancelJob();\n"  # the import and the variable come from the fence above
        "schedule.rescheduleJob(run);\n"
        "```\n"
    )
    assert {f.text for f in findings if f.rule == "external"} == {"scheduleJob", "cancelJob", "rescheduleJob"}


def test_markdown_fence_without_any_import_is_the_users(tmp_path):
    text = "```js\nschedule.scheduleJob('x');\n```\n"
    out, _ = _md(tmp_path, text)
    assert out == "```js\nschedule.scheduleRun('x');\n```\n"


def test_markdown_fence_keeps_every_use_of_a_name_reported_once(tmp_path):
    # a language reports a third-party name once; markdown.embed must not rewrite its other uses as text
    text = "```python\nfrom rq.job import Job\nJob.fetch('a')\nx = Job()\n```\n"
    out, findings = _md(tmp_path, text)
    assert out == text
    assert sorted(f.text for f in findings if f.rule == "external") == ["Job", "job"]


def test_a_remembered_answer_about_a_moving_module_is_a_dependency_of_every_file_that_asks(tmp_path):
    """Whether a moving module stays where it is is worked out once per run (it reads that module);
    each file that asks depends on that module's bytes, not only the first (its cached result
    must go stale when the module changes)."""
    from runsmig import deps

    idx = _index(tmp_path, {"src/jobs.ts": "export const a = 1;\n", "src/a.ts": "", "src/b.ts": ""},
                 moves={"src/jobs.ts": "src/runs.ts"})
    idx.local_check = lambda rel: None
    for _ in range(2):
        with deps.recording() as record:
            assert idx.stuck("src/jobs.ts") is None
        assert "src/jobs.ts" in record.read


# -- bundler aliases ('@site/…', '@/…', '~/…': not declared packages) -----------------------------
def test_bundler_alias_resolves_to_the_checkout_file_it_names(tmp_path):
    files = {"website/package.json": '{"name": "website", "dependencies": {"react": "18"}}',
             "website/static/img/cron-jobs.svg": "<svg/>", "website/src/lib/jobs.ts": "",
             "website/src/pages/index.js": ""}
    idx = _index(tmp_path, files)
    assert idx.resolve("website/src/pages/index.js", "@site/static/img/cron-jobs.svg").target == \
        "website/static/img/cron-jobs.svg"
    assert idx.resolve("website/src/pages/index.js", "@/lib/jobs").target == "website/src/lib/jobs.ts"
    assert idx.resolve("website/src/pages/index.js", "react/jsx-runtime") is None  # declared: a package
    assert idx.resolve("website/src/pages/index.js", "@other/pkg/static/img/none.svg") is None  # names nothing here


@pytest.mark.parametrize("renames, spec", [
    ((), "@site/static/img/cron-runs.svg"),  # the term map's move
    ((PathRename("website/static/img/cron-jobs.svg", "website/static/img/schedule.svg"),),
     "@site/static/img/schedule.svg"),  # the recipe's own name for it
])
def test_asset_imports_through_a_bundler_alias_follow_a_moved_file(tmp_path, renames, spec):
    recipe = dataclasses.replace(RECIPE, renames=renames)
    files = {"website/package.json": '{"name": "website"}', "website/static/img/cron-jobs.svg": "<svg/>",
             "website/src/pages/index.js": 'import Logo from "@site/static/img/cron-jobs.svg";\nexport default Logo;\n'}
    a, _ = analyze(tmp_path, files, "website/src/pages/index.js", recipe)
    out = rewritten(a, files["website/src/pages/index.js"])
    assert out == f'import Logo from "{spec}";\nexport default Logo;\n'
    assert not [f for f in a.findings if f.rule == "external"]
